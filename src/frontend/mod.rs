//! Frontends: the only modules that know a language's syntax.
//!
//! Each frontend turns one file into an [`ir::Module`] and drops its syntax tree. Lowering never
//! fails: a file that does not parse yields what could be lowered plus [`SyntaxError`]s.

pub mod calls;
pub mod java;
pub mod javascript;
pub mod kotlin;
pub mod objc;
pub mod project;
pub mod python;
pub mod rust;
pub mod scope;
pub mod swift;
mod treesitter;

use rustc_hash::FxHashSet as HashSet;
use std::path::Path;

pub use project::{FileContext, ProjectIndex};

use crate::config::TrackingApi;

use crate::ir::{self, Block, Callee, FileId, Function, FunctionKind, Language, Span, Stmt, Value};

/// A problem that stopped (part of) a file from being lowered.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    /// The parser recovered: the rest of the file was still lowered.
    pub recovered: bool,
    /// When it recovered and knows them: every region it could not lower (empty: unknown).
    pub unread: Vec<Span>,
}

#[derive(Debug)]
pub struct Lowered {
    pub module: ir::Module,
    pub errors: Vec<SyntaxError>,
}

/// What frontends are told about the project, beside the file itself.
#[derive(Debug, Clone)]
pub struct Options {
    /// Names that mark a receiver as an analytics tracker (`mp.alias(..)`, `self.analytics.track(..)`).
    pub tracker_names: Vec<String>,
    /// In-house tracking clients' methods, declared in the configuration.
    pub tracking_apis: Vec<TrackingApi>,
    /// Deeper bracket nesting than this is reported instead of parsed: parsers recurse.
    pub max_nesting: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tracker_names: ["mixpanel", "mp", "tracker", "analytics"]
                .map(String::from)
                .to_vec(),
            tracking_apis: Vec::new(),
            max_nesting: 256,
        }
    }
}

impl Options {
    /// The options for files under `config`: its tracker names and tracking APIs added.
    pub fn with_config(config: &crate::config::Config) -> Options {
        let mut options = Options::default();
        options
            .tracker_names
            .extend(config.tracker_names.iter().cloned());
        options.tracking_apis = config.tracking_apis.clone();
        options
    }

    /// The names whose mention makes a file matter to identity analysis: the tracker names and
    /// the declared APIs' receivers and methods.
    pub fn tracking_names(&self) -> impl Iterator<Item = &str> {
        let apis = self
            .tracking_apis
            .iter()
            .flat_map(|api| [api.receiver.as_str(), api.method.as_str()]);
        self.tracker_names.iter().map(String::as_str).chain(apis)
    }

    /// The declared tracking API that `method` is on a receiver going by one of `names` (its
    /// variable or field name, its type).
    pub fn declared_api(&self, names: &[Option<String>], method: &str) -> Option<&TrackingApi> {
        self.tracking_apis
            .iter()
            .find(|api| api.method == method && names.iter().flatten().any(|n| *n == api.receiver))
    }
}

pub fn language_of(path: &Path) -> Option<Language> {
    match path.extension()?.to_str()? {
        "rs" => Some(Language::Rust),
        "py" => Some(Language::Python),
        "swift" => Some(Language::Swift),
        // Headers declare classes and categories (a `.h` of C or C++ is left out when it is
        // read: `objc::is_objc_header`); Objective-C++ is read as Objective-C, its C++ parts
        // are what the grammar cannot read.
        "m" | "mm" | "h" => Some(Language::ObjectiveC),
        "kt" | "kts" => Some(Language::Kotlin),
        "java" => Some(Language::Java),
        // Vue single-file components: their `<script>` blocks (TypeScript when they say so).
        "js" | "mjs" | "cjs" | "jsx" | "vue" => Some(Language::JavaScript),
        "ts" | "mts" | "cts" | "tsx" => {
            // Declaration files describe types only.
            let name = path.file_name()?.to_str()?;
            (!name.ends_with(".d.ts") && !name.ends_with(".d.mts") && !name.ends_with(".d.cts"))
                .then_some(Language::TypeScript)
        }
        _ => None,
    }
}

/// Languages people track analytics in that idlint does not read yet, by file extension: a
/// tree of only these is reported as such, never as "no problems".
pub fn unsupported_language_of(path: &Path) -> Option<&'static str> {
    Some(match path.extension()?.to_str()? {
        "rb" => "Ruby",
        "go" => "Go",
        "php" => "PHP",
        "cs" => "C#",
        "dart" => "Dart",
        "ex" | "exs" => "Elixir",
        "scala" => "Scala",
        "svelte" => "Svelte components (.svelte)",
        _ => return None,
    })
}

/// Lowers one file; `context` carries project facts the file cannot show (its module path).
pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    match context.language {
        Language::Rust => rust::lower(file, text, context, options),
        Language::JavaScript | Language::TypeScript => {
            javascript::lower(file, text, context, options)
        }
        Language::Python => python::lower(file, text, context, options),
        Language::Swift => swift::lower(file, text, context, options),
        Language::ObjectiveC => objc::lower(file, text, context, options),
        Language::Kotlin => kotlin::lower(file, text, context, options),
        Language::Java => java::lower(file, text, context, options),
    }
}

/// A file nested deeper than the frontends lower (they recurse once per level), as an error.
pub fn too_deep(file: FileId, text: &str, options: &Options) -> Option<SyntaxError> {
    // The bound costs a third of the exact scan; only a file it cannot clear is scanned exactly.
    if bracket_depth_bound(text) <= options.max_nesting {
        return None;
    }
    let depth = max_bracket_depth(text);
    (depth > options.max_nesting).then(|| SyntaxError {
        span: Span {
            file,
            start: 0,
            end: 0,
        },
        message: format!(
            "brackets nest {depth} deep, more than the {} idlint parses; the file was not analysed",
            options.max_nesting
        ),
        recovered: false,
        unread: Vec::new(),
    })
}

/// How a byte changes the bracket depth. A table instead of a `match`: no branch per byte.
const BRACKET_STEP: [i8; 256] = {
    let mut step = [0i8; 256];
    step[b'(' as usize] = 1;
    step[b'[' as usize] = 1;
    step[b'{' as usize] = 1;
    step[b')' as usize] = -1;
    step[b']' as usize] = -1;
    step[b'}' as usize] = -1;
    step
};

/// The deepest bracket nesting in `text` (a closing bracket with none open is ignored).
/// Brackets in strings and comments count too: an over-estimate only makes us refuse a file a
/// little earlier.
pub fn max_bracket_depth(text: &str) -> usize {
    let mut depth = 0isize;
    let mut max = 0isize;
    for byte in text.bytes() {
        depth = (depth + isize::from(BRACKET_STEP[usize::from(byte)])).max(0);
        max = max.max(depth);
    }
    max as usize
}

/// An upper bound of [`max_bracket_depth`] from counts of opening and closing brackets per
/// 64-byte block: counting compiles to vector instructions, where the exact scan is one chain
/// of dependent steps. Inside a block the depth is at most the depth before it plus the
/// block's opening brackets, measured from the lowest the running sum may have been.
pub fn bracket_depth_bound(text: &str) -> usize {
    let bytes = text.as_bytes();
    let blocks = bytes.chunks_exact(64);
    let rest = blocks.remainder();
    let mut sum = 0i64;
    let mut lowest = 0i64;
    let mut bound = 0i64;
    let mut add_block = |block: &[u8]| {
        let (opening, closing) = bracket_counts(block);
        lowest = lowest.min(sum - closing);
        bound = bound.max(sum + opening - lowest);
        sum += opening - closing;
    };
    for block in blocks {
        add_block(block);
    }
    add_block(rest);
    bound as usize
}

/// The opening and the closing brackets in a block of at most 255 bytes.
fn bracket_counts(block: &[u8]) -> (i64, i64) {
    let mut opening = 0u8;
    let mut closing = 0u8;
    for &byte in block {
        opening += u8::from(byte == b'(') + u8::from(byte == b'[') + u8::from(byte == b'{');
        closing += u8::from(byte == b')') + u8::from(byte == b']') + u8::from(byte == b'}');
    }
    (i64::from(opening), i64::from(closing))
}

/// Names a closure body uses but does not bind, and that the enclosing function binds: its
/// captures. Frontends pass them as trailing arguments, so ids flow in as arguments do.
pub fn captured_names(body: &Block, bound: &HashSet<String>) -> Vec<String> {
    // Names bound by the body as it is walked, besides `bound`: a use after them is no capture.
    let mut bound_here: HashSet<&str> = HashSet::default();
    let mut free: Vec<String> = Vec::new();
    let note = |value: &Value, bound_here: &HashSet<&str>, free: &mut Vec<String>| {
        if let Value::Path { root, .. } = value
            && !root.starts_with('$')
            && !bound.contains(root)
            && !bound_here.contains(root.as_str())
            && !free.contains(root)
        {
            free.push(root.clone());
        }
    };
    ir::walk_block(body, &mut |stmt| match stmt {
        Stmt::Let { name, value } => {
            note(value, &bound_here, &mut free);
            bound_here.insert(name);
        }
        Stmt::Event(e) => {
            for v in e.id.iter().chain(e.original.iter()) {
                note(v, &bound_here, &mut free);
            }
        }
        Stmt::Call(c) => {
            if let Callee::Method { receiver, .. } = &c.callee {
                note(receiver, &bound_here, &mut free);
            }
            for v in &c.args {
                note(v, &bound_here, &mut free);
            }
            if let Some(event) = &c.sdk_fallback {
                for v in event.id.iter().chain(event.original.iter()) {
                    note(v, &bound_here, &mut free);
                }
            }
        }
        Stmt::Persist { value, .. }
        | Stmt::Return {
            value: Some(value), ..
        } => note(value, &bound_here, &mut free),
        Stmt::Loop { bindings, .. } => bound_here.extend(bindings.iter().map(String::as_str)),
        _ => {}
    });
    free
}

/// A body's value becomes what the function returns (a tail expression, a concise arrow body, a
/// lambda): nothing to return when the value is unknown.
pub fn return_value(body: &mut Block, value: Value, span: Span) {
    if !matches!(value, Value::Unknown) {
        body.push(Stmt::Return {
            value: Some(value),
            span,
            error: false,
        });
    }
}

/// `try { block } finally { finally }` (JavaScript, Python): the `finally` block also runs on
/// the way out through every `return` or `throw` in `block`, and every `break` or `continue`
/// that leaves it, so a copy of it goes before each of those, and one after `block` for the
/// paths that complete it. (Left after `block` alone, it would be dead code behind a `return`.)
pub fn with_finally(mut block: Block, finally: Block) -> Block {
    if !finally.is_empty() {
        run_before_exits(&mut block, &finally, false);
    }
    block.extend(finally);
    block
}

fn run_before_exits(block: &mut Block, finally: &Block, in_loop: bool) {
    let mut out = Vec::with_capacity(block.len());
    for mut stmt in std::mem::take(block) {
        match &mut stmt {
            Stmt::Return { .. } => out.extend(finally.iter().cloned()),
            // A loop inside the `try` catches its own `break` and `continue`.
            Stmt::Break | Stmt::Continue if !in_loop => out.extend(finally.iter().cloned()),
            Stmt::Branch(arms) => {
                for arm in arms {
                    run_before_exits(arm, finally, in_loop);
                }
            }
            Stmt::Loop { body, .. } => run_before_exits(body, finally, true),
            _ => {}
        }
        out.push(stmt);
    }
    *block = out;
}

/// A C-style `switch` (JavaScript, Objective-C, Java) from its cases' bodies in order: one
/// pass through a loop body, so `break` inside a case leaves the switch; a case that does not
/// end in a jump falls through into the next one; when `may_match_none`, no case may match.
pub fn switch_with_fall_through(bodies: Vec<Block>, may_match_none: bool) -> Stmt {
    let mut arms: Vec<Block> = Vec::with_capacity(bodies.len() + 1);
    let mut run: Vec<Block> = Vec::new();
    for body in bodies {
        let jumps = matches!(
            body.last(),
            Some(Stmt::Break | Stmt::Continue | Stmt::Return { .. })
        );
        run.push(body);
        if jumps {
            arms.extend(fall_through(&std::mem::take(&mut run)));
        }
    }
    arms.extend(fall_through(&run));
    if may_match_none {
        arms.push(Vec::new());
    }
    Stmt::Loop {
        bindings: Vec::new(),
        body: vec![Stmt::Branch(arms), Stmt::Break],
    }
}

/// Falling through more `case`s than this, each entry is no longer spelt out on its own.
const SPELT_OUT_FALL_THROUGH: usize = 16;

/// The arms of a `switch` for a run of cases that fall through into one another (all but the
/// last end without a jump): entering at a case runs its body and every one after it.
///
/// A short run gets one arm per entry, each a copy of the rest of the run. A long one would
/// make that quadratic (a generated `switch` of 100,000 cases), so it gets a single arm that
/// halves the run: either it is entered in the first half, which runs to the half's end and
/// then through the whole second half, or in the second half. Same paths, `O(n log n)`
/// statements, nesting `log n` deep.
fn fall_through(run: &[Block]) -> Vec<Block> {
    if run.len() <= SPELT_OUT_FALL_THROUGH {
        return (0..run.len()).map(|entry| run[entry..].concat()).collect();
    }
    let (first, second) = run.split_at(run.len() / 2);
    let mut entered_first = vec![Stmt::Branch(fall_through(first))];
    entered_first.extend(second.iter().flatten().cloned());
    let entered_second = vec![Stmt::Branch(fall_through(second))];
    vec![vec![Stmt::Branch(vec![entered_first, entered_second])]]
}

/// What a closure's completion needs to know about where it is defined.
pub struct ClosureSite<'a> {
    /// Names bound in the enclosing function: those the closure uses are its captures.
    pub outer_locals: &'a HashSet<String>,
    /// Names the closure binds itself.
    pub own_locals: &'a HashSet<String>,
    /// How it is shown in call chains, e.g. `signup::{closure}`.
    pub name: String,
    pub module_path: &'a [String],
}

/// Stores a lowered function's parameters and body; a closure also gets its captures as
/// trailing parameters (passed by name at each call), its display name and its path.
pub fn finish_function(
    function: &mut Function,
    mut params: Vec<String>,
    body: Block,
    closure: Option<ClosureSite>,
) {
    if let Some(site) = closure {
        let mut captures: Vec<String> = captured_names(&body, site.own_locals)
            .into_iter()
            .filter(|name| site.outer_locals.contains(name))
            .collect();
        captures.sort();
        params.extend(captures);
        function.kind = FunctionKind::Closure;
        function.path = site
            .module_path
            .iter()
            .cloned()
            .chain(std::iter::once(site.name.clone()))
            .collect();
        function.name = site.name;
    }
    function.params = params;
    function.body = body;
}

/// The value of `left || right` / `left ?? right` (or of `left && right` when `and`): a
/// literal fallback (`user?.id ?? ''`) is what some paths send, so it wins; otherwise the
/// left side, which most paths keep.
pub fn fallback_value(and: bool, left: Value, right: Value) -> Value {
    match (and, &left, &right) {
        (false, _, Value::Str(_) | Value::Num(_) | Value::Null) => right,
        (false, Value::Path { .. } | Value::Fresh { .. }, _) => left,
        _ => Value::Unknown,
    }
}

/// What a test says about named values (variables, parameters, field paths: the values that
/// can be tested again elsewhere), each truthy (`true`) or falsy.
#[derive(Clone, Debug, Default)]
pub enum Condition {
    /// Nothing the analysis can use (`a < b`, a call).
    #[default]
    Unknown,
    /// Every one of these holds (`a && !b`; a single test is a conjunction of one).
    All(Vec<(Value, bool)>),
    /// One of these holds at least (`a || b`).
    Any(Vec<(Value, bool)>),
}

impl Condition {
    /// The test that `value` is truthy (`holds`) or falsy, when it is a named value.
    pub fn on(value: Value, holds: bool) -> Condition {
        match value {
            Value::Path { .. } => Condition::All(vec![(value, holds)]),
            _ => Condition::Unknown,
        }
    }

    /// `self && other` (`or` false) or `self || other` (`or` true). What one side of an `&&`
    /// says still holds of the whole when the other says nothing.
    pub fn join(self, other: Condition, or: bool) -> Condition {
        if or {
            match (self.any(), other.any()) {
                (Some(mut a), Some(b)) => {
                    a.extend(b);
                    Condition::Any(a)
                }
                _ => Condition::Unknown,
            }
        } else {
            match (self.all(), other.all()) {
                (Some(mut a), Some(b)) => {
                    a.extend(b);
                    Condition::All(a)
                }
                (Some(tests), None) | (None, Some(tests)) => Condition::All(tests),
                (None, None) => Condition::Unknown,
            }
        }
    }

    /// The tests as a conjunction, when they are one (a single test is both).
    fn all(self) -> Option<Vec<(Value, bool)>> {
        match self {
            Condition::All(tests) => Some(tests),
            Condition::Any(tests) if tests.len() == 1 => Some(tests),
            _ => None,
        }
    }

    /// The tests as a disjunction, when they are one.
    fn any(self) -> Option<Vec<(Value, bool)>> {
        match self {
            Condition::Any(tests) => Some(tests),
            Condition::All(tests) if tests.len() == 1 => Some(tests),
            _ => None,
        }
    }

    /// The named values each path into the arm knows: all of a conjunction, one test alone.
    pub fn known(self) -> Vec<(Value, bool)> {
        self.all().unwrap_or_default()
    }
}

/// `left == right` (`equal`) or `left != right` between two values the IR can name: a test of
/// the comparison, named by one value's path and the other's text (`mpId.==user.uid`), so the
/// same comparison tested twice is one condition. The SDK's current id is bound to a temporary
/// first, so the analysis sees which tests read it (such a test changes its outcome once the
/// code it guards aliases or identifies).
pub fn comparison<T>(
    left: Value,
    right: Value,
    equal: bool,
    scope: &mut scope::Scope<T>,
    out: &mut Block,
) -> Condition {
    let (subject, other) = match (&left, &right) {
        (Value::Path { .. } | Value::CurrentId, _) => (left, right),
        _ => (right, left),
    };
    let Some(text) = value_text(&other) else {
        return Condition::Unknown;
    };
    match named(subject, scope, out) {
        Some(subject) => Condition::on(subject.field(Some(format!("=={text}"))), equal),
        None => Condition::Unknown,
    }
}

/// `left && right` (`or` false) or `left || right`: the calls of the right side (`tested`) run
/// only when the left side lets them, on a branch of their own; what the whole says.
pub fn short_circuit(
    left: Condition,
    tested: Block,
    right: Condition,
    or: bool,
    out: &mut Block,
) -> Condition {
    if !tested.is_empty() {
        let mut tested = tested;
        let mut skipped = Vec::new();
        let left_lets_it = if or { !left.clone() } else { left.clone() };
        guard_arms(left_lets_it, &mut tested, &mut skipped);
        out.push(Stmt::Branch(vec![tested, skipped]));
    }
    left.join(right, or)
}

/// `left == right` (`equal`) or `left != right` as the tree-sitter frontends read it: against
/// `nil`/`null` or a boolean, what it says of the other side's truthiness (`user == nil`:
/// `user` is falsy, `flag != true`); between two other values, a named [`comparison`].
pub fn equality<T>(
    left: Value,
    right: Value,
    equal: bool,
    scope: &mut scope::Scope<T>,
    out: &mut Block,
) -> Condition {
    let truthiness = |value: &Value| match value {
        Value::Null => Some(false),
        Value::Bool(b) => Some(*b),
        _ => None,
    };
    match (truthiness(&left), truthiness(&right)) {
        (_, Some(literal)) => Condition::on(left, literal == equal),
        (Some(literal), None) => Condition::on(right, literal == equal),
        (None, None) => comparison(left, right, equal, scope, out),
    }
}

/// A test made by a method of a named value (`currentId.startsWith('device_')`): named by the
/// value's path and the call's text, as [`comparison`] names a comparison.
pub fn method_test<T>(
    receiver: Value,
    method: &str,
    args: &[Value],
    scope: &mut scope::Scope<T>,
    out: &mut Block,
) -> Condition {
    let Some(args) = args.iter().map(value_text).collect::<Option<Vec<String>>>() else {
        return Condition::Unknown;
    };
    match named(receiver, scope, out) {
        Some(receiver) => Condition::on(
            receiver.field(Some(format!("{method}({})", args.join(", ")))),
            true,
        ),
        None => Condition::Unknown,
    }
}

/// A value as a path a guard can name: itself, or the SDK's current id bound to a temporary.
fn named<T>(value: Value, scope: &mut scope::Scope<T>, out: &mut Block) -> Option<Value> {
    match value {
        Value::Path { .. } => Some(value),
        Value::CurrentId => {
            let temp = scope.temp();
            out.push(Stmt::Let {
                name: temp.clone(),
                value: Value::CurrentId,
            });
            Some(Value::local(temp))
        }
        _ => None,
    }
}

/// The text of a value that names the same thing wherever it is written; `None` for values
/// that may differ between two places (a call's result, a fresh id).
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Path { root, fields } if !root.starts_with('$') => Some(
            std::iter::once(root)
                .chain(fields)
                .cloned()
                .collect::<Vec<_>>()
                .join("."),
        ),
        Value::Str(s) => Some(format!("{s:?}")),
        Value::Num(n) => Some(n.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".to_owned()),
        Value::CurrentId => Some("$current".to_owned()),
        _ => None,
    }
}

impl std::ops::Not for Condition {
    type Output = Condition;

    fn not(self) -> Condition {
        let negate = |tests: Vec<(Value, bool)>| tests.into_iter().map(|(v, h)| (v, !h)).collect();
        match self {
            Condition::Unknown => Condition::Unknown,
            Condition::All(tests) => Condition::Any(negate(tests)),
            Condition::Any(tests) => Condition::All(negate(tests)),
        }
    }
}

/// Starts the two arms of a test with its guards: `then` runs when the condition holds,
/// `otherwise` when it does not.
pub fn guard_arms(condition: Condition, then: &mut Block, otherwise: &mut Block) {
    let guards = |tests: Vec<(Value, bool)>| {
        tests
            .into_iter()
            .map(|(value, holds)| Stmt::Guard { value, holds })
    };
    otherwise.splice(0..0, guards((!condition.clone()).known()));
    then.splice(0..0, guards(condition.known()));
}

/// One member of a type as a file declares it: its type's name, its name, its declared type,
/// whether it holds the SDK's tracker.
pub struct DeclaredMember<'a> {
    pub owner: &'a str,
    pub name: &'a str,
    pub declared: Option<&'a str>,
    pub tracker: bool,
}

/// Writes the members a file declares where the call graph reads them across files (the
/// tree-sitter languages call a type's members from any file): a member holding the SDK's
/// tracker as the member path `Type.member` among the module's trackers, any other typed
/// member as `(Type.member, declared type)` among its supertypes, where a call on the member
/// looks its method up. Sorted, so the module does not depend on hash order.
pub fn declare_members<'a>(
    members: impl IntoIterator<Item = DeclaredMember<'a>>,
    supertypes: &mut Vec<(String, String)>,
    trackers: &mut Vec<String>,
) {
    let mut typed = Vec::new();
    let mut tracking = Vec::new();
    for member in members {
        let path = format!("{}.{}", member.owner, member.name);
        match (member.tracker, member.declared) {
            (true, _) => tracking.push(path),
            (false, Some(declared)) => typed.push((path, declared.to_owned())),
            (false, None) => {}
        }
    }
    typed.sort();
    typed.dedup();
    tracking.sort();
    tracking.dedup();
    supertypes.extend(typed);
    trackers.extend(tracking);
}

/// The value of a choice between two blocks that each make a value (`a if c else b`,
/// `x || uuid()`): a temporary bound on each path, so the analyses follow each value on its
/// own path; nothing to follow when neither says anything.
pub fn branch_value<T>(
    mut then: Block,
    a: Value,
    mut otherwise: Block,
    b: Value,
    scope: &mut scope::Scope<T>,
    out: &mut Block,
) -> Value {
    if a == Value::Unknown && b == Value::Unknown {
        out.push(Stmt::Branch(vec![then, otherwise]));
        return Value::Unknown;
    }
    let temp = scope.temp();
    then.push(Stmt::Let {
        name: temp.clone(),
        value: a,
    });
    otherwise.push(Stmt::Let {
        name: temp.clone(),
        value: b,
    });
    out.push(Stmt::Branch(vec![then, otherwise]));
    Value::local(temp)
}

/// The value of `left + right` as far as ids go: `"anon-" + id` is still `id`.
pub fn concatenation(left: Value, right: Value) -> Value {
    match (&left, &right) {
        (Value::Fresh { .. }, _) | (Value::Path { .. }, Value::Str(_)) => left,
        (Value::Str(_), Value::Fresh { .. } | Value::Path { .. }) => right,
        _ => Value::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound never under-estimates the exact depth, on random bracket soups of every
    /// length around the block size, and is exact when there is nothing but opening brackets.
    #[test]
    fn the_depth_bound_is_an_upper_bound() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"()[]{}x \"";
        for _ in 0..2_000 {
            let length = (next() % 300) as usize;
            let text: String = (0..length)
                .map(|_| char::from(alphabet[(next() % alphabet.len() as u64) as usize]))
                .collect();
            assert!(
                bracket_depth_bound(&text) >= max_bracket_depth(&text),
                "{text:?}"
            );
        }
        let deep = "(".repeat(1000);
        assert_eq!(bracket_depth_bound(&deep), 1000);
        assert_eq!(max_bracket_depth(&deep), 1000);
    }
}
