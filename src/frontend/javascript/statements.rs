//! Statements and control flow (branches, loops, `switch`, `try`, exits), local declarations
//! and destructuring.

use oxc_ast::ast::{
    AssignmentTarget, AssignmentTargetMaybeDefault, AssignmentTargetPattern,
    AssignmentTargetProperty, BindingPattern, Declaration, Expression, ForStatementInit,
    ForStatementLeft, Statement, SwitchStatement, VariableDeclaration, VariableDeclarator,
};

use super::lowerer::{Lowerer, Scope, Tracker, strip};
use crate::frontend::guard_arms;
use crate::ir::{Block, Stmt, Value};

impl<'a> Lowerer<'a> {
    pub(super) fn block(&mut self, statement: &'a Statement<'a>, scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        self.stmt(statement, scope, &mut out);
        out
    }

    /// The statements of a block, after the function declarations it hoists.
    fn statements(&mut self, statements: &'a [Statement<'a>], scope: &mut Scope, out: &mut Block) {
        self.hoist_functions(statements, scope);
        for statement in statements {
            self.stmt(statement, scope, out);
        }
    }

    pub(super) fn stmt(
        &mut self,
        statement: &'a Statement<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        match statement {
            Statement::ExpressionStatement(statement) => {
                self.expr(&statement.expression, scope, out);
            }
            Statement::BlockStatement(block) => self.statements(&block.body, scope, out),
            Statement::VariableDeclaration(declaration) => {
                self.declaration(declaration, scope, out)
            }
            Statement::IfStatement(statement) => {
                let condition = self.condition(&statement.test, scope, out);
                let mut then = self.block(&statement.consequent, scope);
                let mut otherwise = statement
                    .alternate
                    .as_ref()
                    .map(|alternate| self.block(alternate, scope))
                    .unwrap_or_default();
                guard_arms(condition, &mut then, &mut otherwise);
                out.push(Stmt::Branch(vec![then, otherwise]));
            }
            Statement::SwitchStatement(statement) => self.switch(statement, scope, out),
            Statement::ForStatement(statement) => {
                match &statement.init {
                    Some(ForStatementInit::VariableDeclaration(declaration)) => {
                        self.declaration(declaration, scope, out)
                    }
                    Some(init) => {
                        if let Some(init) = init.as_expression() {
                            self.expr(init, scope, out);
                        }
                    }
                    None => {}
                }
                let mut body = Vec::new();
                if let Some(test) = &statement.test {
                    self.expr(test, scope, &mut body);
                }
                let mut inner = self.block(&statement.body, scope);
                if let Some(update) = &statement.update {
                    self.expr(update, scope, &mut inner);
                }
                body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
            }
            Statement::ForInStatement(statement) => self.for_each(
                &statement.left,
                &statement.right,
                &statement.body,
                scope,
                out,
            ),
            Statement::ForOfStatement(statement) => self.for_each(
                &statement.left,
                &statement.right,
                &statement.body,
                scope,
                out,
            ),
            Statement::WhileStatement(statement) => {
                let mut body = Vec::new();
                self.expr(&statement.test, scope, &mut body);
                let inner = self.block(&statement.body, scope);
                body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
            }
            Statement::DoWhileStatement(statement) => {
                let mut body = self.block(&statement.body, scope);
                self.expr(&statement.test, scope, &mut body);
                body.push(Stmt::Branch(vec![Vec::new(), vec![Stmt::Break]]));
                // The body runs at least once, then as long as the condition holds.
                let first = body.clone();
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body: vec![Stmt::Branch(vec![first]), Stmt::Break],
                });
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
            }
            Statement::TryStatement(statement) => {
                let mut tried = Vec::new();
                self.statements(&statement.block.body, scope, &mut tried);
                let caught = statement.handler.as_ref().map(|handler| {
                    let mut block = Vec::new();
                    if let Some(parameter) = &handler.param {
                        for name in binding_names(&parameter.pattern) {
                            scope.locals.insert(name.clone());
                            block.push(Stmt::Let {
                                name,
                                value: Value::Unknown,
                            });
                        }
                    }
                    self.statements(&handler.body.body, scope, &mut block);
                    block
                });
                // Either the `try` block completes, or it throws and the handler runs instead;
                // `finally` runs after either and before every way out of them.
                let handled = match caught {
                    Some(caught) => vec![Stmt::Branch(vec![tried, caught])],
                    None => tried,
                };
                let mut finally = Vec::new();
                if let Some(finalizer) = &statement.finalizer {
                    self.statements(&finalizer.body, scope, &mut finally);
                }
                out.extend(crate::frontend::with_finally(handled, finally));
            }
            Statement::ReturnStatement(statement) => {
                let value = statement
                    .argument
                    .as_ref()
                    .map(|value| self.expr(value, scope, out));
                out.push(Stmt::Return {
                    value,
                    span: self.span(statement.span),
                    error: false,
                });
            }
            Statement::ThrowStatement(statement) => {
                self.expr(&statement.argument, scope, out);
                out.push(Stmt::Return {
                    value: None,
                    span: self.span(statement.span),
                    error: true,
                });
            }
            Statement::BreakStatement(_) => out.push(Stmt::Break),
            Statement::ContinueStatement(_) => out.push(Stmt::Continue),
            Statement::LabeledStatement(statement) => self.stmt(&statement.body, scope, out),
            Statement::ExportDeclaration(export) => {
                if let Declaration::VariableDeclaration(declaration) = &export.declaration {
                    self.declaration(declaration, scope, out);
                }
            }
            // Declarations were collected beforehand (functions are hoisted, classes inside
            // bodies and TypeScript declarations say nothing about values).
            _ => {}
        }
    }

    fn declaration(
        &mut self,
        declaration: &'a VariableDeclaration<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        if declaration.declare {
            return;
        }
        for declarator in &declaration.declarations {
            self.local(declarator, scope, out);
        }
    }

    /// `for (x in xs)` and `for (x of xs)`: `x` is fresh on every iteration.
    fn for_each(
        &mut self,
        left: &'a ForStatementLeft<'a>,
        right: &'a Expression<'a>,
        body: &'a Statement<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        self.expr(right, scope, out);
        let bindings = match left {
            ForStatementLeft::VariableDeclaration(declaration) => declaration
                .declarations
                .iter()
                .flat_map(|declarator| binding_names(&declarator.id))
                .collect(),
            target => target
                .as_assignment_target()
                .map(target_names)
                .unwrap_or_default(),
        };
        scope.locals.extend(bindings.iter().cloned());
        let body = self.block(body, scope);
        out.push(Stmt::Loop { bindings, body });
    }

    /// A `switch` is one pass through a loop body, so `break` inside a case leaves the switch.
    /// A case that does not end in a jump falls through into the next one.
    fn switch(&mut self, statement: &'a SwitchStatement<'a>, scope: &mut Scope, out: &mut Block) {
        self.expr(&statement.discriminant, scope, out);
        let mut bodies = Vec::new();
        for case in &statement.cases {
            let mut arm = Vec::new();
            if let Some(test) = &case.test {
                self.expr(test, scope, &mut arm);
            }
            for statement in &case.consequent {
                self.stmt(statement, scope, &mut arm);
            }
            bodies.push(arm);
        }
        out.push(crate::frontend::switch_with_fall_through(bodies, true));
    }

    fn local(
        &mut self,
        declarator: &'a VariableDeclarator<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        let Some(init) = &declarator.init else {
            for name in binding_names(&declarator.id) {
                scope.locals.insert(name.clone());
                out.push(Stmt::Let {
                    name,
                    value: Value::Unknown,
                });
            }
            return;
        };
        let stripped = strip(init);
        if let BindingPattern::BindingIdentifier(id) = &declarator.id
            && let Some(node) = self.function_value(stripped)
        {
            self.bind_closure(node, id.name.as_str().to_owned(), scope);
            return;
        }
        if let Some(specifier) = self.require_specifier(stripped) {
            self.bind_import(&declarator.id, &specifier);
            return;
        }
        let (value, props) = match stripped {
            // `const props = { distinct_id: id, .. }`: event properties that name an id.
            Expression::ObjectExpression(object) => (
                Value::Unknown,
                Some(self.object_literal(object, scope, out)),
            ),
            // `const props = Object.assign({}, base, { distinct_id: id })`.
            Expression::CallExpression(call)
                if self.is_object_assign(&call.callee, scope)
                    && self
                        .builds_properties(&super::lowerer::Arg::list(&call.arguments), scope) =>
            {
                let args = super::lowerer::Arg::list(&call.arguments);
                (Value::Unknown, Some(self.object_assign(&args, scope, out)))
            }
            _ => (self.expr(init, scope, out), None),
        };
        let BindingPattern::BindingIdentifier(id) = &declarator.id else {
            self.destructure_binding(&declarator.id, value, scope, out);
            return;
        };
        let name = id.name.as_str().to_owned();
        if let Some(tracker) = self.tracker_of(stripped, scope) {
            scope.trackers.insert(name.clone(), tracker);
        }
        if let Some(type_name) = self.constructed_type(stripped) {
            scope.types.insert(name.clone(), type_name);
        }
        if let Some(annotation) = &declarator.type_annotation {
            if let Some(sdk) = self.sdk_of_annotation(annotation.span) {
                scope.trackers.insert(name.clone(), Tracker::Known(sdk));
            }
            let type_name = self
                .text(annotation.span)
                .trim_start_matches(':')
                .trim()
                .to_owned();
            scope
                .types
                .insert(name.clone(), super::lowerer::main_type(&type_name));
        }
        if let Some(props) = props {
            scope.props.insert(name.clone(), props);
        }
        scope.locals.insert(name.clone());
        out.push(Stmt::Let { name, value });
    }

    /// Binds the names of a destructuring pattern to fields of `value`.
    pub(super) fn destructure_binding(
        &mut self,
        pattern: &'a BindingPattern<'a>,
        value: Value,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        if let BindingPattern::ArrayPattern(array) = pattern {
            // `[anon, user]`: each element is its own part of the value (its index).
            for (index, element) in array.elements.iter().enumerate() {
                if let Some(name) = element
                    .as_ref()
                    .and_then(|element| binding_names(element).into_iter().next())
                {
                    bind_field(name, &value, index.to_string(), scope, out);
                }
            }
            if let Some(rest) = &array.rest {
                bind_unknown(binding_names(&rest.argument), scope, out);
            }
            return;
        }
        let BindingPattern::ObjectPattern(object) = pattern else {
            bind_unknown(binding_names(pattern), scope, out);
            return;
        };
        for property in &object.properties {
            let Some(name) = binding_names(&property.value).into_iter().next() else {
                continue;
            };
            let field = if property.shorthand {
                name.clone()
            } else {
                self.key_text(&property.key, property.computed).to_owned()
            };
            bind_field(name, &value, field, scope, out);
        }
    }

    /// Binds the names of a destructuring assignment (`({ a, b: c } = value)`) to fields of `value`.
    pub(super) fn destructure_target(
        &mut self,
        pattern: &'a AssignmentTargetPattern<'a>,
        value: Value,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        let AssignmentTargetPattern::ObjectAssignmentTarget(object) = pattern else {
            bind_unknown(pattern_target_names(pattern), scope, out);
            return;
        };
        for property in &object.properties {
            let (name, field) = match property {
                AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(property) => {
                    let name = property.binding.name.as_str().to_owned();
                    (name.clone(), name)
                }
                AssignmentTargetProperty::AssignmentTargetPropertyProperty(property) => {
                    let Some(name) = maybe_default_names(&property.binding).into_iter().next()
                    else {
                        continue;
                    };
                    (
                        name,
                        self.key_text(&property.name, property.computed).to_owned(),
                    )
                }
            };
            bind_field(name, &value, field, scope, out);
        }
    }
}

fn bind_field(name: String, value: &Value, field: String, scope: &mut Scope, out: &mut Block) {
    let value = match value {
        Value::Path { .. } => value.clone().field(Some(field)),
        _ => Value::Unknown,
    };
    scope.locals.insert(name.clone());
    out.push(Stmt::Let { name, value });
}

fn bind_unknown(names: Vec<String>, scope: &mut Scope, out: &mut Block) {
    for name in names {
        scope.locals.insert(name.clone());
        out.push(Stmt::Let {
            name,
            value: Value::Unknown,
        });
    }
}

/// The names a binding pattern binds, in source order.
pub(super) fn binding_names(pattern: &BindingPattern) -> Vec<String> {
    let mut names = Vec::new();
    collect_binding_names(pattern, &mut names);
    names
}

fn collect_binding_names(pattern: &BindingPattern, names: &mut Vec<String>) {
    match pattern {
        BindingPattern::BindingIdentifier(id) => names.push(id.name.as_str().to_owned()),
        BindingPattern::ObjectPattern(object) => {
            for property in &object.properties {
                collect_binding_names(&property.value, names);
            }
            if let Some(rest) = &object.rest {
                collect_binding_names(&rest.argument, names);
            }
        }
        BindingPattern::ArrayPattern(array) => {
            for element in array.elements.iter().flatten() {
                collect_binding_names(element, names);
            }
            if let Some(rest) = &array.rest {
                collect_binding_names(&rest.argument, names);
            }
        }
        BindingPattern::AssignmentPattern(assignment) => {
            collect_binding_names(&assignment.left, names)
        }
    }
}

/// The names an assignment target binds: a name, or those of a destructuring pattern.
pub(super) fn target_names(target: &AssignmentTarget) -> Vec<String> {
    match target {
        AssignmentTarget::AssignmentTargetIdentifier(id) => vec![id.name.as_str().to_owned()],
        target => target
            .as_assignment_target_pattern()
            .map(pattern_target_names)
            .unwrap_or_default(),
    }
}

fn pattern_target_names(pattern: &AssignmentTargetPattern) -> Vec<String> {
    let mut names = Vec::new();
    match pattern {
        AssignmentTargetPattern::ArrayAssignmentTarget(array) => {
            for element in array.elements.iter().flatten() {
                names.extend(maybe_default_names(element));
            }
            if let Some(rest) = &array.rest {
                names.extend(target_names(&rest.target));
            }
        }
        AssignmentTargetPattern::ObjectAssignmentTarget(object) => {
            for property in &object.properties {
                match property {
                    AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(property) => {
                        names.push(property.binding.name.as_str().to_owned())
                    }
                    AssignmentTargetProperty::AssignmentTargetPropertyProperty(property) => {
                        names.extend(maybe_default_names(&property.binding))
                    }
                }
            }
            if let Some(rest) = &object.rest {
                names.extend(target_names(&rest.target));
            }
        }
    }
    names
}

fn maybe_default_names(target: &AssignmentTargetMaybeDefault) -> Vec<String> {
    match target {
        AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(with_default) => {
            target_names(&with_default.binding)
        }
        target => target
            .as_assignment_target()
            .map(target_names)
            .unwrap_or_default(),
    }
}
