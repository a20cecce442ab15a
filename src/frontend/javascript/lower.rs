//! Lowers a tree-sitter JavaScript/TypeScript tree into IR.
//!
//! As for Rust, calls are hoisted into [`Stmt::Call`]s with named results. Module-level
//! declarations (imports, functions, classes, object literals of functions, `const` trackers)
//! are collected first, so functions declared before the names they use still see them.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::sdk::{self, Sdk};
use crate::frontend::project::resolve_specifier;
use crate::frontend::scope::closure_args;
use crate::frontend::treesitter::{named_children, recovered_statements};
use crate::frontend::{
    ClosureSite, FileContext, Options, declared_event, finish_function, return_value,
};
use crate::frontend::{by_name_sdk_call, concatenation, sdk_method_name, with_finally};
use crate::ir::{
    Block, Call, Callee, Event, EventKind, FileId, Function, FunctionKind, Import, Module, Span,
    Stmt, Value,
};

pub fn lower_file(
    file: FileId,
    text: &str,
    root: Node,
    context: &FileContext,
    options: &Options,
) -> Module {
    let mut lowerer = Lowerer {
        file,
        src: text.as_bytes(),
        source: text,
        options,
        default_sdk: Sdk::default_for(context.sdk),
        module_path: context.module_path.clone(),
        directory: context.directory.clone(),
        imports: Vec::new(),
        functions: Vec::new(),
        bindings: HashMap::new(),
        file_scope: Scope::default(),
        supertypes: Vec::new(),
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

/// What a module-level name is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Binding {
    /// The SDK's default export: the browser tracker itself, or Node's/React Native's module.
    SdkModule(Sdk),
    /// A named import of a tracker method (`import { identify } from 'mixpanel-browser'`).
    SdkFunction(Sdk, String),
    /// A function that makes fresh ids (`import { v4 } from 'uuid'`).
    Fresh(String),
    /// A fresh-id package's namespace (`import * as uuid from 'uuid'`).
    FreshModule,
    /// A project module, a name imported from one, or a module-level object or class: calls
    /// through it are resolved by path.
    Project,
}

type Scope = crate::frontend::scope::Scope<Sdk>;
type Tracker = crate::frontend::scope::Tracker<Sdk>;

struct Lowerer<'a> {
    file: FileId,
    src: &'a [u8],
    source: &'a str,
    options: &'a Options,
    default_sdk: Sdk,
    module_path: Vec<String>,
    directory: std::path::PathBuf,
    imports: Vec<Import>,
    functions: Vec<Function>,
    bindings: HashMap<String, Binding>,
    /// Module-level trackers and types, inherited by every function of the file.
    file_scope: Scope,
    supertypes: Vec<(String, String)>,
}

/// Type annotations and assertions say nothing about values.
fn strip(node: Node) -> Node {
    match node.kind() {
        "parenthesized_expression"
        | "as_expression"
        | "satisfies_expression"
        | "non_null_expression"
        | "type_assertion"
        | "await_expression" => match node.named_child(0) {
            Some(inner) if !inner.kind().ends_with("type") && inner.kind() != "type_arguments" => {
                strip(inner)
            }
            _ => node,
        },
        _ => node,
    }
}

fn is_function(node: Node) -> bool {
    matches!(
        node.kind(),
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
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

    fn string_value(&self, node: Node) -> Option<String> {
        match node.kind() {
            "string" => {
                let text = self.text(node);
                Some(
                    text.get(1..text.len().saturating_sub(1))
                        .unwrap_or("")
                        .to_owned(),
                )
            }
            "template_string"
                if named_children(node)
                    .iter()
                    .all(|c| c.kind() != "template_substitution") =>
            {
                let text = self.text(node);
                Some(
                    text.get(1..text.len().saturating_sub(1))
                        .unwrap_or("")
                        .to_owned(),
                )
            }
            _ => None,
        }
    }

    /// Dotted text of a callee: `crypto.randomUUID`, `window.mixpanel.track`.
    fn dotted(&self, node: Node) -> Option<String> {
        let node = strip(node);
        match node.kind() {
            "identifier" | "this" | "property_identifier" => Some(self.text(node).to_owned()),
            "member_expression" => {
                let object = self.dotted(node.child_by_field_name("object")?)?;
                let property = self.text(node.child_by_field_name("property")?);
                Some(format!("{object}.{property}"))
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------- module level

    fn program(&mut self, root: Node) {
        let statements = recovered_statements(root);
        for statement in &statements {
            self.declare(*statement, false);
        }
        let mut scope = self.file_scope.clone();
        scope.name = "<module>".to_owned();
        let mut body = Vec::new();
        for statement in &statements {
            if !self.is_declaration(*statement) {
                self.stmt(*statement, &mut scope, &mut body);
            }
        }
        if !body.is_empty() {
            self.push_function(
                "<module>".to_owned(),
                None,
                FunctionKind::Free,
                Vec::new(),
                true,
                self.span(root),
                body,
            );
        }
    }

    fn is_declaration(&self, node: Node) -> bool {
        match node.kind() {
            "import_statement"
            | "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "abstract_class_declaration"
            | "interface_declaration"
            | "type_alias_declaration"
            | "enum_declaration" => true,
            "export_statement" => node
                .child_by_field_name("declaration")
                .is_none_or(|d| self.is_declaration(d) || d.kind() == "lexical_declaration"),
            "lexical_declaration" | "variable_declaration" => named_children(node)
                .iter()
                .filter(|d| d.kind() == "variable_declarator")
                .all(|d| {
                    d.child_by_field_name("value")
                        .is_some_and(|v| self.is_module_value(v))
                }),
            _ => false,
        }
    }

    /// Module-level `const` values that are declarations rather than code to run.
    fn is_module_value(&self, value: Node) -> bool {
        let value = strip(value);
        is_function(value)
            || value.kind() == "object"
                && named_children(value)
                    .iter()
                    .any(|p| self.member_function(*p).is_some())
    }

    /// Collects a module-level statement's declarations.
    fn declare(&mut self, node: Node, exported: bool) {
        match node.kind() {
            "import_statement" => self.import(node),
            "export_statement" => self.export(node),
            // A method definition at module level is what recovery makes of a function whose
            // `function` keyword was swallowed by a syntax error just before it.
            "function_declaration" | "generator_function_declaration" | "method_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let name = self.text(name).to_owned();
                    self.function(node, name, None, FunctionKind::Free, exported, None);
                }
            }
            "class_declaration" | "abstract_class_declaration" => self.class(node, exported),
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(node)
                    .into_iter()
                    .filter(|d| d.kind() == "variable_declarator")
                {
                    self.declare_variable(declarator, exported);
                }
            }
            "expression_statement" => {
                if let Some(expr) = node.named_child(0) {
                    self.declare_commonjs_export(expr);
                }
            }
            _ => {}
        }
    }

    fn declare_variable(&mut self, declarator: Node, exported: bool) {
        let (Some(name_node), Some(value)) = (
            declarator.child_by_field_name("name"),
            declarator.child_by_field_name("value"),
        ) else {
            return;
        };
        let value = strip(value);
        if let Some(specifier) = self.require_specifier(value) {
            self.bind_import(name_node, &specifier);
            return;
        }
        if name_node.kind() != "identifier" {
            return;
        }
        let name = self.text(name_node).to_owned();
        if is_function(value) {
            self.function(value, name, None, FunctionKind::Free, exported, None);
        } else if value.kind() == "object" && self.is_module_value(value) {
            self.object_functions(value, &name, exported);
            self.bindings.insert(name, Binding::Project);
        } else if let Some(tracker) = self.tracker_of(value, &self.file_scope.clone()) {
            self.file_scope.trackers.insert(name, tracker);
        } else if let Some(type_name) = self.constructed_type(value) {
            // `export const analytics = new Analytics()`: calls through the instance, here or in
            // an importing module, reach the class's methods.
            if let Some(class_path) = self.class_path(&type_name) {
                self.imports.push(Import {
                    scope: self.module_path.clone(),
                    local: name.clone(),
                    path: class_path,
                    glob: false,
                });
                self.bindings.insert(name.clone(), Binding::Project);
            }
            self.file_scope.types.insert(name, type_name);
        }
    }

    /// Module-level names bound to a tracker, for other modules that import them.
    fn module_trackers(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .file_scope
            .trackers
            .iter()
            .filter(|(_, t)| matches!(t, Tracker::Known(_)))
            .map(|(name, _)| name.clone())
            .chain(
                self.bindings
                    .iter()
                    .filter(|(_, b)| **b == Binding::SdkModule(Sdk::Browser))
                    .map(|(name, _)| name.clone()),
            )
            .collect();
        names.sort();
        names
    }

    /// The path of a class declared in or imported into this module.
    fn class_path(&self, class: &str) -> Option<Vec<String>> {
        if let Some(import) = self.imports.iter().find(|i| !i.glob && i.local == class) {
            return Some(import.path.clone());
        }
        (self.bindings.get(class) == Some(&Binding::Project)).then(|| {
            let mut path = self.module_path.clone();
            path.push(class.to_owned());
            path
        })
    }

    /// `require('x')` → `x`.
    fn require_specifier(&self, value: Node) -> Option<String> {
        let value = strip(value);
        if value.kind() != "call_expression" {
            return None;
        }
        let function = value.child_by_field_name("function")?;
        if self.text(function) != "require" {
            return None;
        }
        let argument = named_children(value.child_by_field_name("arguments")?)
            .into_iter()
            .next()?;
        self.string_value(argument)
    }

    /// `name as alias` of an import or export specifier; the alias is the name when absent.
    fn specifier(&self, specifier: Node) -> Option<(String, String)> {
        let name = self.text(specifier.child_by_field_name("name")?).to_owned();
        let alias = specifier
            .child_by_field_name("alias")
            .map_or(name.clone(), |a| self.text(a).to_owned());
        Some((name, alias))
    }

    fn import(&mut self, node: Node) {
        let Some(source) = node
            .child_by_field_name("source")
            .and_then(|s| self.string_value(s))
        else {
            return;
        };
        let Some(clause) = named_children(node)
            .into_iter()
            .find(|c| c.kind() == "import_clause")
        else {
            return;
        };
        for part in named_children(clause) {
            match part.kind() {
                "identifier" => self.bind_default(self.text(part).to_owned(), &source),
                "namespace_import" => {
                    if let Some(local) = part.named_child(0) {
                        self.bind_namespace(self.text(local).to_owned(), &source);
                    }
                }
                "named_imports" => {
                    for specifier in named_children(part)
                        .into_iter()
                        .filter(|s| s.kind() == "import_specifier")
                    {
                        if let Some((name, local)) = self.specifier(specifier) {
                            self.bind_named(local, name, &source);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `const x = require('s')` and `const { a, b: c } = require('s')`.
    fn bind_import(&mut self, pattern: Node, source: &str) {
        match pattern.kind() {
            "identifier" => {
                let local = self.text(pattern).to_owned();
                match Sdk::of_package(source) {
                    Some(sdk) => {
                        self.bindings.insert(local, Binding::SdkModule(sdk));
                    }
                    None => self.bind_namespace(local, source),
                }
            }
            "object_pattern" => {
                for property in named_children(pattern) {
                    match property.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let name = self.text(property).to_owned();
                            self.bind_named(name.clone(), name, source);
                        }
                        "pair_pattern" => {
                            let (Some(key), Some(value)) = (
                                property.child_by_field_name("key"),
                                property.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            self.bind_named(
                                self.text(value).to_owned(),
                                self.text(key).to_owned(),
                                source,
                            );
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn bind_default(&mut self, local: String, source: &str) {
        if let Some(sdk) = Sdk::of_package(source) {
            self.bindings.insert(local, Binding::SdkModule(sdk));
        } else if sdk::FRESH_PACKAGES.contains(&source) {
            self.bindings.insert(local.clone(), Binding::Fresh(local));
        } else if let Some(target) = resolve_specifier(&self.directory, source) {
            let mut path = target;
            path.push("default".to_owned());
            self.add_import(local, path, false);
        }
    }

    fn bind_namespace(&mut self, local: String, source: &str) {
        if let Some(sdk) = Sdk::of_package(source) {
            self.bindings.insert(local, Binding::SdkModule(sdk));
        } else if sdk::FRESH_PACKAGES.contains(&source) {
            self.bindings.insert(local, Binding::FreshModule);
        } else if let Some(target) = resolve_specifier(&self.directory, source) {
            self.add_import(local, target, false);
        }
    }

    fn bind_named(&mut self, local: String, name: String, source: &str) {
        if let Some(sdk) = Sdk::of_package(source) {
            let binding = if name == "Mixpanel" || name == "default" {
                Binding::SdkModule(sdk)
            } else {
                Binding::SdkFunction(sdk, name)
            };
            self.bindings.insert(local, binding);
        } else if sdk::FRESH_PACKAGES.contains(&source) {
            self.bindings
                .insert(local, Binding::Fresh(format!("{source}.{name}")));
        } else if let Some(mut target) = resolve_specifier(&self.directory, source) {
            target.push(name);
            self.add_import(local, target, false);
        }
    }

    fn add_import(&mut self, local: String, path: Vec<String>, glob: bool) {
        if !glob {
            self.bindings.insert(local.clone(), Binding::Project);
        }
        self.imports.push(Import {
            scope: self.module_path.clone(),
            local,
            path,
            glob,
        });
    }

    fn export(&mut self, node: Node) {
        let source = node
            .child_by_field_name("source")
            .and_then(|s| self.string_value(s));
        if let Some(declaration) = node.child_by_field_name("declaration") {
            self.declare(declaration, true);
            return;
        }
        let is_default = {
            let mut cursor = node.walk();
            node.children(&mut cursor).any(|c| c.kind() == "default")
        };
        if let Some(value) = node.child_by_field_name("value") {
            let value = strip(value);
            if is_function(value) || value.kind() == "class" {
                let name = value
                    .child_by_field_name("name")
                    .map_or("default".to_owned(), |n| self.text(n).to_owned());
                if value.kind() == "class" {
                    self.class(value, true);
                } else {
                    self.function(value, name.clone(), None, FunctionKind::Free, true, None);
                }
                if name != "default" {
                    self.reexport_local("default", &name);
                }
            } else if value.kind() == "object" {
                self.object_functions(value, "default", true);
            } else if value.kind() == "identifier" && is_default {
                let name = self.text(value).to_owned();
                self.reexport_local("default", &name);
            }
            return;
        }
        for child in named_children(node) {
            match child.kind() {
                "export_clause" => {
                    for specifier in named_children(child)
                        .into_iter()
                        .filter(|s| s.kind() == "export_specifier")
                    {
                        let Some((name, alias)) = self.specifier(specifier) else {
                            continue;
                        };
                        match source
                            .as_deref()
                            .and_then(|s| resolve_specifier(&self.directory, s))
                        {
                            Some(mut target) => {
                                target.push(name);
                                self.imports.push(Import {
                                    scope: self.module_path.clone(),
                                    local: alias,
                                    path: target,
                                    glob: false,
                                });
                            }
                            None if alias != name => self.reexport_local(&alias, &name),
                            None => {}
                        }
                    }
                }
                "namespace_export" | "*" => {}
                _ => {}
            }
        }
        // `export * from './x'`
        let star = {
            let mut cursor = node.walk();
            node.children(&mut cursor).any(|c| c.kind() == "*")
        };
        if star
            && let Some(target) = source
                .as_deref()
                .and_then(|s| resolve_specifier(&self.directory, s))
        {
            self.imports.push(Import {
                scope: self.module_path.clone(),
                local: String::new(),
                path: target,
                glob: true,
            });
        }
    }

    /// Makes `alias` in this module another name of its own `name`.
    fn reexport_local(&mut self, alias: &str, name: &str) {
        let mut path = self.module_path.clone();
        path.push(name.to_owned());
        self.imports.push(Import {
            scope: self.module_path.clone(),
            local: alias.to_owned(),
            path,
            glob: false,
        });
    }

    /// `module.exports = { a, b }`, `module.exports = function () {}`, `exports.a = () => {}`.
    fn declare_commonjs_export(&mut self, expr: Node) {
        if expr.kind() != "assignment_expression" {
            return;
        }
        let (Some(left), Some(right)) = (
            expr.child_by_field_name("left"),
            expr.child_by_field_name("right"),
        ) else {
            return;
        };
        let target = self.dotted(left).unwrap_or_default();
        let right = strip(right);
        let name = match target.as_str() {
            "module.exports" => "default".to_owned(),
            t if t.starts_with("module.exports.") => t["module.exports.".len()..].to_owned(),
            t if t.starts_with("exports.") => t["exports.".len()..].to_owned(),
            _ => return,
        };
        if is_function(right) {
            self.function(right, name, None, FunctionKind::Free, true, None);
        } else if right.kind() == "object" {
            for property in named_children(right) {
                if property.kind() == "shorthand_property_identifier" {
                    continue; // already a module function of that name
                }
                if let ("pair", Some(key), Some(value)) = (
                    property.kind(),
                    property.child_by_field_name("key"),
                    property.child_by_field_name("value"),
                ) {
                    let key = self.text(key).to_owned();
                    let value = strip(value);
                    if is_function(value) {
                        self.function(value, key, None, FunctionKind::Free, true, None);
                    } else if value.kind() == "identifier" {
                        let local = self.text(value).to_owned();
                        if local != key {
                            self.reexport_local(&key, &local);
                        }
                    }
                }
            }
        } else if right.kind() == "identifier" && name == "default" {
            let local = self.text(right).to_owned();
            self.reexport_local("default", &local);
        }
    }

    fn class(&mut self, node: Node, exported: bool) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let class_name = self.text(name).to_owned();
        self.bindings.insert(class_name.clone(), Binding::Project);
        let heritage = named_children(node)
            .into_iter()
            .find(|c| c.kind() == "class_heritage");
        if let Some(heritage) = heritage {
            let extends = named_children(heritage)
                .into_iter()
                .find(|c| c.kind() == "extends_clause")
                .and_then(|c| c.child_by_field_name("value"))
                .or_else(|| heritage.named_child(0));
            if let Some(base) = extends.and_then(|b| self.dotted(b)) {
                let base = base.rsplit('.').next().unwrap_or(&base).to_owned();
                self.supertypes.push((class_name.clone(), base));
            }
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        for member in named_children(body) {
            if let Some((function, name)) = self.member_function(member) {
                self.function(
                    function,
                    name,
                    Some(&class_name),
                    FunctionKind::Method,
                    exported,
                    None,
                );
            }
        }
    }

    /// `const analytics = { link(id) {..}, track: (e) => {..} }`: methods owned by the object.
    fn object_functions(&mut self, object: Node, owner: &str, exported: bool) {
        for property in named_children(object) {
            if let Some((function, name)) = self.member_function(property) {
                self.function(
                    function,
                    name,
                    Some(owner),
                    FunctionKind::Free,
                    exported,
                    None,
                );
            }
        }
    }

    /// A member of a class or object literal that is a function — `link(id) {..}`,
    /// `track: (e) => {..}`, `onClick = () => {..}` — with its name.
    fn member_function(&self, member: Node<'a>) -> Option<(Node<'a>, String)> {
        match member.kind() {
            "method_definition" => {
                let name = self.text(member.child_by_field_name("name")?);
                Some((member, name.to_owned()))
            }
            "pair" | "field_definition" | "public_field_definition" => {
                let key = member
                    .child_by_field_name("key")
                    .or_else(|| member.child_by_field_name("property"))
                    .or_else(|| member.child_by_field_name("name"))?;
                let value = strip(member.child_by_field_name("value")?);
                is_function(value)
                    .then(|| (value, self.text(key).trim_matches(['"', '\'']).to_owned()))
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------- functions

    #[allow(clippy::too_many_arguments)]
    fn push_function(
        &mut self,
        name: String,
        owner: Option<&str>,
        kind: FunctionKind,
        params: Vec<String>,
        exported: bool,
        span: Span,
        body: Block,
    ) -> u32 {
        let mut path = self.module_path.clone();
        path.extend(owner.map(str::to_owned));
        path.push(name.clone());
        self.functions.push(Function {
            name,
            path,
            owner: owner.map(str::to_owned),
            kind,
            params,
            exported,
            span,
            body,
        });
        self.functions.len() as u32 - 1
    }

    /// Lowers a function-like node. `outer` is the enclosing scope of a closure: its locals
    /// become captures.
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
            Some(outer) => Scope {
                locals: HashSet::new(),
                name: closure_name(&outer.name, &name),
                ..outer.clone()
            },
            None => Scope {
                name: name.clone(),
                ..self.file_scope.clone()
            },
        };
        if kind == FunctionKind::Method && owner.is_some() {
            scope.self_type = owner.map(str::to_owned);
        }
        let mut params = Vec::new();
        let mut body = Vec::new();
        if kind == FunctionKind::Method {
            params.push("this".to_owned());
            scope.locals.insert("this".to_owned());
        }
        let parameters = node
            .child_by_field_name("parameters")
            .map(named_children)
            .or_else(|| node.child_by_field_name("parameter").map(|p| vec![p]))
            .unwrap_or_default();
        for parameter in parameters {
            let position = params.len();
            self.parameter(parameter, position, &mut params, &mut scope, &mut body);
        }
        if let Some(function_body) = node.child_by_field_name("body") {
            if function_body.kind() == "statement_block" {
                self.hoist_functions(function_body, &mut scope);
                for statement in named_children(function_body) {
                    self.stmt(statement, &mut scope, &mut body);
                }
            } else {
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

    fn parameter(
        &mut self,
        parameter: Node,
        position: usize,
        params: &mut Vec<String>,
        scope: &mut Scope,
        body: &mut Block,
    ) {
        let pattern = match parameter.kind() {
            "required_parameter" | "optional_parameter" => parameter
                .child_by_field_name("pattern")
                .unwrap_or(parameter),
            "assignment_pattern" => parameter.child_by_field_name("left").unwrap_or(parameter),
            _ => parameter,
        };
        if let Some(annotation) = parameter.child_by_field_name("type") {
            let type_name = self
                .text(annotation)
                .trim_start_matches(':')
                .trim()
                .to_owned();
            if pattern.kind() == "identifier" {
                scope
                    .types
                    .insert(self.text(pattern).to_owned(), main_type(&type_name));
            }
        }
        match pattern.kind() {
            "identifier" => {
                let name = self.text(pattern).to_owned();
                scope.locals.insert(name.clone());
                params.push(name);
            }
            "object_pattern" => {
                // `({ userId, anonId }) => ..`: each property is a field of the parameter.
                let name = format!("$param{position}");
                scope.locals.insert(name.clone());
                params.push(name.clone());
                self.destructure(pattern, Value::local(name), scope, body);
            }
            "rest_pattern" => {
                let name = pattern
                    .named_child(0)
                    .map_or("$rest".to_owned(), |n| self.text(n).to_owned());
                scope.locals.insert(name.clone());
                params.push(name);
            }
            _ => {
                let name = format!("$param{position}");
                scope.locals.insert(name.clone());
                params.push(name);
            }
        }
    }

    /// Function declarations inside a body are closures bound before the body runs (hoisting).
    fn hoist_functions(&mut self, block: Node, scope: &mut Scope) {
        for statement in named_children(block) {
            if statement.kind() == "function_declaration"
                && let Some(name) = statement.child_by_field_name("name")
            {
                let name = self.text(name).to_owned();
                self.bind_closure(statement, name, scope);
            }
        }
    }

    /// A function bound to a local name: a closure that runs where the name is called.
    fn bind_closure(&mut self, node: Node, name: String, scope: &mut Scope) {
        let index = self.function(
            node,
            name.clone(),
            None,
            FunctionKind::Free,
            false,
            Some(scope),
        );
        let explicit = self.explicit_params(node);
        scope.closures.insert(name.clone(), (index, explicit));
        scope.locals.insert(name);
    }

    fn explicit_params(&self, node: Node) -> usize {
        node.child_by_field_name("parameters")
            .map(|p| named_children(p).len())
            .unwrap_or(usize::from(node.child_by_field_name("parameter").is_some()))
    }

    // ---------------------------------------------------------------- statements

    fn block(&mut self, node: Node, scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        self.stmt(node, scope, &mut out);
        out
    }

    fn stmt(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        match node.kind() {
            "expression_statement" => {
                for child in named_children(node) {
                    self.expr(child, scope, out);
                }
            }
            "statement_block" => {
                self.hoist_functions(node, scope);
                for child in recovered_statements(node) {
                    self.stmt(child, scope, out);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                for declarator in named_children(node)
                    .into_iter()
                    .filter(|d| d.kind() == "variable_declarator")
                {
                    self.local(declarator, scope, out);
                }
            }
            "if_statement" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition, scope, out);
                }
                let then = node
                    .child_by_field_name("consequence")
                    .map(|c| self.block(c, scope))
                    .unwrap_or_default();
                let otherwise = node
                    .child_by_field_name("alternative")
                    .map(|a| {
                        let mut block = Vec::new();
                        for child in named_children(a) {
                            self.stmt(child, scope, &mut block);
                        }
                        block
                    })
                    .unwrap_or_default();
                out.push(Stmt::Branch(vec![then, otherwise]));
            }
            "switch_statement" => self.switch(node, scope, out),
            "for_statement" => {
                if let Some(init) = node.child_by_field_name("initializer") {
                    self.stmt_or_expr(init, scope, out);
                }
                let mut body = Vec::new();
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.stmt_or_expr(condition, scope, &mut body);
                }
                let mut inner = node
                    .child_by_field_name("body")
                    .map(|b| self.block(b, scope))
                    .unwrap_or_default();
                if let Some(increment) = node.child_by_field_name("increment") {
                    self.expr(increment, scope, &mut inner);
                }
                body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
            }
            "for_in_statement" => {
                if let Some(right) = node.child_by_field_name("right") {
                    self.expr(right, scope, out);
                }
                let bindings = node
                    .child_by_field_name("left")
                    .map(|l| self.pattern_names(l))
                    .unwrap_or_default();
                scope.locals.extend(bindings.iter().cloned());
                let body = node
                    .child_by_field_name("body")
                    .map(|b| self.block(b, scope))
                    .unwrap_or_default();
                out.push(Stmt::Loop { bindings, body });
            }
            "while_statement" => {
                let mut body = Vec::new();
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition, scope, &mut body);
                }
                let inner = node
                    .child_by_field_name("body")
                    .map(|b| self.block(b, scope))
                    .unwrap_or_default();
                body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
            }
            "do_statement" => {
                let mut body = node
                    .child_by_field_name("body")
                    .map(|b| self.block(b, scope))
                    .unwrap_or_default();
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition, scope, &mut body);
                }
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
            "try_statement" => {
                let tried = node
                    .child_by_field_name("body")
                    .map(|b| self.block(b, scope))
                    .unwrap_or_default();
                let caught = node.child_by_field_name("handler").map(|h| {
                    let mut block = Vec::new();
                    if let Some(parameter) = h.child_by_field_name("parameter") {
                        for name in self.pattern_names(parameter) {
                            scope.locals.insert(name.clone());
                            block.push(Stmt::Let {
                                name,
                                value: Value::Unknown,
                            });
                        }
                    }
                    if let Some(body) = h.child_by_field_name("body") {
                        self.stmt(body, scope, &mut block);
                    }
                    block
                });
                // Either the `try` block completes, or it throws and the handler runs instead.
                let handled = match caught {
                    Some(caught) => vec![Stmt::Branch(vec![tried, caught])],
                    None => tried,
                };
                let mut finally = Vec::new();
                if let Some(finalizer) = node.child_by_field_name("finalizer") {
                    for child in named_children(finalizer) {
                        self.stmt(child, scope, &mut finally);
                    }
                }
                out.extend(with_finally(handled, finally));
            }
            "return_statement" => {
                let value = node.named_child(0).map(|v| self.expr(v, scope, out));
                out.push(Stmt::Return {
                    value,
                    span: self.span(node),
                    error: false,
                });
            }
            "throw_statement" => {
                if let Some(value) = node.named_child(0) {
                    self.expr(value, scope, out);
                }
                out.push(Stmt::Return {
                    value: None,
                    span: self.span(node),
                    error: true,
                });
            }
            "break_statement" => out.push(Stmt::Break),
            "continue_statement" => out.push(Stmt::Continue),
            "labeled_statement" => {
                if let Some(body) = node.child_by_field_name("body") {
                    self.stmt(body, scope, out);
                }
            }
            "export_statement" => {
                if let Some(declaration) = node.child_by_field_name("declaration") {
                    self.stmt(declaration, scope, out);
                } else if let Some(value) = node.child_by_field_name("value") {
                    self.expr(value, scope, out);
                }
            }
            "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "import_statement"
            | "interface_declaration"
            | "type_alias_declaration"
            | "empty_statement"
            | "comment" => {}
            _ => {
                self.expr(node, scope, out);
            }
        }
    }

    fn stmt_or_expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if node.kind().ends_with("declaration") || node.kind().ends_with("statement") {
            self.stmt(node, scope, out);
        } else {
            self.expr(node, scope, out);
        }
    }

    /// A `switch` is one pass through a loop body, so `break` inside a case leaves the switch.
    /// A case that does not end in a jump falls through into the next one.
    fn switch(&mut self, node: Node, scope: &mut Scope, out: &mut Block) {
        if let Some(value) = node.child_by_field_name("value") {
            self.expr(value, scope, out);
        }
        let cases: Vec<Node> = node
            .child_by_field_name("body")
            .map(named_children)
            .unwrap_or_default();
        let mut bodies = Vec::new();
        for case in cases {
            let mut arm = Vec::new();
            if let Some(value) = case.child_by_field_name("value") {
                self.expr(value, scope, &mut arm);
            }
            let mut cursor = case.walk();
            let statements: Vec<Node> = case.children_by_field_name("body", &mut cursor).collect();
            for statement in statements {
                self.stmt(statement, scope, &mut arm);
            }
            bodies.push(arm);
        }
        let mut arms: Vec<Block> = Vec::with_capacity(bodies.len() + 1);
        let mut following: Block = Vec::new();
        for mut body in bodies.into_iter().rev() {
            let jumps = matches!(
                body.last(),
                Some(Stmt::Break | Stmt::Continue | Stmt::Return { .. })
            );
            if !jumps {
                body.extend(following.iter().cloned());
            }
            following = body.clone();
            arms.push(body);
        }
        arms.reverse();
        arms.push(Vec::new());
        out.push(Stmt::Loop {
            bindings: Vec::new(),
            body: vec![Stmt::Branch(arms), Stmt::Break],
        });
    }

    fn local(&mut self, declarator: Node, scope: &mut Scope, out: &mut Block) {
        let Some(name_node) = declarator.child_by_field_name("name") else {
            return;
        };
        let Some(value_node) = declarator.child_by_field_name("value") else {
            for name in self.pattern_names(name_node) {
                scope.locals.insert(name.clone());
                out.push(Stmt::Let {
                    name,
                    value: Value::Unknown,
                });
            }
            return;
        };
        let stripped = strip(value_node);
        if name_node.kind() == "identifier" && is_function(stripped) {
            let name = self.text(name_node).to_owned();
            self.bind_closure(stripped, name, scope);
            return;
        }
        if let Some(specifier) = self.require_specifier(stripped) {
            self.bind_import(name_node, &specifier);
            return;
        }
        let value = self.expr(value_node, scope, out);
        if name_node.kind() == "identifier" {
            let name = self.text(name_node).to_owned();
            if let Some(tracker) = self.tracker_of(stripped, scope) {
                scope.trackers.insert(name.clone(), tracker);
            }
            if let Some(type_name) = self.constructed_type(stripped) {
                scope.types.insert(name.clone(), type_name);
            }
            if let Some(annotation) = declarator.child_by_field_name("type") {
                let type_name = self
                    .text(annotation)
                    .trim_start_matches(':')
                    .trim()
                    .to_owned();
                scope.types.insert(name.clone(), main_type(&type_name));
            }
            if stripped.kind() == "object"
                && let (Some(id), _) = self.object_distinct_id(stripped, scope, &mut Vec::new())
            {
                scope.props_ids.insert(name.clone(), id);
            }
            scope.locals.insert(name.clone());
            out.push(Stmt::Let { name, value });
        } else {
            self.destructure(name_node, value, scope, out);
        }
    }

    /// Binds the names of a destructuring pattern to fields of `value`.
    fn destructure(&mut self, pattern: Node, value: Value, scope: &mut Scope, out: &mut Block) {
        let field_of = |field: &str| match &value {
            Value::Path { .. } => value.clone().field(Some(field.to_owned())),
            _ => Value::Unknown,
        };
        match pattern.kind() {
            "object_pattern" => {
                for property in named_children(pattern) {
                    let (name, field) = match property.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let name = self.text(property).to_owned();
                            (name.clone(), name)
                        }
                        "pair_pattern" => {
                            let (Some(key), Some(value)) = (
                                property.child_by_field_name("key"),
                                property.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            let names = self.pattern_names(value);
                            let Some(name) = names.first().cloned() else {
                                continue;
                            };
                            (name, self.text(key).to_owned())
                        }
                        "object_assignment_pattern" => {
                            let Some(left) = property.child_by_field_name("left") else {
                                continue;
                            };
                            let name = self.text(left).to_owned();
                            (name.clone(), name)
                        }
                        _ => continue,
                    };
                    scope.locals.insert(name.clone());
                    out.push(Stmt::Let {
                        name,
                        value: field_of(&field),
                    });
                }
            }
            _ => {
                for name in self.pattern_names(pattern) {
                    scope.locals.insert(name.clone());
                    out.push(Stmt::Let {
                        name,
                        value: Value::Unknown,
                    });
                }
            }
        }
    }

    fn pattern_names(&self, pattern: Node) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack = vec![pattern];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    names.push(self.text(node).to_owned())
                }
                "lexical_declaration" | "variable_declaration" => {
                    stack.extend(named_children(node))
                }
                "variable_declarator" => stack.extend(node.child_by_field_name("name")),
                "pair_pattern" => stack.extend(node.child_by_field_name("value")),
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(node.child_by_field_name("left"))
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    stack.extend(named_children(node).into_iter().rev())
                }
                _ => {}
            }
        }
        names
    }

    // ---------------------------------------------------------------- expressions

    fn expr(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        match node.kind() {
            "identifier" => match self.text(node) {
                "undefined" => Value::Null,
                name => Value::local(name),
            },
            "this" => Value::local("this"),
            "null" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "string" => Value::Str(self.string_value(node).unwrap_or_default()),
            "template_string" => self.template(node, scope, out),
            "member_expression" | "subscript_expression" => self.member(node, scope, out),
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "await_expression"
            | "spread_element" => match node.named_child(0) {
                Some(inner) => self.expr(inner, scope, out),
                None => Value::Unknown,
            },
            "call_expression" => self.call(node, scope, out),
            "new_expression" => self.new_expression(node, scope, out),
            "assignment_expression" | "augmented_assignment_expression" => {
                let value = node
                    .child_by_field_name("right")
                    .map_or(Value::Unknown, |r| self.expr(r, scope, out));
                if let Some(left) = node.child_by_field_name("left") {
                    self.assign(left, value.clone(), node, scope, out);
                }
                value
            }
            "binary_expression" => self.binary(node, scope, out),
            "ternary_expression" => {
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.expr(condition, scope, out);
                }
                let mut then = Vec::new();
                let mut otherwise = Vec::new();
                if let Some(c) = node.child_by_field_name("consequence") {
                    self.expr(c, scope, &mut then);
                }
                if let Some(a) = node.child_by_field_name("alternative") {
                    self.expr(a, scope, &mut otherwise);
                }
                out.push(Stmt::Branch(vec![then, otherwise]));
                Value::Unknown
            }
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                // A function value not called here: a function of its own (an event handler, a
                // callback kept for later), analysed as its own entry point.
                let name = node
                    .child_by_field_name("name")
                    .map_or("<anonymous>".to_owned(), |n| self.text(n).to_owned());
                self.function(node, name, None, FunctionKind::Free, false, Some(scope));
                Value::Unknown
            }
            "object" => {
                for property in named_children(node) {
                    if let Some(value) = property.child_by_field_name("value") {
                        self.expr(value, scope, out);
                    }
                }
                Value::Unknown
            }
            "jsx_element"
            | "jsx_self_closing_element"
            | "jsx_fragment"
            | "jsx_opening_element"
            | "jsx_attribute"
            | "jsx_expression"
            | "array"
            | "sequence_expression"
            | "unary_expression"
            | "update_expression" => {
                for child in named_children(node) {
                    self.expr(child, scope, out);
                }
                Value::Unknown
            }
            _ => Value::Unknown,
        }
    }

    fn template(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let substitutions: Vec<Node> = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "template_substitution")
            .collect();
        if substitutions.is_empty() {
            return Value::Str(self.string_value(node).unwrap_or_default());
        }
        // `anon-${id}` is still `id`.
        let values: Vec<Value> = substitutions
            .iter()
            .filter_map(|s| s.named_child(0))
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

    fn member(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let Some(object) = node.child_by_field_name("object") else {
            return Value::Unknown;
        };
        let base = self.expr(object, scope, out);
        let field = match node.kind() {
            "member_expression" => node
                .child_by_field_name("property")
                .map(|p| self.text(p).to_owned()),
            _ => node.child_by_field_name("index").and_then(|i| {
                let value = self.string_value(i);
                if value.is_none() {
                    self.expr(i, scope, out);
                }
                value
            }),
        };
        base.field(field)
    }

    fn binary(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let operator = node
            .child_by_field_name("operator")
            .map(|o| self.text(o))
            .unwrap_or("");
        let left = node
            .child_by_field_name("left")
            .map_or(Value::Unknown, |l| self.expr(l, scope, out));
        if matches!(operator, "&&" | "||" | "??") {
            // The right side runs only sometimes.
            let mut right_block = Vec::new();
            let right = node
                .child_by_field_name("right")
                .map_or(Value::Unknown, |r| self.expr(r, scope, &mut right_block));
            out.push(Stmt::Branch(vec![right_block, Vec::new()]));
            return crate::frontend::fallback_value(operator == "&&", left, right);
        }
        let right = node
            .child_by_field_name("right")
            .map_or(Value::Unknown, |r| self.expr(r, scope, out));
        if operator == "+" {
            return concatenation(left, right);
        }
        Value::Unknown
    }

    fn assign(
        &mut self,
        left: Node,
        value: Value,
        whole: Node,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        let left = strip(left);
        match left.kind() {
            "identifier" => {
                let name = self.text(left).to_owned();
                out.push(Stmt::Let { name, value });
            }
            "member_expression" | "subscript_expression" => {
                let property = left.child_by_field_name("property").map(|p| self.text(p));
                if property == Some(sdk::DISTINCT_ID_KEY)
                    && let Some(object) = left.child_by_field_name("object")
                    && object.kind() == "identifier"
                {
                    // `props.distinct_id = id` builds event properties; it stores nothing.
                    scope.props_ids.insert(self.text(object).to_owned(), value);
                    return;
                }
                self.expr(left, scope, out);
                out.push(Stmt::Persist {
                    value,
                    span: self.span(whole),
                });
            }
            _ => {
                self.destructure(left, value, scope, out);
            }
        }
    }

    fn new_expression(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let arguments = node
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        let Some(constructor) = node.child_by_field_name("constructor") else {
            return Value::Unknown;
        };
        if self.text(constructor) == "Promise" {
            // The executor runs right away.
            let (_, callbacks) = self.arguments(&arguments, scope, out);
            self.run_callbacks(callbacks, false, self.span(node), scope, out);
            return Value::Unknown;
        }
        let args: Vec<Value> = arguments
            .iter()
            .map(|a| self.expr(*a, scope, out))
            .collect();
        let name = self.text(constructor).to_owned();
        if let Some(Binding::SdkModule(sdk)) = self.bindings.get(&name) {
            out.push(self.init_event(*sdk, node, None));
            return Value::Unknown;
        }
        if name == "Date" && args.is_empty() {
            return Value::Fresh {
                origin: "new Date()".to_owned(),
                span: self.span(node),
            };
        }
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Path(vec![name, "constructor".to_owned()]),
            args,
            result: Some(result.clone()),
            span: self.span(node),
            sdk_fallback: None,
        }));
        Value::local(result)
    }

    fn init_event(&self, sdk: Sdk, node: Node, options: Option<Vec<(String, Value)>>) -> Stmt {
        Stmt::Event(Event {
            kind: EventKind::Init,
            side: sdk.side(),
            id: None,
            original: None,
            method: "init".to_owned(),
            span: self.span(node),
            options,
        })
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
        let dotted = self.dotted(function);
        if let Some(dotted) = &dotted
            && let Some(origin) = self.fresh_call(dotted)
        {
            for argument in &arguments {
                self.expr(*argument, scope, out);
            }
            return Value::Fresh { origin, span };
        }
        if is_function(function) {
            // An immediately invoked function expression.
            let index = self.function(
                function,
                "<iife>".to_owned(),
                None,
                FunctionKind::Free,
                false,
                Some(scope),
            );
            let explicit = self.explicit_params(function);
            let args = arguments
                .iter()
                .map(|a| self.expr(*a, scope, out))
                .collect();
            self.call_closure(index, explicit, args, span, scope, out);
            return Value::Unknown;
        }
        match function.kind() {
            "identifier" => self.call_name(function, &arguments, span, scope, out),
            "member_expression" => self.call_member(function, &arguments, span, scope, out),
            _ => {
                self.expr(function, scope, out);
                for argument in &arguments {
                    self.expr(*argument, scope, out);
                }
                Value::Unknown
            }
        }
    }

    fn fresh_call(&self, dotted: &str) -> Option<String> {
        if sdk::FRESH_CALLS.contains(&dotted) {
            return Some(format!("{dotted}()"));
        }
        let first = dotted.split('.').next().unwrap_or(dotted);
        match self.bindings.get(first) {
            Some(Binding::Fresh(origin)) => Some(format!("{origin}()")),
            Some(Binding::FreshModule) => Some(format!("{dotted}()")),
            _ => None,
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
        if let Some((index, explicit)) = scope.closures.get(&name).copied() {
            let args: Vec<Value> = arguments
                .iter()
                .map(|a| self.expr(*a, scope, out))
                .collect();
            return self.call_closure(index, explicit, args, span, scope, out);
        }
        if let Some(Binding::SdkFunction(sdk, method)) = self.bindings.get(&name).cloned() {
            if sdk::CURRENT_ID_METHODS.contains(&method.as_str()) {
                return Value::CurrentId;
            }
            if let Some(mapping) = sdk::sdk_method(sdk, &method, false) {
                let (event, _) =
                    self.event(&mapping, sdk, &method, false, arguments, span, scope, out);
                out.push(Stmt::Event(event));
                return Value::Unknown;
            }
        }
        if name == "String" && arguments.len() == 1 {
            return self.expr(arguments[0], scope, out);
        }
        let immediate = sdk::IMMEDIATE_CALLBACK_CALLS.contains(&name.as_str());
        let (args, callbacks) = self.arguments(arguments, scope, out);
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Path(vec![name]),
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
        }));
        if immediate {
            self.run_callbacks(callbacks, false, span, scope, out);
        }
        Value::local(result)
    }

    fn call_member(
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
            .child_by_field_name("property")
            .map(|p| self.text(p).to_owned())
            .unwrap_or_default();
        let object = strip(object);
        if let Some(api) = self
            .options
            .declared_api(
                &[
                    self.dotted(object)
                        .map(|d| d.rsplit('.').next().unwrap_or_default().to_owned()),
                    self.receiver_type(object, scope),
                ],
                &method,
            )
            .cloned()
        {
            let args: Vec<Value> = arguments
                .iter()
                .map(|a| self.expr(*a, scope, out))
                .collect();
            out.push(Stmt::Event(declared_event(&api, &args, span)));
            return Value::Unknown;
        }
        if let Some((tracker, on_people)) = self.tracker_receiver(object, scope) {
            let sdk = match tracker {
                Tracker::Known(sdk) => sdk,
                Tracker::ByName => self.default_sdk,
            };
            if sdk::CURRENT_ID_METHODS.contains(&method.as_str()) {
                return Value::CurrentId;
            }
            if method == "init" && !on_people {
                // `init(token, config, name)`: the configuration decides persistence.
                let mut config = None;
                for (i, argument) in arguments.iter().enumerate() {
                    match (i, strip(*argument).kind()) {
                        (1, "object") => {
                            let (pairs, complete) = self.object_pairs(strip(*argument), scope, out);
                            config = complete.then_some(pairs);
                        }
                        _ => {
                            self.expr(*argument, scope, out);
                        }
                    }
                }
                out.push(self.init_event(sdk, function, config));
                return Value::Unknown;
            }
            if let Some(mapping) = sdk::sdk_method(sdk, &method, on_people) {
                let (event, args) = self.event(
                    &mapping, sdk, &method, on_people, arguments, span, scope, out,
                );
                match tracker {
                    Tracker::Known(_) => out.push(Stmt::Event(event)),
                    Tracker::ByName => {
                        let receiver = self.expr(object, scope, out);
                        out.push(by_name_sdk_call(receiver, method, args, event));
                    }
                }
                return Value::Unknown;
            }
        }
        // `analytics.linkUser(..)` through an imported module, a module-level object or a class.
        if object.kind() == "identifier" {
            let name = self.text(object).to_owned();
            let is_local = scope.locals.contains(&name) || scope.trackers.contains_key(&name);
            if !is_local && self.bindings.get(&name) == Some(&Binding::Project) {
                // An imported module-level tracker (`import { client } from './mp'`) answers
                // SDK methods; the call graph decides whether `name` is one.
                let (args, sdk_fallback) = match sdk::sdk_method(self.default_sdk, &method, false) {
                    Some(mapping) => {
                        let (event, args) = self.event(
                            &mapping,
                            self.default_sdk,
                            &method,
                            false,
                            arguments,
                            span,
                            scope,
                            out,
                        );
                        (args, Some(Box::new(event)))
                    }
                    None => (self.arguments(arguments, scope, out).0, None),
                };
                let result = scope.temp();
                out.push(Stmt::Call(Call {
                    callee: Callee::Path(vec![name, method]),
                    args,
                    result: Some(result.clone()),
                    span,
                    sdk_fallback,
                }));
                return Value::local(result);
            }
        }
        let receiver = self.expr(object, scope, out);
        if sdk::DERIVING_METHODS.contains(&method.as_str()) {
            for argument in arguments {
                self.expr(*argument, scope, out);
            }
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId => receiver,
                _ => Value::Unknown,
            };
        }
        let iterating = sdk::ITERATING_METHODS.contains(&method.as_str());
        let chained = sdk::PROMISE_METHODS.contains(&method.as_str());
        let catching = method == "catch";
        let (args, callbacks) = self.arguments(arguments, scope, out);
        let receiver_type = self.receiver_type(object, scope);
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
        if iterating || chained {
            let mut after = Vec::new();
            self.run_callbacks(callbacks, iterating, span, scope, &mut after);
            if catching {
                // `.catch(cb)` runs only when the promise rejects.
                out.push(Stmt::Branch(vec![after, Vec::new()]));
            } else {
                out.extend(after);
            }
        }
        Value::local(result)
    }

    /// Lowers arguments; function arguments become closures (returned, to be run after the
    /// call), object literal arguments also hand their property values to the callee.
    fn arguments(
        &mut self,
        arguments: &[Node],
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Vec<Value>, Vec<(u32, usize)>) {
        let mut values = Vec::new();
        let mut handed = Vec::new();
        let mut callbacks = Vec::new();
        for argument in arguments {
            let argument = strip(*argument);
            if is_function(argument) {
                let callee = argument
                    .parent()
                    .and_then(|list| list.parent())
                    .and_then(|call| call.child_by_field_name("function"))
                    .and_then(|function| self.dotted(function));
                let label = callee.map_or("<callback>".to_owned(), |c| format!("{c} callback"));
                let index = self.function(
                    argument,
                    label,
                    None,
                    FunctionKind::Free,
                    false,
                    Some(scope),
                );
                callbacks.push((index, self.explicit_params(argument)));
                values.push(Value::Unknown);
            } else if argument.kind() == "object" {
                for property in named_children(argument) {
                    let value = match property.kind() {
                        "pair" => property
                            .child_by_field_name("value")
                            .map(|v| self.expr(v, scope, out)),
                        "shorthand_property_identifier" => Some(Value::local(self.text(property))),
                        "spread_element" => Some(self.expr(property, scope, out)),
                        _ => None,
                    };
                    handed.extend(value);
                }
                values.push(Value::Unknown);
            } else {
                values.push(self.expr(argument, scope, out));
            }
        }
        values.extend(handed);
        (values, callbacks)
    }

    /// Runs callbacks handed to a call: once, or once per element (`forEach`, `map`).
    fn run_callbacks(
        &mut self,
        callbacks: Vec<(u32, usize)>,
        per_element: bool,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        for (index, explicit) in callbacks {
            if per_element {
                let element = scope.temp();
                let mut body = Vec::new();
                self.call_closure(
                    index,
                    explicit,
                    vec![Value::local(element.clone())],
                    span,
                    scope,
                    &mut body,
                );
                out.push(Stmt::Loop {
                    bindings: vec![element],
                    body,
                });
            } else {
                self.call_closure(index, explicit, Vec::new(), span, scope, out);
            }
        }
    }

    /// Calls a closure: its explicit arguments, then its captures by name.
    fn call_closure(
        &mut self,
        index: u32,
        explicit: usize,
        args: Vec<Value>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let args = closure_args(&self.functions[index as usize], explicit, args);
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Local(index),
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
        }));
        Value::local(result)
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        mapping: &sdk::SdkMethod,
        sdk: Sdk,
        method: &str,
        on_people: bool,
        arguments: &[Node],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Event, Vec<Value>) {
        let mut values = Vec::new();
        for (i, argument) in arguments.iter().enumerate() {
            if mapping.id_in_props != Some(i) {
                values.push(self.expr(*argument, scope, out));
            } else {
                values.push(Value::Unknown);
            }
        }
        let (props_id, options) = match mapping.id_in_props {
            Some(index) => self.props_distinct_id(arguments.get(index).copied(), scope, out),
            None => (None, None),
        };
        let take = |index: Option<usize>| index.and_then(|i| values.get(i).cloned());
        let id = if mapping.id_in_props.is_some() {
            props_id
        } else {
            take(mapping.id_arg)
        };
        let event = Event {
            kind: mapping.kind,
            side: sdk.side(),
            id,
            original: take(mapping.original_arg),
            method: sdk_method_name(method, on_people),
            span,
            options,
        };
        (event, values)
    }

    /// The distinct id inside `track`'s properties, and the properties when all are visible.
    fn props_distinct_id(
        &mut self,
        argument: Option<Node>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Option<Value>, Option<Vec<(String, Value)>>) {
        let Some(argument) = argument.map(strip) else {
            // No properties at all: visibly none.
            return (None, Some(Vec::new()));
        };
        match argument.kind() {
            "object" => self.object_distinct_id(argument, scope, out),
            "identifier" => (scope.props_ids.get(self.text(argument)).cloned(), None),
            _ => {
                self.expr(argument, scope, out);
                (None, None)
            }
        }
    }

    /// The properties of an object literal, each value lowered once (so calls inside still
    /// count), and whether they are all there (no spread hides some).
    fn object_pairs(
        &mut self,
        object: Node,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Vec<(String, Value)>, bool) {
        let mut pairs = Vec::new();
        let mut complete = true;
        for property in named_children(object) {
            match property.kind() {
                "pair" => {
                    let (Some(key), Some(value)) = (
                        property.child_by_field_name("key"),
                        property.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let value = self.expr(value, scope, out);
                    let key = self.text(key).trim_matches(['"', '\'']).to_owned();
                    pairs.push((key, value));
                }
                "shorthand_property_identifier" => {
                    let name = self.text(property).to_owned();
                    pairs.push((name.clone(), Value::local(name)));
                }
                "spread_element" => {
                    self.expr(property, scope, out);
                    complete = false;
                }
                _ => complete = false,
            }
        }
        (pairs, complete)
    }

    /// `{ distinct_id: id, .. }` → `id`.
    fn object_distinct_id(
        &mut self,
        object: Node,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Option<Value>, Option<Vec<(String, Value)>>) {
        let (pairs, complete) = self.object_pairs(object, scope, out);
        let id = pairs
            .iter()
            .find(|(k, _)| k == sdk::DISTINCT_ID_KEY)
            .map(|(_, v)| v.clone());
        (id, complete.then_some(pairs))
    }

    fn tracker_receiver(&self, object: Node, scope: &Scope) -> Option<(Tracker, bool)> {
        let object = strip(object);
        // `mixpanel.people.set(..)`, React Native's `mixpanel.getPeople().set(..)`.
        if object.kind() == "member_expression"
            && object.child_by_field_name("property").map(|p| self.text(p)) == Some("people")
            && let Some(base) = object.child_by_field_name("object")
        {
            return self.tracker_of(base, scope).map(|t| (t, true));
        }
        if object.kind() == "call_expression"
            && let Some(function) = object.child_by_field_name("function")
            && function.kind() == "member_expression"
            && function
                .child_by_field_name("property")
                .map(|p| self.text(p))
                == Some("getPeople")
            && let Some(base) = function.child_by_field_name("object")
        {
            return self.tracker_of(base, scope).map(|t| (t, true));
        }
        self.tracker_of(object, scope).map(|t| (t, false))
    }

    fn tracker_of(&self, node: Node, scope: &Scope) -> Option<Tracker> {
        let node = strip(node);
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if let Some(tracker) = scope.trackers.get(name) {
                    return Some(*tracker);
                }
                match self.bindings.get(name) {
                    // The browser SDK's default export is the tracker itself.
                    Some(Binding::SdkModule(Sdk::Browser)) => Some(Tracker::Known(Sdk::Browser)),
                    Some(Binding::SdkModule(_)) => None,
                    // `import { mixpanel } from './analytics'`: a tracker by its name.
                    Some(Binding::Project) => self.is_tracker_name(name).then_some(Tracker::ByName),
                    Some(_) => None,
                    None if scope.locals.contains(name) && !self.is_tracker_name(name) => None,
                    None => self.is_tracker_name(name).then_some(Tracker::ByName),
                }
            }
            "member_expression" => {
                let property = self.text(node.child_by_field_name("property")?);
                let object = node.child_by_field_name("object")?;
                // `mixpanel.<name>`: a named instance of the browser SDK.
                if let Some(Tracker::Known(Sdk::Browser)) = self.tracker_of(object, scope)
                    && sdk::sdk_method(Sdk::Browser, property, false).is_none()
                    && property != "people"
                {
                    return Some(Tracker::Known(Sdk::Browser));
                }
                self.is_tracker_name(property).then_some(Tracker::ByName)
            }
            "call_expression" => {
                let function = strip(node.child_by_field_name("function")?);
                if function.kind() == "member_expression" {
                    let property = self.text(function.child_by_field_name("property")?);
                    let base = function.child_by_field_name("object")?;
                    if property == "init" {
                        if let Some(Binding::SdkModule(sdk)) = self.bindings.get(self.text(base)) {
                            return Some(Tracker::Known(*sdk));
                        }
                        return self.tracker_of(base, scope);
                    }
                }
                // `getMixpanel()`, `useMixpanel()`: an accessor named like a tracker.
                let name = self.text(function).rsplit('.').next().unwrap_or("");
                let lowered = name.to_lowercase();
                self.options
                    .tracker_names
                    .iter()
                    .any(|t| lowered == format!("get{t}") || lowered == format!("use{t}"))
                    .then_some(Tracker::ByName)
            }
            "new_expression" => {
                let constructor = node.child_by_field_name("constructor")?;
                match self.bindings.get(self.text(constructor)) {
                    Some(Binding::SdkModule(sdk)) => Some(Tracker::Known(*sdk)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }

    fn constructed_type(&self, value: Node) -> Option<String> {
        let value = strip(value);
        (value.kind() == "new_expression")
            .then(|| {
                value
                    .child_by_field_name("constructor")
                    .map(|c| self.text(c).to_owned())
            })
            .flatten()
    }

    fn receiver_type(&self, object: Node, scope: &Scope) -> Option<String> {
        let object = strip(object);
        match object.kind() {
            "this" => scope.self_type.clone(),
            "identifier" => scope.types.get(self.text(object)).cloned(),
            _ => None,
        }
    }
}

/// How a closure is shown in call chains: `onSubmit`, `router.post callback`, or
/// `SignupPage::{closure}` for one with no name of its own.
fn closure_name(outer: &str, name: &str) -> String {
    match (outer, name.starts_with('<')) {
        ("<module>", false) => name.to_owned(),
        (_, false) => format!("{outer}::{name}"),
        (_, true) => format!("{outer}::{{closure}}"),
    }
}

/// `Promise<Analytics>` → `Analytics`, `Analytics | null` → `Analytics`.
fn main_type(annotation: &str) -> String {
    let first = annotation.split('|').next().unwrap_or(annotation).trim();
    let inner = first
        .rsplit_once('<')
        .map(|(_, rest)| rest.trim_end_matches('>'))
        .unwrap_or(first);
    inner.trim().trim_end_matches("[]").to_owned()
}
