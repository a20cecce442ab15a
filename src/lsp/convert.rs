//! idlint's values in LSP's terms: byte offsets ↔ UTF-16 positions, diagnostics.

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Url,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::Span;

/// Where a rule's documentation is published: a diagnostic's `codeDescription`.
pub(crate) const RULE_DOCS: &str = "https://github.com/idlint/idlint/blob/main/rules/";

/// The starts of a text's lines. A line ends at `\n`; a `\r` before it belongs to the line
/// break, not to the line's content.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 0-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The byte range of line `line`'s content, without its line break.
    pub(crate) fn line_content(&self, text: &str, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.starts.get(line)?;
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' && end < text.len() {
            end -= 1;
        }
        Some(start..end)
    }

    /// The LSP position (line, UTF-16 column) of a byte offset in `text`.
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line(offset);
        let start = self.starts[line];
        let character = text[start..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of an LSP position in `text`; past the end of a line is its end, past
    /// the last line is the end of the text.
    pub(crate) fn offset(&self, text: &str, position: Position) -> usize {
        let Some(content) = self.line_content(text, position.line as usize) else {
            return text.len();
        };
        let mut units = 0;
        for (at, c) in text[content.clone()].char_indices() {
            if units >= position.character as usize {
                return content.start + at;
            }
            units += c.len_utf16();
        }
        content.end
    }

    pub(crate) fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// Everything needed to show a span: the file's URI, its text and line index.
pub(crate) struct SpanView<'a> {
    pub uri: &'a Url,
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl SpanView<'_> {
    fn location(&self, span: Span) -> Location {
        Location::new(
            self.uri.clone(),
            self.lines
                .range(self.text, span.start as usize, span.end as usize),
        )
    }
}

/// A diagnostic in LSP terms. `view` shows spans of any file (all in current-text offsets);
/// the primary span's file is the one the diagnostic is published for.
pub(crate) fn diagnostic<'a>(
    diagnostic: &Diagnostic,
    view: impl Fn(Span) -> Option<SpanView<'a>>,
) -> Option<lsp_types::Diagnostic> {
    let primary = view(diagnostic.primary.span)?.location(diagnostic.primary.span);
    let mut related = Vec::new();
    for label in &diagnostic.secondary {
        if let Some(file) = view(label.span) {
            related.push(DiagnosticRelatedInformation {
                location: file.location(label.span),
                message: label.message.clone(),
            });
        }
    }
    let steps = diagnostic.call_chain.len();
    if steps > 1 {
        for (i, step) in diagnostic.call_chain.iter().enumerate() {
            if let Some(file) = view(step.span) {
                related.push(DiagnosticRelatedInformation {
                    location: file.location(step.span),
                    message: format!("call chain {}/{steps}: in `{}`", i + 1, step.function),
                });
            }
        }
    }
    let mut message = diagnostic.message.clone();
    for note in &diagnostic.notes {
        message.push('\n');
        message.push_str(note);
    }
    let documented = crate::rules::find(diagnostic.rule).is_some();
    Some(lsp_types::Diagnostic {
        range: primary.range,
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.rule.to_owned())),
        code_description: documented
            .then(|| Url::parse(&format!("{RULE_DOCS}{}.md", diagnostic.rule)).ok())
            .flatten()
            .map(|href| CodeDescription { href }),
        source: Some("idlint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        // `é` is 2 bytes and 1 unit; `😀` is 4 bytes and 2 units.
        let text = "aé😀b\r\nx\n";
        let lines = LineIndex::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(lines.position(text, b), Position::new(0, 4));
        assert_eq!(lines.offset(text, Position::new(0, 4)), b);
        assert_eq!(lines.offset(text, Position::new(0, 1)), 1);
        // Past the end of a line: its end, before `\r\n`.
        assert_eq!(lines.offset(text, Position::new(0, 99)), b + 1);
        assert_eq!(
            lines.offset(text, Position::new(1, 0)),
            text.find('x').unwrap()
        );
        assert_eq!(lines.offset(text, Position::new(7, 0)), text.len());
        assert_eq!(lines.position(text, text.len()), Position::new(2, 0));
    }
}
