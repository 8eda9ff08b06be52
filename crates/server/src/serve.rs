//! The HTTP/1.1 accept loop: a bounded number of connections, a deadline for
//! request headers (which also closes idle keep-alive connections), and a
//! graceful shutdown with a deadline.
//!
//! `axum::serve` offers none of these limits, so the loop is ours, over hyper's
//! connection builder (`hyper::server::conn::http1`) and hyper-util's tokio
//! glue and graceful-shutdown watcher. Each request carries the peer address
//! as axum's [`ConnectInfo`], for per-client rate limits and proxy checks.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{StatusCode, Version, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Connection-level limits of [`serve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// Open connections at most; further clients wait in the listen queue.
    pub max_connections: usize,
    /// A client must send a request's complete headers within this time of the
    /// connection opening or of its previous response (an idle keep-alive
    /// connection is closed after it).
    pub header_timeout: Duration,
    /// After a shutdown signal, how long in-flight requests may finish before
    /// the remaining connections are dropped.
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Connections served at once unless configured (`--max-connections`); also
/// bounded by the open-file limit, see [`connection_limit`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// File descriptors kept back from connections for the store, the log, spooled
/// uploads and the listener.
const RESERVED_FILES: u64 = 128;

/// Raises the soft open-file limit to the hard one (a systemd unit's default
/// soft limit is 1024) and returns how many connections fit: at most `wanted`,
/// and [`RESERVED_FILES`] fewer than the open-file limit.
pub fn connection_limit(wanted: usize) -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if let Some(hard) = limit.maximum
        && limit.current.is_some_and(|soft| soft < hard)
    {
        limit.current = Some(hard);
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            tracing::debug!(error = %e, "could not raise the open-file limit");
        }
        limit = getrlimit(Resource::Nofile);
    }
    match limit.current {
        Some(soft) => {
            let fit = usize::try_from(soft.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX).max(1);
            if fit < wanted {
                tracing::warn!(
                    open_file_limit = soft,
                    connections = fit,
                    "the open-file limit allows only {fit} connections (wanted {wanted}); raise LimitNOFILE"
                );
            }
            wanted.min(fit)
        }
        None => wanted,
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting, lets in-flight requests finish for at most
/// [`ServeOptions::shutdown_grace`] and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let connections = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(options.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors (EMFILE/ENFILE) or an aborted
                    // handshake: back off a little instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            async move {
                // RFC 9112 §3.2: an HTTP/1.1 request without a Host header, or
                // with more than one, is answered 400.
                if request.version() == Version::HTTP_11 && request.headers().get_all(header::HOST).iter().count() != 1
                {
                    let message = "an HTTP/1.1 request needs exactly one Host header";
                    return Ok(crate::error::error_response(StatusCode::BAD_REQUEST, message));
                }
                Ok::<_, Infallible>(router.oneshot(request).await.unwrap_or_else(|e| match e {}))
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    let open = options.max_connections.max(1) - connections.available_permits();
    tracing::info!(
        open_connections = open,
        "shutting down: in-flight requests have {} s to finish",
        options.shutdown_grace.as_secs()
    );
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("every connection closed"),
        () = tokio::time::sleep(options.shutdown_grace) => {
            tracing::warn!("the shutdown deadline passed; dropping the remaining connections");
        }
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received");
}

/// The peer address of a request served by [`serve`] (None in in-process tests).
pub fn peer_of<B>(request: &hyper::Request<B>) -> Option<SocketAddr> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

/// The peer address of the request, as an extractor (None in in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Peer, Infallible> {
        Ok(Peer(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)))
    }
}
