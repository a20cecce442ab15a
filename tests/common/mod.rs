//! Helpers the end-to-end tests share: run the binary, read its output, write files.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::Path;
use std::process::{Command, Output};

/// The on-disk cache every test run shares (unless a test names its own): under `target/`,
/// so that runs over the repository's fixtures leave no `.idlint_cache` in them, and warm
/// for most runs, so the whole suite checks that cached lowerings give the same findings.
pub const TEST_CACHE: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/idlint-test-cache");

/// Runs `idlint` with `args` in `dir`, without colours.
pub fn idlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("IDLINT_CACHE_DIR", TEST_CACHE)
        .output()
        .expect("idlint runs")
}

/// Runs `idlint` with `args` in the package root.
pub fn idlint(args: &[&str]) -> Output {
    idlint_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

/// Writes `text` to `dir/name`, creating the directories on the way.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes raw `bytes` to `dir/name`, creating the directories on the way.
pub fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Runs `idlint` like [`idlint_in`], but fails the test if it has not finished within
/// `limit`: a hang is a bug too.
pub fn idlint_within(dir: &Path, args: &[&str], limit: std::time::Duration) -> Output {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_idlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("IDLINT_CACHE_DIR", TEST_CACHE)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("idlint runs");
    // Drain the pipes on threads, so a long report cannot block the child on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let read_out = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut buffer).map(|_| buffer)
    });
    let read_err = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut buffer).map(|_| buffer)
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("idlint can be waited for") {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            panic!("idlint {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output {
        status,
        stdout: read_out.join().unwrap().unwrap(),
        stderr: read_err.join().unwrap().unwrap(),
    }
}

/// `idlint check --format json PATHS` in `dir`, within `limit`: the exit code and the report.
pub fn check_json(
    dir: &Path,
    paths: &[&str],
    limit: std::time::Duration,
) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(paths);
    let output = idlint_within(dir, &args, limit);
    (output.status.code(), json(&output))
}

/// The diagnostics of a JSON report as `(rule, path, line, column)`, in report order.
pub fn findings(report: &serde_json::Value) -> Vec<(String, String, i64, i64)> {
    report["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
                d["line"].as_i64().unwrap(),
                d["column"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The messages of a JSON report's diagnostics for `path`.
pub fn messages_for(report: &serde_json::Value, path: &str) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .filter(|d| d["path"] == path)
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect()
}

/// The skipped paths of a JSON report as `(path, reason)`.
pub fn skipped(report: &serde_json::Value) -> Vec<(String, String)> {
    report["summary"]["skipped"]
        .as_array()
        .expect("a skipped array")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// xorshift64*: a deterministic generator for the oracles' random programs, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
pub mod ir_render;
