//! Lowers a tree-sitter Python tree into IR.
//!
//! Module-level definitions (imports, functions, classes, module-level trackers and instances)
//! are collected first; the remaining top-level statements become the `<module>` function.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::sdk;
use crate::frontend::scope::{Tracker, closure_args};
use crate::frontend::treesitter::named_children;
use crate::frontend::{
    ClosureSite, FileContext, Options, declared_event, finish_function, return_value,
};
use crate::frontend::{by_name_sdk_call, concatenation, with_finally};
use crate::ir::{
    Block, Call, Callee, Event, EventKind, FileId, Function, FunctionKind, Import, Module, Side,
    Span, Stmt, Value,
};

pub fn lower_file(
    file: FileId,
    text: &str,
    root: Node,
    context: &FileContext,
    options: &Options,
) -> Module {
    let is_package = context.file_name == "__init__.py";
    let mut lowerer = Lowerer {
        file,
        src: text.as_bytes(),
        source: text,
        options,
        module_path: context.module_path.clone(),
        package: if is_package {
            context.module_path.clone()
        } else {
            context.module_path[..context.module_path.len().saturating_sub(1)].to_vec()
        },
        imports: Vec::new(),
        functions: Vec::new(),
        bindings: HashMap::new(),
        file_scope: Scope::default(),
        supertypes: Vec::new(),
        classes: HashSet::new(),
    };
    lowerer.program(root);
    let trackers = lowerer.module_trackers();
    Module {
        file,
        language: context.language,
        path: context.module_path.clone(),
        imports: lowerer.imports,
        functions: lowerer.functions,
        trackers,
        supertypes: lowerer.supertypes,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Binding {
    /// `import mixpanel`: the SDK's module.
    SdkModule,
    /// `from mixpanel import Mixpanel`: the tracker class.
    SdkClass,
    /// A name for a dotted path outside the project (`from uuid import uuid4` → `uuid.uuid4`).
    External(String),
    /// A project module or a name imported from one.
    Project,
}

type Scope = crate::frontend::scope::Scope;

struct Lowerer<'a> {
    file: FileId,
    src: &'a [u8],
    source: &'a str,
    options: &'a Options,
    module_path: Vec<String>,
    /// The package relative imports start from.
    package: Vec<String>,
    imports: Vec<Import>,
    functions: Vec<Function>,
    bindings: HashMap<String, Binding>,
    file_scope: Scope,
    supertypes: Vec<(String, String)>,
    classes: HashSet<String>,
}

fn strip(node: Node) -> Node {
    match node.kind() {
        "parenthesized_expression" | "await" => node.named_child(0).map_or(node, strip),
        _ => node,
    }
}

impl<'a> Lowerer<'a> {
    fn text(&self, node: Node) -> &'a str {
        node.utf8_text(self.src).unwrap_or("")
    }

    fn span(&self, node: Node) -> Span {
        Span {
            file: self.file,
            start: node.start_byte() as u32,
            end: node.end_byte() as u32,
        }
    }

    /// A dotted name with its first segment expanded through imports: `uuid4` → `uuid.uuid4`.
    fn dotted(&self, node: Node) -> Option<String> {
        let node = strip(node);
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                Some(match self.bindings.get(name) {
                    Some(Binding::External(path)) => path.clone(),
                    _ => name.to_owned(),
                })
            }
            "attribute" => {
                let object = self.dotted(node.child_by_field_name("object")?)?;
                let attribute = self.text(node.child_by_field_name("attribute")?);
                Some(format!("{object}.{attribute}"))
            }
            _ => None,
        }
    }

    fn string_literal(&self, node: Node) -> Option<String> {
        if node.kind() != "string" {
            return None;
        }
        let children = named_children(node);
        if children.iter().any(|c| c.kind() == "interpolation") {
            return None;
        }
        Some(
            children
                .iter()
                .filter(|c| c.kind() == "string_content")
                .map(|c| self.text(*c))
                .collect(),
        )
    }

    // ---------------------------------------------------------------- module level

    fn program(&mut self, root: Node) {
        let statements = crate::frontend::treesitter::recovered_statements(root);
        for statement in &statements {
            self.declare(*statement);
        }
        let mut scope = self.file_scope.clone();
        scope.name = "<module>".to_owned();
        let mut body = Vec::new();
        for statement in &statements {
            if !is_definition(*statement) {
                self.stmt(*statement, &mut scope, &mut body);
            }
        }
        if !body.is_empty() {
            self.push_function(
                "<module>".to_owned(),
                None,
                FunctionKind::Free,
                true,
                self.span(root),
            );
            let last = self.functions.len() - 1;
            self.functions[last].body = body;
        }
    }

    fn declare(&mut self, node: Node) {
        match node.kind() {
            "import_statement" => self.import(node),
            "import_from_statement" => self.import_from(node),
            "function_definition" => {
                self.function_definition(node, None, false);
            }
            "decorated_definition" => {
                if let Some(definition) = node.child_by_field_name("definition") {
                    match definition.kind() {
                        "function_definition" => {
                            self.function_definition(definition, None, true);
                        }
                        "class_definition" => self.class(definition),
                        _ => {}
                    }
                }
            }
            "class_definition" => self.class(node),
            "expression_statement" => {
                if let Some(assignment) = node.named_child(0)
                    && assignment.kind() == "assignment"
                {
                    self.declare_assignment(assignment);
                }
            }
            _ => {}
        }
    }

    /// `mp = Mixpanel(TOKEN)` and `analytics = Analytics()` at module level.
    fn declare_assignment(&mut self, assignment: Node) {
        let (Some(left), Some(right)) = (
            assignment.child_by_field_name("left"),
            assignment.child_by_field_name("right"),
        ) else {
            return;
        };
        if left.kind() != "identifier" {
            return;
        }
        let name = self.text(left).to_owned();
        if let Some(tracker) = self.tracker_of(right, &self.file_scope.clone()) {
            self.file_scope.trackers.insert(name, tracker);
        } else if let Some(class) = self.constructed_class(right) {
            let mut path = self.module_path.clone();
            path.push(class.clone());
            if !self.classes.contains(&class)
                && let Some(import) = self.imports.iter().find(|i| !i.glob && i.local == class)
            {
                path = import.path.clone();
            }
            self.imports.push(Import {
                scope: self.module_path.clone(),
                local: name.clone(),
                path,
                glob: false,
            });
            self.bindings.insert(name.clone(), Binding::Project);
            self.file_scope.types.insert(name, class);
        }
    }

    fn import(&mut self, node: Node) {
        let mut cursor = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            let (dotted, alias) = match name.kind() {
                "aliased_import" => (
                    name.child_by_field_name("name")
                        .map(|n| self.text(n))
                        .unwrap_or(""),
                    name.child_by_field_name("alias").map(|a| self.text(a)),
                ),
                _ => (self.text(name), None),
            };
            let parts: Vec<String> = dotted.split('.').map(str::to_owned).collect();
            if parts[0] == sdk::SDK_MODULE {
                self.bindings.insert(
                    alias.unwrap_or(sdk::SDK_MODULE).to_owned(),
                    Binding::SdkModule,
                );
                continue;
            }
            match alias {
                // `import a.b as c`: `c` is `a.b`.
                Some(alias) => self.bind(alias.to_owned(), parts),
                // `import a.b`: `a` is bound, `a.b.f()` is written out in full.
                None => self.bind(parts[0].clone(), vec![parts[0].clone()]),
            }
        }
    }

    fn import_from(&mut self, node: Node) {
        let Some(module) = node.child_by_field_name("module_name") else {
            return;
        };
        let base: Vec<String> = match module.kind() {
            "relative_import" => {
                let text = self.text(module);
                let dots = text.chars().take_while(|c| *c == '.').count();
                let mut base = self.package.clone();
                for _ in 1..dots {
                    base.pop();
                }
                let rest = &text[dots..];
                base.extend(rest.split('.').filter(|s| !s.is_empty()).map(str::to_owned));
                base
            }
            _ => self.text(module).split('.').map(str::to_owned).collect(),
        };
        let is_sdk = base.first().is_some_and(|b| b == sdk::SDK_MODULE) && base.len() == 1;
        let mut cursor = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            let (imported, local) = match name.kind() {
                "aliased_import" => {
                    let imported = name
                        .child_by_field_name("name")
                        .map(|n| self.text(n))
                        .unwrap_or("");
                    (
                        imported,
                        name.child_by_field_name("alias")
                            .map_or(imported, |a| self.text(a)),
                    )
                }
                _ => (self.text(name), self.text(name)),
            };
            if is_sdk {
                let binding = if imported == sdk::TRACKER_CLASS {
                    Binding::SdkClass
                } else {
                    Binding::SdkModule
                };
                self.bindings.insert(local.to_owned(), binding);
                continue;
            }
            let mut path = base.clone();
            path.extend(imported.split('.').map(str::to_owned));
            self.bind(local.to_owned(), path);
        }
        if named_children(node)
            .iter()
            .any(|c| c.kind() == "wildcard_import")
        {
            self.imports.push(Import {
                scope: self.module_path.clone(),
                local: String::new(),
                path: base,
                glob: true,
            });
        }
    }

    /// Binds an imported name: a fresh-id library's function is remembered by its dotted
    /// name, anything else may be project code and is resolved by the call graph.
    fn bind(&mut self, local: String, path: Vec<String>) {
        let dotted = path.join(".");
        let external = sdk::FRESH_CALLS
            .iter()
            .any(|f| *f == dotted || f.starts_with(&format!("{dotted}.")));
        if external {
            self.bindings.insert(local, Binding::External(dotted));
            return;
        }
        self.bindings.insert(local.clone(), Binding::Project);
        self.imports.push(Import {
            scope: self.module_path.clone(),
            local,
            path,
            glob: false,
        });
    }

    fn class(&mut self, node: Node) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let class = self.text(name).to_owned();
        self.classes.insert(class.clone());
        self.bindings.insert(class.clone(), Binding::Project);
        if let Some(bases) = node.child_by_field_name("superclasses") {
            for base in named_children(bases) {
                if let Some(dotted) = self.dotted(base) {
                    let base = dotted.rsplit('.').next().unwrap_or(&dotted).to_owned();
                    self.supertypes.push((class.clone(), base));
                }
            }
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        for member in named_children(body) {
            let (definition, decorated) = match member.kind() {
                "decorated_definition" => (member.child_by_field_name("definition"), true),
                "function_definition" => (Some(member), false),
                _ => (None, false),
            };
            if let Some(definition) = definition.filter(|d| d.kind() == "function_definition") {
                self.function_definition(definition, Some(&class), decorated);
            }
        }
    }

    // ---------------------------------------------------------------- functions

    fn push_function(
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
            span,
            body: Vec::new(),
        });
        self.functions.len() as u32 - 1
    }

    fn function_definition(&mut self, node: Node, owner: Option<&str>, decorated: bool) -> u32 {
        let name = node
            .child_by_field_name("name")
            .map_or("<anonymous>".to_owned(), |n| self.text(n).to_owned());
        let exported = decorated || !name.starts_with('_');
        let kind = if owner.is_some() {
            FunctionKind::Method
        } else {
            FunctionKind::Free
        };
        self.function(node, name, owner, kind, exported, None)
    }

    /// Lowers a `def` or a `lambda`; `outer` is the enclosing scope of a nested one.
    fn function(
        &mut self,
        node: Node,
        name: String,
        owner: Option<&str>,
        kind: FunctionKind,
        exported: bool,
        outer: Option<&Scope>,
    ) -> u32 {
        let span = crate::frontend::treesitter::header_span(self.file, node, self.source);
        let index = self.push_function(name.clone(), owner, kind, exported, span);
        let mut scope = match outer {
            Some(outer) => Scope {
                locals: HashSet::new(),
                name: if name.starts_with('<') {
                    format!("{}::<lambda>", outer.name)
                } else {
                    format!("{}::{name}", outer.name)
                },
                ..outer.clone()
            },
            None => Scope {
                name: name.clone(),
                ..self.file_scope.clone()
            },
        };
        if owner.is_some() {
            scope.self_type = owner.map(str::to_owned);
        }
        let mut params = Vec::new();
        let mut body = Vec::new();
        let parameters = node
            .child_by_field_name("parameters")
            .map(named_children)
            .unwrap_or_default();
        for parameter in parameters {
            let name_node = match parameter.kind() {
                "identifier" => Some(parameter),
                "typed_parameter" => parameter.named_child(0),
                "default_parameter" | "typed_default_parameter" => {
                    parameter.child_by_field_name("name")
                }
                "list_splat_pattern" | "dictionary_splat_pattern" => parameter.named_child(0),
                _ => None,
            };
            let Some(name_node) = name_node else { continue };
            let mut param = self.text(name_node).to_owned();
            if let Some(annotation) = parameter.child_by_field_name("type") {
                let type_name = main_type(self.text(annotation));
                if type_name == sdk::TRACKER_CLASS {
                    scope.trackers.insert(param.clone(), Tracker::Known(()));
                }
                scope.types.insert(param.clone(), type_name);
            }
            // A method's first parameter is its receiver, whatever it is called.
            if kind == FunctionKind::Method
                && params.is_empty()
                && (param == "self" || param == "cls")
            {
                if param == "cls" {
                    body.push(Stmt::Let {
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
        if let Some(function_body) = node.child_by_field_name("body") {
            if function_body.kind() == "block" {
                for statement in crate::frontend::treesitter::recovered_statements(function_body) {
                    self.stmt(statement, &mut scope, &mut body);
                }
            } else {
                // A lambda's body is its value.
                let value = self.expr(function_body, &mut scope, &mut body);
                return_value(&mut body, value, self.span(function_body));
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

    // ---------------------------------------------------------------- statements

    fn block(&mut self, node: Option<Node>, scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        if let Some(node) = node {
            for statement in crate::frontend::treesitter::recovered_statements(node) {
                self.stmt(statement, scope, &mut out);
            }
        }
        out
    }

    fn stmt(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "expression_statement" => {
                for child in named_children(node) {
                    self.expr(child, scope, out);
                }
            }
            "if_statement" => self.if_statement(node, scope, out),
            "for_statement" => {
                if let Some(right) = node.child_by_field_name("right") {
                    self.expr(right, scope, out);
                }
                let bindings = node
                    .child_by_field_name("left")
                    .map(|l| self.pattern_names(l))
                    .unwrap_or_default();
                scope.locals.extend(bindings.iter().cloned());
                let body = self.block(node.child_by_field_name("body"), scope);
                out.push(Stmt::Loop { bindings, body });
                if let Some(alternative) = node.child_by_field_name("alternative") {
                    out.extend(self.block(alternative.child_by_field_name("body"), scope));
                }
            }
            "while_statement" => {
                let mut body = Vec::new();
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition, scope, &mut body);
                }
                let inner = self.block(node.child_by_field_name("body"), scope);
                body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
            }
            "try_statement" => self.try_statement(node, scope, out),
            "with_statement" => {
                for clause in named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "with_clause")
                {
                    for item in named_children(clause) {
                        let Some(value) = item.child_by_field_name("value") else {
                            continue;
                        };
                        if value.kind() == "as_pattern" {
                            let expression = value.named_child(0);
                            let target = value.child_by_field_name("alias");
                            let bound =
                                expression.map_or(Value::Unknown, |e| self.expr(e, scope, out));
                            if let Some(target) = target {
                                for name in self.pattern_names(target) {
                                    scope.locals.insert(name.clone());
                                    out.push(Stmt::Let {
                                        name,
                                        value: bound.clone(),
                                    });
                                }
                            }
                        } else {
                            self.expr(value, scope, out);
                        }
                    }
                }
                out.extend(self.block(node.child_by_field_name("body"), scope));
            }
            "match_statement" => {
                if let Some(subject) = node.child_by_field_name("subject") {
                    self.expr(subject, scope, out);
                }
                let mut arms: Vec<Block> = Vec::new();
                if let Some(body) = node.child_by_field_name("body") {
                    for case in named_children(body)
                        .into_iter()
                        .filter(|c| c.kind() == "case_clause")
                    {
                        arms.push(self.block(case.child_by_field_name("consequence"), scope));
                    }
                }
                arms.push(Vec::new());
                out.push(Stmt::Branch(arms));
            }
            "return_statement" => {
                let value = node.named_child(0).map(|v| self.expr(v, scope, out));
                out.push(Stmt::Return {
                    value,
                    span: self.span(node),
                    error: false,
                });
            }
            "raise_statement" => {
                for child in named_children(node) {
                    self.expr(child, scope, out);
                }
                out.push(Stmt::Return {
                    value: None,
                    span: self.span(node),
                    error: true,
                });
            }
            "break_statement" => out.push(Stmt::Break),
            "continue_statement" => out.push(Stmt::Continue),
            "function_definition" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                let name = self.text(name).to_owned();
                let index = self.function(
                    node,
                    name.clone(),
                    None,
                    FunctionKind::Free,
                    false,
                    Some(scope),
                );
                let explicit = node
                    .child_by_field_name("parameters")
                    .map_or(0, |p| named_children(p).len());
                scope.closures.insert(name.clone(), (index, explicit));
                scope.locals.insert(name);
            }
            "decorated_definition" => {
                if let Some(definition) = node.child_by_field_name("definition") {
                    self.stmt(definition, scope, out);
                }
            }
            "import_statement" => self.import(node),
            "import_from_statement" => self.import_from(node),
            "block" => out.extend(self.block(Some(node), scope)),
            _ => {}
        }
    }

    fn if_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(condition) = node.child_by_field_name("condition") {
            self.expr(condition, scope, out);
        }
        let then = self.block(node.child_by_field_name("consequence"), scope);
        let mut cursor = node.walk();
        let alternatives: Vec<Node> = node
            .children_by_field_name("alternative", &mut cursor)
            .collect();
        let otherwise = self.alternatives(&alternatives, scope);
        out.push(Stmt::Branch(vec![then, otherwise]));
    }

    /// `elif` chains nest: each is a branch inside the previous `else`.
    fn alternatives(&mut self, alternatives: &[Node], scope: &mut Scope) -> Block {
        let Some((first, rest)) = alternatives.split_first() else {
            return Vec::new();
        };
        match first.kind() {
            "elif_clause" => {
                let mut out = Vec::new();
                if let Some(condition) = first.child_by_field_name("condition") {
                    self.expr(condition, scope, &mut out);
                }
                let then = self.block(first.child_by_field_name("consequence"), scope);
                let otherwise = self.alternatives(rest, scope);
                out.push(Stmt::Branch(vec![then, otherwise]));
                out
            }
            _ => self.block(first.child_by_field_name("body"), scope),
        }
    }

    /// Either the `try` body (and its `else`) completes, or it raises and one handler runs.
    fn try_statement(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let mut tried = self.block(node.child_by_field_name("body"), scope);
        let mut arms = Vec::new();
        let mut finally = Vec::new();
        for child in named_children(node) {
            match child.kind() {
                "else_clause" => tried.extend(self.block(child.child_by_field_name("body"), scope)),
                "except_clause" | "except_group_clause" => {
                    let block = named_children(child)
                        .into_iter()
                        .find(|c| c.kind() == "block");
                    arms.push(self.block(block, scope));
                }
                "finally_clause" => {
                    let block = named_children(child)
                        .into_iter()
                        .find(|c| c.kind() == "block");
                    finally = self.block(block, scope);
                }
                _ => {}
            }
        }
        let handled = if arms.is_empty() {
            tried
        } else {
            arms.insert(0, tried);
            vec![Stmt::Branch(arms)]
        };
        out.extend(with_finally(handled, finally));
    }

    fn pattern_names(&self, pattern: Node) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack = vec![pattern];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" => names.push(self.text(node).to_owned()),
                "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" | "tuple"
                | "list" => stack.extend(named_children(node).into_iter().rev()),
                _ => {}
            }
        }
        names
    }

    // ---------------------------------------------------------------- expressions

    fn expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        match node.kind() {
            "identifier" => Value::local(self.text(node)),
            "none" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "string" => self.string(node, scope, out),
            "concatenated_string" => {
                let parts: Vec<Value> = named_children(node)
                    .into_iter()
                    .map(|p| self.expr(p, scope, out))
                    .collect();
                parts
                    .into_iter()
                    .find(|v| matches!(v, Value::Fresh { .. } | Value::Path { .. }))
                    .unwrap_or(Value::Unknown)
            }
            "attribute" => {
                let Some(object) = node.child_by_field_name("object") else {
                    return Value::Unknown;
                };
                let base = self.expr(object, scope, out);
                let attribute = node
                    .child_by_field_name("attribute")
                    .map(|a| self.text(a).to_owned());
                base.field(attribute)
            }
            "subscript" => {
                let base = node
                    .child_by_field_name("value")
                    .map_or(Value::Unknown, |v| self.expr(v, scope, out));
                let key = node
                    .child_by_field_name("subscript")
                    .and_then(|s| self.string_literal(s));
                if key.is_none()
                    && let Some(subscript) = node.child_by_field_name("subscript")
                {
                    self.expr(subscript, scope, out);
                }
                base.field(key)
            }
            "parenthesized_expression" | "await" => node
                .named_child(0)
                .map_or(Value::Unknown, |n| self.expr(n, scope, out)),
            "call" => self.call(node, scope, out),
            "assignment" | "augmented_assignment" => {
                let value = node
                    .child_by_field_name("right")
                    .map_or(Value::Unknown, |r| self.expr(r, scope, out));
                if let Some(left) = node.child_by_field_name("left") {
                    self.assign(left, value.clone(), node, scope, out);
                }
                Value::Unknown
            }
            "named_expression" => {
                let value = node
                    .child_by_field_name("value")
                    .map_or(Value::Unknown, |v| self.expr(v, scope, out));
                if let Some(name) = node.child_by_field_name("name") {
                    let name = self.text(name).to_owned();
                    scope.locals.insert(name.clone());
                    out.push(Stmt::Let {
                        name,
                        value: value.clone(),
                    });
                }
                value
            }
            "boolean_operator" => {
                let left = node
                    .child_by_field_name("left")
                    .map_or(Value::Unknown, |l| self.expr(l, scope, out));
                let mut right_block = Vec::new();
                let right = node
                    .child_by_field_name("right")
                    .map_or(Value::Unknown, |r| self.expr(r, scope, &mut right_block));
                out.push(Stmt::Branch(vec![right_block, Vec::new()]));
                let is_and = node
                    .child_by_field_name("operator")
                    .is_some_and(|o| self.text(o) == "and");
                match (is_and, &left, &right) {
                    // `session.get("anon") or uuid4()` keeps the fresh id for the paths that make one.
                    (false, _, Value::Fresh { .. }) => right,
                    _ => crate::frontend::fallback_value(is_and, left, right),
                }
            }
            "conditional_expression" => {
                let parts = named_children(node);
                if let Some(condition) = parts.get(1) {
                    self.expr(*condition, scope, out);
                }
                let mut then = Vec::new();
                let mut otherwise = Vec::new();
                let a = parts
                    .first()
                    .map_or(Value::Unknown, |p| self.expr(*p, scope, &mut then));
                let b = parts
                    .get(2)
                    .map_or(Value::Unknown, |p| self.expr(*p, scope, &mut otherwise));
                out.push(Stmt::Branch(vec![then, otherwise]));
                // `request.cookies.get("anon") or uuid4()` and `x if x else uuid4()` keep the id.
                match (&a, &b) {
                    (Value::Fresh { .. }, _) => a,
                    (_, Value::Fresh { .. }) => b,
                    _ => Value::Unknown,
                }
            }
            "binary_operator" => {
                let left = node
                    .child_by_field_name("left")
                    .map_or(Value::Unknown, |l| self.expr(l, scope, out));
                let right = node
                    .child_by_field_name("right")
                    .map_or(Value::Unknown, |r| self.expr(r, scope, out));
                concatenation(left, right)
            }
            "lambda" => {
                // A lambda value is a function of its own (a callback kept for later).
                self.function(
                    node,
                    "<lambda>".to_owned(),
                    None,
                    FunctionKind::Free,
                    false,
                    Some(scope),
                );
                Value::Unknown
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                self.comprehension(node, scope, out);
                Value::Unknown
            }
            "list"
            | "tuple"
            | "set"
            | "expression_list"
            | "dictionary"
            | "pair"
            | "not_operator"
            | "unary_operator"
            | "comparison_operator"
            | "list_splat"
            | "dictionary_splat"
            | "keyword_argument" => {
                for child in named_children(node) {
                    self.expr(child, scope, out);
                }
                Value::Unknown
            }
            _ => Value::Unknown,
        }
    }

    fn string(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        if let Some(literal) = self.string_literal(node) {
            return Value::Str(literal);
        }
        // f"anon-{uid}" is still `uid`.
        let values: Vec<Value> = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "interpolation")
            .filter_map(|i| i.child_by_field_name("expression"))
            .map(|e| self.expr(e, scope, out))
            .collect();
        values
            .into_iter()
            .find(|v| {
                matches!(
                    v,
                    Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId
                )
            })
            .unwrap_or(Value::Unknown)
    }

    /// `[f(u) for u in users if u.ok]`: a loop over the `for` clauses' bindings.
    fn comprehension(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        let clauses: Vec<Node> = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "for_in_clause" || c.kind() == "if_clause")
            .collect();
        let mut bindings = Vec::new();
        let mut body = Vec::new();
        for clause in &clauses {
            if clause.kind() == "for_in_clause" {
                if let Some(right) = clause.child_by_field_name("right") {
                    self.expr(right, scope, out);
                }
                if let Some(left) = clause.child_by_field_name("left") {
                    bindings.extend(self.pattern_names(left));
                }
            }
        }
        scope.locals.extend(bindings.iter().cloned());
        for clause in clauses.iter().filter(|c| c.kind() == "if_clause") {
            if let Some(condition) = clause.named_child(0) {
                self.expr(condition, scope, &mut body);
            }
        }
        if let Some(element) = node.child_by_field_name("body") {
            self.expr(element, scope, &mut body);
        }
        out.push(Stmt::Loop { bindings, body });
    }

    fn assign(
        &mut self,
        left: Node,
        value: Value,
        whole: Node,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        match left.kind() {
            "identifier" => {
                let name = self.text(left).to_owned();
                if let Some(right) = whole.child_by_field_name("right") {
                    if let Some(tracker) = self.tracker_of(right, scope) {
                        scope.trackers.insert(name.clone(), tracker);
                    }
                    if let Some(class) = self.constructed_class(right) {
                        scope.types.insert(name.clone(), class);
                    }
                }
                if let Some(annotation) = whole.child_by_field_name("type") {
                    scope
                        .types
                        .insert(name.clone(), main_type(self.text(annotation)));
                }
                scope.locals.insert(name.clone());
                out.push(Stmt::Let { name, value });
            }
            // `request.session["anon_id"] = uid`, `user.anon_id = uid`: stored.
            "attribute" | "subscript" => {
                self.expr(left, scope, out);
                out.push(Stmt::Persist {
                    value,
                    span: self.span(whole),
                });
            }
            _ => {
                for name in self.pattern_names(left) {
                    scope.locals.insert(name.clone());
                    out.push(Stmt::Let {
                        name,
                        value: Value::Unknown,
                    });
                }
            }
        }
    }

    fn call(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let Some(function) = node.child_by_field_name("function") else {
            return Value::Unknown;
        };
        let function = strip(function);
        let arguments: Vec<Node> = node
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        let span = self.span(node);
        if let Some(dotted) = self.dotted(function)
            && sdk::FRESH_CALLS.contains(&dotted.as_str())
        {
            for argument in &arguments {
                self.expr(*argument, scope, out);
            }
            return Value::Fresh {
                origin: format!("{dotted}()"),
                span,
            };
        }
        if self.is_tracker_constructor(function) {
            for argument in &arguments {
                self.expr(*argument, scope, out);
            }
            out.push(Stmt::Event(Event {
                kind: EventKind::Init,
                side: Side::Server,
                id: None,
                original: None,
                method: "Mixpanel".to_owned(),
                span,
                options: None,
            }));
            return Value::Unknown;
        }
        match function.kind() {
            "identifier" => self.call_name(function, &arguments, span, scope, out),
            "attribute" => self.call_attribute(function, &arguments, span, scope, out),
            _ => {
                self.expr(function, scope, out);
                let args = self.arguments(&arguments, scope, out);
                let _ = args;
                Value::Unknown
            }
        }
    }

    fn call_name(
        &mut self,
        function: Node,
        arguments: &[Node],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let name = self.text(function).to_owned();
        if sdk::DERIVING_FUNCTIONS.contains(&name.as_str()) && arguments.len() == 1 {
            return self.expr(arguments[0], scope, out);
        }
        let args = self.arguments(arguments, scope, out);
        let result = scope.temp();
        let callee = match scope.closures.get(&name).copied() {
            Some((index, explicit)) => {
                let args = closure_args(&self.functions[index as usize], explicit, args);
                out.push(Stmt::Call(Call {
                    callee: Callee::Local(index),
                    args,
                    result: Some(result.clone()),
                    span,
                    sdk_fallback: None,
                }));
                return Value::local(result);
            }
            // `Analytics(..)` constructs: its `__init__` runs.
            None if self.classes.contains(&name)
                || name.starts_with(|c: char| c.is_uppercase()) =>
            {
                Callee::Path(vec![name, "__init__".to_owned()])
            }
            None => Callee::Path(vec![name]),
        };
        out.push(Stmt::Call(Call {
            callee,
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
        }));
        Value::local(result)
    }

    fn call_attribute(
        &mut self,
        function: Node,
        arguments: &[Node],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let Some(object) = function.child_by_field_name("object") else {
            return Value::Unknown;
        };
        let method = function
            .child_by_field_name("attribute")
            .map(|a| self.text(a).to_owned())
            .unwrap_or_default();
        if let Some(api) = self
            .options
            .declared_api(
                &[
                    self.dotted(object)
                        .map(|d| d.rsplit('.').next().unwrap_or_default().to_owned()),
                    match strip(object).kind() {
                        "identifier" if self.text(object) == "self" => scope.self_type.clone(),
                        "identifier" => scope.types.get(self.text(object)).cloned(),
                        _ => None,
                    },
                ],
                &method,
            )
            .cloned()
        {
            let args: Vec<Value> = self.arguments(arguments, scope, out);
            out.push(Stmt::Event(declared_event(&api, &args, span)));
            return Value::Unknown;
        }
        if let Some(tracker) = self.tracker_of(object, scope)
            && let Some(mapping) = sdk::sdk_method(&method)
        {
            let (event, args) = self.event(&mapping, &method, arguments, span, scope, out);
            match tracker {
                Tracker::Known(()) => out.push(Stmt::Event(event)),
                Tracker::ByName => {
                    let receiver = self.expr(object, scope, out);
                    out.push(by_name_sdk_call(receiver, method, args, event));
                }
            }
            return Value::Unknown;
        }
        // `analytics.link_user(..)` through an imported module or a class: resolved by path.
        if let Some(path) = self.project_path(object, scope) {
            // An imported module-level tracker (`from analytics import client`) answers SDK
            // methods; the call graph decides whether the path names one.
            let (args, sdk_fallback) = match sdk::sdk_method(&method) {
                Some(mapping) => {
                    let (event, args) = self.event(&mapping, &method, arguments, span, scope, out);
                    (args, Some(Box::new(event)))
                }
                None => (self.arguments(arguments, scope, out), None),
            };
            let result = scope.temp();
            let mut segments = path;
            segments.push(method);
            out.push(Stmt::Call(Call {
                callee: Callee::Path(segments),
                args,
                result: Some(result.clone()),
                span,
                sdk_fallback,
            }));
            return Value::local(result);
        }
        let receiver = self.expr(object, scope, out);
        if sdk::DERIVING_METHODS.contains(&method.as_str()) {
            for argument in arguments {
                self.expr(*argument, scope, out);
            }
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } => receiver,
                _ => Value::Unknown,
            };
        }
        let args = self.arguments(arguments, scope, out);
        let receiver_type = match strip(object).kind() {
            "identifier" if self.text(object) == "self" => scope.self_type.clone(),
            "identifier" => scope.types.get(self.text(object)).cloned(),
            _ => None,
        };
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Method {
                receiver,
                name: method,
                receiver_type,
            },
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
        }));
        Value::local(result)
    }

    /// Module-level names bound to a tracker, for other modules that import them.
    fn module_trackers(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .file_scope
            .trackers
            .iter()
            .filter(|(_, t)| **t == Tracker::Known(()))
            .map(|(name, _)| name.clone())
            .collect();
        names.sort();
        names
    }

    /// `mod.sub` where `mod` is an imported project module, a class, or a module-level instance.
    fn project_path(&self, object: Node, scope: &Scope) -> Option<Vec<String>> {
        let object = strip(object);
        match object.kind() {
            "identifier" => {
                let name = self.text(object);
                let shadowed = scope.locals.contains(name);
                (!shadowed && self.bindings.get(name) == Some(&Binding::Project))
                    .then(|| vec![name.to_owned()])
            }
            "attribute" => {
                let mut path = self.project_path(object.child_by_field_name("object")?, scope)?;
                path.push(
                    self.text(object.child_by_field_name("attribute")?)
                        .to_owned(),
                );
                Some(path)
            }
            _ => None,
        }
    }

    /// Positional arguments, then keyword argument values in order; lambdas are functions of
    /// their own. A call's keyword arguments usually follow the parameter order.
    fn arguments(&mut self, arguments: &[Node], scope: &mut Scope, out: &mut Block) -> Vec<Value> {
        let mut values = Vec::new();
        for argument in arguments {
            let value = match argument.kind() {
                "keyword_argument" => argument
                    .child_by_field_name("value")
                    .map_or(Value::Unknown, |v| self.expr(v, scope, out)),
                _ => self.expr(*argument, scope, out),
            };
            values.push(value);
        }
        values
    }

    fn event(
        &mut self,
        mapping: &sdk::SdkMethod,
        method: &str,
        arguments: &[Node],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Event, Vec<Value>) {
        let mut positional = Vec::new();
        let mut keywords = HashMap::new();
        let mut in_order = Vec::new();
        for argument in arguments {
            if argument.kind() == "keyword_argument" {
                let name = argument
                    .child_by_field_name("name")
                    .map(|n| self.text(n).to_owned())
                    .unwrap_or_default();
                let value = argument
                    .child_by_field_name("value")
                    .map_or(Value::Unknown, |v| self.expr(v, scope, out));
                in_order.push(value.clone());
                keywords.insert(name, value);
            } else {
                let value = self.expr(*argument, scope, out);
                in_order.push(value.clone());
                positional.push(value);
            }
        }
        let take = |slot: Option<(usize, &str)>| {
            let (index, keyword) = slot?;
            positional
                .get(index)
                .cloned()
                .or_else(|| keywords.get(keyword).cloned())
        };
        let event = Event {
            kind: mapping.kind,
            side: Side::Server,
            id: take(mapping.id),
            original: take(mapping.original),
            method: method.to_owned(),
            span,
            options: self.properties_keys(mapping.kind, arguments),
        };
        (event, in_order)
    }

    /// The keys of `track`'s properties when they are a dict literal (`{"$device_id": ..}`).
    fn properties_keys(&self, kind: EventKind, arguments: &[Node]) -> Option<Vec<(String, Value)>> {
        if kind != EventKind::Track {
            return None;
        }
        let properties = arguments
            .iter()
            .filter(|a| a.kind() != "keyword_argument")
            .nth(2)
            .copied()
            .or_else(|| {
                arguments.iter().find_map(|a| {
                    let named =
                        a.child_by_field_name("name").map(|n| self.text(n)) == Some("properties");
                    (a.kind() == "keyword_argument" && named)
                        .then(|| a.child_by_field_name("value"))
                        .flatten()
                })
            })?;
        (properties.kind() == "dictionary").then(|| {
            named_children(properties)
                .into_iter()
                .filter(|pair| pair.kind() == "pair")
                .filter_map(|pair| {
                    pair.child_by_field_name("key")
                        .and_then(|k| self.string_literal(k))
                })
                .map(|key| (key, Value::Unknown))
                .collect()
        })
    }

    fn is_tracker_constructor(&self, function: Node) -> bool {
        match function.kind() {
            "identifier" => self.bindings.get(self.text(function)) == Some(&Binding::SdkClass),
            "attribute" => {
                let attribute = function
                    .child_by_field_name("attribute")
                    .map(|a| self.text(a));
                let object = function.child_by_field_name("object").map(|o| self.text(o));
                attribute == Some(sdk::TRACKER_CLASS)
                    && object.is_some_and(|o| self.bindings.get(o) == Some(&Binding::SdkModule))
            }
            _ => false,
        }
    }

    fn tracker_of(&self, node: Node, scope: &Scope) -> Option<Tracker> {
        let node = strip(node);
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if let Some(tracker) = scope.trackers.get(name) {
                    return Some(*tracker);
                }
                let shadowed = scope.locals.contains(name) && !self.is_tracker_name(name);
                (!shadowed && self.is_tracker_name(name)).then_some(Tracker::ByName)
            }
            "attribute" => {
                let attribute = self.text(node.child_by_field_name("attribute")?);
                self.is_tracker_name(attribute).then_some(Tracker::ByName)
            }
            "call" => {
                let function = strip(node.child_by_field_name("function")?);
                self.is_tracker_constructor(function)
                    .then_some(Tracker::Known(()))
            }
            _ => None,
        }
    }

    fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }

    /// `Analytics(..)` → `Analytics`, for a project class.
    fn constructed_class(&self, value: Node) -> Option<String> {
        let value = strip(value);
        if value.kind() != "call" {
            return None;
        }
        let function = value.child_by_field_name("function")?;
        let name = self.text(function);
        (function.kind() == "identifier" && self.bindings.get(name) == Some(&Binding::Project))
            .then(|| name.to_owned())
    }
}

fn is_definition(node: Node) -> bool {
    matches!(
        node.kind(),
        "import_statement"
            | "import_from_statement"
            | "function_definition"
            | "decorated_definition"
            | "class_definition"
    )
}

/// `Optional[Mixpanel]` → `Mixpanel`, `"Analytics"` → `Analytics`.
fn main_type(annotation: &str) -> String {
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
