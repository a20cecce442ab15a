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
                    unread: Vec::new(),
                }],
            }
        }
    };
    // proc-macro2 keeps a thread-local table of every parsed text for span lookups; the
    // file's spans are all converted by now, so free it (long runs and the editor server).
    proc_macro2::extra::invalidate_current_thread_spans();
    lowered
}

/// Blanks a byte-order mark, a `#!` interpreter line and a cargo-script frontmatter block
/// (`---cargo` … `---`), keeping byte offsets stable, because `syn::parse_file` would otherwise
/// strip the first two (shifting every span) and reject the third.
fn blank_preamble(text: &str) -> String {
    let mut owned = text.to_owned();
    if owned.starts_with('\u{feff}') {
        owned.replace_range(0..3, "   ");
    }
    let body = owned.trim_start();
    if body.starts_with("#!") && !body.starts_with("#![") {
        let start = owned.len() - body.len();
        let end = owned[start..].find('\n').map_or(owned.len(), |i| start + i);
        blank(&mut owned, start..end);
    }
    if let Some(block) = frontmatter(&owned) {
        blank(&mut owned, block);
    }
    owned
}

/// The byte range of a cargo-script frontmatter block: after blank lines (and the blanked
/// `#!` line), a line of three or more dashes with an optional info string, up to and
/// including a line of at least as many dashes.
fn frontmatter(text: &str) -> Option<std::ops::Range<usize>> {
    let start = text.len() - text.trim_start().len();
    let start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let opening = text[start..].lines().next()?.trim_start();
    let dashes = opening.chars().take_while(|&c| c == '-').count();
    if dashes < 3 {
        return None;
    }
    let mut offset = start + text[start..].find('\n')? + 1;
    for line in text[offset..].split_inclusive('\n') {
        let trimmed = line.trim();
        let end = offset + line.len();
        if trimmed.len() >= dashes && trimmed.chars().all(|c| c == '-') {
            return Some(start..end);
        }
        offset = end;
    }
    None
}

/// Replaces every character in `range` but line breaks with a space of the same byte length.
fn blank(text: &mut String, range: std::ops::Range<usize>) {
    let blanked: String = text[range.clone()]
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' {
                c.to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    text.replace_range(range, &blanked);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter_and_shebang_are_blanked_with_offsets_kept() {
        let text = "#!/usr/bin/env -S cargo +nightly -Zscript\n---cargo\n[dependencies]\nmixpanel-rs = \"0.3\"\n---\n\nfn main() {}\n";
        let blanked = blank_preamble(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked.find("fn main"), text.find("fn main"));
        assert!(syn::parse_file(&blanked).is_ok(), "{blanked}");
    }

    #[test]
    fn a_file_without_frontmatter_is_unchanged() {
        let text = "// --- a comment\nfn f() { let _x = 1 - -1; }\n";
        assert_eq!(blank_preamble(text), text);
        assert_eq!(frontmatter("fn f() {}\n---\n"), None);
    }
}
