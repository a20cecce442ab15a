//! `idlint lsp` driven like an editor drives it: JSON-RPC with `Content-Length` framing over
//! the server's stdin and stdout (see `common/lsp_client.rs`).

mod common;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lsp_client::{Client, hover_params, initialize, range, uri};
use serde_json::{Value, json};

/// The UTF-16 column of `needle` in `line`, as LSP counts.
fn column(line: &str, needle: &str) -> u32 {
    line[..line.find(needle).unwrap()].encode_utf16().count() as u32
}

const TRACKING: &str = "import mixpanel from 'mixpanel-browser';

export function prepare(id) {
  const note = '😀'; mixpanel.track('prepared', { id });
}
";
const TRACKING_LINE: &str = "  const note = '😀'; mixpanel.track('prepared', { id });";

const SIGNUP: &str = "import mixpanel from 'mixpanel-browser';
import { prepare } from './tracking';

export function signup(user) {
  prepare(user.id);
  mixpanel.alias(user.id);
}
";

const LOGIN: &str = "import mixpanel from 'mixpanel-browser';

export function login(user) {
  mixpanel.alias(user.id);
}
";

const HEALTH: &str = "from mixpanel import Mixpanel

mp = Mixpanel(\"token\")


def health():
    if True:
        mp.track(\"anonymous\", \"ping\")
";

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

fn has(code: &'static str) -> impl Fn(&[Value]) -> bool {
    move |diagnostics| codes(diagnostics).contains(&code)
}

#[test]
fn an_editor_session() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write(root, "tracking.js", TRACKING);
    common::write(root, "signup.js", SIGNUP);
    common::write(root, "login.js", LOGIN);
    common::write(root, "health.py", HEALTH);
    let (tracking, signup, login, health) = (
        uri(&root.join("tracking.js")),
        uri(&root.join("signup.js")),
        uri(&root.join("login.js")),
        uri(&root.join("health.py")),
    );
    let mut client = Client::start();
    let init = initialize(&mut client, root);
    let capabilities = &init["result"]["capabilities"];
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "{init}");
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(
        capabilities["executeCommandProvider"]["commands"][0],
        "idlint.checkAll"
    );

    // The workspace is analysed on start: findings in files nobody opened.
    let shown = client.wait_for_diagnostics(&login, has("alias-on-login"));
    assert_eq!(shown[0]["range"], range((3, 2), (3, 25)));
    assert_eq!(shown[0]["severity"], 2);
    assert_eq!(shown[0]["source"], "idlint");
    assert_eq!(
        shown[0]["codeDescription"]["href"],
        "https://github.com/idlint/idlint/blob/main/rules/alias-on-login.md"
    );
    client.wait_for_diagnostics(&health, has("constant-distinct-id"));
    client.sync();
    assert!(
        client.shown(&signup).is_empty(),
        "{:?}",
        client.shown(&signup)
    );

    for (uri, text, language) in [
        (&tracking, TRACKING, "javascript"),
        (&signup, SIGNUP, "javascript"),
    ] {
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    // An incremental edit of the wrapper, after a character that is two UTF-16 units, makes
    // it alias: the caller's own `alias` is now the second one, in another file.
    let start = column(TRACKING_LINE, "track(");
    let end = start + "track('prepared', { id })".len() as u32;
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": tracking, "version": 2 },
            "contentChanges": [{ "range": range((3, start), (3, end)), "text": "alias(id)" }],
        }),
    );
    let shown = client.wait_for_diagnostics(&signup, has("alias-twice"));
    assert_eq!(codes(&shown), ["alias-twice"]);
    let alias_twice = &shown[0];
    assert_eq!(alias_twice["range"], range((5, 2), (5, 25)));
    assert_eq!(alias_twice["severity"], 1);
    let related = alias_twice["relatedInformation"].as_array().unwrap();
    assert!(
        related.iter().any(|r| r["location"]["uri"] == tracking
            && r["location"]["range"]["start"] == json!({ "line": 3, "character": start - 9 })),
        "the first `alias`, in the wrapper: {related:?}"
    );
    assert!(
        related.iter().any(|r| r["location"]["uri"] == signup
            && r["location"]["range"]["start"] == json!({ "line": 4, "character": 2 })),
        "the call that reaches it: {related:?}"
    );

    // Hover on the SDK call says what idlint understood.
    let hover = client.request("textDocument/hover", hover_params(&signup, 5, 12));
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains("`alias`"), "{text}");
    assert!(text.contains("client SDK"), "{text}");
    assert!(text.contains("new id: `user.id` — argument 1"), "{text}");
    assert_eq!(hover["result"]["range"], range((5, 2), (5, 25)));
    let nothing = client.request("textDocument/hover", hover_params(&signup, 0, 0));
    assert_eq!(nothing["result"], Value::Null);

    // The code action inserts the suppression above the finding, indented like its line.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": signup },
            "range": range((5, 4), (5, 4)),
            "context": { "diagnostics": [alias_twice] },
        }),
    );
    let actions = actions["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["title"], "Suppress `alias-twice` here");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(
        actions[0]["edit"]["changes"][&signup],
        json!([{
            "range": range((5, 0), (5, 0)),
            "newText": "  // idlint: allow(alias-twice) -- TODO: why this is intended\n",
        }])
    );

    // A syntax error in the wrapper keeps its last good lowering: the finding stays.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": tracking, "version": 3 },
            "contentChanges": [{ "range": range((4, 0), (4, 1)), "text": ")))" }],
        }),
    );
    let broken = client.wait_for_diagnostics(&tracking, has("parse-error"));
    assert_eq!(broken[0]["range"]["start"]["line"], 4, "{broken:?}");
    client.sync();
    assert_eq!(codes(client.shown(&signup)), ["alias-twice"]);

    // Fixed, then the alias removed (full sync): the finding is cleared.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": tracking, "version": 4 },
            "contentChanges": [{ "range": range((4, 0), (4, 3)), "text": "}" }],
        }),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": tracking, "version": 5 },
            "contentChanges": [{ "text": TRACKING }],
        }),
    );
    client.wait_for_diagnostics(&signup, <[Value]>::is_empty);
    client.wait_for_diagnostics(&tracking, <[Value]>::is_empty);

    // A login's one-argument client `alias` can be replaced with `identify`.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": login },
            "range": range((3, 0), (3, 30)),
            "context": { "diagnostics": [] },
        }),
    );
    let actions = actions["result"].as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Replace `alias` with `identify`",
            "Suppress `alias-on-login` here"
        ]
    );
    assert_eq!(
        actions[0]["edit"]["changes"][&login],
        json!([{ "range": range((3, 11), (3, 16)), "newText": "identify" }])
    );
    assert_eq!(actions[0]["isPreferred"], true);

    // Python comments start with `#`.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": health },
            "range": range((7, 8), (7, 8)),
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(
        actions["result"][0]["edit"]["changes"][&health][0]["newText"],
        "        # idlint: allow(constant-distinct-id) -- TODO: why this is intended\n"
    );

    // Files created and deleted on disk.
    common::write(
        root,
        "more/signin.js",
        "import mixpanel from 'mixpanel-browser';\nexport function signin(user) {\n  mixpanel.alias(user.id);\n}\n",
    );
    let more = uri(&root.join("more/signin.js"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": more, "type": 1 }] }),
    );
    client.wait_for_diagnostics(&more, has("alias-on-login"));
    // Installed dependencies are left out, as `idlint check` leaves them out.
    let vendored = root.join("node_modules/sdk/signin.js");
    common::write(
        root,
        "node_modules/sdk/signin.js",
        &std::fs::read_to_string(root.join("more/signin.js")).unwrap(),
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&vendored), "type": 1 }] }),
    );
    client.sync();
    assert!(client.shown(&uri(&vendored)).is_empty());
    std::fs::remove_file(root.join("login.js")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": login, "type": 3 }] }),
    );
    client.wait_for_diagnostics(&login, <[Value]>::is_empty);

    // A new configuration applies at once.
    common::write(root, "idlint.toml", "[rules]\nalias-on-login = \"off\"\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root.join("idlint.toml")), "type": 1 }] }),
    );
    client.wait_for_diagnostics(&more, <[Value]>::is_empty);
    assert_eq!(codes(client.shown(&health)), ["constant-distinct-id"]);

    // `idlint.checkAll` loads everything again; nothing changes on screen.
    let before = client.publications.len();
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "idlint.checkAll", "arguments": [] }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    assert_eq!(
        client.publications.len(),
        before,
        "{:?}",
        &client.publications[before..]
    );

    // A file outside the workspace is not answered for.
    let outside = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": "file:///elsewhere/a.js" },
            "range": range((0, 0), (0, 0)),
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(outside["result"], Value::Null);

    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
}

#[test]
fn bad_input_gets_errors_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "login.js", LOGIN);
    let mut client = Client::start();

    let early = client.request("textDocument/hover", hover_params("file:///a.js", 0, 0));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    initialize(&mut client, dir.path());

    client.send_raw("{ not json");
    let error = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700);
    assert_eq!(error["id"], Value::Null);

    client.send(json!({ "jsonrpc": "2.0", "method": 5 }));
    let error = client.wait_for(|m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32600);
    let unknown = client.request("idlint/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad_params = client.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    client.notify("idlint/unknownNotification", json!({}));
    client.notify("textDocument/didOpen", json!({ "wrong": true }));

    // Still serving.
    let login = uri(&dir.path().join("login.js"));
    client.wait_for_diagnostics(&login, has("alias-on-login"));
    let hover = client.request("textDocument/hover", hover_params(&login, 3, 4));
    assert!(hover["result"]["contents"]["value"].is_string(), "{hover}");

    // `exit` without `shutdown` is an error exit.
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 1);
}

#[test]
fn a_panic_inside_the_analysis_is_shown_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "login.js", LOGIN);
    common::write(dir.path(), "health.py", HEALTH);
    let mut client = Client::start_with_env(&[("IDLINT_INJECT_PANIC", "rule:alias-on-login")]);
    initialize(&mut client, dir.path());
    let internal = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "internal-error")
    });
    assert!(
        internal
            .to_string()
            .contains("running the rule `alias-on-login`"),
        "{internal}"
    );
    // The other rules still report, and edits are still analysed.
    let health = uri(&dir.path().join("health.py"));
    client.wait_for_diagnostics(&health, has("constant-distinct-id"));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": health, "languageId": "python", "version": 1, "text": HEALTH } }),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": health, "version": 2 },
            "contentChanges": [{ "range": range((7, 17), (7, 28)), "text": "uid" }],
        }),
    );
    client.wait_for_diagnostics(&health, |shown| !has("constant-distinct-id")(shown));
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 0);
}

/// The findings `check --parse-all` reports on `dir`, as (file, line, rule), errors and
/// warnings only.
fn findings_of_check(dir: &Path) -> BTreeSet<(PathBuf, u64, String)> {
    let output = common::idlint_in(dir, &["check", "--parse-all", "--format", "json", "."]);
    let report = common::json(&output);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error" || d["severity"] == "warning")
        .map(|d| {
            let path = dir
                .join(d["path"].as_str().unwrap())
                .canonicalize()
                .unwrap();
            let rule = d["rule"].as_str().unwrap().to_owned();
            (path, d["line"].as_u64().unwrap(), rule)
        })
        .collect()
}

/// The findings the server published for the workspace `dir`, as (file, line, rule).
fn findings_of_server(dir: &Path) -> BTreeSet<(PathBuf, u64, String)> {
    let mut client = Client::start();
    initialize(&mut client, dir);
    client.sync();
    let mut found = BTreeSet::new();
    for (uri, shown) in &client.diagnostics {
        let path = PathBuf::from(uri.strip_prefix("file://").unwrap())
            .canonicalize()
            .unwrap();
        for d in shown
            .iter()
            .filter(|d| d["severity"] == 1 || d["severity"] == 2)
        {
            let line = d["range"]["start"]["line"].as_u64().unwrap() + 1;
            let rule = d["code"].as_str().unwrap().to_owned();
            found.insert((path.clone(), line, rule));
        }
    }
    found
}

/// The server analyses only the files that can matter, chosen as `check` chooses the files
/// it parses: on every demo and rule fixture its findings are those of parsing and
/// analysing every file.
#[test]
fn the_server_finds_what_check_finds_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for language in std::fs::read_dir(&root).unwrap() {
        let language = language.unwrap().path();
        let name = language.file_name().unwrap().to_str().unwrap().to_owned();
        if name.starts_with("demo-") {
            cases.push(language);
        } else if language.is_dir() && name != "frontend" {
            cases.extend(
                std::fs::read_dir(&language)
                    .unwrap()
                    .map(|r| r.unwrap().path()),
            );
        }
    }
    assert!(cases.len() > 40, "{cases:?}");
    let mut with_findings = 0;
    for case in cases.iter().filter(|c| c.is_dir()) {
        let expected = findings_of_check(case);
        with_findings += usize::from(!expected.is_empty());
        assert_eq!(
            findings_of_server(case),
            expected,
            "{}: the editor's findings differ from check --parse-all's",
            case.display()
        );
    }
    assert!(with_findings > 40, "{with_findings} fixtures with findings");
}
