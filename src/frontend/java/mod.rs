//! The Java frontend: tree-sitter's Java grammar (`tree_sitter_java`) reads a file; lowering is not
//! written yet, so a file yields only its syntax errors and an empty module.

use crate::frontend::treesitter;
use crate::frontend::{FileContext, Lowered, Options};
use crate::ir::FileId;

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    treesitter::parse_only(
        tree_sitter_java::LANGUAGE.into(),
        file,
        text,
        context,
        options,
    )
}
