//! The Rust frontend: `syn` parses a file, [`lower`] turns it into IR and drops the tree.

mod lower;
mod sdk;

use crate::frontend::{FileContext, Lowered, Options, SyntaxError, too_deep};
use crate::ir::{FileId, Language, Module, Span};

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    let empty = Module::empty(file, Language::Rust, context.module_path.clone());
    if let Some(error) = too_deep(file, text, options) {
        return Lowered {
            module: empty,
            errors: vec![error],
        };
    }
    let parsed = syn::parse_file(&blank_preamble(text));
    let lowered = match parsed {
        Ok(ast) => {
            let module = lower::lower_file(file, &ast, context, options);
            Lowered {
                module,
                errors: Vec::new(),
            }
        }
        Err(error) => {
            let range = error.span().byte_range();
            Lowered {
                module: empty,
                errors: vec![SyntaxError {
                    span: Span {
                        file,
                        start: range.start as u32,
                        end: range.end as u32,
                    },
                    message: error.to_string(),
                    recovered: false,
                }],
            }
        }
    };
    // proc-macro2 keeps a thread-local table of every parsed text for span lookups; the
    // file's spans are all converted by now, so free it (long runs and the editor server).
    proc_macro2::extra::invalidate_current_thread_spans();
    lowered
}

/// Blanks a byte-order mark and a `#!` interpreter line, keeping byte offsets stable, because
/// `syn::parse_file` would otherwise strip them and shift every span.
fn blank_preamble(text: &str) -> String {
    let mut owned = text.to_owned();
    if owned.starts_with('\u{feff}') {
        owned.replace_range(0..3, "   ");
    }
    let body = owned.trim_start();
    if body.starts_with("#!") && !body.starts_with("#![") {
        let start = owned.len() - body.len();
        let end = owned[start..].find('\n').map_or(owned.len(), |i| start + i);
        let blanks = " ".repeat(end - start);
        owned.replace_range(start..end, &blanks);
    }
    owned
}
