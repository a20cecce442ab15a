//! The state of one file's lowering, and what every part of the lowerer asks of the syntax
//! tree: spans, source text, dotted names, string literals.

use ruff_python_ast::{Expr, FStringPart, InterpolatedStringElement};
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::frontend::Options;
use crate::ir::{FileId, Function, Import, Span};

pub(super) type Scope = crate::frontend::scope::Scope;

/// What a name imported or declared at module level is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Binding {
    /// `import mixpanel`: the SDK's module.
    SdkModule,
    /// `from mixpanel import Mixpanel`: the tracker class.
    SdkClass,
    /// A name for a dotted path outside the project (`from uuid import uuid4` → `uuid.uuid4`).
    External(String),
    /// A project module, a class, or a name imported from a project module.
    Project,
}

pub(super) struct Lowerer<'a> {
    pub file: FileId,
    pub source: &'a str,
    pub options: &'a Options,
    pub module_path: Vec<String>,
    /// The package relative imports start from.
    pub package: Vec<String>,
    pub imports: Vec<Import>,
    pub functions: Vec<Function>,
    pub bindings: FxHashMap<String, Binding>,
    /// What every function starts from: module-level trackers and instances.
    pub file_scope: Scope,
    pub supertypes: Vec<(String, String)>,
    pub classes: FxHashSet<String>,
    /// The names of the module's own functions (`def` at module level), known before any body
    /// is lowered.
    pub module_functions: FxHashSet<String>,
}

impl<'a> Lowerer<'a> {
    pub fn span(&self, node: &impl Ranged) -> Span {
        let range = node.range();
        Span {
            file: self.file,
            start: range.start().into(),
            end: range.end().into(),
        }
    }

    /// The source text of a node (a type annotation is read as written).
    pub fn text(&self, node: &impl Ranged) -> &'a str {
        self.source.get(node.range().to_std_range()).unwrap_or("")
    }

    /// A dotted name with its first segment expanded through imports: `uuid4` → `uuid.uuid4`.
    pub fn dotted(&self, expr: &Expr) -> Option<String> {
        match strip_await(expr) {
            Expr::Name(name) => Some(match self.bindings.get(name.id.as_str()) {
                Some(Binding::External(path)) => path.clone(),
                _ => name.id.to_string(),
            }),
            Expr::Attribute(attribute) => {
                let object = self.dotted(&attribute.value)?;
                Some(format!("{object}.{}", attribute.attr.as_str()))
            }
            _ => None,
        }
    }

    pub fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }
}

/// `await x` is `x` as far as names and receivers go (parentheses are not nodes in ruff's tree).
pub(super) fn strip_await(expr: &Expr) -> &Expr {
    match expr {
        Expr::Await(inner) => strip_await(&inner.value),
        _ => expr,
    }
}

/// The text of a string literal written as one piece: `"anon"`, `b"anon"`, `f"anon"` (an
/// f-string without replacement fields). Implicitly concatenated pieces are not one literal.
pub(super) fn string_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(string) => {
            (!string.value.is_implicit_concatenated()).then(|| string.value.to_str().to_owned())
        }
        Expr::BytesLiteral(bytes) => (bytes.value.as_slice().len() == 1).then(|| {
            String::from_utf8_lossy(&bytes.value.bytes().collect::<Vec<u8>>()).into_owned()
        }),
        Expr::FString(fstring) => match fstring.value.as_slice() {
            [FStringPart::FString(part)] => part
                .elements
                .iter()
                .map(|element| match element {
                    InterpolatedStringElement::Literal(literal) => Some(&*literal.value),
                    InterpolatedStringElement::Interpolation(_) => None,
                })
                .collect::<Option<String>>(),
            _ => None,
        },
        _ => None,
    }
}
