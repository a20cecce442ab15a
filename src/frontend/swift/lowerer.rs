//! The state of one file's lowering, and what every part of the lowerer asks of the syntax
//! tree: spans, text, children, type names.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::frontend::Options;
use crate::ir::{FileId, Function, Span};
use crate::sdk::SdkId;

pub(super) type Scope = crate::frontend::scope::Scope;

/// What this file declares of a type (a class, struct, enum, actor, protocol or extension):
/// its stored properties' types and which of them hold a tracker.
#[derive(Default, Clone, Debug)]
pub(super) struct TypeInfo {
    pub properties: HashMap<String, String>,
    pub trackers: HashSet<String>,
    /// Every property name, typed or not: a bare name in a method may be one of them.
    pub names: HashSet<String>,
    /// The type each method returns, when it names one (`-> MixpanelInstance?`).
    pub returns: HashMap<String, String>,
}

pub(super) struct Lowerer<'a> {
    pub file: FileId,
    pub source: &'a str,
    pub options: &'a Options,
    pub module_path: Vec<String>,
    pub functions: Vec<Function>,
    pub supertypes: Vec<(String, String)>,
    /// Types declared in this file (extensions add to them), by name.
    pub types: HashMap<String, TypeInfo>,
    /// Protocols declared in this file: a call through one reaches its conformers.
    pub protocols: HashSet<String>,
    /// Free functions declared in this file: a bare call of another name in a method is a
    /// method of `self` (Swift's implicit `self.`), declared here or in an extension.
    pub free_functions: HashSet<String>,
    /// What every function starts from: global trackers and typed globals.
    pub file_scope: Scope,
    /// The statements a `break` may leave, innermost last.
    pub breakable: Vec<Breakable>,
    /// How many `guard` arms the statements being lowered are nested in.
    pub nested_guards: usize,
    /// How many closures (and nested functions) of a method the body being lowered is in:
    /// there, `link(id)` is still `self.link(id)`, `self` captured.
    pub closures_in_method: usize,
}

/// What an unlabelled `break` leaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Breakable {
    Loop,
    Switch,
}

impl<'a> Lowerer<'a> {
    pub fn span(&self, node: Node) -> Span {
        Span {
            file: self.file,
            start: node.start_byte() as u32,
            end: node.end_byte() as u32,
        }
    }

    pub fn text(&self, node: Node) -> &'a str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    /// The superclass of the type being lowered (the first type its declaration in this file
    /// inherits from), or `NSObject`, which no project declares.
    pub fn superclass(&self, scope: &Scope) -> String {
        scope
            .self_type
            .as_deref()
            .and_then(|own| self.supertypes.iter().find(|(class, _)| class == own))
            .map_or_else(|| "NSObject".to_owned(), |(_, base)| base.clone())
    }

    pub fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }

    /// The type a property of `owner` is declared with, when this file says.
    pub fn property_type(&self, owner: Option<&str>, name: &str) -> Option<String> {
        self.types.get(owner?)?.properties.get(name).cloned()
    }

    pub fn is_tracker_property(&self, owner: Option<&str>, name: &str) -> bool {
        owner
            .and_then(|o| self.types.get(o))
            .is_some_and(|t| t.trackers.contains(name))
    }

    pub fn is_property(&self, owner: Option<&str>, name: &str) -> bool {
        owner
            .and_then(|o| self.types.get(o))
            .is_some_and(|t| t.names.contains(name))
    }
}

/// Named children that are not comments, in order.
pub(super) use crate::frontend::treesitter::children;

/// The named children a field holds, in order.
pub(super) fn fields<'t>(node: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(name, &mut cursor)
        .filter(|c| c.is_named())
        .collect()
}

/// Whether the node has an unnamed child token `token` (`else`, `static`).
pub(super) use crate::frontend::treesitter::has_child_kind as has_token;

/// The main type a type annotation names: `MixpanelInstance?` → `MixpanelInstance`,
/// `[User]` → none, `Analytics<Event>` → `Analytics`, `any Tracking` → `Tracking`.
pub(super) fn type_name(text: &str) -> Option<String> {
    let text = text
        .trim()
        .trim_start_matches("any ")
        .trim_start_matches("some ")
        .trim_end_matches(['?', '!']);
    let base = text.split('<').next().unwrap_or(text).trim();
    let last = base.rsplit('.').next().unwrap_or(base);
    let simple = !last.is_empty() && last.chars().all(|c| c.is_alphanumeric() || c == '_');
    (simple && last.starts_with(|c: char| c.is_uppercase())).then(|| last.to_owned())
}

/// The SDK's tracker type (`MixpanelInstance`); the facade `Mixpanel` only makes trackers.
pub(super) fn is_tracker_type(name: &str) -> bool {
    name == "MixpanelInstance"
}

/// The SDK's facade, whose static methods make trackers (`Mixpanel.mainInstance()`).
pub(super) fn is_sdk_facade(name: &str) -> bool {
    SdkId::Swift.sdk().tracker_types.first() == Some(&name)
}

/// Whether a modifier list makes a declaration invisible outside its file or type.
pub(super) fn is_private(lowerer: &Lowerer, node: Node) -> bool {
    children(node)
        .into_iter()
        .filter(|c| c.kind() == "modifiers")
        .any(|m| {
            let text = lowerer.text(m);
            text.contains("private") || text.contains("fileprivate")
        })
}

/// Whether a declaration is `static` or `class` (a type member).
pub(super) fn is_static(lowerer: &Lowerer, node: Node) -> bool {
    children(node)
        .into_iter()
        .filter(|c| c.kind() == "modifiers")
        .any(|m| {
            lowerer
                .text(m)
                .split_whitespace()
                .any(|w| w == "static" || w == "class")
        })
}
