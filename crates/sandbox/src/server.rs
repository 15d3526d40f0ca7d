//! The accept loop. It is written by hand, not `axum::serve`, for one reason: a fault
//! must be able to kill the connection a request came on, with nothing written, after
//! the handler committed its change ([`Kill`]). The socket is closed with a zero linger
//! time, so the client sees a reset, never a status it could trust.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// Put in every request's extensions: kills the connection the request came on.
#[derive(Clone, Debug)]
pub(crate) struct Kill(Arc<Notify>);

impl Kill {
    /// Resets the connection; the request is never answered. The returned future never
    /// completes: the connection task drops it with the connection.
    pub(crate) async fn now<T>(&self) -> T {
        self.0.notify_one();
        std::future::pending().await
    }
}

pub(crate) async fn run(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, router.clone(), stop.clone()));
                }
                // Out of descriptors or a connection that died in the backlog: go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            _ = stop.changed() => return,
        }
    }
}

async fn connection(stream: TcpStream, router: Router, mut stop: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    // A second descriptor on the same socket, kept to set the linger time when the
    // connection is killed after hyper owns the first.
    let Ok(std_stream) = stream.into_std() else {
        return;
    };
    let Ok(twin) = std_stream.try_clone() else {
        return;
    };
    let Ok(stream) = TcpStream::from_std(std_stream) else {
        return;
    };
    let kill = Kill(Arc::new(Notify::new()));
    let for_requests = kill.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(for_requests.clone());
        router.clone().oneshot(request.map(Body::new))
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    let killed = tokio::select! {
        _ = conn => false,
        _ = kill.0.notified() => true,
        _ = stop.changed() => false,
    };
    // `conn` is dropped by now, closing the first descriptor; closing the twin with a
    // zero linger sends a reset.
    if killed {
        let _ = socket2::SockRef::from(&twin).set_linger(Some(Duration::ZERO));
    }
    drop(twin);
}
