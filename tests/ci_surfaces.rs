//! CI and pre-commit surfaces: configuration, suppressions, output formats, exit codes,
//! baselines, the hook, the graph view.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{idlint_in, json, stderr, stdout, write};

const RUST_DOUBLE: &str = "use mixpanel_rs::Mixpanel;\npub async fn signup(mp: &Mixpanel, anon: &str, id: &str) {\n    mp.alias(anon, id).await.ok();\n    mp.alias(anon, id).await.ok();\n}\n";

fn rules_and_lines(output: &Output) -> Vec<(String, i64)> {
    json(output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["line"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn configuration_errors_name_the_file_the_line_and_what_is_accepted() {
    let cases = [
        (
            "idlint.toml",
            "colour = 1\n",
            "idlint.toml:1: unknown field `colour`, expected one of",
        ),
        (
            "idlint.toml",
            "[rules]\nalias-twice = \"loud\"\n",
            "idlint.toml:2: `loud` is not a level for `alias-twice`; use \"off\", \"warn\" or \"error\"",
        ),
        (
            "idlint.toml",
            "[rules]\n\nno-such-rule = \"off\"\n",
            "idlint.toml:3: unknown rule `no-such-rule`; the rules are: alias-twice",
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"x\"\n[tool.idlint]\nmystery = true\n",
            "pyproject.toml:4: unknown field `mystery`",
        ),
        (
            "Cargo.toml",
            "[package]\nname = \"x\"\n[package.metadata.idlint.rules]\nalias-twice = 3\n",
            "Cargo.toml:4:",
        ),
        (
            "idlint.toml",
            "[[tracking-api]]\nreceiver = \"Analytics\"\nmethod = \"link\"\nkind = \"merge\"\n",
            "idlint.toml:4: `merge` is not a tracking call kind",
        ),
    ];
    for (name, text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, text);
        write(dir.path(), "src/lib.rs", RUST_DOUBLE);
        let output = idlint_in(dir.path(), &["check"]);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(expected),
            "{name}: expected `{expected}` in\n{}",
            stderr(&output)
        );
    }
}

#[test]
fn rule_levels_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", RUST_DOUBLE);
    assert_eq!(idlint_in(dir.path(), &["check"]).status.code(), Some(1));
    write(
        dir.path(),
        "idlint.toml",
        "[rules]\nalias-twice = \"warn\"\n",
    );
    let warned = idlint_in(dir.path(), &["check"]);
    assert_eq!(warned.status.code(), Some(0), "warnings do not fail");
    assert!(stdout(&warned).contains("warning[alias-twice]"));
    assert_eq!(
        idlint_in(dir.path(), &["check", "--deny", "warnings"])
            .status
            .code(),
        Some(1)
    );
    write(
        dir.path(),
        "idlint.toml",
        "[rules]\nalias-twice = \"off\"\n",
    );
    let off = idlint_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(off.status.code(), Some(0));
    assert_eq!(json(&off)["diagnostics"], serde_json::json!([]));
    std::fs::remove_file(dir.path().join("idlint.toml")).unwrap();
    assert_eq!(
        idlint_in(dir.path(), &["check", "--exit-zero"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn configuration_is_read_from_pyproject_and_cargo_metadata_and_excludes_paths() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", RUST_DOUBLE);
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"x\"\n\n[package.metadata.idlint]\nexclude = [\"src/**\"]\n",
    );
    let output = idlint_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(json(&output)["summary"]["files"], 0, "{}", stdout(&output));
    let config = stdout(&idlint_in(dir.path(), &["config"]));
    assert!(
        config.contains("exclude = [\"src/**\"]") && config.contains("alias-twice = \"error\""),
        "{config}"
    );

    let py = tempfile::tempdir().unwrap();
    write(
        py.path(),
        "app.py",
        "from mixpanel import Mixpanel\nmp = Mixpanel('t')\ndef f(u):\n    mp.alias(u.id, u.anon)\n    mp.alias(u.id, u.anon)\n",
    );
    write(
        py.path(),
        "pyproject.toml",
        "[tool.idlint.rules]\nalias-twice = \"warn\"\n",
    );
    let output = idlint_in(py.path(), &["check", "--format", "json"]);
    assert_eq!(json(&output)["diagnostics"][0]["severity"], "warning");
}

#[test]
fn declared_tracking_apis_are_identity_calls_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "idlint.toml",
        "[[tracking-api]]\nreceiver = \"Telemetry\"\nmethod = \"link_user\"\nkind = \"alias\"\nid-arg = 0\n\n\
         [[tracking-api]]\nreceiver = \"telemetry\"\nmethod = \"linkUser\"\nkind = \"alias\"\nid-arg = 0\n",
    );
    write(
        dir.path(),
        "src/lib.rs",
        "pub fn signup(t: &Telemetry, id: &str) {\n    t.link_user(id);\n    t.link_user(id);\n}\n",
    );
    write(
        dir.path(),
        "web/app.js",
        "import telemetry from '@acme/telemetry';\nexport function signup(id) {\n  telemetry.linkUser(id);\n  telemetry.linkUser(id);\n}\n",
    );
    write(
        dir.path(),
        "svc/app.py",
        "from acme import Telemetry\ndef signup(t: Telemetry, uid):\n    t.link_user(uid)\n    t.link_user(uid)\n",
    );
    // Objective-C: the method is named by the first part of its selector.
    write(
        dir.path(),
        "ios/Signup.m",
        "@implementation Signup\n- (void)signUp:(NSString *)uid {\n    [telemetry linkUser:uid];\n    [telemetry linkUser:uid source:@\"ios\"];\n}\n@end\n",
    );
    let output = idlint_in(dir.path(), &["check", "--format", "json"]);
    let found = rules_and_lines(&output);
    assert_eq!(
        found,
        vec![
            ("alias-twice".to_owned(), 4),
            ("alias-twice".to_owned(), 3),
            ("alias-twice".to_owned(), 4),
            ("alias-twice".to_owned(), 4)
        ],
        "{found:?}"
    );
}

#[test]
fn suppressions_work_in_every_comment_syntax_and_unused_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/lib.rs",
        "use mixpanel_rs::Mixpanel;\npub async fn f(mp: &Mixpanel, a: &str, b: &str) {\n    mp.alias(a, b).await.ok();\n    // idlint: allow(alias-twice) -- the old flow, removed in TICKET-12\n    mp.alias(a, b).await.ok();\n}\n",
    );
    write(
        dir.path(),
        "web/app.js",
        "import mixpanel from 'mixpanel-browser';\nexport function f(id) {\n  mixpanel.alias(id);\n  mixpanel.alias(id); // idlint: allow(alias-twice, identify-before-alias) -- demo\n}\n",
    );
    write(
        dir.path(),
        "svc/app.py",
        "from mixpanel import Mixpanel\nmp = Mixpanel('t')\ndef f(u):\n    mp.alias(u.id, u.anon)\n    mp.alias(u.id, u.anon)  # idlint: allow(alias-twice)\n    # idlint: allow(no-such-rule)\n    x = 1\n",
    );
    // Swift and Objective-C suppressions are read (here unused, so reported).
    write(
        dir.path(),
        "ios/Tracking.swift",
        "import Mixpanel\nfunc f() {\n    // idlint: allow(alias-twice) -- demo\n    let x = 1\n}\n",
    );
    write(
        dir.path(),
        "ios/Tracking.m",
        "#import <Mixpanel/Mixpanel.h>\nvoid f(void) {\n    /* idlint: allow(alias-twice) -- demo */\n    int x = 1;\n}\n",
    );
    let output = idlint_in(dir.path(), &["check", "--format", "json"]);
    let mut found: Vec<(String, String, i64)> = json(&output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["line"].as_i64().unwrap(),
            )
        })
        .collect();
    found.sort();
    let mobile: Vec<_> = found
        .iter()
        .filter(|(path, message, line)| {
            (path.ends_with("Tracking.swift") || path.ends_with("Tracking.m"))
                && *line == 3
                && message.contains("`alias-twice` is allowed here but nothing reports it")
        })
        .collect();
    assert_eq!(mobile.len(), 2, "{found:?}");
    found.retain(|(path, ..)| !path.starts_with("ios/"));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].0.ends_with("app.py") && found[0].1.contains("`no-such-rule` is not a rule"),
        "{found:?}"
    );
    assert!(
        found[1].0.ends_with("app.js")
            && found[1]
                .1
                .contains("`identify-before-alias` is allowed here but nothing reports it"),
        "{found:?}"
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "unused suppressions are warnings"
    );
}

#[test]
fn short_and_github_formats() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", RUST_DOUBLE);
    let short = stdout(&idlint_in(dir.path(), &["check", "--format", "short"]));
    assert_eq!(
        short,
        "src/lib.rs:4:8: error[alias-twice]: `alias` is reached a second time for the same user\n"
    );
    let github = stdout(&idlint_in(dir.path(), &["check", "--format", "github"]));
    assert!(
        github.starts_with("::error file=src/lib.rs,line=4,col=8,endLine=4,endColumn=23,title=idlint (alias-twice)::`alias` is reached a second time for the same user%0A"),
        "{github}"
    );
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    // The official schema's `language` patterns (`...]?$`, a stray bracket) is not a valid
    // regex, which the meta-schema rejects. idlint never writes `language`; the intended
    // pattern stands in for it so the rest of the official schema applies unchanged.
    for definition in ["run", "toolComponent"] {
        schema["definitions"][definition]["properties"]["language"]["pattern"] =
            serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let output = idlint_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            "--format",
            "sarif",
            "fixtures/demo-web",
            "fixtures/demo-rust",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(
        !validator.is_valid(&broken),
        "the validator must catch an invalid level"
    );
    let run = &sarif["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        idlint::rules::RULES.len()
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 12);
    let path_rules = [
        "alias-twice",
        "identify-before-alias",
        "distinct-id-not-persisted",
    ];
    assert!(
        results
            .iter()
            .filter(|r| path_rules.contains(&r["ruleId"].as_str().unwrap()))
            .all(|r| {
                r["codeFlows"][0]["threadFlows"][0]["locations"]
                    .as_array()
                    .is_some_and(|l| !l.is_empty())
            })
    );
    assert!(results.iter().any(|r| {
        r["relatedLocations"]
            .as_array()
            .is_some_and(|l| l.len() >= 2)
    }));
}

#[test]
fn output_file_gets_the_report_and_stderr_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", RUST_DOUBLE);
    let output = idlint_in(
        dir.path(),
        &["check", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("1 findings in 1 files; report written to report.json"),
        "{}",
        stderr(&output)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["diagnostics"], 1);
}

#[test]
fn baseline_hides_old_findings_across_edits_and_shows_new_and_fixed_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", RUST_DOUBLE);
    let written = idlint_in(
        dir.path(),
        &["check", "--write-baseline", "idlint-baseline.json"],
    );
    assert_eq!(written.status.code(), Some(0));
    // An unrelated edit moves every line down.
    let moved = format!("// a comment\n\n{RUST_DOUBLE}");
    write(dir.path(), "src/lib.rs", &moved);
    let output = idlint_in(
        dir.path(),
        &[
            "check",
            "--baseline",
            "idlint-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(json(&output)["diagnostics"], serde_json::json!([]));
    // A new violation is reported; the old one stays hidden.
    let added = format!(
        "{moved}pub async fn relink(mp: &Mixpanel, anon: &str, id: &str) {{\n    mp.alias(anon, id).await.ok();\n    mp.alias(anon, id).await.ok();\n}}\n"
    );
    write(dir.path(), "src/lib.rs", &added);
    let output = idlint_in(
        dir.path(),
        &[
            "check",
            "--baseline",
            "idlint-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        rules_and_lines(&output),
        vec![("alias-twice".to_owned(), 10)]
    );
    // Fixing the old one lists it as fixed.
    write(dir.path(), "src/lib.rs", "use mixpanel_rs::Mixpanel;\n");
    let output = idlint_in(dir.path(), &["check", "--baseline", "idlint-baseline.json"]);
    assert!(
        stderr(&output).contains("fixed since the baseline: src/lib.rs [alias-twice]"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_hook_analyses_the_project_but_reports_only_the_given_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/lib.rs",
        "mod track;\nuse mixpanel_rs::Mixpanel;\npub async fn signup(mp: &Mixpanel, a: &str, b: &str) {\n    track::link(mp, a, b).await;\n    track::link(mp, a, b).await;\n}\n",
    );
    write(
        dir.path(),
        "src/track.rs",
        "use mixpanel_rs::Mixpanel;\npub async fn link(mp: &Mixpanel, a: &str, b: &str) {\n    mp.alias(a, b).await.ok();\n}\n",
    );
    write(dir.path(), "src/other.rs", RUST_DOUBLE);
    let output = idlint_in(dir.path(), &["hook", "src/track.rs"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("src/track.rs:3:8") && !text.contains("src/other.rs"),
        "{text}"
    );
    let output = idlint_in(dir.path(), &["hook", "src/lib.rs"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "the finding's primary site is in track.rs: {}",
        stdout(&output)
    );
}

#[test]
fn graph_draws_the_functions_that_reach_tracking_calls() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dot = stdout(&idlint_in(root, &["graph", "fixtures/demo-web"]));
    assert!(dot.starts_with("digraph identity {"), "{dot}");
    assert!(
        dot.contains("linkAccount")
            && dot.contains("shape=hexagon")
            && dot.contains("completeProfile"),
        "{dot}"
    );
    assert!(
        !dot.contains("label=\"create\\n"),
        "functions that reach no tracking call are left out: {dot}"
    );
    let mermaid = stdout(&idlint_in(
        root,
        &["graph", "--format", "mermaid", "fixtures/demo-web"],
    ));
    assert!(
        mermaid.starts_with("flowchart LR\n") && mermaid.contains("-->"),
        "{mermaid}"
    );
    if let Ok(rendered) = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        let mut child = rendered;
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let result = child.wait_with_output().unwrap();
        assert!(result.status.success(), "Graphviz rejects the DOT output");
    }
}

/// Text that only looks like a suppression (in a string, or prose explaining the syntax) is not one.
#[test]
fn suppression_markers_in_strings_and_prose_are_not_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/lib.rs",
        "//! Write `idlint: allow(<rule>) -- <reason>` to silence a finding.\npub const HELP: &str = \"// idlint: allow(alias-twice)\";\n",
    );
    let output = idlint_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(
        json(&output)["diagnostics"],
        serde_json::json!([]),
        "{}",
        stdout(&output)
    );
}
