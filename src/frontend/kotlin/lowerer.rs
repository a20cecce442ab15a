//! The state of one file's lowering, and what every part of the lowerer asks of the syntax
//! tree: spans, text, children, type names.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use tree_sitter::Node;

use crate::frontend::Options;
use crate::ir::{FileId, Function, Span};
use crate::sdk::SdkId;

pub(super) type Scope = crate::frontend::scope::Scope;

/// What this file declares of a type (a class, object, interface; its companion object and
/// extension functions count as its own): its properties' types, which of them hold a
/// tracker, its methods and what they return.
#[derive(Default, Clone, Debug)]
pub(super) struct TypeInfo {
    pub properties: HashMap<String, String>,
    pub trackers: HashSet<String>,
    /// Every property name, typed or not: a bare name in a method may be one of them.
    pub names: HashSet<String>,
    pub methods: HashSet<String>,
    /// The type each method returns, when it names one (`fun mixpanel(): MixpanelAPI`).
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
    /// The class each class of this file extends (`: BaseActivity()`).
    pub superclasses: HashMap<String, String>,
    /// Top-level functions of this file.
    pub free_functions: HashSet<String>,
    /// The locals of the functions enclosing the lambda being lowered, innermost last: they
    /// shadow properties of the same name.
    pub enclosing: Vec<HashSet<String>>,
    /// What every function starts from: top-level trackers and typed properties.
    pub file_scope: Scope,
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

    /// The superclass of the type being lowered (the class its declaration in this file
    /// calls the constructor of, else the first type it lists), or `Any`, which no project
    /// declares.
    pub fn superclass(&self, scope: &Scope) -> String {
        let own = scope.self_type.as_deref();
        own.and_then(|own| self.superclasses.get(own).cloned())
            .or_else(|| {
                own.and_then(|own| self.supertypes.iter().find(|(class, _)| class == own))
                    .map(|(_, base)| base.clone())
            })
            .unwrap_or_else(|| "Any".to_owned())
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

    pub fn has_method(&self, owner: Option<&str>, name: &str) -> bool {
        owner
            .and_then(|o| self.types.get(o))
            .is_some_and(|t| t.methods.contains(name))
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

/// Whether the node has an unnamed child token `token` (`else`, `?.`, `val`).
pub(super) fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == token)
}

/// The main type a type names: `MixpanelAPI?` → `MixpanelAPI`, `List<User>` → `List`,
/// `com.mixpanel.android.mpmetrics.MixpanelAPI` → `MixpanelAPI`, `(String) -> Unit` → none.
pub(super) fn type_name(text: &str) -> Option<String> {
    let text = text
        .trim()
        .trim_start_matches(':')
        .trim()
        .trim_end_matches(['?', '!']);
    let base = text.split('<').next().unwrap_or(text).trim();
    let last = base.rsplit('.').next().unwrap_or(base);
    let simple = !last.is_empty() && last.chars().all(|c| c.is_alphanumeric() || c == '_');
    (simple && last.starts_with(|c: char| c.is_uppercase())).then(|| last.to_owned())
}

/// `MixpanelAPI`, the SDK's tracker type.
pub(super) fn is_tracker_type(name: &str) -> bool {
    SdkId::Android.sdk().tracker_types.contains(&name)
}

/// The type of a declaration's annotation (`: MixpanelAPI`), when it has one.
pub(super) fn annotated_type(lowerer: &Lowerer, node: Node) -> Option<String> {
    children(node)
        .into_iter()
        .find(|c| is_type_node(c.kind()))
        .and_then(|t| type_name(lowerer.text(t)))
}

pub(super) fn is_type_node(kind: &str) -> bool {
    matches!(
        kind,
        "user_type" | "nullable_type" | "non_nullable_type" | "parenthesized_type"
    )
}

/// The modifiers' words of a declaration (`private`, `override`, `suspend`).
pub(super) fn modifiers<'a>(lowerer: &Lowerer<'a>, node: Node) -> Vec<&'a str> {
    child_of_kind(node, "modifiers")
        .map(|m| lowerer.text(m).split_whitespace().collect())
        .unwrap_or_default()
}

/// Whether a declaration is invisible outside its file or type.
pub(super) fn is_private(lowerer: &Lowerer, node: Node) -> bool {
    modifiers(lowerer, node).contains(&"private")
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
