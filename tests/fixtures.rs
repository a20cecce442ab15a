//! The fixture harness: every case under `fixtures/<language>/<rule>/` (a file, or a folder
//! for a multi-file program) carries its expectations inline, semgrep-style:
//!
//! ```text
//! // ruleid: alias-twice     the next line is the primary site of an `alias-twice` diagnostic
//! // ok: alias-twice         the next line must not be one
//! // todoruleid: alias-twice a known miss: must not be one yet (the case fails once it is)
//! // todook: alias-twice     a known false alarm: must be one yet
//! ```
//!
//! A case fails on any missing or extra diagnostic of the rules it names.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use idlint::driver;
use idlint::driver::Settings;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expectation {
    rule: String,
    path: String,
    line: usize,
}

/// Fixture folders are named as front matter names languages (`fixtures/<language>/<rule>/`).
fn languages() -> impl Iterator<Item = &'static str> {
    idlint::rules::LANGUAGE_NAMES.iter().map(|(name, _)| *name)
}

fn cases() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for language in languages() {
        let root = Path::new("fixtures").join(language);
        // A language no rule claims yet has no folder; a claimed one is checked below.
        if !root.is_dir() {
            continue;
        }
        for rule_dir in sorted_entries(&root) {
            cases.extend(sorted_entries(&rule_dir));
        }
    }
    cases
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

fn source_files(case: &Path) -> Vec<PathBuf> {
    if case.is_file() {
        return vec![case.to_path_buf()];
    }
    let mut files = Vec::new();
    let mut stack = vec![case.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in sorted_entries(&dir) {
            if entry.is_dir() {
                stack.push(entry);
            } else if idlint::frontend::language_of(&entry).is_some() {
                files.push(entry);
            }
        }
    }
    files
}

/// `(ruleid expectations, ok expectations)` of a case.
fn annotations(case: &Path) -> (BTreeSet<Expectation>, BTreeSet<Expectation>) {
    let mut flagged = BTreeSet::new();
    let mut clean = BTreeSet::new();
    for file in source_files(case) {
        let text = std::fs::read_to_string(&file).expect("fixture is UTF-8");
        let path = file.to_string_lossy().replace('\\', "/");
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let comment = line.trim_start();
            let Some(comment) = comment
                .strip_prefix("//")
                .or_else(|| comment.strip_prefix('#'))
            else {
                continue;
            };
            // `// ok: rule (why)`: the parenthesised reason is for readers.
            let comment = comment.trim().split(" (").next().unwrap_or_default();
            let (set, rules) = if let Some(rules) = comment.strip_prefix("ruleid:") {
                (&mut flagged, rules)
            } else if let Some(rules) = comment.strip_prefix("ok:") {
                (&mut clean, rules)
            } else if let Some(rules) = comment.strip_prefix("todoruleid:") {
                // A known miss: not reported today, and the case fails once it is, to be promoted.
                (&mut clean, rules)
            } else if let Some(rules) = comment.strip_prefix("todook:") {
                (&mut flagged, rules)
            } else {
                continue;
            };
            // The expectation is for the next line that is not itself an annotation comment.
            let target = (index + 1..lines.len())
                .find(|&i| {
                    let t = lines[i].trim_start();
                    let t = t.trim_start_matches(['/', '#']).trim_start();
                    !["ruleid:", "ok:", "todoruleid:", "todook:"]
                        .iter()
                        .any(|marker| t.starts_with(marker))
                })
                .unwrap_or(index + 1);
            for rule in rules.split(',') {
                set.insert(Expectation {
                    rule: rule.trim().to_owned(),
                    path: path.clone(),
                    line: target + 1,
                });
            }
        }
    }
    (flagged, clean)
}

fn check_case(case: &Path) -> Result<(), String> {
    let (expected, clean) = annotations(case);
    if expected.is_empty() && clean.is_empty() {
        return Err(format!(
            "{}: no `ruleid:` or `ok:` annotation",
            case.display()
        ));
    }
    let folder_rule = case
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rules: BTreeSet<String> = expected
        .iter()
        .chain(&clean)
        .map(|e| e.rule.clone())
        .chain(std::iter::once(folder_rule))
        .collect();
    let checked = driver::check(&[case.to_path_buf()], &Settings::default())
        .map_err(|e| format!("{}: check failed: {e:?}", case.display()))?;
    let actual: BTreeSet<Expectation> = checked
        .diagnostics
        .iter()
        .filter(|d| rules.contains(d.rule))
        .map(|d| {
            let file = checked.db.get(d.primary.span.file);
            Expectation {
                rule: d.rule.to_owned(),
                path: file.name.clone(),
                line: file.line_column(d.primary.span.start as usize).0,
            }
        })
        .collect();
    let mut problems = Vec::new();
    for missing in expected.difference(&actual) {
        problems.push(format!(
            "Missing {}:{} {}",
            missing.path, missing.line, missing.rule
        ));
    }
    for noisy in actual.difference(&expected) {
        let marked_ok = clean.contains(noisy);
        problems.push(format!(
            "Noisy {}:{} {}{}",
            noisy.path,
            noisy.line,
            noisy.rule,
            if marked_ok { " (marked `ok`)" } else { "" }
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn every_fixture_matches_its_annotations() {
    let cases = cases();
    assert!(!cases.is_empty(), "no fixtures found");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check_case(case).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The demo crate of the README reports exactly its known violations.
#[test]
fn demo_reports_exactly_its_known_violations() {
    for demo in [
        "fixtures/demo-rust",
        "fixtures/demo-web",
        "fixtures/demo-python",
        "fixtures/demo-ios",
        "fixtures/demo-android",
    ] {
        if let Err(failure) = check_case(Path::new(demo)) {
            panic!("{demo}:\n{failure}");
        }
    }
}

#[test]
fn every_rule_has_flagged_and_clean_cases_per_language() {
    for language in languages() {
        for rule in idlint::rules::RULES {
            let typed = idlint::rules::language_named(language).expect("a language");
            if !rule.meta().languages.contains(&typed) {
                continue;
            }
            let dir = Path::new("fixtures").join(language).join(rule.id);
            let (mut flagged, mut clean) = (0, 0);
            for case in sorted_entries(&dir) {
                let (f, c) = annotations(&case);
                flagged += f.iter().filter(|e| e.rule == rule.id).count();
                clean += c.iter().filter(|e| e.rule == rule.id).count();
            }
            assert!(flagged > 0, "{language}/{}: no `ruleid` case", rule.id);
            assert!(clean > 0, "{language}/{}: no `ok` case", rule.id);
        }
    }
}
