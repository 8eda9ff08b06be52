//! A well-behaved client: one keep-alive HTTP/1.1 connection (hyper) sending the
//! workload's requests one after another (closed loop), reconnecting after a
//! failure, and timing every request.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{ACCEPT_ENCODING, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::stats::{ClassStats, Outcome};
use crate::target::LoopbackTarget;
use crate::workload::{Class, PlannedRequest, Workload};

/// What every well-behaved client shares.
#[derive(Debug)]
pub struct ClientConfig {
    /// The server.
    pub target: LoopbackTarget,
    /// The admin token for the writes.
    pub token: Option<String>,
    /// A request without a complete answer after this long is a timeout.
    pub request_timeout: Duration,
}

/// One open connection; its driver task is stopped when it is dropped.
struct Connection {
    sender: SendRequest<Full<Bytes>>,
    driver: JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

async fn connect(target: LoopbackTarget) -> Option<Connection> {
    let stream = TcpStream::connect(target.addr()).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.ok()?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    Some(Connection { sender, driver })
}

fn build(config: &ClientConfig, planned: &PlannedRequest) -> Option<Request<Full<Bytes>>> {
    let mut builder =
        Request::builder().method(planned.method.clone()).uri(&planned.path).header(HOST, config.target.host_header());
    if planned.class == Class::Tile {
        builder = builder.header(ACCEPT_ENCODING, "gzip");
    }
    if planned.authorised {
        builder = builder.header(AUTHORIZATION, format!("Bearer {}", config.token.as_deref()?));
    }
    let body = match &planned.body {
        Some(b) => {
            builder = builder.header(CONTENT_TYPE, "application/json");
            Full::new(b.clone())
        }
        None => Full::new(Bytes::new()),
    };
    builder.body(body).ok()
}

/// Sends one request on `slot`'s connection (opening one when needed) and reads
/// the whole answer.
async fn exchange(slot: &mut Option<Connection>, config: &ClientConfig, planned: &PlannedRequest) -> Outcome {
    // A connection the server closed between requests is replaced without counting
    // an error; a failure while a request is on the wire is an error.
    if slot.as_ref().is_none_or(|c| c.sender.is_closed()) {
        *slot = connect(config.target).await;
    }
    let Some(connection) = slot.as_mut() else { return Outcome::Connection };
    if connection.sender.ready().await.is_err() {
        *slot = connect(config.target).await;
    }
    let Some(connection) = slot.as_mut() else { return Outcome::Connection };
    let Some(request) = build(config, planned) else { return Outcome::Connection };
    let response = match connection.sender.send_request(request).await {
        Ok(r) => r,
        Err(_) => return Outcome::Connection,
    };
    let status = response.status();
    if response.into_body().collect().await.is_err() {
        return Outcome::Connection;
    }
    classify(status)
}

fn classify(status: StatusCode) -> Outcome {
    let code = status.as_u16();
    if status.is_server_error() {
        Outcome::ServerError(code)
    } else if status.is_client_error() {
        Outcome::Refused(code)
    } else {
        Outcome::Ok(code)
    }
}

/// Runs one client until `deadline`; requests started before `record_from` (the
/// warm-up) are not recorded. Returns the stats per class.
pub async fn run_client(
    workload: Arc<Workload>,
    config: Arc<ClientConfig>,
    seed: u64,
    record_from: Instant,
    deadline: Instant,
) -> BTreeMap<Class, ClassStats> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut stats: BTreeMap<Class, ClassStats> = BTreeMap::new();
    let mut slot: Option<Connection> = None;
    let mut sequence = seed.wrapping_mul(1_000_000);
    while Instant::now() < deadline {
        sequence += 1;
        let planned = workload.next(&mut rng, sequence);
        let started = Instant::now();
        let outcome = tokio::time::timeout(config.request_timeout, exchange(&mut slot, &config, &planned))
            .await
            .unwrap_or(Outcome::Timeout);
        let waited = started.elapsed();
        if matches!(outcome, Outcome::Timeout | Outcome::Connection) {
            // The connection's state is unknown: start afresh.
            slot = None;
        }
        if started >= record_from {
            stats.entry(planned.class).or_default().record(outcome, waited);
        }
        if outcome == Outcome::Connection {
            // Do not spin while the server refuses connections.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    stats
}

/// `GET path` on a fresh connection: (status, body). For the set-up requests.
pub async fn get(target: LoopbackTarget, path: &str, timeout: Duration) -> anyhow::Result<(StatusCode, Bytes)> {
    let exchange = async {
        let mut connection = connect(target).await.ok_or_else(|| anyhow::anyhow!("cannot connect to {target}"))?;
        let request = Request::get(path).header(HOST, target.host_header()).body(Full::new(Bytes::new()))?;
        let response = connection.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        anyhow::Ok((status, body))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| anyhow::anyhow!("GET {path}: no answer from {target} within {timeout:?}"))?
}
