//! Suppression comments: `idlint: allow(<rule>[, <rule>]) -- <reason>` on the line of a
//! diagnostic's primary site or the line above, in any language's comment syntax. A
//! suppression that suppresses nothing is itself reported, so they do not rot.

use crate::diagnostic::{Diagnostic, Severity, UNUSED_SUPPRESSION};
use crate::ir::{FileId, Span};
use crate::source::SourceDb;

const MARKER: &str = "idlint: allow(";

#[derive(Debug, Clone)]
struct Suppression {
    file: FileId,
    /// 0-based line of the comment.
    line: usize,
    span: Span,
    rules: Vec<String>,
    used: bool,
}

fn find_all(db: &SourceDb) -> Vec<Suppression> {
    let mut found = Vec::new();
    for (file, source) in db.iter() {
        let mut offset = 0;
        for (line, text) in source.text.split_inclusive('\n').enumerate() {
            if let Some(start) = text.find(MARKER)
                && is_in_comment(&text[..start])
                && let Some(end) = text[start..].find(')')
                && let inside = &text[start + MARKER.len()..start + end]
                && names_rules(inside)
            {
                found.push(Suppression {
                    file,
                    line,
                    span: Span {
                        file,
                        start: (offset + start) as u32,
                        end: (offset + start + end + 1) as u32,
                    },
                    rules: inside
                        .split(',')
                        .map(|r| r.trim().to_owned())
                        .filter(|r| !r.is_empty())
                        .collect(),
                    used: false,
                });
            }
            offset += text.len();
        }
    }
    found
}

/// The text before the marker must open a comment (`//`, `#`, `/*`, `{/*` in JSX) that is not
/// itself inside a string literal (an even number of `"` before it).
fn is_in_comment(before: &str) -> bool {
    ["//", "#", "/*"].iter().any(|opener| {
        before
            .match_indices(opener)
            .any(|(at, _)| before[..at].matches('"').count().is_multiple_of(2))
    })
}

/// `allow(alias-twice, identify-before-alias)` names rules; `allow(<rule>[, <rule>])` in prose
/// that explains the syntax does not.
fn names_rules(inside: &str) -> bool {
    inside.split(',').all(|name| {
        let name = name.trim();
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    })
}

/// Removes suppressed diagnostics and adds an `unused-suppression` warning for each
/// suppression (or rule named in one) that matched nothing.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    db: &SourceDb,
    known_rule: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut suppressions = find_all(db);
    let mut used_rules: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let file = diagnostic.primary.span.file;
        let line = db
            .get(file)
            .line_index(diagnostic.primary.span.start as usize);
        let mut suppressed = false;
        for (s, suppression) in suppressions.iter_mut().enumerate() {
            if suppression.file != file
                || !(suppression.line == line || suppression.line + 1 == line)
            {
                continue;
            }
            if let Some(r) = suppression.rules.iter().position(|r| r == diagnostic.rule) {
                suppression.used = true;
                used_rules[s][r] = true;
                suppressed = true;
            }
        }
        if !suppressed {
            kept.push(diagnostic);
        }
    }
    for (suppression, used) in suppressions.iter().zip(used_rules) {
        for (rule, used) in suppression.rules.iter().zip(used) {
            if used {
                continue;
            }
            let message = if known_rule(rule) {
                format!("`{rule}` is allowed here but nothing reports it on this line or the next")
            } else {
                format!("`{rule}` is not a rule idlint knows")
            };
            kept.push(
                Diagnostic::new(
                    UNUSED_SUPPRESSION,
                    Severity::Warning,
                    suppression.span,
                    message,
                )
                .with_primary_label("this suppression suppresses nothing")
                .with_note("remove it, or fix the rule name; `idlint rules` lists them"),
            );
        }
    }
    kept
}
