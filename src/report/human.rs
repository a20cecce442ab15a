//! rustc-style output through `codespan-reporting`.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

use super::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::FileId;

pub fn write(report: &Report, out: &mut dyn WriteColor) -> std::io::Result<()> {
    let config = Config::default();
    for diagnostic in report.diagnostics {
        term::emit_to_write_style(out, &config, report.db, &to_codespan(diagnostic))
            .map_err(std::io::Error::other)?;
    }
    for skipped in report.skipped {
        let level = if skipped.error { "warning" } else { "note" };
        writeln!(out, "{level}: skipped {}: {}", skipped.path, skipped.reason)?;
    }
    writeln!(out, "{}", summary_line(report))
}

fn to_codespan(diagnostic: &Diagnostic) -> CsDiagnostic<FileId> {
    let severity = match diagnostic.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    };
    let primary = &diagnostic.primary;
    let mut labels = vec![
        Label::primary(
            primary.span.file,
            primary.span.start as usize..primary.span.end as usize,
        )
        .with_message(&primary.message),
    ];
    labels.extend(diagnostic.secondary.iter().map(|label| {
        Label::secondary(
            label.span.file,
            label.span.start as usize..label.span.end as usize,
        )
        .with_message(&label.message)
    }));
    CsDiagnostic::new(severity)
        .with_code(diagnostic.rule)
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(diagnostic.notes.clone())
}

fn summary_line(report: &Report) -> String {
    let count = report.diagnostics.len();
    let files = report.files;
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut line = if count == 0 {
        format!("No problems found in {}.", plural(files, "file"))
    } else {
        format!(
            "Found {} in {}.",
            plural(count, "problem"),
            plural(files, "file")
        )
    };
    if !report.skipped.is_empty() {
        line.push_str(&format!(
            " {} skipped.",
            plural(report.skipped.len(), "path")
        ));
    }
    line
}
