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
mod id_names;
mod identify_before_alias;
mod identify_with_object;
mod inconsistent_identity_key;
mod logout_without_reset;
pub mod meta;
mod missing_distinct_id;
mod persistence_disabled;
mod profile_before_identify;

use crate::analysis::witness::Site;
use crate::analysis::{Automaton, Program};
use crate::callgraph::FnId;
use crate::diagnostic::{ChainStep, Diagnostic, Severity};
use crate::source::SourceDb;

pub use meta::{IdManagement, RuleMeta};

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
        .map(|rule| meta::parse(rule.doc).unwrap_or_else(|e| panic!("rules/{}.md: {e}", rule.id)))
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
        meta::split(self.doc).map_or(self.doc, |(_, body)| body)
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
                (rule.check)(program)
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
    if let Some(secondary) = &violation.secondary {
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
    notes.push(format!(
        "{}: {}",
        wording.primary,
        describe_chain(program, violation.function, primary)
    ));
    notes.into_iter().fold(diagnostic, Diagnostic::with_note)
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
