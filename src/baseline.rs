//! Baselines, for adopting idlint on an existing codebase: today's findings are recorded by a
//! fingerprint that survives unrelated edits (rule, path and the normalised code of the sites,
//! not line numbers), and later runs report only findings that are not in it.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// The fingerprint of a diagnostic: FNV-1a over the rule, the primary file's path, the message
/// and the whitespace-normalised source lines of every site.
pub fn fingerprint(diagnostic: &Diagnostic, db: &SourceDb) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |text: &str| {
        for byte in text.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(diagnostic.rule);
    feed(&db.get(diagnostic.primary.span.file).name);
    feed(&diagnostic.message);
    for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
        let file = db.get(label.span.file);
        let line = file.line_index(label.span.start as usize);
        let text = file
            .line_range(line)
            .and_then(|r| file.text.get(r))
            .unwrap_or("");
        feed(&file.name);
        feed(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    format!("{hash:016x}")
}

fn entry(diagnostic: &Diagnostic, db: &SourceDb) -> Entry {
    Entry {
        fingerprint: fingerprint(diagnostic, db),
        rule: diagnostic.rule.to_owned(),
        path: db.get(diagnostic.primary.span.file).name.clone(),
        message: diagnostic.message.clone(),
    }
}

pub fn write(path: &Path, diagnostics: &[Diagnostic], db: &SourceDb) -> std::io::Result<()> {
    let file = File {
        version: 1,
        findings: diagnostics.iter().map(|d| entry(d, db)).collect(),
    };
    let text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
    crate::report::write_atomically(path, &(text + "\n"))
}

pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the baseline: {e}", path.display()))?;
    let file: File = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not an idlint baseline: {e}", path.display()))?;
    if file.version != 1 {
        return Err(format!(
            "{}: baseline version {} is not supported",
            path.display(),
            file.version
        ));
    }
    Ok(file.findings)
}

/// Removes the diagnostics the baseline knows (each entry hides one occurrence); returns the
/// new diagnostics and the baseline entries that no longer occur (fixed).
pub fn filter(
    diagnostics: Vec<Diagnostic>,
    baseline: &[Entry],
    db: &SourceDb,
) -> (Vec<Diagnostic>, Vec<Entry>) {
    let mut remaining: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for entry in baseline {
        remaining
            .entry(entry.fingerprint.as_str())
            .or_default()
            .push(entry);
    }
    let mut new = Vec::new();
    for diagnostic in diagnostics {
        let fingerprint = fingerprint(&diagnostic, db);
        match remaining.get_mut(fingerprint.as_str()).and_then(Vec::pop) {
            Some(_) => {}
            None => new.push(diagnostic),
        }
    }
    let mut fixed: Vec<Entry> = remaining.into_values().flatten().cloned().collect();
    fixed.sort_by(|a, b| (&a.path, &a.rule, &a.message).cmp(&(&b.path, &b.rule, &b.message)));
    (new, fixed)
}
