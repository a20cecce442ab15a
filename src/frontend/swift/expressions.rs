//! Expressions: what a value is as far as ids go (a literal, a path such as `user.email`, a
//! fresh id, the SDK's current id), and the statements its calls and conditions add.

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, children};
use super::sdk;
use crate::frontend::{Condition, concatenation, fallback_value, guard_arms};
use crate::ir::{Block, Stmt, Value};
use crate::sdk::SdkId;

/// Whether a value says anything about an id: a path, a fresh value.
fn names_an_id(value: &Value) -> bool {
    matches!(
        value,
        Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId
    )
}

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        match node.kind() {
            "simple_identifier" => self.name(self.text(node), scope),
            "self_expression" | "super_expression" => Value::local("self"),
            "nil_literal" => Value::Null,
            "boolean_literal" => Value::Bool(self.text(node) == "true"),
            "line_string_literal" | "multi_line_string_literal" | "raw_string_literal" => {
                self.string(node, scope, out)
            }
            "navigation_expression" => self.navigation(node, scope, out),
            "call_expression" => self.call(node, scope, out),
            "constructor_expression" => self.constructor(node, scope, out),
            "nil_coalescing_expression" => self.nil_coalescing(node, scope, out),
            "ternary_expression" => self.ternary(node, scope, out),
            "additive_expression" => {
                let operands = children(node);
                let values: Vec<Value> =
                    operands.iter().map(|o| self.expr(*o, scope, out)).collect();
                values
                    .into_iter()
                    .reduce(concatenation)
                    .unwrap_or(Value::Unknown)
            }
            // `try f()`, `await f()`, `id!`, `x as String`, `(x)`: the inner value.
            "try_expression" | "await_expression" | "as_expression" | "postfix_expression" => {
                match node
                    .child_by_field_name("expr")
                    .or_else(|| node.child_by_field_name("target"))
                {
                    Some(inner) => self.expr(inner, scope, out),
                    None => self.operands(node, scope, out),
                }
            }
            "tuple_expression" => match children(node).as_slice() {
                [single] => self.expr(*single, scope, out),
                _ => self.operands(node, scope, out),
            },
            "lambda_literal" => {
                self.closure(node, scope);
                Value::Unknown
            }
            "if_statement" | "switch_statement" | "do_statement" => {
                self.stmt(node, scope, out);
                Value::Unknown
            }
            _ => self.operands(node, scope, out),
        }
    }

    /// A bare name: a local, a property of `self` (Swift's implicit `self.`), or a global.
    pub(super) fn name(&self, name: &str, scope: &Scope) -> Value {
        if !scope.locals.contains(name) && self.is_property(scope.self_type.as_deref(), name) {
            return Value::local("self").field(Some(name.to_owned()));
        }
        Value::local(name)
    }

    /// Lowers an expression whose value is not used.
    pub(super) fn effects(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "simple_identifier" | "self_expression" | "integer_literal" | "boolean_literal"
            | "nil_literal" | "line_str_text" => {}
            _ => {
                self.expr(node, scope, out);
            }
        }
    }

    /// The parts of a compound value (a collection, an operator): their calls run, the
    /// compound itself is no id.
    fn operands(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        for child in children(node) {
            self.effects(child, scope, out);
        }
        Value::Unknown
    }

    /// `target.member`: a field of a path, the SDK's current id (`mixpanel.distinctId`), or a
    /// value-keeping member (`uuid.uuidString`).
    fn navigation(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let (Some(target), Some(member)) =
            (node.child_by_field_name("target"), member_name(self, node))
        else {
            return self.operands(node, scope, out);
        };
        if SdkId::Swift.sdk().is_current_id(member) && self.tracker_of(target, scope).is_some() {
            return Value::CurrentId;
        }
        let base = self.expr(target, scope, out);
        if sdk::DERIVING_MEMBERS.contains(&member) {
            return base;
        }
        base.field(Some(member.to_owned()))
    }

    /// `"anon-\(id)"` is still `id`; a string without interpolation is a literal.
    fn string(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let interpolations: Vec<Node> = children(node)
            .into_iter()
            .filter(|c| {
                c.kind() == "interpolated_expression" || c.kind() == "raw_str_interpolation"
            })
            .collect();
        if interpolations.is_empty() {
            let text: String = children(node)
                .into_iter()
                .map(|part| match part.kind() {
                    "str_escaped_char" => unescape(self.text(part)),
                    _ => self.text(part).to_owned(),
                })
                .collect();
            return Value::Str(text);
        }
        let values: Vec<Value> = interpolations
            .into_iter()
            .map(|i| {
                let inner = i
                    .child_by_field_name("value")
                    .or_else(|| children(i).into_iter().next());
                inner.map_or(Value::Unknown, |v| self.expr(v, scope, out))
            })
            .collect();
        values
            .into_iter()
            .find(names_an_id)
            .unwrap_or(Value::Unknown)
    }

    /// `a ?? b`: `b` runs only when `a` is nil; a literal fallback is what some paths send.
    fn nil_coalescing(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let left = match node.child_by_field_name("value") {
            Some(v) => self.expr(v, scope, out),
            None => Value::Unknown,
        };
        let mut right_block = Vec::new();
        let right = match node.child_by_field_name("if_nil") {
            Some(v) => self.expr(v, scope, &mut right_block),
            None => Value::Unknown,
        };
        out.push(Stmt::Branch(vec![right_block, Vec::new()]));
        match (&left, &right) {
            (_, Value::Fresh { .. }) => right,
            _ => fallback_value(false, left, right),
        }
    }

    /// `c ? a : b`: a branch; a fresh value on either side is what some path sends.
    fn ternary(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let test = match node.child_by_field_name("condition") {
            Some(condition) => self.test(condition, scope, out),
            None => Condition::Unknown,
        };
        let mut then = Vec::new();
        let mut otherwise = Vec::new();
        guard_arms(test, &mut then, &mut otherwise);
        let a = match node.child_by_field_name("if_true") {
            Some(v) => self.expr(v, scope, &mut then),
            None => Value::Unknown,
        };
        let b = match node.child_by_field_name("if_false") {
            Some(v) => self.expr(v, scope, &mut otherwise),
            None => Value::Unknown,
        };
        out.push(Stmt::Branch(vec![then, otherwise]));
        match (&a, &b) {
            (Value::Fresh { .. }, _) => a,
            (_, Value::Fresh { .. }) => b,
            _ => Value::Unknown,
        }
    }
}

/// The member a navigation names: `.distinctId` → `distinctId`.
pub(super) fn member_name<'a>(lowerer: &Lowerer<'a>, node: Node) -> Option<&'a str> {
    let suffix = node.child_by_field_name("suffix")?;
    let name = suffix.child_by_field_name("suffix")?;
    Some(lowerer.text(name))
}

fn unescape(escaped: &str) -> String {
    match escaped {
        "\\n" => "\n".to_owned(),
        "\\t" => "\t".to_owned(),
        "\\\"" => "\"".to_owned(),
        "\\\\" => "\\".to_owned(),
        other => other.to_owned(),
    }
}
