//! Serving the router over TCP with a deadline on request headers.
//!
//! `axum::serve` (axum 0.8) builds hyper's connection with no timer, so hyper's header read
//! timeout never runs: a client that opens connections and sends its headers a byte at a time, or
//! nothing at all, holds each one forever (slowloris). This is axum's accept loop on hyper-util's
//! connection builder with a timer: hyper closes a connection whose request headers take longer
//! than `SOCO_HEADER_READ_TIMEOUT_MS` (and an idle keep-alive one), and, because hyper-util reads
//! the protocol preface of a new connection before hyper's timer starts, a connection that has not
//! delivered its first request's headers by then is closed here. How long a request may take
//! after its headers is the router's `TimeoutLayer` (`SOCO_REQUEST_TIMEOUT_MS`).
//!
//! Each request carries `ConnectInfo<SocketAddr>` as with `into_make_service_with_connect_info`.
//!
//! Every accepted socket has `TCP_NODELAY` set: hyper writes a response's head and body in
//! separate pieces, and with Nagle's algorithm on, the second waits for the client's delayed ACK
//! (about 40 ms on Linux) before it leaves. [`no_delay`] is the one place that sets it.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::serve::Listener;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Answers connections on `listener` with `router` until `shutdown` resolves, then stops
/// accepting and waits for the open connections to finish their requests.
pub async fn serve(
    mut listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // Every connection task holds a sender; they learn of the shutdown when the receiver goes.
    let (signal_tx, signal_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(signal_rx);
    });
    // The listener waits for every task's receiver to be dropped.
    let (close_tx, close_rx) = watch::channel(());
    loop {
        let (stream, remote) = tokio::select! {
            // axum's accept: it retries (and backs off) on errors such as too many open files.
            accepted = Listener::accept(&mut listener) => accepted,
            () = signal_tx.closed() => break,
        };
        no_delay(&stream);
        let (router, signal_tx, close_rx) = (router.clone(), signal_tx.clone(), close_rx.clone());
        tokio::spawn(async move {
            connection(stream, remote, router, header_read_timeout, signal_tx).await;
            drop(close_rx);
        });
    }
    drop(close_rx);
    drop(listener);
    close_tx.closed().await;
}

/// Sends every write at once (`TCP_NODELAY`). A socket that refuses still serves, only slower.
pub fn no_delay(stream: &tokio::net::TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(error = %error, "TCP_NODELAY could not be set");
    }
}

/// Serves one connection: hyper's header read timeout for every request, and a deadline for the
/// first request's headers (preface included).
async fn connection(
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
    router: Router,
    header_read_timeout: Duration,
    signal_tx: watch::Sender<()>,
) {
    let started = Arc::new(AtomicBool::new(false));
    let service = {
        let started = started.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            started.store(true, Ordering::Relaxed);
            request.extensions_mut().insert(ConnectInfo(remote));
            let mut router = router.clone();
            // A Router is always ready.
            tower::Service::call(&mut router, request.map(Body::new))
        })
    };
    // HTTP/1.1 only: hyper's header-read timeout covers HTTP/1 alone, and a cleartext HTTP/2
    // connection kept alive by pings would never time out. A TLS proxy in front speaks HTTP/2.
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let mut conn = pin!(builder.serve_connection_with_upgrades(TokioIo::new(stream), service));
    let mut first_headers = pin!(tokio::time::sleep(header_read_timeout));
    let mut awaiting_first = true;
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::trace!(error = %error, "connection ended with an error");
                }
                return;
            }
            () = &mut first_headers, if awaiting_first => {
                if !started.load(Ordering::Relaxed) {
                    tracing::debug!(peer = %remote, "no request headers in time: connection closed");
                    return;
                }
                awaiting_first = false;
            }
            () = signal_tx.closed(), if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}
