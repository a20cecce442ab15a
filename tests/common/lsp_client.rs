//! An LSP client for the tests and the latency benchmark: JSON-RPC with `Content-Length`
//! framing over the stdin and stdout of `idlint lsp`. Every wait has a timeout, so a broken
//! server fails instead of hanging.
#![allow(dead_code)] // the test and the benchmark each use a subset

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Long enough for a debug build on a busy machine; a hung server still fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// The diagnostics last published for each URI.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// Every publication in order: (uri, number of diagnostics).
    pub publications: Vec<(String, usize)>,
}

impl Client {
    pub fn start() -> Client {
        Client::start_with_env(&[])
    }

    /// Starts `idlint lsp` with extra environment variables.
    pub fn start_with_env(env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idlint"))
            .arg("lsp")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("idlint lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("every frame has a Content-Length")];
                stdout.read_exact(&mut body).unwrap();
                let message: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            diagnostics: HashMap::new(),
            publications: Vec::new(),
        }
    }

    pub fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: Value) {
        self.send_raw(&message.to_string());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its response; notifications that arrive first are recorded.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The next message that satisfies `wanted`, recording publications on the way.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("the server did not answer in time"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            };
            if message["method"] == "textDocument/publishDiagnostics" {
                let uri = message["params"]["uri"].as_str().unwrap().to_owned();
                let diagnostics = message["params"]["diagnostics"].as_array().unwrap().clone();
                self.publications.push((uri.clone(), diagnostics.len()));
                self.diagnostics.insert(uri, diagnostics);
            }
            if wanted(&message) {
                return message;
            }
        }
    }

    /// Waits until the diagnostics published for `uri` satisfy `wanted`.
    pub fn wait_for_diagnostics(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        if let Some(shown) = self.diagnostics.get(uri)
            && wanted(shown)
        {
            return shown.clone();
        }
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && wanted(m["params"]["diagnostics"].as_array().unwrap())
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// A round trip: everything the server published for earlier messages has arrived.
    pub fn sync(&mut self) {
        self.request(
            "textDocument/hover",
            hover_params("file:///nowhere/x.js", 0, 0),
        );
    }

    pub fn shown(&self, uri: &str) -> &[Value] {
        self.diagnostics.get(uri).map_or(&[], Vec::as_slice)
    }

    /// Waits for the process to end and returns its exit code.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub fn hover_params(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

pub fn initialize(client: &mut Client, root: &Path) -> Value {
    let response = client.request(
        "initialize",
        json!({
            "processId": null,
            "capabilities": {},
            "workspaceFolders": [{ "uri": uri(root), "name": "workspace" }],
        }),
    );
    client.notify("initialized", json!({}));
    response
}

pub fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "start": { "line": start.0, "character": start.1 },
        "end": { "line": end.0, "character": end.1 },
    })
}
