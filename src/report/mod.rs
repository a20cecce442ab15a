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
    /// How many of the files were parsed.
    pub parsed: usize,
    /// How many of the parsed files came from the on-disk cache.
    pub from_cache: usize,
    pub functions: usize,
}

/// A path that could not be analysed is a warning; one left out on purpose, a note.
pub fn skipped_level(skipped: &crate::discover::Skipped) -> (&'static str, &'static str) {
    if skipped.error {
        ("warning", "skipped")
    } else {
        ("note", "left-out")
    }
}

/// Writes `text` to `path` so that readers never see half a file: a temporary file in the same
/// directory, then a rename.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    // The temporary file's own name means nothing to the user: errors name `path` only.
    let plain = |error: std::io::Error| std::io::Error::new(error.kind(), error.kind().to_string());
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(plain)?;
    file.write_all(text.as_bytes()).map_err(plain)?;
    file.flush().map_err(plain)?;
    file.persist(path).map_err(|e| plain(e.error))?;
    Ok(())
}
