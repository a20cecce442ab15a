//! Expressions: what a value is as far as ids go (a literal, a path such as `user.email`, a
//! fresh id, the SDK's current id), and the statements its calls and conditions add.

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, children};
use crate::frontend::{Condition, concatenation, fallback_value, guard_arms};
use crate::ir::{Block, Stmt, Value};

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        match node.kind() {
            "identifier" => self.name(self.text(node), scope),
            "this" | "super" => Value::local("this"),
            "null_literal" => Value::Null,
            "true" | "false" => Value::Bool(node.kind() == "true"),
            "string_literal" => self.string(node),
            "field_access" => self.field_access(node, scope, out),
            "method_invocation" => self.call(node, scope, out),
            "object_creation_expression" => self.new_object(node, scope, out),
            "assignment_expression" => self.assignment(node, scope, out),
            "binary_expression" => self.binary(node, scope, out),
            "ternary_expression" => self.ternary(node, scope, out),
            "cast_expression" => match node.child_by_field_name("value") {
                Some(inner) => self.expr(inner, scope, out),
                None => Value::Unknown,
            },
            "parenthesized_expression" => match children(node).into_iter().next() {
                Some(inner) => self.expr(inner, scope, out),
                None => Value::Unknown,
            },
            "lambda_expression" => {
                self.lambda(node, scope);
                Value::Unknown
            }
            "switch_expression" => {
                self.switch(node, scope, out);
                Value::Unknown
            }
            "decimal_integer_literal"
            | "hex_integer_literal"
            | "decimal_floating_point_literal"
            | "character_literal"
            | "method_reference"
            | "class_literal" => Value::Unknown,
            _ => self.operands(node, scope, out),
        }
    }

    /// A bare name: a local, a field of `this`, or a constant of another class.
    pub(super) fn name(&self, name: &str, scope: &Scope) -> Value {
        if !self.is_local(scope, name) && self.is_field(scope.self_type.as_deref(), name) {
            return Value::local("this").field(Some(name.to_owned()));
        }
        Value::local(name)
    }

    /// Lowers an expression whose value is not used.
    pub(super) fn effects(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "identifier" | "this" | "decimal_integer_literal" | "string_literal" => {}
            _ => {
                self.expr(node, scope, out);
            }
        }
    }

    /// The parts of a compound value (an array, an operator): their calls run, the compound
    /// itself is no id.
    fn operands(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        for child in children(node) {
            self.effects(child, scope, out);
        }
        Value::Unknown
    }

    /// `target.field`: a field of a path.
    fn field_access(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let (Some(object), Some(field)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("field"),
        ) else {
            return self.operands(node, scope, out);
        };
        let base = self.expr(object, scope, out);
        base.field(Some(self.text(field).to_owned()))
    }

    /// A string literal's text (a text block's too).
    fn string(&self, node: Node) -> Value {
        let text: String = children(node)
            .into_iter()
            .map(|part| match self.text(part) {
                "\\n" => "\n",
                "\\t" => "\t",
                "\\\"" => "\"",
                "\\\\" => "\\",
                other => other,
            })
            .collect();
        Value::Str(text)
    }

    /// `a + b` keeps an id (`"anon-" + id`); `a && b`, `a || b`: `b` may not run.
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
            "+" => {
                let left = self.expr(left, scope, out);
                let right = self.expr(right, scope, out);
                concatenation(left, right)
            }
            "&&" | "||" => {
                let left = self.expr(left, scope, out);
                let mut right_block = Vec::new();
                self.effects(right, scope, &mut right_block);
                // The right side runs when the left is truthy (`&&`) or not (`||`).
                let mut skipped = Vec::new();
                guard_arms(
                    Condition::on(left, operator == "&&"),
                    &mut right_block,
                    &mut skipped,
                );
                out.push(Stmt::Branch(vec![right_block, skipped]));
                Value::Unknown
            }
            _ => self.operands(node, scope, out),
        }
    }

    /// `c ? a : b`: a branch; a fresh value on either side is what some path sends, and a
    /// literal fallback (`id != null ? id : ""`) too.
    fn ternary(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let test = match node.child_by_field_name("condition") {
            Some(condition) => self.test(condition, scope, out),
            None => Condition::Unknown,
        };
        let mut then = Vec::new();
        let mut otherwise = Vec::new();
        guard_arms(test, &mut then, &mut otherwise);
        let a = match node.child_by_field_name("consequence") {
            Some(v) => self.expr(v, scope, &mut then),
            None => Value::Unknown,
        };
        let b = match node.child_by_field_name("alternative") {
            Some(v) => self.expr(v, scope, &mut otherwise),
            None => Value::Unknown,
        };
        out.push(Stmt::Branch(vec![then, otherwise]));
        match (&a, &b) {
            (Value::Fresh { .. }, _) => a,
            (_, Value::Fresh { .. }) => b,
            (Value::Str(_) | Value::Null, _) => fallback_value(false, b, a),
            _ => fallback_value(false, a, b),
        }
    }
}
