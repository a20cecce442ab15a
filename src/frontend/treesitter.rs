//! What the tree-sitter frontends (Swift, Objective-C, Kotlin, Java) share: parsing a file
//! with a grammar, its first syntax error, and the spans and text of nodes.
//!
//! tree-sitter always recovers: a file with syntax errors still has a tree, with `ERROR` and
//! missing nodes where the grammar gave up, so what parsed around them is lowered.

use tree_sitter::{Language as Grammar, Node, Parser, Tree};

use crate::frontend::{FileContext, Options};
use crate::frontend::{Lowered, SyntaxError, too_deep};
use crate::ir::{FileId, Module, Span};

/// A parsed file, or why it is not lowered: it nests too deeply for the (recursive)
/// lowerers, or the parser refused it.
pub(super) fn parse(
    grammar: Grammar,
    file: FileId,
    text: &str,
    options: &Options,
) -> Result<Tree, SyntaxError> {
    if let Some(error) = too_deep(file, text, options) {
        return Err(error);
    }
    let mut parser = Parser::new();
    let parsed = parser
        .set_language(&grammar)
        .ok()
        .and_then(|()| parser.parse(text, None));
    parsed.ok_or_else(|| SyntaxError {
        span: Span {
            file,
            start: 0,
            end: 0,
        },
        message: "the parser gave up on this file; it was not analysed".to_owned(),
        recovered: false,
        unread: Vec::new(),
    })
}

/// What a file that was not lowered contributes: an empty module and the reason.
pub(super) fn refused(file: FileId, context: &FileContext, error: SyntaxError) -> Lowered {
    Lowered {
        module: Module::empty(file, context.language, context.module_path.clone()),
        errors: vec![error],
    }
}

/// The first `ERROR` or missing node in source order, with how many more there are.
pub(super) fn first_error(file: FileId, text: &str, tree: &Tree) -> Option<SyntaxError> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let errors = error_nodes(root);
    let first = errors.first()?;
    let more = match errors.len() {
        1 => String::new(),
        n => format!(" ({} more syntax errors in this file)", n - 1),
    };
    let what = if first.is_missing() {
        format!("missing `{}`", first.kind())
    } else {
        let start = first.start_byte();
        let line = text[start..].lines().next().unwrap_or("");
        let shown: String = line.trim().chars().take(40).collect();
        format!("unexpected `{shown}`")
    };
    // Error nodes are local in tree-sitter: what lies outside them was lowered.
    let unread = errors
        .iter()
        .map(|node| Span {
            file,
            start: node.start_byte() as u32,
            end: node.end_byte() as u32,
        })
        .collect();
    Some(SyntaxError {
        span: line_span(file, text, first.start_byte(), first.end_byte()),
        message: format!("syntax error: {what}{more}"),
        recovered: true,
        unread,
    })
}

/// The outermost `ERROR` and missing nodes, in source order, found without recursion.
fn error_nodes(root: Node) -> Vec<Node> {
    let mut found = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let is_error = node.is_error() || node.is_missing();
        if is_error {
            found.push(node);
        }
        // Only subtrees that hold an error are entered, and not those already reported.
        if !is_error && node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return found;
            }
        }
    }
}

/// `start..end` cut to the line it starts on, at least one character long where the text has
/// one: an error node can reach to the end of the file.
fn line_span(file: FileId, text: &str, start: usize, end: usize) -> Span {
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
