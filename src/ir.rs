//! The language-neutral intermediate representation.
//!
//! Every frontend lowers one source file into a [`Module`]; nothing after the frontends knows
//! which language a function was written in. Bodies stay *structured* (sequences, alternatives,
//! loops, early exits) because the path analysis composes summaries over that structure instead
//! of enumerating paths.

use serde::{Deserialize, Serialize};

/// Index of a source file in the [`crate::source::SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    Rust,
    JavaScript,
    TypeScript,
    Python,
    Swift,
    ObjectiveC,
    Kotlin,
    Java,
}

/// One lowered source file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Module {
    pub file: FileId,
    pub language: Language,
    /// Canonical module path, e.g. `["crate", "tracking"]`.
    pub path: Vec<String>,
    pub imports: Vec<Import>,
    pub functions: Vec<Function>,
    /// `(type, supertype)` by name: a method not found on a type is looked up on its supertypes
    /// (Python base classes, JavaScript `extends`, Rust traits with default methods).
    pub supertypes: Vec<(String, String)>,
    /// Module-level names bound to an SDK tracker (`export const client = Mixpanel.init(..)`):
    /// a call through one of them from another module is an SDK call.
    pub trackers: Vec<String>,
}

impl Module {
    /// A module with nothing in it: what a file that could not be lowered contributes.
    pub fn empty(file: FileId, language: Language, path: Vec<String>) -> Module {
        Module {
            file,
            language,
            path,
            imports: Vec::new(),
            functions: Vec::new(),
            supertypes: Vec::new(),
            trackers: Vec::new(),
        }
    }
}

/// `use a::b::c as d;` seen in module `scope` binds local name `d` to path `a::b::c`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Import {
    pub scope: Vec<String>,
    pub local: String,
    pub path: Vec<String>,
    /// `use a::b::*;` — `path` is the module whose items are all visible.
    pub glob: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FunctionKind {
    Free,
    Method,
    Closure,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    /// Fully qualified path: module path, then the owning type for methods, then the name.
    pub path: Vec<String>,
    /// `impl Owner` / `trait Owner` for methods.
    pub owner: Option<String>,
    pub kind: FunctionKind,
    /// Parameter names in order; a method's receiver is the parameter `self`.
    pub params: Vec<String>,
    /// Per parameter, the value it takes when a call omits it, when the declaration gives one
    /// the analysis can name without running the function: a literal (`id = 'guest'`) or a
    /// module-level name (`uid=ANON_ID`). Shorter than `params` (often empty) when the last
    /// ones have none.
    pub defaults: Vec<Option<Value>>,
    /// For a closure, the function it is written in (by index in [`Module::functions`]): it
    /// sees that function's receiver.
    pub parent: Option<u32>,
    /// Public or otherwise reachable from outside the analysed code (route handler, `main`).
    pub exported: bool,
    /// The framework runs this function again and again for the same user (a listener on the
    /// current user's changes, per-request middleware, an effect without dependencies, a
    /// screen's `viewDidAppear`): why, in words, for the diagnostic.
    pub repeats: Option<String>,
    pub span: Span,
    pub body: Block,
}

pub type Block = Vec<Stmt>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Stmt {
    Event(Event),
    Call(Call),
    /// `name` now denotes `value` (a `let`, an assignment to a local, a pattern binding).
    Let {
        name: String,
        value: Value,
    },
    /// `value` is written somewhere that outlives the call (a field, a session, a database).
    Persist {
        value: Value,
        span: Span,
        /// The place written, when it is a path (`this.userId`, `self.anon_id`, `user.email`);
        /// `None` for a store reached through a call or a computed place.
        target: Option<Value>,
    },
    /// Exactly one of the blocks runs (`if`/`else`, `match` arms, `?`).
    Branch(Vec<Block>),
    /// The arm this starts runs only when `value` is truthy (`holds`) or falsy: `if (isNew)`,
    /// `if (!this.ready) return`, `if user is None`. Conditions the frontend cannot name as a
    /// value (comparisons with other values, calls) are not written.
    Guard {
        value: Value,
        holds: bool,
    },
    /// The body runs zero or more times; `bindings` are fresh on every iteration
    /// (the pattern of `for x in xs`), so ids derived from them belong to a different user each time.
    Loop {
        bindings: Vec<String>,
        body: Block,
    },
    Break,
    Continue,
    /// Leaves the function (`return`, `?` on error, `throw`, `raise`, `panic!`).
    Return {
        value: Option<Value>,
        span: Span,
        /// An error exit (`?`, `panic!`, `throw`): the call before it may not have happened.
        error: bool,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Call {
    pub callee: Callee,
    /// Arguments, without the receiver of a method call.
    pub args: Vec<Value>,
    /// The local name the result is bound to (frontends give every call result a name).
    pub result: Option<String>,
    pub span: Span,
    /// When the call resolves to no project function, it is this SDK call instead
    /// (a receiver recognised only by its name, such as `analytics.alias(..)`).
    pub sdk_fallback: Option<Box<Event>>,
    /// The keyword of each argument passed by name (`f(x, uid=y)`: `[None, Some("uid")]`);
    /// empty when none is. The analysis gives such an argument to the parameter of that name.
    pub keywords: Vec<Option<String>>,
    /// An argument is spread (`f(...ids)`, `f(*args, **options)`): how many arguments the
    /// callee receives is not known, so none of its parameters is known to take its default.
    pub spread: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Callee {
    /// `a::b::f(..)`, as written.
    Path(Vec<String>),
    /// `receiver.name(..)`; `receiver_type` when the frontend knows it.
    Method {
        receiver: Value,
        name: String,
        receiver_type: Option<String>,
    },
    /// A closure of the same module, by index in [`Module::functions`].
    Local(u32),
}

/// What the analysis may know about a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Value {
    Str(String),
    /// A number literal as written, with its sign (`0`, `-1`, `42`): an id as fixed as a string.
    Num(String),
    Bool(bool),
    Null,
    /// Freshly generated on every execution (`Uuid::new_v4()`); `origin` names the source.
    Fresh {
        origin: String,
        span: Span,
    },
    /// The SDK's own current distinct id (`get_distinct_id()`).
    CurrentId,
    /// An object literal or a dict, with the keys it is written with: a whole object where an
    /// id is expected.
    Object(Vec<String>),
    /// A local name, parameter or constant and a field path below it: `user.email`.
    Path {
        root: String,
        fields: Vec<String>,
    },
    Unknown,
}

impl Value {
    /// `value.name`: a field of a path; a fresh value stays fresh through its fields
    /// (`Uuid::new_v4().hyphenated`); anything else, or an unknown field name, is unknown.
    pub fn field(self, name: Option<String>) -> Value {
        match (self, name) {
            (Value::Path { root, mut fields }, Some(name)) => {
                fields.push(name);
                Value::Path { root, fields }
            }
            (fresh @ Value::Fresh { .. }, _) => fresh,
            _ => Value::Unknown,
        }
    }

    /// A literal written in the code: the same value wherever and whenever it is read.
    pub fn is_literal(&self) -> bool {
        matches!(
            self,
            Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::Null
        )
    }

    /// A literal every test finds false (`null`, `false`, `""`, `0`): what code writes for a
    /// value not given yet, and tests before it uses the value.
    pub fn is_falsy_literal(&self) -> bool {
        match self {
            Value::Null | Value::Bool(false) => true,
            Value::Str(text) => text.is_empty(),
            Value::Num(number) => number.parse::<f64>().is_ok_and(|n| n == 0.0),
            _ => false,
        }
    }

    pub fn local(name: impl Into<String>) -> Value {
        Value::Path {
            root: name.into(),
            fields: Vec::new(),
        }
    }
}

/// Which side of the identity model an SDK implements (DOMAIN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// One user per device: the SDK keeps the distinct id.
    Client,
    /// Many users per process: every call names its distinct id.
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    Init,
    Alias,
    Identify,
    Reset,
    Track,
    People,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Init => "init",
            EventKind::Alias => "alias",
            EventKind::Identify => "identify",
            EventKind::Reset => "reset",
            EventKind::Track => "track",
            EventKind::People => "people",
        }
    }
}

/// A call into an analytics SDK, normalised across SDKs' argument orders.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub side: Side,
    /// The distinct id the call concerns: alias's *new* id, identify's id, track's distinct id.
    pub id: Option<Value>,
    /// alias's original (current) id, when given.
    pub original: Option<Value>,
    /// The SDK method as written, for messages (`alias`, `people.set`).
    pub method: String,
    pub span: Span,
    /// The options object when it is visible in full (an object literal without spread): the
    /// configuration of `init`, the properties of `track`. `None` when not known.
    pub options: Option<Vec<(String, Value)>>,
    /// The keys the properties are seen to have, in full or not (`{ ...base, $device_id }`, a
    /// variable filled before the call): enough to tell a key is there, never that one is not.
    pub property_keys: Vec<String>,
}

impl Module {
    /// Visits every statement of every function, depth first, in source order.
    pub fn for_each_stmt(&self, mut visit: impl FnMut(&Function, &Stmt)) {
        for function in &self.functions {
            walk_block(&function.body, &mut |stmt| visit(function, stmt));
        }
    }
}

/// Calls `visit` on every statement of `block` and of its nested blocks.
pub fn walk_block<'b>(block: &'b [Stmt], visit: &mut impl FnMut(&'b Stmt)) {
    let mut stack: Vec<&Stmt> = block.iter().rev().collect();
    while let Some(stmt) = stack.pop() {
        visit(stmt);
        match stmt {
            Stmt::Branch(arms) => {
                for arm in arms.iter().rev() {
                    stack.extend(arm.iter().rev());
                }
            }
            Stmt::Loop { body, .. } => stack.extend(body.iter().rev()),
            _ => {}
        }
    }
}
