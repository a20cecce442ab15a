//! Functions: methods (named by their whole selector, `linkUser:source:`), C functions and
//! blocks (functions of their own, with their captures as trailing parameters).

use tree_sitter::Node;

use super::lowerer::{
    Lowerer, Scope, children, declared_name, is_tracker_type, method_selector, type_name,
};
use crate::frontend::scope::Tracker;
use crate::frontend::{ClosureSite, finish_function};
use crate::ir::{Block, Function, FunctionKind, Span};

/// How a function is known: its name, its class, its kind, whether outside code calls it.
struct Heading<'o> {
    name: String,
    owner: Option<&'o str>,
    kind: FunctionKind,
    exported: bool,
    /// Where it is named in messages.
    header: Span,
}

/// A parameter: its name and the node its type is written in.
struct Parameter<'t> {
    name: String,
    type_node: Option<Node<'t>>,
}

impl Lowerer<'_> {
    fn push_function(&mut self, heading: &Heading) -> u32 {
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

    /// `- (void)linkUser:(NSString *)userId source:(NSString *)source { .. }`: any method can
    /// be sent from anywhere (messages are dispatched at run time), so every one is exported.
    pub(super) fn method(&mut self, node: Node, owner: &str) {
        let (selector, parameter_nodes) = method_selector(self, node);
        let parameters = parameter_nodes
            .into_iter()
            .filter_map(|p| {
                let name = children(p)
                    .into_iter()
                    .rfind(|c| c.kind() == "identifier")?;
                Some(Parameter {
                    name: self.text(name).to_owned(),
                    type_node: children(p).into_iter().find(|c| c.kind() == "method_type"),
                })
            })
            .collect();
        let heading = Heading {
            name: selector,
            owner: Some(owner),
            kind: FunctionKind::Method,
            exported: true,
            header: self.first_line(node),
        };
        let body = children(node)
            .into_iter()
            .find(|c| c.kind() == "compound_statement");
        let first_piece = heading
            .name
            .split(':')
            .next()
            .unwrap_or_default()
            .to_owned();
        let (index, _) = self.function(heading, parameters, body, None);
        // A lifecycle method is named by its selector (`viewDidAppear:`): the framework runs
        // it by its first piece's name, as `crate::frameworks` lists it.
        self.functions[index as usize].repeats =
            crate::frameworks::repeating_method(&first_piece).map(str::to_owned);
    }

    /// `void helper(NSString *userId) { .. }`; a `static` one is private to its file.
    pub(super) fn c_function(&mut self, node: Node, exported: bool) {
        let Some(declarator) = node
            .child_by_field_name("declarator")
            .and_then(function_declarator)
        else {
            return;
        };
        let Some(name) = declarator
            .child_by_field_name("declarator")
            .and_then(declared_name)
        else {
            return;
        };
        let heading = Heading {
            name: self.text(name).to_owned(),
            owner: None,
            kind: FunctionKind::Free,
            exported,
            header: self.span(name),
        };
        let parameters = declarator
            .child_by_field_name("parameters")
            .map(|list| self.parameters(list))
            .unwrap_or_default();
        self.function(heading, parameters, node.child_by_field_name("body"), None);
    }

    /// A block literal `^(NSString *id) { .. }`: a function of its own. Returns its index and
    /// how many explicit parameters it has.
    pub(super) fn block(&mut self, node: Node, scope: &Scope) -> (u32, usize) {
        let parameters = children(node)
            .into_iter()
            .find(|c| c.kind() == "parameter_list")
            .map(|list| self.parameters(list))
            .unwrap_or_default();
        let heading = Heading {
            name: "{block}".to_owned(),
            owner: None,
            kind: FunctionKind::Free,
            exported: false,
            header: self.first_line(node),
        };
        let body = children(node)
            .into_iter()
            .find(|c| c.kind() == "compound_statement");
        self.function(heading, parameters, body, Some(scope))
    }

    /// The named parameters of a C parameter list (`(void)` has none).
    fn parameters<'t>(&self, list: Node<'t>) -> Vec<Parameter<'t>> {
        children(list)
            .into_iter()
            .filter(|p| p.kind() == "parameter_declaration")
            .filter_map(|p| {
                let name = p
                    .child_by_field_name("declarator")
                    .and_then(declared_name)?;
                Some(Parameter {
                    name: self.text(name).to_owned(),
                    type_node: p.child_by_field_name("type"),
                })
            })
            .collect()
    }

    /// Lowers a function; `outer` is the scope a block is written in.
    fn function(
        &mut self,
        heading: Heading,
        parameters: Vec<Parameter>,
        body: Option<Node>,
        outer: Option<&Scope>,
    ) -> (u32, usize) {
        let index = self.push_function(&heading);
        let mut scope = self.function_scope(&heading, outer);
        let mut params = Vec::new();
        if heading.owner.is_some() {
            // The receiver: `self.anonymousId = id` persists through it, and blocks capture it.
            params.push("self".to_owned());
            scope.locals.insert("self".to_owned());
        }
        let explicit = parameters.len();
        for parameter in parameters {
            params.push(self.parameter(parameter, &mut scope));
        }
        let block: Block = match body {
            Some(body) => self.compound(body, &mut scope),
            None => Vec::new(),
        };
        let site = outer.map(|outer| ClosureSite {
            outer_locals: &outer.locals,
            own_locals: &scope.locals,
            name: scope.name.clone(),
            module_path: &self.module_path,
        });
        finish_function(&mut self.functions[index as usize], params, block, site);
        (index, explicit)
    }

    /// A function starts from the file's names; a block from its enclosing function's
    /// (types, trackers, blocks, the class of `self`), with locals of its own.
    fn function_scope(&self, heading: &Heading, outer: Option<&Scope>) -> Scope {
        let mut scope = match outer {
            Some(outer) => Scope {
                locals: Default::default(),
                name: format!("{}::{}", outer.name, heading.name),
                ..outer.clone()
            },
            None => Scope {
                name: match heading.owner {
                    Some(owner) => format!("{owner}.{}", heading.name),
                    None => heading.name.clone(),
                },
                ..self.file_scope.clone()
            },
        };
        if heading.owner.is_some() {
            scope.self_type = heading.owner.map(str::to_owned);
        }
        scope
    }

    /// A parameter's local name; its type gives its type (a tracker when it is the SDK's).
    fn parameter(&self, parameter: Parameter, scope: &mut Scope) -> String {
        let declared = parameter.type_node.and_then(|t| type_name(self.text(t)));
        if let Some(type_name) = declared {
            if is_tracker_type(&type_name) {
                scope
                    .trackers
                    .insert(parameter.name.clone(), Tracker::Known(()));
            }
            scope.types.insert(parameter.name.clone(), type_name);
        }
        scope.locals.insert(parameter.name.clone());
        parameter.name
    }

    /// The first line of a node, where a method or a block is shown.
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

/// The `function_declarator` inside a declarator (`*name(..)` returns a pointer).
fn function_declarator(node: Node) -> Option<Node> {
    let mut node = node;
    loop {
        if node.kind() == "function_declarator" {
            return Some(node);
        }
        node = node.child_by_field_name("declarator")?;
    }
}
