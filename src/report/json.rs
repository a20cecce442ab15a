//! The stable JSON format (`version` 1): later tools parse it, so fields only get added.

use serde::Serialize;

use super::Report;
use crate::ir::Span;
use crate::source::SourceDb;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    related: Vec<Related<'a>>,
    call_chain: Vec<ChainEntry<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct ChainEntry<'a> {
    function: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    /// Files parsed: the others cannot matter to an identity finding. Counts the files whose
    /// parse came from the on-disk cache.
    parsed: usize,
    /// Of the files parsed, those read from the on-disk cache (`parsed - from_cache` were
    /// parsed in this run).
    from_cache: usize,
    functions: usize,
    diagnostics: usize,
    skipped: Vec<SkippedEntry<'a>>,
}

#[derive(Serialize)]
struct SkippedEntry<'a> {
    path: &'a str,
    reason: &'a str,
}

fn position(db: &SourceDb, span: Span, end: bool) -> (usize, usize) {
    let offset = if end { span.end } else { span.start };
    db.get(span.file).line_column(offset as usize)
}

pub fn render(report: &Report) -> String {
    let db = report.db;
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = position(db, d.primary.span, false);
            let (end_line, end_column) = position(db, d.primary.span, true);
            JsonDiagnostic {
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                path: &db.get(d.primary.span.file).name,
                line,
                column,
                end_line,
                end_column,
                related: d
                    .secondary
                    .iter()
                    .map(|label| {
                        let (line, column) = position(db, label.span, false);
                        Related {
                            path: &db.get(label.span.file).name,
                            line,
                            column,
                            message: &label.message,
                        }
                    })
                    .collect(),
                call_chain: d
                    .call_chain
                    .iter()
                    .map(|step| {
                        let (line, column) = position(db, step.span, false);
                        ChainEntry {
                            function: &step.function,
                            path: &db.get(step.span.file).name,
                            line,
                            column,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let output = Output {
        version: 1,
        diagnostics,
        summary: Summary {
            files: report.files,
            parsed: report.parsed,
            from_cache: report.from_cache,
            functions: report.functions,
            diagnostics: report.diagnostics.len(),
            skipped: report
                .skipped
                .iter()
                .map(|s| SkippedEntry {
                    path: &s.path,
                    reason: &s.reason,
                })
                .collect(),
        },
    };
    let mut text =
        serde_json::to_string_pretty(&output).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
