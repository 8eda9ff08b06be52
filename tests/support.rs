//! Shared helpers for the black-box tests: the real `landtrace` binary, a real
//! TCP connection, real GDAL.

#[path = "points.rs"]
pub mod points;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The black-box tests read the server's messages in English (its default is
/// Chinese; see README "Languages of the API").
const ENGLISH: &str = "Accept-Language: en\r\n";

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("repository root")
}

/// The bundled data folder.
pub fn data_dir() -> PathBuf {
    repo_root().join("data")
}

/// The `landtrace` binary built by `cargo build` (scripts/test builds it first).
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("LANDTRACE_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| repo_root().join("target"));
    let bin = target.join("debug").join("landtrace");
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build -p landtrace-cli` first (scripts/test does)",
        bin.display()
    );
    bin
}

/// Runs `landtrace ARGS` to completion in `dir`.
pub fn landtrace(dir: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("LANDTRACE_DATA", data_dir())
        .env_remove("LANDTRACE_STORE")
        .output()
        .expect("running landtrace")
}

/// Runs a program and returns its output, failing the test if it cannot start.
pub fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); scripts/test installs it"))
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A `landtrace serve` process, killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    log: PathBuf,
}

impl Server {
    /// Starts `landtrace serve` on a free port with `store` and waits for /health.
    pub fn start(dir: &Path, store: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(dir, store, extra, &[])
    }

    /// Like [`Server::start`] with extra environment variables.
    pub fn start_with_env(dir: &Path, store: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let addr = format!("127.0.0.1:{}", free_port());
        let store_arg = store.to_str().expect("utf-8 path");
        let mut args = vec!["serve", "--addr", &addr, "--store", store_arg];
        args.extend_from_slice(extra);
        let log = dir.join(format!("server-{}.log", addr.replace([':', '.'], "-")));
        let stderr = std::fs::File::create(&log).expect("server log file");
        let child = Command::new(binary())
            .args(&args)
            .current_dir(dir)
            .env("LANDTRACE_DATA", data_dir())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("starting landtrace serve");
        let server = Server { child, addr, log };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok((200, _)) = server.try_get("/health") {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "landtrace serve did not answer /health within 120 s; its log:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Everything the server wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GET `path`; returns (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        self.try_get(path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GET `path` and parse the body as JSON.
    pub fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, body) = self.get(path);
        let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: body is not JSON ({e}): {body}"));
        (status, json)
    }

    /// POST a JSON body with a bearer token; returns (status, parsed body).
    pub fn post_json(&self, path: &str, token: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let body = body.to_string();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAccept-Language: en\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let (status, text) = http_request(&self.addr, &request).unwrap_or_else(|e| panic!("POST {path}: {e}"));
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    /// GET `path` and return the status and the raw body bytes.
    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{ENGLISH}\r\n", self.addr);
        http_request_bytes(&self.addr, &request).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Sends `method path` with `headers` and `body` (Connection: close);
    /// returns the status, the response head (lower-cased) and the body.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("accept-language")) {
            head.push_str(ENGLISH);
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut stream = TcpStream::connect(&self.addr).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        stream.set_read_timeout(Some(Duration::from_secs(120))).expect("timeout");
        // The server may answer (413, 401) and close before the body is sent:
        // a failed write is not an error here; the answer is read either way.
        let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
        let mut raw = Vec::new();
        if let Err(e) = stream.read_to_end(&mut raw) {
            assert!(!raw.is_empty(), "{method} {path}: no answer ({e})");
        }
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").map_or(raw.len(), |i| i + 4);
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body =
            if head.contains("transfer-encoding: chunked") { dechunk(&raw[split..]) } else { raw[split..].to_vec() };
        (status, head, body)
    }

    /// Sends SIGTERM and waits (at most `within`) for the process to exit;
    /// returns how long it took, or None when it did not exit in time.
    pub fn terminate(&mut self, within: Duration) -> Option<Duration> {
        let started = Instant::now();
        signal(self.child.id(), "TERM");
        while started.elapsed() < within {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Kills the process with SIGKILL (no chance to clean up) and waits for it.
    pub fn kill_hard(&mut self) {
        signal(self.child.id(), "KILL");
        let _ = self.child.wait();
    }

    /// The highest resident memory of the process so far, in bytes (`VmHWM`).
    pub fn peak_memory_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc status");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc status");
        kib * 1024
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn try_get(&self, path: &str) -> std::io::Result<(u16, String)> {
        http_request(
            &self.addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{ENGLISH}\r\n", self.addr),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).status().expect("running kill");
    assert!(status.success(), "kill -{name} {pid} failed");
}

/// Rows of an SQL query on a SQLite file (a GeoPackage), read by Python's
/// `sqlite3` module (an independent reader, which also rolls back a hot
/// journal left by a killed writer, as every SQLite client does), each row a
/// JSON array.
pub fn sqlite_rows(file: &Path, sql: &str) -> Vec<Vec<serde_json::Value>> {
    let script = "import json, sqlite3, sys\n\
                  con = sqlite3.connect(sys.argv[1])\n\
                  print(json.dumps([list(r) for r in con.execute(sys.argv[2])]))\n";
    let out = Command::new("python3")
        .args(["-c", script, file.to_str().expect("utf-8 path"), sql])
        .output()
        .expect("running python3");
    assert!(out.status.success(), "python3 sqlite3 {sql}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("rows as JSON")
}

/// A small real file system (tmpfs) mounted for one test: a disk that fills up,
/// or is made read-only, under the test's control. Needs root (CI runs as
/// root); unmounted when dropped.
#[derive(Debug)]
pub struct SmallFs {
    /// The mount point.
    pub dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl SmallFs {
    /// Mounts a tmpfs of `bytes`, or returns None (and says why) where this
    /// process may not mount — a failure instead when `CI` is set.
    pub fn mount(bytes: u64) -> Option<SmallFs> {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("fs");
        std::fs::create_dir(&dir).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs", dir.to_str().expect("utf-8")])
            .output();
        match out {
            Ok(o) if o.status.success() => Some(SmallFs { dir, _parent: parent }),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                    Err(e) => e.to_string(),
                };
                assert!(std::env::var_os("CI").is_none(), "CI must be able to mount a tmpfs (run as root): {why}");
                eprintln!("skipped: cannot mount a tmpfs here ({why})");
                None
            }
        }
    }

    /// Free bytes on the file system.
    pub fn free_bytes(&self) -> u64 {
        let out = Command::new("df").args(["-B1", "--output=avail"]).arg(&self.dir).output().expect("df");
        String::from_utf8_lossy(&out.stdout).lines().nth(1).and_then(|l| l.trim().parse().ok()).expect("df output")
    }

    /// Fills the file system with a filler file until `leave` bytes are free.
    pub fn fill_leaving(&self, leave: u64) {
        let filler = self.dir.join("filler");
        let have = std::fs::metadata(&filler).map_or(0, |m| m.len());
        let size = (have + self.free_bytes()).saturating_sub(leave);
        let file = std::fs::OpenOptions::new().create(true).write(true).truncate(false).open(&filler).expect("filler");
        // Written, not just sized: tmpfs counts only pages that hold data.
        let mut file = std::io::BufWriter::new(file);
        let chunk = vec![0x5a_u8; 64 * 1024];
        let mut left = size.saturating_sub(have);
        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(have)).expect("seek");
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if file.write_all(&chunk[..n]).is_err() {
                break;
            }
            left -= n as u64;
        }
        let _ = file.flush();
    }

    /// Removes the filler: the space is free again.
    pub fn free_space(&self) {
        let _ = std::fs::remove_file(self.dir.join("filler"));
    }

    /// Remounts read-only (`true`) or read-write.
    pub fn set_read_only(&self, read_only: bool) {
        let mode = if read_only { "remount,ro" } else { "remount,rw" };
        let status = Command::new("mount").args(["-o", mode]).arg(&self.dir).status().expect("mount");
        assert!(status.success(), "mount -o {mode} failed");
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Sends a raw HTTP/1.1 request and reads the whole response (Connection: close).
pub fn http_request(addr: &str, request: &str) -> std::io::Result<(u16, String)> {
    let (status, body) = http_request_bytes(addr, request)?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// Like [`http_request`], returning the body as bytes.
pub fn http_request_bytes(addr: &str, request: &str) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = if head.contains("transfer-encoding: chunked") { dechunk(&raw[split..]) } else { raw[split..].to_vec() };
    Ok((status, body))
}

/// The body of a chunked HTTP/1.1 answer (chunk extensions ignored).
pub fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&body[..eol]);
        let n = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        let rest = &body[eol + 2..];
        if n == 0 || rest.len() < n {
            break;
        }
        out.extend_from_slice(&rest[..n]);
        body = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// The PostGIS test database URL (`LANDTRACE_TEST_DATABASE_URL`): mandatory in CI,
/// None (and the test says it is skipped) elsewhere without it.
pub fn pg_base_url() -> Option<String> {
    match std::env::var("LANDTRACE_TEST_DATABASE_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("PostGIS is mandatory in CI: scripts/test starts it and sets LANDTRACE_TEST_DATABASE_URL")
        }
        Err(_) => {
            eprintln!("skipped: LANDTRACE_TEST_DATABASE_URL is not set (eval \"$(scripts/postgres start)\")");
            None
        }
    }
}

/// Runs one SQL statement with `psql` and returns its rows, one line each,
/// columns separated by `|`.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("psql (scripts/test installs PostgreSQL)");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A PostGIS database of its own for one test, dropped afterwards.
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl TestDatabase {
    /// Creates `lt_<tag>_…` on the server of `base` with the PostGIS extension.
    pub fn new(base: &str, tag: &str) -> TestDatabase {
        let (prefix, _db) = base.rsplit_once('/').expect("URL with a database name");
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("lt_{tag}_{}_{nanos}", std::process::id());
        psql(base, &format!("CREATE DATABASE {name}"));
        let url = format!("{prefix}/{name}");
        psql(&url, "CREATE EXTENSION IF NOT EXISTS postgis");
        TestDatabase { admin_url: base.to_owned(), name, url }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([&self.admin_url, "-q", "-c", &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)])
            .output();
    }
}

/// The feature count of `layer` in the store of `dir` (default store path), as
/// `landtrace layers` prints it.
pub fn layer_count(dir: &Path, layer: &str) -> u64 {
    let out = landtrace(dir, &["layers"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let line = text.lines().find(|l| l.split_whitespace().next() == Some(layer)).expect("layer listed");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a count")
}
