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

/// Whether a header is Objective-C: it declares a class, a category or a protocol
/// (`@interface`, `@protocol`, `@class`), or imports with `#import`/`@import` as Objective-C
/// does. A header of C or C++ has none of these and is not read: C's declarations make no
/// identity calls, and the Objective-C grammar would only report its C++ as syntax errors.
pub fn is_objc_header(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        ["@interface", "@protocol", "@class", "@import", "#import"]
            .iter()
            .any(|marker| line.starts_with(marker))
            || line.starts_with('#') && line[1..].trim_start().starts_with("import")
    })
}
use crate::frontend::{FileContext, Lowered, Options};
use crate::ir::FileId;

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    // A header of C or C++ (a vendored library in a Rust crate, a C SDK): nothing to read.
    if context.file_name.ends_with(".h") && !is_objc_header(text) {
        return Lowered {
            module: crate::ir::Module::empty(file, context.language, context.module_path.clone()),
            errors: Vec::new(),
        };
    }
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

#[cfg(test)]
mod tests {
    use super::is_objc_header;

    #[test]
    fn a_header_of_c_is_not_objective_c() {
        let c = "#ifndef GIT_H\n#define GIT_H\n#include <stdio.h>\ntypedef struct git_tracker git_tracker;\n#endif\n";
        assert!(!is_objc_header(c));
        let cpp = "#pragma once\nnamespace tracking { class Tracker { public: void alias(); }; }\n";
        assert!(!is_objc_header(cpp));
        assert!(is_objc_header("#import <Foundation/Foundation.h>\n"));
        assert!(is_objc_header(
            "@interface AnalyticsService : NSObject\n@end\n"
        ));
        assert!(is_objc_header(
            "NS_ASSUME_NONNULL_BEGIN\n@protocol Tracking\n@end\n"
        ));
        assert!(is_objc_header("@import Mixpanel;\n"));
    }
}
