//! Statements: control flow becomes branches and loops, `finally` runs before every way out
//! of its `try`, declarations become `Let`s and assignments to properties `Persist`s.

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, child_of_kind, children, has_token};
use super::module::initial_value;
use crate::frontend::scope::Tracker;
use crate::frontend::treesitter::{ConditionSyntax, c_like_condition};
use crate::frontend::{Condition, concatenation, guard_arms, with_finally};
use crate::ir::{Block, Stmt, Value};

impl Lowerer<'_> {
    pub(super) fn statements(&mut self, statements: &[Node], scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        for statement in statements {
            self.stmt(*statement, scope, &mut out);
        }
        out
    }

    /// The statements of a `{ .. }` block, or of a single statement in its place
    /// (`if (x) return`).
    pub(super) fn block_of(&mut self, node: Node, scope: &mut Scope) -> Block {
        match node.kind() {
            "block" => {
                let statements = children(node);
                self.statements(&statements, scope)
            }
            _ => {
                let mut out = Vec::new();
                self.stmt(node, scope, &mut out);
                out
            }
        }
    }

    pub(super) fn stmt(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "property_declaration" => self.local(node, scope, out),
            "assignment" => self.assignment(node, scope, out),
            "for_statement" => self.for_statement(node, scope, out),
            "while_statement" => self.while_statement(node, scope, out),
            "do_while_statement" => self.do_while_statement(node, scope, out),
            "function_declaration" => self.local_function(node, scope),
            // Local types, type aliases and labels run nothing here.
            "class_declaration" | "object_declaration" | "type_alias" | "label" => {}
            _ => self.effects(node, scope, out),
        }
    }

    /// `val id = ..`, `var mixpanel: MixpanelAPI = ..`, `val (a, b) = pair`,
    /// `val f = { .. }`.
    fn local(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let value_node = initial_value(node);
        let Some((name, annotated)) = self.property_name(node) else {
            if let Some(value) = value_node {
                self.effects(value, scope, out);
            }
            for part in child_of_kind(node, "multi_variable_declaration")
                .map(children)
                .unwrap_or_default()
            {
                if let Some(bound) = child_of_kind(part, "identifier") {
                    let name = self.text(bound).to_owned();
                    scope.locals.insert(name.clone());
                    out.push(Stmt::Let {
                        name,
                        value: Value::Unknown,
                    });
                }
            }
            return;
        };
        if let Some(value) = value_node
            && matches!(value.kind(), "lambda_literal" | "anonymous_function")
        {
            let closure = self.lambda(value, scope);
            scope.closures.insert(name.clone(), closure);
            scope.locals.insert(name);
            return;
        }
        let value = match value_node {
            Some(v) => self.expr(v, scope, out),
            None => Value::Unknown,
        };
        self.bind(&name, value_node, annotated, scope);
        out.push(Stmt::Let { name, value });
    }

    /// What a name learns from the value or type it is bound to: a tracker, a type.
    pub(super) fn bind(
        &mut self,
        name: &str,
        value: Option<Node>,
        annotated: Option<String>,
        scope: &mut Scope,
    ) {
        scope.trackers.remove(name);
        if let Some(value) = value {
            if let Some(tracker) = self.tracker_of(value, scope) {
                scope.trackers.insert(name.to_owned(), tracker);
            }
            if let Some(type_name) = self.receiver_type(value, scope) {
                scope.types.insert(name.to_owned(), type_name);
            }
        }
        if let Some(type_name) = annotated {
            if super::lowerer::is_tracker_type(&type_name) {
                scope.trackers.insert(name.to_owned(), Tracker::Known(()));
            }
            scope.types.insert(name.to_owned(), type_name);
        }
        scope.locals.insert(name.to_owned());
    }

    /// `x = v` rebinds a local; `this.x = v`, `x = v` for a property, `map[k] = v`,
    /// `user.id = v` persist the value (it outlives the call).
    fn assignment(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let (Some(target), Some(result)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
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
            out.push(Stmt::Let { name, value });
            return;
        }
        if target.kind() != "identifier" {
            for part in children(target) {
                self.effects(part, scope, out);
            }
        }
        out.push(Stmt::Persist {
            value,
            span: self.span(node),
            target: None,
        });
    }

    /// `if (c) a else b`, as a statement or a value.
    pub(super) fn if_expression(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let test = match node.child_by_field_name("condition") {
            Some(condition) => self.test(condition, scope, out),
            None => Condition::Unknown,
        };
        let mut then = Vec::new();
        let mut otherwise = Vec::new();
        let mut after_else = false;
        let mut cursor = node.walk();
        let parts: Vec<(Option<&str>, Node)> = node
            .children(&mut cursor)
            .enumerate()
            .map(|(i, c)| (node.field_name_for_child(i as u32), c))
            .collect();
        for (field, part) in parts {
            if field == Some("condition") {
                continue;
            }
            if !part.is_named() {
                after_else |= part.kind() == "else";
                continue;
            }
            if part.kind().ends_with("comment") {
                continue;
            }
            let block = self.block_of(part, scope);
            if after_else {
                otherwise.extend(block);
            } else {
                then.extend(block);
            }
        }
        guard_arms(test, &mut then, &mut otherwise);
        out.push(Stmt::Branch(vec![then, otherwise]));
    }

    /// What a condition says about named values: `isNew`, `!this.isNew`, `user == null`,
    /// `flag != true`, `a && b`, `a || b`, `(a)`. Its calls run in `out` (the right side of
    /// `&&` and `||` only sometimes).
    pub(super) fn test(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Condition {
        const SYNTAX: ConditionSyntax = ConditionSyntax {
            negated: "argument",
            equalities: &[("==", true), ("!=", false), ("===", true), ("!==", false)],
        };
        c_like_condition(self, &SYNTAX, node, scope, out)
    }

    /// `when (x) { a -> .. ; else -> .. }`: exactly one entry runs; without `else`, maybe none.
    pub(super) fn when_expression(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(subject) = child_of_kind(node, "when_subject") {
            for part in children(subject) {
                match part.kind() {
                    "variable_declaration" => {
                        if let Some(name) = child_of_kind(part, "identifier") {
                            scope.locals.insert(self.text(name).to_owned());
                        }
                    }
                    _ => self.effects(part, scope, out),
                }
            }
        }
        let mut arms: Vec<Block> = Vec::new();
        let mut exhaustive = false;
        // Without a subject, an entry runs when its conditions are true and those of the
        // entries before it false: what that says about named values starts its arm.
        let subject = child_of_kind(node, "when_subject").is_some();
        let mut earlier_false: Vec<(Value, bool)> = Vec::new();
        for entry in children(node)
            .into_iter()
            .filter(|c| c.kind() == "when_entry")
        {
            exhaustive |= has_token(entry, "else");
            let mut arm = Vec::new();
            let mut facts = earlier_false.clone();
            let mut cursor = entry.walk();
            let parts: Vec<(Option<&str>, Node)> = entry
                .children(&mut cursor)
                .enumerate()
                .map(|(i, c)| (entry.field_name_for_child(i as u32), c))
                .collect();
            for (field, part) in parts {
                if !part.is_named() || part.kind().ends_with("comment") {
                    continue;
                }
                if field == Some("condition") && !subject {
                    let test = self.test(part, scope, &mut arm);
                    if conditions_of(entry) == 1 {
                        facts.extend(test.clone().known());
                        earlier_false.extend((!test).known());
                    }
                } else if field == Some("condition") {
                    self.effects(part, scope, &mut arm);
                } else {
                    let block = self.block_of(part, scope);
                    arm.extend(block);
                }
            }
            guard_arms(Condition::All(facts), &mut arm, &mut Vec::new());
            arms.push(arm);
        }
        if !exhaustive {
            arms.push(Vec::new());
        }
        out.push(Stmt::Branch(arms));
    }

    /// `for (user in users) { .. }`: `user` is fresh on every iteration.
    fn for_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut bindings = Vec::new();
        let mut body = Vec::new();
        let mut after_in = false;
        let mut collection_seen = false;
        let mut cursor = node.walk();
        let parts: Vec<Node> = node.children(&mut cursor).collect();
        for part in parts {
            match part.kind() {
                "in" => after_in = true,
                "variable_declaration" | "multi_variable_declaration" if !after_in => {
                    for declared in std::iter::once(part).chain(children(part)) {
                        if let Some(name) = child_of_kind(declared, "identifier") {
                            bindings.push(self.text(name).to_owned());
                        }
                    }
                }
                "label" | "annotation" => {}
                _ if !part.is_named() || part.kind().ends_with("comment") => {}
                _ if after_in && !collection_seen => {
                    collection_seen = true;
                    self.effects(part, scope, out);
                }
                _ => {
                    scope.locals.extend(bindings.iter().cloned());
                    let block = self.block_of(part, scope);
                    body.extend(block);
                }
            }
        }
        out.push(Stmt::Loop { bindings, body });
    }

    /// `while (c) { .. }`: each iteration tests the condition, then runs the body or leaves.
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

    /// `do { .. } while (c)`: the body runs, then the condition decides whether again.
    fn do_while_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
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

    fn loop_body(&mut self, node: Node, scope: &mut Scope) -> Block {
        let condition = node.child_by_field_name("condition").map(|c| c.id());
        let mut body = Vec::new();
        for part in children(node) {
            if Some(part.id()) == condition || matches!(part.kind(), "label" | "annotation") {
                continue;
            }
            let block = self.block_of(part, scope);
            body.extend(block);
        }
        body
    }

    /// `try { .. } catch (e: E) { .. } finally { .. }`: the body completes or one handler
    /// runs; `finally` runs after either, and before every way out of them.
    pub(super) fn try_expression(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut arms = Vec::new();
        let mut finally = Vec::new();
        for part in children(node) {
            match part.kind() {
                "block" => {
                    let block = self.block_of(part, scope);
                    arms.insert(0, block);
                }
                "catch_block" => {
                    if let Some(name) = child_of_kind(part, "identifier") {
                        scope.locals.insert(self.text(name).to_owned());
                    }
                    let handler = child_of_kind(part, "block")
                        .map(|b| self.block_of(b, scope))
                        .unwrap_or_default();
                    arms.push(handler);
                }
                "finally_block" => {
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

    /// `return x`, `return@label`.
    pub(super) fn return_expression(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let operand = children(node).into_iter().find(|c| {
            node.child_by_field_name("label")
                .is_none_or(|l| l.id() != c.id())
        });
        let value = operand.map(|v| self.expr(v, scope, out));
        out.push(Stmt::Return {
            value,
            span: self.span(node),
            error: false,
        });
    }

    /// `throw e`: an error exit.
    pub(super) fn throw_expression(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        for part in children(node) {
            self.effects(part, scope, out);
        }
        out.push(Stmt::Return {
            value: None,
            span: self.span(node),
            error: true,
        });
    }

    /// `break`, `continue` (the grammar reads them as names) and `break@outer`.
    pub(super) fn jump(&self, node: Node) -> Option<Stmt> {
        let text = self.text(node);
        let keyword = text.split('@').next().unwrap_or(text);
        match keyword {
            "break" => Some(Stmt::Break),
            "continue" => Some(Stmt::Continue),
            _ => None,
        }
    }
}

/// How many conditions a `when` entry lists (`a, b ->` runs when either holds).
fn conditions_of(entry: Node) -> usize {
    (0..entry.child_count())
        .filter(|i| entry.field_name_for_child(*i) == Some("condition"))
        .count()
}
