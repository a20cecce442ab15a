//! Output formats: the only modules that render or serialize diagnostics.

pub mod human;
pub mod json;

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
