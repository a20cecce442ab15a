//! A rule's metadata: the TOML front matter of `rules/<id>.md`, typed. The doc is the only place
//! it is written; configuration, `idlint rules`, SARIF and the tests read it from here.

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::ir::Language;

/// Mixpanel's identity management modes (DOMAIN.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdManagement {
    /// No ID Merge: `alias` once at sign-up, `identify` at login, `reset` at logout.
    #[default]
    Classic,
    /// Original ID Merge: `reset` on every logout is discouraged.
    Original,
    /// Simplified ID Merge: `alias` does nothing.
    Simplified,
}

impl IdManagement {
    pub const ALL: [IdManagement; 3] = [
        IdManagement::Classic,
        IdManagement::Original,
        IdManagement::Simplified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdManagement::Classic => "classic",
            IdManagement::Original => "original",
            IdManagement::Simplified => "simplified",
        }
    }

    pub fn parse(text: &str) -> Option<IdManagement> {
        IdManagement::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Correctness,
    Suspicious,
    Style,
}

/// ruff's rule groups: new rules start in preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Preview,
    Stable,
    Deprecated,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleMeta {
    pub id: String,
    pub summary: String,
    /// The level when the configuration says nothing and the mode leaves the rule on.
    pub severity: Severity,
    pub category: Category,
    pub status: Status,
    pub since: String,
    /// The languages it has fixtures for (the fixture harness requires them).
    pub languages: Vec<Language>,
    /// The identity-management modes under which it is off unless `[rules]` names it.
    pub off_under: Vec<IdManagement>,
}

impl RuleMeta {
    /// Its level under `mode` when the configuration does not set one; `None`: off.
    pub fn default_severity(&self, mode: IdManagement) -> Option<Severity> {
        (!self.off_under.contains(&mode)).then_some(self.severity)
    }
}

/// The names front matter and fixture folders give languages.
pub const LANGUAGE_NAMES: [(&str, Language); 6] = [
    ("rust", Language::Rust),
    ("javascript", Language::JavaScript),
    ("typescript", Language::TypeScript),
    ("python", Language::Python),
    ("kotlin", Language::Kotlin),
    ("java", Language::Java),
];

pub fn language_named(name: &str) -> Option<Language> {
    LANGUAGE_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, language)| *language)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FrontMatter {
    id: String,
    summary: String,
    severity: String,
    category: Category,
    status: Status,
    since: String,
    languages: Vec<String>,
    #[serde(default)]
    off_under: Vec<IdManagement>,
}

/// Splits a doc into its front matter (between `+++` lines) and its body.
pub fn split(doc: &str) -> Option<(&str, &str)> {
    let rest = doc.strip_prefix("+++\n")?;
    let (front, body) = rest.split_once("\n+++\n")?;
    Some((front, body.trim_start()))
}

/// The metadata in a doc's front matter; the error says what is wrong with it.
pub fn parse(doc: &str) -> Result<RuleMeta, String> {
    let (front, _) = split(doc).ok_or("no front matter between `+++` lines")?;
    let raw: FrontMatter = toml::from_str(front).map_err(|e| e.message().to_owned())?;
    let severity = Severity::parse(&raw.severity)
        .ok_or_else(|| format!("`{}` is not a severity", raw.severity))?;
    let languages = raw
        .languages
        .iter()
        .map(|name| language_named(name).ok_or_else(|| format!("`{name}` is not a language")))
        .collect::<Result<_, _>>()?;
    Ok(RuleMeta {
        id: raw.id,
        summary: raw.summary,
        severity,
        category: raw.category,
        status: raw.status,
        since: raw.since,
        languages,
        off_under: raw.off_under,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RULES;

    #[test]
    fn every_rules_front_matter_parses_and_names_its_rule() {
        for rule in RULES {
            let meta = parse(rule.doc).unwrap_or_else(|e| panic!("rules/{}.md: {e}", rule.id));
            assert_eq!(meta.id, rule.id, "rules/{}.md: `id`", rule.id);
            assert!(
                !meta.languages.is_empty(),
                "rules/{}.md: no language",
                rule.id
            );
        }
    }

    #[test]
    fn a_mistake_in_front_matter_is_named() {
        let doc = |front: &str| format!("+++\n{front}\n+++\nbody");
        let base = "id = \"x\"\nsummary = \"s\"\ncategory = \"style\"\nstatus = \"stable\"\nsince = \"0.1.0\"";
        let bad_language = doc(&format!(
            "{base}\nseverity = \"error\"\nlanguages = [\"cobol\"]"
        ));
        assert_eq!(
            parse(&bad_language),
            Err("`cobol` is not a language".into())
        );
        let bad_mode = doc(&format!(
            "{base}\nseverity = \"error\"\nlanguages = [\"rust\"]\noff-under = [\"merged\"]"
        ));
        assert!(parse(&bad_mode).unwrap_err().contains("merged"));
        assert!(parse("no front matter").is_err());
    }

    #[test]
    fn modes_round_trip_through_their_names() {
        for mode in IdManagement::ALL {
            assert_eq!(IdManagement::parse(mode.as_str()), Some(mode));
        }
    }
}
