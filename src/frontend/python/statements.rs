//! Statements: control flow becomes branches and loops, assignments become `Let`s (to a
//! name) or `Persist`s (to an attribute or an item, which outlive the call).

use ruff_python_ast::{
    ElifElseClause, ExceptHandler, Expr, Stmt, StmtAnnAssign, StmtAssign, StmtFor, StmtIf,
    StmtMatch, StmtTry, StmtWhile, StmtWith,
};

use super::lowerer::{Lowerer, Scope};
use crate::frontend::guard_arms;
use crate::ir::{Block, Span, Stmt as IrStmt, Value};

/// The names a target binds: `x`, `a, b`, `[a, (b, c)]`; attributes and items bind none.
pub(super) fn pattern_names(target: &Expr) -> Vec<String> {
    let mut names = Vec::new();
    collect_pattern_names(target, &mut names);
    names
}

fn collect_pattern_names(target: &Expr, names: &mut Vec<String>) {
    match target {
        Expr::Name(name) => names.push(name.id.to_string()),
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .for_each(|e| collect_pattern_names(e, names)),
        Expr::List(list) => list
            .elts
            .iter()
            .for_each(|e| collect_pattern_names(e, names)),
        _ => {}
    }
}

/// The right-hand side of an assignment, for what the target learns from it.
pub(super) struct Assigned<'s> {
    pub value: Value,
    /// The expression, when there is one (`x: int` has none).
    pub source: Option<&'s Expr>,
    /// `x: Mixpanel = ..`: the annotation names the target's type.
    pub annotation: Option<&'s Expr>,
    /// The whole assignment: where a persisted value is written.
    pub span: Span,
}

impl Lowerer<'_> {
    pub(super) fn block(&mut self, statements: &[Stmt], scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        for statement in statements {
            self.stmt(statement, scope, &mut out);
        }
        out
    }

    pub(super) fn stmt(&mut self, statement: &Stmt, scope: &mut Scope, out: &mut Block) {
        match statement {
            Stmt::Expr(expression) => self.effects(&expression.value, scope, out),
            Stmt::Assign(assign) => self.assignment(assign, scope, out),
            Stmt::AugAssign(assign) => {
                // `x += y` is `x = x + y`.
                let right = self.expr(&assign.value, scope, out);
                let current = match &*assign.target {
                    Expr::Name(name) => Value::local(name.id.as_str()),
                    _ => Value::Unknown,
                };
                let value = match assign.op {
                    ruff_python_ast::Operator::Add => {
                        crate::frontend::concatenation(current, right)
                    }
                    _ => Value::Unknown,
                };
                let assigned = Assigned {
                    value,
                    source: Some(&assign.value),
                    annotation: None,
                    span: self.span(assign),
                };
                self.assign(&assign.target, assigned, scope, out);
            }
            Stmt::AnnAssign(assign) => self.annotated_assignment(assign, scope, out),
            Stmt::If(statement) => self.if_statement(statement, scope, out),
            Stmt::For(statement) => self.for_statement(statement, scope, out),
            Stmt::While(statement) => self.while_statement(statement, scope, out),
            Stmt::Try(statement) => self.try_statement(statement, scope, out),
            Stmt::With(statement) => self.with_statement(statement, scope, out),
            Stmt::Match(statement) => self.match_statement(statement, scope, out),
            Stmt::Return(statement) => {
                let value = statement.value.as_ref().map(|v| self.expr(v, scope, out));
                out.push(IrStmt::Return {
                    value,
                    span: self.span(statement),
                    error: false,
                });
            }
            Stmt::Raise(statement) => {
                for part in [&statement.exc, &statement.cause].into_iter().flatten() {
                    self.effects(part, scope, out);
                }
                out.push(IrStmt::Return {
                    value: None,
                    span: self.span(statement),
                    error: true,
                });
            }
            Stmt::Break(_) => out.push(IrStmt::Break),
            Stmt::Continue(_) => out.push(IrStmt::Continue),
            Stmt::FunctionDef(function) => self.nested_function(function, scope),
            Stmt::Import(import) => self.import(&import.names),
            Stmt::ImportFrom(import) => self.import_from(import),
            // Classes inside functions, `global`, `del`, `assert`, `type` aliases, `pass`.
            _ => {}
        }
    }

    /// `a = b = uid`: every target gets the value, in order.
    fn assignment(&mut self, assign: &StmtAssign, scope: &mut Scope, out: &mut Block) {
        let value = self.expr(&assign.value, scope, out);
        let span = self.span(assign);
        let assigned = |value| Assigned {
            value,
            source: Some(&assign.value),
            annotation: None,
            span,
        };
        if let Some((last, first)) = assign.targets.split_last() {
            for target in first {
                self.assign(target, assigned(value.clone()), scope, out);
            }
            self.assign(last, assigned(value), scope, out);
        }
    }

    /// `x: Mixpanel = ..`, and `x: int` without a value.
    fn annotated_assignment(&mut self, assign: &StmtAnnAssign, scope: &mut Scope, out: &mut Block) {
        let value = match &assign.value {
            Some(value) => self.expr(value, scope, out),
            None => Value::Unknown,
        };
        let assigned = Assigned {
            value,
            source: assign.value.as_deref(),
            annotation: Some(&assign.annotation),
            span: self.span(assign),
        };
        self.assign(&assign.target, assigned, scope, out);
    }

    /// Exactly one case runs, or none matches.
    fn match_statement(&mut self, statement: &StmtMatch, scope: &mut Scope, out: &mut Block) {
        self.effects(&statement.subject, scope, out);
        let mut arms: Vec<Block> = statement
            .cases
            .iter()
            .map(|case| self.block(&case.body, scope))
            .collect();
        arms.push(Vec::new());
        out.push(IrStmt::Branch(arms));
    }

    fn if_statement(&mut self, statement: &StmtIf, scope: &mut Scope, out: &mut Block) {
        let condition = self.condition(&statement.test, scope, out);
        let mut then = self.block(&statement.body, scope);
        let mut otherwise = self.alternatives(&statement.elif_else_clauses, scope);
        guard_arms(condition, &mut then, &mut otherwise);
        out.push(IrStmt::Branch(vec![then, otherwise]));
    }

    /// `elif` chains nest: each is a branch inside the previous `else`.
    fn alternatives(&mut self, clauses: &[ElifElseClause], scope: &mut Scope) -> Block {
        let Some((first, rest)) = clauses.split_first() else {
            return Vec::new();
        };
        let Some(test) = &first.test else {
            return self.block(&first.body, scope);
        };
        let mut out = Vec::new();
        let condition = self.condition(test, scope, &mut out);
        let mut then = self.block(&first.body, scope);
        let mut otherwise = self.alternatives(rest, scope);
        guard_arms(condition, &mut then, &mut otherwise);
        out.push(IrStmt::Branch(vec![then, otherwise]));
        out
    }

    /// `for x in xs`: `x` is fresh on every iteration; the `else` runs after the loop.
    fn for_statement(&mut self, statement: &StmtFor, scope: &mut Scope, out: &mut Block) {
        self.effects(&statement.iter, scope, out);
        let bindings = pattern_names(&statement.target);
        scope.locals.extend(bindings.iter().cloned());
        let body = self.block(&statement.body, scope);
        out.push(IrStmt::Loop { bindings, body });
        let orelse = self.block(&statement.orelse, scope);
        out.extend(orelse);
    }

    /// Each iteration tests the condition, then runs the body or leaves.
    fn while_statement(&mut self, statement: &StmtWhile, scope: &mut Scope, out: &mut Block) {
        let mut body = Vec::new();
        self.effects(&statement.test, scope, &mut body);
        let inner = self.block(&statement.body, scope);
        body.push(IrStmt::Branch(vec![inner, vec![IrStmt::Break]]));
        out.push(IrStmt::Loop {
            bindings: Vec::new(),
            body,
        });
        let orelse = self.block(&statement.orelse, scope);
        out.extend(orelse);
    }

    /// Either the `try` body (and its `else`) completes, or it raises and one handler runs;
    /// `finally` runs after either, and before every way out of them (`with_finally`).
    fn try_statement(&mut self, statement: &StmtTry, scope: &mut Scope, out: &mut Block) {
        let mut tried = self.block(&statement.body, scope);
        let mut arms: Vec<Block> = statement
            .handlers
            .iter()
            .map(|ExceptHandler::ExceptHandler(handler)| self.block(&handler.body, scope))
            .collect();
        let orelse = self.block(&statement.orelse, scope);
        tried.extend(orelse);
        let finally = self.block(&statement.finalbody, scope);
        let handled = if arms.is_empty() {
            tried
        } else {
            arms.insert(0, tried);
            vec![IrStmt::Branch(arms)]
        };
        out.extend(crate::frontend::with_finally(handled, finally));
    }

    /// `with open_session() as session:` binds `session` to the context expression's value.
    fn with_statement(&mut self, statement: &StmtWith, scope: &mut Scope, out: &mut Block) {
        for item in &statement.items {
            let Some(target) = &item.optional_vars else {
                self.effects(&item.context_expr, scope, out);
                continue;
            };
            let value = self.expr(&item.context_expr, scope, out);
            for name in pattern_names(target) {
                scope.locals.insert(name.clone());
                out.push(IrStmt::Let {
                    name,
                    value: value.clone(),
                });
            }
        }
        let body = self.block(&statement.body, scope);
        out.extend(body);
    }

    /// An assignment to a name binds it (and what the value says of its type or tracker); to
    /// an attribute or an item (`request.session["anon_id"] = uid`, `user.anon_id = uid`) it
    /// persists the value.
    pub(super) fn assign(
        &mut self,
        target: &Expr,
        assigned: Assigned,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        match target {
            Expr::Name(name) => {
                let name = name.id.to_string();
                if let Some(source) = assigned.source {
                    if let Some(tracker) = self.tracker_of(source, scope) {
                        scope.trackers.insert(name.clone(), tracker);
                    }
                    if let Some(class) = self.constructed_class(source) {
                        scope.types.insert(name.clone(), class);
                    }
                }
                if let Some(annotation) = assigned.annotation {
                    let type_name = super::functions::annotation_type(self.text(annotation));
                    scope.types.insert(name.clone(), type_name);
                }
                scope.locals.insert(name.clone());
                out.push(IrStmt::Let {
                    name,
                    value: assigned.value,
                });
            }
            Expr::Attribute(_) | Expr::Subscript(_) => {
                self.effects(target, scope, out);
                out.push(IrStmt::Persist {
                    value: assigned.value,
                    span: assigned.span,
                });
            }
            _ => {
                for name in pattern_names(target) {
                    scope.locals.insert(name.clone());
                    out.push(IrStmt::Let {
                        name,
                        value: Value::Unknown,
                    });
                }
            }
        }
    }
}
