//! The JavaScript and TypeScript frontend: tree-sitter parses a file (tolerating syntax errors,
//! as an editor needs), [`lower`] turns what parsed into IR and drops the tree.

mod lower;
mod sdk;

use crate::frontend::{FileContext, Lowered, Options, treesitter};
use crate::ir::{FileId, Language};

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    let grammar: tree_sitter::Language = if context.file_name.ends_with(".tsx") {
        tree_sitter_typescript::LANGUAGE_TSX.into()
    } else if context.language == Language::TypeScript {
        tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
    } else {
        tree_sitter_javascript::LANGUAGE.into()
    };
    treesitter::lower_with(file, text, context, options, &grammar, |root| {
        lower::lower_file(file, text, root, context, options)
    })
}
