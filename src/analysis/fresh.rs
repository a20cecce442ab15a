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
//!
//! Code no path reaches (after a `return`, `throw`, `raise`, `break` or `continue`, or after a
//! call that never comes back) has the flow [`Flow::Unreachable`], the bottom of the lattice:
//! its statements are skipped, so nothing there is reported and nothing there is kept.

use std::collections::HashSet;

use crate::callgraph::{CallGraph, FnId, Target};
use crate::ir::{Block, Call, Callee, Event, EventKind, Module, Side, Span, Stmt, Value};

use super::constants::ModuleConstants;
use super::fields::{FieldValue, InstanceFields};
use super::witness::{ChainLink, EventSite, Site};
use super::{Passed, passed};

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

/// A hop in the walker's arena: values carry these while the walk joins and copies them.
type HopId = usize;

#[derive(Clone, Debug)]
pub struct FreshLeak {
    pub function: FnId,
    /// A compile-time constant (`"anonymous"`, `"backend"`, `null`, `ANON_ID`) rather than a
    /// fresh value: it is a finding wherever it is used, kept or not.
    pub constant: bool,
    /// The constant's text, when it is a string.
    pub literal: Option<String>,
    /// The instance attribute that holds the fresh value (`this.anonId`), when it is one: the
    /// object keeps it, but only while it lives.
    pub instance_field: Option<String>,
    pub origin: Origin,
    /// Where the value is used as a distinct id, with the calls from `function` down to it.
    pub use_site: Site,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ParamEffect {
    /// States a call that comes back can leave an `UNUSED` argument in.
    outcomes: u8,
    /// A use on a path that leaves the argument `USED`; set exactly when `outcomes` has `USED`.
    use_site: Option<Hop>,
    /// A use as an id on any path, kept or not: all a placeholder constant needs.
    any_use: Option<Hop>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct FreshSummary {
    /// Some path comes back to the caller. `false` is the bottom every summary of a recursive
    /// component starts from: a call that never comes back leaves nothing reachable after it.
    returns: bool,
    /// The source description and the first hop towards it.
    returns_fresh: Option<(String, Hop)>,
    params: Vec<ParamEffect>,
}

impl FreshSummary {
    fn shape(&self) -> (bool, bool, Vec<(u8, bool)>) {
        (
            self.returns,
            self.returns_fresh.is_some(),
            self.params
                .iter()
                .map(|p| (p.outcomes, p.any_use.is_some()))
                .collect(),
        )
    }

    /// Keeps the witnesses an earlier round of the fixpoint found. Each then only refers to
    /// summaries older than itself, so following the hops always ends; a newer witness could
    /// point round a recursive cycle for ever. They stay valid: summaries only grow.
    fn keep_witnesses_of(&mut self, earlier: &FreshSummary) {
        if earlier.returns_fresh.is_some() {
            self.returns_fresh.clone_from(&earlier.returns_fresh);
        }
        for (param, old) in self.params.iter_mut().zip(&earlier.params) {
            if old.use_site.is_some() {
                param.use_site.clone_from(&old.use_site);
            }
            if old.any_use.is_some() {
                param.any_use.clone_from(&old.any_use);
            }
        }
    }
}

/// Runs the dataflow over the program; returns the leaks, lowest functions first. Only the
/// components marked in `needed` are analysed (the functions that reach an SDK call and their
/// callees: see `relevance::called_from_relevant`); the others can neither leak nor matter to
/// a function that does.
pub fn fresh_leaks(modules: &[Module], graph: &CallGraph, needed: &[bool]) -> Vec<FreshLeak> {
    let mut summaries: Vec<FreshSummary> = vec![FreshSummary::default(); graph.len()];
    let mut leaks = Vec::new();
    let constants = crate::timing::phase("module constants", || ModuleConstants::new(modules));
    let fields = crate::timing::phase("instance fields", || InstanceFields::new(modules, graph));
    for component in &graph.sccs {
        if !needed[component[0].0 as usize] {
            continue;
        }
        let callees = |function: FnId| -> Vec<FnId> {
            graph.calls[function.0 as usize]
                .iter()
                .flat_map(|target| match target {
                    Target::Project(ids) => ids.clone(),
                    _ => Vec::new(),
                })
                .collect()
        };
        // A worklist, not rounds over the whole component: a long recursive chain re-evaluates
        // only the callers of a summary that changed (rounds made it quadratic).
        super::solve_component(component, callees, |function| {
            let (mut summary, _) =
                analyse(modules, graph, &constants, &fields, &summaries, function);
            let slot = &mut summaries[function.0 as usize];
            summary.keep_witnesses_of(slot);
            let changed = summary.shape() != slot.shape();
            *slot = summary;
            changed
        });
        for &function in component {
            let (_, function_leaks) =
                analyse(modules, graph, &constants, &fields, &summaries, function);
            leaks.extend(function_leaks);
        }
    }
    leaks
}

fn analyse(
    modules: &[Module],
    graph: &CallGraph,
    constants: &ModuleConstants,
    fields: &InstanceFields,
    summaries: &[FreshSummary],
    function: FnId,
) -> (FreshSummary, Vec<FreshLeak>) {
    let ir = graph.function(modules, function);
    let mut walker = Walker {
        modules,
        graph,
        constants,
        fields,
        module: graph.functions[function.0 as usize].module as usize,
        summaries,
        function,
        targets: &graph.calls[function.0 as usize],
        next_call: 0,
        tracked: Vec::new(),
        hops: Vec::new(),
        env: Vec::new(),
        returns_fresh: None,
        loop_depth: 0,
        here: ir.span,
        meeting: Meeting::Span(ir.span),
    };
    let entry = walker.enter(&ir.params);
    let exits = walker.block(&ir.body, Flow::Reachable(entry));
    // A value lost only on a failing path is not a leak (the call before an error exit failed,
    // so its use did not happen either), but a caller's argument leaves through every exit.
    let end = exits.normal.join(exits.returns);
    let every_exit = end.clone().join(exits.errors);
    (
        walker.summary(ir.params.len(), &every_exit),
        walker.leaks(&end),
    )
}

struct Tracked {
    /// What a loop that walks the source again finds it by; `None` for a parameter.
    source: Option<Source>,
    /// `None` for a parameter: its freshness is the caller's business.
    origin: Option<(String, Hop)>,
    /// A use as an id on some path, whatever happened to the value before or after (where a
    /// placeholder would be one: not in a Simplified ID Merge track).
    any_use: Option<HopId>,
    constant: bool,
    literal: Option<String>,
    /// The instance attribute the value is read from, for one made where the attribute is
    /// written.
    instance_field: Option<String>,
}

/// What tells tracked values apart.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    /// A fresh expression, or a call that returns a fresh value: by its origin.
    Fresh(Hop),
    /// A placeholder constant: by its text and where it is met.
    Constant(String, Meeting),
}

/// Where a placeholder constant is met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meeting {
    /// In an event or a call: its literals are one value.
    Span(Span),
    /// In a `let`, `Persist` or `return`, which the IR gives no span: by the statement's
    /// address, which stays the same while loops walk it again.
    Statement(usize),
}

/// Properties of Simplified ID Merge: `track("", {$device_id, $user_id})` names the user there,
/// also when the properties are built before the call or spread from elsewhere.
fn names_user_in_properties(event: &Event) -> bool {
    let merge_key = |key: &String| key == "$device_id" || key == "$user_id";
    event.property_keys.iter().any(merge_key)
        || event
            .options
            .as_ref()
            .is_some_and(|options| options.iter().any(|(key, _)| merge_key(key)))
}

/// Which witness a hop into a callee continues with.
#[derive(Clone, Copy)]
enum Expand {
    Origin,
    /// A use on a path that leaves the value used and not kept.
    Use,
    /// Any use, kept or not.
    AnyUse,
}

impl FreshSummary {
    fn witness(&self, what: Expand, param: usize) -> Option<&Hop> {
        match what {
            Expand::Origin => self.returns_fresh.as_ref().map(|(_, hop)| hop),
            Expand::Use => self.params.get(param)?.use_site.as_ref(),
            Expand::AnyUse => self.params.get(param)?.any_use.as_ref(),
        }
    }
}

/// Follows hops through the callees' summaries to the site, collecting the call chain.
fn expand(first: &Hop, summaries: &[FreshSummary], what: Expand) -> Site {
    let mut chain = Vec::new();
    // Witnesses are kept from the round that found them, so they never cycle; should one
    // ever do, the chain stops at the call instead of growing for ever.
    let mut followed = HashSet::new();
    let mut hop = first;
    loop {
        match hop {
            Hop::Here(event) => {
                return Site {
                    event: event.clone(),
                    chain,
                };
            }
            Hop::Call {
                caller,
                span,
                callee,
                param,
            } => {
                chain.push(ChainLink {
                    caller: *caller,
                    span: *span,
                });
                let next = followed
                    .insert((*callee, *param))
                    .then(|| summaries[callee.0 as usize].witness(what, *param))
                    .flatten();
                match next {
                    Some(next) => hop = next,
                    None => {
                        return Site {
                            event: EventSite {
                                function: *caller,
                                span: *span,
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

/// What the paths reaching one point know about one tracked value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ValueState {
    /// The states paths leave it in; `0` where no path has made it yet. The low bits are the
    /// value made last; the same bits shifted by [`LOST`] are paths that also lost an earlier
    /// value from the same source (a loop made it again after it was used and not kept).
    states: u8,
    /// A use on a path that leaves the value `USED`: where a leak is shown. Set exactly when
    /// some path is `USED`, so a reported use is always one that some leaking path makes.
    used_at: Option<HopId>,
    /// The lost value's use, on a path that lost one; set exactly when some path did.
    lost_at: Option<HopId>,
}

/// How far the states of paths that lost an earlier value are shifted.
const LOST: u8 = 3;
const CURRENT: u8 = UNUSED | USED | PERSISTED;
const USED_ANY: u8 = USED | USED << LOST;

/// Applies `step`, a map of sets of states that works state by state (and maps nothing to
/// nothing), to the paths that lost an earlier value and to the others, apart.
fn each_half(states: u8, step: impl Fn(u8) -> u8) -> u8 {
    step(states & CURRENT) | step(states >> LOST & CURRENT) << LOST
}

impl ValueState {
    /// A parameter at entry.
    const PARAM: ValueState = ValueState {
        states: UNUSED,
        used_at: None,
        lost_at: None,
    };

    fn join(self, other: ValueState) -> ValueState {
        ValueState {
            states: self.states | other.states,
            used_at: self.used_at.or(other.used_at),
            lost_at: self.lost_at.or(other.lost_at),
        }
    }

    /// Its source runs (again): every path now holds a new, unused value; a path whose
    /// previous value was used and never kept has lost it for good.
    fn made(self) -> ValueState {
        let (last, lost) = (self.states & CURRENT, self.states >> LOST);
        let afresh = self.states == 0 || last & (UNUSED | PERSISTED) != 0;
        let losing = lost != 0 || last & USED != 0;
        ValueState {
            states: if afresh { UNUSED } else { 0 } | if losing { UNUSED << LOST } else { 0 },
            used_at: None,
            lost_at: self.lost_at.or(self.used_at),
        }
    }

    fn persisted(self) -> ValueState {
        ValueState {
            states: each_half(self.states, |s| if s == 0 { 0 } else { PERSISTED }),
            used_at: None,
            ..self
        }
    }

    /// Used as a distinct id at `at`: paths that have not kept it now leave it `USED`.
    fn used(self, at: HopId) -> ValueState {
        let states = each_half(self.states, |s| {
            if s & (UNUSED | USED) == 0 {
                s
            } else {
                (s & PERSISTED) | USED
            }
        });
        ValueState {
            states,
            // A path already `USED` stays so: its own use still shows the leak.
            used_at: (states & USED_ANY != 0).then(|| self.used_at.unwrap_or(at)),
            ..self
        }
    }

    /// Passed to a parameter that calls leave in `outcomes` when it starts `UNUSED`; `at` is
    /// the hop into that call.
    fn passed(self, outcomes: u8, at: HopId) -> ValueState {
        let states = each_half(self.states, |s| apply_param_effect(s, outcomes));
        ValueState {
            states,
            // A path already `USED` that comes out `USED` still shows its own use; otherwise
            // the `USED` comes from the callee using an `UNUSED` argument.
            used_at: (states & USED_ANY != 0).then(|| self.used_at.unwrap_or(at)),
            ..self
        }
    }

    /// A use that shows the value leaks on some path here, if it does.
    fn leak(self) -> Option<HopId> {
        self.used_at.or(self.lost_at)
    }
}

/// Per tracked value (by index), what the paths reaching one point know; values past the end
/// are the ones no path here has made yet.
#[derive(Clone, Debug, Default)]
struct Values(Vec<ValueState>);

impl Values {
    fn get(&self, i: usize) -> ValueState {
        self.0.get(i).copied().unwrap_or_default()
    }

    fn set(&mut self, i: usize, value: ValueState) {
        if self.0.len() <= i {
            self.0.resize(i + 1, ValueState::default());
        }
        self.0[i] = value;
    }

    fn join(mut self, other: &Values) -> Values {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), ValueState::default());
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine = mine.join(*theirs);
        }
        self
    }
}

/// The dataflow fact at one point of a body.
#[derive(Clone, Debug, Default)]
enum Flow {
    /// No path reaches this point: the bottom of the lattice, and the unit of [`Flow::join`].
    #[default]
    Unreachable,
    Reachable(Values),
}

impl Flow {
    fn join(self, other: Flow) -> Flow {
        match (self, other) {
            (Flow::Unreachable, flow) | (flow, Flow::Unreachable) => flow,
            (Flow::Reachable(a), Flow::Reachable(b)) => Flow::Reachable(a.join(&b)),
        }
    }

    /// A value's state here; nothing where no path reaches.
    fn value(&self, i: usize) -> ValueState {
        match self {
            Flow::Unreachable => ValueState::default(),
            Flow::Reachable(values) => values.get(i),
        }
    }
}

/// The flow at each way out of a piece of code.
#[derive(Default)]
struct Exits {
    normal: Flow,
    returns: Flow,
    errors: Flow,
    breaks: Flow,
    continues: Flow,
}

impl Exits {
    fn falling_through(values: Values) -> Exits {
        Exits {
            normal: Flow::Reachable(values),
            ..Exits::default()
        }
    }

    fn join(self, other: Exits) -> Exits {
        Exits {
            normal: self.normal.join(other.normal),
            returns: self.returns.join(other.returns),
            errors: self.errors.join(other.errors),
            breaks: self.breaks.join(other.breaks),
            continues: self.continues.join(other.continues),
        }
    }

    /// Collects the jumps out of the next statement; returns the flow that falls through it.
    fn then(&mut self, next: Exits) -> Flow {
        self.returns = std::mem::take(&mut self.returns).join(next.returns);
        self.errors = std::mem::take(&mut self.errors).join(next.errors);
        self.breaks = std::mem::take(&mut self.breaks).join(next.breaks);
        self.continues = std::mem::take(&mut self.continues).join(next.continues);
        next.normal
    }
}

struct Walker<'a> {
    modules: &'a [Module],
    graph: &'a CallGraph,
    constants: &'a ModuleConstants,
    fields: &'a InstanceFields,
    /// The module of `function`, by position.
    module: usize,
    summaries: &'a [FreshSummary],
    function: FnId,
    targets: &'a [Target],
    /// The ordinal of the next call in [`crate::ir::walk_block`] order, which the call graph's
    /// targets follow.
    next_call: usize,
    tracked: Vec<Tracked>,
    hops: Vec<Hop>,
    env: Vec<(String, Option<usize>)>,
    returns_fresh: Option<(String, Hop)>,
    loop_depth: usize,
    /// The span of the statement being walked: where a constant is shown.
    here: Span,
    /// The statement being walked: which constant a placeholder met there is.
    meeting: Meeting,
}

impl Walker<'_> {
    /// Tracks every parameter, `UNUSED` at entry; they are the first tracked values.
    fn enter(&mut self, params: &[String]) -> Values {
        let mut values = Values::default();
        for (i, param) in params.iter().enumerate() {
            self.tracked.push(Tracked {
                source: None,
                origin: None,
                any_use: None,
                constant: false,
                literal: None,
                instance_field: None,
            });
            values.set(i, ValueState::PARAM);
            self.env.push((param.clone(), Some(i)));
        }
        values
    }

    fn hop(&mut self, hop: Hop) -> HopId {
        self.hops.push(hop);
        self.hops.len() - 1
    }

    fn summary(&self, params: usize, every_exit: &Flow) -> FreshSummary {
        let hop = |id: Option<HopId>| id.map(|id| self.hops[id].clone());
        FreshSummary {
            returns: matches!(every_exit, Flow::Reachable(_)),
            returns_fresh: self.returns_fresh.clone(),
            params: (0..params)
                .map(|i| {
                    let value = every_exit.value(i);
                    ParamEffect {
                        // A parameter is never made again, so it loses nothing.
                        outcomes: value.states & CURRENT,
                        use_site: hop(value.used_at),
                        any_use: hop(self.tracked[i].any_use),
                    }
                })
                .collect(),
        }
    }

    /// Fresh values used and never kept on some path to `end`, and placeholders used at all.
    fn leaks(&self, end: &Flow) -> Vec<FreshLeak> {
        self.tracked
            .iter()
            .enumerate()
            .filter_map(|(i, tracked)| {
                let (description, origin) = tracked.origin.as_ref()?;
                let (use_site, what) = if tracked.constant {
                    (tracked.any_use?, Expand::AnyUse)
                } else {
                    (end.value(i).leak()?, Expand::Use)
                };
                Some(FreshLeak {
                    function: self.function,
                    constant: tracked.constant,
                    literal: tracked.literal.clone(),
                    instance_field: tracked.instance_field.clone(),
                    origin: Origin {
                        description: description.clone(),
                        site: expand(origin, self.summaries, Expand::Origin),
                    },
                    use_site: expand(&self.hops[use_site], self.summaries, what),
                })
            })
            .collect()
    }

    fn block(&mut self, block: &[Stmt], entry: Flow) -> Exits {
        self.scoped(block, entry).0
    }

    /// Walks a block whose bindings end with it; also returns, when its end is reachable, the
    /// names it leaves bound to a constant or to a value a source made, last binding first.
    fn scoped(&mut self, block: &[Stmt], entry: Flow) -> (Exits, Vec<(String, usize)>) {
        let mark = self.env.len();
        let mut exits = Exits::default();
        let mut flow = entry;
        let mut rest = block;
        while let Some((stmt, tail)) = rest.split_first() {
            match flow {
                Flow::Unreachable => {
                    // Dead code: nothing to walk, but its calls still take their numbers.
                    self.skip(rest);
                    break;
                }
                Flow::Reachable(values) => {
                    let step = self.stmt(stmt, values);
                    flow = exits.then(step);
                }
            }
            rest = tail;
        }
        let mut constants = Vec::new();
        if let Flow::Reachable(_) = flow {
            for (name, bound) in self.env[mark..].iter().rev() {
                if constants.iter().any(|(n, _)| n == name) {
                    continue;
                }
                if let Some(i) = *bound
                    && (self.tracked[i].constant || self.tracked[i].source.is_some())
                {
                    constants.push((name.clone(), i));
                }
            }
        }
        exits.normal = flow;
        self.env.truncate(mark);
        (exits, constants)
    }

    /// Steps over statements no path reaches.
    fn skip(&mut self, dead: &[Stmt]) {
        crate::ir::walk_block(dead, &mut |stmt| {
            if let Stmt::Call(_) = stmt {
                self.next_call += 1;
            }
        });
    }

    fn stmt(&mut self, stmt: &Stmt, mut values: Values) -> Exits {
        if let Stmt::Let { .. } | Stmt::Persist { .. } | Stmt::Return { .. } = stmt {
            self.meeting = Meeting::Statement(std::ptr::from_ref(stmt) as usize);
        }
        match stmt {
            Stmt::Event(event) => {
                self.event(event, &mut values);
                Exits::falling_through(values)
            }
            Stmt::Call(call) => Exits {
                normal: self.call(call, values),
                ..Exits::default()
            },
            Stmt::Let { name, value } => {
                let tracked = self.tracked_or_constant(value, &mut values);
                self.env.push((name.clone(), tracked));
                Exits::falling_through(values)
            }
            Stmt::Persist { value, .. } => {
                if let Some(i) = self.tracked_value(value, &mut values) {
                    values.set(i, values.get(i).persisted());
                }
                Exits::falling_through(values)
            }
            Stmt::Return { value, error, .. } => self.leave(value.as_ref(), *error, values),
            Stmt::Guard { .. } => Exits::falling_through(values),
            Stmt::Break => Exits {
                breaks: Flow::Reachable(values),
                ..Exits::default()
            },
            Stmt::Continue => Exits {
                continues: Flow::Reachable(values),
                ..Exits::default()
            },
            Stmt::Branch(arms) => self.branch(arms, values),
            Stmt::Loop { bindings, body } => self.looped(bindings, body, values),
        }
    }

    fn leave(&mut self, value: Option<&Value>, error: bool, mut values: Values) -> Exits {
        if let Some(value) = value
            && let Some(i) = self.tracked_value(value, &mut values)
        {
            // Returned: the caller now holds it, and the function is a fresh source.
            let tracked = &self.tracked[i];
            if !tracked.constant
                && let Some(origin) = &tracked.origin
            {
                self.returns_fresh.get_or_insert_with(|| origin.clone());
            }
            values.set(i, values.get(i).persisted());
        }
        let flow = Flow::Reachable(values);
        if error {
            Exits {
                errors: flow,
                ..Exits::default()
            }
        } else {
            Exits {
                returns: flow,
                ..Exits::default()
            }
        }
    }

    /// Exactly one arm runs.
    fn branch(&mut self, arms: &[Block], values: Values) -> Exits {
        if arms.is_empty() {
            return Exits::falling_through(values);
        }
        let mut exits = Exits::default();
        let mut constants = Vec::new();
        for arm in arms {
            let (arm, bound) = self.scoped(arm, Flow::Reachable(values.clone()));
            exits = exits.join(arm);
            constants.extend(bound);
        }
        // A placeholder assigned on one branch (`else: uid = "anonymous"`), or a fresh id made
        // there (`if (!id) id = uuid()`), is the name's value on that path; no other path has
        // made the value, so the name may denote it after the branch. Only where nothing
        // tracked was bound before: otherwise the name would denote both, and the engine keeps
        // one value per name. A fresh id may take the place of a parameter's field (`let id =
        // req.cookies.id; if (!id) id = uuid()`): the parameter's later uses through this
        // name are then not seen (a missed finding at worst, never a false one).
        for (name, i) in constants {
            let fresh_here = !self.tracked[i].constant && values.get(i).states == 0;
            let free = match self.binding(&name).flatten() {
                None => self.tracked[i].constant || fresh_here,
                Some(previous) => fresh_here && self.tracked[previous].source.is_none(),
            };
            if free {
                self.env.push((name, Some(i)));
            }
        }
        exits
    }

    /// Zero or more runs of `body`: two runs reach every state (the lattice has height two),
    /// but the call ordinals must be replayed for each run.
    fn looped(&mut self, bindings: &[String], body: &Block, entry: Values) -> Exits {
        let first_call = self.next_call;
        let runs = if self.loop_depth < MAX_LOOP_FIXPOINT_DEPTH {
            2
        } else {
            1
        };
        self.loop_depth += 1;
        let mut head = Flow::Reachable(entry);
        let mut out = Exits::default();
        for _ in 0..runs {
            self.next_call = first_call;
            let mark = self.env.len();
            for name in bindings {
                self.env.push((name.clone(), None));
            }
            let exits = self.block(body, head.clone());
            self.env.truncate(mark);
            out.returns = out.returns.join(exits.returns);
            out.errors = out.errors.join(exits.errors);
            out.breaks = out.breaks.join(exits.breaks);
            head = head.join(exits.normal).join(exits.continues);
        }
        self.loop_depth -= 1;
        Exits {
            normal: head.join(out.breaks),
            returns: out.returns,
            errors: out.errors,
            ..Exits::default()
        }
    }

    /// The tracked value a value is, creating one for a fresh source met here.
    fn tracked_value(&mut self, value: &Value, values: &mut Values) -> Option<usize> {
        match value {
            Value::Path { root, .. } => self.binding(root)?,
            Value::Fresh { origin, span } => {
                let hop = Hop::Here(EventSite {
                    function: self.function,
                    span: *span,
                    method: origin.clone(),
                });
                Some(self.fresh(Source::Fresh(hop.clone()), (origin.clone(), hop), values))
            }
            _ => None,
        }
    }

    /// As [`Walker::tracked_value`], and a compile-time constant met here becomes one too: where
    /// a value can go on to be a distinct id (a binding, an id position, a project function's
    /// argument). Elsewhere a literal can never reach one, and tracking it would only cost.
    fn tracked_or_constant(&mut self, value: &Value, values: &mut Values) -> Option<usize> {
        let literal = literal_of;
        if let Some((description, text)) = literal(value) {
            return Some(self.constant(description, text, values));
        }
        // `this.userId` of an object whose every write of it writes one literal.
        if let Some((written, FieldValue::Constant(constant))) =
            self.fields.value(self.function, value)
            && let Some((text, literal)) = literal(constant)
        {
            return Some(self.constant(format!("`{written}` ({text})"), literal, values));
        }
        if let Value::Path { root, fields } = value
            && self.binding(root).is_none()
            && let Some((name, constant)) =
                self.constants
                    .resolve(self.modules, self.module, root, fields)
            && let Some((text, literal)) = literal(constant)
        {
            return Some(self.constant(format!("`{name}` ({text})"), literal, values));
        }
        self.tracked_value(value, values)
    }

    /// What a local name denotes here: `None` when nothing binds it, `Some(None)` when it is
    /// bound to a value that is not tracked.
    fn binding(&self, name: &str) -> Option<Option<usize>> {
        self.env
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, i)| *i)
    }

    /// A compile-time constant met at the current statement.
    fn constant(
        &mut self,
        description: String,
        literal: Option<String>,
        values: &mut Values,
    ) -> usize {
        let site = EventSite {
            function: self.function,
            span: self.here,
            method: description.clone(),
        };
        let source = Source::Constant(description.clone(), self.meeting);
        let index = self.fresh(source, (description, Hop::Here(site)), values);
        self.tracked[index].literal = literal;
        index
    }

    /// A new tracked value, or the same one when a loop walks its source again.
    fn fresh(&mut self, source: Source, origin: (String, Hop), values: &mut Values) -> usize {
        let existing = self
            .tracked
            .iter()
            .position(|t| t.source.as_ref() == Some(&source));
        let index = existing.unwrap_or_else(|| {
            self.tracked.push(Tracked {
                constant: matches!(source, Source::Constant(..)),
                source: Some(source),
                origin: Some(origin),
                any_use: None,
                literal: None,
                instance_field: None,
            });
            self.tracked.len() - 1
        });
        values.set(index, values.get(index).made());
        index
    }

    fn event(&mut self, event: &Event, values: &mut Values) {
        if event.kind == EventKind::Init {
            return;
        }
        self.here = event.span;
        self.meeting = Meeting::Span(event.span);
        let id_merge = event.kind == EventKind::Track && names_user_in_properties(event);
        // A null original (`alias(id, None)`) means "the current id", not a null id.
        let original = event.original.iter().filter(|v| !matches!(v, Value::Null));
        for value in event.id.iter().chain(original) {
            let found = match self.instance_fresh(value, event.side, values) {
                Some(i) => Some(i),
                None => self.tracked_or_constant(value, values),
            };
            let Some(i) = found else {
                continue;
            };
            let at = self.hop(Hop::Here(EventSite {
                function: self.function,
                span: event.span,
                method: event.method.clone(),
            }));
            // No use of a placeholder, even one a caller passes in.
            self.use_as_id(i, at, !id_merge, values);
        }
    }

    /// A client's id read from an attribute of its object that holds a value made where the
    /// attribute is written (`this.anonId = uuid()` in the constructor): the object keeps it
    /// only while it lives, so on the device each page load or app start makes a new user.
    /// (On a server the object may live as long as the process or be saved: the attribute
    /// counts as kept there.)
    fn instance_fresh(&mut self, value: &Value, side: Side, values: &mut Values) -> Option<usize> {
        if side != Side::Client {
            return None;
        }
        let (
            written,
            FieldValue::Fresh {
                origin,
                function,
                span,
            },
        ) = self.fields.value(self.function, value)?
        else {
            return None;
        };
        let hop = Hop::Here(EventSite {
            function: *function,
            span: *span,
            method: origin.clone(),
        });
        let source = Source::Fresh(hop.clone());
        // One value for the whole body: the object made it once.
        if let Some(i) = self
            .tracked
            .iter()
            .position(|t| t.source.as_ref() == Some(&source))
            && values.get(i).states != 0
        {
            return Some(i);
        }
        let i = self.fresh(source, (origin.clone(), hop), values);
        self.tracked[i].instance_field = Some(written);
        Some(i)
    }

    /// `i` is used as an id at `at`; `names_placeholder` says whether a placeholder there
    /// would be one (not in a Simplified ID Merge track).
    fn use_as_id(&mut self, i: usize, at: HopId, names_placeholder: bool, values: &mut Values) {
        let value = values.get(i);
        if value.states == 0 {
            return;
        }
        if names_placeholder {
            self.tracked[i].any_use.get_or_insert(at);
        }
        values.set(i, value.used(at));
    }

    /// The flow after a call: unreachable when no callee comes back.
    fn call(&mut self, call: &Call, mut values: Values) -> Flow {
        self.here = call.span;
        self.meeting = Meeting::Span(call.span);
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
        let (flow, result) = match target {
            Target::Project(targets) => self.project_call(call, &targets, values),
            Target::Sdk(event) => {
                self.event(&event, &mut values);
                (Flow::Reachable(values), None)
            }
            Target::External => {
                // Handed to code idlint cannot see: assume it is kept (prefer a missed finding).
                for value in call.args.iter().chain(receiver) {
                    if let Some(i) = self.tracked_value(value, &mut values) {
                        values.set(i, values.get(i).persisted());
                    }
                }
                (Flow::Reachable(values), None)
            }
        };
        if let Some(name) = &call.result {
            self.env.push((name.clone(), result));
        }
        flow
    }

    /// The flow after a call of project functions (joined over the candidates that come back)
    /// and the tracked value of its result when one of them returns a fresh value.
    fn project_call(
        &mut self,
        call: &Call,
        targets: &[FnId],
        mut values: Values,
    ) -> (Flow, Option<usize>) {
        let summaries = self.summaries;
        let mut after = Flow::Unreachable;
        for &target in targets {
            let summary = &summaries[target.0 as usize];
            let passed = self.arguments(call, target, &mut values);
            let hops: Vec<HopId> = passed
                .iter()
                .map(|&(param, _)| {
                    self.hop(Hop::Call {
                        caller: self.function,
                        span: call.span,
                        callee: target,
                        param,
                    })
                })
                .collect();
            for (&(param, i), &at) in passed.iter().zip(&hops) {
                // Used inside even if the call never comes back.
                if summary
                    .params
                    .get(param)
                    .is_some_and(|p| p.any_use.is_some())
                    && values.get(i).states != 0
                {
                    self.tracked[i].any_use.get_or_insert(at);
                }
            }
            if !summary.returns {
                continue;
            }
            let mut these = values.clone();
            for (&(param, i), &at) in passed.iter().zip(&hops) {
                // An argument past the callee's parameters is not seen there.
                if let Some(effect) = summary.params.get(param) {
                    these.set(i, these.get(i).passed(effect.outcomes, at));
                }
            }
            after = after.join(Flow::Reachable(these));
        }
        let result = match &mut after {
            Flow::Reachable(values) => self.fresh_result(call, targets, values),
            Flow::Unreachable => None,
        };
        (after, result)
    }

    /// `(parameter, tracked value)` for each argument of `call` that is tracked, as `target`'s
    /// parameters receive them ([`passed`]): a default the call leaves a parameter with is a
    /// constant met at the call.
    fn arguments(&mut self, call: &Call, target: FnId, values: &mut Values) -> Vec<(usize, usize)> {
        let modules = self.modules;
        let callee = self.graph.function(modules, target);
        passed(call, callee)
            .into_iter()
            .enumerate()
            .filter_map(|(i, passed)| {
                let tracked = match passed {
                    Passed::Value(value) => self.tracked_or_constant(value, values),
                    Passed::Default(value) => {
                        let param = callee.params.get(i).map_or("", String::as_str);
                        self.default_constant(value, param, target, values)
                    }
                    Passed::Unknown => None,
                }?;
                Some((i, tracked))
            })
            .collect()
    }

    /// A parameter's default, which a call leaves it with: a literal, or a constant of the
    /// callee's module (`uid=ANON_ID`), is a constant met at the call. A falsy one (`uid=None`,
    /// `id = null`, `''`) marks an argument not given, which the function tests before it uses
    /// it (`if user_id:`): it is not followed.
    fn default_constant(
        &mut self,
        value: &Value,
        param: &str,
        callee: FnId,
        values: &mut Values,
    ) -> Option<usize> {
        if value.is_falsy_literal() {
            return None;
        }
        if let Some((text, literal)) = literal_of(value) {
            let description = format!("the default `{param} = {text}`");
            return Some(self.constant(description, literal, values));
        }
        let Value::Path { root, fields } = value else {
            return None;
        };
        let module = self.graph.functions[callee.0 as usize].module as usize;
        let (name, constant) = self.constants.resolve(self.modules, module, root, fields)?;
        if constant.is_falsy_literal() {
            return None;
        }
        let (text, literal) = literal_of(constant)?;
        let description = format!("the default `{param} = {name}` ({text})");
        Some(self.constant(description, literal, values))
    }

    fn fresh_result(
        &mut self,
        call: &Call,
        targets: &[FnId],
        values: &mut Values,
    ) -> Option<usize> {
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
        Some(self.fresh(Source::Fresh(origin.clone()), (description, origin), values))
    }
}

/// A literal as messages show it, and its text when it has one.
fn literal_of(value: &Value) -> Option<(String, Option<String>)> {
    match value {
        Value::Str(text) => Some((format!("{text:?}"), Some(text.clone()))),
        Value::Num(number) => Some((number.clone(), Some(number.clone()))),
        Value::Null => Some(("null".to_owned(), None)),
        Value::Bool(b) => Some((b.to_string(), None)),
        _ => None,
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
