//! No single client can stop the server: a real `landtrace serve` over real TCP
//! against anonymous uploads, slow headers and bodies, idle and excess
//! connections, a large polygon, wrong tokens, and SIGTERM with a hung
//! connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use landtrace_blackbox_tests::{Server, landtrace};

const TOKEN: &str = "http-limits-token-0123456789";

fn serve(extra: &[&str]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("landtrace.gpkg");
    let server = Server::start_with_env(dir.path(), &store, extra, &[("LANDTRACE_ADMIN_TOKEN", TOKEN)]);
    (dir, server)
}

/// Sends `head` (request line and headers, ending in an empty line) and maybe
/// part of a body, and reads the answer; returns its status and how long it took.
fn answer_to(addr: &str, head: &str, body_part: &[u8]) -> (u16, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body_part).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let status = String::from_utf8_lossy(&raw).get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, started.elapsed())
}

/// Whether the server closes `stream` within `within` (reads return EOF or fail).
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) => return !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
        }
    }
}

#[test]
fn writes_are_authorised_and_sizes_checked_before_the_body_is_read() {
    let (_dir, server) = serve(&[]);
    let addr = &server.addr;
    // 62 MB announced, not one byte sent: the answer comes at once.
    let anonymous = format!(
        "POST /api/layers/waterlogging_points/features HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 62000000\r\n\r\n"
    );
    let (status, took) = answer_to(addr, &anonymous, b"");
    assert_eq!(status, 401);
    assert!(took < Duration::from_secs(3), "answered after {took:?}");
    let oversized = format!(
        "POST /api/layers/waterlogging_points/features HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Length: 70000000\r\n\r\n"
    );
    assert_eq!(answer_to(addr, &oversized, b"").0, 413);
    let anonymous_upload =
        format!("POST /api/land/valuation/batch?use=住宅 HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 40000000\r\n\r\n");
    assert_eq!(answer_to(addr, &anonymous_upload, b"").0, 413);
    // A 2 MiB body where a small request is expected.
    let (status, _, body) = server.request("POST", "/api/truck-ban/check", &[], &vec![b' '; 2 * 1024 * 1024]);
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("at most"), "the answer names the limit");
}

#[test]
fn many_concurrent_large_uploads_do_not_take_the_server_s_memory() {
    let (_dir, server) = serve(&["--upload-memory-mb", "64"]);
    let before = server.peak_memory_bytes();
    // 40 clients each send 30 MB (under the 32 MiB upload limit) without a
    // length, chunk by chunk: the bodies are spooled to disk as they arrive and
    // loaded for the handler only within the 64 MiB budget.
    let chunk = vec![b'x'; 1024 * 1024];
    let clients: Vec<_> = (0..40)
        .map(|_| {
            let (addr, chunk) = (server.addr.clone(), chunk.clone());
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&addr).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
                let head = format!(
                    "POST /api/land/valuation/batch?use=住宅 HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
                     Transfer-Encoding: chunked\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).unwrap();
                for _ in 0..30 {
                    if stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
                        || stream.write_all(&chunk).is_err()
                        || stream.write_all(b"\r\n").is_err()
                    {
                        break;
                    }
                }
                let _ = stream.write_all(b"0\r\n\r\n");
                let mut raw = Vec::new();
                let _ = stream.read_to_end(&mut raw);
                String::from_utf8_lossy(&raw).get(9..12).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0)
            })
        })
        .collect();
    let statuses: Vec<u16> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| (400..500).contains(s)), "a file of x is refused: {statuses:?}");
    let grew = server.peak_memory_bytes().saturating_sub(before);
    assert!(grew < 512 * 1024 * 1024, "1.2 GB of uploads took {} MB of memory", grew / (1024 * 1024));
    let (status, _) = server.get("/health");
    assert_eq!(status, 200);
}

#[test]
fn slow_headers_slow_bodies_and_idle_connections_are_cut() {
    let (_dir, server) = serve(&["--header-timeout-s", "1", "--body-timeout-s", "1"]);
    let addr = &server.addr;
    // Headers that never finish.
    let mut slow_head = TcpStream::connect(addr).unwrap();
    slow_head.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").unwrap();
    assert!(closed_within(&mut slow_head, Duration::from_secs(5)), "an unfinished header keeps the connection");
    // An idle keep-alive connection after one answer.
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.write_all(format!("GET /health HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(5)), "an idle connection stays open");
    // A body that trickles in.
    let started = Instant::now();
    let mut slow_body = TcpStream::connect(addr).unwrap();
    slow_body
        .write_all(
            format!("POST /api/truck-ban/check HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 400\r\n\r\n{{").as_bytes(),
        )
        .unwrap();
    let mut answer = Vec::new();
    slow_body.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    for _ in 0..40 {
        let _ = slow_body.write_all(b" ");
        let mut buf = [0u8; 1024];
        match slow_body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                break;
            }
            Err(_) => {}
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "a trickling body is answered 408: {text:?}");
    assert!(started.elapsed() < Duration::from_secs(8), "after {:?}", started.elapsed());
    assert!(text.contains("too slowly"), "{text}");
}

#[test]
fn idle_connections_beyond_the_limit_cannot_lock_out_other_clients() {
    let (_dir, server) = serve(&["--max-connections", "16", "--header-timeout-s", "1"]);
    let idle: Vec<TcpStream> = (0..200).filter_map(|_| TcpStream::connect(&server.addr).ok()).collect();
    assert!(idle.len() >= 16);
    let started = Instant::now();
    let (status, _) = server.get("/health");
    assert_eq!(status, 200);
    assert!(started.elapsed() < Duration::from_secs(20), "the server was locked out for {:?}", started.elapsed());
    drop(idle);
}

#[test]
fn sigterm_stops_the_server_within_its_grace_even_with_a_hung_connection() {
    let (_dir, mut server) = serve(&["--shutdown-grace-s", "1", "--header-timeout-s", "30"]);
    let mut hung = TcpStream::connect(&server.addr).unwrap();
    hung.write_all(b"POST /api/truck-ban/check HTTP/1.1\r\nHost: x\r\nContent-Le").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let took = server.terminate(Duration::from_secs(10));
    assert!(took.is_some_and(|t| t < Duration::from_secs(5)), "SIGTERM took {took:?}");
}

#[test]
fn repeated_wrong_tokens_are_limited_and_logged_without_the_token() {
    let (_dir, server) = serve(&[]);
    let wrong = "not-the-token-but-a-guess-42";
    let mut statuses = Vec::new();
    for _ in 0..25 {
        let (status, _, _) = server.request("GET", "/api/me", &[("Authorization", &format!("Bearer {wrong}"))], b"");
        statuses.push(status);
    }
    assert!(statuses[..20].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[24], 429, "{statuses:?}");
    let (status, head, _) = server.request("GET", "/api/me", &[("Authorization", &format!("Bearer {TOKEN}"))], b"");
    assert_eq!(status, 429, "the client waits, even with the right token");
    assert!(head.contains("retry-after:"), "{head}");
    let (status, _) = server.get("/health");
    assert_eq!(status, 200, "requests without a token are still answered");
    let log = server.log();
    assert!(log.contains("failed authentication"), "failures are logged");
    assert!(!log.contains(wrong), "the log never shows a token");
}

/// A valid polygon of `n` vertices: a circle of about 100 m radius near the
/// county seat.
fn circle(n: usize) -> String {
    let mut coords = Vec::with_capacity(n + 1);
    for i in 0..n {
        let a = std::f64::consts::TAU * i as f64 / n as f64;
        coords.push(format!("[{:.9},{:.9}]", 110.7750 + 0.0011 * a.cos(), 35.1400 + 0.0009 * a.sin()));
    }
    coords.push(coords[0].clone());
    format!(r#"{{"use":"住宅","parcel":{{"type":"Polygon","coordinates":[[{}]]}}}}"#, coords.join(","))
}

/// Sends `body` to `path` (with the admin token when `authorised`) on a thread
/// while locate is asked every 50 ms; returns the answer's status and the
/// slowest locate.
fn locate_while(server: &Server, path: &str, body: String, authorised: bool) -> (u16, Duration) {
    let addr = server.addr.clone();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{}\
         Content-Length: {}\r\n\r\n",
        if authorised { format!("Authorization: Bearer {TOKEN}\r\n") } else { String::new() },
        body.len()
    );
    let heavy = std::thread::spawn(move || answer_to(&addr, &head, body.as_bytes()));
    std::thread::sleep(Duration::from_millis(300));
    let mut slowest = Duration::ZERO;
    while !heavy.is_finished() {
        let started = Instant::now();
        let (status, _) = server.get("/api/locate?lon=110.7745&lat=35.1405");
        assert_eq!(status, 200);
        slowest = slowest.max(started.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    (heavy.join().unwrap().0, slowest)
}

#[test]
fn a_large_polygon_does_not_stop_the_server_from_answering() {
    let (_dir, server) = serve(&[]);
    // Valued anonymously, and written to a layer (validated exactly) by the admin.
    let (status, slowest) = locate_while(&server, "/api/land/valuation", circle(150_000), false);
    assert_eq!(status, 200, "the 150,000-vertex parcel is valued");
    assert!(slowest < Duration::from_secs(1), "locate took {slowest:?} while the parcel was valued");
    let ring = circle(150_000);
    let geometry = &ring[ring.find(r#"{"type":"Polygon""#).unwrap()..ring.len() - 1];
    let feature = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{geometry},
            "properties":{{"name":"大多边形","project_type":"土地整治","accuracy":"illustrative"}}}}]}}"#
    );
    let (status, slowest) = locate_while(&server, "/api/layers/consolidation_projects/features", feature, true);
    assert_eq!(status, 201, "the 150,000-vertex zone is stored");
    assert!(slowest < Duration::from_secs(1), "locate took {slowest:?} while the zone was validated and written");
    // A million vertices is over the body limit of a request with a geometry.
    let huge = circle(1_000_000);
    let (status, _, _) =
        server.request("POST", "/api/land/valuation", &[("Content-Type", "application/json")], huge.as_bytes());
    assert_eq!(status, 413);
}

#[test]
fn the_admin_token_is_not_taken_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = landtrace(dir.path(), &["serve", "--admin-token", "secret-on-the-command-line", "--addr", "127.0.0.1:0"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("LANDTRACE_ADMIN_TOKEN") && err.contains("--admin-token-file"), "{err}");
}
