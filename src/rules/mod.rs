//! The rules: one file each, registered in [`RULES`], documented in `rules/<id>.md`.
//!
//! Rules see only the [`Program`] (IR, call graph, analyses) and return [`Diagnostic`]s.

/// `pub const RULE`, documented in `rules/<id>.md`: the id is written once.
macro_rules! declare_rule {
    ($id:literal, $check:expr, $automaton:expr) => {
        pub const RULE: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")),
            check: $check,
            automaton: $automaton,
        };
    };
}

mod alias_arguments_swapped;
mod alias_has_no_effect;
mod alias_on_login;
mod alias_to_self;
mod alias_twice;
mod constant_distinct_id;
mod distinct_id_not_persisted;
mod identify_before_alias;
mod identify_with_object;
mod inconsistent_identity_key;
mod logout_without_reset;
mod missing_distinct_id;
mod persistence_disabled;
mod profile_before_identify;

use crate::analysis::witness::Site;
use crate::analysis::{Automaton, Program};
use crate::callgraph::FnId;
use crate::diagnostic::{ChainStep, Diagnostic, Severity};
use crate::ir::Language;
use crate::source::SourceDb;
use serde::Deserialize;

pub struct Rule {
    pub id: &'static str,
    /// `rules/<id>.md`: TOML front matter between `+++` lines, then the user documentation.
    pub doc: &'static str,
    pub check: fn(&Program) -> Vec<Diagnostic>,
    /// The automaton of a path rule, run by [`crate::analysis::paths`].
    pub automaton: Option<Automaton>,
}

/// Every rule, in the order `idlint rules` lists them.
pub const RULES: &[Rule] = &[
    alias_twice::RULE,
    identify_before_alias::RULE,
    distinct_id_not_persisted::RULE,
    profile_before_identify::RULE,
    alias_to_self::RULE,
    persistence_disabled::RULE,
    missing_distinct_id::RULE,
    alias_arguments_swapped::RULE,
    alias_on_login::RULE,
    logout_without_reset::RULE,
    alias_has_no_effect::RULE,
    constant_distinct_id::RULE,
    identify_with_object::RULE,
    inconsistent_identity_key::RULE,
];

/// The automata of the path rules, for tests that check the engine against brute force.
pub fn path_automata() -> Vec<Automaton> {
    RULES.iter().filter_map(|rule| rule.automaton).collect()
}

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

/// The metadata of every rule, in the order of [`RULES`], parsed once from the front matter.
/// A unit test parses every doc, so a broken one never ships.
static META: std::sync::LazyLock<Vec<RuleMeta>> = std::sync::LazyLock::new(|| {
    RULES
        .iter()
        .map(|rule| parse_meta(rule.doc).unwrap_or_else(|e| panic!("rules/{}.md: {e}", rule.id)))
        .collect()
});

impl Rule {
    pub fn meta(&self) -> &'static RuleMeta {
        let index = RULES
            .iter()
            .position(|rule| rule.id == self.id)
            .expect("every rule is registered in RULES");
        &META[index]
    }

    pub fn summary(&self) -> &'static str {
        &self.meta().summary
    }

    pub fn severity(&self) -> Severity {
        self.meta().severity
    }

    /// The documentation without its front matter.
    pub fn body(&self) -> &'static str {
        split_front_matter(self.doc).map_or(self.doc, |(_, body)| body)
    }
}

/// Every rule over the program, in parallel; a rule that panics yields an `internal-error`
/// diagnostic instead of its findings, and the others still report.
pub fn check_all(program: &Program) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    RULES
        .par_iter()
        .flat_map_iter(|rule| {
            crate::isolate::isolate(|| {
                crate::isolate::inject_panic("rule", rule.id);
                crate::timing::phase(rule.id, || (rule.check)(program))
            })
            .unwrap_or_else(|panic| {
                let span = panic.span().unwrap_or_else(|| start_of_first_file(program));
                vec![Diagnostic::internal_error(
                    span,
                    &format!("running the rule `{}`", rule.id),
                    &panic,
                )]
            })
        })
        .collect()
}

/// Where to show a problem that has no place of its own.
fn start_of_first_file(program: &Program) -> crate::ir::Span {
    let file = program
        .modules
        .first()
        .map_or(crate::ir::FileId(0), |m| m.file);
    crate::ir::Span {
        file,
        start: 0,
        end: 0,
    }
}

/// The call chain from `from` down to a site: each caller at its call, then the site itself.
fn chain_steps(program: &Program, from: FnId, site: &Site) -> Vec<ChainStep> {
    let mut steps: Vec<ChainStep> = site
        .chain
        .iter()
        .map(|link| ChainStep {
            function: display_name(program, link.caller),
            span: link.span,
        })
        .collect();
    steps.push(ChainStep {
        function: display_name(program, site.event.function),
        span: site.event.span,
    });
    if site.chain.is_empty() && site.event.function != from {
        steps.insert(
            0,
            ChainStep {
                function: display_name(program, from),
                span: site.event.span,
            },
        );
    }
    steps
}

/// `signup` → `link_user` → `alias`: how a site is reached, for notes.
fn describe_chain(program: &Program, from: FnId, site: &Site) -> String {
    let mut names: Vec<String> = vec![format!("`{}`", display_name(program, from))];
    for link in site.chain.iter().skip(1) {
        names.push(format!("`{}`", display_name(program, link.caller)));
    }
    if !site.chain.is_empty() {
        names.push(format!("`{}`", display_name(program, site.event.function)));
    }
    names.push(format!("`{}`", site.event.method));
    names.join(" → ")
}

/// `Type::method` for methods, the plain name otherwise.
pub fn display_name(program: &Program, id: FnId) -> String {
    let function = program.function(id);
    match &function.owner {
        Some(owner) => format!("{owner}::{}", function.name),
        None => function.name.clone(),
    }
}

/// Sorts diagnostics by file, position and rule: output never depends on thread timing.
pub fn sort(diagnostics: &mut [Diagnostic], db: &SourceDb) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                db.get(d.primary.span.file).name.clone(),
                d.primary.span.start,
                d.rule,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// Words a path rule uses for its two sites.
struct PathWording {
    message: &'static str,
    /// The violating event, e.g. "second `alias`".
    primary: &'static str,
    /// The event that set the state up, e.g. "first `alias`".
    secondary: &'static str,
}

/// The diagnostics of a path rule: one per function and pair of sites. The engine reports
/// every call through which a violation arises (the oracle checks that); users need each pair of
/// sites once — 64 branches that each call an aliasing helper are one mistake, not 63.
fn path_diagnostics(
    program: &Program,
    rule: &Rule,
    automaton: &Automaton,
    wording: &PathWording,
) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    program
        .path_violations(automaton)
        .iter()
        .filter(|v| {
            seen.insert((
                v.function,
                v.primary.event.span,
                v.secondary.as_ref().map(|s| s.event.span),
            ))
        })
        .map(|violation| path_diagnostic(program, rule, violation, wording))
        .collect()
}

/// Builds the diagnostic of a path violation: labels on both sites and on the calls of the
/// reporting function that lead to them, notes with each call chain.
fn path_diagnostic(
    program: &Program,
    rule: &Rule,
    violation: &crate::analysis::PathViolation,
    wording: &PathWording,
) -> Diagnostic {
    let primary = &violation.primary;
    let mut diagnostic = Diagnostic::new(
        rule.id,
        rule.severity(),
        primary.event.span,
        wording.message,
    )
    .with_primary_label(format!("{} here", wording.primary))
    .with_call_chain(chain_steps(program, violation.function, primary));
    let mut notes = Vec::new();
    // One call reached twice (a function the framework runs again): its chain, once.
    let same_site = violation.secondary.as_ref() == Some(primary);
    if let Some(secondary) = violation.secondary.as_ref().filter(|_| !same_site) {
        if secondary.event.span != primary.event.span {
            diagnostic = diagnostic
                .with_secondary(secondary.event.span, format!("{} here", wording.secondary));
        }
        if let Some(call) = secondary.chain.first() {
            diagnostic = diagnostic.with_secondary(
                call.span,
                format!("{} is reached through this call", wording.secondary),
            );
        }
        notes.push(format!(
            "{}: {}",
            wording.secondary,
            describe_chain(program, violation.function, secondary)
        ));
    }
    if let Some(call) = primary.chain.first() {
        diagnostic = diagnostic.with_secondary(
            call.span,
            format!("{} is reached through this call", wording.primary),
        );
    }
    if same_site {
        notes.push(format!(
            "{} and {}: the same call, {}",
            wording.secondary,
            wording.primary,
            describe_chain(program, violation.function, primary)
        ));
    } else {
        notes.push(format!(
            "{}: {}",
            wording.primary,
            describe_chain(program, violation.function, primary)
        ));
    }
    notes.extend(repeating_functions_note(program, violation));
    notes.into_iter().fold(diagnostic, Diagnostic::with_note)
}

/// Why the path runs twice when it goes through a function the framework runs again and
/// again: the reporting function or one on the way down to the primary site.
fn repeating_functions_note(
    program: &Program,
    violation: &crate::analysis::PathViolation,
) -> Option<String> {
    let primary = &violation.primary;
    let on_path = std::iter::once(violation.function)
        .chain(primary.chain.iter().map(|link| link.caller))
        .chain(std::iter::once(primary.event.function));
    on_path
        .filter_map(|id| {
            program.repeats(id).map(|why| {
                format!(
                    "`{}` runs again for the same user: {why}",
                    program.function(id).name
                )
            })
        })
        .next()
}

/// The diagnostic of a value that reaches a distinct-id position (a fresh id never kept, a
/// placeholder constant). The primary site is where the owning function hands the value over:
/// the SDK call itself, or the call into the wrapper that makes it — where the fix goes.
fn id_use_diagnostic(
    program: &Program,
    rule: &Rule,
    leak: &crate::analysis::FreshLeak,
    message: String,
    what: &str,
) -> Diagnostic {
    let use_site = &leak.use_site;
    let method = &use_site.event.method;
    let diagnostic = match use_site.chain.first() {
        Some(call) => Diagnostic::new(rule.id, rule.severity(), call.span, message)
            .with_primary_label(format!(
                "{what} is handed over here, to be sent as a distinct id"
            ))
            .with_secondary(
                use_site.event.span,
                format!("sent as the distinct id of `{method}` here"),
            ),
        None => Diagnostic::new(rule.id, rule.severity(), use_site.event.span, message)
            .with_primary_label(format!("{what} is the distinct id of `{method}` here")),
    };
    diagnostic
        .with_call_chain(chain_steps(program, leak.function, use_site))
        .with_note(format!(
            "in `{}`, used through {}",
            display_name(program, leak.function),
            describe_chain(program, leak.function, use_site)
        ))
}

/// Rules that can report one mistake at the same pair of sites, the most specific first:
/// `identify(x); link(x); link(x)` is an alias after the id was used *and* a second alias, at
/// the same `alias` and the same call into `link`.
const SAME_CAUSE: &[&str] = &[
    "alias-to-self",
    "identify-before-alias",
    "alias-twice",
    "alias-on-login",
];

/// One cause, one diagnostic: of two diagnostics of [`SAME_CAUSE`] rules that share their
/// primary site and another site, only the more specific one is kept, with a note naming the
/// other; repeated notes within a diagnostic are dropped.
pub fn one_diagnostic_per_cause(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let rank = |d: &Diagnostic| SAME_CAUSE.iter().position(|r| *r == d.rule);
    let mut by_primary: std::collections::HashMap<crate::ir::Span, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if rank(d).is_some() {
            by_primary.entry(d.primary.span).or_default().push(i);
        }
    }
    // `absorbed[i] = Some(j)`: diagnostic `i` is said as a note of `j`.
    let mut absorbed: Vec<Option<usize>> = vec![None; diagnostics.len()];
    for group in by_primary.values().filter(|g| g.len() > 1) {
        for &i in group {
            absorbed[i] = group
                .iter()
                .copied()
                .filter(|&j| {
                    rank(&diagnostics[j]) < rank(&diagnostics[i])
                        && share_a_site(&diagnostics[i], &diagnostics[j])
                })
                .min_by_key(|&j| rank(&diagnostics[j]));
        }
    }
    let mut notes: Vec<Vec<String>> = vec![Vec::new(); diagnostics.len()];
    for (i, target) in absorbed.iter().enumerate() {
        if let Some(j) = target {
            let other = &diagnostics[i];
            notes[*j].push(format!("also `{}`: {}", other.rule, other.message));
        }
    }
    diagnostics
        .into_iter()
        .zip(notes)
        .zip(&absorbed)
        .filter(|(_, absorbed)| absorbed.is_none())
        .map(|((mut diagnostic, extra), _)| {
            diagnostic.notes.extend(extra);
            let mut seen = std::collections::HashSet::new();
            diagnostic.notes.retain(|note| seen.insert(note.clone()));
            diagnostic
        })
        .collect()
}

/// Two diagnostics at one primary site also agree on another site (a first `alias`, the call
/// that reaches it), or neither names another.
fn share_a_site(a: &Diagnostic, b: &Diagnostic) -> bool {
    (a.secondary.is_empty() && b.secondary.is_empty())
        || a.secondary
            .iter()
            .any(|x| b.secondary.iter().any(|y| x.span == y.span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FileId, Span};

    fn span(start: u32) -> Span {
        Span {
            file: FileId(0),
            start,
            end: start + 1,
        }
    }

    fn found(rule: &'static str, secondaries: &[u32]) -> Diagnostic {
        secondaries.iter().fold(
            Diagnostic::new(rule, Severity::Error, span(10), format!("{rule} message"))
                .with_note("a chain"),
            |d, s| d.with_secondary(span(*s), "site"),
        )
    }

    #[test]
    fn the_most_specific_rule_keeps_a_shared_pair_of_sites() {
        let kept = one_diagnostic_per_cause(vec![
            found("alias-twice", &[70, 80]),
            found("identify-before-alias", &[60, 70]),
            found("alias-twice", &[70, 90]),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule, "identify-before-alias");
        // Two `alias-twice` findings with the same message are one note; the chains are one.
        assert_eq!(
            kept[0].notes,
            ["a chain", "also `alias-twice`: alias-twice message"]
        );
    }

    #[test]
    fn different_sites_or_other_rules_stay_apart() {
        let kept = one_diagnostic_per_cause(vec![
            found("alias-twice", &[70]),
            found("identify-before-alias", &[60]),
            found("logout-without-reset", &[]),
            found("constant-distinct-id", &[]),
        ]);
        assert_eq!(kept.len(), 4);
    }
}

// Typed rule metadata, parsed from the TOML front matter of `rules/<id>.md`.
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
pub const LANGUAGE_NAMES: [(&str, Language); 8] = [
    ("rust", Language::Rust),
    ("javascript", Language::JavaScript),
    ("typescript", Language::TypeScript),
    ("python", Language::Python),
    ("swift", Language::Swift),
    ("objc", Language::ObjectiveC),
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
pub fn split_front_matter(doc: &str) -> Option<(&str, &str)> {
    let rest = doc.strip_prefix("+++\n")?;
    let (front, body) = rest.split_once("\n+++\n")?;
    Some((front, body.trim_start()))
}

/// The metadata in a doc's front matter; the error says what is wrong with it.
pub fn parse_meta(doc: &str) -> Result<RuleMeta, String> {
    let (front, _) = split_front_matter(doc).ok_or("no front matter between `+++` lines")?;
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
mod meta_tests {
    use super::*;
    use crate::rules::RULES;

    #[test]
    fn every_rules_front_matter_parses_and_names_its_rule() {
        for rule in RULES {
            let meta = parse_meta(rule.doc).unwrap_or_else(|e| panic!("rules/{}.md: {e}", rule.id));
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
            parse_meta(&bad_language),
            Err("`cobol` is not a language".into())
        );
        let bad_mode = doc(&format!(
            "{base}\nseverity = \"error\"\nlanguages = [\"rust\"]\noff-under = [\"merged\"]"
        ));
        assert!(parse_meta(&bad_mode).unwrap_err().contains("merged"));
        assert!(parse_meta("no front matter").is_err());
    }

    #[test]
    fn modes_round_trip_through_their_names() {
        for mode in IdManagement::ALL {
            assert_eq!(IdManagement::parse(mode.as_str()), Some(mode));
        }
    }
}
