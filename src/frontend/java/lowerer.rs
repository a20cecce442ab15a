//! The state of one file's lowering, and what every part of the lowerer asks of the syntax
//! tree: spans, text, children, type names.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use tree_sitter::Node;

use crate::frontend::Options;
use crate::ir::{FileId, Function, Span};
use crate::sdk::SdkId;

pub(super) type Scope = crate::frontend::scope::Scope;

/// What this file declares of a class, interface, enum or record: its fields' types, which of
/// them hold a tracker, what its methods return.
#[derive(Default, Clone, Debug)]
pub(super) struct TypeInfo {
    pub fields: HashMap<String, String>,
    pub trackers: HashSet<String>,
    /// Every field name, typed or not: a bare name in a method may be one of them.
    pub names: HashSet<String>,
    /// The type each method returns (`MixpanelAPI getMixpanel()`).
    pub returns: HashMap<String, String>,
}

pub(super) struct Lowerer<'a> {
    pub file: FileId,
    pub source: &'a str,
    pub options: &'a Options,
    pub module_path: Vec<String>,
    pub functions: Vec<Function>,
    pub supertypes: Vec<(String, String)>,
    /// Types declared in this file, by name.
    pub types: HashMap<String, TypeInfo>,
    /// The class each class of this file `extends`.
    pub superclasses: HashMap<String, String>,
    /// The locals of the functions enclosing the lambda being lowered, innermost last: they
    /// shadow properties of the same name.
    pub enclosing: Vec<HashSet<String>>,
    /// The statements a `break` may leave, innermost last.
    pub breakable: Vec<Breakable>,
}

/// What an unlabelled `break` leaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Breakable {
    Loop,
    /// An arrow `switch` (`case A -> ..`): its cases never fall through, and it is no loop.
    ArrowSwitch,
}

impl<'a> Lowerer<'a> {
    /// Whether a name is a local here or in an enclosing function (a lambda's capture).
    pub fn is_local(&self, scope: &Scope, name: &str) -> bool {
        scope.locals.contains(name) || self.enclosing.iter().any(|l| l.contains(name))
    }

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

    /// The superclass of the class being lowered (its `extends`, as this file declares it),
    /// or `Object`, which no project declares.
    pub fn superclass(&self, scope: &Scope) -> String {
        scope
            .self_type
            .as_deref()
            .and_then(|own| self.superclasses.get(own).cloned())
            .unwrap_or_else(|| "Object".to_owned())
    }

    pub fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }

    pub fn field_type(&self, owner: Option<&str>, name: &str) -> Option<String> {
        self.types.get(owner?)?.fields.get(name).cloned()
    }

    pub fn is_tracker_field(&self, owner: Option<&str>, name: &str) -> bool {
        owner
            .and_then(|o| self.types.get(o))
            .is_some_and(|t| t.trackers.contains(name))
    }

    pub fn is_field(&self, owner: Option<&str>, name: &str) -> bool {
        owner
            .and_then(|o| self.types.get(o))
            .is_some_and(|t| t.names.contains(name))
    }

    /// The first line of a node, where a nameless function is shown.
    pub fn first_line(&self, node: Node) -> Span {
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

/// Named children that are not comments, in order.
pub(super) use crate::frontend::treesitter::children;

pub(super) use crate::frontend::treesitter::child_of_kind;

/// The main type a type names: `MixpanelAPI` → `MixpanelAPI`, `List<User>` → `List`,
/// `com.mixpanel.android.mpmetrics.MixpanelAPI` → `MixpanelAPI`, `int` → none.
pub(super) fn type_name(text: &str) -> Option<String> {
    let text = text.trim();
    let base = text.split('<').next().unwrap_or(text).trim();
    let last = base.rsplit('.').next().unwrap_or(base);
    let simple = !last.is_empty() && last.chars().all(|c| c.is_alphanumeric() || c == '_');
    (simple && last.starts_with(|c: char| c.is_uppercase()) && last != "var")
        .then(|| last.to_owned())
}

/// `MixpanelAPI`, the SDK's tracker type.
pub(super) fn is_tracker_type(name: &str) -> bool {
    SdkId::Android.sdk().tracker_types.contains(&name)
}

/// The words of a declaration's modifiers (`private`, `static`, `@Override`).
pub(super) fn is_private(lowerer: &Lowerer, node: Node) -> bool {
    child_of_kind(node, "modifiers")
        .is_some_and(|m| lowerer.text(m).split_whitespace().any(|w| w == "private"))
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
