//! The hostile-input corpus of `tests/hostile/manifest.toml` (issue 11), run
//! against the real binary: every case over real HTTP or as a real `landtrace`
//! command, on a fresh GeoPackage store and — when LANDTRACE_TEST_DATABASE_URL is
//! set, always in CI — on PostGIS.
//!
//! Each case must get a clear refusal (the expected status, a JSON `error`; for a
//! command a non-zero exit with a message), must not panic the server, must leave
//! /health answering and the store's checksum unchanged. Every failing case is
//! reported at the end, not only the first. The manifest's header describes the
//! fields of a case.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use landtrace_blackbox_tests::{
    Server, TestDatabase, binary, data_dir, dechunk, landtrace, pg_base_url, psql, repo_root,
};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

const ADMIN_TOKEN: &str = "hostile-corpus-admin-token-3f9c1d";
const WRONG_TOKEN: &str = "hostile-corpus-unknown-token-0000";
const SECRET: &str = "HOSTILE-SECRET-7d1e: a file next to the map client that must never be served";
/// Address-space limit of every CLI case (an endless input must not take the machine).
const CLI_MEMORY_LIMIT_KB: u64 = 2 * 1024 * 1024;
const DEFAULT_WAIT_S: u64 = 15;

// ───────────────────────────── the manifest ─────────────────────────────

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    about: String,
    method: Option<String>,
    path: Option<String>,
    auth: Option<String>,
    #[serde(default)]
    headers: Vec<[String; 2]>,
    content_type: Option<String>,
    body: Option<Content>,
    content_length: Option<usize>,
    stall_after: Option<usize>,
    slow_body_interval_ms: Option<u64>,
    #[serde(default)]
    slow_headers: bool,
    raw: Option<String>,
    cli: Option<Vec<String>>,
    file: Option<Content>,
    file_name: Option<String>,
    #[serde(default = "yes")]
    store_args: bool,
    expect: Expect,
    json_error: Option<bool>,
    #[serde(default)]
    error_mentions: Vec<String>,
    #[serde(default)]
    must_not_contain: Vec<String>,
    csv_safe: Option<String>,
    /// A track check that is answered: the store keeps its summary (one row of
    /// `landtrace_track_checks`, for the dashboard), so the store must change, and on
    /// PostGIS no other table may.
    #[serde(default)]
    records_track_check: bool,
    wait_s: Option<u64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Expect {
    Status(u16),
    AnyOf(Vec<u16>),
    Kind(String),
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Status(s) => write!(f, "{s}"),
            Expect::AnyOf(v) => write!(f, "one of {v:?}"),
            Expect::Kind(k) => f.write_str(k),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Content {
    Inline(String),
    Spec(ContentSpec),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContentSpec {
    file: Option<String>,
    parts: Option<Vec<Part>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Part {
    text: Option<String>,
    hex: Option<String>,
    gbk: Option<String>,
    polygon: Option<usize>,
    features: Option<usize>,
    vertices: Option<usize>,
    properties: Option<String>,
    file: Option<String>,
    times: Option<usize>,
}

fn corpus_dir() -> PathBuf {
    repo_root().join("tests").join("hostile")
}

fn read_corpus_file(name: &str) -> Vec<u8> {
    let path = corpus_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("corpus file {}: {e}", path.display()))
}

/// A GeoJSON Polygon: a circle of `n` distinct vertices (closed) around (cx, cy).
fn circle(n: usize, cx: f64, cy: f64, r: f64) -> String {
    let mut s = String::with_capacity(n * 28 + 40);
    s.push_str(r#"{"type":"Polygon","coordinates":[["#);
    for i in 0..=n {
        let a = std::f64::consts::TAU * (i % n) as f64 / n as f64;
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("[{:.9},{:.9}]", cx + r * a.cos(), cy + r * a.sin()));
    }
    s.push_str("]]}");
    s
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "hex part {hex:?} has an odd number of digits");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap_or_else(|_| panic!("bad hex {hex:?}")))
        .collect()
}

impl Part {
    fn bytes(&self) -> Vec<u8> {
        let one = if let Some(t) = &self.text {
            t.as_bytes().to_vec()
        } else if let Some(h) = &self.hex {
            hex_bytes(h)
        } else if let Some(g) = &self.gbk {
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(g);
            assert!(!unmappable, "every character of a gbk part exists in GBK: {g}");
            bytes.into_owned()
        } else if let Some(n) = self.polygon {
            circle(n, 110.65, 35.115, 0.02).into_bytes()
        } else if let Some(n) = self.features {
            let vertices = self.vertices.expect("`features` needs `vertices`");
            let properties = self.properties.as_deref().unwrap_or("{}");
            let features: Vec<String> = (0..n)
                .map(|i| {
                    let (cx, cy) = (110.45 + 0.0125 * (i % 32) as f64, 35.02 + 0.0125 * (i / 32) as f64);
                    format!(
                        r#"{{"type":"Feature","properties":{properties},"geometry":{}}}"#,
                        circle(vertices, cx, cy, 0.005)
                    )
                })
                .collect();
            features.join(",").into_bytes()
        } else if let Some(f) = &self.file {
            read_corpus_file(f)
        } else {
            panic!("a body part needs text, hex, gbk, polygon, features or file: {self:?}")
        };
        one.repeat(self.times.unwrap_or(1))
    }
}

impl Content {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Content::Inline(s) => s.as_bytes().to_vec(),
            Content::Spec(ContentSpec { file: Some(f), parts: None }) => read_corpus_file(f),
            Content::Spec(ContentSpec { file: None, parts: Some(parts) }) => {
                parts.iter().flat_map(Part::bytes).collect()
            }
            Content::Spec(spec) => panic!("a body is `file` or `parts`, not both or neither: {spec:?}"),
        }
    }
}

/// Replaces `{filler:N}` by N letters `a`.
fn expand_fillers(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{filler:") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e).expect("closed {filler:N}");
        let n: usize = rest[start + 8..end].parse().expect("{filler:N} with a number");
        out.push_str(&"a".repeat(n));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn load_manifest() -> Vec<Case> {
    let text = std::fs::read_to_string(corpus_dir().join("manifest.toml")).expect("tests/hostile/manifest.toml");
    let manifest: Manifest = toml::from_str(&text).unwrap_or_else(|e| panic!("tests/hostile/manifest.toml: {e}"));
    manifest.case
}

// ───────────────────────────── the store and its server ─────────────────────────────

enum Store {
    GeoPackage(PathBuf),
    PostGis(TestDatabase),
}

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
    tokens: BTreeMap<String, String>,
    server: Option<Server>,
}

impl Fixture {
    fn new(store: impl FnOnce(&Path) -> Store) -> Fixture {
        let dir = tempfile::tempdir().expect("temporary directory");
        let web = dir.path().join("web");
        std::fs::create_dir_all(web.join("assets")).unwrap();
        std::fs::write(web.join("index.html"), "<!doctype html><title>landtrace</title>").unwrap();
        std::fs::write(web.join("assets").join("app.js"), "console.log('map');").unwrap();
        std::fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
        let users = dir.path().join("users.toml");
        let mut tokens = BTreeMap::from([
            ("admin".to_owned(), ADMIN_TOKEN.to_owned()),
            ("wrong".to_owned(), WRONG_TOKEN.to_owned()),
        ]);
        for role in ["agriculture", "housing", "land", "traffic"] {
            let out = landtrace(
                dir.path(),
                &[
                    "user",
                    "add",
                    "--name",
                    &format!("hostile.{role}"),
                    "--role",
                    role,
                    "--users",
                    users.to_str().unwrap(),
                ],
            );
            assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
            tokens.insert(role.to_owned(), String::from_utf8_lossy(&out.stdout).trim().to_owned());
        }
        let store = store(dir.path());
        let mut fixture = Fixture { dir, store, tokens, server: None };
        fixture.start_server();
        fixture
    }

    fn store_args(&self) -> Vec<String> {
        match &self.store {
            Store::GeoPackage(path) => vec!["--store".into(), path.to_str().unwrap().into()],
            Store::PostGis(db) => vec!["--database".into(), db.url.clone()],
        }
    }

    fn start_server(&mut self) {
        self.server = None;
        let dir = self.dir.path();
        let users = dir.join("users.toml");
        let web = dir.join("web");
        let mut extra = vec!["--users".to_owned(), users.to_str().unwrap().to_owned()];
        extra.extend(["--web-dir".to_owned(), web.to_str().unwrap().to_owned()]);
        let gpkg = match &self.store {
            Store::GeoPackage(path) => path.clone(),
            Store::PostGis(db) => {
                extra.extend(["--database".to_owned(), db.url.clone()]);
                dir.join("unused.gpkg")
            }
        };
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        self.server = Some(Server::start_with_env(
            dir,
            &gpkg,
            &extra,
            &[("LANDTRACE_ADMIN_TOKEN", ADMIN_TOKEN), ("RUST_LOG", "info")],
        ));
    }

    fn server(&self) -> &Server {
        self.server.as_ref().expect("a running server")
    }

    /// GeoPackage: SHA-256 of the file. PostGIS: md5 of every table's rows (in row
    /// text order), `landtrace_audit` included.
    fn checksum(&self) -> String {
        match &self.store {
            Store::GeoPackage(path) => {
                let bytes = std::fs::read(path).expect("the store file");
                Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
            }
            Store::PostGis(db) => {
                let tables = psql(
                    &db.url,
                    "SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1",
                );
                let parts: Vec<String> = tables
                    .lines()
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| {
                        format!(
                            "SELECT '{t}' || ':' || md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM \"{t}\" x"
                        )
                    })
                    .collect();
                assert!(parts.iter().any(|p| p.contains("'landtrace_audit'")), "no landtrace_audit table: {tables}");
                psql(&db.url, &parts.join(" UNION ALL "))
            }
        }
    }
}

// ───────────────────────────── HTTP ─────────────────────────────

enum Sending {
    All,
    Stall(usize),
    Slow(Duration),
    SlowHeaders,
}

#[derive(Debug)]
enum HttpResult {
    Answered { status: u16, body: Vec<u8> },
    Closed,
    Reset,
    NoAnswer,
    ConnectFailed(String),
}

struct HttpOutcome {
    result: HttpResult,
    elapsed: Duration,
}

impl HttpOutcome {
    fn describe(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        match &self.result {
            HttpResult::Answered { status, body } => {
                let text = String::from_utf8_lossy(body);
                let short: String = text.chars().take(240).collect();
                let more = if text.chars().count() > 240 { "…" } else { "" };
                format!("{status} after {secs:.1} s: {short}{more}")
            }
            HttpResult::Closed => format!("the connection closed without an answer after {secs:.1} s"),
            HttpResult::Reset => format!("the connection was reset without an answer after {secs:.1} s"),
            HttpResult::NoAnswer => format!("no answer within {secs:.0} s"),
            HttpResult::ConnectFailed(e) => format!("cannot connect: {e}"),
        }
    }
}

/// The request head and body of a case.
fn prepare(case: &Case, addr: &str, tokens: &BTreeMap<String, String>) -> (Vec<u8>, Vec<u8>, Sending) {
    if let Some(raw) = &case.raw {
        let text = expand_fillers(&raw.replace("{host}", addr));
        return (text.into_bytes(), Vec::new(), Sending::All);
    }
    let method = case.method.as_deref().unwrap_or_else(|| panic!("{}: `method` or `raw` is needed", case.name));
    let path = expand_fillers(case.path.as_deref().unwrap_or_else(|| panic!("{}: `path` is needed", case.name)));
    let body = case.body.as_ref().map(Content::bytes).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(role) = &case.auth {
        let token = tokens.get(role).unwrap_or_else(|| panic!("{}: unknown auth {role:?}", case.name));
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for [name, value] in &case.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let content_type = case.content_type.clone().unwrap_or_else(|| "application/json".to_owned());
    if case.body.is_some() && !content_type.is_empty() {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    let declared = case.content_length.unwrap_or(body.len());
    if case.body.is_some() || case.content_length.is_some() || method != "GET" {
        head.push_str(&format!("Content-Length: {declared}\r\n"));
    }
    head.push_str("\r\n");
    let sending = if case.slow_headers {
        Sending::SlowHeaders
    } else if let Some(ms) = case.slow_body_interval_ms {
        Sending::Slow(Duration::from_millis(ms))
    } else if let Some(n) = case.stall_after {
        Sending::Stall(n)
    } else {
        Sending::All
    };
    (head.into_bytes(), body, sending)
}

/// Whether `raw` holds a whole response (head and, by Content-Length or chunked
/// framing, the body).
fn complete(raw: &[u8]) -> bool {
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4) else { return false };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let body = &raw[split..];
    if let Some(len) = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok())
    {
        return body.len() >= len;
    }
    head.contains("transfer-encoding: chunked") && body.ends_with(b"0\r\n\r\n")
}

fn parse_response(raw: &[u8]) -> HttpResult {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = if head.contains("transfer-encoding: chunked") { dechunk(&raw[split..]) } else { raw[split..].to_vec() };
    HttpResult::Answered { status, body }
}

/// Sends a request as the case says and reads the answer until `wait` passes.
fn exchange(addr: &str, head: Vec<u8>, body: Vec<u8>, sending: Sending, wait: Duration) -> HttpOutcome {
    let started = Instant::now();
    let stream = match TcpStream::connect(addr) {
        Ok(s) => s,
        Err(e) => return HttpOutcome { result: HttpResult::ConnectFailed(e.to_string()), elapsed: started.elapsed() },
    };
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().expect("clone the socket");
    // The writer runs on its own thread so an early answer (401 before a large
    // body) is read at once; it stops when the socket is shut down.
    std::thread::spawn(move || -> std::io::Result<()> {
        match sending {
            Sending::All => {
                writer.write_all(&head)?;
                for chunk in body.chunks(256 * 1024) {
                    writer.write_all(chunk)?;
                }
            }
            Sending::Stall(n) => {
                writer.write_all(&head)?;
                writer.write_all(&body[..n.min(body.len())])?;
            }
            Sending::Slow(interval) => {
                writer.write_all(&head)?;
                for byte in &body {
                    std::thread::sleep(interval);
                    writer.write_all(&[*byte])?;
                }
            }
            Sending::SlowHeaders => {
                let text = String::from_utf8_lossy(&head).into_owned();
                let start: Vec<&str> = text.split("\r\n").take(2).collect();
                writer.write_all(format!("{}\r\nX-Slow: ", start.join("\r\n")).as_bytes())?;
                loop {
                    std::thread::sleep(Duration::from_secs(2));
                    writer.write_all(b"a")?;
                }
            }
        }
        Ok(())
    });
    let mut reader = stream;
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let deadline = started + wait;
    let result = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break if raw.is_empty() { HttpResult::NoAnswer } else { parse_response(&raw) };
        }
        let _ = reader.set_read_timeout(Some(left.min(Duration::from_millis(200))));
        match reader.read(&mut buf) {
            Ok(0) => break if raw.is_empty() { HttpResult::Closed } else { parse_response(&raw) },
            Ok(n) => {
                raw.extend_from_slice(&buf[..n]);
                if complete(&raw) {
                    break parse_response(&raw);
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {}
            Err(_) => break if raw.is_empty() { HttpResult::Reset } else { parse_response(&raw) },
        }
    };
    let _ = reader.shutdown(Shutdown::Both);
    HttpOutcome { result, elapsed: started.elapsed() }
}

fn run_http(case: &Case, addr: &str, tokens: &BTreeMap<String, String>) -> HttpOutcome {
    let (head, body, sending) = prepare(case, addr, tokens);
    exchange(addr, head, body, sending, Duration::from_secs(case.wait_s.unwrap_or(DEFAULT_WAIT_S)))
}

fn status_matches(expect: &Expect, status: u16) -> bool {
    match expect {
        Expect::Status(s) => status == *s,
        Expect::AnyOf(v) => v.contains(&status),
        Expect::Kind(k) => match k.as_str() {
            "4xx" => (400..500).contains(&status),
            "408-or-close" => status == 408,
            "safe" => (200..300).contains(&status) || (400..500).contains(&status),
            other => panic!("expect {other:?} is not an HTTP expectation"),
        },
    }
}

fn mentions(text: &str, words: &[String]) -> bool {
    words.is_empty() || words.iter().any(|w| text.to_lowercase().contains(&w.to_lowercase()))
}

/// Every CSV cell holding `marker` must not start like a spreadsheet formula.
fn formula_cells(text: &str, marker: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut bad = Vec::new();
    for record in reader.records() {
        let Ok(record) = record else {
            bad.push("(the report is not CSV)".to_owned());
            break;
        };
        for cell in record.iter() {
            if cell.contains(marker) && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                bad.push(cell.to_owned());
            }
        }
    }
    bad
}

fn check_http(case: &Case, outcome: &HttpOutcome) -> Vec<String> {
    let mut problems = Vec::new();
    match &outcome.result {
        HttpResult::Answered { status, body } => {
            if !status_matches(&case.expect, *status) {
                problems.push(format!("expected {}, got {}", case.expect, outcome.describe()));
            }
            let text = String::from_utf8_lossy(body);
            if (400..500).contains(status) && case.json_error.unwrap_or(true) {
                // `error` is in the language asked for (Chinese without Accept-Language);
                // the corpus names English words, which `error_en` always carries.
                let error = serde_json::from_slice::<Value>(body)
                    .ok()
                    .and_then(|v| {
                        let error = v.get("error").and_then(Value::as_str)?;
                        let english = v.get("error_en").and_then(Value::as_str).unwrap_or("");
                        Some(if english.is_empty() { error.to_owned() } else { format!("{error} / {english}") })
                    })
                    .filter(|e| !e.trim().is_empty());
                match error {
                    None => problems.push(format!(
                        "the {status} answer is not JSON with an `error` message: {}",
                        outcome.describe()
                    )),
                    Some(e) if !mentions(&e, &case.error_mentions) => {
                        problems.push(format!("the error {e:?} mentions none of {:?}", case.error_mentions))
                    }
                    Some(_) => {}
                }
            }
            for word in &case.must_not_contain {
                if text.contains(word.as_str()) {
                    problems.push(format!("the answer contains {word:?}: {}", outcome.describe()));
                }
            }
            if let Some(marker) = &case.csv_safe
                && (200..300).contains(status)
            {
                let bad = formula_cells(&text, marker);
                if !bad.is_empty() {
                    problems.push(format!("CSV cells start like a formula: {bad:?}"));
                }
            }
        }
        HttpResult::Closed | HttpResult::Reset if matches!(&case.expect, Expect::Kind(k) if k == "408-or-close") => {}
        _ => problems.push(format!("expected {}, got {}", case.expect, outcome.describe())),
    }
    problems
}

// ───────────────────────────── CLI ─────────────────────────────

struct CliOutcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
    elapsed: Duration,
}

impl CliOutcome {
    fn describe(&self) -> String {
        let how = if self.timed_out {
            format!("still running after {:.0} s (killed)", self.elapsed.as_secs_f64())
        } else {
            match self.code {
                Some(c) => format!("exit {c} after {:.1} s", self.elapsed.as_secs_f64()),
                None => format!("killed by a signal after {:.1} s", self.elapsed.as_secs_f64()),
            }
        };
        let stderr: String = self.stderr.trim().chars().take(300).collect();
        format!("{how}; stderr: {stderr:?}")
    }
}

fn run_cli(case: &Case, fixture: &Fixture, args: &[String]) -> CliOutcome {
    let tmp = tempfile::tempdir_in(fixture.dir.path()).expect("case directory");
    let file = tmp.path().join(case.file_name.as_deref().unwrap_or("input"));
    if let Some(content) = &case.file {
        std::fs::write(&file, content.bytes()).expect("write the case's file");
    }
    let empty_dir = tmp.path().join("case-input.d");
    std::fs::create_dir(&empty_dir).unwrap();
    let mut argv: Vec<String> = args
        .iter()
        .map(|a| a.replace("{file}", file.to_str().unwrap()).replace("{dir}", empty_dir.to_str().unwrap()))
        .collect();
    if case.store_args {
        argv.extend(fixture.store_args());
    }
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {CLI_MEMORY_LIMIT_KB}; exec \"$0\" \"$@\""))
        .arg(binary())
        .args(&argv)
        .current_dir(tmp.path())
        .env("LANDTRACE_DATA", data_dir())
        .env_remove("LANDTRACE_STORE")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run landtrace");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let wait = Duration::from_secs(case.wait_s.unwrap_or(DEFAULT_WAIT_S));
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for landtrace") {
            break s;
        }
        if started.elapsed() > wait {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait for the killed landtrace");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    CliOutcome {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out_thread.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_thread.join().unwrap_or_default()).into_owned(),
        timed_out,
        elapsed,
    }
}

fn check_cli(case: &Case, o: &CliOutcome) -> Vec<String> {
    let mut problems = Vec::new();
    if o.stderr.contains("panicked") {
        problems.push(format!("the command panicked: {}", o.describe()));
    }
    match &case.expect {
        Expect::Kind(k) if k == "fail" => {
            let clean_failure = !o.timed_out && o.code.is_some_and(|c| c != 0 && c != 101);
            if !clean_failure {
                problems.push(format!("expected a clean failure (exit ≠ 0), got {}", o.describe()));
            } else if o.stderr.trim().is_empty() {
                problems.push("failed without a message on stderr".to_owned());
            } else if !mentions(&o.stderr, &case.error_mentions) {
                problems.push(format!("stderr mentions none of {:?}: {}", case.error_mentions, o.describe()));
            }
        }
        Expect::Kind(k) if k == "ok" => {
            if o.timed_out || o.code != Some(0) {
                problems.push(format!("expected exit 0, got {}", o.describe()));
            }
            if let Some(marker) = &case.csv_safe {
                let bad = formula_cells(&o.stdout, marker);
                if !bad.is_empty() {
                    problems.push(format!("CSV cells start like a formula: {bad:?}"));
                }
            }
        }
        other => panic!("{}: expect {other} is not a CLI expectation (fail | ok)", case.name),
    }
    for word in &case.must_not_contain {
        if o.stdout.contains(word.as_str()) {
            problems.push(format!("stdout contains {word:?}"));
        }
    }
    problems
}

// ───────────────────────────── the run ─────────────────────────────

fn healthy(addr: &str) -> bool {
    let head = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").into_bytes();
    let o = exchange(addr, head, Vec::new(), Sending::All, Duration::from_secs(5));
    matches!(o.result, HttpResult::Answered { status: 200, .. })
}

fn is_slow(case: &Case) -> bool {
    case.slow_headers || case.slow_body_interval_ms.is_some() || case.stall_after.is_some()
}

/// Checks what a case (or a group of concurrent cases) left behind: no panic in
/// the log since `log_from`, /health answering (else the server is restarted),
/// and the store unchanged (else the new checksum becomes the reference).
fn aftermath(fixture: &mut Fixture, log_from: usize, reference: &mut String, records_check: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let log = fixture.server().log();
    if let Some(line) = log.get(log_from..).unwrap_or("").lines().find(|l| l.contains("panicked")) {
        problems.push(format!("the server panicked: {line}"));
    }
    if !healthy(&fixture.server().addr) {
        problems.push("afterwards /health did not answer 200 within 5 s (server restarted)".to_owned());
        fixture.start_server();
    }
    let now = fixture.checksum();
    if records_check {
        // PostGIS: one line per table; only the track checks' may differ.
        let others = |sum: &str| -> Vec<String> {
            sum.lines().filter(|l| !l.starts_with("landtrace_track_checks:")).map(str::to_owned).collect()
        };
        if now == *reference {
            problems.push("the answered track check left no summary in the store".to_owned());
        } else if matches!(fixture.store, Store::PostGis(_)) && others(&now) != others(reference) {
            problems.push("the store changed beyond the track check's summary".to_owned());
        }
        *reference = now;
    } else if now != *reference {
        problems.push("the store changed (checksum differs)".to_owned());
        *reference = now;
    }
    problems
}

fn run_corpus(label: &str, mut fixture: Fixture) {
    let cases = load_manifest();
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    assert!(cases.len() >= 80, "the corpus holds at least 80 inputs, has {}", cases.len());
    let mut reference = fixture.checksum();
    let mut failures: Vec<(String, Vec<String>)> = Vec::new();
    let started = Instant::now();

    // The slow cases wait for the server's timeouts: run them together.
    let slow: Vec<&Case> = cases.iter().filter(|c| is_slow(c)).collect();
    let log_from = fixture.server().log().len();
    let addr = fixture.server().addr.clone();
    let outcomes: Vec<(&Case, HttpOutcome)> = std::thread::scope(|s| {
        let handles: Vec<_> = slow
            .iter()
            .map(|case| {
                let (addr, tokens) = (&addr, &fixture.tokens);
                s.spawn(move || (*case, run_http(case, addr, tokens)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a slow case thread")).collect()
    });
    let group = aftermath(&mut fixture, log_from, &mut reference, false);
    for (case, outcome) in &outcomes {
        let mut problems = check_http(case, outcome);
        problems.extend(group.iter().map(|p| format!("(during the concurrent slow cases) {p}")));
        eprintln!("[{label}] {:<55} {}", case.name, if problems.is_empty() { "ok" } else { "FAILED" });
        if !problems.is_empty() {
            failures.push((case.name.clone(), problems));
        }
    }

    for case in cases.iter().filter(|c| !is_slow(c)) {
        let log_from = fixture.server().log().len();
        let mut problems = if let Some(args) = &case.cli {
            let o = run_cli(case, &fixture, args);
            check_cli(case, &o)
        } else {
            let o = run_http(case, &fixture.server().addr, &fixture.tokens);
            check_http(case, &o)
        };
        problems.extend(aftermath(&mut fixture, log_from, &mut reference, case.records_track_check));
        eprintln!("[{label}] {:<55} {}", case.name, if problems.is_empty() { "ok" } else { "FAILED" });
        if !problems.is_empty() {
            failures.push((case.name.clone(), problems));
        }
    }
    eprintln!(
        "[{label}] {} cases in {:.0} s: {} passed, {} failed",
        cases.len(),
        started.elapsed().as_secs_f64(),
        cases.len() - failures.len(),
        failures.len()
    );
    if !failures.is_empty() {
        let list: Vec<String> =
            failures.iter().map(|(name, problems)| format!("- {name}: {}", problems.join("; "))).collect();
        panic!(
            "[{label}] {} of {} hostile inputs were not refused cleanly:\n{}",
            failures.len(),
            cases.len(),
            list.join("\n")
        );
    }
}

#[test]
fn every_hostile_input_is_refused_cleanly_on_geopackage() {
    let fixture = Fixture::new(|dir| Store::GeoPackage(dir.join("hostile.gpkg")));
    run_corpus("gpkg", fixture);
}

#[test]
fn every_hostile_input_is_refused_cleanly_on_postgis() {
    let Some(base) = pg_base_url() else { return };
    let fixture = Fixture::new(|_| Store::PostGis(TestDatabase::new(&base, "hostile")));
    run_corpus("postgis", fixture);
}

#[test]
fn the_manifest_is_well_formed() {
    let cases = load_manifest();
    let http_paths: BTreeSet<String> =
        cases.iter().filter_map(|c| c.path.as_deref()).map(|p| p.split('?').next().unwrap_or(p).to_owned()).collect();
    for case in &cases {
        let kind_ok = match (&case.cli, &case.expect) {
            (Some(_), Expect::Kind(k)) => k == "fail" || k == "ok",
            (Some(_), _) => false,
            (None, Expect::Kind(k)) => ["4xx", "408-or-close", "safe"].contains(&k.as_str()),
            (None, Expect::Status(s)) => (400..500).contains(s),
            (None, Expect::AnyOf(v)) => !v.is_empty() && v.iter().all(|s| (400..500).contains(s)),
        };
        assert!(kind_ok, "{}: expect {} does not fit the case", case.name, case.expect);
        assert!(
            case.cli.is_some() || case.raw.is_some() || (case.method.is_some() && case.path.is_some()),
            "{}: needs cli, raw, or method and path",
            case.name
        );
        for content in [&case.body, &case.file].into_iter().flatten() {
            if let Content::Spec(spec) = content {
                assert!(spec.file.is_some() != spec.parts.is_some(), "{}: a body is `file` or `parts`", case.name);
                if let Some(f) = &spec.file {
                    assert!(corpus_dir().join(f).is_file(), "{}: no file {f}", case.name);
                }
            }
        }
    }
    // Every importer, the exporter, and a case on every route family.
    for importer in
        [["import"].as_slice(), &["trace", "import"], &["check", "track"], &["check", "valuation"], &["export"]]
    {
        assert!(
            cases.iter().any(|c| c
                .cli
                .as_ref()
                .is_some_and(|a| a.starts_with(&importer.iter().map(|s| s.to_string()).collect::<Vec<_>>()))),
            "no case for landtrace {importer:?}"
        );
    }
    for route in [
        "/api/locate",
        "/api/me",
        "/api/layers/consolidation_projects/features",
        "/api/land/valuation",
        "/api/land/valuation/batch",
        "/api/land/expropriation",
        "/api/land/expropriation/compensation",
        "/api/land/consolidation",
        "/api/truck-ban/check",
        "/api/truck-ban/track",
        "/api/trace/records",
        "/api/trace/import",
        "/api/trace/due",
        "/api/trace/ledger",
        "/api/layers/origin_points/export",
        "/api/sponge/runoff",
        "/tiles/all.json",
    ] {
        assert!(http_paths.contains(route), "no case for {route}");
    }
}
