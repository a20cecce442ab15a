//! End-to-end behaviour of the binary: exit codes, formats, bad input, scale.

mod common;

use common::{idlint, json, stderr, stdout, write};

const DOUBLE_ALIAS: &str = "use mixpanel_rs::Mixpanel;\n\
pub async fn signup(mp: &Mixpanel, anon: &str, id: &str) {\n\
    mp.alias(anon, id).await.ok();\n\
    mp.alias(anon, id).await.ok();\n\
}\n";

const CLEAN: &str = "use mixpanel_rs::Mixpanel;\n\
pub async fn signup(mp: &Mixpanel, anon: &str, id: &str) {\n\
    mp.alias(anon, id).await.ok();\n\
}\n";

#[test]
fn exit_code_is_zero_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", CLEAN);
    let output = idlint(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("No problems found in 1 file."));
}

#[test]
fn exit_code_is_one_with_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", DOUBLE_ALIAS);
    let output = idlint(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("error[alias-twice]"), "{text}");
    assert!(text.contains("Found 1 problem in 1 file."), "{text}");
}

/// A value used after an unconditional exit, in each language: these panicked (exit 101).
#[test]
fn code_after_an_unconditional_exit_is_checked_without_a_crash() {
    let cases = [
        ("g.js", "function g(x){ return; k(x); }\n"),
        ("f.py", "def f(a):\n    raise E()\n    g(a)\n"),
        ("g.rs", "fn g(u: &str) { return; k(u); }\n"),
        (
            "h.js",
            "function h(x){ try { return f() } finally { g(x) } }\n",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in cases {
        write(dir.path(), name, text);
        let output = idlint(&["check", dir.path().join(name).to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}:\n{}{}",
            stdout(&output),
            stderr(&output)
        );
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    }
}

#[test]
fn exit_code_is_two_for_a_missing_path_or_bad_usage() {
    let output = idlint(&["check", "does/not/exist"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("does/not/exist: no such file or directory")
    );
    assert_eq!(idlint(&["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(idlint(&["no-such-command"]).status.code(), Some(2));
    let explain = idlint(&["explain", "no-such-rule"]);
    assert_eq!(explain.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&explain.stderr).contains("alias-twice"));
}

#[test]
fn rules_lists_every_rule_and_explain_prints_its_doc() {
    let listed = stdout(&idlint(&["rules"]));
    for rule in idlint::rules::RULES {
        assert!(
            listed.contains(rule.id),
            "{} missing from `idlint rules`",
            rule.id
        );
        let explained = idlint(&["explain", rule.id]);
        assert_eq!(explained.status.code(), Some(0));
        let text = stdout(&explained);
        assert!(
            text.contains("## What it does") && text.contains("## Why is this bad?"),
            "{text}"
        );
        assert!(!text.contains("+++"), "front matter leaked into `explain`");
    }
}

#[test]
fn json_output_follows_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", DOUBLE_ALIAS);
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["version"], 1);
    let diagnostic = &json["diagnostics"][0];
    assert_eq!(diagnostic["rule"], "alias-twice");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["line"], 4);
    assert_eq!(diagnostic["column"], 4);
    assert_eq!(diagnostic["end_line"], 4);
    assert_eq!(diagnostic["related"][0]["line"], 3);
    assert_eq!(diagnostic["related"][0]["message"], "first `alias` here");
    assert_eq!(
        diagnostic["related"].as_array().unwrap().len(),
        1,
        "no call labels when both sites are in `signup`"
    );
    assert_eq!(diagnostic["call_chain"][0]["function"], "signup");
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["functions"], 1);
    assert_eq!(json["summary"]["diagnostics"], 1);
    assert_eq!(json["summary"]["skipped"], serde_json::json!([]));
}

#[test]
fn a_file_that_does_not_parse_is_reported_and_the_rest_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", DOUBLE_ALIAS);
    // It names the tracker, so it can matter: its syntax error is an error.
    write(
        dir.path(),
        "src/broken.rs",
        "pub fn broken(mp: &Mixpanel {\n",
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["parse-error", "alias-twice"]);
    let parse_error = &json["diagnostics"][0];
    assert!(parse_error["path"].as_str().unwrap().ends_with("broken.rs"));
    assert_eq!(
        parse_error["line"], 1,
        "syn's location of the unclosed delimiter"
    );
}

#[test]
fn a_non_utf8_file_is_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", CLEAN);
    std::fs::write(dir.path().join("src/latin1.rs"), b"// caf\xe9\nfn f() {}\n").unwrap();
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "an unanalysed file must not pass silently"
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let skipped = &json["summary"]["skipped"][0];
    assert!(skipped["path"].as_str().unwrap().ends_with("latin1.rs"));
    assert!(
        skipped["reason"]
            .as_str()
            .unwrap()
            .contains("not valid UTF-8")
    );
    assert_eq!(json["summary"]["files"], 1);
}

#[test]
fn deeply_nested_input_is_reported_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 100_000;
    let text = format!(
        "fn f(mp: &Mixpanel) {{ let x = {}1{}; }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    write(dir.path(), "src/deep.rs", &text);
    write(dir.path(), "src/lib.rs", DOUBLE_ALIAS);
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("nest 100001 deep")),
        "{messages:?}"
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "alias-twice")
    );
}

#[test]
fn nesting_within_the_limit_parses() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 200;
    let text = format!(
        "fn f(mp: &Mixpanel) {{ let x = {}1{}; }}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    write(dir.path(), "src/lib.rs", &text);
    let output = idlint(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

/// 64 sequential `if`s that each call an aliasing helper: 2^64 paths, one summary each.
#[test]
fn two_to_the_sixty_four_paths_are_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "use mixpanel_rs::Mixpanel;\nasync fn link(mp: &Mixpanel, a: &str, b: &str) { mp.alias(a, b).await.ok(); }\npub async fn many(mp: &Mixpanel, f: &[bool], a: &str, b: &str) {\n",
    );
    for i in 0..64 {
        text.push_str(&format!("    if f[{i}] {{ link(mp, a, b).await; }}\n"));
    }
    text.push_str("}\n");
    write(dir.path(), "src/lib.rs", &text);
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(
        diagnostics.len(),
        1,
        "one primary site, reported once: {diagnostics:#?}"
    );
    assert_eq!(diagnostics[0]["line"], 2);
    assert_eq!(diagnostics[0]["call_chain"][0]["function"], "many");
}

/// A 10,000-deep call chain down to an alias, called twice at the top.
#[test]
fn a_ten_thousand_deep_call_chain_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 10_000;
    let mut text = String::from("use mixpanel_rs::Mixpanel;\n");
    text.push_str("pub async fn top(mp: &Mixpanel, id: &str) { f0(mp, id); f0(mp, id); }\n");
    for i in 0..depth - 1 {
        text.push_str(&format!(
            "fn f{i}(mp: &Mixpanel, id: &str) {{ f{}(mp, id); }}\n",
            i + 1
        ));
    }
    text.push_str(&format!(
        "fn f{}(mp: &Mixpanel, id: &str) {{ mp.alias(ANON, id); }}\n",
        depth - 1
    ));
    write(dir.path(), "src/lib.rs", &text);
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0]["call_chain"].as_array().unwrap().len(),
        depth + 1
    );
    assert_eq!(json["summary"]["functions"], depth + 1);
}

/// Recursion in the call graph terminates and is reported once.
#[test]
fn mutual_recursion_terminates() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/lib.rs",
        "use mixpanel_rs::Mixpanel;\n\
         pub fn ping(mp: &Mixpanel, id: &str, n: u32) { mp.alias(\"a\", id); if n > 0 { pong(mp, id, n - 1); } }\n\
         fn pong(mp: &Mixpanel, id: &str, n: u32) { if n > 0 { ping(mp, id, n - 1); } }\n",
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let lines: Vec<i64> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_i64().unwrap())
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| *l == 2),
        "{lines:?}"
    );
}

/// The iOS demo: its three known mistakes, each in Swift, and exit code 1.
#[test]
fn the_ios_demo_reports_its_known_mistakes() {
    let output = idlint(&["check", "--format", "json", "fixtures/demo-ios"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with(".swift"))
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            "alias-twice",
            "distinct-id-not-persisted",
            "logout-without-reset"
        ]
    );
    assert_eq!(json["summary"]["diagnostics"], 3);
}

/// The Android demo: its six known mistakes, in Kotlin screens and a Java wrapper, and exit
/// code 1.
#[test]
fn the_android_demo_reports_its_known_mistakes() {
    let output = idlint(&["check", "--format", "json", "fixtures/demo-android"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(&str, &str, i64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap();
            (
                d["rule"].as_str().unwrap(),
                file,
                d["line"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("alias-on-login", "Tracker.java", 17),
            ("identify-before-alias", "Tracker.java", 17),
            ("alias-arguments-swapped", "Tracker.java", 28),
            ("alias-to-self", "Tracker.java", 34),
            ("distinct-id-not-persisted", "BrowseViewModel.kt", 17),
            ("logout-without-reset", "SettingsActivity.kt", 23),
        ]
    );
    assert_eq!(json["summary"]["diagnostics"], 6);
}

/// Rust and TypeScript in one run: one report, one exit code.
#[test]
fn a_mixed_tree_is_analysed_in_one_run() {
    let output = idlint(&[
        "check",
        "--format",
        "json",
        "fixtures/demo-rust",
        "fixtures/demo-web",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 12, "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with(".rs"))
            && paths.iter().any(|p| p.ends_with(".js"))
            && paths.iter().any(|p| p.ends_with(".ts"))
    );
}

/// tree-sitter recovers from syntax errors: the parts that parse still produce findings.
#[test]
fn a_script_with_syntax_errors_still_yields_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.js",
        "import mixpanel from 'mixpanel-browser';\n\
         function broken( {\n\
         export function signup(user) {\n\
           mixpanel.alias(user.id);\n\
           mixpanel.alias(user.id);\n\
         }\n",
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"parse-error"), "{rules:?}");
    assert!(rules.contains(&"alias-twice"), "{rules:?}");
}

/// Bundles, build output and files shaped like minified code are left out with a note, which
/// does not fail the run; one long line in a hand-written file is not enough, a file named on
/// the command line is always analysed, and `--no-skip-minified` opts back in.
#[test]
fn minified_files_and_build_output_are_left_out_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let double =
        "import mixpanel from 'mixpanel-browser';\nmixpanel.alias('a');\nmixpanel.alias('a');\n";
    write(dir.path(), "app.min.js", double);
    write(dir.path(), "dist/app.js", double);
    let bundle = format!(
        "{}{}",
        "var a=b(c,d);".repeat(400),
        double.replace('\n', "")
    );
    write(dir.path(), "bundle.js", &bundle);
    write(dir.path(), "src/index.js", "export const ok = 1;\n");
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reasons: Vec<&str> = json["summary"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons.iter().all(|r| r.starts_with("left out by default")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("shaped like minified code")),
        "{reasons:?}"
    );
    assert!(stdout(&idlint(&["check", dir.path().to_str().unwrap()])).contains("note: skipped"));

    // Named, or with --no-skip-minified, the bundle is analysed.
    let named = dir.path().join("bundle.js");
    let output = idlint(&["check", "--format", "json", named.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let output = idlint(&[
        "check",
        "--no-skip-minified",
        "--format",
        "short",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        stdout(&output).contains("bundle.js:1:"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("app.min.js:3:"),
        "{}",
        stdout(&output)
    );
}

/// A hand-written file with one very long line (an embedded logo) is analysed like any other.
#[test]
fn one_long_line_does_not_make_a_file_minified() {
    let dir = tempfile::tempdir().unwrap();
    let logo = "QUJD".repeat(20_000);
    write(
        dir.path(),
        "src/app.js",
        &format!(
            "import mixpanel from 'mixpanel-browser';\nconst logo = '{logo}';\n\nexport function signup(user) {{\n  mixpanel.alias(user.id);\n  mixpanel.alias(user.id);\n}}\n"
        ),
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    let json = json(&output);
    assert_eq!(json["summary"]["skipped"], serde_json::json!([]));
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["alias-twice"]);
}

/// Python syntax errors: a `parse-error`, and the rest of the file still analysed.
#[test]
fn a_python_file_with_syntax_errors_still_yields_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        "from mixpanel import Mixpanel\nmp = Mixpanel('t')\n\ndef broken(:\n    pass\n\ndef signup(user):\n    mp.alias(user.id, user.anon)\n    mp.alias(user.id, user.anon)\n",
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, i64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["line"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(found.contains(&("parse-error".to_owned(), 4)), "{found:?}");
    assert!(found.contains(&("alias-twice".to_owned(), 9)), "{found:?}");
}

/// A file over the size limit is skipped with its size, and the rest is analysed.
#[test]
fn a_huge_file_is_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/lib.rs", DOUBLE_ALIAS);
    let line = "// padding padding padding padding padding padding padding padding padding\n";
    let huge = line.repeat((idlint::driver::MAX_FILE_BYTES as usize) / line.len() + 1);
    write(dir.path(), "src/generated.rs", &huge);
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let skipped = &json["summary"]["skipped"][0];
    assert!(skipped["path"].as_str().unwrap().ends_with("generated.rs"));
    assert!(
        skipped["reason"]
            .as_str()
            .unwrap()
            .contains("larger than the 8388608-byte limit"),
        "{skipped}"
    );
    assert_eq!(json["diagnostics"][0]["rule"], "alias-twice");
}

/// Objective-C macros idlint cannot expand: a React Native bridge that only declares its
/// methods to the bridge (`RCT_EXTERN_MODULE`/`RCT_EXTERN_METHOD`, no code in their
/// arguments) is read as the declarations it stands for, with no `parse-error`, even though
/// its name and the selectors it declares are identity names; a macro-defined method's body
/// is analysed; a macro whose arguments hold a message send is not guessed at, and its file
/// keeps its error.
#[test]
fn objective_c_bridge_macros_are_read_as_what_they_declare() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ios/MixpanelBridge.m",
        "#import <React/RCTBridgeModule.h>\n\
         @interface RCT_EXTERN_MODULE(MixpanelBridge, NSObject)\n\
         RCT_EXTERN_METHOD(identify:(NSString *)token distinctId:(NSString *)distinctId)\n\
         RCT_EXTERN_METHOD(alias:(NSString *)token alias:(NSString *)alias)\n\
         @end\n",
    );
    // The SDK's own sources, installed by CocoaPods, are dependencies, not the app.
    write(
        dir.path(),
        "Pods/Mixpanel/Sources/MixpanelPrivate.h",
        "#if A\n@interface Mixpanel ()\n#else\n@interface Mixpanel () <P>\n#endif\n@end\n",
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["diagnostics"], 0);
    let skipped = report["summary"]["skipped"][0]["reason"].as_str().unwrap();
    assert!(skipped.contains("CocoaPods"), "{skipped}");

    write(
        dir.path(),
        "ios/Exported.m",
        "#import <Mixpanel/Mixpanel.h>\n\
         @implementation Exported\n\
         RCT_EXPORT_METHOD(signUp:(NSString *)email)\n\
         {\n\
         \x20   [[Mixpanel sharedInstance] identify:email];\n\
         \x20   [[Mixpanel sharedInstance] createAlias:email forDistinctID:[Mixpanel sharedInstance].distinctId];\n\
         }\n\
         @end\n",
    );
    write(
        dir.path(),
        "ios/Guessing.m",
        "#import <Mixpanel/Mixpanel.h>\n\
         @implementation Guessing\n\
         RUN_LATER([[Mixpanel sharedInstance] reset])\n\
         @end\n",
    );
    let output = idlint(&["check", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let found: Vec<(String, String)> = json(&output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap().to_owned();
            (file, d["rule"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Exported.m".to_owned(), "identify-before-alias".to_owned()),
            ("Guessing.m".to_owned(), "parse-error".to_owned()),
        ]
    );
}
