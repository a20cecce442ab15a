//! The Objective-C frontend: tree-sitter's Objective-C grammar (`tree-sitter-objc`, pinned)
//! reads a file (recovering from syntax errors), the lowerer turns what parsed into IR.
//!
//! - [`macros`]: unexpanded macros the grammar cannot read, rewritten in place before a
//!   second parse of a file whose first parse failed.
//! - [`module`]: the file level — classes (interfaces, extensions, categories,
//!   implementations), their properties, instance variables and return types (declared
//!   first), file-level variables, C functions.
//! - [`functions`]: methods (named by their whole selector), C functions, blocks.
//! - [`statements`]: control flow (`if`, `switch`, loops, `@try`/`@catch`/`@finally`),
//!   declarations and assignments.
//! - [`expressions`]: values, strings, dot syntax, `?:`.
//! - [`calls`]: messages and C calls — SDK events, fresh ids, blocks run now, project calls.
//! - [`lowerer`]: the state they share and what they ask of the syntax tree.

mod calls;
mod expressions;
mod functions;
mod lowerer;
mod macros;
mod module;
mod sdk;
mod statements;

use crate::frontend::treesitter;
use crate::frontend::{FileContext, Lowered, Options};
use crate::ir::FileId;

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    let grammar = || tree_sitter_objc::LANGUAGE.into();
    let tree = match treesitter::parse(grammar(), file, text, options) {
        Ok(tree) => tree,
        Err(error) => return treesitter::refused(file, context, error),
    };
    // Macros are read in place only when the grammar fails on the file as written, so a file
    // that parses is lowered from exactly its own text.
    let rewritten = match tree.root_node().has_error() {
        true => macros::rewrite(text),
        false => None,
    };
    let (text, tree) = match rewritten {
        Some(rewritten) => match treesitter::parse(grammar(), file, &rewritten, options) {
            Ok(tree) => (std::borrow::Cow::Owned(rewritten), tree),
            Err(_) => (std::borrow::Cow::Borrowed(text), tree),
        },
        None => (std::borrow::Cow::Borrowed(text), tree),
    };
    let errors = treesitter::first_error(file, &text, &tree)
        .into_iter()
        .collect();
    let module = module::lower_module(file, &text, tree.root_node(), context, options);
    Lowered { module, errors }
}
