//! What the tree-sitter frontends share: parsing with error recovery, and reporting the
//! syntax errors the parser recovered from.

use tree_sitter::{Node, Parser};

use crate::frontend::{FileContext, Lowered, Options, SyntaxError, too_deep};
use crate::ir::{FileId, Module, Span};

/// Parses `text` with `grammar` and lowers the tree with `lower`; the tree is dropped on return.
pub fn lower_with(
    file: FileId,
    text: &str,
    context: &FileContext,
    options: &Options,
    grammar: &tree_sitter::Language,
    lower: impl FnOnce(Node) -> Module,
) -> Lowered {
    let empty = || Module::empty(file, context.language, context.module_path.clone());
    let fail = |message: &str| Lowered {
        module: empty(),
        errors: vec![SyntaxError {
            span: Span {
                file,
                start: 0,
                end: 0,
            },
            message: message.to_owned(),
            recovered: false,
        }],
    };
    if let Some(error) = too_deep(file, text, options) {
        return Lowered {
            module: empty(),
            errors: vec![error],
        };
    }
    let mut parser = Parser::new();
    if parser.set_language(grammar).is_err() {
        return fail("the bundled grammar does not match the tree-sitter runtime");
    }
    let Some(tree) = parser.parse(text, None) else {
        return fail("the parser gave up on this file");
    };
    let root = tree.root_node();
    let errors = syntax_errors(file, root, text);
    let module = lower(root);
    Lowered { module, errors }
}

/// The named children of a node, collected (a cursor borrow does not outlive the call).
pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The statements of a program or block, looking inside the `ERROR` nodes of syntax-error
/// recovery: what parsed around a mistake is still lowered.
pub fn recovered_statements(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack: Vec<Node> = named_children(node).into_iter().rev().collect();
    while let Some(child) = stack.pop() {
        if child.kind() == "ERROR" {
            stack.extend(named_children(child).into_iter().rev());
        } else {
            out.push(child);
        }
    }
    out
}

/// The first syntax error of a tree (tree-sitter recovers and goes on, so the rest of the file
/// is still lowered), with how many there are.
fn syntax_errors(file: FileId, root: Node, text: &str) -> Vec<SyntaxError> {
    if !root.has_error() {
        return Vec::new();
    }
    let mut found: Vec<Node> = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            found.push(node);
            continue;
        }
        if node.has_error() {
            let mut cursor = node.walk();
            let children: Vec<Node> = node.children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
    }
    found.sort_by_key(|n| n.start_byte());
    let Some(first) = found.first() else {
        return Vec::new();
    };
    let what = if first.is_missing() {
        format!("missing `{}`", first.kind())
    } else {
        let snippet: String = text
            .get(first.start_byte()..first.end_byte())
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(30)
            .collect();
        format!("unexpected `{}`", snippet.trim())
    };
    let more = match found.len() {
        1 => String::new(),
        n => format!(" ({} more syntax errors in this file)", n - 1),
    };
    let start = first.start_byte().min(text.len());
    // An error node can span the rest of the file; its first line says where it starts.
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = first
        .end_byte()
        .min(line_end)
        .max(start + 1)
        .min(text.len());
    vec![SyntaxError {
        span: Span {
            file,
            start: start as u32,
            end: end as u32,
        },
        message: format!("syntax error: {what}{more}"),
        recovered: true,
    }]
}

/// Where a function is named: its name, or for an anonymous one its first line.
pub fn header_span(file: FileId, node: Node, text: &str) -> Span {
    if let Some(name) = node.child_by_field_name("name") {
        return Span {
            file,
            start: name.start_byte() as u32,
            end: name.end_byte() as u32,
        };
    }
    let start = node.start_byte();
    let end = text[start..node.end_byte()]
        .find('\n')
        .map_or(node.end_byte(), |i| start + i);
    Span {
        file,
        start: start as u32,
        end: end as u32,
    }
}
