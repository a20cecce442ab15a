//! Output formats: the only modules that render or serialize diagnostics.

pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod sarif;
pub mod short;

use crate::diagnostic::Diagnostic;
use crate::discover::Skipped;
use crate::source::SourceDb;

/// Everything one `idlint check` run reports.
pub struct Report<'a> {
    pub db: &'a SourceDb,
    pub diagnostics: &'a [Diagnostic],
    pub skipped: &'a [Skipped],
    pub files: usize,
    pub functions: usize,
}

/// Writes `text` to `path` so that readers never see half a file: a temporary file in the same
/// directory, then a rename.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
