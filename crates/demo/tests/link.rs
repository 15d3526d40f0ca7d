//! The demo's network switch, over real loopback sockets: online it carries every byte,
//! offline it refuses and cuts, on 2G it paces uploads at EDGE speed (in tokio's paused
//! time, so the test waits for nothing).

use std::net::SocketAddr;

use hanout_demo::{Connectivity, Link, Pace};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A server that sends back whatever it is sent.
async fn echo() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = stream.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    addr
}

fn link_addr(link: &Link) -> String {
    link.url().trim_start_matches("http://").to_owned()
}

/// Sends `bytes` through the link and reads them back.
async fn round_trip(link: &Link, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(link_addr(link)).await?;
    let (mut r, mut w) = stream.split();
    let mut back = vec![0; bytes.len()];
    let write = async {
        w.write_all(bytes).await?;
        w.shutdown().await
    };
    let (written, read) = tokio::join!(write, r.read_exact(&mut back));
    written?;
    read?;
    Ok(back)
}

fn some_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn online_every_byte_goes_through_both_ways() {
    let link = Link::start(echo().await).await.expect("link");
    let bytes = some_bytes(1 << 20);
    assert_eq!(round_trip(&link, &bytes).await.expect("through"), bytes);
}

#[tokio::test]
async fn offline_connections_are_refused_and_open_ones_cut_until_the_network_comes_back() {
    let link = Link::start(echo().await).await.expect("link");
    let mut open = TcpStream::connect(link_addr(&link)).await.expect("online");
    open.write_all(b"hello").await.expect("write");
    let mut hello = [0; 5];
    open.read_exact(&mut hello).await.expect("echoed");

    link.set(Connectivity::Offline);
    assert_eq!(link.connectivity(), Connectivity::Offline);
    let mut rest = Vec::new();
    let cut = open.read_to_end(&mut rest).await;
    assert!(
        cut.is_err() || rest.is_empty(),
        "the open connection is cut"
    );
    // The switch is flipped before the listener closes: try until it has.
    let mut refused = false;
    for _ in 0..100 {
        match TcpStream::connect(link_addr(&link)).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                refused = true;
                break;
            }
            _ => tokio::task::yield_now().await,
        }
    }
    assert!(refused, "offline, nothing answers");

    link.set(Connectivity::Online);
    let mut back = None;
    for _ in 0..100 {
        if let Ok(bytes) = round_trip(&link, b"again").await {
            back = Some(bytes);
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(back.as_deref(), Some(&b"again"[..]));
}

#[tokio::test(start_paused = true)]
async fn on_2g_an_upload_takes_as_long_as_edge_needs_for_it() {
    let link = Link::start(echo().await).await.expect("link");
    link.set(Connectivity::Slow2g);
    let bytes = some_bytes(64 * 1024);
    let started = tokio::time::Instant::now();
    assert_eq!(round_trip(&link, &bytes).await.expect("through"), bytes);
    let took = started.elapsed();
    let up = Pace::EDGE_UP.time_for(bytes.len());
    assert!(
        took >= up,
        "{took:?} for {} bytes, EDGE needs {up:?}",
        bytes.len()
    );
    // Up and down overlap; latency is paid once each way.
    let most = up + Pace::EDGE_DOWN.time_for(bytes.len()) + Pace::EDGE_UP.latency * 2;
    assert!(took <= most, "{took:?}, at most {most:?}");
}
