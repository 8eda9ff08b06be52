//! Shared helpers for the black-box tests: the real `landtrace` binary, a real
//! TCP connection, real GDAL.

#[path = "points.rs"]
pub mod points;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
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
            "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let (status, text) = http_request(&self.addr, &request).unwrap_or_else(|e| panic!("POST {path}: {e}"));
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    /// GET `path` and return the status and the raw body bytes.
    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr);
        http_request_bytes(&self.addr, &request).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    fn try_get(&self, path: &str) -> std::io::Result<(u16, String)> {
        http_request(&self.addr, &format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&body[..eol]);
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        let rest = &body[eol + 2..];
        if n == 0 || rest.len() < n {
            break;
        }
        out.extend_from_slice(&rest[..n]);
        body = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}
