//! A run never ends without saying what happened: idlint's own crashes, files it could not
//! read, languages it does not read, paths that do not exist, and closed pipes.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{idlint, json, stderr, stdout, write};

const DOUBLE_ALIAS_JS: &str = "import mixpanel from 'mixpanel-browser';\n\
export function signup(user) {\n  mixpanel.alias(user.id);\n  mixpanel.alias(user.id);\n}\n";

fn idlint_with_env(args: &[&str], key: &str, value: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_idlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("IDLINT_CACHE_DIR", common::TEST_CACHE)
        .env(key, value)
        .output()
        .expect("idlint runs")
}

fn rules_of(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A panic while lowering one file: an internal-error naming that file, every other finding
/// still reported, in every format, exit 2.
#[test]
fn a_crash_in_one_file_is_an_internal_error_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/signup.js", DOUBLE_ALIAS_JS);
    write(
        dir.path(),
        "src/crashes.js",
        "export const analytics = {};\n",
    );
    let root = dir.path().to_str().unwrap();
    let output = idlint_with_env(
        &["check", "--format", "json", root],
        "IDLINT_INJECT_PANIC",
        "lower:crashes.js",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    let report = json(&output);
    let mut rules = rules_of(&report);
    rules.sort();
    assert_eq!(rules, ["alias-twice", "internal-error"]);
    let internal = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "internal-error")
        .unwrap();
    assert!(internal["path"].as_str().unwrap().ends_with("crashes.js"));
    assert!(
        internal["message"]
            .as_str()
            .unwrap()
            .contains("injected by IDLINT_INJECT_PANIC"),
        "{internal}"
    );
    for format in ["human", "short", "sarif", "github"] {
        let output = idlint_with_env(
            &["check", "--format", format, root],
            "IDLINT_INJECT_PANIC",
            "lower:crashes.js",
        );
        assert_eq!(output.status.code(), Some(2), "{format}");
        let text = stdout(&output);
        assert!(text.contains("internal-error"), "{format}: {text}");
        assert!(text.contains("alias-twice"), "{format}: {text}");
    }
    let sarif = idlint_with_env(
        &["check", "--format", "sarif", root],
        "IDLINT_INJECT_PANIC",
        "lower:crashes.js",
    );
    let sarif = json(&sarif);
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

/// A panic in one rule: that rule's internal-error, the other rules' findings, exit 2 even
/// with `--exit-zero`.
#[test]
fn a_crash_in_one_rule_is_an_internal_error_and_other_rules_still_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/signup.js", DOUBLE_ALIAS_JS);
    let root = dir.path().to_str().unwrap();
    let output = idlint_with_env(
        &["check", "--exit-zero", "--format", "json", root],
        "IDLINT_INJECT_PANIC",
        "rule:identify-before-alias",
    );
    assert_eq!(output.status.code(), Some(2));
    let report = json(&output);
    let mut rules = rules_of(&report);
    rules.sort();
    assert_eq!(rules, ["alias-twice", "internal-error"]);
    let message = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "internal-error")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("`identify-before-alias`"), "{message}");
}

/// Only files in languages idlint does not read: say which, exit 2.
#[test]
fn a_tree_in_unsupported_languages_is_an_error_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/lib/main.dart",
        "import 'package:mixpanel_flutter/mixpanel_flutter.dart';\n",
    );
    write(
        dir.path(),
        "app/lib/tracking.dart",
        "import 'package:mixpanel_flutter/mixpanel_flutter.dart';\n",
    );
    write(dir.path(), "server/app.rb", "require 'mixpanel-ruby'\n");
    write(dir.path(), "README.md", "# app\n");
    let output = idlint(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("2 Dart"), "{message}");
    assert!(message.contains("1 Ruby"), "{message}");
    assert!(message.contains("not supported yet"), "{message}");

    let empty = tempfile::tempdir().unwrap();
    let output = idlint(&["check", empty.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no source files"),
        "{}",
        stderr(&output)
    );
}

/// Swift, Objective-C, Kotlin and Java are read: their syntax errors are reported, the
/// files are not counted as unsupported.
#[test]
fn a_mobile_tree_is_read_and_its_syntax_errors_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ios/App/AppDelegate.swift",
        "import Mixpanel\nfinal class AppDelegate {}\n",
    );
    write(
        dir.path(),
        "ios/App/Tracking.m",
        "#import <Mixpanel/Mixpanel.h>\n@implementation Tracking\n@end\n",
    );
    write(
        dir.path(),
        "android/app/Main.kt",
        "import com.mixpanel.android.mpmetrics.MixpanelAPI\nfun main( {\n",
    );
    write(
        dir.path(),
        "android/app/App.java",
        "import com.mixpanel.android.mpmetrics.MixpanelAPI;\nclass App {}\n",
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert!(
        !stderr(&output).contains("not supported"),
        "{}",
        stderr(&output)
    );
    let report = json(&output);
    assert_eq!(rules_of(&report), ["parse-error"]);
    let file = report["diagnostics"][0]["path"]
        .as_str()
        .unwrap_or_default();
    assert!(file.ends_with("Main.kt"), "{report}");
}

/// A grammar gap far from any tracker call is a note: everything around it was lowered, so
/// it cannot hide an identity call and must not fail the run. The same gap on a line that
/// names the tracker keeps its error.
#[test]
fn a_syntax_error_that_leaves_out_no_tracking_name_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let source = "import Mixpanel\n\nfinal class SyncService {\n    func refresh(completion: @escaping (Result<Void, Error>) -> Void) {\n        completion(.success(()))\n    }\n\n    func signUp(userId: String) {\n        Mixpanel.mainInstance().identify(distinctId: userId)\n    }\n}\n";
    write(dir.path(), "App/SyncService.swift", source);
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let report = json(&output);
    assert_eq!(rules_of(&report), ["parse-error"], "{report}");
    assert_eq!(report["diagnostics"][0]["severity"], "note", "{report}");
    assert_eq!(output.status.code(), Some(0), "{report}");

    let near = source.replace("completion(.success(()))", "mixpanel.track(.success(()))");
    write(dir.path(), "App/SyncService.swift", &near);
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let report = json(&output);
    assert_eq!(report["diagnostics"][0]["severity"], "error", "{report}");
    assert_eq!(output.status.code(), Some(1), "{report}");
}

/// A file that could not be read appears in every format, not only in JSON and human.
#[test]
fn skipped_files_appear_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/ok.js", "export const ok = 1;\n");
    std::fs::write(dir.path().join("src/bad.js"), b"const a = '\xff\xfe';\n").unwrap();
    let root = dir.path().to_str().unwrap();
    for (format, expected) in [
        ("short", "bad.js:1:1: warning[skipped]: is not valid UTF-8"),
        ("github", "::warning file="),
        ("human", "warning: skipped"),
        ("json", "is not valid UTF-8"),
        ("sarif", "toolExecutionNotifications"),
    ] {
        let output = idlint(&["check", "--format", format, root]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let text = stdout(&output);
        assert!(text.contains(expected), "{format}: {text}");
        assert!(text.contains("bad.js"), "{format}: {text}");
    }
}

/// PEP 263: a Python file in the encoding it declares is read, with its findings.
#[test]
fn a_python_file_in_a_declared_encoding_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"# -*- coding: latin-1 -*-\nfrom mixpanel import Mixpanel\nmp = Mixpanel('t')\n\n# caf\xe9\ndef signup(user):\n    mp.alias(user.id, user.anon)\n    mp.alias(user.id, user.anon)\n".to_vec();
    std::fs::write(dir.path().join("app.py"), &text).unwrap();
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let report = json(&output);
    assert_eq!(report["summary"]["skipped"], serde_json::json!([]));
    assert_eq!(rules_of(&report), ["alias-twice"]);
    assert_eq!(report["diagnostics"][0]["line"], 8);

    // Without the declaration the same bytes are not UTF-8: skipped, named, exit 1.
    text.drain(..text.iter().position(|&b| b == b'\n').unwrap() + 1);
    std::fs::write(dir.path().join("app.py"), &text).unwrap();
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let skipped = json(&output)["summary"]["skipped"].to_string();
    assert!(skipped.contains("not valid UTF-8"), "{skipped}");
}

/// Every subcommand that takes a path rejects one that does not exist.
#[test]
fn missing_paths_are_usage_errors_in_every_subcommand() {
    for args in [
        vec!["check", "/nonexistent/idlint-test"],
        vec!["hook", "/nonexistent/idlint-test.py"],
        vec!["config", "/nonexistent/idlint-test"],
        vec!["graph", "/nonexistent/idlint-test"],
        vec!["debug", "ir", "/nonexistent/idlint-test"],
    ] {
        let output = idlint(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("/nonexistent/idlint-test"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// `-o` into a folder that does not exist names that folder, not a temporary file.
#[test]
fn output_into_a_missing_folder_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/ok.js", "export const ok = 1;\n");
    let target = dir.path().join("missing/report.json");
    let output = idlint(&[
        "check",
        "-o",
        target.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("does not exist"), "{message}");
    assert!(!message.contains("missing/.tmp"), "{message}");
}

/// A reader that closes the pipe early (`| head`) ends idlint quietly.
#[test]
fn a_closed_pipe_ends_the_process_quietly() {
    for args in [
        vec!["debug", "ir", "fixtures/demo-web"],
        vec!["check", "fixtures/demo-web"],
        vec!["explain", "alias-twice"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idlint"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("IDLINT_CACHE_DIR", common::TEST_CACHE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The read end is dropped here: later writes hit a closed pipe.
        let status = child.wait().unwrap();
        let mut errors = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut errors)
            .unwrap();
        assert!(!errors.contains("panicked"), "{args:?}: {errors}");
        assert_ne!(status.code(), Some(101), "{args:?}");
    }
}

/// The report is byte-identical with one worker thread and with several.
#[test]
fn the_report_is_the_same_at_any_number_of_threads() {
    let run = |threads: &str| {
        let output = idlint(&[
            "check",
            "--threads",
            threads,
            "--format",
            "json",
            "fixtures/demo-web",
            "fixtures/demo-python",
            "fixtures/demo-rust",
        ]);
        assert_eq!(output.status.code(), Some(1));
        output.stdout
    };
    // The summary counts the files read from the cache: the runs compared are all warm (the
    // suite's cache keeps one pack per set of paths, which no other test shares).
    run("1");
    let one = run("1");
    assert!(!one.is_empty());
    for threads in ["2", "4", "0"] {
        assert!(one == run(threads), "--threads {threads} differs");
    }
}

/// A file that does not parse and names nothing identity-related is a note that does not fail
/// the run; one that names a tracker keeps its error.
#[test]
fn parse_errors_fail_the_run_only_where_they_can_hide_an_identity_call() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/util.js",
        "export function add(a, b) {\n  return a +;\n}\n",
    );
    let root = dir.path().to_str().unwrap();
    // Parsing on demand never reads it: it names nothing that matters.
    let output = idlint(&["check", "--format", "json", root]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(json(&output)["diagnostics"], serde_json::json!([]));
    let output = idlint(&["check", "--parse-all", "--format", "json", root]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report = json(&output);
    assert_eq!(report["diagnostics"][0]["rule"], "parse-error");
    assert_eq!(report["diagnostics"][0]["severity"], "note");
    let short = stdout(&idlint(&[
        "check",
        "--parse-all",
        "--format",
        "short",
        root,
    ]));
    assert!(short.contains("note[parse-error]"), "{short}");

    write(
        dir.path(),
        "src/track.js",
        "import mixpanel from 'mixpanel-browser';\nexport function signup(u) {\n  mixpanel.alias(u.id;\n}\n",
    );
    let output = idlint(&["check", "--parse-all", "--format", "json", root]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let severities: Vec<(String, String)> = json(&output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_string();
            (name, d["severity"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(
        severities.contains(&("track.js".to_string(), "error".to_string())),
        "{severities:?}"
    );
    assert!(
        severities.contains(&("util.js".to_string(), "note".to_string())),
        "{severities:?}"
    );
}

/// Nesting without brackets (a 100,000-term operator chain) reaches the recursive parsers and
/// lowerers: the worker threads' stacks take it, in every language.
#[test]
fn a_hundred_thousand_deep_expression_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let chain = vec!["a"; 100_000].join(" + ");
    write(
        dir.path(),
        "deep.py",
        &format!("import mixpanel\nx = {chain}\n"),
    );
    write(
        dir.path(),
        "deep.js",
        &format!("import mixpanel from 'mixpanel-browser';\nconst x = {chain};\n"),
    );
    write(
        dir.path(),
        "src/lib.rs",
        &format!("use mixpanel_rs::Mixpanel;\nfn f() {{ let x = {chain}; }}\n"),
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json(&output)["summary"]["parsed"], 3);
}
