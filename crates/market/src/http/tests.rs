//! The wire's bounds against raw loopback servers that misbehave on purpose: answers too
//! large or endless, a shop that stalls mid-answer, photo uploads read byte by byte, and
//! a TLS server whose certificate nobody vouches for.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hanout_domain::{Clock, ProductId, Timestamp};
use hanout_sync::{Done, Marketplace, Operation, RemoteId, RemoteImageId, Reply, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::etsy::{Credentials, Etsy, EtsyShop, TokenVault, Tokens, WhoMade};
use crate::woo::{Woo, WooCredentials, WooShop};

/// Long enough for anything these tests wait for on loopback; a test that reaches it
/// has hung (waited for an endless body, or for the read timeout).
const HANG: Duration = Duration::from_secs(30);

async fn guard<T>(what: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG, what)
        .await
        .expect("no answer in 30 s: the bound did not hold")
}

/// A server on loopback that hands each connection to `handle`; its address.
async fn server<F, Fut>(handle: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream));
        }
    });
    format!("http://{addr}")
}

/// One request as it arrived: its request line, its headers (names in lower case) and
/// its body, decoded if it came chunked.
#[derive(Debug, Default)]
struct Arrived {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Arrived {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }
}

/// Reads more of `stream` into `buf`; `None` at its end.
async fn more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await.ok()?;
    if n == 0 {
        return None;
    }
    buf.extend_from_slice(&chunk[..n]);
    Some(())
}

/// The first `n` bytes of what `stream` sends, after what `buf` holds.
async fn take(stream: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> Option<Vec<u8>> {
    while buf.len() < n {
        more(stream, buf).await?;
    }
    Some(buf.drain(..n).collect())
}

/// Everything up to `end` (not included, but consumed).
async fn until(stream: &mut TcpStream, buf: &mut Vec<u8>, end: &[u8]) -> Option<String> {
    loop {
        if let Some(at) = buf.windows(end.len()).position(|w| w == end) {
            let text = String::from_utf8_lossy(&buf[..at]).into_owned();
            buf.drain(..at + end.len());
            return Some(text);
        }
        more(stream, buf).await?;
    }
}

/// Reads one whole request, whatever its framing.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Arrived> {
    let head = until(stream, buf, b"\r\n\r\n").await?;
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut arrived = Arrived {
        line,
        headers,
        body: Vec::new(),
    };
    if arrived.chunked() {
        loop {
            let size = until(stream, buf, b"\r\n").await?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let chunk = take(stream, buf, size + 2).await?;
            if size == 0 {
                break;
            }
            arrived.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = arrived.header("content-length") {
        let n: usize = n.parse().ok()?;
        arrived.body = take(stream, buf, n).await?;
    }
    Some(arrived)
}

/// A server that records every request and answers each with `answer(request line)`.
async fn recording(answer: fn(&str) -> (u16, String)) -> (String, Arc<Mutex<Vec<Arrived>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    let url = server(move |mut stream| {
        let seen = kept.clone();
        async move {
            let mut buf = Vec::new();
            while let Some(arrived) = read_request(&mut stream, &mut buf).await {
                let (code, body) = answer(&arrived.line);
                seen.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(arrived);
                let reply = format!(
                    "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    })
    .await;
    (url, seen)
}

/// Answers with `head`, then body bytes for as long as anyone reads them, framed
/// chunked or not.
async fn endless(head: &'static str, chunked: bool) -> String {
    server(move |mut stream| async move {
        let mut buf = Vec::new();
        if read_request(&mut stream, &mut buf).await.is_none()
            || stream.write_all(head.as_bytes()).await.is_err()
        {
            return;
        }
        let block = vec![b'x'; 64 * 1024];
        loop {
            let sent = if chunked {
                let mut framed = format!("{:x}\r\n", block.len()).into_bytes();
                framed.extend_from_slice(&block);
                framed.extend_from_slice(b"\r\n");
                stream.write_all(&framed).await
            } else {
                stream.write_all(&block).await
            };
            if sent.is_err() {
                return;
            }
        }
    })
    .await
}

/// Answers with `head` (and whatever it holds of a body), then says nothing more while
/// holding the connection open.
async fn stalling(head: &'static str) -> String {
    server(move |mut stream| async move {
        let mut buf = Vec::new();
        if read_request(&mut stream, &mut buf).await.is_none()
            || stream.write_all(head.as_bytes()).await.is_err()
        {
            return;
        }
        std::future::pending::<()>().await;
        drop(stream);
    })
    .await
}

fn test_client() -> reqwest::Client {
    client().expect("an HTTPS client")
}

#[tokio::test]
async fn an_endless_success_is_refused_at_the_cap_as_an_unknown_answer() {
    let url = endless("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n", false).await;
    let read = guard(Answer::read(test_client().get(&url).send().await)).await;
    // A success that cannot be read, as a garbled one: the engine takes it as unknown.
    assert_eq!(
        read.err(),
        Some(garbled(StatusCode::OK, &"an answer larger than 4 MiB"))
    );
}

#[tokio::test]
async fn an_endless_error_keeps_its_status_and_retry_after() {
    let url = endless(
        "HTTP/1.1 503 Busy\r\nretry-after: 120\r\ntransfer-encoding: chunked\r\n\r\n",
        true,
    )
    .await;
    let read = guard(Answer::read(test_client().get(&url).send().await)).await;
    assert_eq!(
        read.err(),
        Some(Reply::Status {
            code: 503,
            retry_after: Some(Duration::from_secs(120)),
            message: "an answer larger than 4 MiB".into(),
        })
    );
}

#[tokio::test]
async fn a_stated_length_over_the_cap_is_refused_before_its_body() {
    // The body never comes: only the stated length can end this before the read timeout.
    let url = stalling("HTTP/1.1 200 OK\r\ncontent-length: 4194305\r\n\r\n").await;
    let read = guard(Answer::read(test_client().get(&url).send().await)).await;
    assert!(
        matches!(&read, Err(Reply::Status { code: 200, message, .. }) if message.contains("larger than")),
        "{:?}",
        read.err()
    );
}

#[tokio::test]
async fn an_answer_of_exactly_the_cap_is_read_whole() {
    let url = server(|mut stream| async move {
        let mut buf = Vec::new();
        if read_request(&mut stream, &mut buf).await.is_none() {
            return;
        }
        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {MAX_ANSWER}\r\n\r\n");
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(&vec![b'y'; MAX_ANSWER]).await;
    })
    .await;
    let answer = guard(Answer::read(test_client().get(&url).send().await))
        .await
        .unwrap_or_else(|r| panic!("refused: {r:?}"));
    assert_eq!(answer.body.len(), MAX_ANSWER);
}

#[tokio::test]
async fn a_shop_that_stalls_mid_answer_is_lost_at_the_deadline() {
    // Half an answer, then silence: the read timeout (a minute) would wait it out; the
    // deadline, here a short one, ends it. The request may have been carried out: lost.
    let url = stalling("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"id\": ").await;
    let client = build(PLATFORM_ROOTS, Duration::from_millis(300)).expect("a client");
    let read = guard(async { Answer::read(client.get(&url).send().await).await }).await;
    assert_eq!(read.err(), Some(Reply::Lost));
}

#[test]
fn retry_after_is_capped_at_an_hour_and_reads_http_dates() {
    let now = httpdate::parse_http_date("Tue, 24 Nov 2026 10:00:00 GMT").expect("a date");
    let headers = |pairs: &[(&'static str, &'static str)]| {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("a header value"));
        }
        map
    };
    let secs = |s| Some(Duration::from_secs(s));
    assert_eq!(
        retry_after(&headers(&[("retry-after", "120")]), now),
        secs(120)
    );
    assert_eq!(
        retry_after(&headers(&[("retry-after", "31536000")]), now),
        Some(MAX_RETRY_AFTER),
        "a year is an hour"
    );
    assert_eq!(
        retry_after(
            &headers(&[("retry-after", "Tue, 24 Nov 2026 10:02:00 GMT")]),
            now
        ),
        secs(120),
        "a date, from now"
    );
    assert_eq!(
        retry_after(
            &headers(&[
                ("retry-after", "Tue, 24 Nov 2026 10:02:00 GMT"),
                ("date", "Tue, 24 Nov 2026 10:01:30 GMT"),
            ]),
            now
        ),
        secs(30),
        "a date, from the answer's own Date"
    );
    assert_eq!(
        retry_after(
            &headers(&[("retry-after", "Sunday, 06-Nov-94 08:49:37 GMT")]),
            now
        ),
        secs(0),
        "the obsolete form, and a date already past"
    );
    assert_eq!(
        retry_after(
            &headers(&[("retry-after", "Fri, 24 Nov 2028 10:00:00 GMT")]),
            now
        ),
        Some(MAX_RETRY_AFTER)
    );
    for garbage in ["-5", "soon", "1.5"] {
        let map = headers(&[("retry-after", garbage)]);
        assert_eq!(retry_after(&map, now), None, "{garbage}");
    }
    assert_eq!(retry_after(&HeaderMap::new(), now), None);
}

#[test]
fn a_500_kb_photo_is_given_time_at_1_kib_a_second() {
    assert_eq!(upload_deadline(0), UPLOAD_BASE);
    let photo = 500 * 1000;
    let deadline = upload_deadline(photo);
    assert_eq!(deadline, UPLOAD_BASE + Duration::from_secs(489));
    assert!(deadline > JSON_DEADLINE, "longer than a JSON request's");
    assert!(upload_deadline(usize::MAX) > Duration::from_secs(1 << 40));
}

#[tokio::test]
async fn the_android_roots_build_a_client_that_refuses_an_unknown_certificate() {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert = include_bytes!("../../tests/fixtures/localhost-cert.der");
    let key = include_bytes!("../../tests/fixtures/localhost-key.der");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.to_vec())),
        )
        .expect("a server configuration");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("an address");
    let handshakes = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("a connection");
        // The client walks away during the handshake.
        acceptor.accept(stream).await.is_err()
    });

    let client = build(Roots::Bundled, JSON_DEADLINE).expect("the Android configuration builds");
    let sent = guard(client.get(format!("https://{addr}/")).send()).await;
    let error = sent.expect_err("a self-signed certificate is refused");
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(s) = source {
        chain.push_str(&format!(" / {s}"));
        source = s.source();
    }
    assert!(chain.contains("invalid peer certificate"), "{chain}");
    assert_eq!(
        failure(&error),
        Reply::NotSent,
        "refused before anything left"
    );
    assert!(guard(handshakes).await.expect("the server ran"));
}

#[test]
fn the_client_of_this_platform_builds() {
    client().expect("an HTTPS client");
    build(Roots::Bundled, JSON_DEADLINE).expect("the bundled roots parse");
}

fn photo(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 31 % 251) as u8).collect()
}

struct Uploaded {
    done: Result<Done, Reply>,
    progress: Vec<u64>,
}

async fn upload(market: &impl Marketplace, photo: &[u8]) -> Uploaded {
    let progress = Mutex::new(Vec::new());
    let report = |n: u64| {
        progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(n)
    };
    let op = Operation::UploadPhoto {
        hash: "a".repeat(64).parse().expect("a photo hash"),
        rank: 0,
    };
    let listing = RemoteId::new("2");
    let done = guard(
        market.send(Request {
            sku: "0190f0e0-0000-7000-8000-000000000001"
                .parse::<ProductId>()
                .expect("a product id"),
            remote_id: Some(&listing),
            op: &op,
            photos: &[],
            photo: Some(photo),
            progress: &report,
        }),
    )
    .await;
    let progress = progress
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    Uploaded { done, progress }
}

/// The one request whose line starts with `line`.
fn find<'a>(seen: &'a [Arrived], line: &str) -> &'a Arrived {
    seen.iter()
        .find(|a| a.line.starts_with(line))
        .unwrap_or_else(|| panic!("no {line}: {seen:?}"))
}

#[tokio::test]
async fn a_woocommerce_photo_goes_with_its_content_length_unchunked() {
    let (url, seen) = recording(|line| {
        if line.starts_with("POST /wp-json/wp/v2/media") {
            (201, r#"{"id": 55}"#.into())
        } else {
            let product = r#"{"id": 2, "status": "draft", "regular_price": "10.00", "stock_quantity": 1, "images": []}"#;
            (200, product.into())
        }
    })
    .await;
    let woo = Woo::new(
        WooShop {
            site: url,
            categories: Default::default(),
        },
        WooCredentials {
            consumer_key: "ck".into(),
            consumer_secret: "cs".into(),
            wp_user: "wp".into(),
            app_password: "app".into(),
        },
    )
    .expect("a client");
    let bytes = photo(100 * 1024 + 7);
    let uploaded = upload(&woo, &bytes).await;
    assert_eq!(
        uploaded.done,
        Ok(Done::Uploaded(RemoteImageId::new("55"))),
        "the upload went through"
    );
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    let media = find(&seen, "POST /wp-json/wp/v2/media");
    assert!(!media.chunked(), "not chunked: {:?}", media.headers);
    assert_eq!(
        media.header("content-length"),
        Some(bytes.len().to_string().as_str()),
        "{:?}",
        media.headers
    );
    assert!(media.body == bytes, "the photo arrived whole");
    assert_eq!(uploaded.progress.len(), 7, "progress every 16 KiB");
    assert_eq!(uploaded.progress.last(), Some(&(bytes.len() as u64)));
}

struct Now;

impl Clock for Now {
    fn now(&self) -> Timestamp {
        Timestamp(1_795_478_400_000)
    }
}

struct Kept;

impl TokenVault for Kept {
    fn store(&self, _: &Tokens) -> Result<(), String> {
        Ok(())
    }
}

#[tokio::test]
async fn an_etsy_photo_form_goes_with_its_content_length_unchunked() {
    let (url, seen) = recording(|_| (201, r#"{"listing_image_id": 9, "rank": 1}"#.into())).await;
    let etsy = Etsy::new(
        EtsyShop {
            api: url,
            shop_id: 1,
            who_made: WhoMade::Collective,
            when_made: "made_to_order".into(),
            shipping_profile_id: None,
            taxonomy: Default::default(),
        },
        Credentials {
            keystring: "key".into(),
            shared_secret: "secret".into(),
            tokens: Tokens {
                access: "access".into(),
                refresh: "refresh".into(),
                expires_at: Timestamp(Now.now().millis() + 3_600_000),
            },
        },
        Arc::new(Kept),
        Arc::new(Now),
    )
    .expect("a client");
    let bytes = photo(100 * 1024 + 7);
    let uploaded = upload(&etsy, &bytes).await;
    assert_eq!(
        uploaded.done,
        Ok(Done::Uploaded(RemoteImageId::new("9"))),
        "the upload went through"
    );
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    let form = find(&seen, "POST /v3/application/shops/1/listings/2/images");
    assert!(!form.chunked(), "not chunked: {:?}", form.headers);
    assert_eq!(
        form.header("content-length"),
        Some(form.body.len().to_string().as_str()),
        "{:?}",
        form.headers
    );
    assert!(
        form.body.windows(bytes.len()).any(|w| w == bytes),
        "the photo arrived whole in the form"
    );
    assert_eq!(uploaded.progress.last(), Some(&(bytes.len() as u64)));
}
