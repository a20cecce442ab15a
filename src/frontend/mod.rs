//! Frontends: the only modules that know a language's syntax.
//!
//! Each frontend turns one file into an [`ir::Module`] and drops its syntax tree. Lowering never
//! fails: a file that does not parse yields what could be lowered plus [`SyntaxError`]s.

pub mod rust;

use std::path::Path;

use crate::ir::{self, FileId, Language, Span};

/// A problem that stopped (part of) a file from being lowered.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug)]
pub struct Lowered {
    pub module: ir::Module,
    pub errors: Vec<SyntaxError>,
}

/// What frontends are told about the project, beside the file itself.
#[derive(Debug, Clone)]
pub struct Options {
    /// Names that mark a receiver as an analytics tracker (`mp.alias(..)`, `self.analytics.track(..)`).
    pub tracker_names: Vec<String>,
    /// Deeper bracket nesting than this is reported instead of parsed: parsers recurse.
    pub max_nesting: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tracker_names: ["mixpanel", "mp", "tracker", "analytics"]
                .map(String::from)
                .to_vec(),
            max_nesting: 256,
        }
    }
}

pub fn language_of(path: &Path) -> Option<Language> {
    match path.extension()?.to_str()? {
        "rs" => Some(Language::Rust),
        _ => None,
    }
}

/// Lowers one file; `context` carries project facts the file cannot show (its module path).
pub fn lower(file: FileId, text: &str, context: &rust::FileContext, options: &Options) -> Lowered {
    rust::lower(file, text, context, options)
}

/// The deepest bracket nesting in `text`, ignoring brackets in strings is not needed: an
/// over-estimate only makes us refuse a file a little earlier.
pub fn max_bracket_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}
