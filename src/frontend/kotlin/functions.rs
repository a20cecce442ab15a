//! Functions: top-level and extension functions, methods, constructors (the primary one with
//! its `init` blocks, secondary ones), property accessors, local functions, lambdas and the
//! methods of anonymous objects (functions of their own, with their captures as trailing
//! parameters).

use rustc_hash::FxHashSet as HashSet;

use tree_sitter::Node;

use super::lowerer::{
    Lowerer, Scope, annotated_type, child_of_kind, children, is_private, is_tracker_type,
};
use super::module::body_of;
use crate::frontend::scope::Tracker;
use crate::frontend::{ClosureSite, finish_function, return_value};
use crate::ir::{Block, Function, FunctionKind, Span, Stmt, Value};

/// How a function is known: its name, its type, its kind, whether outside code calls it.
pub(super) struct Heading<'o> {
    pub name: String,
    pub owner: Option<&'o str>,
    pub kind: FunctionKind,
    pub exported: bool,
    /// Where it is named in messages.
    pub header: Span,
}

/// What a function runs.
pub(super) enum Body<'t> {
    /// `{ .. }`, or a lambda's statements.
    Statements(Vec<Node<'t>>),
    /// `= expression`: its value is returned.
    Expression(Node<'t>),
}

/// A function's parameters as written.
pub(super) enum Parameter<'t> {
    /// `id: String`, a lambda's `id`.
    Named(Node<'t>),
    /// A lambda's implicit `it`.
    It,
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
        let mut path = self.module_path.clone();
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

    /// A `fun`, at the top level, in a type or an object, or extending a type; visible
    /// outside its file unless `private`. An abstract method (in an interface or an abstract
    /// class: no body) is not lowered: a call through its type reaches the implementations.
    pub(super) fn method(&mut self, node: Node, owner: Option<&str>) {
        if owner.is_some() && function_body(node).is_none() {
            return;
        }
        let (name, header) = match node.child_by_field_name("name") {
            Some(name) => (self.text(name).to_owned(), self.span(name)),
            None => ("<function>".to_owned(), self.first_line(node)),
        };
        let heading = Heading {
            name,
            owner,
            kind: if owner.is_some() {
                FunctionKind::Method
            } else {
                FunctionKind::Free
            },
            exported: !is_private(self, node),
            header,
        };
        let body = function_body(node);
        self.function(heading, parameter_nodes(node), body, None);
    }

    /// The primary constructor: its parameters, and its `init` blocks in order. Written only
    /// when there is an `init` block (property initialisers that make trackers are declared,
    /// not run).
    pub(super) fn primary_constructor(&mut self, class: Node, owner: &str) {
        let Some(body) = body_of(class) else {
            return;
        };
        let blocks: Vec<Node> = children(body)
            .into_iter()
            .filter(|m| m.kind() == "anonymous_initializer")
            .filter_map(|m| child_of_kind(m, "block"))
            .collect();
        if blocks.is_empty() {
            return;
        }
        let parameters = child_of_kind(class, "primary_constructor")
            .and_then(|p| child_of_kind(p, "class_parameters"))
            .map(children)
            .unwrap_or_default()
            .into_iter()
            .map(Parameter::Named)
            .collect();
        let heading = Heading {
            name: "init".to_owned(),
            owner: Some(owner),
            kind: FunctionKind::Method,
            exported: true,
            header: self.first_line(blocks[0].parent().unwrap_or(blocks[0])),
        };
        let statements = blocks.into_iter().flat_map(children).collect();
        self.function(
            heading,
            parameters,
            Some(Body::Statements(statements)),
            None,
        );
    }

    /// `constructor(x: Int) : this(..) { .. }`.
    pub(super) fn secondary_constructor(&mut self, node: Node, owner: Option<&str>) {
        let heading = Heading {
            name: "init".to_owned(),
            owner,
            kind: FunctionKind::Method,
            exported: !is_private(self, node),
            header: self.first_line(node),
        };
        let body = child_of_kind(node, "block").map(|b| Body::Statements(children(b)));
        self.function(heading, parameter_nodes(node), body, None);
    }

    /// A property's getter and setter run when it is read or written: each is a method named
    /// after the property.
    pub(super) fn accessors(&mut self, node: Node, owner: Option<&str>) {
        let Some((name, _)) = self.property_name(node) else {
            return;
        };
        for accessor in children(node)
            .into_iter()
            .filter(|c| matches!(c.kind(), "getter" | "setter"))
        {
            let Some(body) = function_body(accessor) else {
                continue;
            };
            let parameters = child_of_kind(accessor, "identifier")
                .map(Parameter::Named)
                .into_iter()
                .collect();
            let heading = Heading {
                name: name.clone(),
                owner,
                kind: FunctionKind::Method,
                exported: !is_private(self, node),
                header: self.first_line(node),
            };
            self.function(heading, parameters, Some(body), None);
        }
    }

    /// A `fun` inside a function body: a closure, callable by its name from here on.
    pub(super) fn local_function(&mut self, node: Node, scope: &mut Scope) {
        let Some(name) = node
            .child_by_field_name("name")
            .map(|n| self.text(n).to_owned())
        else {
            return;
        };
        let heading = Heading {
            name: name.clone(),
            owner: None,
            kind: FunctionKind::Free,
            exported: false,
            header: self.first_line(node),
        };
        let body = function_body(node);
        let (index, explicit) = self.function(heading, parameter_nodes(node), body, Some(scope));
        scope.closures.insert(name.clone(), (index, explicit));
        scope.locals.insert(name);
    }

    /// A lambda (`{ x -> .. }`, `{ .. }` with its implicit `it`) or an anonymous function
    /// (`fun(x: Int) { .. }`): a function of its own. Returns its index and how many explicit
    /// parameters it has.
    pub(super) fn lambda(&mut self, node: Node, scope: &Scope) -> (u32, usize) {
        let heading = Heading {
            name: "{lambda}".to_owned(),
            owner: None,
            kind: FunctionKind::Free,
            exported: false,
            header: self.first_line(node),
        };
        if node.kind() == "anonymous_function" {
            let body = function_body(node);
            return self.function(heading, parameter_nodes(node), body, Some(scope));
        }
        let parameters: Vec<Parameter> = match child_of_kind(node, "lambda_parameters") {
            Some(declared) => children(declared)
                .into_iter()
                .map(Parameter::Named)
                .collect(),
            None => vec![Parameter::It],
        };
        let statements = children(node)
            .into_iter()
            .filter(|c| c.kind() != "lambda_parameters" && c.kind() != "label")
            .collect();
        self.function(
            heading,
            parameters,
            Some(Body::Statements(statements)),
            Some(scope),
        )
    }

    /// `object : Runnable { override fun run() { .. } }`: each method is a callback of its own
    /// (run later: an entry point), written where it captures the enclosing function's names.
    pub(super) fn anonymous_object(&mut self, node: Node, scope: &Scope) -> Vec<u32> {
        let Some(body) = body_of(node) else {
            return Vec::new();
        };
        let mut methods = Vec::new();
        for member in children(body)
            .into_iter()
            .filter(|m| m.kind() == "function_declaration")
        {
            let name = member
                .child_by_field_name("name")
                .map_or("<function>", |n| self.text(n));
            let heading = Heading {
                name: format!("{{object}}.{name}"),
                owner: None,
                kind: FunctionKind::Free,
                exported: false,
                header: self.first_line(member),
            };
            let body = function_body(member);
            let (index, _) = self.function(heading, parameter_nodes(member), body, Some(scope));
            methods.push(index);
        }
        methods
    }

    /// Lowers a function; `outer` is the scope a local function, lambda or anonymous object
    /// is written in.
    fn function(
        &mut self,
        heading: Heading,
        parameters: Vec<Parameter>,
        body: Option<Body>,
        outer: Option<&Scope>,
    ) -> (u32, usize) {
        let Heading {
            name,
            owner,
            kind,
            exported,
            header,
        } = heading;
        let index = self.push_function(name.clone(), owner, kind, exported, header);
        let mut scope = self.function_scope(&name, owner, outer);
        if let Some(outer) = outer {
            self.enclosing.push(outer.locals.clone());
        }
        let mut params = Vec::new();
        let mut block: Block = Vec::new();
        if owner.is_some() {
            // The receiver: `this.anonId = id` persists through it, and lambdas capture it.
            params.push("this".to_owned());
            scope.locals.insert("this".to_owned());
        }
        let explicit = parameters.len();
        for parameter in parameters {
            params.push(self.parameter(parameter, &mut scope, &mut block));
        }
        match body {
            Some(Body::Expression(expression)) => {
                let value = self.expr(expression, &mut scope, &mut block);
                return_value(&mut block, value, self.span(expression));
            }
            Some(Body::Statements(statements)) => match statements.as_slice() {
                // A lambda's last expression is its value; one of a single expression is
                // what it returns.
                [only] if outer.is_some() && is_expression(*only) => {
                    let value = self.expr(*only, &mut scope, &mut block);
                    return_value(&mut block, value, self.span(*only));
                }
                _ => {
                    let lowered = self.statements(&statements, &mut scope);
                    block.extend(lowered);
                }
            },
            None => {}
        }
        if outer.is_some() {
            self.enclosing.pop();
        }
        let site = outer.map(|outer| ClosureSite {
            outer_locals: &outer.locals,
            own_locals: &scope.locals,
            name: scope.name.clone(),
            module_path: &self.module_path,
        });
        finish_function(&mut self.functions[index as usize], params, block, site);
        (index, explicit)
    }

    /// A function starts from the file's names; a nested one from its enclosing function's
    /// (types, trackers, closures), with locals of its own.
    fn function_scope(&self, name: &str, owner: Option<&str>, outer: Option<&Scope>) -> Scope {
        let mut scope = match outer {
            Some(outer) => Scope {
                locals: HashSet::default(),
                name: format!("{}::{name}", outer.name),
                ..outer.clone()
            },
            None => Scope {
                name: match owner {
                    Some(owner) => format!("{owner}.{name}"),
                    None => name.to_owned(),
                },
                ..self.file_scope.clone()
            },
        };
        if owner.is_some() {
            scope.self_type = owner.map(str::to_owned);
        }
        scope
    }

    /// A parameter's local name; its type annotation gives its type (a tracker when it is
    /// the SDK's). A destructuring lambda parameter (`(a, b) ->`) binds its names to nothing
    /// known.
    fn parameter(&mut self, parameter: Parameter, scope: &mut Scope, block: &mut Block) -> String {
        let node = match parameter {
            Parameter::It => {
                scope.locals.insert("it".to_owned());
                return "it".to_owned();
            }
            Parameter::Named(node) => node,
        };
        if node.kind() == "multi_variable_declaration" {
            let name = scope.temp();
            for part in children(node) {
                if let Some(bound) = child_of_kind(part, "identifier") {
                    let bound = self.text(bound).to_owned();
                    scope.locals.insert(bound.clone());
                    block.push(Stmt::Let {
                        name: bound,
                        value: Value::Unknown,
                    });
                }
            }
            return name;
        }
        let name = child_of_kind(node, "identifier")
            .map_or_else(|| self.text(node).to_owned(), |n| self.text(n).to_owned());
        if let Some(type_name) = annotated_type(self, node) {
            if is_tracker_type(&type_name) {
                scope.trackers.insert(name.clone(), Tracker::Known(()));
            }
            scope.types.insert(name.clone(), type_name);
        }
        scope.locals.insert(name.clone());
        name
    }
}

/// The body of a `fun`, accessor or anonymous function.
fn function_body(node: Node) -> Option<Body> {
    let body = child_of_kind(node, "function_body")?;
    let inner = children(body).into_iter().next()?;
    Some(match inner.kind() {
        "block" => Body::Statements(children(inner)),
        _ => Body::Expression(inner),
    })
}

/// The `parameter` nodes of a function declaration.
fn parameter_nodes(node: Node) -> Vec<Parameter> {
    child_of_kind(node, "function_value_parameters")
        .map(children)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.kind() == "parameter")
        .map(Parameter::Named)
        .collect()
}

/// Whether a statement is an expression, whose value a one-expression lambda returns.
fn is_expression(node: Node) -> bool {
    !matches!(
        node.kind(),
        "property_declaration"
            | "assignment"
            | "for_statement"
            | "while_statement"
            | "do_while_statement"
            | "function_declaration"
            | "class_declaration"
            | "object_declaration"
    )
}
