//! Statements: control flow becomes branches and loops, `@finally` runs before every way out
//! of its `@try`, declarations become `Let`s and assignments to properties, instance
//! variables and globals `Persist`s.

use tree_sitter::Node;

use super::lowerer::{
    Lowerer, Scope, children, declared_name, fields, has_token, is_block_declarator,
    is_tracker_type, type_name,
};
use crate::frontend::scope::Tracker;
use crate::frontend::treesitter::{ConditionSyntax, c_like_condition};
use crate::frontend::{
    Condition, concatenation, guard_arms, switch_with_fall_through, with_finally,
};
use crate::ir::{Block, Stmt, Value};

impl Lowerer<'_> {
    /// The statements of a `{ .. }` (or of a single statement written without braces).
    pub(super) fn compound(&mut self, node: Node, scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        if node.kind() == "compound_statement" {
            for statement in children(node) {
                self.stmt(statement, scope, &mut out);
            }
        } else {
            self.stmt(node, scope, &mut out);
        }
        out
    }

    pub(super) fn stmt(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "expression_statement" => {
                for expression in children(node) {
                    self.effects(expression, scope, out);
                }
            }
            "declaration" => self.declaration(node, scope, out),
            // `{ .. }`, `@autoreleasepool { .. }`.
            "compound_statement" => {
                let block = self.compound(node, scope);
                out.extend(block);
            }
            "if_statement" => self.if_statement(node, scope, out),
            "switch_statement" => self.switch_statement(node, scope, out),
            "for_statement" => self.for_statement(node, scope, out),
            "while_statement" => self.while_statement(node, scope, out),
            "do_statement" => self.do_statement(node, scope, out),
            "try_statement" => self.try_statement(node, scope, out),
            "return_statement" => {
                let value = children(node)
                    .into_iter()
                    .next()
                    .map(|v| self.expr(v, scope, out));
                out.push(Stmt::Return {
                    value,
                    span: self.span(node),
                    error: false,
                });
            }
            "throw_statement" => {
                for thrown in children(node) {
                    self.effects(thrown, scope, out);
                }
                out.push(Stmt::Return {
                    value: None,
                    span: self.span(node),
                    error: true,
                });
            }
            "break_statement" => out.push(Stmt::Break),
            "continue_statement" => out.push(Stmt::Continue),
            // `@synchronized (lock) { .. }` runs its block once; a label marks its statement.
            "synchronized_statement" | "labeled_statement" | "attributed_statement" => {
                for part in children(node) {
                    match part.kind() {
                        "statement_identifier" | "attribute_declaration" => {}
                        "compound_statement" => self.stmt(part, scope, out),
                        _ if node.kind() == "synchronized_statement" => {
                            self.effects(part, scope, out);
                        }
                        _ => self.stmt(part, scope, out),
                    }
                }
            }
            // `goto`, local types and directives run nothing idlint follows.
            _ => {}
        }
    }

    /// `NSString *id = ..;`, `Mixpanel *mixpanel = [Mixpanel sharedInstance];`,
    /// `void (^done)(BOOL) = ^(BOOL ok) { .. };`, `int a = 1, b;`.
    fn declaration(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let declared_type = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)));
        for declarator in fields(node, "declarator") {
            let Some(name) = declared_name(declarator).map(|n| self.text(n).to_owned()) else {
                continue;
            };
            let value_node = declarator.child_by_field_name("value");
            if let Some(block) = value_node.filter(|v| v.kind() == "block_literal")
                && is_block_declarator(declarator)
            {
                let closure = self.block(block, scope);
                scope.closures.insert(name.clone(), closure);
                scope.locals.insert(name);
                continue;
            }
            let value = match value_node {
                Some(v) => self.expr(v, scope, out),
                None => Value::Unknown,
            };
            self.bind(&name, value_node, declared_type.clone(), scope);
            out.push(Stmt::Let { name, value });
        }
    }

    /// What a name learns from the value or type it is bound to: a tracker, a class.
    pub(super) fn bind(
        &mut self,
        name: &str,
        value: Option<Node>,
        declared: Option<String>,
        scope: &mut Scope,
    ) {
        if let Some(value) = value {
            if let Some(tracker) = self.tracker_of(value, scope) {
                scope.trackers.insert(name.to_owned(), tracker);
            }
            if let Some(type_name) = self.receiver_type(value, scope) {
                scope.types.insert(name.to_owned(), type_name);
            }
        }
        if let Some(type_name) = declared.filter(|t| t != "NSObject") {
            if is_tracker_type(&type_name) {
                scope.trackers.insert(name.to_owned(), Tracker::Known(()));
            }
            scope.types.insert(name.to_owned(), type_name);
        }
        scope.locals.insert(name.to_owned());
    }

    /// `x = v` rebinds a local; `self.x = v`, `_x = v`, `self->_x = v` or a global persist
    /// the value (it outlives the call). Returns the assigned value.
    pub(super) fn assignment(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return Value::Unknown;
        };
        let compound = node
            .child_by_field_name("operator")
            .is_some_and(|o| self.text(o) != "=");
        if self.text(left) == "self" {
            // `self = [super init]`: still the object being initialised, not a new value.
            self.effects(right, scope, out);
            return Value::local("self");
        }
        if right.kind() == "block_literal" && left.kind() == "identifier" {
            // `done = ^{ .. };`: the local now names that block.
            let closure = self.block(right, scope);
            scope.closures.insert(self.text(left).to_owned(), closure);
            return Value::Unknown;
        }
        let mut value = self.expr(right, scope, out);
        if left.kind() == "identifier" && scope.locals.contains(self.text(left)) {
            let name = self.text(left).to_owned();
            if compound {
                value = concatenation(Value::local(name.clone()), value);
            }
            self.bind(&name, Some(right), None, scope);
            out.push(Stmt::Let {
                name,
                value: value.clone(),
            });
            return value;
        }
        if left.kind() != "identifier" {
            self.effects(left, scope, out);
        }
        out.push(Stmt::Persist {
            value: value.clone(),
            span: self.span(node),
            target: None,
        });
        value
    }

    /// `if (c) { .. } else if (d) { .. } else { .. }`.
    fn if_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let test = match node.child_by_field_name("condition") {
            Some(condition) => self.test(condition, scope, out),
            None => Condition::Unknown,
        };
        let mut then = match node.child_by_field_name("consequence") {
            Some(c) => self.compound(c, scope),
            None => Vec::new(),
        };
        let mut otherwise = match node
            .child_by_field_name("alternative")
            .and_then(|e| children(e).into_iter().next())
        {
            Some(a) => self.compound(a, scope),
            None => Vec::new(),
        };
        guard_arms(test, &mut then, &mut otherwise);
        out.push(Stmt::Branch(vec![then, otherwise]));
    }

    /// What a condition says about named values: `user`, `!self.isNewUser`, `_aliased`,
    /// `user == nil`, `flag != YES`, `a && b`, `a || b`, `(a)`. Its calls run in `out` (the
    /// right side's only when the left lets it).
    pub(super) fn test(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Condition {
        const SYNTAX: ConditionSyntax = ConditionSyntax {
            negated: "argument",
            equalities: &[("==", true), ("!=", false)],
        };
        c_like_condition(self, &SYNTAX, node, scope, out)
    }

    /// A C `switch`: cases fall through until a `break` (`frontend::switch_with_fall_through`).
    fn switch_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, out);
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let mut bodies = Vec::new();
        for case in children(body)
            .into_iter()
            .filter(|c| c.kind() == "case_statement")
        {
            let mut arm = Vec::new();
            for part in children(case) {
                if case.child_by_field_name("value") == Some(part) {
                    self.effects(part, scope, &mut arm);
                } else {
                    self.stmt(part, scope, &mut arm);
                }
            }
            bodies.push(arm);
        }
        out.push(switch_with_fall_through(bodies, true));
    }

    /// `for (init; cond; update) body` and `for (NSString *id in ids) body`: the element of a
    /// `for … in` is fresh on every iteration.
    fn for_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if has_token(node, "in") {
            return self.for_in_statement(node, scope, out);
        }
        if let Some(initializer) = node.child_by_field_name("initializer") {
            match initializer.kind() {
                "declaration" => self.declaration(initializer, scope, out),
                _ => self.effects(initializer, scope, out),
            }
        }
        let mut body = Vec::new();
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, &mut body);
        }
        let mut inner = match node.child_by_field_name("body") {
            Some(b) => self.compound(b, scope),
            None => Vec::new(),
        };
        if let Some(update) = node.child_by_field_name("update") {
            self.effects(update, scope, &mut inner);
        }
        body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body,
        });
    }

    fn for_in_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        // Children: [type] element `in` collection body.
        let parts: Vec<Node> = children(node)
            .into_iter()
            .filter(|c| node.child_by_field_name("type") != Some(*c))
            .collect();
        let [element, collection, body] = parts[..] else {
            return;
        };
        self.effects(collection, scope, out);
        let bindings: Vec<String> = declared_name(element)
            .map(|n| self.text(n).to_owned())
            .into_iter()
            .collect();
        let element_type = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)));
        for name in &bindings {
            self.bind(name, None, element_type.clone(), scope);
        }
        let body = self.compound(body, scope);
        out.push(Stmt::Loop { bindings, body });
    }

    /// `while (c) body`: each iteration tests the condition, then runs the body or leaves.
    fn while_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut body = Vec::new();
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, &mut body);
        }
        let inner = match node.child_by_field_name("body") {
            Some(b) => self.compound(b, scope),
            None => Vec::new(),
        };
        body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body,
        });
    }

    /// `do body while (c);`: the body runs, then the condition decides whether it runs again.
    /// (As a loop that may run zero times, like Swift's `repeat`: the first run is not forced.)
    fn do_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut body = match node.child_by_field_name("body") {
            Some(b) => self.compound(b, scope),
            None => Vec::new(),
        };
        if let Some(condition) = node.child_by_field_name("condition") {
            self.effects(condition, scope, &mut body);
        }
        body.push(Stmt::Branch(vec![Vec::new(), vec![Stmt::Break]]));
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body,
        });
    }

    /// `@try { .. } @catch (NSException *e) { .. } @finally { .. }`: the body completes, or it
    /// throws and one handler runs; `@finally` runs on every way out (`with_finally`).
    fn try_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut arms = Vec::new();
        let mut finally = Vec::new();
        for part in children(node) {
            match part.kind() {
                "compound_statement" => {
                    let block = self.compound(part, scope);
                    arms.insert(0, block);
                }
                "catch_clause" => {
                    for declared in children(part)
                        .into_iter()
                        .filter(|c| c.kind() == "type_name")
                        .flat_map(children)
                        .filter_map(declared_name_of_catch)
                    {
                        scope.locals.insert(self.text(declared).to_owned());
                    }
                    let handler = children(part)
                        .into_iter()
                        .find(|c| c.kind() == "compound_statement")
                        .map(|b| self.compound(b, scope))
                        .unwrap_or_default();
                    arms.push(handler);
                }
                "finally_clause" => {
                    if let Some(block) = children(part).into_iter().next() {
                        finally = self.compound(block, scope);
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

/// The name a `@catch` binds: `*exception` in `NSException *exception`, `other` in `id other`.
fn declared_name_of_catch(node: Node) -> Option<Node> {
    match node.kind() {
        "pointer_declarator" => declared_name(node),
        // `id other`: the grammar reads the name as a type.
        "type_identifier" if node.prev_named_sibling().is_some() => Some(node),
        _ => None,
    }
}
