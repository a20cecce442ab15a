//! Links calls to the project functions they may reach, across files, and orders the functions
//! bottom-up by strongly connected components.
//!
//! Resolution is by name, as a reader would do it: `use` imports and module paths for free
//! functions, the receiver's type for methods when the frontend knows it, and otherwise every
//! project method of that name (an ambiguous call reaches all its candidates, which the analysis
//! treats as alternatives). A call that reaches no project function is external.

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::ir::{Call, Callee, Event, Function, Module, Stmt, Value, walk_block};

/// Index of a function in [`CallGraph::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnId(pub u32);

/// Where a function lives: `modules[module].functions[index]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FnRef {
    pub module: u32,
    pub index: u32,
}

/// What one call site reaches.
#[derive(Clone, Debug)]
pub enum Target {
    Project(Vec<FnId>),
    /// A call on a receiver named like a tracker that no project method answers: the SDK itself.
    Sdk(Box<Event>),
    External,
}

#[derive(Debug)]
pub struct CallGraph {
    pub functions: Vec<FnRef>,
    /// For each function, the targets of its calls in [`walk_block`] order.
    pub calls: Vec<Vec<Target>>,
    /// Strongly connected components, callees before callers.
    pub sccs: Vec<Vec<FnId>>,
    /// How many call sites reach each function.
    pub caller_count: Vec<u32>,
}

/// Most project methods one unqualified method call may stand for before we call it external.
const MAX_CANDIDATES: usize = 16;

/// Most paths one lookup follows through re-exports: a lookup costs a constant, whatever the
/// imports (documented limit; real re-export chains need a handful).
const MAX_REEXPORT_PATHS: usize = 64;

impl CallGraph {
    pub fn build(modules: &[Module]) -> CallGraph {
        let index = Index::new(modules);
        // Each function's calls are resolved on their own, in parallel.
        let calls: Vec<Vec<Target>> = (0..index.functions.len())
            .into_par_iter()
            .map(|id| {
                let fn_ref = index.functions[id];
                let function = &modules[fn_ref.module as usize].functions[fn_ref.index as usize];
                let mut targets = Vec::new();
                // Temporaries holding what a package's function returned (`db.collection(..)`):
                // a method called on one in the same chain (`.doc(id).set(..)`) is the package's.
                let mut package_results: HashSet<&str> = Default::default();
                walk_block(&function.body, &mut |stmt| {
                    if let Stmt::Call(call) = stmt {
                        let target = if on_package_result(call, &package_results) {
                            Target::External
                        } else {
                            index.resolve(modules, fn_ref, FnId(id as u32), function, call)
                        };
                        if let (Target::External, Some(result)) = (&target, &call.result) {
                            package_results.insert(result);
                        }
                        targets.push(target);
                    }
                });
                targets
            })
            .collect();
        let mut caller_count = vec![0u32; index.functions.len()];
        for target in calls.iter().flatten() {
            if let Target::Project(ids) = target {
                for callee in ids {
                    caller_count[callee.0 as usize] += 1;
                }
            }
        }
        let sccs = strongly_connected_components(&calls);
        CallGraph {
            functions: index.functions,
            calls,
            sccs,
            caller_count,
        }
    }

    pub fn function<'m>(&self, modules: &'m [Module], id: FnId) -> &'m Function {
        let r = self.functions[id.0 as usize];
        &modules[r.module as usize].functions[r.index as usize]
    }

    pub fn len(&self) -> usize {
        self.functions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }
}

struct Index {
    functions: Vec<FnRef>,
    /// First FnId of each module's functions.
    module_base: Vec<u32>,
    by_path: HashMap<Vec<String>, Vec<FnId>>,
    by_name: HashMap<String, Vec<FnId>>,
    methods: HashMap<String, Vec<FnId>>,
    methods_of: HashMap<(String, String), Vec<FnId>>,
    owners: HashMap<FnId, String>,
    paths: Vec<Vec<String>>,
    /// Module path → module index, to follow re-exports.
    modules: HashMap<Vec<String>, usize>,
    /// Per module, whether it is test code ([`is_test_module`]).
    test_module: Vec<bool>,
    /// Type name → its supertypes' names (base classes, implemented traits); a member path
    /// (`Session.tracker`) → the member's declared type.
    supertypes: HashMap<String, Vec<String>>,
    /// Type name → the types that name it as a supertype: a call on an interface or a
    /// protocol that has no method of that name reaches its implementations.
    subtypes: HashMap<String, Vec<String>>,
    /// Member paths (`AnalyticsService.mixpanel`) of members that hold the SDK's tracker.
    tracker_members: HashSet<String>,
    /// Absolute paths already looked up, with what they resolved to: the same path is written
    /// at many call sites (`Vec::new`, `Error::new`).
    resolved: std::sync::Mutex<HashMap<Vec<String>, Option<Vec<FnId>>>>,
}

impl Index {
    fn new(modules: &[Module]) -> Index {
        let mut index = Index {
            functions: Vec::new(),
            module_base: Vec::new(),
            by_path: HashMap::default(),
            by_name: HashMap::default(),
            methods: HashMap::default(),
            methods_of: HashMap::default(),
            owners: HashMap::default(),
            paths: Vec::new(),
            modules: HashMap::default(),
            test_module: modules.iter().map(|m| is_test_module(&m.path)).collect(),
            supertypes: HashMap::default(),
            subtypes: HashMap::default(),
            tracker_members: HashSet::default(),
            resolved: std::sync::Mutex::new(HashMap::default()),
        };
        for (m, module) in modules.iter().enumerate() {
            index.modules.insert(module.path.clone(), m);
            for (sub, sup) in &module.supertypes {
                index
                    .supertypes
                    .entry(sub.clone())
                    .or_default()
                    .push(sup.clone());
                if !is_member_path(sub) {
                    index
                        .subtypes
                        .entry(sup.clone())
                        .or_default()
                        .push(sub.clone());
                }
            }
            index.tracker_members.extend(
                module
                    .trackers
                    .iter()
                    .filter(|t| is_member_path(t))
                    .cloned(),
            );
            index.module_base.push(index.functions.len() as u32);
            for (i, function) in module.functions.iter().enumerate() {
                let id = FnId(index.functions.len() as u32);
                index.functions.push(FnRef {
                    module: m as u32,
                    index: i as u32,
                });
                index.paths.push(function.path.clone());
                if function.kind == crate::ir::FunctionKind::Closure {
                    continue;
                }
                index
                    .by_path
                    .entry(function.path.clone())
                    .or_default()
                    .push(id);
                index
                    .by_name
                    .entry(function.name.clone())
                    .or_default()
                    .push(id);
                if let Some(owner) = &function.owner {
                    index
                        .methods
                        .entry(function.name.clone())
                        .or_default()
                        .push(id);
                    index
                        .methods_of
                        .entry((owner.clone(), function.name.clone()))
                        .or_default()
                        .push(id);
                    index.owners.insert(id, owner.clone());
                }
            }
        }
        index
    }

    fn resolve(
        &self,
        modules: &[Module],
        at: FnRef,
        caller: FnId,
        function: &Function,
        call: &Call,
    ) -> Target {
        // A member declared in another file (`Session.tracker`): what its declared type says.
        if let Callee::Method {
            receiver,
            name,
            receiver_type: Some(path),
        } = &call.callee
            && is_member_path(path)
            && writes_member_paths(modules[at.module as usize].language)
        {
            let found = match self.member_type(path) {
                Member::Tracker => {
                    return match &call.sdk_fallback {
                        Some(event) => Target::Sdk(event.clone()),
                        None => Target::External,
                    };
                }
                Member::Type(owner) => self.method_of_type(&owner, name),
                Member::Unknown => self.resolve_method(receiver, name, None, false),
            };
            return self.project_target(at, found);
        }
        let found = match &call.callee {
            Callee::Local(i) => vec![FnId(self.module_base[at.module as usize] + i)],
            Callee::Path(segments) => {
                self.resolve_path(modules, at.module as usize, function, segments)
            }
            // `super.viewDidAppear(..)`: the superclass's method, never an override below it.
            Callee::Method {
                receiver,
                name,
                receiver_type: Some(owner),
            } if is_super_call(function, receiver, owner) => self.method_above(owner, name),
            Callee::Method {
                receiver,
                name,
                receiver_type,
            } => {
                let mut found = self.resolve_method(
                    receiver,
                    name,
                    receiver_type.as_deref(),
                    call.sdk_fallback.is_some(),
                );
                // `clearAll() { this.storage.clearAll() }`: a wrapper delegating to the method
                // of the same name of what it wraps, not recursion, unless the receiver is the
                // object itself.
                if receiver_type.is_none() && !is_self(receiver) {
                    found.retain(|id| *id != caller);
                }
                found
            }
        };
        // Mocks in test code must not answer the calls of the code under test.
        let mut found = found;
        if !self.test_module[at.module as usize] {
            found.retain(|id| !self.test_module[self.functions[id.0 as usize].module as usize]);
        }
        match (found.is_empty(), &call.sdk_fallback) {
            (false, _) => Target::Project(found),
            // `analytics.alias(..)`: a receiver named like a tracker is one, unless its name is
            // imported from outside the project (`import analytics`, Segment's package).
            (true, Some(event))
                if matches!(call.callee, Callee::Method { .. })
                    && !self.receiver_from_package(modules, at, function, &call.callee) =>
            {
                Target::Sdk(event.clone())
            }
            // `client.alias(..)` through an import: only if that module binds a tracker there.
            (true, Some(event)) if self.names_tracker(modules, at, function, &call.callee) => {
                Target::Sdk(event.clone())
            }
            (true, _) => Target::External,
        }
    }

    /// The functions found, as a target: none is an external call. Mocks in test code do not
    /// answer the calls of the code under test.
    fn project_target(&self, at: FnRef, mut found: Vec<FnId>) -> Target {
        if !self.test_module[at.module as usize] {
            found.retain(|id| !self.test_module[self.functions[id.0 as usize].module as usize]);
        }
        match found.is_empty() {
            true => Target::External,
            false => Target::Project(found),
        }
    }

    /// What a member path (`MainActivity.session.tracker`) holds: it starts at a type and
    /// follows each member's declared type, looking a member up on the type and then on its
    /// supertypes (an inherited field). Past a member that holds the SDK's tracker, the path is
    /// the tracker's (`mixpanel.people` is its people object).
    fn member_type(&self, path: &str) -> Member {
        let mut segments = path.split('.');
        let Some(mut current) = segments.next().map(str::to_owned) else {
            return Member::Unknown;
        };
        for member in segments {
            match self.declared_member(&current, member) {
                Some(Member::Type(declared)) => current = declared,
                Some(Member::Tracker) => return Member::Tracker,
                _ => return Member::Unknown,
            }
        }
        Member::Type(current)
    }

    /// What `member` of `owner` is declared to hold, on `owner` or its nearest supertype that
    /// declares it.
    fn declared_member(&self, owner: &str, member: &str) -> Option<Member> {
        let mut queue = std::collections::VecDeque::from([owner.to_owned()]);
        let mut seen = HashSet::default();
        while let Some(current) = queue.pop_front() {
            if !seen.insert(current.clone()) {
                continue;
            }
            let path = format!("{current}.{member}");
            if self.tracker_members.contains(&path) {
                return Some(Member::Tracker);
            }
            if let Some(declared) = self.supertypes.get(&path).and_then(|d| d.first()) {
                return Some(Member::Type(declared.clone()));
            }
            queue.extend(
                self.supertypes
                    .get(&current)
                    .into_iter()
                    .flatten()
                    .filter(|t| !is_member_path(t))
                    .cloned(),
            );
        }
        None
    }

    fn resolve_path(
        &self,
        modules: &[Module],
        at: usize,
        function: &Function,
        segments: &[String],
    ) -> Vec<FnId> {
        let module = &modules[at];
        let scope = scope_of(function);
        let expanded = expand_path(module, scope, segments);
        // Candidates are built one at a time: most calls resolve at the first.
        if let Some(ids) = self.resolve_absolute(modules, &expanded) {
            return ids;
        }
        if !matches!(segments[0].as_str(), "crate" | "self" | "super") {
            let mut tried: Vec<Vec<String>> = vec![expanded.clone()];
            let relative = scope.iter().chain(segments).cloned().collect();
            let globs = module
                .imports
                .iter()
                .filter(|i| i.glob && scope.starts_with(&i.scope))
                .map(|import| {
                    let mut path = normalise(&import.scope, &import.path);
                    path.extend(segments.iter().cloned());
                    path
                });
            for candidate in std::iter::once(relative).chain(globs) {
                if tried.contains(&candidate) {
                    continue;
                }
                if let Some(ids) = self.resolve_absolute(modules, &candidate) {
                    return ids;
                }
                tried.push(candidate);
            }
        }
        if expanded.first().is_some_and(|s| s != "crate") && expanded.len() > segments.len() {
            // An import of another crate (`use mixpanel_rs::Mixpanel`): not project code.
            return Vec::new();
        }
        self.resolve_by_suffix(segments)
    }

    /// Looks an absolute path up, following re-exports (`export { f } from './x'`,
    /// `export default f`, `export * from './x'`, `pub use`) through at most 8 modules.
    ///
    /// Each path is looked at once, and at most [`MAX_REEXPORT_PATHS`] of them per lookup: glob
    /// imports that lead back into their own module (`use crate::Enum::*` inside `crate`, which
    /// makes `crate::Enum::Enum::…`) would otherwise branch at every hop, k^8 paths for k globs.
    fn resolve_absolute(&self, modules: &[Module], path: &[String]) -> Option<Vec<FnId>> {
        let resolved = || self.resolved.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = resolved().get(path) {
            return found.clone();
        }
        let found = self.follow_reexports(modules, path);
        resolved().insert(path.to_vec(), found.clone());
        found
    }

    fn follow_reexports(&self, modules: &[Module], path: &[String]) -> Option<Vec<FnId>> {
        const MAX_REEXPORT_HOPS: usize = 8;
        let mut pending: Vec<(Vec<String>, usize)> = vec![(path.to_vec(), 0)];
        let mut seen: HashSet<Vec<String>> = HashSet::default();
        let mut budget = MAX_REEXPORT_PATHS;
        while let Some((path, hops)) = pending.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            if let Some(ids) = self.by_path.get(&path) {
                return Some(ids.clone());
            }
            if hops >= MAX_REEXPORT_HOPS || budget == 0 {
                continue;
            }
            budget -= 1;
            let Some((split, module)) = (1..path.len())
                .rev()
                .find_map(|k| self.modules.get(&path[..k]).map(|m| (k, *m)))
            else {
                continue;
            };
            let (prefix, rest) = path.split_at(split);
            for import in &modules[module].imports {
                if import.scope != prefix {
                    continue;
                }
                let mut next = normalise(&import.scope, &import.path);
                if import.glob {
                    next.extend(rest.iter().cloned());
                } else if import.local == rest[0] {
                    next.extend(rest[1..].iter().cloned());
                } else {
                    continue;
                }
                if !seen.contains(&next) {
                    pending.push((next, hops + 1));
                }
            }
        }
        None
    }

    /// Whether `receiver.method` (a path call) goes through a module-level tracker of another
    /// module, following imports and re-exports through at most 8 modules.
    fn names_tracker(
        &self,
        modules: &[Module],
        at: FnRef,
        function: &Function,
        callee: &Callee,
    ) -> bool {
        let Callee::Path(segments) = callee else {
            return false;
        };
        let Some((_, receiver)) = segments.split_last() else {
            return false;
        };
        if receiver.is_empty() {
            return false;
        }
        let mut path = expand_path(&modules[at.module as usize], scope_of(function), receiver);
        for _ in 0..8 {
            let Some((name, prefix)) = path.split_last() else {
                return false;
            };
            let Some(&module) = self.modules.get(prefix) else {
                return false;
            };
            let mock = self.test_module[module] && !self.test_module[at.module as usize];
            if modules[module].trackers.contains(name) && !mock {
                return true;
            }
            let Some(import) = modules[module]
                .imports
                .iter()
                .find(|i| !i.glob && &i.local == name && i.scope == prefix)
            else {
                return false;
            };
            path = normalise(&import.scope, &import.path);
        }
        false
    }

    /// Whether a method call's receiver is a name imported from a module the project does not
    /// have (by its path, or for packages without `__init__.py` by its last name).
    fn receiver_from_package(
        &self,
        modules: &[Module],
        at: FnRef,
        function: &Function,
        callee: &Callee,
    ) -> bool {
        let Callee::Method {
            receiver: Value::Path { root, fields },
            ..
        } = callee
        else {
            return false;
        };
        if !fields.is_empty() {
            return false;
        }
        let scope = scope_of(function);
        let Some(import) = modules[at.module as usize]
            .imports
            .iter()
            .filter(|i| !i.glob && &i.local == root && scope.starts_with(&i.scope))
            .max_by_key(|i| i.scope.len())
        else {
            return false;
        };
        let path = normalise(&import.scope, &import.path);
        let in_project = (1..=path.len()).any(|k| self.modules.contains_key(&path[..k]))
            || self
                .modules
                .keys()
                .any(|module| module.last() == path.last());
        !in_project
    }

    /// Last resort for paths the imports do not explain (re-exports, macros): functions whose
    /// path ends with the written segments. A bare name must be unique to count.
    fn resolve_by_suffix(&self, segments: &[String]) -> Vec<FnId> {
        let Some(name) = segments.last() else {
            return Vec::new();
        };
        let Some(ids) = self.by_name.get(name) else {
            return Vec::new();
        };
        let matching: Vec<FnId> = ids
            .iter()
            .copied()
            .filter(|id| self.paths[id.0 as usize].ends_with(segments))
            .collect();
        if segments.len() == 1 && matching.len() > 1 {
            return Vec::new();
        }
        matching
    }

    fn resolve_method(
        &self,
        receiver: &Value,
        name: &str,
        receiver_type: Option<&str>,
        sdk_fallback: bool,
    ) -> Vec<FnId> {
        if let Some(owner) = receiver_type {
            return self.method_of_type(owner, name);
        }
        let Some(all) = self.methods.get(name) else {
            return Vec::new();
        };
        let mut candidates: Vec<FnId> = all.clone();
        if sdk_fallback {
            // `analytics.alias(..)` reaches a project method only on a type named like the receiver.
            let hint = receiver_hint(receiver);
            candidates.retain(|id| {
                let owner = self.owners[id].to_lowercase();
                hint.as_deref()
                    .is_some_and(|h| owner.contains(h) || h.contains(&owner))
            });
        }
        if candidates.len() > MAX_CANDIDATES {
            return Vec::new();
        }
        candidates
    }
}

/// `self` or `this`: the object whose method is running.
pub(crate) fn is_self(receiver: &Value) -> bool {
    matches!(receiver, Value::Path { root, fields } if fields.is_empty() && matches!(root.as_str(), "self" | "this"))
}

/// Whether a call is a method of a chain whose previous call reached nothing in the project
/// (`db.collection("x").doc(id).set(..)`): the project cannot know what a package returns, so
/// a method name shared with project code (`set`) must not reach it.
fn on_package_result(call: &Call, package_results: &HashSet<&str>) -> bool {
    matches!(
        &call.callee,
        Callee::Method {
            receiver: Value::Path { root, .. },
            receiver_type: None,
            ..
        } if root.starts_with('$') && package_results.contains(root.as_str())
    ) && call.sdk_fallback.is_none()
}

impl Index {
    /// `name` on `owner` or, failing that, on its supertypes (nearest first, each once); when
    /// none of them has it (an interface, a protocol, an abstract class declared in another
    /// file), on the types below `owner` that implement it: a call through the interface
    /// reaches every implementation (at most [`MAX_CANDIDATES`]).
    fn method_of_type(&self, owner: &str, name: &str) -> Vec<FnId> {
        let found = self.method_above(owner, name);
        if !found.is_empty() {
            return found;
        }
        let mut implementations = Vec::new();
        let mut queue: std::collections::VecDeque<String> = self
            .subtypes
            .get(owner)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let mut seen = HashSet::from_iter([owner.to_owned()]);
        while let Some(current) = queue.pop_front() {
            if !seen.insert(current.clone()) {
                continue;
            }
            match self.methods_of.get(&(current.clone(), name.to_owned())) {
                Some(ids) => implementations.extend(ids.iter().copied()),
                None => implementations.extend(self.method_above(&current, name)),
            }
            queue.extend(self.subtypes.get(&current).into_iter().flatten().cloned());
        }
        implementations.sort();
        implementations.dedup();
        if implementations.len() > MAX_CANDIDATES {
            return Vec::new();
        }
        implementations
    }

    /// `name` on `owner` or, failing that, on its supertypes (nearest first, each once).
    fn method_above(&self, owner: &str, name: &str) -> Vec<FnId> {
        let mut queue = std::collections::VecDeque::from([owner.to_owned()]);
        let mut seen = HashSet::default();
        while let Some(current) = queue.pop_front() {
            if !seen.insert(current.clone()) {
                continue;
            }
            if let Some(ids) = self.methods_of.get(&(current.clone(), name.to_owned())) {
                return ids.clone();
            }
            queue.extend(self.supertypes.get(&current).into_iter().flatten().cloned());
        }
        Vec::new()
    }
}

/// Whether a method call is on the method's own receiver (`self`, `this`) seen as another
/// type than its own: a `super` call.
fn is_super_call(function: &Function, receiver: &Value, owner: &str) -> bool {
    let own_receiver = matches!(
        receiver,
        Value::Path { root, fields } if fields.is_empty() && (root == "self" || root == "this")
    );
    own_receiver && function.owner.as_deref().is_some_and(|own| own != owner)
}

/// What a member path leads to.
enum Member {
    /// A type: the call's method is looked up on it.
    Type(String),
    /// The SDK's tracker (or its people object): the call is the SDK's.
    Tracker,
    /// A member no analysed file declares.
    Unknown,
}

/// A member path, `Type.member[.member…]` (the tree-sitter frontends' receiver types for
/// members another file declares), rather than a type's name.
fn is_member_path(name: &str) -> bool {
    name.contains('.')
}

/// The languages whose frontends write member paths (Swift, Objective-C, Kotlin, Java: their
/// types are called by name across files).
fn writes_member_paths(language: crate::ir::Language) -> bool {
    use crate::ir::Language::*;
    matches!(language, Swift | ObjectiveC | Kotlin | Java)
}

/// Whether a module is test code by the usual conventions: `*.test.ts`, `*.spec.js`,
/// `__tests__/`, `__mocks__/`, `tests/`, `test_*.py`, `*_test.py`, `conftest.py`, and files of
/// mocks (`jest.vendor-mocks.js`, `mock_*.py`).
pub fn is_test_module(path: &[String]) -> bool {
    let last = path.last().map_or("", String::as_str);
    let test_directory = path[..path.len().saturating_sub(1)]
        .iter()
        .any(|s| matches!(s.as_str(), "__tests__" | "__mocks__" | "tests" | "test"));
    let test_file = [".test", ".spec"]
        .iter()
        .any(|suffix| last.ends_with(suffix) || last.contains(&format!("{suffix}.")));
    // `jest.vendor-mocks.js`, `setupMocks.ts`, `mock_mixpanel.py`: stand-ins for packages.
    let mocks = last.to_ascii_lowercase().contains("mocks") || last.starts_with("mock_");
    test_directory
        || test_file
        || mocks
        || last.starts_with("test_")
        || last.ends_with("_test")
        || last == "conftest"
}

/// The module a function's body is written in.
fn scope_of(function: &Function) -> &[String] {
    let path = function.path.as_slice();
    let up = if function.owner.is_some() { 2 } else { 1 };
    &path[..path.len().saturating_sub(up)]
}

/// Rewrites `crate::`, `self::`, `super::` and imported first segments into an absolute path.
pub(crate) fn expand_path(module: &Module, scope: &[String], segments: &[String]) -> Vec<String> {
    let first = &segments[0];
    let import = module
        .imports
        .iter()
        .filter(|i| !i.glob && &i.local == first && scope.starts_with(&i.scope))
        .max_by_key(|i| i.scope.len());
    match import {
        Some(import) => {
            let mut path = normalise(&import.scope, &import.path);
            path.extend(segments[1..].iter().cloned());
            path
        }
        None => normalise(scope, segments),
    }
}

pub(crate) fn normalise(scope: &[String], path: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, segment) in path.iter().enumerate() {
        match segment.as_str() {
            "crate" if i == 0 => out.push("crate".to_owned()),
            "self" if i == 0 => out.extend(scope.iter().cloned()),
            "super" => {
                if out.is_empty() {
                    out.extend(scope.iter().cloned());
                }
                if out.len() > 1 {
                    out.pop();
                }
            }
            _ => out.push(segment.clone()),
        }
    }
    out
}

fn receiver_hint(receiver: &Value) -> Option<String> {
    match receiver {
        Value::Path { root, fields } => {
            let name = fields.last().unwrap_or(root);
            Some(name.replace('_', "").to_lowercase())
        }
        _ => None,
    }
}

/// Tarjan's algorithm with an explicit stack, so a 10,000-deep call chain cannot overflow the
/// host stack. Components come out callees first.
fn strongly_connected_components(calls: &[Vec<Target>]) -> Vec<Vec<FnId>> {
    let n = calls.len();
    let successors: Vec<Vec<u32>> = calls
        .iter()
        .map(|targets| {
            let mut out: Vec<u32> = targets
                .iter()
                .flat_map(|t| match t {
                    Target::Project(ids) => ids.iter().map(|id| id.0).collect(),
                    _ => Vec::new(),
                })
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    const UNVISITED: u32 = u32::MAX;
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut sccs = Vec::new();
    let mut counter = 0u32;
    for start in 0..n as u32 {
        if index[start as usize] != UNVISITED {
            continue;
        }
        let mut work: Vec<(u32, usize)> = vec![(start, 0)];
        index[start as usize] = counter;
        low[start as usize] = counter;
        counter += 1;
        stack.push(start);
        on_stack[start as usize] = true;
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            let node_successors = &successors[node as usize];
            if *next < node_successors.len() {
                let succ = node_successors[*next];
                *next += 1;
                if index[succ as usize] == UNVISITED {
                    index[succ as usize] = counter;
                    low[succ as usize] = counter;
                    counter += 1;
                    stack.push(succ);
                    on_stack[succ as usize] = true;
                    work.push((succ, 0));
                } else if on_stack[succ as usize] {
                    low[node as usize] = low[node as usize].min(index[succ as usize]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent as usize] = low[parent as usize].min(low[node as usize]);
            }
            if low[node as usize] == index[node as usize] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member as usize] = false;
                    component.push(FnId(member));
                    if member == node {
                        break;
                    }
                }
                component.sort();
                sccs.push(component);
            }
        }
    }
    sccs
}
