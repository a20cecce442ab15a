//! The JavaScript and TypeScript frontend: tree-sitter parses a file (tolerating syntax errors,
//! as an editor needs), [`lower`] turns what parsed into IR and drops the tree.

mod lower;
mod sdk;

use tree_sitter::{Node, Parser};

use crate::frontend::{FileContext, Lowered, Options, SyntaxError, too_deep};
use crate::ir::{FileId, Module, Span};

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    let empty = || Module {
        file,
        language: context.language,
        path: context.module_path.clone(),
        imports: Vec::new(),
        functions: Vec::new(),
    };
    if let Some(error) = too_deep(file, text, options) {
        return Lowered {
            module: empty(),
            errors: vec![error],
        };
    }
    let mut parser = Parser::new();
    let language: tree_sitter::Language = if context.file_name.ends_with(".tsx") {
        tree_sitter_typescript::LANGUAGE_TSX.into()
    } else if context.language == crate::ir::Language::TypeScript {
        tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()
    } else {
        tree_sitter_javascript::LANGUAGE.into()
    };
    if parser.set_language(&language).is_err() {
        return Lowered {
            module: empty(),
            errors: vec![SyntaxError {
                span: Span {
                    file,
                    start: 0,
                    end: 0,
                },
                message: "the bundled grammar does not match the tree-sitter runtime".to_owned(),
                recovered: false,
            }],
        };
    }
    let Some(tree) = parser.parse(text, None) else {
        return Lowered {
            module: empty(),
            errors: vec![SyntaxError {
                span: Span {
                    file,
                    start: 0,
                    end: 0,
                },
                message: "the parser gave up on this file".to_owned(),
                recovered: false,
            }],
        };
    };
    let root = tree.root_node();
    let errors = syntax_errors(file, root, text);
    let module = lower::lower_file(file, text, root, context, options);
    Lowered { module, errors }
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
