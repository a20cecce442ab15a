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
    let finder = memchr::memmem::Finder::new(MARKER);
    let mut found = Vec::new();
    for (file, source) in db.iter() {
        let text = source.text.as_str();
        let mut last_line = None;
        // Most files have no marker: one vectorised search of the whole text finds that.
        for at in finder.find_iter(text.as_bytes()) {
            let line = source.line_index(at);
            if last_line == Some(line) {
                continue; // the first marker of a line is the one read
            }
            last_line = Some(line);
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            if is_in_comment(&text[line_start..at])
                && let Some(end) = text[at..line_end].find(')')
                && let inside = &text[at + MARKER.len()..at + end]
                && names_rules(inside)
            {
                found.push(Suppression {
                    file,
                    line,
                    span: Span {
                        file,
                        start: at as u32,
                        end: (at + end + 1) as u32,
                    },
                    rules: inside
                        .split(',')
                        .map(|r| r.trim().to_owned())
                        .filter(|r| !r.is_empty())
                        .collect(),
                    used: false,
                });
            }
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
