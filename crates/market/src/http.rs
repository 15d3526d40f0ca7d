//! What every adapter needs from HTTP: one client that never retries by itself, the
//! translation of whatever happened on the wire into a [`Reply`] the engine judges, and
//! photo bodies that report their progress as they leave.

use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Body, Response, StatusCode};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use hanout_sync::Reply;

/// The one HTTP client of an adapter.
///
/// - No retries: the engine alone decides what is sent again (reqwest 0.13 would retry
///   refused HTTP/2 streams by default).
/// - A connect timeout for a dead mast, and a read timeout rather than a total one: a
///   photo on 2G takes minutes, but a silent connection is dead.
/// - No redirects: a marketplace API that redirects is misconfigured, and following one
///   could carry credentials elsewhere.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .retry(reqwest::retry::never())
        .connect_timeout(Duration::from_secs(20))
        .read_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Hanout/", env!("CARGO_PKG_VERSION")))
        .build()
        // Building fails only when the TLS backend cannot start: nothing can be sent.
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// A failure before the marketplace could have acted (no connection) is `NotSent`;
/// anything after the request started leaving may have been acted on: `Lost`.
pub fn failure(error: &reqwest::Error) -> Reply {
    if error.is_connect() || error.is_builder() {
        Reply::NotSent
    } else {
        Reply::Lost
    }
}

/// An answer read to its end: status, headers and the whole body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    /// Reads `response` to its end. A body cut short is a lost answer: the status alone
    /// cannot be trusted to say what happened.
    pub async fn read(response: Result<Response, reqwest::Error>) -> Result<Answer, Reply> {
        let response = response.map_err(|e| failure(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| failure(&e))?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// The body as `T` when the status is a success; otherwise the failure, with the
    /// marketplace's message found by `message`.
    pub fn json<T: DeserializeOwned>(self, message: fn(&[u8]) -> String) -> Result<T, Reply> {
        let ok = self.ok(message)?;
        serde_json::from_slice(&ok.body).map_err(|e| garbled(ok.status, &e))
    }

    /// `self` when the status is a success, else the failure it stands for.
    pub fn ok(self, message: fn(&[u8]) -> String) -> Result<Answer, Reply> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(Reply::Status {
                code: self.status.as_u16(),
                retry_after: retry_after(&self.headers),
                message: message(&self.body),
            })
        }
    }
}

/// A success whose body cannot be read: the engine treats it as unknown.
pub fn garbled(status: StatusCode, error: &dyn std::fmt::Display) -> Reply {
    Reply::Status {
        code: status.as_u16(),
        retry_after: None,
        message: format!("an answer that cannot be read: {error}"),
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by these marketplaces).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// How much of a photo goes per chunk: progress moves every 16 KiB.
const CHUNK: usize = 16 * 1024;

/// A photo body that reports each chunk as it is handed to the connection, and the
/// receiving end of those reports.
pub fn counted(photo: &[u8]) -> (Body, mpsc::UnboundedReceiver<u64>) {
    let bytes = Bytes::copy_from_slice(photo);
    let (tx, rx) = mpsc::unbounded_channel();
    let size = bytes.len();
    let chunks = (0..size).step_by(CHUNK).map(move |from| {
        let to = (from + CHUNK).min(size);
        // The receiver may be gone once the answer is in: nothing then listens.
        let _ = tx.send(to as u64);
        Ok::<_, std::io::Error>(bytes.slice(from..to))
    });
    (Body::wrap_stream(stream::iter(chunks)), rx)
}

/// Awaits `request` while passing each progress report of `sent` to `progress`.
pub async fn with_progress<T>(
    request: impl std::future::Future<Output = T>,
    mut sent: mpsc::UnboundedReceiver<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> T {
    tokio::pin!(request);
    loop {
        tokio::select! {
            answer = &mut request => return answer,
            Some(n) = sent.recv() => progress(n),
        }
    }
}
