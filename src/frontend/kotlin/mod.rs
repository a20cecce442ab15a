//! The Kotlin frontend: tree-sitter's Kotlin grammar (`tree_sitter_kotlin_ng`, pinned) reads a
//! file (recovering from syntax errors), the lowerer turns what parsed into IR.
//!
//! - [`module`]: the file level — classes, objects, companion objects, interfaces and their
//!   properties (declared first), top-level properties, and top-level statements as `<module>`.
//! - [`functions`]: functions, extension functions, methods, constructors, `init` blocks,
//!   accessors, local functions, lambdas and anonymous objects.
//! - [`statements`]: control flow (`if`, `when`, loops, `try`/`catch`/`finally`, jumps),
//!   declarations and assignments.
//! - [`expressions`]: values, string templates, `?:`, members.
//! - [`calls`]: calls — SDK events, fresh ids, scope functions run now, project calls.
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
    let grammar = tree_sitter_kotlin_ng::LANGUAGE.into();
    let tree = match treesitter::parse(grammar, file, text, options) {
        Ok(tree) => tree,
        Err(error) => return treesitter::refused(file, context, error),
    };
    let errors = treesitter::first_error(file, text, &tree)
        .into_iter()
        .collect();
    let module = module::lower_module(file, text, tree.root_node(), context, options);
    Lowered { module, errors }
}
