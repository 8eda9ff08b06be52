//! The hostile client: one group of tasks that sends what a careless or malicious
//! client would — polygons of 150,000 and 1,000,000 vertices (with the admin token
//! to the write endpoint, anonymously to the valuation), bodies and headers sent a
//! byte every few seconds, 60 MB anonymous uploads, and a bounded crowd of idle
//! connections.
//!
//! The written polygons are ones the server must refuse: the 150,000-vertex one
//! crosses itself where an exact check finds it last (so its whole validation is
//! paid for), the 1,000,000-vertex one is over the vertex limit. A valid polygon
//! stored again and again is not an attack but data: what large stored polygons
//! cost tiles is measured with county-scale data, not here.
//!
//! It speaks raw HTTP/1.1 over TCP (not hyper) so it can stall mid-header and
//! mid-body, and it records how each attempt ended: the status the server
//! answered, a close without an answer, a reset, or "unfinished" when the phase
//! ended first.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, sleep_until, timeout_at};

use crate::stats::HostileStats;
use crate::target::LoopbackTarget;

/// Vertices of the "large" polygon.
pub const LARGE_POLYGON_VERTICES: usize = 150_000;
/// Vertices of the "huge" polygon.
pub const HUGE_POLYGON_VERTICES: usize = 1_000_000;
/// Size of an oversized anonymous upload.
pub const OVERSIZED_UPLOAD_BYTES: usize = 60 * 1024 * 1024;
/// Connections that send a body a byte at a time.
pub const SLOW_BODY_CONNECTIONS: usize = 8;
/// Connections that send their headers a byte at a time.
pub const SLOW_HEADER_CONNECTIONS: usize = 8;
/// Pause between two bytes of a slow body or header.
pub const SLOW_BYTE_INTERVAL: Duration = Duration::from_secs(2);
/// Hard cap of idle connections.
pub const MAX_IDLE_CONNECTIONS: usize = 500;
/// Pause between two heavy requests of one task (the hostile client is one
/// client, not a flood).
const PAUSE: Duration = Duration::from_millis(250);

/// The outcome recorded when the phase ended before the server answered.
pub const UNFINISHED: &str = "unfinished at the end of the phase";

/// The request bodies, built once before the phase starts.
#[derive(Debug, Clone)]
pub struct Payloads {
    write_large: Bytes,
    write_huge: Bytes,
    valuation_large: Bytes,
    valuation_huge: Bytes,
    filler: Bytes,
}

impl Payloads {
    /// Builds every body (about 100 MB in all).
    pub fn build() -> Payloads {
        let write = |n| Bytes::from(write_body(n));
        let valuation = |n| Bytes::from(valuation_body(n));
        Payloads {
            write_large: write(LARGE_POLYGON_VERTICES),
            write_huge: write(HUGE_POLYGON_VERTICES),
            valuation_large: valuation(LARGE_POLYGON_VERTICES),
            valuation_huge: valuation(HUGE_POLYGON_VERTICES),
            filler: Bytes::from(vec![b'x'; OVERSIZED_UPLOAD_BYTES]),
        }
    }
}

/// As [`circle_polygon`], with its second and third vertices swapped: the ring
/// crosses itself at its easternmost point, where a sweep from the west finds
/// it last.
pub fn crossed_circle_polygon(vertices: usize) -> String {
    let circle = circle_polygon(vertices);
    let start = circle.find("[[").map_or(0, |i| i + 2);
    let positions: Vec<&str> = circle[start..circle.len() - 3].split("],[").collect();
    let mut swapped: Vec<&str> = positions.clone();
    swapped.swap(1, 2);
    format!("{}{}]]}}", &circle[..start], swapped.join("],["))
}

/// A GeoJSON Polygon: a circle of `vertices` distinct vertices (closed, so one
/// more position) around a point inside the county, in no demo zone. Simple and
/// valid, so only its size makes it expensive.
pub fn circle_polygon(vertices: usize) -> String {
    let (cx, cy, r) = (110.65, 35.115, 0.02);
    let mut s = String::with_capacity(vertices * 28 + 64);
    s.push_str(r#"{"type":"Polygon","coordinates":[["#);
    for i in 0..=vertices {
        let a = std::f64::consts::TAU * (i % vertices) as f64 / vertices as f64;
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "[{:.9},{:.9}]", cx + r * a.cos(), cy + r * a.sin());
    }
    s.push_str("]]}");
    s
}

fn write_body(vertices: usize) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{},"properties":{{"name":"hostile {vertices}","project_type":"土地整治","accuracy":"illustrative"}}}}]}}"#,
        crossed_circle_polygon(vertices)
    )
}

fn valuation_body(vertices: usize) -> String {
    format!(r#"{{"parcel":{},"use":"住宅","as_of":"2023-06-01"}}"#, circle_polygon(vertices))
}

/// What to send after the request line and headers.
#[derive(Debug, Clone)]
enum Send {
    /// The whole body, as fast as the server takes it.
    Body(Bytes),
    /// Declare `declared` bytes, then send one byte per interval.
    SlowBody { declared: usize },
    /// Never finish the headers: one more header byte per interval.
    SlowHeaders,
}

fn head(target: LoopbackTarget, method: &str, path: &str, token: Option<&str>, length: Option<usize>) -> String {
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", target.host_header());
    if let Some(t) = token {
        let _ = write!(h, "Authorization: Bearer {t}\r\n");
    }
    if let Some(n) = length {
        let _ = write!(h, "Content-Type: application/json\r\nContent-Length: {n}\r\n");
    }
    h.push_str("\r\n");
    h
}

async fn write_side(mut w: OwnedWriteHalf, head: String, send: Send) -> io::Result<OwnedWriteHalf> {
    match send {
        Send::Body(body) => {
            w.write_all(head.as_bytes()).await?;
            for chunk in body.chunks(64 * 1024) {
                w.write_all(chunk).await?;
            }
            Ok(w)
        }
        Send::SlowBody { declared: _ } => {
            w.write_all(head.as_bytes()).await?;
            loop {
                sleep(SLOW_BYTE_INTERVAL).await;
                w.write_all(b" ").await?;
            }
        }
        Send::SlowHeaders => {
            // The request line and Host, then a header that never ends.
            let start = head.split("\r\n").take(2).collect::<Vec<_>>().join("\r\n") + "\r\nX-Slow: ";
            w.write_all(start.as_bytes()).await?;
            loop {
                sleep(SLOW_BYTE_INTERVAL).await;
                w.write_all(b"a").await?;
            }
        }
    }
}

/// Reads until the status line: `Ok(Some(status))`, or `Ok(None)` when the server
/// closed the connection without answering.
async fn read_status(r: &mut tokio::net::tcp::OwnedReadHalf) -> io::Result<Option<u16>> {
    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = String::from_utf8_lossy(&buf[..end]).into_owned();
            return Ok(line.split(' ').nth(1).and_then(|s| s.parse().ok()).or(Some(0)));
        }
        let n = r.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 64 * 1024 {
            return Ok(Some(0));
        }
    }
}

fn io_outcome(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionReset => "reset by the server".to_owned(),
        io::ErrorKind::BrokenPipe => "closed by the server while sending".to_owned(),
        kind => format!("i/o error: {kind}"),
    }
}

/// Sends one raw request and waits for the status line, until `deadline`.
async fn raw_request(target: LoopbackTarget, head: String, send: Send, deadline: Instant) -> (String, Duration) {
    let started = Instant::now();
    let stream = match timeout_at(deadline, TcpStream::connect(target.addr())).await {
        Err(_) => return (UNFINISHED.to_owned(), started.elapsed()),
        Ok(Err(e)) => return (format!("connect error: {}", e.kind()), started.elapsed()),
        Ok(Ok(s)) => s,
    };
    let (mut reader, writer) = stream.into_split();
    let write = write_side(writer, head, send);
    let read = read_status(&mut reader);
    tokio::pin!(write, read);
    let mut writing = true;
    // Keeps the write half (and so the connection) open once the body is sent.
    let mut _kept = None;
    let mut write_error = None;
    loop {
        tokio::select! {
            answer = &mut read => {
                let outcome = match answer {
                    Ok(Some(status)) => status.to_string(),
                    Ok(None) => write_error.as_ref().map_or_else(|| "closed without an answer".to_owned(), io_outcome),
                    Err(e) => io_outcome(&e),
                };
                return (outcome, started.elapsed());
            }
            sent = &mut write, if writing => {
                writing = false;
                match sent {
                    Ok(w) => _kept = Some(w),
                    Err(e) => write_error = Some(e),
                }
            }
            () = sleep_until(deadline) => return (UNFINISHED.to_owned(), started.elapsed()),
        }
    }
}

/// One hostile task: a class name and what it saw.
type TaskResult = Vec<(&'static str, HostileStats)>;

/// One heavy POST of the hostile client.
#[derive(Debug, Clone)]
struct Heavy {
    /// Its class in the report.
    class: &'static str,
    /// Path and query.
    path: &'static str,
    /// The bearer token, if sent.
    token: Option<Arc<str>>,
    /// The body.
    body: Bytes,
}

fn heavy(class: &'static str, path: &'static str, token: Option<&Arc<str>>, body: &Bytes) -> Heavy {
    Heavy { class, path, token: token.cloned(), body: body.clone() }
}

/// Sends `requests` in turn, over and over, until the deadline.
async fn heavy_loop(target: LoopbackTarget, requests: Vec<Heavy>, deadline: Instant) -> TaskResult {
    let mut stats: BTreeMap<&'static str, HostileStats> = BTreeMap::new();
    'outer: loop {
        for r in &requests {
            if Instant::now() >= deadline {
                break 'outer;
            }
            let h = head(target, "POST", r.path, r.token.as_deref(), Some(r.body.len()));
            let (outcome, waited) = raw_request(target, h, Send::Body(r.body.clone()), deadline).await;
            let unfinished = outcome == UNFINISHED;
            stats.entry(r.class).or_default().record(outcome, waited);
            if unfinished {
                break 'outer;
            }
            sleep(PAUSE).await;
        }
    }
    stats.into_iter().collect()
}

/// Opens slow connections one after another until the deadline.
async fn slow_loop(target: LoopbackTarget, class: &'static str, send: Send, deadline: Instant) -> TaskResult {
    let mut stats = HostileStats::default();
    while Instant::now() < deadline {
        let length = match send {
            Send::SlowBody { declared } => Some(declared),
            _ => None,
        };
        let h = head(target, "POST", "/api/land/valuation", None, length);
        let (outcome, waited) = raw_request(target, h, send.clone(), deadline).await;
        let unfinished = outcome == UNFINISHED;
        stats.record(outcome, waited);
        if unfinished {
            break;
        }
        sleep(Duration::from_secs(1)).await;
    }
    vec![(class, stats)]
}

/// Keeps one connection open without sending anything; reopens it when the
/// server closes it.
async fn idle_loop(target: LoopbackTarget, deadline: Instant) -> TaskResult {
    let mut stats = HostileStats::default();
    while Instant::now() < deadline {
        let started = Instant::now();
        let mut stream = match timeout_at(deadline, TcpStream::connect(target.addr())).await {
            Err(_) => break,
            Ok(Err(e)) => {
                stats.record(format!("connect error: {}", e.kind()), started.elapsed());
                sleep(Duration::from_secs(1)).await;
                continue;
            }
            Ok(Ok(s)) => s,
        };
        let mut byte = [0u8; 1];
        match timeout_at(deadline, stream.read(&mut byte)).await {
            Err(_) => {
                stats.record("still open at the end of the phase", started.elapsed());
                break;
            }
            Ok(Ok(0)) => stats.record("closed by the server", started.elapsed()),
            Ok(Ok(_)) => stats.record("answered without a request", started.elapsed()),
            Ok(Err(e)) => stats.record(io_outcome(&e), started.elapsed()),
        }
        sleep(Duration::from_secs(1)).await;
    }
    vec![("idle_connections", stats)]
}

/// Runs the hostile client from now until `deadline`: returns the stats per class.
pub async fn run_hostile(
    target: LoopbackTarget,
    token: Arc<str>,
    payloads: Payloads,
    idle_connections: usize,
    deadline: Instant,
) -> BTreeMap<&'static str, HostileStats> {
    let p = payloads;
    let admin = Some(&token);
    let write = "/api/layers/consolidation_projects/features";
    let valuation = "/api/land/valuation";
    let mut tasks: JoinSet<TaskResult> = JoinSet::new();
    tasks.spawn(heavy_loop(
        target,
        vec![
            heavy("polygon_150k_invalid_write", write, admin, &p.write_large),
            heavy("polygon_1m_write", write, admin, &p.write_huge),
        ],
        deadline,
    ));
    tasks.spawn(heavy_loop(
        target,
        vec![
            heavy("polygon_150k_valuation_anonymous", valuation, None, &p.valuation_large),
            heavy("polygon_1m_valuation_anonymous", valuation, None, &p.valuation_huge),
        ],
        deadline,
    ));
    tasks.spawn(heavy_loop(
        target,
        vec![
            heavy("upload_60mb_write_anonymous", write, None, &p.filler),
            heavy("upload_60mb_valuation_batch", "/api/land/valuation/batch?use=%E4%BD%8F%E5%AE%85", None, &p.filler),
            heavy("upload_60mb_track", "/api/truck-ban/track?format=csv", None, &p.filler),
            heavy("upload_60mb_trace_import_anonymous", "/api/trace/import", None, &p.filler),
        ],
        deadline,
    ));
    for _ in 0..SLOW_BODY_CONNECTIONS {
        tasks.spawn(slow_loop(target, "slow_body", Send::SlowBody { declared: 100_000 }, deadline));
    }
    for _ in 0..SLOW_HEADER_CONNECTIONS {
        tasks.spawn(slow_loop(target, "slow_headers", Send::SlowHeaders, deadline));
    }
    for _ in 0..idle_connections.min(MAX_IDLE_CONNECTIONS) {
        tasks.spawn(idle_loop(target, deadline));
    }
    let mut merged: BTreeMap<&'static str, HostileStats> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        for (class, stats) in done.unwrap_or_default() {
            merged.entry(class).or_default().merge(&stats);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::{circle_polygon, crossed_circle_polygon, valuation_body, write_body};

    #[test]
    fn the_circle_has_the_asked_vertices_and_is_closed() {
        let text = circle_polygon(1000);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let ring = value["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 1001);
        assert_eq!(ring[0], ring[1000]);
        let distinct: std::collections::BTreeSet<String> = ring.iter().map(|p| p.to_string()).collect();
        assert_eq!(distinct.len(), 1000);
    }

    #[test]
    fn the_crossed_circle_differs_from_the_circle_only_by_two_swapped_vertices() {
        let ring = |text: &str| -> Vec<serde_json::Value> {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            value["coordinates"][0].as_array().unwrap().clone()
        };
        let (plain, crossed) = (ring(&circle_polygon(1000)), ring(&crossed_circle_polygon(1000)));
        assert_eq!(crossed.len(), plain.len());
        assert_eq!((&crossed[1], &crossed[2]), (&plain[2], &plain[1]));
        assert_eq!(crossed[0], crossed[1000], "still closed");
        assert_eq!(crossed[3..], plain[3..]);
    }

    #[test]
    fn the_bodies_are_json_of_the_right_shape() {
        let w: serde_json::Value = serde_json::from_str(&write_body(10)).unwrap();
        assert_eq!(w["features"][0]["geometry"]["coordinates"][0].as_array().unwrap().len(), 11);
        let v: serde_json::Value = serde_json::from_str(&valuation_body(10)).unwrap();
        assert_eq!(v["use"], "住宅");
        assert_eq!(v["parcel"]["type"], "Polygon");
    }

    #[test]
    fn a_million_vertices_stay_under_the_servers_64_mb_limit() {
        // So today's server accepts it for processing: the point is the CPU it costs.
        let n = valuation_body(super::HUGE_POLYGON_VERTICES).len();
        assert!((20_000_000..60_000_000).contains(&n), "{n}");
    }
}
