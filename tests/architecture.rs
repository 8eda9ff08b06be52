//! The invariants of docs/ARCHITECTURE.md that a check can be written for:
//!
//! - `domain` and `spatial` do no IO: their dependencies are a short, pure list
//!   (from `cargo metadata`), and their code (tests aside) names no file, network,
//!   environment, process or clock API;
//! - the rules have their home in `domain`: `server` and `cli` name no gazette
//!   document outside comments (they cite `domain`'s constants instead);
//! - the CLI does not reach into the HTTP crate's handlers or its tracing helpers
//!   (`landtrace_server::routes`, `landtrace_server::origin_state`): it uses `landtrace-app`.

use std::path::{Path, PathBuf};
use std::process::Command;

use landtrace_blackbox_tests::repo_root;
use serde_json::Value;

/// The normal (not dev or build) dependencies each pure crate may have. Adding one
/// is a decision: it must do no IO.
const PURE: [(&str, &[&str]); 2] = [
    ("landtrace-domain", &["csv", "serde", "serde_json", "thiserror", "jiff", "time"]),
    ("landtrace-spatial", &["geo", "rstar", "thiserror"]),
];

/// What IO looks like in Rust source.
const IO_APIS: [&str; 10] = [
    "std::fs",
    "std::net",
    "std::env",
    "std::process",
    "std::io::stdin",
    "SystemTime",
    "Instant::now",
    "File::open",
    "tokio",
    "sqlx",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its unit tests (everything from the first
/// `#[cfg(test)]` on) and without comment lines.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_owned()))
        .collect()
}

#[test]
fn pure_crates_depend_on_pure_crates_only() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(repo_root())
        .output()
        .expect("running cargo metadata");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    for (name, allowed) in PURE {
        let package = packages.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("no package {name}"));
        let deps: Vec<&str> = package["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert!(!deps.is_empty(), "{name} has dependencies");
        for dep in deps {
            assert!(allowed.contains(&dep), "{name} depends on {dep}, which is not on its list of pure crates");
        }
    }
}

#[test]
fn domain_and_spatial_do_no_io() {
    let mut files = Vec::new();
    for dir in ["crates/domain/src", "crates/spatial/src"] {
        rust_files(&repo_root().join(dir), &mut files);
    }
    assert!(files.len() > 20, "{files:?}");
    let mut found = Vec::new();
    for file in &files {
        for (n, line) in code_lines(file) {
            for api in IO_APIS {
                if line.contains(api) {
                    found.push(format!("{}:{n}: {api}: {}", file.display(), line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "IO in a pure crate:\n{}", found.join("\n"));
}

#[test]
fn server_and_cli_name_no_gazette_document() {
    let mut files = Vec::new();
    for dir in ["crates/server/src", "crates/cli/src"] {
        rust_files(&repo_root().join(dir), &mut files);
    }
    let mut found = Vec::new();
    for file in &files {
        for (n, line) in code_lines(file) {
            // 临政发〔2023〕5号, 临政办发〔2023〕19号, …: the documents live in domain.
            if line.contains("〔20") || line.contains("[2023]") {
                found.push(format!("{}:{n}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "gazette documents named outside domain:\n{}", found.join("\n"));
}

#[test]
fn the_cli_uses_the_use_cases_not_the_http_handlers() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("crates/cli/src"), &mut files);
    for file in &files {
        for (n, line) in code_lines(file) {
            for handler_code in
                ["landtrace_server::routes", "landtrace_server::origin_state", "landtrace_server::catalog"]
            {
                assert!(!line.contains(handler_code), "{}:{n} uses {handler_code}: {}", file.display(), line.trim());
            }
        }
    }
}
