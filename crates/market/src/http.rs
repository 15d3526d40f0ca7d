//! What every adapter needs from HTTP: one client that never retries by itself, the
//! translation of whatever happened on the wire into a [`Reply`] the engine judges, and
//! photo bodies that report their progress as they leave.
//!
//! Everything that comes off the wire is bounded: an answer's size ([`MAX_ANSWER`]), a
//! request's whole time ([`JSON_DEADLINE`], [`upload_deadline`]) besides the silence
//! between two reads, and a marketplace's `Retry-After` ([`MAX_RETRY_AFTER`]). A captive
//! portal or a broken shop can neither fill a phone's memory nor hold the sync task.

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::stream;
use reqwest::header::{CONTENT_LENGTH, DATE, HeaderMap, RETRY_AFTER};
use reqwest::{Body, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use hanout_sync::Reply;

/// The most of an answer that is read. Every answer these adapters read is JSON, and the
/// largest are a page of 100 Etsy listings with their images and Etsy's whole seller
/// taxonomy (each about a megabyte); 4 MiB leaves room for those, while an endless or
/// huge body (a captive portal's, a broken shop's) stops long before a 2 GB phone feels
/// it. A longer answer is refused unread, never buffered whole.
pub const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// The whole time a JSON request may take, sent and answered. Three minutes: an answer of
/// a few hundred kilobytes still arrives on 2G, and a shop that trickles a byte now and
/// then (which the read timeout alone would never end) lets the sync task go.
pub const JSON_DEADLINE: Duration = Duration::from_secs(3 * 60);

/// The longest silence on a connection before it counts as dead.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// How long reaching a marketplace may take (name look-up, TCP and TLS): a dead mast.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// A photo upload's deadline before its size counts: the answer, and a slow start.
const UPLOAD_BASE: Duration = Duration::from_secs(2 * 60);

/// The slowest rate an upload is given time for: 1 KiB/s, below what GPRS or EDGE give
/// on a bad day, so a 500 KB photo on EDGE still finishes (about ten minutes allowed).
const UPLOAD_FLOOR_BYTES_PER_SECOND: u64 = 1024;

/// The longest `Retry-After` obeyed: an hour. A shop that asks for a year (or a typo that
/// does) would otherwise silence the marketplace until the app is reinstalled.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// The HTTP client cannot start on this device.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("secure connections cannot start on this device: {0}")]
    Tls(#[source] reqwest::Error),
}

/// Which certificate authorities the client trusts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Roots {
    /// The system's (rustls-platform-verifier): what the desktop trusts, company roots
    /// and revocations included. On Android it needs a Java-side start that a Tauri app
    /// does not make, and without it the first HTTPS request panics.
    Platform,
    /// Mozilla's roots, built into the binary (webpki-root-certs): the same list the
    /// marketplaces' certificates chain to, and nothing to start from Java.
    Bundled,
}

/// The roots this platform uses: the bundled ones on Android, the system's elsewhere.
pub const PLATFORM_ROOTS: Roots = if cfg!(target_os = "android") {
    Roots::Bundled
} else {
    Roots::Platform
};

/// The one HTTP client of an adapter.
///
/// - No retries: the engine alone decides what is sent again (reqwest 0.13 would retry
///   refused HTTP/2 streams by default).
/// - A connect timeout for a dead mast, a read timeout for a silent connection, and a
///   total deadline ([`JSON_DEADLINE`]; photo uploads set their own, [`upload_deadline`]).
/// - No redirects: a marketplace API that redirects is misconfigured, and following one
///   could carry credentials elsewhere.
/// - Certificates checked against [`PLATFORM_ROOTS`]; a desktop whose system has no
///   roots at all (a bare Linux without `ca-certificates`) gets the bundled ones rather
///   than no HTTPS. The bundled build fails only if a built-in root does not parse, which
///   a test rules out: then the error says so, nothing panics.
pub fn client() -> Result<reqwest::Client, ClientError> {
    match build(PLATFORM_ROOTS, JSON_DEADLINE) {
        Ok(client) => Ok(client),
        Err(error) if PLATFORM_ROOTS == Roots::Platform => {
            tracing::warn!(%error, "the system's certificates cannot be used: Mozilla's built-in roots instead");
            build(Roots::Bundled, JSON_DEADLINE)
        }
        Err(error) => Err(error),
    }
}

/// The client with `roots` and a total `deadline` per request; callable on every platform
/// so the Android configuration is built and tested on any.
pub fn build(roots: Roots, deadline: Duration) -> Result<reqwest::Client, ClientError> {
    let builder = reqwest::Client::builder()
        .retry(reqwest::retry::never())
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .timeout(deadline)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Hanout/", env!("CARGO_PKG_VERSION")));
    let builder = match roots {
        Roots::Platform => builder,
        Roots::Bundled => builder.tls_certs_only(
            webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .filter_map(|der| reqwest::Certificate::from_der(der).ok()),
        ),
    };
    builder.build().map_err(ClientError::Tls)
}

/// A photo upload's whole deadline: [`UPLOAD_BASE`] and a second per KiB.
pub fn upload_deadline(bytes: usize) -> Duration {
    let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
    UPLOAD_BASE.saturating_add(Duration::from_secs(
        bytes.div_ceil(UPLOAD_FLOOR_BYTES_PER_SECOND),
    ))
}

/// A failure before the marketplace could have acted (no connection) is `NotSent`;
/// anything after the request started leaving may have been acted on: `Lost`. A deadline
/// passed is `Lost` too: the connection (bounded by a shorter timeout) was made, so the
/// request may have arrived.
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
    /// Reads `response` to its end, at most [`MAX_ANSWER`] bytes of it. A body cut short
    /// is a lost answer: the status alone cannot be trusted to say what happened. A body
    /// too large is refused as it comes: a success is then an answer that cannot be read
    /// (unknown, like a garbled one), a failure keeps its status.
    pub async fn read(response: Result<Response, reqwest::Error>) -> Result<Answer, Reply> {
        let mut response = response.map_err(|e| failure(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let said = response.content_length();
        if said.is_some_and(|n| n > MAX_ANSWER as u64) {
            return Err(too_large(status, &headers));
        }
        let mut body = BytesMut::with_capacity(said.map_or(0, |n| n as usize));
        while let Some(chunk) = response.chunk().await.map_err(|e| failure(&e))? {
            if chunk.len() > MAX_ANSWER - body.len() {
                return Err(too_large(status, &headers));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body: body.freeze(),
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
                retry_after: retry_after(&self.headers, SystemTime::now()),
                message: message(&self.body),
            })
        }
    }
}

/// An answer longer than [`MAX_ANSWER`].
fn too_large(status: StatusCode, headers: &HeaderMap) -> Reply {
    let what = format!("an answer larger than {} MiB", MAX_ANSWER / (1024 * 1024));
    if status.is_success() {
        garbled(status, &what)
    } else {
        Reply::Status {
            code: status.as_u16(),
            retry_after: retry_after(headers, SystemTime::now()),
            message: what,
        }
    }
}

impl Answer {
    /// The marketplace's own time when it answered (its `Date` header), in seconds.
    pub fn server_time(&self) -> Option<i64> {
        let value = self.headers.get(DATE)?.to_str().ok()?;
        let at = httpdate::parse_http_date(value.trim()).ok()?;
        let seconds = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        i64::try_from(seconds).ok()
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

/// `Retry-After`, in seconds or as an HTTP date, at most [`MAX_RETRY_AFTER`]. A date is
/// counted from the answer's own `Date` when it has one (a phone's clock is often wrong;
/// the two dates come from the same server), else from `now`.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            let now = headers
                .get(DATE)
                .and_then(|d| d.to_str().ok())
                .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
                .unwrap_or(now);
            // A date already past: try again now.
            at.duration_since(now).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// How much of a photo goes per chunk: progress moves every 16 KiB.
const CHUNK: usize = 16 * 1024;

/// A photo body that reports each chunk as it is handed to the connection, and the
/// receiving end of those reports. Its length is not known to reqwest: send it with
/// [`photo_request`] (a `Content-Length` of its own), or as a part of known length.
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

/// `builder` carrying `photo` as its whole body, with its `Content-Length` and the
/// deadline of its size. A streamed body would otherwise go chunked, which Apache passes
/// to PHP-FPM as an empty body on many shared WordPress hosts; hyper sends a body of the
/// length its header states, unchunked.
pub fn photo_request(
    builder: RequestBuilder,
    photo: &[u8],
) -> (RequestBuilder, mpsc::UnboundedReceiver<u64>) {
    let (body, sent) = counted(photo);
    let builder = builder
        .header(CONTENT_LENGTH, photo.len())
        .timeout(upload_deadline(photo.len()))
        .body(body);
    (builder, sent)
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

#[cfg(test)]
mod tests;
