//! The state of one file's lowering, and what every part of the lowerer asks of the syntax
//! tree: spans, text, children, type names, selectors.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::frontend::Options;
use crate::ir::{FileId, Function, Span};
use crate::sdk::SdkId;

pub(super) type Scope = crate::frontend::scope::Scope;

/// What this file declares of a class (its interface, class extensions, categories and
/// implementation together): its properties' and instance variables' types, which of them
/// hold a tracker, and the types its methods return.
#[derive(Default, Clone, Debug)]
pub(super) struct ClassInfo {
    /// Property and instance-variable name → main type name.
    pub types: HashMap<String, String>,
    /// Properties and instance variables that hold a tracker (a property's backing `_name`
    /// too).
    pub trackers: HashSet<String>,
    /// Instance variables, by name: a bare name in a method may be one of them.
    pub ivars: HashSet<String>,
    /// Properties, by name: `_name` is the backing instance variable of property `name`.
    pub properties: HashSet<String>,
    /// Selector → the type the method returns, when it names one (`instancetype` is the class).
    pub returns: HashMap<String, String>,
}

pub(super) struct Lowerer<'a> {
    pub file: FileId,
    pub source: &'a str,
    pub options: &'a Options,
    pub module_path: Vec<String>,
    pub functions: Vec<Function>,
    pub supertypes: Vec<(String, String)>,
    /// Classes declared or implemented in this file, by name.
    pub classes: HashMap<String, ClassInfo>,
    /// Protocols declared in this file: a message to one reaches its conformers by selector.
    pub protocols: HashSet<String>,
    /// What every function starts from: file-level trackers and typed globals.
    pub file_scope: Scope,
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

    pub fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }

    fn class(&self, owner: Option<&str>) -> Option<&ClassInfo> {
        self.classes.get(owner?)
    }

    /// The type a property or instance variable of `owner` is declared with.
    pub fn member_type(&self, owner: Option<&str>, name: &str) -> Option<String> {
        self.class(owner)?.types.get(name).cloned()
    }

    pub fn is_tracker_member(&self, owner: Option<&str>, name: &str) -> bool {
        self.class(owner).is_some_and(|c| c.trackers.contains(name))
    }

    /// The property a bare name in a method of `owner` stands for: an instance variable
    /// (`_anonymousId` is property `anonymousId`'s storage, so both are `self.anonymousId`).
    pub fn ivar_property(&self, owner: Option<&str>, name: &str) -> Option<String> {
        let class = self.class(owner)?;
        if let Some(property) = name.strip_prefix('_')
            && class.properties.contains(property)
        {
            return Some(property.to_owned());
        }
        class.ivars.contains(name).then(|| name.to_owned())
    }

    /// The type a method of `owner` returns, when its declaration says.
    pub fn returned_type(&self, owner: &str, selector: &str) -> Option<String> {
        self.classes.get(owner)?.returns.get(selector).cloned()
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

/// Whether the node has an unnamed child token `token` (`in`, `+`, `static`).
pub(super) use crate::frontend::treesitter::has_child_kind as has_token;

/// The class name a type names: `Mixpanel *` → `Mixpanel`, `NSArray<NSString *> *` →
/// `NSArray`, `id<Tracking>` → none (a protocol-typed value may be any conformer).
pub(super) fn type_name(text: &str) -> Option<String> {
    let text = text
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let words = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !is_qualifier(w));
    let first = words.into_iter().next()?;
    (first.starts_with(|c: char| c.is_uppercase()) && first != "BOOL").then(|| first.to_owned())
}

/// Words of a type that qualify it rather than name it.
fn is_qualifier(word: &str) -> bool {
    matches!(
        word,
        "const"
            | "nullable"
            | "nonnull"
            | "null_unspecified"
            | "_Nullable"
            | "_Nonnull"
            | "_Null_unspecified"
            | "__nullable"
            | "__nonnull"
            | "__kindof"
            | "__weak"
            | "__strong"
            | "__block"
            | "__unsafe_unretained"
            | "__autoreleasing"
            | "__covariant"
            | "__contravariant"
            | "static"
            | "extern"
            | "struct"
            | "unsigned"
            | "signed"
    )
}

/// The SDK's tracker class (`Mixpanel *mixpanel`), whose class methods also make trackers.
pub(super) fn is_tracker_type(name: &str) -> bool {
    SdkId::ObjectiveC.sdk().tracker_types.contains(&name)
}

/// The name a declarator declares: `*mixpanel`, `mixpanel = ..`, `(^block)(NSString *)`,
/// `names[3]`.
pub(super) fn declared_name<'t>(node: Node<'t>) -> Option<Node<'t>> {
    let mut node = node;
    loop {
        match node.kind() {
            "identifier" | "field_identifier" | "type_identifier" => return Some(node),
            _ => {
                node = node
                    .child_by_field_name("declarator")
                    .or_else(|| children(node).into_iter().next())?;
            }
        }
    }
}

/// Whether a declarator declares a block variable: `void (^done)(BOOL)`.
pub(super) fn is_block_declarator(node: Node) -> bool {
    let mut node = Some(node);
    while let Some(current) = node {
        if current.kind() == "block_pointer_declarator" {
            return true;
        }
        node = current
            .child_by_field_name("declarator")
            .or_else(|| children(current).into_iter().next());
    }
    false
}

/// A method declaration's or definition's selector (`linkUser:source:`), and its parameter
/// nodes in order.
pub(super) fn method_selector<'t>(lowerer: &Lowerer, node: Node<'t>) -> (String, Vec<Node<'t>>) {
    let mut selector = String::new();
    let mut parameters = Vec::new();
    for child in children(node) {
        match child.kind() {
            "identifier" => selector.push_str(lowerer.text(child)),
            "method_parameter" => {
                selector.push(':');
                parameters.push(child);
            }
            _ => {}
        }
    }
    (selector, parameters)
}

/// The type a method declares it returns: `(Mixpanel *)`, `(instancetype)` is `owner`.
pub(super) fn method_return(lowerer: &Lowerer, node: Node, owner: &str) -> Option<String> {
    let declared = children(node)
        .into_iter()
        .find(|c| c.kind() == "method_type")?;
    let text = lowerer.text(declared);
    if text.contains("instancetype") {
        return Some(owner.to_owned());
    }
    type_name(text)
}

impl crate::frontend::treesitter::TreeLowerer for Lowerer<'_> {
    fn node_text(&self, node: Node) -> &str {
        self.text(node)
    }

    fn lower_expr(
        &mut self,
        node: Node,
        scope: &mut Scope,
        out: &mut crate::ir::Block,
    ) -> crate::ir::Value {
        self.expr(node, scope, out)
    }

    fn lower_effects(&mut self, node: Node, scope: &mut Scope, out: &mut crate::ir::Block) {
        self.effects(node, scope, out)
    }
}
