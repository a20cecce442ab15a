//! The file level: types (classes, structs, enums, actors, protocols and their extensions)
//! and their stored properties are declared first, so a method sees properties declared after
//! it and in extensions; then functions and methods are lowered, and top-level statements
//! (a `main.swift`, a script) become the `<module>` function.
//!
//! A Swift module is one namespace: a type declared in another file is called by its name, so
//! methods are found by their type's name (`Callee::Method` with a receiver type), and free
//! functions by their name.

use tree_sitter::Node;

use super::lowerer::{
    Lowerer, Scope, TypeInfo, children, fields, is_static, is_tracker_type, type_name,
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
        protocols: Default::default(),
        free_functions: Default::default(),
        file_scope: Scope::default(),
        breakable: Vec::new(),
        nested_guards: 0,
        closures_in_method: 0,
    };
    lowerer.declare_types(root);
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
        "import_declaration"
            | "class_declaration"
            | "protocol_declaration"
            | "function_declaration"
            | "typealias_declaration"
            | "operator_declaration"
            | "precedence_group_declaration"
            | "property_declaration"
    )
}

impl Lowerer<'_> {
    /// The name a type declaration declares (or extends): `AnalyticsService`.
    pub(super) fn declared_type(&self, node: Node) -> Option<String> {
        type_name(self.text(node.child_by_field_name("name")?))
    }

    /// Every type of the file, nested ones too: supertypes, protocols, stored properties.
    fn declare_types(&mut self, node: Node) {
        for child in children(node) {
            match child.kind() {
                "class_declaration" | "protocol_declaration" => self.declare_type(child),
                "function_declaration" => {
                    if let Some(name) = child.child_by_field_name("name") {
                        self.free_functions.insert(self.text(name).to_owned());
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
        if node.kind() == "protocol_declaration" {
            self.protocols.insert(name.clone());
        }
        for specifier in children(node)
            .into_iter()
            .filter(|c| c.kind() == "inheritance_specifier")
        {
            if let Some(base) = type_name(self.text(specifier)) {
                self.supertypes.push((name.clone(), base));
            }
        }
        let mut info = self.types.remove(&name).unwrap_or_default();
        if let Some(body) = node.child_by_field_name("body") {
            for member in children(body) {
                match member.kind() {
                    "property_declaration" => self.declare_property(member, &mut info),
                    "init_declaration" => self.declare_init_assignments(member, &mut info),
                    "function_declaration" => {
                        if let Some((name, returned)) = self.returned_type(member) {
                            info.returns.insert(name, returned);
                        }
                    }
                    "class_declaration" | "protocol_declaration" => self.declare_type(member),
                    _ => {}
                }
            }
        }
        self.types.insert(name, info);
    }

    /// A method's name and the type it returns: `getMixpanelInstance(_:) -> MixpanelInstance?`.
    fn returned_type(&self, node: Node) -> Option<(String, String)> {
        let name = self.text(node.child_by_field_name("name")?).to_owned();
        let returned = node.child_by_field_name("return_type")?;
        Some((name, type_name(self.text(returned))?))
    }

    /// `let mixpanel: MixpanelInstance`, `static let shared = AnalyticsService()`,
    /// `private let mixpanel = Mixpanel.mainInstance()`.
    fn declare_property(&self, node: Node, info: &mut TypeInfo) {
        let Some(name) = property_name(self, node) else {
            return;
        };
        info.names.insert(name.clone());
        let annotated = children(node)
            .into_iter()
            .find(|c| c.kind() == "type_annotation")
            .and_then(|a| type_name(self.text(a).trim_start_matches(':')));
        let value = node.child_by_field_name("value");
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

    /// `self.mixpanel = Mixpanel.mainInstance()` in an initialiser makes the property a
    /// tracker (only the initialiser's own statements are read).
    fn declare_init_assignments(&self, node: Node, info: &mut TypeInfo) {
        let Some(statements) = node
            .child_by_field_name("body")
            .and_then(|b| children(b).into_iter().find(|c| c.kind() == "statements"))
        else {
            return;
        };
        for statement in children(statements) {
            if statement.kind() != "assignment" {
                continue;
            }
            let (Some(target), Some(value)) = (
                statement.child_by_field_name("target"),
                statement.child_by_field_name("result"),
            ) else {
                continue;
            };
            let target = self.text(target).trim_start_matches("self.");
            if self.is_tracker_constructor(value) {
                info.trackers.insert(target.to_owned());
            }
            if let Some(type_name) = self.constructed_type(value) {
                info.properties.insert(target.to_owned(), type_name);
            }
        }
    }

    /// Globals: `let mixpanel = Mixpanel.mainInstance()`, `let analytics = Analytics()`.
    fn declare_globals(&mut self, root: Node) {
        for node in children(root) {
            if node.kind() != "property_declaration" {
                continue;
            }
            let Some(name) = property_name(self, node) else {
                continue;
            };
            if let Some(value) = node.child_by_field_name("value") {
                if self.is_tracker_constructor(value) {
                    self.file_scope
                        .trackers
                        .insert(name.clone(), Tracker::Known(()));
                }
                if let Some(type_name) = self.constructed_type(value) {
                    self.file_scope.types.insert(name, type_name);
                }
            }
        }
    }

    /// Functions, methods, initialisers and computed properties of the file, in every type.
    fn lower_declarations(&mut self, node: Node, owner: Option<&str>) {
        for child in children(node) {
            match child.kind() {
                "function_declaration" => {
                    self.method(child, owner);
                }
                "init_declaration" | "deinit_declaration" if owner.is_some() => {
                    self.method(child, owner);
                }
                "property_declaration" if owner.is_some() => self.computed_property(child, owner),
                "class_declaration" | "protocol_declaration" => {
                    let name = self.declared_type(child);
                    if let Some(body) = child.child_by_field_name("body") {
                        self.lower_declarations(body, name.as_deref());
                    }
                }
                // Protocol requirements with a default body are lowered by their extension.
                _ => {}
            }
        }
    }

    /// A computed property's getter and setter run when it is read or written: each is a
    /// method named after the property; a stored property's initial value runs at `init`.
    fn computed_property(&mut self, node: Node, owner: Option<&str>) {
        let Some(computed) = node.child_by_field_name("computed_value") else {
            return;
        };
        let Some(name) = property_name(self, node) else {
            return;
        };
        let accessors = children(computed);
        let bodies: Vec<Node> = if accessors.iter().any(|a| a.kind() == "statements") {
            accessors
                .into_iter()
                .filter(|a| a.kind() == "statements")
                .collect()
        } else {
            accessors
                .iter()
                .flat_map(|a| children(*a))
                .filter(|s| s.kind() == "statements")
                .collect()
        };
        let static_member = is_static(self, node);
        for body in bodies {
            self.accessor(&name, owner, static_member, node, body);
        }
    }

    /// Top-level statements, in order, as the `<module>` function.
    fn top_level(&mut self, root: Node) {
        let statements: Vec<Node> = children(root)
            .into_iter()
            .filter(|n| !is_declaration(*n) || n.kind() == "property_declaration")
            .collect();
        let runs = statements.iter().any(|n| !is_declaration(*n));
        if !runs {
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

/// The name a property declaration binds (`let a`, not `let (a, b)`).
pub(super) fn property_name(lowerer: &Lowerer, node: Node) -> Option<String> {
    let pattern = node.child_by_field_name("name")?;
    let bound = fields(pattern, "bound_identifier");
    match bound.as_slice() {
        [single] => Some(lowerer.text(*single).to_owned()),
        [] if pattern.kind() == "pattern" && children(pattern).len() <= 1 => {
            Some(lowerer.text(pattern).to_owned())
        }
        _ => None,
    }
}
