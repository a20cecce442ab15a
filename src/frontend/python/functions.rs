//! Functions: module functions, methods, nested functions and lambdas (closures of the
//! function they are written in, with their captures as trailing parameters).

use ruff_python_ast::{
    ExceptHandler, Expr, ExprLambda, Parameters, Stmt, StmtFunctionDef, StmtTry, UnaryOp,
};

use super::lowerer::{Lowerer, Scope, string_literal};
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
    /// A generator made a context manager (`@contextmanager`): what runs up to its `yield`
    /// runs when a `with` block is entered, the rest when the block is left. `exit` names the
    /// method a `with` calls then (`__exit__`, `__aexit__`).
    ContextManager {
        statements: &'s [Stmt],
        exit: &'static str,
    },
}

/// A `@contextmanager` generator's statements around its one `yield`.
pub(super) struct AroundYield<'s> {
    /// Up to the statement that holds the `yield`.
    before: &'s [Stmt],
    /// `yield value`, `x = yield value`.
    yielded: &'s Stmt,
    /// After it.
    after: &'s [Stmt],
    /// The `try` the `yield` is in, when it is one of `before`'s siblings' (`try: yield
    /// finally: ..`): the rest of its body, its handlers and its `finally` run on exit.
    within: Option<&'s StmtTry>,
}

/// Finds where a generator yields: a `yield` statement of its body, or of the body of a `try`
/// statement of its body. `None` for any other shape (no `yield`, several, one in a loop).
fn around_yield(statements: &[Stmt]) -> Option<AroundYield<'_>> {
    let yields = |statement: &Stmt| match statement {
        Stmt::Expr(expression) => matches!(&*expression.value, Expr::Yield(_)),
        Stmt::Assign(assign) => matches!(&*assign.value, Expr::Yield(_)),
        _ => false,
    };
    if let Some(at) = statements.iter().position(yields) {
        return Some(AroundYield {
            before: &statements[..at],
            yielded: &statements[at],
            after: &statements[at + 1..],
            within: None,
        });
    }
    statements.iter().enumerate().find_map(|(at, statement)| {
        let Stmt::Try(tried) = statement else {
            return None;
        };
        let inner = tried.body.iter().position(yields)?;
        Some(AroundYield {
            before: &statements[..at],
            yielded: &tried.body[inner],
            after: &statements[at + 1..],
            within: Some(tried),
        })
    })
}

/// How a function is known: its name, its class, its kind, whether outside code calls it.
pub(super) struct FunctionHeading<'o> {
    pub name: String,
    pub owner: Option<&'o str>,
    pub kind: FunctionKind,
    pub exported: bool,
}

/// `ids.GUEST` → `["ids", "GUEST"]`: the names of a chain of attributes of a name.
fn dotted_names(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Name(name) => Some(vec![name.id.to_string()]),
        Expr::Attribute(attribute) => {
            let mut names = dotted_names(&attribute.value)?;
            names.push(attribute.attr.to_string());
            Some(names)
        }
        _ => None,
    }
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
            defaults: Vec::new(),
            parent: None,
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
        scope.function = Some(index);
        let mut body = Vec::new();
        let params = match syntax.parameters {
            Some(parameters) => self.parameters(parameters, kind, &mut scope, &mut body),
            None => Vec::new(),
        };
        let defaults = syntax
            .parameters
            .map(|parameters| self.defaults(parameters, outer))
            .unwrap_or_default();
        let mut exit = None;
        match syntax.body {
            FunctionBody::ContextManager {
                statements,
                exit: method,
            } if owner.is_none()
                && outer.is_none()
                && let Some(around) = around_yield(statements) =>
            {
                let exit_body = self.around_yield(&around, &mut scope, &mut body);
                exit = Some((method, self.span(around.yielded), exit_body));
            }
            FunctionBody::Statements(statements)
            | FunctionBody::ContextManager { statements, .. } => {
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
        self.functions[index as usize].defaults = defaults;
        self.functions[index as usize].parent = outer.and_then(|o| o.function);
        if let Some((method, span, exit_body)) = exit {
            // What a `with` block's end runs: a method of the manager the function makes,
            // found by its name as `with` calls it (`analytics_session(..).__exit__()`).
            let exit = self.push_function(
                method.to_owned(),
                Some(&name),
                FunctionKind::Method,
                false,
                span,
            );
            self.functions[exit as usize].body = exit_body;
        }
        index
    }

    /// Lowers a `@contextmanager` generator's entry (up to its `yield`) into `enter`, and
    /// returns its exit: the rest of the `try` it yields in (or one of its handlers, when the
    /// block raised), its `finally`, and what follows.
    fn around_yield(
        &mut self,
        around: &AroundYield,
        scope: &mut Scope,
        enter: &mut Block,
    ) -> Block {
        for statement in around.before {
            self.stmt(statement, scope, enter);
        }
        let mut yielded_at = None;
        if let Some(tried) = around.within {
            let at = tried
                .body
                .iter()
                .position(|s| std::ptr::eq(s, around.yielded))
                .unwrap_or(0);
            for statement in &tried.body[..at] {
                self.stmt(statement, scope, enter);
            }
            yielded_at = Some(at);
        }
        // The value the `with` binds (`yield session`): its calls run on entry.
        match around.yielded {
            Stmt::Expr(expression) => self.effects(&expression.value, scope, enter),
            Stmt::Assign(assign) => self.effects(&assign.value, scope, enter),
            _ => {}
        }
        let mut exit = Vec::new();
        if let (Some(tried), Some(at)) = (around.within, yielded_at) {
            let mut rest = self.block(&tried.body[at + 1..], scope);
            rest.extend(self.block(&tried.orelse, scope));
            let mut arms: Vec<Block> = tried
                .handlers
                .iter()
                .map(|ExceptHandler::ExceptHandler(handler)| self.block(&handler.body, scope))
                .collect();
            let handled = if arms.is_empty() {
                rest
            } else {
                arms.insert(0, rest);
                vec![IrStmt::Branch(arms)]
            };
            let finally = self.block(&tried.finalbody, scope);
            exit.extend(crate::frontend::with_finally(handled, finally));
        }
        for statement in around.after {
            self.stmt(statement, scope, &mut exit);
        }
        exit
    }

    /// The parameters' defaults, by position, that name a value without running code: a
    /// literal (`uid="guest"`, `-1`, `None`) or a module-level name (`uid=ANON_ID`,
    /// `ids.GUEST`). Python evaluates them once, where the function is defined.
    fn defaults(&self, parameters: &Parameters, outer: Option<&Scope>) -> Vec<Option<Value>> {
        let mut defaults = Vec::new();
        for (position, parameter) in parameters.iter_source_order().enumerate() {
            let Some(default) = parameter.default() else {
                continue;
            };
            if let Some(value) = self.default_value(default, parameters, outer) {
                defaults.resize(position, None);
                defaults.push(Some(value));
            }
        }
        defaults
    }

    fn default_value(
        &self,
        default: &Expr,
        parameters: &Parameters,
        outer: Option<&Scope>,
    ) -> Option<Value> {
        if let Some(text) = string_literal(default) {
            return Some(Value::Str(text));
        }
        match default {
            Expr::NumberLiteral(number) => Some(Value::Num(self.text(number).to_owned())),
            Expr::NoneLiteral(_) => Some(Value::Null),
            Expr::BooleanLiteral(literal) => Some(Value::Bool(literal.value)),
            Expr::UnaryOp(unary)
                if unary.op == UnaryOp::USub
                    && matches!(&*unary.operand, Expr::NumberLiteral(_)) =>
            {
                Some(Value::Num(format!("-{}", self.text(&*unary.operand))))
            }
            Expr::Name(_) | Expr::Attribute(_) => {
                let mut names = dotted_names(default)?.into_iter();
                let root = names.next()?;
                let local = parameters.iter().any(|p| p.name().as_str() == root)
                    || outer.is_some_and(|o| o.locals.contains(&root));
                (!local).then(|| Value::Path {
                    root,
                    fields: names.collect(),
                })
            }
            _ => None,
        }
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
    let decorated = |names: &[&str]| {
        function.decorator_list.iter().any(|decorator| {
            lowerer
                .dotted(&decorator.expression)
                .is_some_and(|d| names.contains(&d.rsplit('.').next().unwrap_or(&d)))
        })
    };
    let body = if decorated(&["contextmanager"]) {
        FunctionBody::ContextManager {
            statements: &function.body,
            exit: "__exit__",
        }
    } else if decorated(&["asynccontextmanager"]) {
        FunctionBody::ContextManager {
            statements: &function.body,
            exit: "__aexit__",
        }
    } else {
        FunctionBody::Statements(&function.body)
    };
    FunctionSyntax {
        header: lowerer.span(&function.name),
        parameters: Some(&function.parameters),
        body,
    }
}
