//! Statements: control flow becomes branches and loops (a `switch` whose cases fall through
//! as `frontend::switch_with_fall_through` spells out), `finally` runs before every way out of its `try`,
//! declarations become `Let`s and assignments to fields `Persist`s.

use tree_sitter::Node;

use super::lowerer::{
    Breakable, Lowerer, Scope, child_of_kind, children, is_tracker_type, type_name,
};
use crate::frontend::scope::Tracker;
use crate::frontend::treesitter::{ConditionSyntax, c_like_condition};
use crate::frontend::{
    Condition, concatenation, guard_arms, switch_with_fall_through, with_finally,
};
use crate::ir::{Block, Stmt, Value};

impl Lowerer<'_> {
    /// The statements of a block, or a single statement in its place (`if (x) return;`).
    pub(super) fn block_of(&mut self, node: Node, scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        match node.kind() {
            "block" | "constructor_body" | "switch_block_statement_group" => {
                for statement in children(node) {
                    self.stmt(statement, scope, &mut out);
                }
            }
            _ => self.stmt(node, scope, &mut out),
        }
        out
    }

    pub(super) fn stmt(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "block" => {
                let block = self.block_of(node, scope);
                out.extend(block);
            }
            "local_variable_declaration" => self.local(node, scope, out),
            "expression_statement" | "parenthesized_expression" => {
                for part in children(node) {
                    self.effects(part, scope, out);
                }
            }
            "if_statement" => self.if_statement(node, scope, out),
            "switch_expression" | "switch_statement" => self.switch(node, scope, out),
            "while_statement" => self.while_statement(node, scope, out),
            "do_statement" => self.do_statement(node, scope, out),
            "for_statement" => self.for_statement(node, scope, out),
            "enhanced_for_statement" => self.enhanced_for(node, scope, out),
            "try_statement" | "try_with_resources_statement" => {
                self.try_statement(node, scope, out)
            }
            "return_statement" | "yield_statement" => {
                let value = children(node)
                    .into_iter()
                    .next()
                    .map(|v| self.expr(v, scope, out));
                if node.kind() == "return_statement" {
                    out.push(Stmt::Return {
                        value,
                        span: self.span(node),
                        error: false,
                    });
                }
            }
            "throw_statement" => {
                for part in children(node) {
                    self.effects(part, scope, out);
                }
                out.push(Stmt::Return {
                    value: None,
                    span: self.span(node),
                    error: true,
                });
            }
            // An unlabelled `break` in an arrow `switch` ends the case.
            "break_statement"
                if children(node).is_empty()
                    && self.breakable.last() == Some(&Breakable::ArrowSwitch) => {}
            "break_statement" => out.push(Stmt::Break),
            "continue_statement" => out.push(Stmt::Continue),
            "labeled_statement" | "synchronized_statement" => {
                for part in children(node)
                    .into_iter()
                    .filter(|c| c.kind() != "identifier")
                {
                    self.stmt(part, scope, out);
                }
            }
            "explicit_constructor_invocation" => {
                if let Some(arguments) = node.child_by_field_name("arguments") {
                    for argument in children(arguments) {
                        self.effects(argument, scope, out);
                    }
                }
            }
            // Local types, asserts and empty statements run nothing here.
            "local_class_declaration" | "class_declaration" | "assert_statement" | ";" => {}
            _ => self.effects(node, scope, out),
        }
    }

    /// `String id = ..;`, `MixpanelAPI mp = MixpanelAPI.getInstance(..);`, `var a = b, c;`.
    fn local(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let declared = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)));
        let mut cursor = node.walk();
        let declarators: Vec<Node> = node
            .children_by_field_name("declarator", &mut cursor)
            .collect();
        for declarator in declarators {
            let Some(name) = declarator.child_by_field_name("name") else {
                continue;
            };
            let name = self.text(name).to_owned();
            let value_node = declarator.child_by_field_name("value");
            if let Some(value) = value_node
                && value.kind() == "lambda_expression"
            {
                let closure = self.lambda(value, scope);
                scope.closures.insert(name.clone(), closure);
                scope.locals.insert(name);
                continue;
            }
            let value = match value_node {
                Some(v) => self.expr(v, scope, out),
                None => Value::Unknown,
            };
            self.bind(&name, value_node, declared.clone(), scope);
            out.push(Stmt::Let { name, value });
        }
    }

    /// What a name learns from the value or type it is bound to: a tracker, a type.
    pub(super) fn bind(
        &mut self,
        name: &str,
        value: Option<Node>,
        declared: Option<String>,
        scope: &mut Scope,
    ) {
        scope.trackers.remove(name);
        if let Some(value) = value {
            if let Some(tracker) = self.tracker_of(value, scope) {
                scope.trackers.insert(name.to_owned(), tracker);
            }
            if let Some(found) = self.receiver_type(value, scope) {
                scope.types.insert(name.to_owned(), found);
            }
        }
        if let Some(found) = declared {
            if is_tracker_type(&found) {
                scope.trackers.insert(name.to_owned(), Tracker::Known(()));
            }
            scope.types.insert(name.to_owned(), found);
        }
        scope.locals.insert(name.to_owned());
    }

    /// `x = v` rebinds a local; `this.x = v`, `x = v` for a field, `a[i] = v`, `user.id = v`
    /// persist the value (it outlives the call).
    pub(super) fn assignment(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let (Some(target), Some(result)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return Value::Unknown;
        };
        let compound = node
            .child_by_field_name("operator")
            .is_some_and(|o| self.text(o) != "=");
        let mut value = self.expr(result, scope, out);
        if target.kind() == "identifier" && scope.locals.contains(self.text(target)) {
            let name = self.text(target).to_owned();
            if compound {
                value = concatenation(Value::local(name.clone()), value);
            }
            self.bind(&name, Some(result), None, scope);
            out.push(Stmt::Let {
                name,
                value: value.clone(),
            });
            return value;
        }
        if target.kind() != "identifier" {
            for part in children(target) {
                self.effects(part, scope, out);
            }
        }
        out.push(Stmt::Persist {
            value: value.clone(),
            span: self.span(node),
            target: None,
        });
        value
    }

    fn if_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let test = match node.child_by_field_name("condition") {
            Some(condition) => self.test(condition, scope, out),
            None => Condition::Unknown,
        };
        let mut then = node
            .child_by_field_name("consequence")
            .map(|c| self.block_of(c, scope))
            .unwrap_or_default();
        let mut otherwise = node
            .child_by_field_name("alternative")
            .map(|c| self.block_of(c, scope))
            .unwrap_or_default();
        guard_arms(test, &mut then, &mut otherwise);
        out.push(Stmt::Branch(vec![then, otherwise]));
    }

    /// What a condition says about named values: `isNew`, `!this.isNew`, `user == null`,
    /// `flag != true`, `a && b`, `a || b`, `(a)`. Its calls run in `out` (the right side of
    /// `&&` and `||` only sometimes).
    pub(super) fn test(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Condition {
        const SYNTAX: ConditionSyntax = ConditionSyntax {
            negated: "operand",
            equalities: &[("==", true), ("!=", false)],
        };
        c_like_condition(self, &SYNTAX, node, scope, out)
    }

    /// `switch (x) { case A: ..; break; default: .. }`: entering at a case runs it and, until
    /// a jump, the cases after it; one pass of a loop, so `break` leaves the `switch`.
    /// `switch (x) { case A -> ..; default -> .. }`: exactly one case runs, none falls through.
    pub(super) fn switch(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, out);
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let cases = children(body);
        let has_default = cases.iter().any(|c| {
            child_of_kind(*c, "switch_label").is_some_and(|l| self.text(l).trim() == "default")
        });
        if cases.iter().any(|c| c.kind() == "switch_rule") {
            self.breakable.push(Breakable::ArrowSwitch);
            let mut arms: Vec<Block> = cases
                .into_iter()
                .filter(|c| c.kind() == "switch_rule")
                .map(|rule| {
                    let mut arm = Vec::new();
                    for part in children(rule)
                        .into_iter()
                        .filter(|p| p.kind() != "switch_label")
                    {
                        self.stmt(part, scope, &mut arm);
                    }
                    arm
                })
                .collect();
            self.breakable.pop();
            if !has_default {
                arms.push(Vec::new());
            }
            out.push(Stmt::Branch(arms));
            return;
        }
        self.breakable.push(Breakable::Loop);
        let bodies: Vec<Block> = cases
            .into_iter()
            .filter(|c| c.kind() == "switch_block_statement_group")
            .map(|group| {
                let mut arm = Vec::new();
                for part in children(group)
                    .into_iter()
                    .filter(|p| p.kind() != "switch_label")
                {
                    self.stmt(part, scope, &mut arm);
                }
                arm
            })
            .collect();
        self.breakable.pop();
        out.push(switch_with_fall_through(bodies, !has_default));
    }

    fn loop_body(&mut self, node: Node, scope: &mut Scope) -> Block {
        self.breakable.push(Breakable::Loop);
        let body = node
            .child_by_field_name("body")
            .map(|b| self.block_of(b, scope))
            .unwrap_or_default();
        self.breakable.pop();
        body
    }

    /// `while (c) ..`: each iteration tests the condition, then runs the body or leaves.
    fn while_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut body = Vec::new();
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, &mut body);
        }
        let inner = self.loop_body(node, scope);
        body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body,
        });
    }

    /// `do .. while (c);`: the body runs, then the condition decides whether again.
    fn do_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut body = self.loop_body(node, scope);
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, &mut body);
        }
        body.push(Stmt::Branch(vec![Vec::new(), vec![Stmt::Break]]));
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body,
        });
    }

    /// `for (init; condition; update) body`.
    fn for_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut cursor = node.walk();
        let inits: Vec<Node> = node.children_by_field_name("init", &mut cursor).collect();
        for init in inits {
            self.stmt(init, scope, out);
        }
        let mut body = Vec::new();
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, &mut body);
        }
        let mut inner = self.loop_body(node, scope);
        let mut cursor = node.walk();
        let updates: Vec<Node> = node.children_by_field_name("update", &mut cursor).collect();
        for update in updates {
            self.effects(update, scope, &mut inner);
        }
        body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body,
        });
    }

    /// `for (User user : users) ..`: `user` is fresh on every iteration.
    fn enhanced_for(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(collection) = node.child_by_field_name("value") {
            self.effects(collection, scope, out);
        }
        let bindings: Vec<String> = node
            .child_by_field_name("name")
            .map(|n| self.text(n).to_owned())
            .into_iter()
            .collect();
        scope.locals.extend(bindings.iter().cloned());
        let body = self.loop_body(node, scope);
        out.push(Stmt::Loop { bindings, body });
    }

    /// `try (R r = open()) { .. } catch (E e) { .. } finally { .. }`: the resources are
    /// opened, the body completes or one handler runs; `finally` runs after either, and
    /// before every way out of them.
    fn try_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut arms = Vec::new();
        let mut opened = Vec::new();
        let mut finally = Vec::new();
        if let Some(resources) = node.child_by_field_name("resources") {
            for resource in children(resources) {
                let name = resource.child_by_field_name("name");
                let value_node = resource.child_by_field_name("value");
                match (name, value_node) {
                    (Some(name), Some(value_node)) => {
                        let name = self.text(name).to_owned();
                        let value = self.expr(value_node, scope, &mut opened);
                        let declared = resource
                            .child_by_field_name("type")
                            .and_then(|t| type_name(self.text(t)));
                        self.bind(&name, Some(value_node), declared, scope);
                        opened.push(Stmt::Let { name, value });
                    }
                    _ => self.effects(resource, scope, &mut opened),
                }
            }
        }
        if let Some(body) = node.child_by_field_name("body") {
            let mut block = opened;
            block.extend(self.block_of(body, scope));
            arms.push(block);
        }
        for part in children(node) {
            match part.kind() {
                "catch_clause" => {
                    if let Some(name) = child_of_kind(part, "catch_formal_parameter")
                        .and_then(|p| p.child_by_field_name("name"))
                    {
                        scope.locals.insert(self.text(name).to_owned());
                    }
                    let handler = part
                        .child_by_field_name("body")
                        .map(|b| self.block_of(b, scope))
                        .unwrap_or_default();
                    arms.push(handler);
                }
                "finally_clause" => {
                    if let Some(block) = child_of_kind(part, "block") {
                        finally = self.block_of(block, scope);
                    }
                }
                _ => {}
            }
        }
        let body = match arms.len() {
            0 => Vec::new(),
            1 => arms.pop().unwrap_or_default(),
            _ => vec![Stmt::Branch(arms)],
        };
        out.extend(with_finally(body, finally));
    }
}
