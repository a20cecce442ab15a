//! Functions: module functions, methods, nested functions and lambdas (closures of the
//! function they are written in, with their captures as trailing parameters).

use ruff_python_ast::{Expr, ExprLambda, Parameters, Stmt, StmtFunctionDef};

use super::lowerer::{Lowerer, Scope};
use super::sdk;
use crate::frontend::scope::Tracker;
use crate::frontend::{ClosureSite, finish_function, return_value};
use crate::ir::{Block, Function, FunctionKind, Span, Stmt as IrStmt, Value};

/// What a function is made of, whether written with `def` or `lambda`.
pub(super) struct FunctionSyntax<'s> {
    /// Where it is named in messages: a `def`'s name, a lambda's first line.
    pub header: Span,
    pub parameters: Option<&'s Parameters>,
    pub body: FunctionBody<'s>,
}

pub(super) enum FunctionBody<'s> {
    Statements(&'s [Stmt]),
    /// A lambda's body is its value.
    Value(&'s Expr),
}

/// How a function is known: its name, its class, its kind, whether outside code calls it.
pub(super) struct FunctionHeading<'o> {
    pub name: String,
    pub owner: Option<&'o str>,
    pub kind: FunctionKind,
    pub exported: bool,
}

/// `Optional[Mixpanel]` → `Mixpanel`, `"Analytics"` → `Analytics`.
pub(super) fn annotation_type(annotation: &str) -> String {
    let inner = annotation
        .rsplit_once('[')
        .map(|(_, rest)| rest.trim_end_matches(']'))
        .unwrap_or(annotation);
    let first = inner.split(['|', ',']).next().unwrap_or(inner);
    first
        .trim()
        .trim_matches(['"', '\''])
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_owned()
}

impl Lowerer<'_> {
    pub(super) fn push_function(
        &mut self,
        name: String,
        owner: Option<&str>,
        kind: FunctionKind,
        exported: bool,
        span: Span,
    ) -> u32 {
        let mut path = Vec::with_capacity(self.module_path.len() + 2);
        path.extend_from_slice(&self.module_path);
        path.extend(owner.map(str::to_owned));
        path.push(name.clone());
        self.functions.push(Function {
            name,
            path,
            owner: owner.map(str::to_owned),
            kind,
            params: Vec::new(),
            exported,
            repeats: None,
            span,
            body: Vec::new(),
        });
        self.functions.len() as u32 - 1
    }

    /// A module function or a method: exported unless its name starts with `_`, or decorated.
    pub(super) fn function_definition(
        &mut self,
        function: &StmtFunctionDef,
        owner: Option<&str>,
        decorated: bool,
    ) -> u32 {
        let name = function.name.to_string();
        let heading = FunctionHeading {
            exported: decorated || !name.starts_with('_'),
            name,
            owner,
            kind: if owner.is_some() {
                FunctionKind::Method
            } else {
                FunctionKind::Free
            },
        };
        let index = self.function(def_syntax(self, function), heading, None);
        self.functions[index as usize].repeats =
            self.repeating_decorator(function).map(str::to_owned);
        index
    }

    /// Why a decorator makes the framework run this function again and again for the same user
    /// (`@app.before_request`, `@app.middleware("http")`), if one does.
    fn repeating_decorator(&self, function: &StmtFunctionDef) -> Option<&'static str> {
        function.decorator_list.iter().find_map(|decorator| {
            let callee = match &decorator.expression {
                Expr::Call(call) => &call.func,
                other => other,
            };
            let dotted = self.dotted(callee)?;
            let name = dotted.rsplit('.').next().unwrap_or(&dotted);
            crate::frameworks::repeating_callback(name, 0, None)
        })
    }

    /// A `def` inside a function body: a closure, callable by its name from here on.
    pub(super) fn nested_function(&mut self, function: &StmtFunctionDef, scope: &mut Scope) {
        let name = function.name.to_string();
        let heading = FunctionHeading {
            name: name.clone(),
            owner: None,
            kind: FunctionKind::Free,
            exported: false,
        };
        let index = self.function(def_syntax(self, function), heading, Some(scope));
        // Its own parameters come before its captures (the `/` and `*` markers are none).
        let explicit = function.parameters.len();
        scope.closures.insert(name.clone(), (index, explicit));
        scope.locals.insert(name);
    }

    /// A lambda value is a function of its own (a callback kept for later).
    pub(super) fn lambda(&mut self, lambda: &ExprLambda, scope: &Scope) {
        let start = usize::from(lambda.range.start());
        let end = usize::from(lambda.range.end());
        let first_line_end = self.source[start..end]
            .find('\n')
            .map_or(end, |i| start + i);
        let syntax = FunctionSyntax {
            header: Span {
                file: self.file,
                start: start as u32,
                end: first_line_end as u32,
            },
            parameters: lambda.parameters.as_deref(),
            body: FunctionBody::Value(&lambda.body),
        };
        let heading = FunctionHeading {
            name: "<lambda>".to_owned(),
            owner: None,
            kind: FunctionKind::Free,
            exported: false,
        };
        self.function(syntax, heading, Some(scope));
    }

    /// Lowers a function; `outer` is the scope a nested function or lambda is written in.
    pub(super) fn function(
        &mut self,
        syntax: FunctionSyntax,
        heading: FunctionHeading,
        outer: Option<&Scope>,
    ) -> u32 {
        let FunctionHeading {
            name,
            owner,
            kind,
            exported,
        } = heading;
        let index = self.push_function(name.clone(), owner, kind, exported, syntax.header);
        let mut scope = self.function_scope(&name, outer);
        if owner.is_some() {
            scope.self_type = owner.map(str::to_owned);
        }
        let mut body = Vec::new();
        let params = match syntax.parameters {
            Some(parameters) => self.parameters(parameters, kind, &mut scope, &mut body),
            None => Vec::new(),
        };
        match syntax.body {
            FunctionBody::Statements(statements) => {
                for statement in statements {
                    self.stmt(statement, &mut scope, &mut body);
                }
            }
            FunctionBody::Value(value) => {
                let returned = self.expr(value, &mut scope, &mut body);
                return_value(&mut body, returned, self.span(value));
            }
        }
        let site = outer.map(|outer| ClosureSite {
            outer_locals: &outer.locals,
            own_locals: &scope.locals,
            name: scope.name.clone(),
            module_path: &self.module_path,
        });
        finish_function(&mut self.functions[index as usize], params, body, site);
        index
    }

    /// A function starts from the module's names; a nested one from its enclosing function's
    /// (types, trackers, closures), with locals of its own.
    fn function_scope(&self, name: &str, outer: Option<&Scope>) -> Scope {
        match outer {
            Some(outer) => Scope {
                locals: Default::default(),
                name: if name.starts_with('<') {
                    format!("{}::<lambda>", outer.name)
                } else {
                    format!("{}::{name}", outer.name)
                },
                ..outer.clone()
            },
            None => Scope {
                name: name.to_owned(),
                ..self.file_scope.clone()
            },
        }
    }

    /// Parameter names in order; annotations give types (`mp: Mixpanel` is a tracker). A
    /// method's first parameter is its receiver, `self`, whatever it is called (`cls` too).
    fn parameters(
        &mut self,
        parameters: &Parameters,
        kind: FunctionKind,
        scope: &mut Scope,
        body: &mut Block,
    ) -> Vec<String> {
        let mut params = Vec::new();
        for parameter in parameters.iter_source_order() {
            let mut param = parameter.name().to_string();
            if let Some(annotation) = parameter.annotation() {
                let type_name = annotation_type(self.text(annotation));
                if sdk::is_tracker_class(&type_name) {
                    scope.trackers.insert(param.clone(), Tracker::Known(()));
                }
                scope.types.insert(param.clone(), type_name);
            }
            if kind == FunctionKind::Method
                && params.is_empty()
                && (param == "self" || param == "cls")
            {
                if param == "cls" {
                    body.push(IrStmt::Let {
                        name: "cls".to_owned(),
                        value: Value::local("self"),
                    });
                    scope.locals.insert("cls".to_owned());
                }
                param = "self".to_owned();
            }
            scope.locals.insert(param.clone());
            params.push(param);
        }
        params
    }
}

fn def_syntax<'s>(lowerer: &Lowerer, function: &'s StmtFunctionDef) -> FunctionSyntax<'s> {
    FunctionSyntax {
        header: lowerer.span(&function.name),
        parameters: Some(&function.parameters),
        body: FunctionBody::Statements(&function.body),
    }
}
