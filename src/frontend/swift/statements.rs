//! Statements: control flow becomes branches and loops, `defer` runs before every way out of
//! its scope, declarations become `Let`s and assignments to properties `Persist`s.

use tree_sitter::Node;

use super::lowerer::{
    Breakable, Lowerer, Scope, children, fields, has_token, is_tracker_type, type_name,
};
use super::module::property_name;
use crate::frontend::scope::Tracker;
use crate::frontend::{Condition, equality, guard_arms, short_circuit, with_finally};
use crate::ir::{Block, Stmt, Value};

/// Most `guard`s of one statement list whose rest is nested in their arm.
const MAX_NESTED_GUARDS: usize = 32;

impl Lowerer<'_> {
    /// A sequence of statements; a `defer { .. }` among them runs after the rest of them and
    /// before each `return`, `throw`, `break` or `continue` that leaves them.
    pub(super) fn statements(&mut self, statements: &[Node], scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        for (i, statement) in statements.iter().enumerate() {
            if let Some(deferred) = self.deferred(*statement, scope) {
                let rest = self.statements(&statements[i + 1..], scope);
                out.extend(with_finally(rest, deferred));
                return out;
            }
            // What follows a `guard` runs only when its conditions hold: it is nested in the
            // arm they start (a bounded number deep; past it, it follows the branch).
            if statement.kind() == "guard_statement" && self.nested_guards < MAX_NESTED_GUARDS {
                let (test, mut then, mut otherwise) = self.guard_parts(*statement, scope, &mut out);
                self.nested_guards += 1;
                let rest = self.statements(&statements[i + 1..], scope);
                self.nested_guards -= 1;
                then.extend(rest);
                guard_arms(test, &mut then, &mut otherwise);
                out.push(Stmt::Branch(vec![then, otherwise]));
                return out;
            }
            self.stmt(*statement, scope, &mut out);
        }
        out
    }

    /// The block of a `defer { .. }` (the grammar reads it as a call of `defer` with a
    /// trailing closure).
    fn deferred(&mut self, node: Node, scope: &mut Scope) -> Option<Block> {
        if node.kind() != "call_expression" {
            return None;
        }
        let [callee, suffix] = children(node)[..] else {
            return None;
        };
        if self.text(callee) != "defer" {
            return None;
        }
        let body = children(suffix)
            .into_iter()
            .find(|c| c.kind() == "lambda_literal")?;
        Some(self.block_of(body, scope))
    }

    /// The statements a node holds (`{ .. }` of an `if`, a closure run in place).
    pub(super) fn block_of(&mut self, node: Node, scope: &mut Scope) -> Block {
        let statements: Vec<Node> = match node.kind() {
            "statements" => children(node),
            _ => children(node)
                .into_iter()
                .filter(|c| c.kind() == "statements")
                .flat_map(children)
                .collect(),
        };
        self.statements(&statements, scope)
    }

    pub(super) fn stmt(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "property_declaration" => self.local(node, scope, out),
            "assignment" => self.assignment(node, scope, out),
            "if_statement" => self.if_statement(node, scope, out),
            "guard_statement" => self.guard_statement(node, scope, out),
            "switch_statement" => self.switch_statement(node, scope, out),
            "for_statement" => self.for_statement(node, scope, out),
            "while_statement" | "repeat_while_statement" => self.while_statement(node, scope, out),
            "do_statement" => self.do_statement(node, scope, out),
            "control_transfer_statement" => self.control_transfer(node, scope, out),
            "function_declaration" => self.nested_function(node, scope),
            "statements" => {
                let block = self.block_of(node, scope);
                out.extend(block);
            }
            // Local types, imports and directives run nothing here.
            "class_declaration"
            | "protocol_declaration"
            | "import_declaration"
            | "typealias_declaration"
            | "directive"
            | "diagnostic" => {}
            _ => self.effects(node, scope, out),
        }
    }

    /// `let id = ..`, `var mixpanel: MixpanelInstance = ..`, `let f = { .. }`.
    fn local(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let value_node = node.child_by_field_name("value");
        let Some(name) = property_name(self, node) else {
            // `let (a, b) = pair`: the names are bound, to nothing known.
            let value = value_node.map(|v| self.expr(v, scope, out));
            for pattern in fields(node, "name") {
                for bound in bound_names(self, pattern) {
                    scope.locals.insert(bound.clone());
                    out.push(Stmt::Let {
                        name: bound,
                        value: value.clone().map_or(Value::Unknown, |_| Value::Unknown),
                    });
                }
            }
            return;
        };
        let annotated = children(node)
            .into_iter()
            .find(|c| c.kind() == "type_annotation")
            .and_then(|a| type_name(self.text(a).trim_start_matches(':')));
        if let Some(value) = value_node
            && value.kind() == "lambda_literal"
        {
            let closure = self.closure(value, scope);
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
    fn bind(
        &mut self,
        name: &str,
        value: Option<Node>,
        annotated: Option<String>,
        scope: &mut Scope,
    ) {
        if let Some(value) = value {
            if let Some(tracker) = self.tracker_of(value, scope) {
                scope.trackers.insert(name.to_owned(), tracker);
            }
            if let Some(type_name) = self.value_type(value, scope) {
                scope.types.insert(name.to_owned(), type_name);
            }
        }
        if let Some(type_name) = annotated {
            if is_tracker_type(&type_name) {
                scope.trackers.insert(name.to_owned(), Tracker::Known(()));
            }
            scope.types.insert(name.to_owned(), type_name);
        }
        scope.locals.insert(name.to_owned());
    }

    /// `x = v` rebinds a local; `self.x = v`, `x = v` for a property, `defaults["k"] = v`
    /// persist the value (it outlives the call).
    fn assignment(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let (Some(target), Some(result)) = (
            node.child_by_field_name("target"),
            node.child_by_field_name("result"),
        ) else {
            return;
        };
        let compound = node
            .child_by_field_name("operator")
            .is_some_and(|o| self.text(o) != "=");
        let mut value = self.expr(result, scope, out);
        let target = children(target).into_iter().next().unwrap_or(target);
        if target.kind() == "simple_identifier" && scope.locals.contains(self.text(target)) {
            let name = self.text(target).to_owned();
            if compound {
                value = crate::frontend::concatenation(Value::local(name.clone()), value);
            }
            self.bind(&name, Some(result), None, scope);
            out.push(Stmt::Let { name, value });
            return;
        }
        if target.kind() != "simple_identifier" {
            self.effects(target, scope, out);
        }
        out.push(Stmt::Persist {
            value,
            span: self.span(node),
            target: None,
        });
    }

    /// `if a, let b = c { .. } else if .. { .. } else { .. }`.
    fn if_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut then = Vec::new();
        let test = self.conditions(node, scope, out, &mut then);
        let mut otherwise = Vec::new();
        let mut after_else = false;
        let mut cursor = node.walk();
        let parts: Vec<Node> = node.children(&mut cursor).collect();
        for part in parts {
            match part.kind() {
                "else" => after_else = true,
                "statements" if !after_else => {
                    let block = self.block_of(part, scope);
                    then.extend(block);
                }
                "statements" => {
                    let block = self.block_of(part, scope);
                    otherwise.extend(block);
                }
                "if_statement" if after_else => self.if_statement(part, scope, &mut otherwise),
                _ => {}
            }
        }
        guard_arms(test, &mut then, &mut otherwise);
        out.push(Stmt::Branch(vec![then, otherwise]));
    }

    /// The conditions of an `if`, `guard` or `while`: their calls run in `out`; an optional
    /// binding (`let id = user.id`) binds in `bound`. What they say about named values when
    /// they all hold (and, for a single one, when it does not): an optional binding says its
    /// value is not nil, `if let user` that `user` is not.
    fn conditions(
        &mut self,
        node: Node,
        scope: &mut Scope,
        out: &mut Block,
        bound: &mut Block,
    ) -> Condition {
        // The name of `let id = ..` waiting for its value, with what the name meant before it
        // was bound: `if let id` (Swift 5.7) has no value, the name shadows itself.
        let mut pending: Option<(String, Value)> = None;
        let mut assigned = false;
        let mut tests: Vec<Condition> = Vec::new();
        let mut cursor = node.walk();
        let parts: Vec<(Option<&str>, Node)> = node
            .children(&mut cursor)
            .enumerate()
            .map(|(i, c)| (node.field_name_for_child(i as u32), c))
            .collect();
        for (field, part) in parts {
            match (field, part.kind()) {
                (Some("bound_identifier"), _) => {
                    if let Some((_, shadowed)) = pending.take() {
                        tests.push(Condition::on(shadowed, true));
                    }
                    let name = self.text(part).to_owned();
                    let shadowed = self.name(&name, scope);
                    scope.locals.insert(name.clone());
                    pending = Some((name, shadowed));
                    assigned = false;
                }
                (_, "=") => assigned = true,
                (Some("condition"), kind) if part.is_named() && kind != "value_binding_pattern" => {
                    match pending.take() {
                        Some((name, _)) if assigned => {
                            let value = self.expr(part, scope, out);
                            self.bind(&name, Some(part), None, scope);
                            tests.push(Condition::on(value.clone(), true));
                            bound.push(Stmt::Let { name, value });
                        }
                        shorthand => {
                            if let Some((_, shadowed)) = shorthand {
                                tests.push(Condition::on(shadowed, true));
                            }
                            let test = self.test(part, scope, out);
                            tests.push(test);
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some((_, shadowed)) = pending.take().filter(|_| !assigned) {
            tests.push(Condition::on(shadowed, true));
        }
        tests
            .into_iter()
            .reduce(|all, test| all.join(test, false))
            .unwrap_or_default()
    }

    /// What a condition says about named values: `isNew`, `!self.isNew`, `user == nil`,
    /// `a && b`, `a || b`, `(a)`. Its calls run in `out` (the right side's only when the left
    /// lets it).
    pub(super) fn test(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Condition {
        let operand = |field: &str| node.child_by_field_name(field);
        match node.kind() {
            "prefix_expression" if operand("operation").is_some_and(|o| self.text(o) == "!") => {
                match operand("target") {
                    Some(target) => !self.test(target, scope, out),
                    None => Condition::Unknown,
                }
            }
            "conjunction_expression" | "disjunction_expression" => {
                let (Some(lhs), Some(rhs)) = (operand("lhs"), operand("rhs")) else {
                    self.effects(node, scope, out);
                    return Condition::Unknown;
                };
                let left = self.test(lhs, scope, out);
                let mut tested = Vec::new();
                let right = self.test(rhs, scope, &mut tested);
                let or = node.kind() == "disjunction_expression";
                short_circuit(left, tested, right, or, out)
            }
            "call_expression" => match self.negated_call(node, scope, out) {
                Some(value) => !Condition::on(value, true),
                None => {
                    let value = self.expr(node, scope, out);
                    Condition::on(value, true)
                }
            },
            "tuple_expression" if children(node).len() == 1 => {
                self.test(children(node)[0], scope, out)
            }
            "equality_expression" | "infix_expression" => {
                let op = operand("op").map_or("", |o| self.text(o));
                let equal = matches!(op, "==" | "===");
                let (Some(lhs), Some(rhs)) = (operand("lhs"), operand("rhs")) else {
                    self.effects(node, scope, out);
                    return Condition::Unknown;
                };
                if !equal && !matches!(op, "!=" | "!==") {
                    self.effects(node, scope, out);
                    return Condition::Unknown;
                }
                let left = self.expr(lhs, scope, out);
                let right = self.expr(rhs, scope, out);
                equality(left, right, equal, scope, out)
            }
            _ => {
                let value = self.expr(node, scope, out);
                Condition::on(value, true)
            }
        }
    }

    /// The parts of `guard conditions else { exit }`: what the conditions say, the bindings
    /// that hold after it (the arm that goes on), and the `else` block.
    fn guard_parts(
        &mut self,
        node: Node,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Condition, Block, Block) {
        let mut bound = Vec::new();
        let test = self.conditions(node, scope, out, &mut bound);
        let otherwise = children(node)
            .into_iter()
            .filter(|c| c.kind() == "statements")
            .map(|s| self.block_of(s, scope))
            .next_back()
            .unwrap_or_default();
        (test, bound, otherwise)
    }

    /// `guard cond else { exit }` where what follows it is not nested in its arm: the `else`
    /// block leaves; bindings hold after the guard.
    fn guard_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let (test, bound, mut otherwise) = self.guard_parts(node, scope, out);
        let mut then = Vec::new();
        guard_arms(test, &mut then, &mut otherwise);
        out.push(Stmt::Branch(vec![then, otherwise]));
        out.extend(bound);
    }

    /// Exactly one case runs (a Swift `switch` is exhaustive).
    fn switch_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(subject) = node.child_by_field_name("expr") {
            self.effects(subject, scope, out);
        }
        // `break` in a case leaves the `switch`, not a loop.
        self.breakable.push(Breakable::Switch);
        let arms: Vec<Block> = children(node)
            .into_iter()
            .filter(|c| c.kind() == "switch_entry")
            .map(|entry| {
                let mut arm = Vec::new();
                let binding = |p: &Node| {
                    let text = self.text(*p);
                    text.contains("let ") || text.contains("var ")
                };
                for pattern in children(entry)
                    .into_iter()
                    .filter(|c| c.kind() == "switch_pattern" && binding(c))
                {
                    for name in bound_names(self, pattern) {
                        scope.locals.insert(name.clone());
                        arm.push(Stmt::Let {
                            name,
                            value: Value::Unknown,
                        });
                    }
                }
                let body = self.block_of(entry, scope);
                arm.extend(body);
                arm
            })
            .collect();
        self.breakable.pop();
        if !arms.is_empty() {
            out.push(Stmt::Branch(arms));
        }
    }

    /// `for user in users where ..`: `user` is fresh on every iteration.
    fn for_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(collection) = node.child_by_field_name("collection") {
            self.effects(collection, scope, out);
        }
        let bindings = node
            .child_by_field_name("item")
            .map(|item| bound_names(self, item))
            .unwrap_or_default();
        scope.locals.extend(bindings.iter().cloned());
        self.breakable.push(Breakable::Loop);
        let mut body = Vec::new();
        for part in children(node) {
            match part.kind() {
                "where_clause" => self.effects(part, scope, &mut body),
                "statements" => {
                    let block = self.block_of(part, scope);
                    body.extend(block);
                }
                _ => {}
            }
        }
        self.breakable.pop();
        out.push(Stmt::Loop { bindings, body });
    }

    /// `while` and `repeat { } while`: each iteration tests the condition, then runs the
    /// body or leaves.
    fn while_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut body = Vec::new();
        let mut inner = Vec::new();
        self.conditions(node, scope, &mut body, &mut inner);
        self.breakable.push(Breakable::Loop);
        for part in children(node)
            .into_iter()
            .filter(|c| c.kind() == "statements")
        {
            let block = self.block_of(part, scope);
            inner.extend(block);
        }
        self.breakable.pop();
        body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body,
        });
    }

    /// `do { .. } catch { .. }`: the body completes, or it throws and one handler runs.
    fn do_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut arms = Vec::new();
        for part in children(node) {
            match part.kind() {
                "statements" => {
                    let block = self.block_of(part, scope);
                    arms.insert(0, block);
                }
                "catch_block" => {
                    let mut handler = Vec::new();
                    if has_token(part, "catch_keyword")
                        || part.child_by_field_name("error").is_none()
                    {
                        // `catch` binds `error`.
                        scope.locals.insert("error".to_owned());
                    }
                    for name in part
                        .child_by_field_name("error")
                        .map(|p| bound_names(self, p))
                        .unwrap_or_default()
                    {
                        scope.locals.insert(name);
                    }
                    handler.extend(self.block_of(part, scope));
                    arms.push(handler);
                }
                _ => {}
            }
        }
        match arms.len() {
            0 => {}
            1 => out.extend(arms.pop().unwrap_or_default()),
            _ => out.push(Stmt::Branch(arms)),
        }
    }

    /// `return x`, `throw e`, `break`, `continue`, `fallthrough`.
    fn control_transfer(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let keyword = self.text(node).split_whitespace().next().unwrap_or("");
        let operand = node.child_by_field_name("result").or_else(|| {
            children(node)
                .into_iter()
                .find(|c| c.kind() != "throw_keyword")
        });
        match keyword {
            "return" => {
                let value = operand.map(|v| self.expr(v, scope, out));
                out.push(Stmt::Return {
                    value,
                    span: self.span(node),
                    error: false,
                });
            }
            "throw" => {
                if let Some(error) = operand {
                    self.effects(error, scope, out);
                }
                out.push(Stmt::Return {
                    value: None,
                    span: self.span(node),
                    error: true,
                });
            }
            // An unlabelled `break` in a `switch` case ends the case.
            "break"
                if children(node).is_empty()
                    && self.breakable.last() == Some(&Breakable::Switch) => {}
            "break" => out.push(Stmt::Break),
            "continue" => out.push(Stmt::Continue),
            _ => {}
        }
    }
}

/// The names a pattern binds: `user`, `(a, b)`, `let .some(x)`, `case let .c(x)`.
pub(super) fn bound_names(lowerer: &Lowerer, pattern: Node) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![pattern];
    while let Some(node) = stack.pop() {
        let bound = fields(node, "bound_identifier");
        if !bound.is_empty() {
            names.extend(bound.iter().map(|b| lowerer.text(*b).to_owned()));
            continue;
        }
        match node.kind() {
            "simple_identifier" if node.parent().is_some_and(|p| p.kind() == "pattern") => {
                names.push(lowerer.text(node).to_owned());
            }
            _ => stack.extend(children(node).into_iter().rev()),
        }
    }
    names
}
