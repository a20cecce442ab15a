//! SARIF 2.1.0, for code-scanning services: rules with their documentation, results with
//! related locations, and the call chain as a code flow.

use serde_json::{Value as Json, json};

use super::Report;
use crate::baseline;
use crate::diagnostic::{Diagnostic, Severity};
use crate::ir::Span;
use crate::rules::RULES;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(report: &Report) -> String {
    let rules: Vec<Json> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.id,
                "shortDescription": { "text": rule.summary() },
                "fullDescription": { "text": rule.body() },
                "help": { "text": rule.body(), "markdown": rule.body() },
                "defaultConfiguration": { "level": level(rule.severity()) },
            })
        })
        .collect();
    let results: Vec<Json> = report
        .diagnostics
        .iter()
        .map(|d| result(report, d))
        .collect();
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "idlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/idlint/idlint",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation(report)],
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}

/// The run itself: whether idlint worked, and every path it could not or would not analyse.
fn invocation(report: &Report) -> Json {
    let notifications: Vec<Json> = report
        .skipped
        .iter()
        .map(|skipped| {
            let (level, code) = super::skipped_level(skipped);
            json!({
                "level": level,
                "descriptor": { "id": code },
                "message": { "text": format!("{} {}", skipped.path, skipped.reason) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": skipped.path } } }],
            })
        })
        .collect();
    let crashed = report
        .diagnostics
        .iter()
        .any(|d| d.rule == crate::diagnostic::INTERNAL_ERROR);
    json!({
        "executionSuccessful": !crashed,
        "toolExecutionNotifications": notifications,
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn location(report: &Report, span: Span, message: Option<&str>) -> Json {
    let file = report.db.get(span.file);
    let (start_line, start_column) = file.line_column(span.start as usize);
    let (end_line, end_column) = file.line_column(span.end as usize);
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file.name },
            "region": {
                "startLine": start_line,
                "startColumn": start_column,
                "endLine": end_line,
                "endColumn": end_column,
            }
        }
    });
    if let Some(message) = message {
        location["message"] = json!({ "text": message });
    }
    location
}

fn result(report: &Report, d: &Diagnostic) -> Json {
    let rule_index = RULES.iter().position(|r| r.id == d.rule);
    let related: Vec<Json> = d
        .secondary
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let mut related = location(report, label.span, Some(&label.message));
            related["id"] = json!(i);
            related
        })
        .collect();
    let mut message = d.message.clone();
    for note in &d.notes {
        message.push('\n');
        message.push_str(note);
    }
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [location(report, d.primary.span, None)],
        "partialFingerprints": { "idlintFingerprint/v1": baseline::fingerprint(d, report.db) },
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if !d.call_chain.is_empty() {
        let steps: Vec<Json> = d
            .call_chain
            .iter()
            .map(|step| json!({ "location": location(report, step.span, Some(&format!("in `{}`", step.function))) }))
            .collect();
        result["codeFlows"] = json!([{ "threadFlows": [{ "locations": steps }] }]);
    }
    result
}
