//! The demo's network: a loopback proxy between the app and the sandbox marketplace that
//! a trainer switches between offline, slow 2G and online. Going offline cuts every open
//! connection and refuses new ones; 2G paces each direction at EDGE speeds, so a photo's
//! progress bar crawls as it would in a village.

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the trainer's switch says the phone's network is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    Offline,
    /// EDGE: a few kilobytes a second, and slow to answer.
    Slow2g,
    #[default]
    Online,
}

impl Connectivity {
    /// What the sync engine is told: 2G is mobile data, which costs money.
    pub fn network(self) -> hanout_engine::Network {
        match self {
            Connectivity::Offline => hanout_engine::Network::Offline,
            Connectivity::Slow2g => hanout_engine::Network::Metered,
            Connectivity::Online => hanout_engine::Network::Unmetered,
        }
    }

    /// How one direction of a connection is paced, if it is.
    fn pace(self, direction: Direction) -> Option<Pace> {
        match (self, direction) {
            (Connectivity::Slow2g, Direction::Up) => Some(Pace::EDGE_UP),
            (Connectivity::Slow2g, Direction::Down) => Some(Pace::EDGE_DOWN),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    /// From the phone to the marketplace (photos go this way).
    Up,
    Down,
}

/// A rate and a delay for one direction of a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    pub bytes_per_second: u32,
    /// Added before the first bytes of each connection: a slow network is slow to answer.
    pub latency: Duration,
}

impl Pace {
    /// A typical EDGE upload in a village: 64 kbit/s.
    pub const EDGE_UP: Pace = Pace {
        bytes_per_second: 8 * 1024,
        latency: Duration::from_millis(300),
    };
    pub const EDGE_DOWN: Pace = Pace {
        bytes_per_second: 24 * 1024,
        latency: Duration::from_millis(300),
    };

    /// How long `bytes` take on this link.
    pub fn time_for(self, bytes: usize) -> Duration {
        Duration::from_secs_f64(bytes as f64 / f64::from(self.bytes_per_second.max(1)))
    }

    /// Each read is at most a tenth of a second's worth, so the bytes leave steadily.
    fn chunk(self) -> usize {
        (self.bytes_per_second as usize / 10).clamp(256, 16 * 1024)
    }
}

/// The proxy, running until dropped.
pub struct Link {
    addr: SocketAddr,
    switch: watch::Sender<Connectivity>,
    task: JoinHandle<()>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Kernel buffers on the proxy's side of the phone's connections: small, so that bytes
/// wait in the app (where its progress counts them) rather than in the kernel.
const SOCKET_BUFFER: u32 = 8 * 1024;

impl Link {
    /// Listens on a free loopback port and forwards to `upstream`, online at first.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Link> {
        let listener = listen(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let addr = listener.local_addr()?;
        let (switch, _) = watch::channel(Connectivity::Online);
        let task = tokio::spawn(serve(listener, addr, upstream, switch.clone()));
        Ok(Link { addr, switch, task })
    }

    /// The marketplace's address as the app should reach it: through the link.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn connectivity(&self) -> Connectivity {
        *self.switch.borrow()
    }

    /// Flips the switch. Offline cuts every connection at once, mid-upload included.
    pub fn set(&self, connectivity: Connectivity) {
        self.switch.send_replace(connectivity);
    }
}

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    // The port is taken again when the network comes back.
    socket.set_reuseaddr(true)?;
    socket.set_recv_buffer_size(SOCKET_BUFFER)?;
    socket.set_send_buffer_size(SOCKET_BUFFER)?;
    socket.bind(addr)?;
    socket.listen(64)
}

/// Accepts while online. Offline, nothing listens: a connection is refused, as with no
/// network, so the app knows its request never left.
async fn serve(
    listener: TcpListener,
    addr: SocketAddr,
    upstream: SocketAddr,
    switch: watch::Sender<Connectivity>,
) {
    let mut changes = switch.subscribe();
    let mut listener = Some(listener);
    loop {
        let Some(open) = &listener else {
            if changes
                .wait_for(|c| *c != Connectivity::Offline)
                .await
                .is_err()
            {
                return;
            }
            // Should the port be taken meanwhile, the link stays down: the app sees
            // "offline", which is what it is.
            listener = listen(addr).ok();
            if listener.is_none() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            continue;
        };
        tokio::select! {
            accepted = open.accept() => {
                if let Ok((phone, _)) = accepted {
                    tokio::spawn(carry(phone, upstream, switch.subscribe()));
                }
            }
            _ = changes.wait_for(|c| *c == Connectivity::Offline) => listener = None,
        }
    }
}

/// One connection, both ways, until either side closes or the link goes offline.
async fn carry(phone: TcpStream, upstream: SocketAddr, mut switch: watch::Receiver<Connectivity>) {
    let Ok(market) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = phone.set_nodelay(true);
    let _ = market.set_nodelay(true);
    let (phone_in, phone_out) = phone.into_split();
    let (market_in, market_out) = market.into_split();
    let up = pump(phone_in, market_out, Direction::Up, switch.clone());
    let down = pump(market_in, phone_out, Direction::Down, switch.clone());
    let offline = switch.wait_for(|c| *c == Connectivity::Offline);
    tokio::select! {
        _ = async { tokio::join!(up, down) } => {}
        _ = offline => {}
    }
}

/// Copies one direction, pacing it when the link is slow.
async fn pump(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    direction: Direction,
    switch: watch::Receiver<Connectivity>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut idle = true;
    loop {
        let pace = switch.borrow().pace(direction);
        let room = pace.map_or(buffer.len(), Pace::chunk);
        let n = match from.read(&mut buffer[..room]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(pace) = pace {
            if idle {
                tokio::time::sleep(pace.latency).await;
            }
            tokio::time::sleep(pace.time_for(n)).await;
        }
        idle = false;
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
