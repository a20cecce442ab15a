//! The test oracle of ANALYSIS.md: small random IR programs, every path enumerated by brute
//! force (bounded loop unrolling and recursion), the automaton run on each path. The engine
//! must report a violation at exactly the sites of each function where brute force finds one
//! (an event of the function, or a call whose callee completes it), and every primary site it
//! names must be one brute force confirms.
//!
//! Client-side events only (one user per path), so the oracle stays a few lines long; the
//! per-user split of server SDKs is covered by the fixtures.
//!
//! Branches may test a local value (`Guard`): a path that assumes it both truthy and falsy in
//! one activation of a function is no path. A function may repeat (`Function::repeats`): its
//! body runs as one or more invocations per call, and an arm a sign-up-only guard starts
//! (`isNew` holds) is taken in the first of them only.

mod common;

use common::Rng;
use std::collections::BTreeSet;

use idlint::analysis::{Automaton, Letter, Program};
use idlint::ir::{
    Call, Callee, Event, EventKind, FileId, Function, FunctionKind, Language, Module, Side, Span,
    Stmt, Value,
};

struct Generator {
    rng: Rng,
    next_span: u32,
    functions: usize,
    /// Programs about guards and repetition: `f0` repeats, and every branch tests a value.
    focus: bool,
}

impl Generator {
    fn span(&mut self) -> Span {
        self.next_span += 1;
        Span {
            file: FileId(0),
            start: self.next_span,
            end: self.next_span + 1,
        }
    }

    fn event(&mut self) -> Stmt {
        let (kind, id) = match self.rng.below(6) {
            0 | 1 => (EventKind::Alias, Some(self.id())),
            2 | 3 => (EventKind::Identify, Some(self.id())),
            4 => (EventKind::People, None),
            _ => (EventKind::Reset, None),
        };
        Stmt::Event(Event {
            kind,
            side: Side::Client,
            id,
            original: None,
            method: kind.as_str().to_owned(),
            span: self.span(),
            options: None,
        })
    }

    fn id(&mut self) -> Value {
        Value::Str(if self.rng.below(2) == 0 { "a" } else { "b" }.to_owned())
    }

    fn block(&mut self, depth: u32, in_loop: bool) -> Vec<Stmt> {
        let len = self.rng.below(if self.focus { 3 } else { 4 }) as usize;
        (0..len).map(|_| self.stmt(depth, in_loop)).collect()
    }

    fn stmt(&mut self, depth: u32, in_loop: bool) -> Stmt {
        let choice = if depth >= 3 || (self.focus && depth >= 2) {
            self.rng.below(4)
        } else {
            self.rng.below(9)
        };
        match choice {
            0 | 1 => self.event(),
            2 => {
                let callee = self.rng.below(self.functions as u64);
                Stmt::Call(Call {
                    callee: Callee::Path(vec![format!("f{callee}")]),
                    args: Vec::new(),
                    result: None,
                    span: self.span(),
                    sdk_fallback: None,
                })
            }
            3 => match (in_loop, self.rng.below(4)) {
                (true, 0) => Stmt::Break,
                (true, 1) => Stmt::Continue,
                (_, 2) => Stmt::Return {
                    value: None,
                    span: self.span(),
                    error: false,
                },
                _ => self.event(),
            },
            4 if !self.focus => Stmt::Branch(vec![
                self.block(depth + 1, in_loop),
                self.block(depth + 1, in_loop),
            ]),
            4..=6 => {
                // `if (c) … else …` over one of a few locals; `isNew` reads as sign-up-only.
                let name = ["c", "d", "isNew", "isNew"]
                    [self.rng.below(if self.focus { 4 } else { 3 }) as usize];
                let guard = |holds| Stmt::Guard {
                    value: Value::local(name),
                    holds,
                };
                let mut then = vec![guard(true)];
                then.extend(self.block(depth + 1, in_loop));
                let mut otherwise = vec![guard(false)];
                otherwise.extend(self.block(depth + 1, in_loop));
                Stmt::Branch(vec![then, otherwise])
            }
            _ => Stmt::Loop {
                bindings: Vec::new(),
                body: self.block(depth + 1, true),
            },
        }
    }

    fn program(&mut self) -> Module {
        let functions = (0..self.functions)
            .map(|i| {
                let span = self.span();
                Function {
                    name: format!("f{i}"),
                    path: vec!["crate".to_owned(), format!("f{i}")],
                    owner: None,
                    kind: FunctionKind::Free,
                    params: Vec::new(),
                    exported: true,
                    repeats: (self.rng.below(4) == 0 || (self.focus && i == 0))
                        .then(|| "a test".to_owned()),
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

/// One event on an enumerated path: where it is, what it is, and which call of the root
/// function it happened inside (`None`: in the root's own body).
#[derive(Clone, Debug)]
struct Occurrence {
    span: Span,
    letter: Letter,
    id: Option<String>,
    /// The call of the root function this happened inside, and that call's span.
    top_call: Option<(u32, Span)>,
    /// Not an event but what the path assumed there.
    assumed: Option<Assumed>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Assumed {
    /// A guard: in activation `frame`, `name` is truthy or not.
    Test {
        frame: u32,
        name: String,
        holds: bool,
    },
    /// A once-only arm taken in invocation `invocation` of a repeating activation.
    OnceArm { invocation: u32 },
}

impl Occurrence {
    fn assumption(assumed: Assumed) -> Occurrence {
        Occurrence {
            span: Span {
                file: FileId(0),
                start: 0,
                end: 0,
            },
            letter: Letter::UseId,
            id: None,
            top_call: None,
            assumed: Some(assumed),
        }
    }
}

/// Whether a path's assumptions can hold together: no local tested both ways in one
/// activation, and once-only arms in the first invocation of a repeating activation only.
fn feasible(trace: &[Occurrence]) -> bool {
    let mut tests: std::collections::HashMap<(u32, &str), bool> = Default::default();
    for assumed in trace.iter().filter_map(|o| o.assumed.as_ref()) {
        match assumed {
            Assumed::Test { frame, name, holds } => {
                if *tests.entry((*frame, name.as_str())).or_insert(*holds) != *holds {
                    return false;
                }
            }
            Assumed::OnceArm { invocation } => {
                if *invocation != 0 {
                    return false;
                }
            }
        }
    }
    true
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Exit {
    Normal,
    Return,
    Break,
    Continue,
    /// The enumeration bound was hit: the trace is a prefix of a longer (or endless) path.
    Cut,
}

const MAX_UNROLL: usize = 3;
const MAX_DEPTH: usize = 4;
const MAX_PATHS: usize = 2_000;
/// Total outcomes one program may produce before it is skipped as too big to enumerate.
const MAX_WORK: usize = 60_000;

struct Enumerator<'a> {
    module: &'a Module,
    calls_made: u32,
    too_many: bool,
    work: usize,
    /// Activations numbered so far: each call, and each invocation of a repeating body.
    frames: u32,
    /// The activation being enumerated, and the invocation of the repeating body it is in.
    frame: u32,
    invocation: Option<u32>,
}

type Outcome = (Vec<Occurrence>, Exit);

impl Enumerator<'_> {
    fn block(&mut self, stmts: &[Stmt], depth: usize, top: Option<(u32, Span)>) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = vec![(Vec::new(), Exit::Normal)];
        for stmt in stmts {
            let mut next = Vec::new();
            for (trace, exit) in outcomes {
                if exit != Exit::Normal {
                    next.push((trace, exit));
                    continue;
                }
                for (more, exit) in self.stmt(stmt, depth, top) {
                    let mut joined = trace.clone();
                    joined.extend(more);
                    next.push((joined, exit));
                }
            }
            self.work += next.len();
            if next.len() > MAX_PATHS || self.work > MAX_WORK {
                self.too_many = true;
                return Vec::new();
            }
            outcomes = next;
        }
        outcomes
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize, top: Option<(u32, Span)>) -> Vec<Outcome> {
        match stmt {
            Stmt::Event(event) => {
                let letter = match event.kind {
                    EventKind::Alias => Letter::Alias,
                    EventKind::Reset => Letter::Reset,
                    EventKind::People => Letter::Profile,
                    _ => Letter::UseId,
                };
                let id = match &event.id {
                    Some(Value::Str(s)) => Some(s.clone()),
                    _ => None,
                };
                vec![(
                    vec![Occurrence {
                        span: event.span,
                        letter,
                        id,
                        top_call: top,
                        assumed: None,
                    }],
                    Exit::Normal,
                )]
            }
            Stmt::Call(call) => {
                if depth >= MAX_DEPTH || self.too_many {
                    return vec![(Vec::new(), Exit::Cut)];
                }
                let Callee::Path(path) = &call.callee else {
                    unreachable!()
                };
                let callee = self
                    .module
                    .functions
                    .iter()
                    .find(|f| f.name == path[0])
                    .expect("callee exists");
                let top = top.or_else(|| {
                    self.calls_made += 1;
                    Some((self.calls_made, call.span))
                });
                self.activation(callee, depth + 1, top)
                    .into_iter()
                    .filter(|(_, exit)| matches!(exit, Exit::Normal | Exit::Return | Exit::Cut))
                    .map(|(trace, exit)| {
                        (
                            trace,
                            if exit == Exit::Cut {
                                Exit::Cut
                            } else {
                                Exit::Normal
                            },
                        )
                    })
                    .collect()
            }
            Stmt::Branch(arms) => arms
                .iter()
                .flat_map(|arm| {
                    let mut outcomes = self.block(arm, depth, top);
                    if let (Some(Stmt::Guard { holds: true, value }), Some(invocation)) =
                        (arm.first(), self.invocation)
                        && *value == Value::local("isNew")
                    {
                        let once = Occurrence::assumption(Assumed::OnceArm { invocation });
                        for (trace, _) in &mut outcomes {
                            trace.insert(0, once.clone());
                        }
                    }
                    outcomes
                })
                .collect(),
            Stmt::Loop { body, .. } => {
                let mut done = Vec::new();
                let mut running: Vec<Vec<Occurrence>> = vec![Vec::new()];
                for _ in 0..=MAX_UNROLL {
                    let mut next = Vec::new();
                    for trace in running {
                        done.push((trace.clone(), Exit::Normal));
                        for (more, exit) in self.block(body, depth, top) {
                            let mut joined = trace.clone();
                            joined.extend(more);
                            match exit {
                                Exit::Normal | Exit::Continue => next.push(joined),
                                Exit::Break => done.push((joined, Exit::Normal)),
                                Exit::Return | Exit::Cut => done.push((joined, exit)),
                            }
                        }
                    }
                    self.work += next.len();
                    if next.len() > MAX_PATHS || self.work > MAX_WORK {
                        self.too_many = true;
                        return Vec::new();
                    }
                    running = next;
                }
                done.extend(running.into_iter().map(|trace| (trace, Exit::Cut)));
                done
            }
            Stmt::Break => vec![(Vec::new(), Exit::Break)],
            Stmt::Continue => vec![(Vec::new(), Exit::Continue)],
            Stmt::Return { .. } => vec![(Vec::new(), Exit::Return)],
            Stmt::Guard { value, holds } => {
                let Value::Path { root, .. } = value else {
                    unreachable!()
                };
                let test = Assumed::Test {
                    frame: self.frame,
                    name: root.clone(),
                    holds: *holds,
                };
                vec![(vec![Occurrence::assumption(test)], Exit::Normal)]
            }
            Stmt::Let { .. } | Stmt::Persist { .. } => vec![(Vec::new(), Exit::Normal)],
        }
    }

    /// A function's body in an activation of its own; a repeating one runs one or more
    /// invocations, each an activation, each ending however its path leaves the body.
    fn activation(
        &mut self,
        function: &Function,
        depth: usize,
        top: Option<(u32, Span)>,
    ) -> Vec<Outcome> {
        let saved = (self.frame, self.invocation);
        let outcomes = if function.repeats.is_none() {
            self.frames += 1;
            self.frame = self.frames;
            self.invocation = None;
            self.block(&function.body, depth, top)
        } else {
            let mut done = Vec::new();
            let mut running: Vec<Vec<Occurrence>> = vec![Vec::new()];
            for invocation in 0..MAX_UNROLL as u32 {
                let mut next = Vec::new();
                for trace in running {
                    self.frames += 1;
                    self.frame = self.frames;
                    self.invocation = Some(invocation);
                    for (more, exit) in self.block(&function.body, depth, top) {
                        let mut joined = trace.clone();
                        joined.extend(more);
                        match exit {
                            Exit::Cut => done.push((joined, Exit::Cut)),
                            _ => {
                                done.push((joined.clone(), Exit::Normal));
                                next.push(joined);
                            }
                        }
                    }
                }
                self.work += next.len();
                if next.len() > MAX_PATHS || self.work > MAX_WORK {
                    self.too_many = true;
                    return Vec::new();
                }
                running = next;
            }
            done.extend(running.into_iter().map(|trace| (trace, Exit::Cut)));
            done
        };
        (self.frame, self.invocation) = saved;
        outcomes
    }
}

/// `(function, site)` and `(function, primary)` pairs, by span start.
#[derive(Debug, Default, PartialEq, Eq)]
struct Found {
    sites: BTreeSet<(usize, u32)>,
    primaries: BTreeSet<(usize, u32)>,
}

/// What brute force finds for `automaton`.
fn expected(module: &Module, automaton: &Automaton, same_id: bool) -> Option<Found> {
    let mut out = Found::default();
    // Functions nothing calls: only there does a path start with nothing before it.
    let mut called = std::collections::HashSet::new();
    for function in &module.functions {
        idlint::ir::walk_block(&function.body, &mut |stmt| {
            if let Stmt::Call(Call {
                callee: Callee::Path(path),
                ..
            }) = stmt
            {
                called.insert(path[0].clone());
            }
        });
    }
    for (f, function) in module.functions.iter().enumerate() {
        let mut enumerator = Enumerator {
            module,
            calls_made: 0,
            too_many: false,
            work: 0,
            frames: 0,
            frame: 0,
            invocation: None,
        };
        let outcomes = enumerator.activation(function, 0, None);
        if enumerator.too_many {
            return None;
        }
        let keys: Vec<Option<&str>> = if same_id {
            vec![Some("a"), Some("b")]
        } else {
            vec![None]
        };
        for (trace, _) in &outcomes {
            if !feasible(trace) {
                continue;
            }
            for key in &keys {
                let mut state = 0u8;
                let mut changed_by: Option<&Occurrence> = None;
                for occurrence in trace.iter().filter(|o| o.assumed.is_none()) {
                    let counts = occurrence.letter == Letter::Reset
                        || key.is_none()
                        || occurrence.id.as_deref() == *key;
                    if !counts {
                        continue;
                    }
                    let step = (automaton.step)(state, occurrence.letter);
                    if step.violation {
                        let secondary_top = changed_by.and_then(|s| s.top_call);
                        let own =
                            occurrence.top_call.is_none() || secondary_top != occurrence.top_call;
                        // The start state with nothing before it is only the state of a path
                        // that starts here, at a function nothing calls.
                        let started_here = changed_by.is_some() || !called.contains(&function.name);
                        if own && started_here {
                            let site = occurrence
                                .top_call
                                .map_or(occurrence.span, |(_, call)| call);
                            out.sites.insert((f, site.start));
                            out.primaries.insert((f, occurrence.span.start));
                        }
                    }
                    if step.next != state {
                        changed_by = Some(occurrence);
                    }
                    state = step.next;
                }
            }
        }
    }
    Some(out)
}

fn reported(program: &Program, automaton: &Automaton) -> Found {
    let mut found = Found::default();
    for violation in program.path_violations(automaton) {
        let f = violation.function.0 as usize;
        let primary = violation.primary.event.span;
        let site = violation
            .primary
            .chain
            .first()
            .map_or(primary, |link| link.span);
        found.sites.insert((f, site.start));
        found.primaries.insert((f, primary.start));
    }
    found
}

fn automata() -> Vec<(Automaton, bool)> {
    idlint::rules::path_automata()
        .into_iter()
        .map(|a| (a, a.grouping == idlint::analysis::Grouping::SameId))
        .collect()
}

/// Runs the engine and brute force on the programs of `seeds`; how many were compared.
fn compare_on(seeds: std::ops::RangeInclusive<u64>, focus: bool) -> usize {
    let mut compared = 0;
    for seed in seeds {
        let mut generator = Generator {
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            next_span: 0,
            functions: 1 + (seed % 3) as usize,
            focus,
        };
        let module = generator.program();
        let program = Program::new(vec![module.clone()]);
        for (automaton, same_id) in automata() {
            let Some(expected) = expected(&module, &automaton, same_id) else {
                continue;
            };
            let actual = reported(&program, &automaton);
            compared += 1;
            assert_eq!(
                actual.sites, expected.sites,
                "seed {seed}, rule {}: engine (left) and brute force (right) report at different sites of\n{module:#?}",
                automaton.rule
            );
            assert!(
                actual.primaries.is_subset(&expected.primaries),
                "seed {seed}, rule {}: the engine names primaries {:?} that brute force does not confirm ({:?}) in\n{module:#?}",
                automaton.rule,
                actual.primaries,
                expected.primaries
            );
        }
    }
    compared
}

#[test]
fn engine_matches_brute_force_on_random_programs() {
    let compared = compare_on(1..=400, false);
    assert!(
        compared > 400,
        "only {compared} programs were small enough to enumerate"
    );
}

#[test]
fn correlated_tests_and_repeating_functions_match_brute_force() {
    let compared = compare_on(1..=300, true);
    assert!(
        compared > 300,
        "only {compared} programs were small enough to enumerate"
    );
}
