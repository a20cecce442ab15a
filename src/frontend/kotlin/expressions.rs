//! Expressions: what a value is as far as ids go (a literal, a path such as `user.email`, a
//! fresh id, the SDK's current id), and the statements its calls and conditions add.

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, children};
use crate::frontend::{Condition, concatenation, fallback_value, guard_arms};
use crate::ir::{Block, Stmt, Value};
use crate::sdk::SdkId;

/// Whether a value says anything about an id: a path, a fresh value, the current id.
fn names_an_id(value: &Value) -> bool {
    matches!(
        value,
        Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId
    )
}

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        match node.kind() {
            "identifier" => self.identifier(node, scope, out),
            "this_expression" | "super_expression" => Value::local("this"),
            "string_literal" | "multiline_string_literal" => self.string(node, scope, out),
            "navigation_expression" => self.navigation(node, scope, out),
            "call_expression" => self.call(node, scope, out),
            "binary_expression" => self.binary(node, scope, out),
            "unary_expression" => match node.child_by_field_name("argument") {
                // `id!!` is `id`; `!x`, `-x` are no ids.
                Some(inner)
                    if node
                        .child_by_field_name("operator")
                        .is_some_and(|o| self.text(o) == "!!") =>
                {
                    self.expr(inner, scope, out)
                }
                _ => self.operands(node, scope, out),
            },
            "as_expression" => match node.child_by_field_name("left") {
                Some(inner) => self.expr(inner, scope, out),
                None => Value::Unknown,
            },
            "parenthesized_expression" | "annotated_expression" | "labeled_expression" => {
                match children(node)
                    .into_iter()
                    .rfind(|c| !matches!(c.kind(), "annotation" | "label"))
                {
                    Some(inner) => self.expr(inner, scope, out),
                    None => Value::Unknown,
                }
            }
            "lambda_literal" | "anonymous_function" => {
                self.lambda(node, scope);
                Value::Unknown
            }
            "object_literal" => {
                self.anonymous_object(node, scope);
                Value::Unknown
            }
            "if_expression" => {
                self.if_expression(node, scope, out);
                Value::Unknown
            }
            "when_expression" => {
                self.when_expression(node, scope, out);
                Value::Unknown
            }
            "try_expression" => {
                self.try_expression(node, scope, out);
                Value::Unknown
            }
            "return_expression" => {
                self.return_expression(node, scope, out);
                Value::Unknown
            }
            "throw_expression" => {
                self.throw_expression(node, scope, out);
                Value::Unknown
            }
            "number_literal" | "float_literal" | "character_literal" | "callable_reference" => {
                Value::Unknown
            }
            _ => self.operands(node, scope, out),
        }
    }

    /// A name: a literal the grammar reads as one (`null`, `true`, `break`), a local, a
    /// property of `this` (Kotlin's implicit `this.`), or a top-level name.
    fn identifier(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let name = self.text(node);
        match name {
            "null" => return Value::Null,
            "true" | "false" => return Value::Bool(name == "true"),
            _ => {}
        }
        if let Some(jump) = self.jump(node) {
            out.push(jump);
            return Value::Unknown;
        }
        self.name(name, scope)
    }

    pub(super) fn name(&self, name: &str, scope: &Scope) -> Value {
        if !self.is_local(scope, name) && self.is_property(scope.self_type.as_deref(), name) {
            return Value::local("this").field(Some(name.to_owned()));
        }
        Value::local(name)
    }

    /// Lowers an expression whose value is not used.
    pub(super) fn effects(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "this_expression" | "number_literal" | "float_literal" | "string_content" => {}
            "labeled_expression" => match self.jump(node) {
                Some(jump) => out.push(jump),
                None => {
                    self.expr(node, scope, out);
                }
            },
            _ => {
                self.expr(node, scope, out);
            }
        }
    }

    /// The parts of a compound value (a collection, an operator): their calls run, the
    /// compound itself is no id.
    pub(super) fn operands(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        for child in children(node) {
            self.effects(child, scope, out);
        }
        Value::Unknown
    }

    /// `target.member`: the SDK's current id (`mixpanel.distinctId`), a field of a path, or
    /// a value-keeping property.
    fn navigation(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let (Some(target), Some(member)) =
            (children(node).into_iter().next(), member_name(self, node))
        else {
            return self.operands(node, scope, out);
        };
        if SdkId::Android.sdk().is_current_id(member) && self.tracker_of(target, scope).is_some() {
            return Value::CurrentId;
        }
        let base = self.expr(target, scope, out);
        base.field(Some(member.to_owned()))
    }

    /// `"anon-$id"`, `"${user.id}"`: still the id; a template without one is a literal.
    fn string(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let parts = children(node);
        let interpolated = parts
            .iter()
            .any(|p| p.kind() == "interpolation" || self.text(*p) == "$");
        if !interpolated {
            let text: String = parts.iter().map(|p| unescape(self.text(*p))).collect();
            return Value::Str(text);
        }
        let mut values = Vec::new();
        let mut dollar = false;
        for part in parts {
            match part.kind() {
                "interpolation" => {
                    if let Some(inner) = children(part).into_iter().next() {
                        values.push(self.expr(inner, scope, out));
                    }
                }
                // `$id`: the grammar gives `$` and the text after it; the name is its start.
                _ if dollar => {
                    let text = self.text(part);
                    let end = text
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(text.len());
                    if end > 0 {
                        values.push(self.name(&text[..end], scope));
                    }
                }
                _ => {}
            }
            dollar = self.text(part) == "$";
        }
        values
            .into_iter()
            .find(names_an_id)
            .unwrap_or(Value::Unknown)
    }

    /// `a ?: b` (`b` runs only when `a` is null; `?: return` leaves), `a + b`, `a && b`.
    fn binary(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let operator = node
            .child_by_field_name("operator")
            .map_or("", |o| self.text(o));
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return self.operands(node, scope, out);
        };
        match operator {
            "?:" | "&&" | "||" => {
                let left = self.expr(left, scope, out);
                let mut right_block = Vec::new();
                let right = self.expr(right, scope, &mut right_block);
                // The right side runs when the left is null (`?:`), truthy (`&&`) or not (`||`).
                let mut skipped = Vec::new();
                guard_arms(
                    Condition::on(left.clone(), operator == "&&"),
                    &mut right_block,
                    &mut skipped,
                );
                out.push(Stmt::Branch(vec![right_block, skipped]));
                match (operator, &right) {
                    ("?:", Value::Fresh { .. }) => right,
                    ("?:", _) => fallback_value(false, left, right),
                    _ => Value::Unknown,
                }
            }
            "+" => {
                let left = self.expr(left, scope, out);
                let right = self.expr(right, scope, out);
                concatenation(left, right)
            }
            _ => self.operands(node, scope, out),
        }
    }
}

/// The member a navigation names: `.distinctId` → `distinctId`.
pub(super) fn member_name<'a>(lowerer: &Lowerer<'a>, node: Node) -> Option<&'a str> {
    let parts = children(node);
    let last = parts.last().filter(|_| parts.len() >= 2)?;
    (last.kind() == "identifier").then(|| lowerer.text(*last))
}

/// Whether a navigation is a safe call (`a?.b`).
pub(super) fn is_safe(node: Node) -> bool {
    super::lowerer::has_token(node, "?.")
}

fn unescape(escaped: &str) -> String {
    match escaped {
        "\\n" => "\n".to_owned(),
        "\\t" => "\t".to_owned(),
        "\\\"" => "\"".to_owned(),
        "\\\\" => "\\".to_owned(),
        "\\$" => "$".to_owned(),
        other => other.to_owned(),
    }
}
