//! The file level: classes, interfaces, enums and records (nested ones too) and their fields
//! are declared first, so a method sees fields declared after it; then methods, constructors
//! and initialisers are lowered.
//!
//! Java names a package in each file, but a project's types are called by their simple names:
//! methods are found by their type's name (`Callee::Method` with a receiver type), static
//! helpers too (`Analytics.link(..)`).

use tree_sitter::Node;

use super::lowerer::{Lowerer, TypeInfo, child_of_kind, children, is_tracker_type, type_name};
use crate::frontend::Options;
use crate::frontend::{DeclaredMember, FileContext, declare_members};
use crate::ir::{FileId, Module};

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
        breakable: Vec::new(),
        enclosing: Vec::new(),
    };
    lowerer.declare(root);
    lowerer.lower_declarations(root);
    let mut supertypes = std::mem::take(&mut lowerer.supertypes);
    let mut trackers = Vec::new();
    let members = lowerer.types.iter().flat_map(|(owner, info)| {
        let names: std::collections::BTreeSet<&String> = (info.names.iter())
            .chain(info.fields.keys())
            .chain(info.trackers.iter())
            .collect();
        names.into_iter().map(move |name| DeclaredMember {
            owner,
            name,
            declared: info.fields.get(name).map(String::as_str),
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

/// Whether a node declares a type.
pub(super) fn is_type_declaration(node: Node) -> bool {
    matches!(
        node.kind(),
        "class_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration"
            | "annotation_type_declaration"
    )
}

/// The members of a type body (an enum's come after its constants).
pub(super) fn members(body: Node) -> Vec<Node> {
    children(body)
        .into_iter()
        .flat_map(|m| match m.kind() {
            "enum_body_declarations" => children(m),
            _ => vec![m],
        })
        .collect()
}

impl Lowerer<'_> {
    fn declare(&mut self, node: Node) {
        for child in children(node) {
            if is_type_declaration(child) {
                self.declare_type(child);
            }
        }
    }

    fn declare_type(&mut self, node: Node) {
        let Some(name) = node
            .child_by_field_name("name")
            .and_then(|n| type_name(self.text(n)))
        else {
            return;
        };
        for part in children(node) {
            let listed = match part.kind() {
                "superclass" => children(part),
                "super_interfaces" | "extends_interfaces" => child_of_kind(part, "type_list")
                    .map(children)
                    .unwrap_or_default(),
                _ => continue,
            };
            for base in listed {
                if let Some(base) = type_name(self.text(base)) {
                    if part.kind() == "superclass" {
                        self.superclasses.insert(name.clone(), base.clone());
                    }
                    self.supertypes.push((name.clone(), base));
                }
            }
        }
        let mut info = self.types.remove(&name).unwrap_or_default();
        if let Some(parameters) = node.child_by_field_name("parameters") {
            // A record's components are its fields.
            for component in children(parameters) {
                self.declare_typed(component, &mut info);
            }
        }
        if let Some(body) = node.child_by_field_name("body") {
            for member in members(body) {
                match member.kind() {
                    "field_declaration" | "constant_declaration" => {
                        self.declare_field(member, &mut info)
                    }
                    "method_declaration" => {
                        let returned = member
                            .child_by_field_name("type")
                            .and_then(|t| type_name(self.text(t)));
                        if let (Some(method), Some(returned)) =
                            (member.child_by_field_name("name"), returned)
                        {
                            info.returns.insert(self.text(method).to_owned(), returned);
                        }
                    }
                    "constructor_declaration" | "compact_constructor_declaration" => {
                        self.declare_constructor_assignments(member, &mut info)
                    }
                    _ => {}
                }
            }
            self.types.insert(name, info);
            self.declare(body);
        } else {
            self.types.insert(name, info);
        }
    }

    /// `private MixpanelAPI mixpanel;`, `final MixpanelAPI mp = MixpanelAPI.getInstance(..)`.
    fn declare_field(&self, node: Node, info: &mut TypeInfo) {
        let declared = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)));
        let mut cursor = node.walk();
        for declarator in node.children_by_field_name("declarator", &mut cursor) {
            let Some(name) = declarator.child_by_field_name("name") else {
                continue;
            };
            let name = self.text(name).to_owned();
            info.names.insert(name.clone());
            let value = declarator.child_by_field_name("value");
            if value.is_some_and(|v| self.is_tracker_constructor(v))
                || declared.as_deref().is_some_and(is_tracker_type)
            {
                info.trackers.insert(name.clone());
            }
            if let Some(found) = declared.clone() {
                info.fields.insert(name, found);
            }
        }
    }

    /// A record component or parameter that is a field: `String id`.
    fn declare_typed(&self, node: Node, info: &mut TypeInfo) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let name = self.text(name).to_owned();
        info.names.insert(name.clone());
        if let Some(found) = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)))
        {
            if is_tracker_type(&found) {
                info.trackers.insert(name.clone());
            }
            info.fields.insert(name, found);
        }
    }

    /// `this.mixpanel = MixpanelAPI.getInstance(..)` in a constructor makes the field a
    /// tracker (only the constructor's own statements are read).
    fn declare_constructor_assignments(&self, node: Node, info: &mut TypeInfo) {
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        for statement in children(body) {
            let Some(assignment) = child_of_kind(statement, "assignment_expression") else {
                continue;
            };
            let (Some(target), Some(value)) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                continue;
            };
            let target = self.text(target).trim_start_matches("this.");
            if self.is_tracker_constructor(value) {
                info.trackers.insert(target.to_owned());
            }
        }
    }

    /// Methods, constructors and initialisers of every type of the file.
    fn lower_declarations(&mut self, root: Node) {
        for child in children(root) {
            self.lower_member(child, None);
        }
    }

    fn lower_members(&mut self, body: Node, owner: Option<&str>) {
        for member in members(body) {
            self.lower_member(member, owner);
        }
    }

    fn lower_member(&mut self, member: Node, owner: Option<&str>) {
        match member.kind() {
            "method_declaration"
            | "constructor_declaration"
            | "compact_constructor_declaration"
                if owner.is_some() =>
            {
                self.method(member, owner);
            }
            "static_initializer" | "block" if owner.is_some() => self.initialiser(member, owner),
            _ if is_type_declaration(member) => {
                let name = member
                    .child_by_field_name("name")
                    .and_then(|n| type_name(self.text(n)));
                if let Some(body) = member.child_by_field_name("body") {
                    self.lower_members(body, name.as_deref());
                }
            }
            _ => {}
        }
    }
}
