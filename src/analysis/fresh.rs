//! Freshness dataflow for `distinct-id-not-persisted`: a value generated anew on every run
//! (`Uuid::new_v4()`) that reaches a distinct-id position, on a path where it is never
//! persisted, makes every run a new user.
//!
//! Per function, a forward pass tracks every fresh value (and every parameter) with the set of
//! states paths can leave it in: `UNUSED`, `USED` (as an id, not yet persisted) or `PERSISTED`
//! (stored, returned, or handed to code we cannot see — when unsure we assume it was kept).
//! Summaries say, per parameter, which states a call can leave an argument in, and whether the
//! function returns a fresh value; they are computed bottom-up over the call graph's strongly
//! connected components, with a fixpoint inside each.

use crate::callgraph::{CallGraph, FnId, Target};
use crate::ir::{Block, Call, Callee, Event, EventKind, Module, Span, Stmt, Value};

use super::witness::{ChainLink, EventSite, Site};

const UNUSED: u8 = 1;
const USED: u8 = 2;
const PERSISTED: u8 = 4;

/// Nested loops deeper than this are walked once instead of to a fixpoint: the analysis stays
/// linear on adversarial nesting, at the cost of missing a finding there.
const MAX_LOOP_FIXPOINT_DEPTH: usize = 8;

/// Where a fresh value comes from: the source expression, and the calls that return it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub description: String,
    pub site: Site,
}

/// One hop of how a value was used or made. Summaries keep hops, not whole chains, so a
/// 10,000-deep chain of wrappers costs 10,000 hops instead of 10,000² chain entries; a
/// reported leak follows the hops through the callees' summaries.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Hop {
    /// Here, at this event (a use) or source expression (an origin).
    Here(EventSite),
    /// Inside `callee`, called at `span`; `param` says which parameter carries a use.
    Call {
        caller: FnId,
        span: Span,
        callee: FnId,
        param: usize,
    },
}

#[derive(Clone, Debug)]
pub struct FreshLeak {
    pub function: FnId,
    /// A placeholder constant (`"anonymous"`, `""`, `null`) rather than a fresh value: it is a
    /// finding wherever it is used, kept or not.
    pub constant: bool,
    pub origin: Origin,
    /// Where the value is used as a distinct id, with the calls from `function` down to it.
    pub use_site: Site,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ParamEffect {
    /// States a call can leave an `UNUSED` argument in.
    outcomes: u8,
    use_site: Option<Hop>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct FreshSummary {
    /// The source description and the first hop towards it.
    returns_fresh: Option<(String, Hop)>,
    params: Vec<ParamEffect>,
}

impl FreshSummary {
    fn shape(&self) -> (bool, Vec<u8>) {
        (
            self.returns_fresh.is_some(),
            self.params.iter().map(|p| p.outcomes).collect(),
        )
    }
}

/// Runs the dataflow over the whole program; returns the leaks, lowest functions first.
pub fn fresh_leaks(modules: &[Module], graph: &CallGraph) -> Vec<FreshLeak> {
    let mut summaries: Vec<FreshSummary> = vec![FreshSummary::default(); graph.len()];
    let mut leaks = Vec::new();
    for component in &graph.sccs {
        loop {
            let mut changed = false;
            for &function in component {
                let (summary, _) = analyse(modules, graph, &summaries, function);
                if summary.shape() != summaries[function.0 as usize].shape() {
                    changed = true;
                }
                summaries[function.0 as usize] = summary;
            }
            if !changed {
                break;
            }
        }
        for &function in component {
            let (_, function_leaks) = analyse(modules, graph, &summaries, function);
            leaks.extend(function_leaks);
        }
    }
    leaks
}

fn analyse(
    modules: &[Module],
    graph: &CallGraph,
    summaries: &[FreshSummary],
    function: FnId,
) -> (FreshSummary, Vec<FreshLeak>) {
    let ir = graph.function(modules, function);
    let mut walker = Walker {
        modules,
        graph,
        summaries,
        function,
        targets: &graph.calls[function.0 as usize],
        next_call: 0,
        tracked: Vec::new(),
        env: Vec::new(),
        returns_fresh: None,
        loop_depth: 0,
        here: ir.span,
    };
    let mut states = Vec::new();
    for (i, param) in ir.params.iter().enumerate() {
        walker.tracked.push(Tracked {
            origin: None,
            use_site: None,
            constant: false,
        });
        states.push(UNUSED);
        walker.env.push((param.clone(), Some(i)));
    }
    let exits = walker.block(&ir.body, states);
    let end = join(&exits.normal, &exits.returns);
    let every_exit = join(&end, &exits.errors);
    let params = (0..ir.params.len())
        .map(|i| ParamEffect {
            outcomes: every_exit.get(i).copied().unwrap_or(UNUSED),
            use_site: walker.tracked[i].use_site.clone(),
        })
        .collect();
    let leaks = walker
        .tracked
        .iter()
        .enumerate()
        .filter(|(i, t)| t.constant || end.get(*i).is_some_and(|s| s & USED != 0))
        .filter_map(|(_, t)| {
            let (description, origin) = t.origin.as_ref()?;
            Some(FreshLeak {
                function,
                constant: t.constant,
                origin: Origin {
                    description: description.clone(),
                    site: expand(origin, summaries, Expand::Origin),
                },
                use_site: expand(t.use_site.as_ref()?, summaries, Expand::Use),
            })
        })
        .collect();
    (
        FreshSummary {
            returns_fresh: walker.returns_fresh,
            params,
        },
        leaks,
    )
}

struct Tracked {
    /// `None` for a parameter: its freshness is the caller's business.
    origin: Option<(String, Hop)>,
    use_site: Option<Hop>,
    constant: bool,
}

/// Ids that every user would share: placeholders, not ids (compared case-insensitively).
const PLACEHOLDER_IDS: &[&str] = &[
    "",
    "anonymous",
    "anon",
    "user",
    "undefined",
    "null",
    "none",
    "unknown",
];

fn is_placeholder(text: &str) -> bool {
    let lowered = text.trim().to_lowercase();
    PLACEHOLDER_IDS.contains(&lowered.as_str()) || lowered.starts_with("$device:")
}

/// Properties of Simplified ID Merge: `track("", {$device_id, $user_id})` names the user there.
fn names_user_in_properties(event: &Event) -> bool {
    event.options.as_ref().is_some_and(|options| {
        options
            .iter()
            .any(|(key, _)| key == "$device_id" || key == "$user_id")
    })
}

#[derive(Clone, Copy)]
enum Expand {
    Origin,
    Use,
}

/// Follows hops through the callees' summaries to the site, collecting the call chain.
fn expand(first: &Hop, summaries: &[FreshSummary], what: Expand) -> Site {
    let mut chain = Vec::new();
    let mut hop = first.clone();
    loop {
        match hop {
            Hop::Here(event) => return Site { event, chain },
            Hop::Call {
                caller,
                span,
                callee,
                param,
            } => {
                chain.push(ChainLink { caller, span });
                let summary = &summaries[callee.0 as usize];
                let next = match what {
                    Expand::Origin => summary.returns_fresh.as_ref().map(|(_, hop)| hop.clone()),
                    Expand::Use => summary.params.get(param).and_then(|p| p.use_site.clone()),
                };
                match next {
                    Some(next) => hop = next,
                    // Summaries are final when leaks are expanded; stop at the call if not.
                    None => {
                        let span = chain.last().map_or(span, |l| l.span);
                        return Site {
                            event: EventSite {
                                function: caller,
                                span,
                                method: String::from("call"),
                            },
                            chain,
                        };
                    }
                }
            }
        }
    }
}

/// Per tracked value, the states paths reach at each way out.
#[derive(Default)]
struct Exits {
    normal: Vec<u8>,
    returns: Vec<u8>,
    errors: Vec<u8>,
    breaks: Vec<u8>,
    continues: Vec<u8>,
}

fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| a.get(i).copied().unwrap_or(0) | b.get(i).copied().unwrap_or(0))
        .collect()
}

struct Walker<'a> {
    modules: &'a [Module],
    graph: &'a CallGraph,
    summaries: &'a [FreshSummary],
    function: FnId,
    targets: &'a [Target],
    next_call: usize,
    tracked: Vec<Tracked>,
    env: Vec<(String, Option<usize>)>,
    returns_fresh: Option<(String, Hop)>,
    loop_depth: usize,
    /// The span of the statement being walked: where a constant is met.
    here: Span,
}

impl Walker<'_> {
    fn block(&mut self, block: &Block, mut states: Vec<u8>) -> Exits {
        let mark = self.env.len();
        let mut exits = Exits::default();
        for stmt in block {
            let step = self.stmt(stmt, states);
            exits.returns = join(&exits.returns, &step.returns);
            exits.errors = join(&exits.errors, &step.errors);
            exits.breaks = join(&exits.breaks, &step.breaks);
            exits.continues = join(&exits.continues, &step.continues);
            states = step.normal;
        }
        exits.normal = states;
        self.env.truncate(mark);
        exits
    }

    fn stmt(&mut self, stmt: &Stmt, mut states: Vec<u8>) -> Exits {
        match stmt {
            Stmt::Event(event) => self.event(event, &mut states),
            Stmt::Call(call) => self.call(call, &mut states),
            Stmt::Let { name, value } => {
                let tracked = self.tracked_value(value, &mut states);
                self.env.push((name.clone(), tracked));
            }
            Stmt::Persist { value, .. } => {
                if let Some(i) = self.tracked_value(value, &mut states) {
                    states[i] = PERSISTED;
                }
            }
            Stmt::Return { value, error, .. } => {
                if let Some(value) = value
                    && let Some(i) = self.tracked_value(value, &mut states)
                {
                    // Returned: the caller now holds it, and the function is a fresh source.
                    if self.returns_fresh.is_none()
                        && !self.tracked[i].constant
                        && let Some(origin) = &self.tracked[i].origin
                    {
                        self.returns_fresh = Some(origin.clone());
                    }
                    states[i] = PERSISTED;
                }
                if *error {
                    // The call before an error exit failed, so its use did not happen either:
                    // a value that is only lost on a failing path is not reported.
                    return Exits {
                        errors: states,
                        ..Exits::default()
                    };
                }
                return Exits {
                    returns: states,
                    ..Exits::default()
                };
            }
            Stmt::Break => {
                return Exits {
                    breaks: states,
                    ..Exits::default()
                };
            }
            Stmt::Continue => {
                return Exits {
                    continues: states,
                    ..Exits::default()
                };
            }
            Stmt::Branch(arms) => {
                let mut exits: Option<Exits> = None;
                for arm in arms {
                    let arm_exits = self.block(arm, states.clone());
                    exits = Some(match exits {
                        None => arm_exits,
                        Some(e) => Exits {
                            normal: join(&e.normal, &arm_exits.normal),
                            returns: join(&e.returns, &arm_exits.returns),
                            errors: join(&e.errors, &arm_exits.errors),
                            breaks: join(&e.breaks, &arm_exits.breaks),
                            continues: join(&e.continues, &arm_exits.continues),
                        },
                    });
                }
                return exits.unwrap_or(Exits {
                    normal: states,
                    ..Exits::default()
                });
            }
            Stmt::Loop { bindings, body } => return self.looped(bindings, body, states),
        }
        Exits {
            normal: states,
            ..Exits::default()
        }
    }

    /// Zero or more runs of `body`: two runs reach every state (the lattice has height two),
    /// but the call ordinals must be replayed for each run.
    fn looped(&mut self, bindings: &[String], body: &Block, states: Vec<u8>) -> Exits {
        let first_call = self.next_call;
        let runs = if self.loop_depth < MAX_LOOP_FIXPOINT_DEPTH {
            2
        } else {
            1
        };
        self.loop_depth += 1;
        let mut head = states.clone();
        let mut returns = Vec::new();
        let mut errors = Vec::new();
        let mut breaks = Vec::new();
        for _ in 0..runs {
            self.next_call = first_call;
            let mark = self.env.len();
            for name in bindings {
                self.env.push((name.clone(), None));
            }
            let exits = self.block(body, head.clone());
            self.env.truncate(mark);
            returns = join(&returns, &exits.returns);
            errors = join(&errors, &exits.errors);
            breaks = join(&breaks, &exits.breaks);
            head = join(&head, &join(&exits.normal, &exits.continues));
        }
        self.loop_depth -= 1;
        Exits {
            normal: join(&head, &breaks),
            returns,
            errors,
            ..Exits::default()
        }
    }

    /// The tracked value a value is, creating one for a fresh source met here.
    fn tracked_value(&mut self, value: &Value, states: &mut Vec<u8>) -> Option<usize> {
        match value {
            Value::Path { root, .. } => {
                let index = self.env.iter().rev().find(|(name, _)| name == root)?.1?;
                // After an exit (code that no path reaches) there are no states to update.
                (index < states.len()).then_some(index)
            }
            Value::Fresh { origin, span } => Some(self.fresh(
                (
                    origin.clone(),
                    Hop::Here(EventSite {
                        function: self.function,
                        span: *span,
                        method: origin.clone(),
                    }),
                ),
                false,
                states,
            )),
            Value::Str(text) if is_placeholder(text) => {
                Some(self.constant(format!("{text:?}"), states))
            }
            Value::Null => Some(self.constant("null".to_owned(), states)),
            _ => None,
        }
    }

    /// A placeholder constant met at the current statement.
    fn constant(&mut self, description: String, states: &mut Vec<u8>) -> usize {
        let site = EventSite {
            function: self.function,
            span: self.here,
            method: description.clone(),
        };
        self.fresh((description, Hop::Here(site)), true, states)
    }

    /// A new tracked value, or the same one when a loop walks its source again.
    fn fresh(&mut self, origin: (String, Hop), constant: bool, states: &mut Vec<u8>) -> usize {
        let existing = self
            .tracked
            .iter()
            .position(|t| t.origin.as_ref() == Some(&origin));
        let index = existing.unwrap_or_else(|| {
            self.tracked.push(Tracked {
                origin: Some(origin),
                use_site: None,
                constant,
            });
            self.tracked.len() - 1
        });
        if states.len() <= index {
            states.resize(index + 1, 0);
        }
        states[index] = UNUSED;
        index
    }

    fn event(&mut self, event: &Event, states: &mut Vec<u8>) {
        if event.kind == EventKind::Init {
            return;
        }
        self.here = event.span;
        let id_merge = event.kind == EventKind::Track && names_user_in_properties(event);
        // A null original (`alias(id, None)`) means "the current id", not a null id.
        let original = event.original.iter().filter(|v| !matches!(v, Value::Null));
        for value in event.id.iter().chain(original) {
            let Some(i) = self.tracked_value(value, states) else {
                continue;
            };
            if id_merge && self.tracked[i].constant {
                continue;
            }
            if states[i] & (UNUSED | USED) != 0 {
                states[i] = (states[i] & PERSISTED) | USED;
                if self.tracked[i].use_site.is_none() {
                    self.tracked[i].use_site = Some(Hop::Here(EventSite {
                        function: self.function,
                        span: event.span,
                        method: event.method.clone(),
                    }));
                }
            }
        }
    }

    fn call(&mut self, call: &Call, states: &mut Vec<u8>) {
        self.here = call.span;
        let target = self
            .targets
            .get(self.next_call)
            .cloned()
            .unwrap_or(Target::External);
        self.next_call += 1;
        let receiver = match &call.callee {
            Callee::Method { receiver, .. } => Some(receiver),
            _ => None,
        };
        let result = match target {
            Target::Project(targets) => self.project_call(call, receiver, &targets, states),
            Target::Sdk(event) => {
                self.event(&event, states);
                None
            }
            Target::External => {
                // Handed to code idlint cannot see: assume it is kept (prefer a missed finding).
                for value in call.args.iter().chain(receiver) {
                    if let Some(i) = self.tracked_value(value, states) {
                        states[i] = PERSISTED;
                    }
                }
                None
            }
        };
        if let Some(name) = &call.result {
            self.env.push((name.clone(), result));
        }
    }

    fn project_call(
        &mut self,
        call: &Call,
        receiver: Option<&Value>,
        targets: &[FnId],
        states: &mut Vec<u8>,
    ) -> Option<usize> {
        let before = states.clone();
        let mut after: Option<Vec<u8>> = None;
        for target in targets {
            let summary = &self.summaries[target.0 as usize];
            let takes_self = self
                .graph
                .function(self.modules, *target)
                .params
                .first()
                .is_some_and(|p| p == "self");
            let args: Vec<&Value> = match (receiver, takes_self) {
                (Some(r), true) => std::iter::once(r).chain(call.args.iter()).collect(),
                _ => call.args.iter().collect(),
            };
            let mut these = before.clone();
            for (k, value) in args.into_iter().enumerate() {
                let Some(i) = self.tracked_value(value, &mut these) else {
                    continue;
                };
                // No summary yet (recursion in progress) or an untouched parameter: no effect.
                let effect = summary.params.get(k).cloned().unwrap_or_default();
                let outcomes = if effect.outcomes == 0 {
                    UNUSED
                } else {
                    effect.outcomes
                };
                these[i] = apply_param_effect(these[i], outcomes);
                if effect.outcomes & USED != 0
                    && effect.use_site.is_some()
                    && self.tracked[i].use_site.is_none()
                {
                    self.tracked[i].use_site = Some(Hop::Call {
                        caller: self.function,
                        span: call.span,
                        callee: *target,
                        param: k,
                    });
                }
            }
            after = Some(match after {
                None => these,
                Some(a) => join(&a, &these),
            });
        }
        *states = after.unwrap_or(before);
        let (target, description) = targets.iter().find_map(|t| {
            let (description, _) = self.summaries[t.0 as usize].returns_fresh.as_ref()?;
            Some((*t, description.clone()))
        })?;
        let origin = Hop::Call {
            caller: self.function,
            span: call.span,
            callee: target,
            param: 0,
        };
        Some(self.fresh((description, origin), false, states))
    }
}

/// The states an argument can be in after a call whose parameter ends in `outcomes` when it
/// starts `UNUSED`.
fn apply_param_effect(state: u8, outcomes: u8) -> u8 {
    let mut out = 0;
    if state & UNUSED != 0 {
        out |= outcomes;
    }
    if state & USED != 0 {
        out |= if outcomes & PERSISTED != 0 {
            PERSISTED
        } else {
            0
        };
        out |= if outcomes & (UNUSED | USED) != 0 {
            USED
        } else {
            0
        };
    }
    out | (state & PERSISTED)
}
