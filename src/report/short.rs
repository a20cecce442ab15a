//! One line per diagnostic, `path:line:col: severity[rule]: message`: for editors' problem
//! matchers and grep.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics {
        let file = report.db.get(d.primary.span.file);
        let (line, column) = file.line_column(d.primary.span.start as usize);
        out.push_str(&format!(
            "{}:{line}:{column}: {}[{}]: {}\n",
            file.name,
            d.severity.as_str(),
            d.rule,
            d.message
        ));
    }
    for skipped in report.skipped {
        let (level, code) = super::skipped_level(skipped);
        out.push_str(&format!(
            "{}:1:1: {level}[{code}]: {}\n",
            skipped.path, skipped.reason
        ));
    }
    out
}
