//! The Python frontend: ruff's parser reads a file (recovering from syntax errors), the lowerer
//! turns what parsed into IR and drops the syntax tree.
//!
//! `ruff_python_parser`, `ruff_python_ast` and `ruff_text_size` are internal crates of ruff,
//! published without an API promise: Cargo.toml pins one exact version, and nothing outside
//! this folder uses them.
//!
//! - [`module`]: the module level — imports, classes, module-level trackers and instances, the
//!   `<module>` function of top-level code.
//! - [`functions`]: `def`s and lambdas, their parameters, closures.
//! - [`statements`]: control flow and assignments.
//! - [`expressions`]: values, strings, operators, comprehensions.
//! - [`calls`]: calls — SDK events, fresh ids, project functions and methods.
//! - [`lowerer`]: the state they share and what they ask of the syntax tree.

mod calls;
mod expressions;
mod functions;
mod lowerer;
mod module;
mod sdk;
mod statements;

use ruff_python_ast::PySourceType;
use ruff_python_parser::{ParseError, parse_unchecked_source};
use ruff_text_size::Ranged;

use crate::frontend::{FileContext, Lowered, Options, SyntaxError, too_deep};
use crate::ir::{FileId, Module, Span};

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    if let Some(error) = too_deep(file, text, options) {
        return Lowered {
            module: Module::empty(file, context.language, context.module_path.clone()),
            errors: vec![error],
        };
    }
    let parsed = parse_unchecked_source(text, PySourceType::Python);
    let errors = first_syntax_error(file, text, parsed.errors())
        .into_iter()
        .collect();
    let module = module::lower_module(file, text, parsed.syntax(), context, options);
    Lowered { module, errors }
}

/// The first syntax error, with how many more there are: the parser recovered from all of
/// them, so what parsed around them is still lowered.
fn first_syntax_error(file: FileId, text: &str, errors: &[ParseError]) -> Option<SyntaxError> {
    let first = errors.iter().min_by_key(|e| e.range().start())?;
    let more = match errors.len() {
        1 => String::new(),
        n => format!(" ({} more syntax errors in this file)", n - 1),
    };
    Some(SyntaxError {
        span: first_line_span(
            file,
            text,
            first.range().start().into(),
            first.range().end().into(),
        ),
        message: format!("syntax error: {}{more}", first.error),
        recovered: true,
        unread: Vec::new(),
    })
}

/// `start..end` cut to the line it starts on, and at least one character long where the text
/// has one: an error can reach to the end of the file.
fn first_line_span(file: FileId, text: &str, start: usize, end: usize) -> Span {
    let start = start.min(text.len());
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let one_character = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    let end = end.min(line_end).max(one_character).min(text.len());
    Span {
        file,
        start: start as u32,
        end: end as u32,
    }
}
