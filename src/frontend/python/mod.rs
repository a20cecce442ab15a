//! The Python frontend: tree-sitter-python parses a file (recovering from syntax errors),
//! [`lower`] turns what parsed into IR and drops the tree.

mod lower;
mod sdk;

use crate::frontend::{FileContext, Lowered, Options, treesitter};
use crate::ir::FileId;

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    let grammar: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    treesitter::lower_with(file, text, context, options, &grammar, |root| {
        lower::lower_file(file, text, root, context, options)
    })
}
