//! What the tree-sitter frontends (Swift, Objective-C, Kotlin, Java) share: parsing a file
//! with a grammar, its first syntax error, the spans and text of nodes, a node's children,
//! and the conditions of the C-like grammars (Java, Kotlin, Objective-C).
//!
//! tree-sitter always recovers: a file with syntax errors still has a tree, with `ERROR` and
//! missing nodes where the grammar gave up, so what parsed around them is lowered.

use tree_sitter::{Language as Grammar, Node, Parser, Tree};

use crate::frontend::scope::{Scope, Tracker};
use crate::frontend::{Condition, FileContext, Options, equality, short_circuit};
use crate::frontend::{Lowered, SyntaxError, too_deep};
use crate::ir::{Block, FileId, Module, Span, Value};

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

/// A node's named children, without comments.
pub(super) fn children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !c.kind().ends_with("comment"))
        .collect()
}

/// The first named child of a kind.
pub(super) fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    children(node).into_iter().find(|c| c.kind() == kind)
}

/// Whether a child of the node, a token or not, is of kind `token` (`else`, `?`).
pub(super) fn has_child_kind(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| c.kind() == token)
}

/// What a tree-sitter frontend's lowerer offers the parts the frontends lower alike.
pub(super) trait TreeLowerer {
    fn node_text(&self, node: Node) -> &str;
    fn lower_expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value;
    fn lower_effects(&mut self, node: Node, scope: &mut Scope, out: &mut Block);
}

/// How a C-like grammar writes a condition: the field of a `unary_expression` that holds
/// what `!` negates, and the equality operators (`true`: equal, `false`: not equal).
pub(super) struct ConditionSyntax {
    pub negated: &'static str,
    pub equalities: &'static [(&'static str, bool)],
}

/// What a condition of a C-like grammar (Java, Kotlin, Objective-C) says about named values:
/// `isNew`, `!this.isNew`, `user == null`, `flag != true`, `a && b`, `a || b`, `(a)`. Its
/// calls run in `out` (the right side of `&&` and `||` only when the left lets it).
pub(super) fn c_like_condition(
    lowerer: &mut impl TreeLowerer,
    syntax: &ConditionSyntax,
    node: Node,
    scope: &mut Scope,
    out: &mut Block,
) -> Condition {
    match node.kind() {
        "parenthesized_expression" => match children(node).as_slice() {
            [inner] => c_like_condition(lowerer, syntax, *inner, scope, out),
            _ => {
                lowerer.lower_effects(node, scope, out);
                Condition::Unknown
            }
        },
        "unary_expression"
            if node
                .child_by_field_name("operator")
                .is_some_and(|o| lowerer.node_text(o) == "!") =>
        {
            match node.child_by_field_name(syntax.negated) {
                Some(inner) => !c_like_condition(lowerer, syntax, inner, scope, out),
                None => Condition::Unknown,
            }
        }
        "binary_expression" => {
            let operator = node
                .child_by_field_name("operator")
                .map_or(String::new(), |o| lowerer.node_text(o).to_owned());
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                lowerer.lower_effects(node, scope, out);
                return Condition::Unknown;
            };
            if operator == "&&" || operator == "||" {
                let left = c_like_condition(lowerer, syntax, left, scope, out);
                let mut tested = Vec::new();
                let right = c_like_condition(lowerer, syntax, right, scope, &mut tested);
                return short_circuit(left, tested, right, operator == "||", out);
            }
            match syntax.equalities.iter().find(|(o, _)| *o == operator) {
                Some((_, equal)) => {
                    let left = lowerer.lower_expr(left, scope, out);
                    let right = lowerer.lower_expr(right, scope, out);
                    equality(left, right, *equal, scope, out)
                }
                None => {
                    lowerer.lower_effects(node, scope, out);
                    Condition::Unknown
                }
            }
        }
        _ => {
            let value = lowerer.lower_expr(node, scope, out);
            Condition::on(value, true)
        }
    }
}

/// Whether a bare name is a tracker where members are declared with types (Java, Kotlin): a
/// local bound to one, a member of the current type that holds one, or a name like a
/// tracker's that no declared type contradicts (a member path is no type yet).
pub(super) fn tracker_named(
    name: &str,
    scope: &Scope,
    member_holds_tracker: impl FnOnce() -> bool,
    member_typed: impl FnOnce() -> bool,
    named_like_tracker: bool,
) -> Option<Tracker> {
    if let Some(tracker) = scope.trackers.get(name) {
        return Some(*tracker);
    }
    let member = !scope.locals.contains(name);
    if member && member_holds_tracker() {
        return Some(Tracker::Known(()));
    }
    let typed =
        scope.types.get(name).is_some_and(|t| !t.contains('.')) || (member && member_typed());
    (!typed && named_like_tracker).then_some(Tracker::ByName)
}
