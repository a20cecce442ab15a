//! Functions: free functions, methods, initialisers, computed-property accessors, nested
//! functions and closures (functions of their own, with their captures as trailing
//! parameters).

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, children, fields, is_private, is_tracker_type, type_name};
use crate::frontend::scope::Tracker;
use crate::frontend::{ClosureSite, finish_function, return_value};
use crate::ir::{Block, Function, FunctionKind, Span};

/// How a function is known: its name, its type, its kind, whether outside code calls it.
pub(super) struct Heading<'o> {
    pub name: String,
    pub owner: Option<&'o str>,
    pub kind: FunctionKind,
    pub exported: bool,
    /// Where it is named in messages.
    pub header: Span,
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

    /// A `func`, `init` or `deinit`, at the top level or in a type; visible outside its file
    /// unless `private`.
    pub(super) fn method(&mut self, node: Node, owner: Option<&str>) -> u32 {
        let (name, header) = match node.kind() {
            "init_declaration" => ("init".to_owned(), self.first_line(node)),
            "deinit_declaration" => ("deinit".to_owned(), self.first_line(node)),
            _ => match node.child_by_field_name("name") {
                Some(name) => (self.text(name).to_owned(), self.span(name)),
                None => ("<function>".to_owned(), self.first_line(node)),
            },
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
        let body = node
            .child_by_field_name("body")
            .and_then(|b| children(b).into_iter().find(|c| c.kind() == "statements"));
        self.function(heading, parameter_nodes(node), body, None).0
    }

    /// A computed property's accessor: a method named after the property.
    pub(super) fn accessor(
        &mut self,
        name: &str,
        owner: Option<&str>,
        _static_member: bool,
        property: Node,
        body: Node,
    ) {
        let heading = Heading {
            name: name.to_owned(),
            owner,
            kind: FunctionKind::Method,
            exported: !is_private(self, property),
            header: self.first_line(property),
        };
        self.function(heading, Vec::new(), Some(body), None);
    }

    /// A `func` inside a function body: a closure, callable by its name from here on.
    pub(super) fn nested_function(&mut self, node: Node, scope: &mut Scope) {
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
        let parameters = parameter_nodes(node);
        let body = node
            .child_by_field_name("body")
            .and_then(|b| children(b).into_iter().find(|c| c.kind() == "statements"));
        let (index, explicit) = self.function(heading, parameters, body, Some(scope));
        scope.closures.insert(name.clone(), (index, explicit));
        scope.locals.insert(name);
    }

    /// A closure literal: a function of its own. Returns its index and how many explicit
    /// parameters it has.
    pub(super) fn closure(&mut self, node: Node, scope: &Scope) -> (u32, usize) {
        let parameters: Vec<Node> = node
            .child_by_field_name("type")
            .into_iter()
            .flat_map(children)
            .filter(|c| c.kind() == "lambda_function_type_parameters")
            .flat_map(children)
            .filter(|c| c.kind() == "lambda_parameter")
            .collect();

        let heading = Heading {
            name: "{closure}".to_owned(),
            owner: None,
            kind: FunctionKind::Free,
            exported: false,
            header: self.first_line(node),
        };
        let body = children(node)
            .into_iter()
            .find(|c| c.kind() == "statements");
        self.function(heading, parameters, body, Some(scope))
    }

    /// Lowers a function; `outer` is the scope a nested function or closure is written in.
    fn function(
        &mut self,
        heading: Heading,
        parameters: Vec<Node>,
        body: Option<Node>,
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
        let mut params = Vec::new();
        if owner.is_some() {
            // The receiver: `self.anonId = id` persists through it, and closures capture it.
            params.push("self".to_owned());
            scope.locals.insert("self".to_owned());
        }
        let explicit = parameters.len();
        for parameter in parameters {
            params.push(self.parameter(parameter, &mut scope));
        }
        let in_method = outer.is_some_and(|o| o.locals.contains("self"))
            || (outer.is_some() && self.closures_in_method > 0);
        self.closures_in_method += usize::from(in_method);
        let mut block: Block = Vec::new();
        if let Some(body) = body {
            let statements = children(body);
            match statements.as_slice() {
                // A closure, function or getter of one expression returns it.
                [only] if is_expression(*only) => {
                    let value = self.expr(*only, &mut scope, &mut block);
                    return_value(&mut block, value, self.span(*only));
                }
                _ => block = self.statements(&statements, &mut scope),
            }
        }
        self.closures_in_method -= usize::from(in_method);
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
                locals: Default::default(),
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
    /// the SDK's).
    fn parameter(&mut self, node: Node, scope: &mut Scope) -> String {
        let names = fields(node, "name");
        let name = names
            .iter()
            .find(|n| n.kind() == "simple_identifier")
            .map_or_else(|| self.text(node).to_owned(), |n| self.text(*n).to_owned());
        let annotation = names
            .iter()
            .chain(fields(node, "type").iter())
            .find(|n| n.kind() != "simple_identifier")
            .and_then(|t| type_name(self.text(*t)));
        if let Some(type_name) = annotation {
            if is_tracker_type(&type_name) {
                scope.trackers.insert(name.clone(), Tracker::Known(()));
            }
            scope.types.insert(name.clone(), type_name);
        }
        scope.locals.insert(name.clone());
        name
    }

    /// The first line of a node, where a nameless function is shown.
    pub(super) fn first_line(&self, node: Node) -> Span {
        let start = node.start_byte();
        let end = self.source[start..node.end_byte()]
            .find('\n')
            .map_or(node.end_byte(), |i| start + i);
        Span {
            file: self.file,
            start: start as u32,
            end: end as u32,
        }
    }
}

/// The `parameter` nodes of a function declaration.
fn parameter_nodes(node: Node) -> Vec<Node> {
    children(node)
        .into_iter()
        .filter(|c| c.kind() == "parameter")
        .collect()
}

/// Whether a statement is an expression, whose value a one-expression closure returns.
fn is_expression(node: Node) -> bool {
    !matches!(
        node.kind(),
        "property_declaration"
            | "assignment"
            | "control_transfer_statement"
            | "if_statement"
            | "guard_statement"
            | "switch_statement"
            | "for_statement"
            | "while_statement"
            | "repeat_while_statement"
            | "do_statement"
            | "function_declaration"
            | "class_declaration"
    )
}
