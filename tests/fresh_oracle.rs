//! The test oracle of the freshness dataflow (`distinct-id-not-persisted`, and placeholder
//! constants for `constant-distinct-id`): small random IR programs, every path of every
//! function enumerated by brute force (loops unrolled a few times, calls followed a few levels
//! deep), each path interpreted value by value. The analysis must report exactly the leaks the
//! paths show, and every use it names must be one that a leaking path makes.
//!
//! What a path means here (DOMAIN.md §3, as `analysis/fresh.rs` reads it):
//! - each run of a fresh source, of a placeholder literal, or of a call that returns a fresh
//!   value makes a new value, owned by the function that ran it;
//! - an argument is the caller's own value: what the callee does to it happens to it;
//! - `Persist`, a call idlint cannot see, and `return` keep a value; a returned fresh value is
//!   a new value of the caller (its origin is the call);
//! - a fresh value leaks when a path of its owner that ends normally (not by an error exit)
//!   used it as an id and never kept it; a placeholder leaks when any path prefix uses it as
//!   an id, kept or not;
//! - a callee's error exit is just a way back to its caller.
//!
//! Known imprecision, not generated: one value passed in two argument positions of one call
//! (summaries are per parameter, so the two parameters' effects are taken as independent).

mod common;

use common::Rng;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use idlint::analysis::Program;
use idlint::analysis::witness::Site as Witness;
use idlint::ir::{
    Call, Callee, Event, EventKind, FileId, Function, FunctionKind, Language, Module, Side, Span,
    Stmt, Value,
};

const PLACEHOLDER: &str = "anonymous";
/// Deepest statement nesting the generator makes (below the analysis' loop fixpoint limit).
const MAX_NESTING: u32 = 3;

/// A name visible where a statement is generated, and which value it denotes: names of one
/// value are never passed together to one call (the imprecision above).
#[derive(Clone)]
struct Visible {
    name: String,
    value: usize,
}

struct Generator {
    rng: Rng,
    next_span: u32,
    functions: usize,
    params: Vec<usize>,
    /// Calls only go to later functions: no recursion, so enumeration is exhaustive.
    acyclic: bool,
    current: usize,
    next_name: usize,
    next_value: usize,
    scopes: Vec<Vec<Visible>>,
}

impl Generator {
    fn new(seed: u64) -> Generator {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let functions = 1 + rng.below(4) as usize;
        let params = (0..functions).map(|_| rng.below(3) as usize).collect();
        let acyclic = rng.chance(60);
        Generator {
            rng,
            next_span: 0,
            functions,
            params,
            acyclic,
            current: 0,
            next_name: 0,
            next_value: 0,
            scopes: Vec::new(),
        }
    }

    fn span(&mut self) -> Span {
        self.next_span += 2;
        Span {
            file: FileId(0),
            start: self.next_span,
            end: self.next_span + 1,
        }
    }

    fn new_value(&mut self) -> usize {
        self.next_value += 1;
        self.next_value
    }

    fn bind(&mut self, prefix: &str) -> String {
        self.next_name += 1;
        let name = format!("{prefix}{}", self.next_name);
        let value = self.new_value();
        self.scopes.last_mut().expect("a scope").push(Visible {
            name: name.clone(),
            value,
        });
        name
    }

    fn visible(&self) -> Vec<Visible> {
        self.scopes.iter().flatten().cloned().collect()
    }

    fn fresh(&mut self) -> Value {
        Value::Fresh {
            origin: "uuid".to_owned(),
            span: self.span(),
        }
    }

    /// Some value, and the tracked value it denotes when it is a name (`None` otherwise).
    fn value(&mut self, avoid: &[usize]) -> (Value, Option<usize>) {
        let names: Vec<Visible> = self
            .visible()
            .into_iter()
            .filter(|v| !avoid.contains(&v.value))
            .collect();
        match self.rng.below(20) {
            0..=10 if !names.is_empty() => {
                let pick = &names[self.rng.below(names.len() as u64) as usize];
                let fields = if self.rng.chance(15) {
                    vec!["id".to_owned()]
                } else {
                    Vec::new()
                };
                let value = Value::Path {
                    root: pick.name.clone(),
                    fields,
                };
                (value, Some(pick.value))
            }
            0..=12 => (self.fresh(), None),
            13..=14 => (Value::Str(PLACEHOLDER.to_owned()), None),
            15 => (Value::Null, None),
            16 => (Value::Str("user-7".to_owned()), None),
            17 => (Value::Unknown, None),
            18 => (Value::local("gone"), None),
            _ => (Value::CurrentId, None),
        }
    }

    fn event(&mut self) -> Event {
        let kind = match self.rng.below(10) {
            0..=3 => EventKind::Track,
            4..=5 => EventKind::Identify,
            6..=7 => EventKind::Alias,
            8 => EventKind::People,
            _ => EventKind::Init,
        };
        let (id, _) = self.value(&[]);
        let original = (kind == EventKind::Alias && self.rng.chance(50)).then(|| self.value(&[]).0);
        // Simplified ID Merge: a placeholder id there names nobody.
        let options = (kind == EventKind::Track && self.rng.chance(20))
            .then(|| vec![("$device_id".to_owned(), Value::Unknown)]);
        Event {
            kind,
            side: Side::Server,
            id: Some(id),
            original,
            method: kind.as_str().to_owned(),
            span: self.span(),
            options,
            property_keys: Vec::new(),
        }
    }

    fn call(&mut self) -> Stmt {
        let later: Vec<usize> = if self.acyclic {
            (self.current + 1..self.functions).collect()
        } else {
            (0..self.functions).collect()
        };
        let span = self.span();
        let (callee, arity) = match (self.rng.below(5), later.is_empty()) {
            // An SDK call on a receiver named like a tracker.
            (0, _) => {
                let event = self.event();
                return Stmt::Call(Call {
                    callee: Callee::Method {
                        receiver: Value::local("mp"),
                        name: event.method.clone(),
                        receiver_type: None,
                    },
                    args: Vec::new(),
                    result: None,
                    span: event.span,
                    sdk_fallback: Some(Box::new(event)),
                    keywords: Vec::new(),
                    spread: false,
                });
            }
            (1, _) | (_, true) => ("external".to_owned(), 2),
            _ => {
                let target = later[self.rng.below(later.len() as u64) as usize];
                (format!("f{target}"), self.params[target])
            }
        };
        // Sometimes fewer or more arguments than parameters.
        let count = (arity + self.rng.below(3) as usize).saturating_sub(1);
        let mut passed = Vec::new();
        let mut args = Vec::new();
        for _ in 0..count {
            // Often a parameter handed on: recursion then carries uses round its cycle.
            let params: Vec<Visible> = self.scopes[0]
                .iter()
                .filter(|v| !passed.contains(&v.value))
                .cloned()
                .collect();
            if !params.is_empty() && self.rng.chance(35) {
                let pick = params[self.rng.below(params.len() as u64) as usize].clone();
                passed.push(pick.value);
                args.push(Value::local(pick.name));
                continue;
            }
            let (value, denotes) = self.value(&passed);
            passed.extend(denotes);
            args.push(value);
        }
        let result = self.rng.chance(60).then(|| self.bind("r"));
        Stmt::Call(Call {
            callee: Callee::Path(vec![callee]),
            args,
            result,
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        })
    }

    fn binding(&mut self) -> Stmt {
        let value = match self.rng.below(10) {
            0..=3 => self.fresh(),
            4..=5 => Value::Str(PLACEHOLDER.to_owned()),
            _ => self.value(&[]).0,
        };
        let denotes = match &value {
            Value::Path { root, .. } => self
                .visible()
                .into_iter()
                .rev()
                .find(|v| &v.name == root)
                .map(|v| v.value),
            _ => None,
        };
        let name = self.bind("v");
        if let Some(value) = denotes {
            // A copy denotes the same value as its source.
            self.scopes
                .last_mut()
                .expect("a scope")
                .last_mut()
                .expect("bound")
                .value = value;
        }
        Stmt::Let { name, value }
    }

    fn block(&mut self, depth: u32, in_loop: bool) -> Vec<Stmt> {
        self.scopes.push(Vec::new());
        let len = self.rng.below(5) as usize;
        let block = (0..len).map(|_| self.stmt(depth, in_loop)).collect();
        self.scopes.pop();
        block
    }

    fn stmt(&mut self, depth: u32, in_loop: bool) -> Stmt {
        let nested = if depth < MAX_NESTING { 16 } else { 13 };
        match self.rng.below(nested) {
            0..=2 => Stmt::Event(self.event()),
            3..=5 => self.binding(),
            6 => Stmt::Persist {
                value: self.value(&[]).0,
                span: self.span(),
                target: None,
            },
            7..=8 => self.call(),
            9..=10 => Stmt::Return {
                value: self.rng.chance(50).then(|| self.value(&[]).0),
                span: self.span(),
                error: self.rng.chance(35),
            },
            11..=12 if in_loop => {
                if self.rng.chance(50) {
                    Stmt::Break
                } else {
                    Stmt::Continue
                }
            }
            11..=12 => Stmt::Event(self.event()),
            13..=14 => {
                let arms = 1 + self.rng.below(3) as usize;
                Stmt::Branch((0..arms).map(|_| self.block(depth + 1, in_loop)).collect())
            }
            _ => {
                self.scopes.push(Vec::new());
                let bindings = if self.rng.chance(30) {
                    vec![self.bind("e")]
                } else {
                    Vec::new()
                };
                let body = self.block(depth + 1, true);
                self.scopes.pop();
                Stmt::Loop { bindings, body }
            }
        }
    }

    fn program(&mut self) -> Module {
        let functions = (0..self.functions)
            .map(|i| {
                self.current = i;
                let params: Vec<String> = (0..self.params[i]).map(|k| format!("p{k}")).collect();
                self.scopes = vec![
                    params
                        .iter()
                        .map(|name| Visible {
                            name: name.clone(),
                            value: 0,
                        })
                        .collect(),
                ];
                for k in 0..params.len() {
                    self.scopes[0][k].value = self.new_value();
                }
                let span = self.span();
                Function {
                    name: format!("f{i}"),
                    path: vec!["crate".to_owned(), format!("f{i}")],
                    owner: None,
                    kind: FunctionKind::Free,
                    params,
                    exported: true,
                    repeats: None,
                    defaults: Vec::new(),
                    parent: None,
                    span,
                    body: self.block(0, false),
                }
            })
            .collect();
        Module {
            file: FileId(0),
            language: Language::Rust,
            path: vec!["crate".to_owned()],
            imports: Vec::new(),
            functions,
            supertypes: Vec::new(),
            trackers: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Brute force.

/// What makes two runs of a source the same source (a loop runs it again).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    /// A fresh expression or a call returning a fresh value, by span.
    Fresh(u32),
    /// Literals of an event or a call (by span and text; `None` is `null`).
    ConstantAt { span: u32, text: Option<String> },
    /// The placeholder literal of a `let`, `Persist` or `return` (by the statement's address:
    /// the IR gives them no span).
    ConstantIn(usize),
}

#[derive(Clone, Debug)]
struct Instance {
    /// `None` for the parameters of the function being enumerated: the caller's business.
    source: Option<Source>,
    /// The frame that made it: only values of the enumerated function (frame 0) are judged.
    owner: usize,
    constant: bool,
    persisted: bool,
    /// The sites in the enumerated function where it is used as an id (the event, or the call
    /// of the enumerated function that leads to it).
    uses: Vec<u32>,
}

#[derive(Clone, Default)]
struct PathState {
    instances: Vec<Instance>,
    /// Per active call, innermost last: name → value.
    frames: Vec<Vec<(String, Option<usize>)>>,
}

impl PathState {
    fn env(&mut self) -> &mut Vec<(String, Option<usize>)> {
        self.frames.last_mut().expect("a frame")
    }

    fn make(&mut self, source: Source, constant: bool) -> usize {
        self.instances.push(Instance {
            source: Some(source),
            owner: self.frames.len() - 1,
            constant,
            persisted: false,
            uses: Vec::new(),
        });
        self.instances.len() - 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    Normal,
    Return {
        fresh: bool,
        error: bool,
    },
    Break,
    Continue,
    /// The call-depth bound was hit: the path is a prefix of a longer one.
    Cut,
}

type Outcome = (PathState, Exit);

/// Where a placeholder literal is met.
#[derive(Clone, Copy)]
enum MetAt {
    Span(u32),
    Statement(usize),
}

const MAX_UNROLL: usize = 3;
const MAX_DEPTH: usize = 5;
/// Total outcomes one function may produce before its program is skipped as too big.
const MAX_WORK: usize = 12_000;

struct BruteForce<'a> {
    module: &'a Module,
    work: usize,
}

struct TooBig;

impl BruteForce<'_> {
    fn spend(&mut self, outcomes: usize) -> Result<(), TooBig> {
        self.work += outcomes;
        if self.work > MAX_WORK {
            Err(TooBig)
        } else {
            Ok(())
        }
    }

    fn block(
        &mut self,
        stmts: &[Stmt],
        state: PathState,
        depth: usize,
        top: Option<u32>,
    ) -> Result<Vec<Outcome>, TooBig> {
        let mark = state.frames.last().map_or(0, Vec::len);
        let mut outcomes = vec![(state, Exit::Normal)];
        for stmt in stmts {
            let mut next = Vec::new();
            for (state, exit) in outcomes {
                if exit == Exit::Normal {
                    next.extend(self.stmt(stmt, state, depth, top)?);
                } else {
                    next.push((state, exit));
                }
            }
            self.spend(next.len())?;
            outcomes = next;
        }
        for (state, _) in &mut outcomes {
            state.env().truncate(mark);
        }
        Ok(outcomes)
    }

    /// The value `value` denotes, making one for a source or a placeholder met at `site`.
    fn resolve(&self, value: &Value, state: &mut PathState, site: MetAt) -> Option<usize> {
        let constant = |text| match site {
            MetAt::Span(span) => Source::ConstantAt { span, text },
            MetAt::Statement(stmt) => Source::ConstantIn(stmt),
        };
        match value {
            Value::Path { root, .. } => state.env().iter().rev().find(|(n, _)| n == root)?.1,
            Value::Fresh { span, .. } => Some(state.make(Source::Fresh(span.start), false)),
            // Every literal is a constant id, whatever its text.
            Value::Str(text) => Some(state.make(constant(Some(text.clone())), true)),
            Value::Null => Some(state.make(constant(None), true)),
            _ => None,
        }
    }

    fn use_as_id(&self, event: &Event, state: &mut PathState, top: Option<u32>) {
        if event.kind == EventKind::Init {
            return;
        }
        let id_merge = event.options.is_some();
        let original = event.original.iter().filter(|v| !matches!(v, Value::Null));
        for value in event.id.iter().chain(original) {
            let Some(i) = self.resolve(value, state, MetAt::Span(event.span.start)) else {
                continue;
            };
            if id_merge && state.instances[i].constant {
                continue;
            }
            let at = top.unwrap_or(event.span.start);
            state.instances[i].uses.push(at);
        }
    }

    fn stmt(
        &mut self,
        stmt: &Stmt,
        mut state: PathState,
        depth: usize,
        top: Option<u32>,
    ) -> Result<Vec<Outcome>, TooBig> {
        let at_statement = MetAt::Statement(std::ptr::from_ref(stmt) as usize);
        Ok(match stmt {
            Stmt::Event(event) => {
                self.use_as_id(event, &mut state, top);
                vec![(state, Exit::Normal)]
            }
            Stmt::Call(call) => return self.call(call, state, depth, top),
            Stmt::Let { name, value } => {
                let denotes = self.resolve(value, &mut state, at_statement);
                state.env().push((name.clone(), denotes));
                vec![(state, Exit::Normal)]
            }
            Stmt::Persist { value, .. } => {
                if let Some(i) = self.resolve(value, &mut state, at_statement) {
                    state.instances[i].persisted = true;
                }
                vec![(state, Exit::Normal)]
            }
            Stmt::Guard { .. } => vec![(state, Exit::Normal)],
            Stmt::Return { value, error, .. } => {
                let mut fresh = false;
                if let Some(value) = value
                    && let Some(i) = self.resolve(value, &mut state, at_statement)
                {
                    let instance = &mut state.instances[i];
                    instance.persisted = true;
                    fresh = !instance.constant
                        && instance.source.is_some()
                        && instance.owner == state.frames.len() - 1;
                }
                let error = *error;
                vec![(state, Exit::Return { fresh, error })]
            }
            Stmt::Break => vec![(state, Exit::Break)],
            Stmt::Continue => vec![(state, Exit::Continue)],
            Stmt::Branch(arms) if arms.is_empty() => vec![(state, Exit::Normal)],
            Stmt::Branch(arms) => {
                let mut out = Vec::new();
                for arm in arms {
                    out.extend(self.block(arm, state.clone(), depth, top)?);
                }
                out
            }
            Stmt::Loop { bindings, body } => self.looped(bindings, body, state, depth, top)?,
        })
    }

    /// Zero to `MAX_UNROLL + 1` runs of the body.
    fn looped(
        &mut self,
        bindings: &[String],
        body: &[Stmt],
        state: PathState,
        depth: usize,
        top: Option<u32>,
    ) -> Result<Vec<Outcome>, TooBig> {
        let mut done = Vec::new();
        let mut running = vec![state];
        for _ in 0..=MAX_UNROLL {
            let mut next = Vec::new();
            for mut state in running {
                done.push((state.clone(), Exit::Normal));
                let mark = state.env().len();
                for name in bindings {
                    state.env().push((name.clone(), None));
                }
                for (mut state, exit) in self.block(body, state, depth, top)? {
                    state.env().truncate(mark);
                    match exit {
                        Exit::Normal | Exit::Continue => next.push(state),
                        Exit::Break => done.push((state, Exit::Normal)),
                        Exit::Return { .. } | Exit::Cut => done.push((state, exit)),
                    }
                }
            }
            self.spend(next.len())?;
            running = next;
        }
        done.extend(running.into_iter().map(|state| (state, Exit::Normal)));
        Ok(done)
    }

    fn call(
        &mut self,
        call: &Call,
        mut state: PathState,
        depth: usize,
        top: Option<u32>,
    ) -> Result<Vec<Outcome>, TooBig> {
        if let Some(event) = &call.sdk_fallback {
            self.use_as_id(event, &mut state, top);
            return Ok(vec![(state, Exit::Normal)]);
        }
        let Callee::Path(path) = &call.callee else {
            unreachable!("the generator makes path calls")
        };
        let args: Vec<Option<usize>> = call
            .args
            .iter()
            .map(|a| self.resolve(a, &mut state, MetAt::Span(call.span.start)))
            .collect();
        let Some(callee) = self.module.functions.iter().find(|f| f.name == path[0]) else {
            // Code idlint cannot see keeps what it is given.
            for i in args.into_iter().flatten() {
                state.instances[i].persisted = true;
            }
            if let Some(name) = &call.result {
                state.env().push((name.clone(), None));
            }
            return Ok(vec![(state, Exit::Normal)]);
        };
        if depth >= MAX_DEPTH {
            return Ok(vec![(state, Exit::Cut)]);
        }
        let frame = callee
            .params
            .iter()
            .enumerate()
            .map(|(k, p)| (p.clone(), args.get(k).copied().flatten()))
            .collect();
        state.frames.push(frame);
        let top = top.or(Some(call.span.start));
        let mut out = Vec::new();
        for (mut state, exit) in self.block(&callee.body, state, depth + 1, top)? {
            let fresh = match exit {
                Exit::Cut => {
                    out.push((state, Exit::Cut));
                    continue;
                }
                Exit::Return { fresh, .. } => fresh,
                Exit::Normal => false,
                // Never generated outside a loop.
                Exit::Break | Exit::Continue => continue,
            };
            state.frames.pop();
            let result = fresh.then(|| state.make(Source::Fresh(call.span.start), false));
            if let Some(name) = &call.result {
                state.env().push((name.clone(), result));
            }
            out.push((state, Exit::Normal));
        }
        Ok(out)
    }
}

/// What brute force finds in one function.
#[derive(Debug, Default)]
struct Expected {
    /// Fresh sources that leak on a complete path, with the uses on leaking paths.
    sure: BTreeMap<u32, BTreeSet<u32>>,
    /// Fresh sources that leak on a path cut by the depth bound (so far).
    maybe: BTreeMap<u32, BTreeSet<u32>>,
    /// Placeholder sources used as an id on some path prefix, with those uses.
    constants: BTreeMap<Source, BTreeSet<u32>>,
    paths: usize,
}

fn expected(module: &Module, function: &Function) -> Option<Expected> {
    let mut brute = BruteForce { module, work: 0 };
    let mut entry = PathState::default();
    entry.frames.push(Vec::new());
    for param in &function.params {
        entry.instances.push(Instance {
            source: None,
            owner: 0,
            constant: false,
            persisted: false,
            uses: Vec::new(),
        });
        let i = entry.instances.len() - 1;
        entry.env().push((param.clone(), Some(i)));
    }
    let outcomes = brute.block(&function.body, entry, 0, None).ok()?;
    let mut found = Expected {
        paths: outcomes.len(),
        ..Expected::default()
    };
    for (state, exit) in &outcomes {
        let complete = matches!(exit, Exit::Normal | Exit::Return { error: false, .. });
        for instance in state.instances.iter().filter(|i| i.owner == 0) {
            let Some(source) = &instance.source else {
                continue;
            };
            if instance.uses.is_empty() {
                continue;
            }
            let uses = instance.uses.iter().copied();
            match (source, instance.constant) {
                (_, true) => found
                    .constants
                    .entry(source.clone())
                    .or_default()
                    .extend(uses),
                (Source::Fresh(span), false) if !instance.persisted => {
                    let bucket = match exit {
                        _ if complete => &mut found.sure,
                        Exit::Cut => &mut found.maybe,
                        _ => continue,
                    };
                    bucket.entry(*span).or_default().extend(uses);
                }
                _ => {}
            }
        }
    }
    Some(found)
}

/// What the analysis reports in one function: fresh leaks by origin, and the constants' uses.
#[derive(Debug, Default)]
struct Reported {
    fresh: BTreeMap<u32, u32>,
    duplicated: Vec<u32>,
    constants: Vec<u32>,
    /// Witnesses whose call chain does not lead where it says.
    broken: Vec<String>,
}

fn top_site(site: &Witness) -> u32 {
    site.chain.first().map_or(site.event.span, |l| l.span).start
}

/// What the spans of a program are, by start: to follow a witness's call chain.
#[derive(Default)]
struct Spans {
    /// Call → (caller, callee if a project function).
    calls: HashMap<u32, (usize, Option<usize>)>,
    /// Event (or SDK call) → its function.
    events: HashMap<u32, usize>,
    /// Fresh expression → its function.
    fresh: HashMap<u32, usize>,
}

impl Spans {
    fn of(module: &Module) -> Spans {
        let mut spans = Spans::default();
        for (f, function) in module.functions.iter().enumerate() {
            idlint::ir::walk_block(&function.body, &mut |stmt| {
                let mut values: Vec<&Value> = Vec::new();
                match stmt {
                    Stmt::Event(event) => {
                        spans.events.insert(event.span.start, f);
                        values.extend(event.id.iter().chain(&event.original));
                    }
                    Stmt::Call(call) => {
                        if let Some(event) = &call.sdk_fallback {
                            spans.events.insert(event.span.start, f);
                            values.extend(event.id.iter().chain(&event.original));
                        } else if let Callee::Path(path) = &call.callee {
                            let callee = module.functions.iter().position(|g| g.name == path[0]);
                            spans.calls.insert(call.span.start, (f, callee));
                        }
                        values.extend(&call.args);
                    }
                    Stmt::Let { value, .. } | Stmt::Persist { value, .. } => values.push(value),
                    Stmt::Return { value, .. } => values.extend(value),
                    _ => {}
                }
                for value in values {
                    if let Value::Fresh { span, .. } = value {
                        spans.fresh.insert(span.start, f);
                    }
                }
            });
        }
        spans
    }

    /// Does `site`'s chain lead, call by call from `from`, to one of `ends` in the right function?
    fn leads(&self, site: &Witness, from: usize, ends: &HashMap<u32, usize>) -> bool {
        let mut function = from;
        for link in &site.chain {
            match self.calls.get(&link.span.start) {
                Some(&(caller, Some(callee)))
                    if caller == function && link.caller.0 as usize == function =>
                {
                    function = callee;
                }
                _ => return false,
            }
        }
        site.event.function.0 as usize == function
            && ends.get(&site.event.span.start) == Some(&function)
    }
}

fn reported(program: &Program, spans: &Spans, function: usize) -> Reported {
    let mut out = Reported::default();
    for leak in program.fresh_leaks() {
        if leak.function.0 as usize != function {
            continue;
        }
        if !spans.leads(&leak.use_site, function, &spans.events) {
            out.broken.push(format!("use {:?}", leak.use_site));
        }
        if !leak.constant && !spans.leads(&leak.origin.site, function, &spans.fresh) {
            out.broken.push(format!("origin {:?}", leak.origin.site));
        }
        let used = top_site(&leak.use_site);
        if leak.constant {
            out.constants.push(used);
        } else if out
            .fresh
            .insert(top_site(&leak.origin.site), used)
            .is_some()
        {
            out.duplicated.push(top_site(&leak.origin.site));
        }
    }
    out
}

/// Can every reported constant use be matched with its own used placeholder source (one each,
/// all sources matched)? Kuhn's augmenting paths; the sets are tiny.
fn constants_match(reported: &[u32], sources: &BTreeMap<Source, BTreeSet<u32>>) -> bool {
    let sources: Vec<&BTreeSet<u32>> = sources.values().collect();
    if reported.len() != sources.len() {
        return false;
    }
    let mut owner: Vec<Option<usize>> = vec![None; sources.len()];
    fn augment(
        leak: usize,
        reported: &[u32],
        sources: &[&BTreeSet<u32>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for s in 0..sources.len() {
            if seen[s] || !sources[s].contains(&reported[leak]) {
                continue;
            }
            seen[s] = true;
            if owner[s].is_none_or(|other| augment(other, reported, sources, owner, seen)) {
                owner[s] = Some(leak);
                return true;
            }
        }
        false
    }
    (0..reported.len()).all(|leak| {
        let mut seen = vec![false; sources.len()];
        augment(leak, reported, &sources, &mut owner, &mut seen)
    })
}

/// Why the analysis and brute force disagree on one function, if they do.
fn disagreement(expected: &Expected, reported: &Reported) -> Option<String> {
    if !reported.broken.is_empty() {
        return Some(format!("broken witnesses: {:?}", reported.broken));
    }
    if !reported.duplicated.is_empty() {
        return Some(format!(
            "fresh sources reported twice: {:?}",
            reported.duplicated
        ));
    }
    let reported_sources: BTreeSet<u32> = reported.fresh.keys().copied().collect();
    let sure: BTreeSet<u32> = expected.sure.keys().copied().collect();
    let possible: BTreeSet<u32> = sure
        .union(&expected.maybe.keys().copied().collect())
        .copied()
        .collect();
    if !sure.is_subset(&reported_sources) || !reported_sources.is_subset(&possible) {
        return Some(format!(
            "fresh leaks: analysis reports {reported_sources:?}, brute force finds {sure:?} (and maybe {:?})",
            expected.maybe.keys().collect::<Vec<_>>()
        ));
    }
    for (source, used) in &reported.fresh {
        let valid: BTreeSet<u32> = expected
            .sure
            .get(source)
            .into_iter()
            .chain(expected.maybe.get(source))
            .flatten()
            .copied()
            .collect();
        if !valid.contains(used) {
            return Some(format!(
                "the leak of {source} is shown at {used}, which no leaking path uses (those do: {valid:?})"
            ));
        }
    }
    if !constants_match(&reported.constants, &expected.constants) {
        return Some(format!(
            "placeholders: analysis reports uses {:?}, brute force finds sources with uses {:?}",
            reported.constants,
            expected.constants.values().collect::<Vec<_>>()
        ));
    }
    None
}

/// Checks every function of one program: the paths enumerated, `None` when too many to
/// enumerate, or why the analysis and brute force disagree.
fn check_program(module: &Module) -> Result<Option<usize>, String> {
    let mut all_expected = Vec::new();
    for function in &module.functions {
        match expected(module, function) {
            Some(found) => all_expected.push(found),
            None => return Ok(None),
        }
    }
    let program = Program::new(vec![module.clone()]);
    let spans = Spans::of(module);
    let mut paths = 0;
    for (f, expected) in all_expected.iter().enumerate() {
        let reported = reported(&program, &spans, f);
        if let Some(why) = disagreement(expected, &reported) {
            return Err(format!("function f{f}: {why}\n{}", render(module)));
        }
        paths += expected.paths;
    }
    Ok(Some(paths))
}

/// Programs checked, paths enumerated.
fn check_seeds(seeds: std::ops::RangeInclusive<u64>) -> (usize, usize) {
    let (mut programs, mut paths) = (0, 0);
    for seed in seeds {
        let module = Generator::new(seed).program();
        match check_program(&module) {
            Ok(Some(n)) => {
                programs += 1;
                paths += n;
            }
            Ok(None) => {}
            Err(why) => panic!("seed {seed}, {why}"),
        }
    }
    (programs, paths)
}

#[test]
fn freshness_matches_brute_force_on_random_programs() {
    let started = std::time::Instant::now();
    let (programs, paths) = check_seeds(1..=5_000);
    eprintln!(
        "fresh oracle: {programs} programs, {paths} paths, {:.1?}",
        started.elapsed()
    );
    assert!(
        programs > 4_500,
        "only {programs} programs were small enough to enumerate"
    );
}

// ---------------------------------------------------------------------------------------------
// Failure messages: the program as pseudo-code, spans as `@start`.

fn render(module: &Module) -> String {
    let mut out = String::new();
    for function in &module.functions {
        out += &format!("fn {}({}):\n", function.name, function.params.join(", "));
        render_block(&function.body, 1, &mut out);
    }
    out
}

fn render_value(value: &Value) -> String {
    match value {
        Value::Path { root, fields } if fields.is_empty() => root.clone(),
        Value::Path { root, fields } => format!("{root}.{}", fields.join(".")),
        Value::Fresh { span, .. } => format!("uuid()@{}", span.start),
        other => format!("{other:?}"),
    }
}

fn render_event(event: &Event) -> String {
    let original = event
        .original
        .as_ref()
        .map(|o| format!(", original {}", render_value(o)))
        .unwrap_or_default();
    let merge = if event.options.is_some() {
        " [id merge]"
    } else {
        ""
    };
    format!(
        "{}({}{original}){merge} @{}",
        event.method,
        event.id.as_ref().map(render_value).unwrap_or_default(),
        event.span.start
    )
}

fn render_block(block: &[Stmt], depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    for stmt in block {
        let line = match stmt {
            Stmt::Event(event) => render_event(event),
            Stmt::Call(call) => {
                if let Some(event) = &call.sdk_fallback {
                    format!("sdk {}", render_event(event))
                } else {
                    let callee = match &call.callee {
                        Callee::Path(path) => path.join("::"),
                        other => format!("{other:?}"),
                    };
                    let args: Vec<String> = call.args.iter().map(render_value).collect();
                    let result = call
                        .result
                        .as_ref()
                        .map(|r| format!("{r} = "))
                        .unwrap_or_default();
                    format!("{result}{callee}({}) @{}", args.join(", "), call.span.start)
                }
            }
            Stmt::Let { name, value } => format!("let {name} = {}", render_value(value)),
            Stmt::Persist { value, .. } => format!("persist {}", render_value(value)),
            Stmt::Guard { value, holds } => format!("guard {holds} {}", render_value(value)),
            Stmt::Return { value, error, .. } => format!(
                "{}{}",
                if *error { "throw" } else { "return" },
                value
                    .as_ref()
                    .map(|v| format!(" {}", render_value(v)))
                    .unwrap_or_default()
            ),
            Stmt::Break => "break".to_owned(),
            Stmt::Continue => "continue".to_owned(),
            Stmt::Branch(arms) => {
                for (i, arm) in arms.iter().enumerate() {
                    *out += &format!("{pad}{}\n", if i == 0 { "if:" } else { "or:" });
                    render_block(arm, depth + 1, out);
                }
                continue;
            }
            Stmt::Loop { bindings, body } => {
                *out += &format!("{pad}loop {}:\n", bindings.join(", "));
                render_block(body, depth + 1, out);
                continue;
            }
        };
        *out += &format!("{pad}{line}\n");
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes worth checking on every run, whatever the random programs happen to contain.

fn at(start: u32) -> Span {
    Span {
        file: FileId(0),
        start,
        end: start + 1,
    }
}

fn uuid(start: u32) -> Value {
    Value::Fresh {
        origin: "uuid".to_owned(),
        span: at(start),
    }
}

fn track(id: Value, start: u32) -> Stmt {
    Stmt::Event(Event {
        kind: EventKind::Track,
        side: Side::Server,
        id: Some(id),
        original: None,
        method: "track".to_owned(),
        span: at(start),
        options: None,
        property_keys: Vec::new(),
    })
}

fn call(callee: &str, args: Vec<Value>, result: Option<&str>, start: u32) -> Stmt {
    Stmt::Call(Call {
        callee: Callee::Path(vec![callee.to_owned()]),
        args,
        result: result.map(str::to_owned),
        span: at(start),
        sdk_fallback: None,
        keywords: Vec::new(),
        spread: false,
    })
}

fn let_(name: &str, value: Value) -> Stmt {
    Stmt::Let {
        name: name.to_owned(),
        value,
    }
}

fn exit(value: Option<Value>, error: bool) -> Stmt {
    Stmt::Return {
        value,
        span: at(900),
        error,
    }
}

fn module(functions: Vec<(Vec<&str>, Vec<Stmt>)>) -> Module {
    let mut generator = Generator::new(1);
    let mut module = generator.program();
    module.functions = functions
        .into_iter()
        .enumerate()
        .map(|(i, (params, body))| Function {
            name: format!("f{i}"),
            path: vec!["crate".to_owned(), format!("f{i}")],
            owner: None,
            kind: FunctionKind::Free,
            params: params.into_iter().map(str::to_owned).collect(),
            exported: true,
            repeats: None,
            defaults: Vec::new(),
            parent: None,
            span: at(1000 + i as u32),
            body,
        })
        .collect();
    module
}

#[test]
fn freshness_matches_brute_force_on_known_shapes() {
    let x = || Value::local("x");
    let shapes = [
        // Dead code after a return, holding what would be a leak.
        module(vec![(
            vec![],
            vec![let_("x", uuid(2)), exit(None, false), track(x(), 4)],
        )]),
        // A leak, then a throw whose dead code would have kept the id.
        module(vec![(
            vec![],
            vec![
                let_("x", uuid(2)),
                track(x(), 4),
                exit(None, false),
                Stmt::Persist {
                    value: x(),
                    span: at(6),
                    target: None,
                },
            ],
        )]),
        // A recursive wrapper: the use's witness must not go round the recursion.
        module(vec![
            (
                vec!["p0"],
                vec![Stmt::Branch(vec![
                    vec![call("f0", vec![Value::local("p0")], None, 2)],
                    vec![track(Value::local("p0"), 4)],
                ])],
            ),
            (
                vec![],
                vec![let_("x", uuid(6)), call("f0", vec![x()], None, 8)],
            ),
        ]),
        // A recursive maker of fresh ids: the origin's witness must not go round either.
        module(vec![
            (
                vec![],
                vec![Stmt::Branch(vec![
                    vec![
                        call("f0", vec![], Some("r"), 2),
                        exit(Some(Value::local("r")), false),
                    ],
                    vec![exit(Some(uuid(4)), false)],
                ])],
            ),
            (
                vec![],
                vec![call("f0", vec![], Some("x"), 6), track(x(), 8)],
            ),
        ]),
        // A function that only recurses never comes back: nothing after its call runs.
        module(vec![(
            vec![],
            vec![
                let_("x", uuid(2)),
                call("f0", vec![], None, 4),
                track(x(), 6),
            ],
        )]),
        // A placeholder bound in a loop is one value, however often the loop runs.
        module(vec![(
            vec![],
            vec![Stmt::Loop {
                bindings: Vec::new(),
                body: vec![
                    let_("x", Value::Str(PLACEHOLDER.to_owned())),
                    track(x(), 2),
                    track(x(), 4),
                ],
            }],
        )]),
        // A fresh id made in a loop, lost on one run and kept on the next, which returns.
        module(vec![(
            vec![],
            vec![
                Stmt::Loop {
                    bindings: Vec::new(),
                    body: vec![
                        let_("x", uuid(2)),
                        track(x(), 4),
                        Stmt::Branch(vec![
                            vec![
                                Stmt::Persist {
                                    value: x(),
                                    span: at(6),
                                    target: None,
                                },
                                exit(None, false),
                            ],
                            vec![],
                        ]),
                    ],
                },
                exit(None, true),
            ],
        )]),
    ];
    for (i, shape) in shapes.iter().enumerate() {
        if let Err(why) = check_program(shape) {
            panic!("shape {i}: {why}");
        }
    }
}
