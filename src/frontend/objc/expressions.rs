//! Expressions: what a value is as far as ids go (a literal, a path such as `user.email`, a
//! fresh id, the SDK's current id), and the statements its calls and conditions add.

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, children};
use super::sdk;
use crate::frontend::{Condition, fallback_value, guard_arms};
use crate::ir::{Block, Stmt, Value};
use crate::sdk::SdkId;

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        match node.kind() {
            "identifier" => self.name(self.text(node), scope),
            "null" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "string_literal" | "concatenated_string" => Value::Str(self.string(node)),
            "field_expression" => self.field(node, scope, out),
            "message_expression" => self.message(node, scope, out),
            "call_expression" => self.c_call(node, scope, out),
            "assignment_expression" => self.assignment(node, scope, out),
            "conditional_expression" => self.conditional(node, scope, out),
            // `(x)`, `(NSString *)x`: the inner value.
            "parenthesized_expression" => match children(node).as_slice() {
                [single] => self.expr(*single, scope, out),
                _ => self.operands(node, scope, out),
            },
            "cast_expression" => match node.child_by_field_name("value") {
                Some(value) => self.expr(value, scope, out),
                None => Value::Unknown,
            },
            "block_literal" => {
                // Passed nowhere that runs it here: a function of its own, an entry point.
                self.block(node, scope);
                Value::Unknown
            }
            _ => self.operands(node, scope, out),
        }
    }

    /// A bare name: a local, an instance variable of `self` (`_anonymousId` is
    /// `self.anonymousId`), a literal (`nil`, `YES`), or a global.
    pub(super) fn name(&self, name: &str, scope: &Scope) -> Value {
        match name {
            "nil" | "Nil" | "NULL" => return Value::Null,
            "YES" | "TRUE" => return Value::Bool(true),
            "NO" | "FALSE" => return Value::Bool(false),
            _ => {}
        }
        if !scope.locals.contains(name)
            && let Some(property) = self.ivar_property(scope.self_type.as_deref(), name)
        {
            return Value::local("self").field(Some(property));
        }
        // `_anonymousId` in a method, declared by another file (the header's `@property`): a
        // property's backing instance variable, by the naming convention.
        if let Some(property) = name.strip_prefix('_').filter(|p| !p.is_empty())
            && scope.self_type.is_some()
            && !scope.locals.contains(name)
            && !self.file_scope.types.contains_key(name)
            && !self.file_scope.trackers.contains_key(name)
        {
            return Value::local("self").field(Some(property.to_owned()));
        }
        Value::local(name)
    }

    /// Lowers an expression whose value is not used.
    pub(super) fn effects(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "identifier"
            | "number_literal"
            | "string_literal"
            | "concatenated_string"
            | "true"
            | "false"
            | "null"
            | "char_literal" => {}
            _ => {
                self.expr(node, scope, out);
            }
        }
    }

    /// The parts of a compound value (a literal collection, an operator, a boxed `@(..)`):
    /// their calls run, the compound itself is no id.
    pub(super) fn operands(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        for child in children(node) {
            self.effects(child, scope, out);
        }
        Value::Unknown
    }

    /// `target.member` (dot syntax reads a property) and `target->ivar`: a field of a path,
    /// the SDK's current id (`mixpanel.distinctId`), or a value-keeping member
    /// (`uuid.UUIDString`).
    fn field(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let (Some(target), Some(member)) = (
            node.child_by_field_name("argument"),
            node.child_by_field_name("field"),
        ) else {
            return self.operands(node, scope, out);
        };
        let member = self.text(member);
        if SdkId::ObjectiveC.sdk().is_current_id(member) && self.tracker_of(target, scope).is_some()
        {
            return Value::CurrentId;
        }
        let base = self.expr(target, scope, out);
        if sdk::DERIVING_SELECTORS.contains(&member) {
            return base;
        }
        base.field(Some(member.to_owned()))
    }

    /// The text of `@"…"`, `"…"` and of adjacent literals joined.
    pub(super) fn string(&self, node: Node) -> String {
        let mut text = String::new();
        let mut stack = vec![node];
        while let Some(current) = stack.pop() {
            match current.kind() {
                "string_content" => text.push_str(self.text(current)),
                "escape_sequence" => text.push_str(&unescape(self.text(current))),
                _ => stack.extend(children(current).into_iter().rev()),
            }
        }
        text
    }

    /// `c ? a : b` is a branch, a fresh value on either side is what some path sends;
    /// `a ?: b` is `a` unless it is nil, and a literal fallback is what some paths send.
    fn conditional(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let condition = match node.child_by_field_name("condition") {
            Some(c) => self.expr(c, scope, out),
            None => Value::Unknown,
        };
        let mut then = Vec::new();
        let mut otherwise = Vec::new();
        guard_arms(
            Condition::on(condition.clone(), true),
            &mut then,
            &mut otherwise,
        );
        let a = node
            .child_by_field_name("consequence")
            .map(|v| self.expr(v, scope, &mut then));
        let b = match node.child_by_field_name("alternative") {
            Some(v) => self.expr(v, scope, &mut otherwise),
            None => Value::Unknown,
        };
        out.push(Stmt::Branch(vec![then, otherwise]));
        let Some(a) = a else {
            return match &b {
                Value::Fresh { .. } => b,
                _ => fallback_value(false, condition, b),
            };
        };
        match (&a, &b) {
            (Value::Fresh { .. }, _) => a,
            (_, Value::Fresh { .. }) => b,
            _ => Value::Unknown,
        }
    }
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
