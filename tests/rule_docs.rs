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
        let meta = idlint::rules::parse_meta(rule.doc)
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

/// The rows of README's rule table: `(id, link target, default level)`.
fn readme_rule_rows(readme: &str) -> Vec<(String, String, String)> {
    let table = readme
        .split_once("\n## Rules\n")
        .expect("README has a Rules section")
        .1;
    table
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let (name, default) = (cells[1], cells[2]);
            let id = name.split('`').nth(1).expect("the id in backticks");
            let link = name
                .split_once("](")
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .expect("a link to the rule's doc");
            (id.to_owned(), link.to_owned(), default.to_owned())
        })
        .collect()
}

/// What the table's "default" column says of a rule: its level in the classic mode, and where
/// it is off by default, the modes that turn it on.
fn default_cell(meta: &idlint::rules::RuleMeta) -> String {
    use idlint::rules::IdManagement;
    let severity = meta.severity.as_str();
    match meta.default_severity(IdManagement::Classic) {
        Some(_) => severity.to_owned(),
        None => {
            let on: Vec<String> = IdManagement::ALL
                .iter()
                .filter(|m| meta.default_severity(**m).is_some())
                .map(|m| format!("`id-management = \"{}\"`", m.as_str()))
                .collect();
            format!("off ({severity} under {})", on.join(", "))
        }
    }
}

#[test]
fn the_readme_rule_table_matches_the_rules_metadata() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let rows = readme_rule_rows(&readme);
    let listed: BTreeSet<&str> = rows.iter().map(|(id, ..)| id.as_str()).collect();
    let registered: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(listed, registered, "README rule table");
    for (id, link, default) in &rows {
        let rule = idlint::rules::find(id).unwrap();
        assert_eq!(link, &format!("rules/{id}.md"), "{id}: link");
        assert_eq!(default, &default_cell(rule.meta()), "{id}: default level");
    }
}

/// README's paragraph on identity-management modes names, per mode, every rule whose level the
/// mode changes from the classic one.
#[test]
fn the_readme_names_the_rules_each_mode_switches() {
    use idlint::rules::IdManagement;
    let readme = std::fs::read_to_string("README.md").unwrap();
    let paragraph: String = readme
        .split("\n\n")
        .find(|p| p.starts_with("**Identity-management modes.**"))
        .expect("README explains the modes")
        .replace('\n', " ");
    for mode in IdManagement::ALL
        .into_iter()
        .filter(|m| *m != IdManagement::Classic)
    {
        let marker = format!("`\"{}\"`", mode.as_str());
        let clause = paragraph
            .split_once(&marker)
            .map(|(_, rest)| rest.split([';']).next().unwrap_or_default())
            .map(|clause| clause.split(". ").next().unwrap_or_default())
            .unwrap_or_else(|| panic!("README does not say what {marker} does"));
        let named: BTreeSet<&str> = clause
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|word| idlint::rules::find(word).is_some())
            .collect();
        let switched: BTreeSet<&str> = RULES
            .iter()
            .filter(|r| {
                r.meta().default_severity(mode).is_some()
                    != r.meta().default_severity(IdManagement::Classic).is_some()
            })
            .map(|r| r.id)
            .collect();
        assert_eq!(named, switched, "the rules README says {marker} switches");
    }
}
