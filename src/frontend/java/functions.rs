//! Functions: methods, constructors, initialisers, lambdas and the methods of anonymous
//! classes (functions of their own, with their captures as trailing parameters).

use rustc_hash::FxHashSet as HashSet;

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, children, is_private, is_tracker_type, type_name};
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
    pub(super) fn push_function(&mut self, heading: &Heading) -> u32 {
        let mut path = self.module_path.clone();
        path.extend(heading.owner.map(str::to_owned));
        path.push(heading.name.clone());
        self.functions.push(Function {
            name: heading.name.clone(),
            path,
            owner: heading.owner.map(str::to_owned),
            kind: heading.kind,
            params: Vec::new(),
            exported: heading.exported,
            repeats: None,
            defaults: Vec::new(),
            parent: None,
            span: heading.header,
            body: Vec::new(),
        });
        self.functions.len() as u32 - 1
    }

    /// A method or constructor (named `init`); visible outside its file unless `private`. An
    /// abstract method has no body and is not lowered: a call through its type reaches the
    /// implementations.
    pub(super) fn method(&mut self, node: Node, owner: Option<&str>) {
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let constructor = node.kind() != "method_declaration";
        let (name, header) = match node.child_by_field_name("name") {
            Some(_) if constructor => ("init".to_owned(), self.first_line(node)),
            Some(name) => (self.text(name).to_owned(), self.span(name)),
            None => ("<method>".to_owned(), self.first_line(node)),
        };
        let heading = Heading {
            name,
            owner,
            kind: FunctionKind::Method,
            exported: !is_private(self, node),
            header,
        };
        self.function(heading, parameter_nodes(node), Some(body), None);
    }

    /// `static { .. }` and `{ .. }` in a class body: they run when the class is loaded or an
    /// instance is made (entry points of their own).
    pub(super) fn initialiser(&mut self, node: Node, owner: Option<&str>) {
        let body = if node.kind() == "block" {
            Some(node)
        } else {
            children(node).into_iter().find(|c| c.kind() == "block")
        };
        let heading = Heading {
            name: "<clinit>".to_owned(),
            owner,
            kind: FunctionKind::Method,
            exported: true,
            header: self.first_line(node),
        };
        self.function(heading, Vec::new(), body, None);
    }

    /// `x -> ..`, `(a, b) -> { .. }`, `(String id) -> ..`: a function of its own. Returns its
    /// index and how many explicit parameters it has.
    pub(super) fn lambda(&mut self, node: Node, scope: &Scope) -> (u32, usize) {
        let parameters = match node.child_by_field_name("parameters") {
            Some(p) if p.kind() == "identifier" => vec![p],
            Some(p) => children(p),
            None => Vec::new(),
        };
        let heading = Heading {
            name: "{lambda}".to_owned(),
            owner: None,
            kind: FunctionKind::Free,
            exported: false,
            header: self.first_line(node),
        };
        self.function(
            heading,
            parameters,
            node.child_by_field_name("body"),
            Some(scope),
        )
    }

    /// `new Runnable() { public void run() { .. } }`: each method is a callback of its own
    /// (run later: an entry point), written where it captures the enclosing method's names.
    pub(super) fn anonymous_class(&mut self, body: Node, scope: &Scope) -> Vec<u32> {
        let mut methods = Vec::new();
        for member in children(body)
            .into_iter()
            .filter(|m| m.kind() == "method_declaration")
        {
            let name = member
                .child_by_field_name("name")
                .map_or("<method>", |n| self.text(n));
            let heading = Heading {
                name: format!("{{anonymous}}.{name}"),
                owner: None,
                kind: FunctionKind::Free,
                exported: false,
                header: self.first_line(member),
            };
            let body = member.child_by_field_name("body");
            let (index, _) = self.function(heading, parameter_nodes(member), body, Some(scope));
            methods.push(index);
        }
        methods
    }

    /// Lowers a function; `outer` is the scope a lambda or anonymous class is written in.
    fn function(
        &mut self,
        heading: Heading,
        parameters: Vec<Node>,
        body: Option<Node>,
        outer: Option<&Scope>,
    ) -> (u32, usize) {
        let index = self.push_function(&heading);
        let mut scope = self.function_scope(&heading, outer);
        if let Some(outer) = outer {
            self.enclosing.push(outer.locals.clone());
        }
        let mut params = Vec::new();
        if heading.owner.is_some() {
            // The receiver: `this.anonId = id` persists through it, and lambdas capture it.
            params.push("this".to_owned());
            scope.locals.insert("this".to_owned());
        }
        let explicit = parameters.len();
        for parameter in parameters {
            params.push(self.parameter(parameter, &mut scope));
        }
        let mut block: Block = Vec::new();
        if let Some(body) = body {
            match body.kind() {
                "block" | "constructor_body" => block = self.block_of(body, &mut scope),
                // A lambda's expression body is its value.
                _ => {
                    let value = self.expr(body, &mut scope, &mut block);
                    return_value(&mut block, value, self.span(body));
                }
            }
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

    /// A method starts from nothing but its type; a lambda from its enclosing method's names
    /// (types, trackers, closures), with locals of its own.
    fn function_scope(&self, heading: &Heading, outer: Option<&Scope>) -> Scope {
        let mut scope = match outer {
            Some(outer) => Scope {
                locals: HashSet::default(),
                name: format!("{}::{}", outer.name, heading.name),
                ..outer.clone()
            },
            None => Scope {
                name: match heading.owner {
                    Some(owner) => format!("{owner}.{}", heading.name),
                    None => heading.name.clone(),
                },
                ..Scope::default()
            },
        };
        if heading.owner.is_some() {
            scope.self_type = heading.owner.map(str::to_owned);
        }
        scope
    }

    /// A parameter's local name; its type gives its type (a tracker when it is the SDK's).
    fn parameter(&mut self, node: Node, scope: &mut Scope) -> String {
        let name = match node.child_by_field_name("name") {
            Some(name) => self.text(name).to_owned(),
            None => self.text(node).to_owned(),
        };
        if let Some(found) = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)))
        {
            if is_tracker_type(&found) {
                scope.trackers.insert(name.clone(), Tracker::Known(()));
            }
            scope.types.insert(name.clone(), found);
        }
        scope.locals.insert(name.clone());
        name
    }
}

/// The parameters of a method or constructor.
fn parameter_nodes(node: Node) -> Vec<Node> {
    node.child_by_field_name("parameters")
        .map(children)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| matches!(c.kind(), "formal_parameter" | "spread_parameter"))
        .collect()
}
