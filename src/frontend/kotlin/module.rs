//! The file level: types (classes, objects, interfaces, enums; companion objects and extension
//! functions add to their type) and their properties are declared first, so a method sees
//! properties declared after it; then functions, methods, constructors and accessors are
//! lowered, and top-level statements (a `.kts` script) become the `<module>` function.
//!
//! Kotlin names a package in each file, but a project's types are called by their simple
//! names: methods are found by their type's name (`Callee::Method` with a receiver type), an
//! `object`'s and a companion's members by the type's name (`Analytics.link(..)`), top-level
//! functions by their name.

use tree_sitter::Node;

use super::lowerer::{
    Lowerer, Scope, TypeInfo, annotated_type, child_of_kind, children, has_token, is_tracker_type,
    is_type_node, type_name,
};
use crate::frontend::Options;
use crate::frontend::scope::Tracker;
use crate::frontend::{DeclaredMember, FileContext, declare_members};
use crate::ir::{FileId, FunctionKind, Module, Span};

pub(super) fn lower_module(
    file: FileId,
    text: &str,
    root: Node,
    context: &FileContext,
    options: &Options,
) -> Module {
    let mut lowerer = Lowerer {
        file,
        source: text,
        options,
        module_path: context.module_path.clone(),
        functions: Vec::new(),
        supertypes: Vec::new(),
        types: Default::default(),
        superclasses: Default::default(),
        free_functions: Default::default(),
        file_scope: Scope::default(),
        enclosing: Vec::new(),
    };
    lowerer.declare(root, None);
    lowerer.declare_globals(root);
    lowerer.lower_declarations(root, None);
    lowerer.top_level(root);
    let mut trackers: Vec<String> = lowerer
        .file_scope
        .trackers
        .iter()
        .filter(|(_, t)| **t == Tracker::Known(()))
        .map(|(name, _)| name.clone())
        .collect();
    trackers.sort();
    let mut supertypes = std::mem::take(&mut lowerer.supertypes);
    let members = lowerer.types.iter().flat_map(|(owner, info)| {
        let names: std::collections::BTreeSet<&String> = (info.names.iter())
            .chain(info.properties.keys())
            .chain(info.trackers.iter())
            .collect();
        names.into_iter().map(move |name| DeclaredMember {
            owner,
            name,
            declared: info.properties.get(name).map(String::as_str),
            tracker: info.trackers.contains(name),
        })
    });
    declare_members(members, &mut supertypes, &mut trackers);
    Module {
        file,
        language: context.language,
        path: context.module_path.clone(),
        imports: Vec::new(),
        functions: lowerer.functions,
        supertypes,
        trackers,
    }
}

/// Statements that declare rather than run: they are not part of `<module>`.
fn is_declaration(node: Node) -> bool {
    matches!(
        node.kind(),
        "package_header"
            | "import"
            | "file_annotation"
            | "shebang"
            | "class_declaration"
            | "object_declaration"
            | "function_declaration"
            | "property_declaration"
            | "type_alias"
    )
}

/// The body of a class, object or companion: its members.
pub(super) fn body_of(node: Node) -> Option<Node> {
    child_of_kind(node, "class_body").or_else(|| child_of_kind(node, "enum_class_body"))
}

impl Lowerer<'_> {
    /// The name a class or object declares.
    pub(super) fn declared_type(&self, node: Node) -> Option<String> {
        type_name(self.text(node.child_by_field_name("name")?))
    }

    /// The receiver type of an extension function (`fun AnalyticsService.onboard()`): a type
    /// written before the function's name.
    pub(super) fn extension_receiver(&self, node: Node) -> Option<String> {
        let name = node.child_by_field_name("name")?;
        children(node)
            .into_iter()
            .find(|c| is_type_node(c.kind()) && c.end_byte() <= name.start_byte())
            .and_then(|t| type_name(self.text(t)))
    }

    /// Every type of the file and what it declares; top-level functions.
    fn declare(&mut self, node: Node, owner: Option<&str>) {
        for child in children(node) {
            match child.kind() {
                "class_declaration" | "object_declaration" => self.declare_type(child),
                "companion_object" => {
                    if let (Some(owner), Some(body)) = (owner, body_of(child)) {
                        self.declare_members(owner, body);
                        self.declare(body, Some(owner));
                    }
                }
                "function_declaration" if owner.is_none() => {
                    let Some(name) = child.child_by_field_name("name") else {
                        continue;
                    };
                    let name = self.text(name).to_owned();
                    match self.extension_receiver(child) {
                        Some(receiver) => {
                            self.declare_method(&receiver, child, name);
                        }
                        None => {
                            self.free_functions.insert(name);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn declare_type(&mut self, node: Node) {
        let Some(name) = self.declared_type(node) else {
            return;
        };
        for specifier in child_of_kind(node, "delegation_specifiers")
            .map(children)
            .unwrap_or_default()
        {
            let named = match child_of_kind(specifier, "constructor_invocation") {
                Some(invocation) => children(invocation).into_iter().next(),
                None => children(specifier).into_iter().next(),
            };
            if let Some(base) = named.and_then(|t| type_name(self.text(t))) {
                if child_of_kind(specifier, "constructor_invocation").is_some() {
                    self.superclasses.insert(name.clone(), base.clone());
                }
                self.supertypes.push((name.clone(), base));
            }
        }
        self.types.entry(name.clone()).or_default();
        self.declare_constructor_properties(&name, node);
        if let Some(body) = body_of(node) {
            self.declare_members(&name, body);
            self.declare(body, Some(&name));
        }
    }

    /// `class A(private val mixpanel: MixpanelAPI, val name: String)`: parameters that are
    /// properties.
    fn declare_constructor_properties(&mut self, owner: &str, node: Node) {
        let parameters = child_of_kind(node, "primary_constructor")
            .and_then(|p| child_of_kind(p, "class_parameters"))
            .map(children)
            .unwrap_or_default();
        for parameter in parameters {
            if !has_token(parameter, "val") && !has_token(parameter, "var") {
                continue;
            }
            let Some(name) = child_of_kind(parameter, "identifier") else {
                continue;
            };
            let name = self.text(name).to_owned();
            let annotated = annotated_type(self, parameter);
            let info = self.types.entry(owner.to_owned()).or_default();
            info.names.insert(name.clone());
            if let Some(type_name) = annotated {
                if is_tracker_type(&type_name) {
                    info.trackers.insert(name.clone());
                }
                info.properties.insert(name, type_name);
            }
        }
    }

    /// Properties and methods of a class body, and `mixpanel = MixpanelAPI.getInstance(..)`
    /// in its `init` blocks.
    fn declare_members(&mut self, owner: &str, body: Node) {
        let mut info = self.types.remove(owner).unwrap_or_default();
        for member in children(body) {
            match member.kind() {
                "property_declaration" => self.declare_property(member, &mut info),
                "function_declaration" => {
                    if let Some(name) = member.child_by_field_name("name") {
                        let name = self.text(name).to_owned();
                        if let Some(returned) = self.returned_type(member) {
                            info.returns.insert(name.clone(), returned);
                        }
                        info.methods.insert(name);
                    }
                }
                "anonymous_initializer" => self.declare_init_assignments(member, &mut info),
                _ => {}
            }
        }
        self.types.insert(owner.to_owned(), info);
    }

    fn declare_method(&mut self, owner: &str, node: Node, name: String) {
        let returned = self.returned_type(node);
        let info = self.types.entry(owner.to_owned()).or_default();
        if let Some(returned) = returned {
            info.returns.insert(name.clone(), returned);
        }
        info.methods.insert(name);
    }

    /// The type a function declares it returns: a type written after its parameters.
    fn returned_type(&self, node: Node) -> Option<String> {
        let parameters = child_of_kind(node, "function_value_parameters")?;
        children(node)
            .into_iter()
            .find(|c| is_type_node(c.kind()) && c.start_byte() >= parameters.end_byte())
            .and_then(|t| type_name(self.text(t)))
    }

    /// `private val mixpanel: MixpanelAPI`, `val mixpanel = MixpanelAPI.getInstance(..)`,
    /// `val mixpanel by lazy { MixpanelAPI.getInstance(..) }`, `val api = ApiClient()`.
    fn declare_property(&self, node: Node, info: &mut TypeInfo) {
        let Some((name, annotated)) = self.property_name(node) else {
            return;
        };
        info.names.insert(name.clone());
        let value = initial_value(node);
        let constructed = value.and_then(|v| self.constructed_type(v));
        if let Some(type_name) = annotated.or(constructed) {
            if is_tracker_type(&type_name) {
                info.trackers.insert(name.clone());
            }
            info.properties.insert(name.clone(), type_name);
        }
        if value.is_some_and(|v| self.is_tracker_constructor(v)) {
            info.trackers.insert(name);
        }
    }

    /// `mixpanel = MixpanelAPI.getInstance(..)` in an `init` block makes the property a
    /// tracker (only the block's own statements are read).
    fn declare_init_assignments(&self, node: Node, info: &mut TypeInfo) {
        let Some(block) = child_of_kind(node, "block") else {
            return;
        };
        for statement in children(block) {
            if statement.kind() != "assignment" {
                continue;
            }
            let (Some(target), Some(value)) = (
                statement.child_by_field_name("left"),
                statement.child_by_field_name("right"),
            ) else {
                continue;
            };
            let target = self.text(target).trim_start_matches("this.");
            if self.is_tracker_constructor(value) {
                info.trackers.insert(target.to_owned());
            }
            if let Some(type_name) = self.constructed_type(value) {
                info.properties.insert(target.to_owned(), type_name);
            }
        }
    }

    /// Top-level properties: `val mixpanel = MixpanelAPI.getInstance(..)`,
    /// `lateinit var mixpanel: MixpanelAPI`, `val analytics = AnalyticsService()`.
    fn declare_globals(&mut self, root: Node) {
        for node in children(root) {
            if node.kind() != "property_declaration" {
                continue;
            }
            let Some((name, annotated)) = self.property_name(node) else {
                continue;
            };
            let value = initial_value(node);
            let tracker = value.is_some_and(|v| self.is_tracker_constructor(v))
                || annotated.as_deref().is_some_and(is_tracker_type);
            if tracker {
                self.file_scope
                    .trackers
                    .insert(name.clone(), Tracker::Known(()));
            }
            if let Some(type_name) =
                annotated.or_else(|| value.and_then(|v| self.constructed_type(v)))
            {
                self.file_scope.types.insert(name, type_name);
            }
        }
    }

    /// The name a property declares and its annotated type (`val a: T`, not `val (a, b)`).
    pub(super) fn property_name(&self, node: Node) -> Option<(String, Option<String>)> {
        let declaration = child_of_kind(node, "variable_declaration")?;
        let name = child_of_kind(declaration, "identifier")?;
        Some((
            self.text(name).to_owned(),
            annotated_type(self, declaration),
        ))
    }

    /// Functions, methods, constructors and accessors of the file, in every type.
    fn lower_declarations(&mut self, node: Node, owner: Option<&str>) {
        for child in children(node) {
            match child.kind() {
                "function_declaration" => {
                    let receiver = if owner.is_none() {
                        self.extension_receiver(child)
                    } else {
                        None
                    };
                    self.method(child, owner.or(receiver.as_deref()));
                }
                "class_declaration" | "object_declaration" => {
                    let name = self.declared_type(child);
                    if let Some(body) = body_of(child) {
                        self.lower_declarations(body, name.as_deref());
                    }
                    if let Some(name) = &name {
                        self.primary_constructor(child, name);
                    }
                }
                "companion_object" => {
                    if let Some(body) = body_of(child) {
                        self.lower_declarations(body, owner);
                    }
                }
                "secondary_constructor" if owner.is_some() => {
                    self.secondary_constructor(child, owner);
                }
                "property_declaration" if owner.is_some() => self.accessors(child, owner),
                _ => {}
            }
        }
    }

    /// Top-level statements, in order, as the `<module>` function.
    fn top_level(&mut self, root: Node) {
        let statements: Vec<Node> = children(root)
            .into_iter()
            .filter(|n| !is_declaration(*n) || n.kind() == "property_declaration")
            .collect();
        if !statements.iter().any(|n| !is_declaration(*n)) {
            return;
        }
        let mut scope = self.file_scope.clone();
        scope.name = "<module>".to_owned();
        let body = self.statements(&statements, &mut scope);
        let whole_file = Span {
            file: self.file,
            start: (self.source.len() - self.source.trim_start().len()) as u32,
            end: self.source.len() as u32,
        };
        let index = self.push_function(
            "<module>".to_owned(),
            None,
            FunctionKind::Free,
            true,
            whole_file,
        );
        self.functions[index as usize].body = body;
    }
}

/// The expression a property starts as: after `=`, or the one a `by lazy { .. }` computes.
pub(super) fn initial_value(node: Node) -> Option<Node> {
    if let Some(delegate) = child_of_kind(node, "property_delegate") {
        let call = children(delegate).into_iter().next()?;
        let lambda = child_of_kind(call, "annotated_lambda")
            .and_then(|a| child_of_kind(a, "lambda_literal"))?;
        return children(lambda)
            .into_iter()
            .rfind(|c| c.kind() != "lambda_parameters");
    }
    let mut cursor = node.walk();
    let mut after_equals = false;
    for child in node.children(&mut cursor) {
        if !child.is_named() && child.kind() == "=" {
            after_equals = true;
        } else if after_equals && child.is_named() {
            return Some(child);
        }
    }
    None
}
