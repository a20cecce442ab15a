//! rustc-style output through `codespan-reporting`.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

use super::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::FileId;
use crate::source::SourceDb;

pub fn write(report: &Report, out: &mut dyn WriteColor) -> std::io::Result<()> {
    let config = Config::default();
    let shown = Shown::of(report);
    for diagnostic in report.diagnostics {
        term::emit_to_write_style(out, &config, &shown, &to_codespan(diagnostic))
            .map_err(std::io::Error::other)?;
    }
    for skipped in report.skipped {
        let level = if skipped.error { "warning" } else { "note" };
        writeln!(out, "{level}: skipped {}: {}", skipped.path, skipped.reason)?;
    }
    writeln!(out, "{}", summary_line(report))
}

/// The sources as the report quotes them: a line of code can hold a terminal escape sequence
/// or a bidirectional override, which must not reach the terminal. Each such character is
/// shown as `?`s of its byte length, so every span and line stays where it is.
struct Shown<'a> {
    db: &'a SourceDb,
    /// The cleaned text of each file that needed it, by file position.
    cleaned: Vec<Option<String>>,
}

impl<'a> Shown<'a> {
    fn of(report: &Report<'a>) -> Shown<'a> {
        let mut cleaned: Vec<Option<String>> = Vec::new();
        let files = report.diagnostics.iter().flat_map(|d| {
            std::iter::once(d.primary.span.file).chain(d.secondary.iter().map(|l| l.span.file))
        });
        for file in files {
            let index = file.0 as usize;
            if cleaned.len() <= index {
                cleaned.resize(index + 1, None);
            }
            if cleaned[index].is_none()
                && let Ok(text) = report.db.source(file)
            {
                cleaned[index] = same_length_printable(text);
            }
        }
        Shown {
            db: report.db,
            cleaned,
        }
    }
}

/// `text` with every character [`crate::source::printable`] would escape (but line breaks and
/// tabs) replaced by `?`s of the same byte length; `None` when there is none.
fn same_length_printable(text: &str) -> Option<String> {
    let shown = |c: char| {
        matches!(c, '\n' | '\r' | '\t') || {
            let mut buffer = [0u8; 4];
            !matches!(
                crate::source::printable(c.encode_utf8(&mut buffer)),
                std::borrow::Cow::Owned(_)
            )
        }
    };
    if text.chars().all(shown) {
        return None;
    }
    Some(
        text.chars()
            .flat_map(|c| {
                let times = if shown(c) { 0 } else { c.len_utf8() };
                let keep = shown(c).then_some(c);
                keep.into_iter().chain(std::iter::repeat_n('?', times))
            })
            .collect(),
    )
}

impl<'a> Files<'a> for Shown<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.db.name(id)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        match self.cleaned.get(id.0 as usize) {
            Some(Some(text)) => Ok(text),
            _ => self.db.source(id),
        }
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        self.db.line_index(id, byte_index)
    }

    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        self.db.column_number(id, line_index, byte_index)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        self.db.line_range(id, line_index)
    }
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
