//! Demand-driven parsing gives the findings that parsing everything gives: on every fixture,
//! the demos, and a generated project where most files cannot matter.

mod common;

use common::{idlint, json, write};

/// The findings of a run (everything but notes, which only files that cannot matter have).
fn findings(args: &[&str]) -> (Vec<serde_json::Value>, u64) {
    let output = idlint(args);
    let report = json(&output);
    let diagnostics = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "note")
        .cloned()
        .collect();
    (diagnostics, report["summary"]["parsed"].as_u64().unwrap())
}

fn assert_same_findings(path: &str) -> (u64, u64) {
    let (demand, parsed_on_demand) = findings(&["check", "--format", "json", path]);
    let (all, parsed_all) = findings(&["check", "--parse-all", "--format", "json", path]);
    assert_eq!(
        demand, all,
        "{path}: demand-driven parsing changed the findings"
    );
    (parsed_on_demand, parsed_all)
}

#[test]
fn every_fixture_and_demo_gets_the_same_findings_either_way() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for language in std::fs::read_dir(&root).unwrap() {
        let language = language.unwrap().path();
        if language
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("demo-")
        {
            cases.push(language);
            continue;
        }
        if !language.is_dir() {
            continue;
        }
        for rule in std::fs::read_dir(&language).unwrap() {
            cases.push(rule.unwrap().path());
        }
    }
    assert!(cases.len() > 40, "{cases:?}");
    for case in cases {
        assert_same_findings(case.to_str().unwrap());
    }
}

/// A project where a wrapper chain crosses files that never name the SDK: every file on the
/// chain is found, files off it are not parsed, and the findings are the same.
#[test]
fn wrappers_are_followed_across_files_that_never_name_the_sdk() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "package.json",
        r#"{"dependencies": {"mixpanel-browser": "^2.55.0"}}"#,
    );
    write(
        dir.path(),
        "src/track.js",
        "import mixpanel from 'mixpanel-browser';\nexport function link(id) { mixpanel.alias(id); }\n",
    );
    write(
        dir.path(),
        "src/account.js",
        "import { link } from './track';\nexport function linkAccount(user) { link(user.id); }\n",
    );
    write(
        dir.path(),
        "src/signup.js",
        "import { linkAccount } from './account';\nimport { makeId } from './ids';\nexport function signup(user) {\n  linkAccount(user);\n  user.ref = makeId();\n  linkAccount(user);\n}\n",
    );
    write(
        dir.path(),
        "src/ids.js",
        "export function makeId() { return crypto.randomUUID(); }\n",
    );
    for i in 0..30 {
        write(
            dir.path(),
            &format!("src/util{i}.js"),
            &format!("export function add{i}(a, b) {{ return a + b; }}\n"),
        );
    }
    let path = dir.path().to_str().unwrap();
    let (parsed, parsed_all) = assert_same_findings(path);
    assert_eq!(parsed_all, 34);
    assert_eq!(
        parsed, 3,
        "track, account and signup; not ids: what makeId returns is sent to no identity call"
    );
    let (diagnostics, _) = findings(&["check", "--format", "json", path]);
    let rules: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["alias-twice"]);
}

/// Where a function's ids come from is asked once every name that matters is known, whatever
/// order the functions are found in: `signup` makes an identity call itself, so it is read
/// before `helper` is known to lead to one (its file sorts first); the id it hands `helper`
/// still comes from `makeId`, whose file must be read to see the id is fresh and never kept.
#[test]
fn the_origin_of_an_id_is_found_whatever_order_functions_are_read_in() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "package.json",
        r#"{"dependencies": {"mixpanel": "^0.18.0"}}"#,
    );
    write(
        dir.path(),
        "src/a_track.js",
        "const Mixpanel = require('mixpanel');
const mixpanel = Mixpanel.init('token');
\
         export function link(id) {\n  mixpanel.track('linked', { distinct_id: id });\n}\n",
    );
    write(
        dir.path(),
        "src/b_signup.js",
        "const Mixpanel = require('mixpanel');
const mixpanel = Mixpanel.init('token');
\
         import { link } from './a_track';
import { makeId } from './c_ids';
\
         function helper(id) {\n  link(id);\n}\n\
         export function signup(user) {\n  mixpanel.track('signed up', { distinct_id: user.id });\n\
         \x20 const id = makeId();\n  helper(id);\n}\n",
    );
    write(
        dir.path(),
        "src/c_ids.js",
        "export function makeId() { return crypto.randomUUID(); }\n",
    );
    let path = dir.path().to_str().unwrap();
    let (parsed, _) = assert_same_findings(path);
    assert_eq!(
        parsed, 3,
        "c_ids.js is read: makeId's result reaches an identity call"
    );
    let (diagnostics, _) = findings(&["check", "--format", "json", path]);
    let rules: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["distinct-id-not-persisted"]);
}
