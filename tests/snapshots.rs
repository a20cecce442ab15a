//! Snapshots of what users see, where presentation *is* the behaviour: the human output (the
//! labels, notes and call chains that prove a violation) and the JSON report.

use std::path::PathBuf;

use codespan_reporting::term::termcolor::NoColor;
use idlint::driver;
use idlint::driver::Settings;
use idlint::report::{self, Report};

fn render(path: &str, json: bool) -> String {
    let checked =
        driver::check(&[PathBuf::from(path)], &Settings::default()).expect("fixture exists");
    let report = Report {
        db: &checked.db,
        diagnostics: &checked.diagnostics,
        skipped: &checked.skipped,
        files: checked.db.len(),
        functions: checked.functions,
        parsed: checked.parsed,
        from_cache: checked.from_cache,
    };
    if json {
        return report::json::render(&report);
    }
    let mut out = NoColor::new(Vec::new());
    report::human::write(&report, &mut out).expect("rendering to memory");
    String::from_utf8(out.into_inner()).expect("UTF-8 output")
}

#[test]
fn demo_human() {
    insta::assert_snapshot!(render("fixtures/demo-rust", false));
}

#[test]
fn demo_json() {
    insta::assert_snapshot!(render("fixtures/demo-rust", true));
}

#[test]
fn alias_twice_human() {
    insta::assert_snapshot!(render("fixtures/rust/alias-twice/two_helpers", false));
}

#[test]
fn identify_before_alias_human() {
    insta::assert_snapshot!(render(
        "fixtures/rust/identify-before-alias/client.rs",
        false
    ));
}

#[test]
fn distinct_id_not_persisted_human() {
    insta::assert_snapshot!(render(
        "fixtures/rust/distinct-id-not-persisted/helpers",
        false
    ));
}

#[test]
fn demo_web_human() {
    insta::assert_snapshot!(render("fixtures/demo-web", false));
}

#[test]
fn demo_python_human() {
    insta::assert_snapshot!(render("fixtures/demo-python", false));
}

/// Destructured parameters are shown by the names the code gives them (`user.email`), never
/// by the frontend's name for the parameter (`$param0.user.email`).
#[test]
fn destructured_names_human() {
    insta::assert_snapshot!(render(
        "fixtures/javascript/inconsistent-identity-key/destructured.jsx",
        false
    ));
}
