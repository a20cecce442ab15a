//! The Objective-C frontend: tree-sitter's Objective-C grammar (`tree_sitter_objc`) reads a file; lowering is not
//! written yet, so a file yields only its syntax errors and an empty module.

use crate::frontend::treesitter;
use crate::frontend::{FileContext, Lowered, Options};
use crate::ir::FileId;

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    treesitter::parse_only(
        tree_sitter_objc::LANGUAGE.into(),
        file,
        text,
        context,
        options,
    )
}
