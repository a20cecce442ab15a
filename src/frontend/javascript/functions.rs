//! Functions, methods and closures: their scope, parameters (with their types and
//! destructuring), bodies, and the function declarations a block hoists.

use oxc_ast::ast::{
    ArrowFunctionBody, BindingPattern, Expression, FormalParameter, Statement, UnaryOperator,
};
use oxc_span::GetSpan;

use super::lowerer::{FunctionNode, Lowerer, Scope, Tracker, closure_name, main_type, strip};
use crate::frontend::{ClosureSite, finish_function, return_value};
use crate::ir::{Block, FunctionKind, Span, Value};

impl<'a> Lowerer<'a> {
    /// Lowers a function-like node named `name` (a method is named by `key_span`, its key).
    /// `outer` is the enclosing scope of a closure: its locals become captures.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn function(
        &mut self,
        node: FunctionNode<'a>,
        key_span: Option<oxc_span::Span>,
        name: String,
        owner: Option<&str>,
        kind: FunctionKind,
        exported: bool,
        outer: Option<&Scope>,
    ) -> u32 {
        let span = self.header_span(node, key_span);
        let index = self.push_function(
            name.clone(),
            owner,
            kind,
            Vec::new(),
            exported,
            span,
            Vec::new(),
        );
        let mut scope = match outer {
            Some(outer) => inherit(outer, closure_name(&outer.name, &name)),
            None => inherit(&self.file_scope, name.clone()),
        };
        if kind == FunctionKind::Method && owner.is_some() {
            scope.self_type = owner.map(str::to_owned);
        }
        scope.function = Some(index);
        let mut params = Vec::new();
        let mut body = Vec::new();
        if kind == FunctionKind::Method {
            params.push("this".to_owned());
            scope.locals.insert("this".to_owned());
        }
        let defaults = self.parameters(node, &mut params, &mut scope, &mut body, outer);
        self.function_body(node, &mut scope, &mut body);
        let site = outer.map(|outer| ClosureSite {
            outer_locals: &outer.locals,
            own_locals: &scope.locals,
            name: scope.name.clone(),
            module_path: &self.module_path,
        });
        finish_function(&mut self.functions[index as usize], params, body, site);
        self.functions[index as usize].defaults = defaults;
        self.functions[index as usize].parent = outer.and_then(|o| o.function);
        index
    }

    /// Where a function is named: its key or name, or for an anonymous one its first line.
    fn header_span(&self, node: FunctionNode<'a>, key_span: Option<oxc_span::Span>) -> Span {
        if let Some(name) = key_span.or(node.name_span()) {
            return self.span(name);
        }
        let whole = node.span();
        let first_line = self
            .text(whole)
            .find('\n')
            .map_or(whole.end, |i| whole.start + i as u32);
        self.span(oxc_span::Span::new(whole.start, first_line))
    }

    fn function_body(&mut self, node: FunctionNode<'a>, scope: &mut Scope, body: &mut Block) {
        let statements = match node {
            FunctionNode::Function(function) => match &function.body {
                Some(function_body) => &function_body.statements,
                None => return,
            },
            FunctionNode::Arrow(arrow) => match &arrow.body {
                ArrowFunctionBody::FunctionBody(function_body) => &function_body.statements,
                expression => {
                    // A concise body is the value the arrow returns.
                    let Some(expression) = expression.as_expression() else {
                        return;
                    };
                    let value = self.expr(expression, scope, body);
                    return_value(body, value, self.span(expression.span()));
                    return;
                }
            },
        };
        body.reserve(statements.len());
        self.hoist_functions(statements, scope);
        for statement in statements {
            self.stmt(statement, scope, body);
        }
    }

    /// Lowers the parameters into `params`; returns their defaults, by position.
    fn parameters(
        &mut self,
        node: FunctionNode<'a>,
        params: &mut Vec<String>,
        scope: &mut Scope,
        body: &mut Block,
        outer: Option<&Scope>,
    ) -> Vec<Option<Value>> {
        let parameters = node.params();
        let mut defaults = Vec::new();
        for parameter in &parameters.items {
            let position = params.len();
            let initializer = match &parameter.pattern {
                BindingPattern::AssignmentPattern(assignment) => Some(&assignment.right),
                _ => parameter.initializer.as_deref(),
            };
            if let Some(initializer) = initializer
                && let Some(default) = self.default_value(initializer, scope, outer)
            {
                defaults.resize(position, None);
                defaults.push(Some(default));
            }
            self.parameter(parameter, position, params, scope, body);
        }
        if let Some(rest) = &parameters.rest {
            // `...args`: the array of the remaining arguments.
            let name = match &rest.rest.argument {
                BindingPattern::BindingIdentifier(id) => id.name.as_str().to_owned(),
                pattern => self.text(pattern.span()).to_owned(),
            };
            scope.locals.insert(name.clone());
            params.push(name);
        }
        defaults
    }

    /// A parameter's default that names a value without running code: a literal (`id =
    /// 'guest'`, `-1`, `null`) or a module-level name (`id = ANON_ID`, `ids.GUEST`). Anything
    /// else (a call, a name of the function or of the code around a closure) is not kept.
    fn default_value(
        &self,
        expr: &'a Expression<'a>,
        scope: &Scope,
        outer: Option<&Scope>,
    ) -> Option<Value> {
        let local = |name: &str| {
            scope.locals.contains(name) || outer.is_some_and(|o| o.locals.contains(name))
        };
        let expr = strip(expr);
        match expr {
            Expression::NullLiteral(_) => Some(Value::Null),
            Expression::BooleanLiteral(literal) => Some(Value::Bool(literal.value)),
            Expression::NumericLiteral(literal) => {
                Some(Value::Num(self.text(literal.span).to_owned()))
            }
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => {
                self.string_value(expr).map(Value::Str)
            }
            Expression::UnaryExpression(unary)
                if unary.operator == UnaryOperator::UnaryNegation =>
            {
                match strip(&unary.argument) {
                    Expression::NumericLiteral(literal) => {
                        Some(Value::Num(format!("-{}", self.text(literal.span))))
                    }
                    _ => None,
                }
            }
            Expression::Identifier(_) | Expression::StaticMemberExpression(_) => {
                let dotted = self.dotted(expr)?;
                let mut names = dotted.split('.').map(str::to_owned);
                let root = names.next()?;
                if local(&root) || matches!(root.as_str(), "undefined" | "this") {
                    return None;
                }
                Some(Value::Path {
                    root,
                    fields: names.collect(),
                })
            }
            _ => None,
        }
    }

    fn parameter(
        &mut self,
        parameter: &'a FormalParameter<'a>,
        position: usize,
        params: &mut Vec<String>,
        scope: &mut Scope,
        body: &mut Block,
    ) {
        let pattern = match &parameter.pattern {
            BindingPattern::AssignmentPattern(assignment) => &assignment.left,
            pattern => pattern,
        };
        if let (Some(annotation), BindingPattern::BindingIdentifier(id)) =
            (&parameter.type_annotation, pattern)
        {
            let type_name = self
                .text(annotation.span)
                .trim_start_matches(':')
                .trim()
                .to_owned();
            scope
                .types
                .insert(id.name.as_str().to_owned(), main_type(&type_name));
            if let Some(sdk) = self.sdk_of_annotation(annotation.span) {
                scope
                    .trackers
                    .insert(id.name.as_str().to_owned(), Tracker::Known(sdk));
            }
        }
        match pattern {
            BindingPattern::BindingIdentifier(id) => {
                let name = id.name.as_str().to_owned();
                scope.locals.insert(name.clone());
                params.push(name);
            }
            BindingPattern::ObjectPattern(_) | BindingPattern::ArrayPattern(_) => {
                // `({ userId, anonId }) => ..`, `([anon, user]) => ..`: each property or element
                // is a field of the parameter.
                let name = format!("$param{position}");
                scope.locals.insert(name.clone());
                params.push(name.clone());
                self.destructure_binding(pattern, Value::local(name), scope, body);
            }
            _ => {
                let name = format!("$param{position}");
                scope.locals.insert(name.clone());
                params.push(name);
            }
        }
    }

    /// Function declarations inside a body are closures bound before the body runs (hoisting).
    pub(super) fn hoist_functions(&mut self, statements: &'a [Statement<'a>], scope: &mut Scope) {
        for statement in statements {
            if let Statement::FunctionDeclaration(function) = statement
                && !function.generator
                && function.body.is_some()
                && let Some(id) = &function.id
            {
                let name = id.name.as_str().to_owned();
                self.bind_closure(FunctionNode::Function(function), name, scope);
            }
        }
    }

    /// A function bound to a local name: a closure that runs where the name is called.
    pub(super) fn bind_closure(&mut self, node: FunctionNode<'a>, name: String, scope: &mut Scope) {
        let index = self.function(
            node,
            None,
            name.clone(),
            None,
            FunctionKind::Free,
            false,
            Some(scope),
        );
        scope
            .closures
            .insert(name.clone(), (index, node.explicit_params()));
        scope.locals.insert(name);
    }
}

/// The scope a function starts with: what its enclosing scope (the file's, or the function a
/// closure is in) knows of types, trackers, closures and properties, and none of its locals.
fn inherit(outer: &Scope, name: String) -> Scope {
    Scope {
        self_type: outer.self_type.clone(),
        types: outer.types.clone(),
        trackers: outer.trackers.clone(),
        closures: outer.closures.clone(),
        props: outer.props.clone(),
        locals: Default::default(),
        temps: outer.temps,
        name,
        function: None,
    }
}
