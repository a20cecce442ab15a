//! GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request.

use super::Report;
use crate::diagnostic::Severity;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics {
        let file = report.db.get(d.primary.span.file);
        let (line, column) = file.line_column(d.primary.span.start as usize);
        let (end_line, end_column) = file.line_column(d.primary.span.end as usize);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = d.message.clone();
        for note in &d.notes {
            message.push('\n');
            message.push_str(note);
        }
        out.push_str(&format!(
            "::{command} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}\n",
            escape_property(&file.name),
            escape_property(&format!("idlint ({})", d.rule)),
            escape_data(&message)
        ));
    }
    for skipped in report.skipped {
        let command = if skipped.error { "warning" } else { "notice" };
        let (_, code) = super::skipped_level(skipped);
        out.push_str(&format!(
            "::{command} file={},title={}::{}\n",
            escape_property(&skipped.path),
            escape_property(&format!("idlint ({code})")),
            escape_data(&format!("{} {}", skipped.path, skipped.reason))
        ));
    }
    out
}

/// The escaping GitHub's runner applies to a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Properties also escape the separators `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
