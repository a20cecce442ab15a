//! The Swift frontend: tree-sitter's Swift grammar (`tree-sitter-swift`, pinned) reads a file
//! (recovering from syntax errors), the lowerer turns what parsed into IR.
//!
//! - [`module`]: the file level — types, their stored properties and supertypes (declared
//!   first), globals, and top-level statements as `<module>`.
//! - [`functions`]: functions, methods, initialisers, accessors, nested functions, closures.
//! - [`statements`]: control flow (`if`, `guard`, `switch`, loops, `do`/`catch`, `defer`),
//!   declarations and assignments.
//! - [`expressions`]: values, strings, `??`, members.
//! - [`calls`]: calls — SDK events, fresh ids, closures run now, project calls.
//! - [`lowerer`]: the state they share and what they ask of the syntax tree.

mod calls;
mod expressions;
mod functions;
mod lowerer;
mod module;
mod sdk;
mod statements;

use crate::frontend::treesitter;
use crate::frontend::{FileContext, Lowered, Options};
use crate::ir::FileId;

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    let tree = match treesitter::parse(tree_sitter_swift::LANGUAGE.into(), file, text, options) {
        Ok(tree) => tree,
        Err(error) => return treesitter::refused(file, context, error),
    };
    let errors = treesitter::first_error(file, text, &tree)
        .into_iter()
        .collect();
    let module = module::lower_module(file, text, tree.root_node(), context, options);
    Lowered { module, errors }
}
