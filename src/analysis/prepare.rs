//! Turns IR functions into what the path analysis walks: identity events and resolved calls
//! whose id expressions are [`Key`]s relative to the function (its parameters, its loops, its
//! locals), so a caller can substitute its own arguments into a callee's summary.

use crate::callgraph::{CallGraph, FnId, Target};
use crate::ir::{Block, Callee, Event, EventKind, Module, Side, Span, Stmt, Value};

use super::automaton::Letter;
use super::{ReceiverSlot, receiver_slot};

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
}

#[derive(Debug)]
pub struct Prepared {
    pub body: Vec<Node>,
    pub params: usize,
}

/// Prepares every function of the program: in full where an identity call is reachable
/// (`relevant`), elsewhere only the skeleton that says whether paths return (branches, loops,
/// exits and the targets of calls, without keys).
pub fn prepare_all(modules: &[Module], graph: &CallGraph, relevant: &[bool]) -> Vec<Prepared> {
    (0..graph.len())
        .map(|i| {
            let id = FnId(i as u32);
            let function = graph.function(modules, id);
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
            Prepared {
                body: preparer.block(&function.body),
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
                        }));
                        return;
                    }
                    Target::Project(targets) => {
                        let receiver = match &call.callee {
                            Callee::Method { receiver, .. } => Some(self.key(receiver)),
                            _ => None,
                        };
                        let plain: Vec<Option<Key>> =
                            call.args.iter().map(|a| self.key(a)).collect();
                        let args = targets
                            .iter()
                            .map(|t| {
                                let first = self.graph.function(self.modules, *t).params.first();
                                match receiver_slot(first.map(String::as_str), receiver.is_some()) {
                                    ReceiverSlot::Receiver => receiver
                                        .iter()
                                        .cloned()
                                        .chain(plain.iter().cloned())
                                        .collect(),
                                    ReceiverSlot::Unknown => {
                                        std::iter::once(None).chain(plain.iter().cloned()).collect()
                                    }
                                    ReceiverSlot::None => plain.clone(),
                                }
                            })
                            .collect();
                        out.push(Node::Call(PCall {
                            targets,
                            args,
                            span: call.span,
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
                let arms = arms.iter().map(|arm| self.block(arm)).collect();
                out.push(Node::Branch(arms));
            }
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
