//! Turns IR functions into what the path analysis walks: identity events and resolved calls
//! whose id expressions are [`Key`]s relative to the function (its parameters, its loops, its
//! locals), so a caller can substitute its own arguments into a callee's summary.

use crate::callgraph::{CallGraph, FnId, Target};
use std::collections::HashSet;

use crate::ir::{Block, Call, Callee, Event, EventKind, Module, Side, Span, Stmt, Value};

use super::automaton::Letter;
use super::constants::is_literal;
use super::{Passed, passed};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    Param(u16),
    /// The iteration binding of loop number `n` of the function.
    Loop(u32),
    Local(String),
    Lit(String),
    Fresh(u32),
    Current,
    Null,
    Unknown,
}

/// A symbolic id: a root and a field path below it (`user.email` → `Param(0).email`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub root: Root,
    pub fields: Vec<String>,
}

impl Key {
    pub fn of_root(root: Root) -> Key {
        Key {
            root,
            fields: Vec::new(),
        }
    }

    /// Can two events with these keys be told to concern the same id?
    pub fn comparable(&self) -> bool {
        !matches!(self.root, Root::Unknown | Root::Null)
    }

    /// `self` is `prefix` followed by more fields: the rest, if so.
    pub fn strip_prefix(&self, prefix: &Key) -> Option<&[String]> {
        (self.root == prefix.root && self.fields.starts_with(&prefix.fields))
            .then(|| &self.fields[prefix.fields.len()..])
    }
}

#[derive(Clone, Debug)]
pub struct PEvent {
    pub letter: Letter,
    pub side: Side,
    pub key: Option<Key>,
    /// alias's original id, when given.
    pub original: Option<Key>,
    pub span: Span,
    pub method: String,
}

#[derive(Clone, Debug)]
pub struct PCall {
    pub targets: Vec<FnId>,
    /// The arguments as the callee's parameters see them (a method's receiver first when the
    /// callee takes `self`), per target.
    pub args: Vec<Vec<Option<Key>>>,
    pub span: Span,
    /// Resolved by the method's name alone (no receiver type, not `self`): the receiver may
    /// well be a package's object, so the call may return whatever the candidates do.
    pub by_name: bool,
}

#[derive(Clone, Debug)]
pub enum Node {
    Event(PEvent),
    Call(PCall),
    Branch(Vec<Vec<Node>>),
    Loop {
        id: u32,
        per_element: bool,
        body: Vec<Node>,
    },
    Break,
    Continue,
    /// A way out of the function, where it is (`return`, `?`, `throw`, `raise`).
    Return(Span),
    /// The arm this starts runs only when `key` is truthy (`holds`) or falsy. `once` when the
    /// condition lets the arm happen once for a user: a flag the arm sets and keeps, or a
    /// sign-up-only test (`isNewUser`). The engine walks past it; preparation reads it.
    Guard {
        key: Option<Key>,
        holds: bool,
        once: bool,
    },
    /// The body of a function the framework runs again and again for one user: any number of
    /// invocations of `each`, and when a once-guard makes part of the body happen only once,
    /// `once` is the whole body, which one of the invocations at most runs.
    Invocations {
        each: Vec<Node>,
        once: Option<Vec<Node>>,
    },
}

#[derive(Debug)]
pub struct Prepared {
    pub body: Vec<Node>,
    pub params: usize,
}

/// Prepares the functions of the program that relevant ones call (`needed`, see
/// `relevance::called_from_relevant`): in full where an identity call is reachable
/// (`relevant`), elsewhere only the skeleton that says whether paths return (branches, loops,
/// exits and the targets of calls, without keys). The others get an empty body. A relevant
/// function's paths are split on the conditions it tests more than once, and those of a
/// function that `repeats` are its invocations.
pub fn prepare_all(
    modules: &[Module],
    graph: &CallGraph,
    relevant: &[bool],
    needed: &[bool],
    repeats: &[bool],
) -> Vec<Prepared> {
    (0..graph.len())
        .map(|i| {
            let id = FnId(i as u32);
            let function = graph.function(modules, id);
            if !needed[i] {
                // No path of a relevant function enters it: nothing reads its body.
                return Prepared {
                    body: Vec::new(),
                    params: function.params.len(),
                };
            }
            let mut preparer = Preparer {
                modules,
                graph,
                targets: graph.calls[i].iter(),
                env: Vec::new(),
                loops: 0,
                keys: relevant[i],
            };
            if preparer.keys {
                preparer.env = function
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (name.clone(), Key::of_root(Root::Param(i as u16))))
                    .collect();
            }
            let mut body = preparer.block(&function.body);
            if preparer.keys {
                body = split_on_correlated_guards(body, &names_bound_more_than_once(function));
                if repeats[i] {
                    body = invocations(body);
                }
            }
            Prepared {
                body,
                params: function.params.len(),
            }
        })
        .collect()
}

/// The letter an event is to the automata, and which id it concerns.
pub fn letter_of(event: &Event) -> Option<Letter> {
    match (event.kind, &event.id) {
        (EventKind::Alias, _) => Some(Letter::Alias),
        (EventKind::Reset, _) => Some(Letter::Reset),
        // `identify()` with no id re-identifies the persisted id: a known user, but no id to
        // compare, so only rules that follow the device's user see it.
        (EventKind::Identify, _) | (EventKind::Track | EventKind::People, Some(_)) => {
            Some(Letter::UseId)
        }
        // A client profile write: it lands on whoever the device is now.
        (EventKind::People, None) => Some(Letter::Profile),
        (EventKind::Track, None) | (EventKind::Init, _) => None,
    }
}

struct Preparer<'a, I> {
    modules: &'a [Module],
    graph: &'a CallGraph,
    targets: I,
    /// Name → key, innermost last; scopes restore it by truncating.
    env: Vec<(String, Key)>,
    loops: u32,
    /// Resolve ids to keys (a relevant function); without, calls carry no arguments.
    keys: bool,
}

impl<'a, I: Iterator<Item = &'a Target>> Preparer<'a, I> {
    fn key(&self, value: &Value) -> Option<Key> {
        match value {
            Value::Str(s) | Value::Num(s) => Some(Key::of_root(Root::Lit(s.clone()))),
            Value::Bool(b) => Some(Key::of_root(Root::Lit(b.to_string()))),
            Value::Null => Some(Key::of_root(Root::Null)),
            Value::Fresh { span, .. } => Some(Key::of_root(Root::Fresh(span.start))),
            Value::CurrentId => Some(Key::of_root(Root::Current)),
            // A new object each time: no id to compare.
            Value::Object(_) | Value::Unknown => Some(Key::of_root(Root::Unknown)),
            Value::Path { root, fields } => {
                let mut key = self
                    .env
                    .iter()
                    .rev()
                    .find(|(name, _)| name == root)
                    .map(|(_, key)| key.clone())
                    .unwrap_or_else(|| Key::of_root(Root::Local(root.clone())));
                key.fields.extend(fields.iter().cloned());
                Some(key)
            }
        }
    }

    fn block(&mut self, block: &Block) -> Vec<Node> {
        let mark = self.env.len();
        let mut out = Vec::new();
        for stmt in block {
            self.stmt(stmt, &mut out);
        }
        self.env.truncate(mark);
        out
    }

    fn stmt(&mut self, stmt: &Stmt, out: &mut Vec<Node>) {
        match stmt {
            Stmt::Event(event) => out.extend(self.event(event).map(Node::Event)),
            Stmt::Call(call) => {
                let target = self.targets.next().cloned().unwrap_or(Target::External);
                match target {
                    Target::Project(targets) if !self.keys => {
                        out.push(Node::Call(PCall {
                            args: vec![Vec::new(); targets.len()],
                            targets,
                            span: call.span,
                            by_name: by_name(call),
                        }));
                        return;
                    }
                    Target::Project(targets) => {
                        let args = targets
                            .iter()
                            .map(|t| {
                                let callee = self.graph.function(self.modules, *t);
                                passed(call, callee)
                                    .into_iter()
                                    .map(|passed| match passed {
                                        Passed::Value(value) => self.key(value),
                                        // A literal default is the same id wherever it is taken.
                                        Passed::Default(value)
                                            if is_literal(value) && !value.is_falsy_literal() =>
                                        {
                                            self.key(value)
                                        }
                                        Passed::Default(_) => Some(Key::of_root(Root::Unknown)),
                                        Passed::Unknown => None,
                                    })
                                    .collect()
                            })
                            .collect();
                        out.push(Node::Call(PCall {
                            targets,
                            args,
                            span: call.span,
                            by_name: by_name(call),
                        }));
                    }
                    Target::Sdk(event) => out.extend(self.event(&event).map(Node::Event)),
                    Target::External => {}
                }
                if let Some(result) = &call.result {
                    self.env
                        .push((result.clone(), Key::of_root(Root::Local(result.clone()))));
                }
            }
            Stmt::Let { .. } | Stmt::Persist { .. } if !self.keys => {}
            Stmt::Let { name, value } => {
                let key = self.key(value).unwrap_or(Key::of_root(Root::Unknown));
                // A name bound to nothing we can name is its own local value.
                let key = if key.root == Root::Unknown {
                    Key::of_root(Root::Local(name.clone()))
                } else {
                    key
                };
                self.env.push((name.clone(), key));
            }
            Stmt::Persist { .. } => {}
            Stmt::Branch(arms) => {
                let arms = arms
                    .iter()
                    .map(|arm| {
                        let mut prepared = self.block(arm);
                        let tests = arm.iter().map_while(|stmt| match stmt {
                            Stmt::Guard { value, holds } => Some((value, *holds)),
                            _ => None,
                        });
                        let guards = prepared.iter_mut().map_while(|node| match node {
                            Node::Guard { key, once, .. } => Some((key.as_ref(), once)),
                            _ => None,
                        });
                        for ((value, holds), (key, once)) in tests.zip(guards) {
                            // A test of the SDK's current id (`if (mpId !== user.uid)`) changes
                            // its outcome once the arm aliases or identifies.
                            let reads_current = key.is_some_and(|k| k.root == Root::Current);
                            *once = reads_current || happens_once(value, holds, arm);
                        }
                        prepared
                    })
                    .collect();
                out.push(Node::Branch(arms));
            }
            Stmt::Guard { .. } if !self.keys => {}
            Stmt::Guard { value, holds } => out.push(Node::Guard {
                key: self.key(value).filter(|k| k.comparable()),
                holds: *holds,
                once: false,
            }),
            Stmt::Loop { bindings, body } => {
                let id = self.loops;
                self.loops += 1;
                let mark = self.env.len();
                // Each name a pattern binds is its own part of the element (`for (anon, user)
                // in pairs`): the same element, different values.
                let destructured = bindings.len() > 1;
                for name in bindings {
                    let fields = if destructured {
                        vec![format!("${name}")]
                    } else {
                        Vec::new()
                    };
                    let key = Key {
                        root: Root::Loop(id),
                        fields,
                    };
                    self.env.push((name.clone(), key));
                }
                let body = self.block(body);
                self.env.truncate(mark);
                out.push(Node::Loop {
                    id,
                    per_element: !bindings.is_empty(),
                    body,
                });
            }
            Stmt::Break => out.push(Node::Break),
            Stmt::Continue => out.push(Node::Continue),
            Stmt::Return { span, .. } => out.push(Node::Return(*span)),
        }
    }

    fn event(&self, event: &Event) -> Option<PEvent> {
        let letter = letter_of(event)?;
        Some(PEvent {
            letter,
            side: event.side,
            key: event.id.as_ref().and_then(|v| self.key(v)),
            original: event.original.as_ref().and_then(|v| self.key(v)),
            span: event.span,
            method: event.method.clone(),
        })
    }
}

/// Names of a condition true only for a new user: what it guards happens at sign-up, once.
/// Read on each name's words: `isNewUser`, `is_new`, `newAccount`, `additionalUserInfo.isNewUser`,
/// `signup`, `wasCreated`, `firstLogin`, but not `newPassword`, `createdAt` or `firstName`.
fn names_signup_only(words: &[String]) -> bool {
    const NEW_WHAT: &[&str] = &[
        "user",
        "account",
        "member",
        "customer",
        "install",
        "signup",
        "registration",
        "profile",
    ];
    const FIRST_WHAT: &[&str] = &[
        "time", "login", "launch", "run", "visit", "open", "session", "sign",
    ];
    words.iter().enumerate().any(|(i, word)| {
        let next = words.get(i + 1).map(String::as_str);
        match word.as_str() {
            "signup" | "register" | "registered" | "registration" => true,
            "signed" | "sign" => next == Some("up"),
            "new" => next.is_none_or(|n| NEW_WHAT.contains(&n)),
            "first" => next.is_some_and(|n| FIRST_WHAT.contains(&n)),
            "created" => next.is_none(),
            _ => false,
        }
    })
}

/// Words of an "already done" flag: what `if (!aliased)` guards happens once.
const DONE_FLAG_WORDS: &[&str] = &["aliased", "alias", "onboarded", "identified", "linked"];

/// Whether the arm a guard starts runs only for a new user: `if (isNewUser)`,
/// `if info.additional_user_info.is_new_user`.
pub fn signup_only(condition: &Value, holds: bool) -> bool {
    holds && condition_names(condition).any(|words| names_signup_only(&words))
}

/// The words of each name of a condition's path (`info.isNewUser` → `[info]`, `[is, new, user]`).
fn condition_names(condition: &Value) -> impl Iterator<Item = Vec<String>> + '_ {
    let names: Vec<&String> = match condition {
        Value::Path { root, fields } => std::iter::once(root).chain(fields).collect(),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .map(|name| super::settings::name_words(name))
}

/// Method names that write a flag somewhere it stays (`localStorage.setItem`,
/// `UserDefaults.set`, `editor.putBoolean`, `cookies.set`, `store.save`).
const KEEPING_VERBS: &[&str] = &["set", "put", "save", "store", "write", "persist", "mark"];

/// Whether the arm a condition guards happens once for a user: the condition reads like a
/// sign-up-only test that holds or an "already done" flag that does not, or the arm sets a
/// flag (assigns the tested name, writes a field or calls a storage setter).
fn happens_once(condition: &Value, holds: bool, arm: &Block) -> bool {
    let Value::Path { root, .. } = condition else {
        return false;
    };
    let reads_once = if holds {
        signup_only(condition, holds)
    } else {
        condition_names(condition)
            .any(|words| words.iter().any(|w| DONE_FLAG_WORDS.contains(&w.as_str())))
    };
    if reads_once {
        return true;
    }
    let mut sets_flag = false;
    crate::ir::walk_block(arm, &mut |stmt| match stmt {
        Stmt::Persist { .. } => sets_flag = true,
        Stmt::Let { name, .. } if name == root && !root.starts_with('$') => sets_flag = true,
        Stmt::Call(Call {
            callee: Callee::Method { name, .. },
            ..
        }) => {
            let words = super::settings::name_words(name);
            sets_flag |= words
                .first()
                .is_some_and(|w| KEEPING_VERBS.contains(&w.as_str()));
        }
        _ => {}
    });
    sets_flag
}

/// Names a function binds more than once (assignments, call results, loop patterns): a test
/// of one of them in two places may see two values.
fn names_bound_more_than_once(function: &crate::ir::Function) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut again = HashSet::new();
    let mut bind = |name: &String| {
        if !seen.insert(name.clone()) {
            again.insert(name.clone());
        }
    };
    for param in &function.params {
        bind(param);
    }
    crate::ir::walk_block(&function.body, &mut |stmt| match stmt {
        Stmt::Let { name, .. } => bind(name),
        Stmt::Call(Call {
            result: Some(name), ..
        }) => bind(name),
        Stmt::Loop { bindings, .. } => bindings.iter().for_each(&mut bind),
        _ => {}
    });
    again
}

/// Most conditions one function's paths are split on: the body is copied once per way they
/// can hold together (2³ copies at most).
const MAX_SPLIT_CONDITIONS: usize = 3;

/// Splits a body's paths on the conditions it tests in more than one place: `if (!isNew)
/// identify(u)` then `if (isNew) alias(u)` never runs both calls, so the body becomes one
/// alternative per way the conditions hold, each keeping only the arms that agree with it.
/// A condition is a parameter or a name bound once, with its fields; a field written between
/// the two tests is taken to keep its value (documented limit).
fn split_on_correlated_guards(body: Vec<Node>, rebound: &HashSet<String>) -> Vec<Node> {
    let mut tests: std::collections::BTreeMap<Key, usize> = Default::default();
    count_guarded_branches(&body, &mut tests);
    let stable = |key: &Key| match &key.root {
        Root::Param(_) => true,
        Root::Local(name) => !rebound.contains(name),
        _ => false,
    };
    let conditions: Vec<Key> = tests
        .into_iter()
        .filter(|(key, n)| *n >= 2 && stable(key))
        .map(|(key, _)| key)
        .take(MAX_SPLIT_CONDITIONS)
        .collect();
    if conditions.is_empty() {
        return body;
    }
    let variants = (0..1u32 << conditions.len())
        .map(|truth| agreeing(&body, &conditions, truth))
        .collect();
    vec![Node::Branch(variants)]
}

/// Counts, per condition, the branches with an arm it guards.
fn count_guarded_branches(nodes: &[Node], tests: &mut std::collections::BTreeMap<Key, usize>) {
    for node in nodes {
        match node {
            Node::Branch(arms) => {
                let mut keys: Vec<&Key> = arms
                    .iter()
                    .flat_map(|arm| leading_guards(arm))
                    .map(|(k, _, _)| k)
                    .collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    *tests.entry(key.clone()).or_default() += 1;
                }
                for arm in arms {
                    count_guarded_branches(arm, tests);
                }
            }
            Node::Loop { body, .. } => count_guarded_branches(body, tests),
            _ => {}
        }
    }
}

/// The guards an arm starts with: condition, whether it holds, whether it makes the arm once.
fn leading_guards(arm: &[Node]) -> impl Iterator<Item = (&Key, bool, bool)> {
    arm.iter()
        .map_while(|node| match node {
            Node::Guard { key, holds, once } => Some((key.as_ref(), *holds, *once)),
            _ => None,
        })
        .filter_map(|(key, holds, once)| key.map(|k| (k, holds, once)))
}

/// `nodes` with only the arms that agree with `truth` (bit `i`: whether `conditions[i]` holds).
/// A branch none of whose arms agrees is kept whole: the split is only ever a refinement.
fn agreeing(nodes: &[Node], conditions: &[Key], truth: u32) -> Vec<Node> {
    nodes
        .iter()
        .map(|node| match node {
            Node::Branch(arms) => {
                let agrees = |arm: &&Vec<Node>| {
                    leading_guards(arm).all(|(key, holds, _)| {
                        conditions
                            .iter()
                            .position(|c| c == key)
                            .is_none_or(|i| (truth >> i & 1 == 1) == holds)
                    })
                };
                let kept: Vec<&Vec<Node>> = arms.iter().filter(agrees).collect();
                let kept = if kept.is_empty() {
                    arms.iter().collect()
                } else {
                    kept
                };
                Node::Branch(
                    kept.into_iter()
                        .map(|arm| agreeing(arm, conditions, truth))
                        .collect(),
                )
            }
            Node::Loop {
                id,
                per_element,
                body,
            } => Node::Loop {
                id: *id,
                per_element: *per_element,
                body: agreeing(body, conditions, truth),
            },
            other => other.clone(),
        })
        .collect()
}

/// The body of a repeating function as its invocations: what later invocations may do (the
/// body without the arms a once-guard starts) and, when there are such arms, the whole body
/// for the first.
fn invocations(body: Vec<Node>) -> Vec<Node> {
    let (each, changed) = without_once_arms(&body);
    vec![Node::Invocations {
        each,
        once: changed.then_some(body),
    }]
}

/// `nodes` without the arms a once-guard starts; whether there were any.
fn without_once_arms(nodes: &[Node]) -> (Vec<Node>, bool) {
    let mut changed = false;
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        match node {
            Node::Branch(arms) => {
                let mut kept = Vec::with_capacity(arms.len());
                for arm in arms {
                    if leading_guards(arm).any(|(_, _, once)| once) {
                        changed = true;
                        continue;
                    }
                    let (arm, inner) = without_once_arms(arm);
                    changed |= inner;
                    kept.push(arm);
                }
                // Every arm was the once-only one: later invocations take none of them.
                if !kept.is_empty() {
                    out.push(Node::Branch(kept));
                }
            }
            Node::Loop {
                id,
                per_element,
                body,
            } => {
                let (body, inner) = without_once_arms(body);
                changed |= inner;
                out.push(Node::Loop {
                    id: *id,
                    per_element: *per_element,
                    body,
                });
            }
            other => out.push(other.clone()),
        }
    }
    (out, changed)
}

/// Whether a call reaches project code by its method's name alone: no receiver type, and a
/// receiver that is not the object itself.
fn by_name(call: &Call) -> bool {
    matches!(
        &call.callee,
        Callee::Method { receiver, receiver_type: None, .. }
            if !crate::callgraph::is_self(receiver)
    )
}

/// Keys of the alias events written directly in a body.
pub fn direct_alias_keys(body: &[Node], out: &mut Vec<Key>) {
    let mut stack: Vec<&Node> = body.iter().collect();
    while let Some(node) = stack.pop() {
        match node {
            Node::Event(PEvent {
                letter: Letter::Alias,
                key: Some(key),
                ..
            }) if key.comparable() => out.push(key.clone()),
            Node::Loop { body, .. } => stack.extend(body.iter()),
            Node::Branch(arms) => stack.extend(arms.iter().flatten()),
            Node::Invocations { each, once } => {
                stack.extend(each.iter().chain(once.iter().flatten()))
            }
            _ => {}
        }
    }
}

/// Calls of a body, in no particular order.
pub fn calls(body: &[Node]) -> Vec<&PCall> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = body.iter().collect();
    while let Some(node) = stack.pop() {
        match node {
            Node::Call(call) => out.push(call),
            Node::Loop { body, .. } => stack.extend(body.iter()),
            Node::Branch(arms) => stack.extend(arms.iter().flatten()),
            Node::Invocations { each, once } => {
                stack.extend(each.iter().chain(once.iter().flatten()))
            }
            _ => {}
        }
    }
    out
}

/// Maps a callee-frame key through a call's arguments into the caller's frame.
pub fn key_into_caller(key: &Key, args: &[Option<Key>]) -> Option<Key> {
    match &key.root {
        Root::Param(i) => {
            let mut arg = args.get(*i as usize)?.clone()?;
            if !arg.comparable() {
                return None;
            }
            arg.fields.extend(key.fields.iter().cloned());
            Some(arg)
        }
        // Frame-independent ids mean the same in every function.
        Root::Lit(_) | Root::Current => Some(key.clone()),
        _ => None,
    }
}

/// Maps a caller-frame key to the callee's frame: which parameter (and fields) it is there.
pub fn key_into_callee(key: &Key, args: &[Option<Key>]) -> Vec<Key> {
    if let Root::Lit(_) = key.root {
        return vec![key.clone()];
    }
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        if let Some(arg) = arg
            && arg.comparable()
            && let Some(rest) = key.strip_prefix(arg)
        {
            out.push(Key {
                root: Root::Param(i as u16),
                fields: rest.to_vec(),
            });
        }
    }
    out
}

/// Deduplicated, ordered: the canonical form of a set of keys.
pub fn canonical(mut keys: Vec<Key>) -> Vec<Key> {
    keys.sort();
    keys.dedup();
    keys
}

/// Most alias keys one function exports to its callers; more are dropped (documented limit).
const MAX_EXPORTED_KEYS: usize = 32;
/// Longest field path an exported key may have: recursion cannot grow keys without bound.
const MAX_KEY_FIELDS: usize = 4;

/// For every function, the ids (in its own parameters' or literal terms) that some path through
/// it aliases: what a caller must follow to find `identify-before-alias` across calls.
///
/// Only relevant functions can alias. Inside a component a function is evaluated again only
/// when a callee's keys changed, and keys accumulate (at most [`MAX_EXPORTED_KEYS`], the first
/// found kept), so each function changes at most that many times.
pub fn exported_alias_keys(
    prepared: &[Prepared],
    sccs: &[Vec<FnId>],
    relevant: &[bool],
) -> Vec<Vec<Key>> {
    let mut exported: Vec<Vec<Key>> = vec![Vec::new(); prepared.len()];
    for component in sccs {
        if !relevant[component[0].0 as usize] {
            continue;
        }
        let callees = |function: FnId| -> Vec<FnId> {
            calls(&prepared[function.0 as usize].body)
                .into_iter()
                .flat_map(|call| call.targets.iter().copied())
                .collect()
        };
        super::solve_component(component, callees, |function| {
            let body = &prepared[function.0 as usize].body;
            let mut keys = Vec::new();
            direct_alias_keys(body, &mut keys);
            for call in calls(body) {
                for (target, args) in call.targets.iter().zip(&call.args) {
                    keys.extend(
                        exported[target.0 as usize]
                            .iter()
                            .filter_map(|k| key_into_caller(k, args)),
                    );
                }
            }
            keys.retain(|k| {
                matches!(k.root, Root::Param(_) | Root::Lit(_)) && k.fields.len() <= MAX_KEY_FIELDS
            });
            let mine = &mut exported[function.0 as usize];
            let mut changed = false;
            for key in canonical(keys) {
                if mine.len() >= MAX_EXPORTED_KEYS {
                    break;
                }
                if let Err(at) = mine.binary_search(&key) {
                    mine.insert(at, key);
                    changed = true;
                }
            }
            changed
        });
    }
    exported
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(root: &str, fields: &[&str]) -> Value {
        fields.iter().fold(Value::local(root), |value, f| {
            value.field(Some(f.to_string()))
        })
    }

    #[test]
    fn sign_up_only_tests_read_as_such() {
        for (root, fields) in [
            ("info", &["isNewUser"][..]),
            ("is_new", &[]),
            ("created", &[]),
            ("isSignUp", &[]),
            ("result", &["additionalUserInfo", "isNewUser"]),
            ("firstLogin", &[]),
            ("newAccount", &[]),
        ] {
            assert!(signup_only(&path(root, fields), true), "{root}.{fields:?}");
            assert!(
                !signup_only(&path(root, fields), false),
                "{root}.{fields:?}"
            );
        }
        for (root, fields) in [
            ("profile", &["firstName"][..]),
            ("newPassword", &[]),
            ("user", &["createdAt"]),
            ("newValue", &[]),
            ("signedIn", &[]),
        ] {
            assert!(!signup_only(&path(root, fields), true), "{root}.{fields:?}");
        }
    }

    #[test]
    fn an_arm_that_keeps_a_flag_happens_once() {
        let flag = path("$1", &[]);
        let keeps = vec![Stmt::Persist {
            value: Value::Bool(true),
            target: None,
            span: Span {
                file: crate::ir::FileId(0),
                start: 0,
                end: 0,
            },
        }];
        assert!(happens_once(&flag, false, &keeps));
        assert!(!happens_once(&flag, false, &Vec::new()));
        assert!(happens_once(
            &path("user", &["aliased"]),
            false,
            &Vec::new()
        ));
        assert!(!happens_once(
            &path("user", &["aliased"]),
            true,
            &Vec::new()
        ));
    }
}
