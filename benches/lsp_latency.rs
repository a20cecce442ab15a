//! Editor latency of `idlint lsp`: a generated 100,000-line TypeScript workspace (ordinary code,
//! about 1% tracking wrappers), the server started on it, then edits timed from the
//! `didChange` the client sends to what the client waits for:
//! - a wrapper starts or stops aliasing, which creates or clears a finding in its caller's
//!   file: the time until that file's `publishDiagnostics` arrives;
//! - an ordinary function changes and no finding does: the time until a `hover` sent right
//!   after the edit is answered (the server analyses before it answers).
//!
//! `cargo bench --bench lsp_latency` prints the numbers; BENCHMARKS.md records them.
//! `cargo bench --bench lsp_latency -- --write DIR` only writes the workspace (to profile).

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use lsp_client::{Client, hover_params, initialize, range, uri};
use serde_json::{Value, json};

const FILES: usize = 200;
const FUNCTIONS_PER_FILE: usize = 41;
const EDITS: usize = 20;

const PREPARE_TRACK: &str = "mixpanel.track('prepared', { id })";
const PREPARE_ALIAS: &str = "mixpanel.alias(id)";

/// Writes the workspace and returns its number of lines.
fn write_workspace(root: &Path) -> usize {
    let src = root.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"mixpanel-browser":"^2.55.0"}}"#,
    )
    .unwrap();
    let mut lines = 0;
    let mut write = |name: &str, text: String| {
        lines += text.lines().count();
        std::fs::write(src.join(name), text).unwrap();
    };
    for f in 0..FILES {
        let mut text = String::from("import mixpanel from 'mixpanel-browser';\n");
        if f + 1 < FILES {
            writeln!(text, "import * as next from './m{}';", f + 1).unwrap();
        }
        text.push_str(
            "\ninterface Item { ok: boolean; value: number }\n\
             interface User { id: string; plan: string; items: Item[] }\n\n\
             function weight(value: number, k: number): number {\n  return value * k;\n}\n\n",
        );
        for k in 0..FUNCTIONS_PER_FILE {
            let tail = if f + 1 < FILES {
                format!("next.f{k}(items, !flag)")
            } else {
                "total + 1".to_owned()
            };
            writeln!(
                text,
                "export function f{k}(items: Item[], flag: boolean): number {{\n\
                 \x20 let total = 0;\n\
                 \x20 for (const item of items) {{\n\
                 \x20   if (item.ok && flag) {{\n\
                 \x20     total += weight(item.value, {k});\n\
                 \x20   }} else {{\n\
                 \x20     total -= 1;\n\
                 \x20   }}\n\
                 \x20 }}\n\
                 \x20 return total > 100 ? {tail} : total;\n\
                 }}\n"
            )
            .unwrap();
        }
        // About 1% of the functions are tracking wrappers, each with a handler that uses it.
        if f % 2 == 0 {
            writeln!(
                text,
                "export function track{f}(user: User): void {{\n\
                 \x20 mixpanel.track('event {f}', {{ plan: user.plan }});\n\
                 }}\n\n\
                 export function handler{f}(user: User): number {{\n\
                 \x20 track{f}(user);\n\
                 \x20 return f0(user.items, true);\n\
                 }}"
            )
            .unwrap();
        }
        write(&format!("m{f}.ts"), text);
    }
    write(
        "tracking.ts",
        format!(
            "import mixpanel from 'mixpanel-browser';\n\n\
             export function prepare(id: string): void {{\n  {PREPARE_TRACK};\n}}\n"
        ),
    );
    write(
        "signup.ts",
        "import mixpanel from 'mixpanel-browser';\nimport { prepare } from './tracking';\n\n\
         export function signup(user: { id: string }): void {\n  prepare(user.id);\n  mixpanel.alias(user.id);\n}\n"
            .to_owned(),
    );
    lines
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what}: median {} ms, p95 {} ms, min {} ms, max {} ms ({} edits)",
        percentile(&times, 0.5).as_millis(),
        percentile(&times, 0.95).as_millis(),
        times[0].as_millis(),
        times[times.len() - 1].as_millis(),
        times.len()
    );
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "typescript", "version": 1, "text": text } }),
    );
}

fn main() {
    // `-- --write DIR`: only write the workspace, to profile the server on it.
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--write") {
        let dir = Path::new(&args[at + 1]);
        let lines = write_workspace(dir);
        println!("wrote {lines} lines to {}", dir.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let lines = write_workspace(root);
    let tracking = uri(&root.join("src/tracking.ts"));
    let signup = uri(&root.join("src/signup.ts"));
    let ordinary = uri(&root.join("src/m100.ts"));

    let started = Instant::now();
    let mut client = Client::start();
    initialize(&mut client, root);
    client.sync();
    let load = started.elapsed();
    println!(
        "workspace: {} files, {lines} lines, {} functions; start-up (load + first analysis): {} ms",
        FILES + 2,
        FILES * FUNCTIONS_PER_FILE + FILES / 2 * 2 + 2,
        load.as_millis()
    );

    let tracking_text = std::fs::read_to_string(root.join("src/tracking.ts")).unwrap();
    open(&mut client, &tracking, &tracking_text);
    let ordinary_text = std::fs::read_to_string(root.join("src/m100.ts")).unwrap();
    open(&mut client, &ordinary, &ordinary_text);
    client.sync();

    // A wrapper starts or stops aliasing: a finding appears in, or leaves, its caller's file.
    let mut finding = Vec::new();
    let mut aliasing = false;
    for edit in 0..EDITS {
        let (old, new) = if aliasing {
            (PREPARE_ALIAS, PREPARE_TRACK)
        } else {
            (PREPARE_TRACK, PREPARE_ALIAS)
        };
        aliasing = !aliasing;
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": tracking, "version": edit + 2 },
                "contentChanges": [{ "range": range((3, 2), (3, 2 + old.len() as u32)), "text": new }],
            }),
        );
        client.wait_for_diagnostics(&signup, |shown: &[Value]| {
            shown.iter().any(|d| d["code"] == "alias-twice") == aliasing
        });
        finding.push(sent.elapsed());
    }

    // An ordinary function changes, no finding does: until a hover after the edit is answered.
    let mut ordinary_edits = Vec::new();
    let line = ordinary_text
        .lines()
        .position(|l| l.contains("total -= 1;"))
        .unwrap() as u32;
    for edit in 0..EDITS {
        let (old, new) = if edit % 2 == 0 {
            ("1", "2")
        } else {
            ("2", "1")
        };
        let column = "    total -= ".len() as u32;
        debug_assert_eq!(old.len(), 1);
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": ordinary, "version": edit + 2 },
                "contentChanges": [{ "range": range((line, column), (line, column + 1)), "text": new }],
            }),
        );
        client.request("textDocument/hover", hover_params(&ordinary, line, column));
        ordinary_edits.push(sent.elapsed());
    }

    report(
        "edit → publishDiagnostics (a finding appears or clears in another file)",
        finding,
    );
    report(
        "edit → answer (ordinary code, no finding changes)",
        ordinary_edits,
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    client.wait_exit();
}
