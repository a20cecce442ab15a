//! The Java frontend: tree-sitter's Java grammar (`tree_sitter_java`, pinned) reads a file
//! (recovering from syntax errors), the lowerer turns what parsed into IR.
//!
//! - [`module`]: the file level — classes, interfaces, enums, records and their fields
//!   (declared first).
//! - [`functions`]: methods, constructors, static and instance initialisers, lambdas and the
//!   methods of anonymous classes.
//! - [`statements`]: control flow (`if`, `switch` with fall-through and arrows, loops,
//!   `try`/`catch`/`finally`, try-with-resources, jumps), declarations and assignments.
//! - [`expressions`]: values, strings, members.
//! - [`calls`]: calls — SDK events, fresh ids, callbacks, project calls.
//! - [`lowerer`]: the state they share and what they ask of the syntax tree.

mod calls;
mod expressions;
mod functions;
mod lowerer;
mod module;
pub(super) mod sdk;
mod statements;

use crate::frontend::treesitter;
use crate::frontend::{FileContext, Lowered, Options};
use crate::ir::FileId;

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    let tree = match treesitter::parse(tree_sitter_java::LANGUAGE.into(), file, text, options) {
        Ok(tree) => tree,
        Err(error) => return treesitter::refused(file, context, error),
    };
    let errors = treesitter::first_error(file, text, &tree)
        .into_iter()
        .collect();
    let module = module::lower_module(file, text, tree.root_node(), context, options);
    Lowered { module, errors }
}
