//! The registry and `rules/*.md` match one-to-one, and every doc has what `explain` promises.

use std::collections::BTreeSet;

use idlint::rules::RULES;

#[test]
fn every_rule_has_a_doc_file_and_every_doc_file_a_rule() {
    let files: BTreeSet<String> = std::fs::read_dir("rules")
        .expect("rules/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let registered: BTreeSet<String> = RULES.iter().map(|r| r.id.to_owned()).collect();
    assert_eq!(files, registered);
}

#[test]
fn every_doc_has_front_matter_and_the_required_sections() {
    for rule in RULES {
        let meta = idlint::rules::meta::parse(rule.doc)
            .unwrap_or_else(|e| panic!("rules/{}.md: {e}", rule.id));
        assert_eq!(meta.id, rule.id, "{}: front matter `id`", rule.id);
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
            "## Known limitations",
        ] {
            assert!(
                rule.body().contains(heading),
                "{}: doc lacks `{heading}`",
                rule.id
            );
        }
        let file = std::fs::read_to_string(format!("rules/{}.md", rule.id)).unwrap();
        assert_eq!(file, rule.doc, "{}: the embedded doc is stale", rule.id);
    }
}

#[test]
fn rule_ids_are_kebab_case_and_name_the_mistake() {
    for rule in RULES {
        assert!(
            rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            rule.id
        );
    }
}
