//! The path analysis: for one automaton, finds every place where some path through the program
//! drives it into a violation, in time linear in the program's size.
//!
//! Every function gets a summary per *view* (which of its events concern the user being
//! followed): the relation between the automaton states at entry and at exit, one witness per
//! pair, and the violations a caller's state can trigger inside it. Summaries are computed on
//! demand, bottom-up over the strongly connected components of the (function, view) graph, with
//! a fixpoint inside each component for recursion. A forward pass over each function's own body
//! then reports the violations that arise there. See ARCHITECTURE.md.

use std::collections::{HashMap, HashSet};

use crate::callgraph::FnId;
use crate::ir::{Side, Span};

use super::automaton::{Automaton, Grouping, Letter, MAX_STATES, Rel, States};
use super::prepare::{self, Key, Node, PCall, PEvent, Prepared, Root, canonical};
use super::witness::{Arena, EventSite, Site, W};

/// Which events of a function concern the user being followed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// [`Grouping::SameUser`]: events on the listed parameters, and (if `other`) events on
    /// every other id except per-element loop variables.
    Class { other: bool, params: u64 },
    /// [`Grouping::SameId`]: events whose id is one of these keys.
    Keys(Vec<Key>),
    /// [`Grouping::SameId`], widened: events on any id that can be compared.
    AnyKey,
}

type ViewId = u32;

/// Most distinct views one function is summarised under. Views come from the argument
/// patterns of the calls that reach it, which recursion can multiply (`f(a, b)` calling
/// `f(b, a)`, keys growing through fields); past this many, a function's further views are
/// answered by its widest view (every event on a parameter or another id counts: the same user,
/// or any comparable id). Widening merges users the narrower view kept apart, so beyond the
/// bound a finding can appear or disappear; below it, nothing changes.
const MAX_VIEWS_PER_FUNCTION: u32 = 16;

/// Most keys (users) a `SameId` forward pass follows through one function, in their canonical
/// order: each costs a pass over the body (documented limit).
const MAX_FOLLOWED_KEYS: usize = 64;

/// What the engine reads from the program.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub prepared: &'a [Prepared],
    /// Functions that no analysed code calls: only there does "nothing happened before" hold.
    pub entries: &'a [bool],
    /// Functions from which an identity call is reachable; the others are never summarised.
    pub relevant: &'a [bool],
    /// For the other functions: whether a path through them returns (then a call of one is the
    /// identity relation, else the empty one).
    pub completes: &'a [bool],
}

/// How the body of the function being walked is looked at.
#[derive(Clone, Copy, Debug)]
struct Frame {
    view: ViewId,
    /// Following the user of one iteration of this per-element loop: it runs once for them.
    loop_class: Option<u32>,
}

/// A function's summary under one view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Summary {
    /// Entry state → exit state, over every path (falling off the end or returning).
    rel: Rel,
    /// States that some path leaves unchanged (no state-changing event at all).
    unchanged: u8,
    /// From this entry state, a path reaches a violation before changing state: the violation
    /// depends on what happened before the call, so the caller reports it.
    err: [W; MAX_STATES],
}

impl Summary {
    const BOTTOM: Summary = Summary {
        rel: Rel::EMPTY,
        unchanged: 0,
        err: [W::NONE; MAX_STATES],
    };

    fn shape(&self) -> ([u8; MAX_STATES], u8, u8) {
        let err = self
            .err
            .iter()
            .enumerate()
            .fold(0u8, |m, (q, w)| if w.is_none() { m } else { m | 1 << q });
        (self.rel.shape(), self.unchanged, err)
    }
}

/// The effect of a piece of code, split by how paths leave it.
#[derive(Clone, Copy, Debug)]
struct Effect {
    normal: Rel,
    returns: Rel,
    breaks: Rel,
    continues: Rel,
    unchanged: [u8; 4],
    err: [W; MAX_STATES],
}

const NORMAL: usize = 0;
const RETURNS: usize = 1;
const BREAKS: usize = 2;
const CONTINUES: usize = 3;

impl Effect {
    fn nothing(states: u8, all: u8) -> Effect {
        Effect {
            normal: Rel::identity(states),
            returns: Rel::EMPTY,
            breaks: Rel::EMPTY,
            continues: Rel::EMPTY,
            unchanged: [all, 0, 0, 0],
            err: [W::NONE; MAX_STATES],
        }
    }

    /// Every way a path leaves the code, as one relation: how an invocation of a repeating
    /// function ends, whether it returns or falls off its end.
    fn ended(&self) -> Rel {
        self.normal
            .union(&self.returns)
            .union(&self.breaks)
            .union(&self.continues)
    }

    fn jump(states: u8, all: u8, exit: usize) -> Effect {
        let mut effect = Effect::nothing(states, all);
        effect.normal = Rel::EMPTY;
        effect.unchanged = [0; 4];
        effect.unchanged[exit] = all;
        match exit {
            RETURNS => effect.returns = Rel::identity(states),
            BREAKS => effect.breaks = Rel::identity(states),
            _ => effect.continues = Rel::identity(states),
        }
        effect
    }

    fn then(&self, next: &Effect, arena: &mut Arena) -> Effect {
        if self.normal.is_empty() {
            return *self;
        }
        let mut err = self.err;
        for (q, slot) in err.iter_mut().enumerate() {
            if slot.is_none() && self.unchanged[NORMAL] & (1 << q) != 0 {
                *slot = next.err[q];
            }
        }
        let u = self.unchanged[NORMAL];
        Effect {
            normal: self.normal.then(&next.normal, arena),
            returns: self.returns.union(&self.normal.then(&next.returns, arena)),
            breaks: self.breaks.union(&self.normal.then(&next.breaks, arena)),
            continues: self
                .continues
                .union(&self.normal.then(&next.continues, arena)),
            unchanged: [
                u & next.unchanged[NORMAL],
                self.unchanged[RETURNS] | (u & next.unchanged[RETURNS]),
                self.unchanged[BREAKS] | (u & next.unchanged[BREAKS]),
                self.unchanged[CONTINUES] | (u & next.unchanged[CONTINUES]),
            ],
            err,
        }
    }

    fn or(&self, other: &Effect) -> Effect {
        let mut err = self.err;
        for (slot, theirs) in err.iter_mut().zip(other.err) {
            if slot.is_none() {
                *slot = theirs;
            }
        }
        Effect {
            normal: self.normal.union(&other.normal),
            returns: self.returns.union(&other.returns),
            breaks: self.breaks.union(&other.breaks),
            continues: self.continues.union(&other.continues),
            unchanged: [0, 1, 2, 3].map(|i| self.unchanged[i] | other.unchanged[i]),
            err,
        }
    }
}

/// States reached at each way out of a piece of code, during the forward pass.
#[derive(Clone, Copy)]
struct Exits {
    normal: States,
    returns: States,
    breaks: States,
    continues: States,
}

impl Exits {
    /// The states of every way out, as one set.
    fn ended(&self) -> States {
        self.normal
            .union(&self.returns)
            .union(&self.breaks)
            .union(&self.continues)
    }
}

/// A violation found by the forward pass, before it becomes a diagnostic.
#[derive(Clone, Debug)]
pub struct PathViolation {
    /// The function where the path that proves it is complete.
    pub function: FnId,
    /// The event that violates the rule, with the calls from `function` down to it.
    pub primary: Site,
    /// The event that put the automaton in the state the violation needs (the first alias).
    pub secondary: Option<Site>,
}

pub struct PathEngine<'a> {
    automaton: &'a Automaton,
    prepared: &'a [Prepared],
    scope: Scope<'a>,
    arena: Arena,
    views: Vec<View>,
    view_ids: HashMap<View, ViewId>,
    /// The view each (function, requested view) is summarised under, and how many distinct
    /// views each function has: see [`MAX_VIEWS_PER_FUNCTION`].
    admitted: HashMap<(FnId, ViewId), ViewId>,
    views_of: HashMap<FnId, u32>,
    summaries: HashMap<(FnId, ViewId), Summary>,
    /// While set, the forward pass records the `return`s reached in this state.
    probe: Option<(u8, Vec<Span>)>,
}

impl<'a> PathEngine<'a> {
    pub fn new(automaton: &'a Automaton, scope: Scope<'a>) -> PathEngine<'a> {
        PathEngine {
            automaton,
            prepared: scope.prepared,
            scope,
            arena: Arena::default(),
            views: Vec::new(),
            view_ids: HashMap::new(),
            admitted: HashMap::new(),
            views_of: HashMap::new(),
            summaries: HashMap::new(),
            probe: None,
        }
    }

    fn intern(&mut self, view: View) -> ViewId {
        if let Some(id) = self.view_ids.get(&view) {
            return *id;
        }
        self.views.push(view.clone());
        let id = self.views.len() as ViewId - 1;
        self.view_ids.insert(view, id);
        id
    }

    /// The states some path through `function` (followed for every user at once) ends in,
    /// from `from`.
    pub fn end_states(&mut self, function: FnId, from: u8) -> u8 {
        let view = self.intern(View::Class {
            other: true,
            params: u64::MAX,
        });
        self.ensure(function, view);
        let rel = self.summary_of(function, view).rel;
        (0..self.automaton.states)
            .filter(|&to| !rel.get(from, to).is_none())
            .fold(0, |mask, to| mask | 1 << to)
    }

    /// The ways out of `function` that some path reaches in `state` (followed for every user at
    /// once, from the start state): the `return`s, and whether it can also fall off the end.
    pub fn exits_in_state(&mut self, function: FnId, state: u8) -> (Vec<Span>, bool) {
        let prepared = self.prepared;
        let view = self.intern(View::Class {
            other: true,
            params: u64::MAX,
        });
        let frame = Frame {
            view,
            loop_class: None,
        };
        let body = &prepared[function.0 as usize].body;
        self.ensure_callees(frame, body);
        self.probe = Some((state, Vec::new()));
        let exits = self.forward(function, frame, body, States::start(), &mut Vec::new());
        let (_, mut spans) = self.probe.take().unwrap_or_default();
        spans.sort();
        spans.dedup();
        (spans, exits.normal.mask() & (1 << state) != 0)
    }

    /// Reports the violations of every function, lowest functions first (`order` is the call
    /// graph's bottom-up order).
    pub fn run(&mut self, order: &[FnId], exported_keys: &[Vec<Key>]) -> Vec<PathViolation> {
        let mut out = Vec::new();
        for &function in order {
            if !self.scope.relevant[function.0 as usize] {
                continue;
            }
            for frame in self.frames(function, exported_keys) {
                self.report_function(function, frame, &mut out);
            }
        }
        out
    }

    /// The users to follow through one function's body.
    fn frames(&mut self, function: FnId, exported_keys: &[Vec<Key>]) -> Vec<Frame> {
        let body = &self.prepared[function.0 as usize].body;
        match self.automaton.grouping {
            Grouping::SameUser => {
                let full = self.intern(View::Class {
                    other: true,
                    params: u64::MAX,
                });
                let per_loop = self.intern(View::Class {
                    other: false,
                    params: 0,
                });
                let mut loops = Vec::new();
                identity_loops(body, self.scope.relevant, &mut loops);
                loops.sort_unstable();
                std::iter::once(Frame {
                    view: full,
                    loop_class: None,
                })
                .chain(loops.into_iter().map(|id| Frame {
                    view: per_loop,
                    loop_class: Some(id),
                }))
                .collect()
            }
            Grouping::SameId => {
                let mut keys = Vec::new();
                prepare::direct_alias_keys(body, &mut keys);
                for call in prepare::calls(body) {
                    for (target, args) in call.targets.iter().zip(&call.args) {
                        keys.extend(
                            exported_keys[target.0 as usize]
                                .iter()
                                .filter_map(|k| prepare::key_into_caller(k, args)),
                        );
                    }
                }
                let mut keys = canonical(keys);
                keys.truncate(MAX_FOLLOWED_KEYS);
                keys.into_iter()
                    .map(|key| {
                        let loop_class = match key.root {
                            Root::Loop(id) => Some(id),
                            _ => None,
                        };
                        Frame {
                            view: self.intern(View::Keys(vec![key])),
                            loop_class,
                        }
                    })
                    .collect()
            }
        }
    }

    fn counts(&self, frame: Frame, event: &PEvent) -> bool {
        if event.letter == Letter::Reset {
            return true;
        }
        match &self.views[frame.view as usize] {
            View::Class { other, params } => {
                if event.side == Side::Client {
                    return *other;
                }
                class_counts(*other, *params, frame.loop_class, event.key.as_ref())
            }
            View::Keys(keys) => event
                .key
                .as_ref()
                .is_some_and(|k| k.comparable() && keys.contains(k)),
            View::AnyKey => event.key.as_ref().is_some_and(Key::comparable),
        }
    }

    /// The view of `callee` that follows the same user as `frame` does in the caller (widened
    /// past [`MAX_VIEWS_PER_FUNCTION`]).
    fn callee_view(&mut self, frame: Frame, callee: FnId, args: &[Option<Key>]) -> ViewId {
        let callee_params = self.prepared[callee.0 as usize].params;
        let view = match &self.views[frame.view as usize] {
            View::Class { other, params } => {
                let mut callee = 0u64;
                for k in 0..callee_params.min(64) {
                    let arg = args.get(k).and_then(Option::as_ref);
                    if class_counts(*other, *params, frame.loop_class, arg) {
                        callee |= 1 << k;
                    }
                }
                View::Class {
                    other: *other,
                    params: callee,
                }
            }
            View::Keys(keys) => View::Keys(canonical(
                keys.iter()
                    .flat_map(|k| prepare::key_into_callee(k, args))
                    .collect(),
            )),
            View::AnyKey => View::AnyKey,
        };
        let view = self.intern(view);
        self.admit(callee, view)
    }

    /// The view `function` is summarised under when `view` is asked for: `view` itself while
    /// the function has fewer than [`MAX_VIEWS_PER_FUNCTION`] views, its widest view after.
    fn admit(&mut self, function: FnId, view: ViewId) -> ViewId {
        if let Some(&admitted) = self.admitted.get(&(function, view)) {
            return admitted;
        }
        let count = self.views_of.entry(function).or_insert(0);
        let admitted = if *count < MAX_VIEWS_PER_FUNCTION {
            *count += 1;
            view
        } else {
            let widest = match self.automaton.grouping {
                Grouping::SameUser => View::Class {
                    other: true,
                    params: u64::MAX,
                },
                Grouping::SameId => View::AnyKey,
            };
            self.intern(widest)
        };
        self.admitted.insert((function, view), admitted);
        admitted
    }

    /// The summary of a call of `function` under `view` (already admitted): a relevant
    /// function's computed summary; for any other, the identity when a path through it
    /// returns and nothing otherwise.
    fn summary_of(&self, function: FnId, view: ViewId) -> Summary {
        let f = function.0 as usize;
        if !self.scope.relevant[f] {
            if !self.scope.completes[f] {
                return Summary::BOTTOM;
            }
            return Summary {
                rel: Rel::identity(self.automaton.states),
                unchanged: self.automaton.all_states(),
                err: [W::NONE; MAX_STATES],
            };
        }
        self.summaries
            .get(&(function, view))
            .copied()
            .unwrap_or(Summary::BOTTOM)
    }

    /// Computes the summaries every call of `body` needs, seen through `frame`.
    fn ensure_callees(&mut self, frame: Frame, body: &[Node]) {
        for call in prepare::calls(body) {
            for (target, args) in call.targets.iter().zip(&call.args) {
                if self.scope.relevant[target.0 as usize] {
                    let view = self.callee_view(frame, *target, args);
                    self.ensure(*target, view);
                }
            }
        }
    }

    fn report_function(&mut self, function: FnId, frame: Frame, out: &mut Vec<PathViolation>) {
        let prepared = self.prepared;
        let body = &prepared[function.0 as usize].body;
        self.ensure_callees(frame, body);
        let mut found = Vec::new();
        self.forward(function, frame, body, States::start(), &mut found);
        let mut seen = HashSet::new();
        for violation in found {
            // The same sites reached through different calls are different findings (an alias
            // in a loop, and the same alias again through a recursive call).
            let key = (
                violation.primary.event.span,
                violation.primary.chain.first().map(|link| link.span),
                violation.secondary.as_ref().map(|s| s.event.span),
            );
            if seen.insert(key) {
                out.push(violation);
            }
        }
    }

    /// Computes the summaries of `(function, view)` and of everything it needs: Tarjan's
    /// algorithm over the (function, view) demand graph, iterative, with a worklist fixpoint per
    /// component. Only relevant functions are nodes of the demand graph.
    fn ensure(&mut self, function: FnId, view: ViewId) {
        if !self.scope.relevant[function.0 as usize]
            || self.summaries.contains_key(&(function, view))
        {
            return;
        }
        let mut index: HashMap<(FnId, ViewId), u32> = HashMap::new();
        let mut low: Vec<u32> = Vec::new();
        let mut nodes: Vec<(FnId, ViewId)> = Vec::new();
        let mut successors: Vec<Vec<(FnId, ViewId)>> = Vec::new();
        let mut on_stack: Vec<bool> = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        // (node, next successor to visit)
        let mut work: Vec<(u32, usize)> = Vec::new();

        let root = (function, view);
        index.insert(root, 0);
        nodes.push(root);
        successors.push(self.demands(root));
        low.push(0);
        on_stack.push(true);
        stack.push(0);
        work.push((0, 0));

        while let Some((node, next)) = work.last_mut() {
            let node = *node;
            if let Some(&succ) = successors[node as usize].get(*next) {
                *next += 1;
                if self.summaries.contains_key(&succ) {
                    continue;
                }
                match index.get(&succ) {
                    None => {
                        let id = nodes.len() as u32;
                        index.insert(succ, id);
                        nodes.push(succ);
                        successors.push(self.demands(succ));
                        low.push(id);
                        on_stack.push(true);
                        stack.push(id);
                        work.push((id, 0));
                    }
                    Some(&id) if on_stack[id as usize] => {
                        low[node as usize] = low[node as usize].min(id);
                    }
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some((parent, _)) = work.last() {
                low[*parent as usize] = low[*parent as usize].min(low[node as usize]);
            }
            if low[node as usize] == node {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member as usize] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                self.solve_component(&component, &nodes, &successors, &index);
            }
        }
    }

    /// The (callee, view) summaries that `(function, view)` needs.
    fn demands(&mut self, (function, view): (FnId, ViewId)) -> Vec<(FnId, ViewId)> {
        let prepared = self.prepared;
        let frame = Frame {
            view,
            loop_class: None,
        };
        let mut out = Vec::new();
        for call in prepare::calls(&prepared[function.0 as usize].body) {
            for (target, args) in call.targets.iter().zip(&call.args) {
                if self.scope.relevant[target.0 as usize] {
                    let callee_view = self.callee_view(frame, *target, args);
                    out.push((*target, callee_view));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The least fixpoint of one component of the demand graph. Every member is summarised
    /// once, deepest first; after that a member is summarised again only when the summary of
    /// one of its demands in the component changed shape. Shapes only grow (a relation on at
    /// most four states, the unchanged states and the violations per entry state: 24 bits), so
    /// a member is summarised at most 1 + 24 × (its demands in the component) times, and in
    /// practice once or twice.
    fn solve_component(
        &mut self,
        component: &[u32],
        nodes: &[(FnId, ViewId)],
        successors: &[Vec<(FnId, ViewId)>],
        index: &HashMap<(FnId, ViewId), u32>,
    ) {
        for &member in component {
            self.summaries
                .insert(nodes[member as usize], Summary::BOTTOM);
        }
        if let [member] = component {
            let node = nodes[*member as usize];
            let summary = self.summarise(node);
            self.summaries.insert(node, summary);
            if !successors[*member as usize].contains(&node) {
                return;
            }
        }
        let position: HashMap<u32, usize> = component
            .iter()
            .enumerate()
            .map(|(i, &member)| (member, i))
            .collect();
        let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); component.len()];
        for (i, &member) in component.iter().enumerate() {
            for succ in &successors[member as usize] {
                if let Some(j) = index.get(succ).and_then(|id| position.get(id)) {
                    dependants[*j].push(i);
                }
            }
        }
        let mut queued = vec![true; component.len()];
        let mut queue: std::collections::VecDeque<usize> = (0..component.len()).collect();
        while let Some(i) = queue.pop_front() {
            queued[i] = false;
            let node = nodes[component[i] as usize];
            let summary = self.summarise(node);
            let changed = summary.shape() != self.summaries[&node].shape();
            self.summaries.insert(node, summary);
            if changed {
                for &dependant in &dependants[i] {
                    if !queued[dependant] {
                        queued[dependant] = true;
                        queue.push_back(dependant);
                    }
                }
            }
        }
    }

    fn summarise(&mut self, (function, view): (FnId, ViewId)) -> Summary {
        let frame = Frame {
            view,
            loop_class: None,
        };
        let prepared = self.prepared;
        let effect = self.effect_of_block(function, frame, &prepared[function.0 as usize].body);
        Summary {
            rel: effect.normal.union(&effect.returns),
            unchanged: effect.unchanged[NORMAL] | effect.unchanged[RETURNS],
            err: effect.err,
        }
    }

    fn nothing(&self) -> Effect {
        Effect::nothing(self.automaton.states, self.automaton.all_states())
    }

    fn effect_of_block(&mut self, function: FnId, frame: Frame, nodes: &[Node]) -> Effect {
        let mut effect = self.nothing();
        for node in nodes {
            if effect.normal.is_empty() {
                break;
            }
            let next = self.effect_of_node(function, frame, node);
            effect = effect.then(&next, &mut self.arena);
        }
        effect
    }

    fn effect_of_node(&mut self, function: FnId, frame: Frame, node: &Node) -> Effect {
        let states = self.automaton.states;
        let all = self.automaton.all_states();
        match node {
            Node::Event(event) => {
                if !self.counts(frame, event) {
                    return self.nothing();
                }
                let w = self.event_witness(function, event);
                let mut effect = Effect::nothing(states, all);
                effect.normal = Rel::EMPTY;
                effect.unchanged[NORMAL] = 0;
                for q in 0..states {
                    let step = (self.automaton.step)(q, event.letter);
                    let pair_witness = if step.next == q { W::EMPTY } else { w };
                    effect.normal.set_if_absent(q, step.next, pair_witness);
                    if step.next == q {
                        effect.unchanged[NORMAL] |= 1 << q;
                    }
                    if step.violation {
                        effect.err[q as usize] = w;
                    }
                }
                effect
            }
            Node::Call(call) => self.effect_of_call(function, frame, call),
            Node::Branch(arms) => {
                let mut effect: Option<Effect> = None;
                for arm in arms {
                    let arm = self.effect_of_block(function, frame, arm);
                    effect = Some(match effect {
                        Some(e) => e.or(&arm),
                        None => arm,
                    });
                }
                effect.unwrap_or_else(|| self.nothing())
            }
            Node::Loop { id, body, .. } => {
                let body = self.effect_of_block(function, frame, body);
                let iteration = body.normal.union(&body.continues);
                let repeated = if frame.loop_class == Some(*id) {
                    // One iteration per user: the loop body runs at most once for the one followed.
                    Rel::identity(states).union(&iteration)
                } else {
                    iteration.star(states, &mut self.arena)
                };
                let breaks = repeated.then(&body.breaks, &mut self.arena);
                let returns = repeated.then(&body.returns, &mut self.arena);
                Effect {
                    normal: repeated.union(&breaks),
                    returns,
                    breaks: Rel::EMPTY,
                    continues: Rel::EMPTY,
                    unchanged: [all, body.unchanged[RETURNS], 0, 0],
                    err: body.err,
                }
            }
            Node::Break => Effect::jump(states, all, BREAKS),
            Node::Continue => Effect::jump(states, all, CONTINUES),
            Node::Return(_) => Effect::jump(states, all, RETURNS),
            Node::Guard { .. } => self.nothing(),
            Node::Invocations { each, once } => {
                self.effect_of_invocations(function, frame, each, once.as_deref())
            }
        }
    }

    /// One or more invocations of a repeating function's body: the first runs `once` (the
    /// whole body) when there is one, the later ones `each`, so `first · each*`. An invocation
    /// ends however its path leaves the body.
    fn effect_of_invocations(
        &mut self,
        function: FnId,
        frame: Frame,
        each: &[Node],
        once: Option<&[Node]>,
    ) -> Effect {
        let states = self.automaton.states;
        let later = self.effect_of_block(function, frame, each);
        let first = match once {
            Some(once) => self.effect_of_block(function, frame, once),
            None => later,
        };
        let repeated = later.ended().star(states, &mut self.arena);
        let normal = first.ended().then(&repeated, &mut self.arena);
        Effect {
            normal,
            returns: Rel::EMPTY,
            breaks: Rel::EMPTY,
            continues: Rel::EMPTY,
            unchanged: [first.unchanged.iter().fold(0, |m, u| m | u), 0, 0, 0],
            err: first.err,
        }
    }

    fn effect_of_call(&mut self, function: FnId, frame: Frame, call: &PCall) -> Effect {
        let mut effect: Option<Effect> = None;
        for (target, args) in call.targets.iter().zip(&call.args) {
            let view = if self.scope.relevant[target.0 as usize] {
                self.callee_view(frame, *target, args)
            } else {
                0
            };
            let summary = self.summary_of(*target, view);
            let mut this = self.nothing();
            this.normal = Rel::EMPTY;
            for q in 0..MAX_STATES {
                for p in 0..MAX_STATES {
                    let w = summary.rel.pairs[q][p];
                    if !w.is_none() {
                        let wrapped = self.arena.call(function, call.span, w);
                        this.normal.set_if_absent(q as u8, p as u8, wrapped);
                    }
                }
                if !summary.err[q].is_none() {
                    this.err[q] = self.arena.call(function, call.span, summary.err[q]);
                }
            }
            this.unchanged[NORMAL] = summary.unchanged;
            effect = Some(match effect {
                Some(e) => e.or(&this),
                None => this,
            });
        }
        effect.unwrap_or_else(|| self.nothing())
    }

    /// Does a violation in state `q`, reached by `reached`, belong to `function`? A state set
    /// up by an event of this function does. The start state with nothing before it means
    /// "nothing happened yet" only where paths start, at entry points; elsewhere the caller's
    /// path decides, and the violation is reported there, once.
    fn owns(&self, function: FnId, q: u8, reached: W) -> bool {
        q != 0 || !reached.is_empty() || self.scope.entries[function.0 as usize]
    }

    fn event_witness(&mut self, function: FnId, event: &PEvent) -> W {
        self.arena.event(EventSite {
            function,
            span: event.span,
            method: event.method.clone(),
        })
    }

    /// Walks a body from `entry`, reporting each event or call where a violation arises.
    fn forward(
        &mut self,
        function: FnId,
        frame: Frame,
        nodes: &[Node],
        entry: States,
        found: &mut Vec<PathViolation>,
    ) -> Exits {
        let mut exits = Exits {
            normal: entry,
            returns: States::NONE,
            breaks: States::NONE,
            continues: States::NONE,
        };
        for node in nodes {
            if exits.normal.mask() == 0 {
                break;
            }
            let step = self.forward_node(function, frame, node, exits.normal, found);
            exits = Exits {
                normal: step.normal,
                returns: exits.returns.union(&step.returns),
                breaks: exits.breaks.union(&step.breaks),
                continues: exits.continues.union(&step.continues),
            };
        }
        exits
    }

    fn forward_node(
        &mut self,
        function: FnId,
        frame: Frame,
        node: &Node,
        entry: States,
        found: &mut Vec<PathViolation>,
    ) -> Exits {
        let only = |normal| Exits {
            normal,
            returns: States::NONE,
            breaks: States::NONE,
            continues: States::NONE,
        };
        match node {
            Node::Event(event) => {
                if !self.counts(frame, event) {
                    return only(entry);
                }
                let w = self.event_witness(function, event);
                let mut next_states = States::NONE;
                for (q, reached) in entry.iter() {
                    let step = (self.automaton.step)(q, event.letter);
                    if step.violation && self.owns(function, q, reached) {
                        let primary = self
                            .arena
                            .last_event(w)
                            .expect("an event witness has an event");
                        found.push(PathViolation {
                            function,
                            primary,
                            secondary: self.arena.last_event(reached),
                        });
                    }
                    let joined = if step.next == q {
                        reached
                    } else {
                        self.arena.seq(reached, w)
                    };
                    next_states.add(step.next, joined);
                }
                only(next_states)
            }
            Node::Call(call) => {
                let effect = self.effect_of_call(function, frame, call);
                for (q, reached) in entry.iter() {
                    let err = effect.err[q as usize];
                    if !err.is_none() && self.owns(function, q, reached) {
                        let primary = self
                            .arena
                            .last_event(err)
                            .expect("a violation witness has an event");
                        found.push(PathViolation {
                            function,
                            primary,
                            secondary: self.arena.last_event(reached),
                        });
                    }
                }
                only(entry.apply(&effect.normal, &mut self.arena))
            }
            Node::Branch(arms) => {
                let mut exits: Option<Exits> = None;
                for arm in arms {
                    let arm = self.forward(function, frame, arm, entry, found);
                    exits = Some(match exits {
                        Some(e) => Exits {
                            normal: e.normal.union(&arm.normal),
                            returns: e.returns.union(&arm.returns),
                            breaks: e.breaks.union(&arm.breaks),
                            continues: e.continues.union(&arm.continues),
                        },
                        None => arm,
                    });
                }
                exits.unwrap_or(only(entry))
            }
            Node::Loop { id, body, .. } => {
                let head = if frame.loop_class == Some(*id) {
                    entry
                } else {
                    let effect = self.effect_of_block(function, frame, body);
                    let iteration = effect.normal.union(&effect.continues);
                    let repeated = iteration.star(self.automaton.states, &mut self.arena);
                    entry.apply(&repeated, &mut self.arena)
                };
                let inner = self.forward(function, frame, body, head, found);
                Exits {
                    normal: head
                        .union(&inner.normal)
                        .union(&inner.continues)
                        .union(&inner.breaks),
                    returns: inner.returns,
                    breaks: States::NONE,
                    continues: States::NONE,
                }
            }
            Node::Break => Exits {
                normal: States::NONE,
                returns: States::NONE,
                breaks: entry,
                continues: States::NONE,
            },
            Node::Continue => Exits {
                normal: States::NONE,
                returns: States::NONE,
                breaks: States::NONE,
                continues: entry,
            },
            Node::Guard { .. } => only(entry),
            Node::Invocations { each, once } => {
                self.forward_invocations(function, frame, each, once.as_deref(), entry, found)
            }
            Node::Return(span) => {
                if let Some((state, spans)) = &mut self.probe
                    && entry.mask() & (1 << *state) != 0
                {
                    spans.push(*span);
                }
                Exits {
                    normal: States::NONE,
                    returns: entry,
                    breaks: States::NONE,
                    continues: States::NONE,
                }
            }
        }
    }
}

impl PathEngine<'_> {
    /// Walks the invocations of a repeating function's body from `entry`: the first, then the
    /// later ones from every state the earlier ones can leave, so a violation between two of
    /// them is found inside the body.
    fn forward_invocations(
        &mut self,
        function: FnId,
        frame: Frame,
        each: &[Node],
        once: Option<&[Node]>,
        entry: States,
        found: &mut Vec<PathViolation>,
    ) -> Exits {
        let states = self.automaton.states;
        let later = self.effect_of_block(function, frame, each);
        let repeated = later.ended().star(states, &mut self.arena);
        let first = self
            .forward(function, frame, once.unwrap_or(each), entry, found)
            .ended();
        let head = first.apply(&repeated, &mut self.arena);
        let after = self.forward(function, frame, each, head, found).ended();
        Exits {
            normal: first.union(&after),
            returns: States::NONE,
            breaks: States::NONE,
            continues: States::NONE,
        }
    }
}

/// The per-element loops of `nodes` whose body makes an identity event or calls a relevant
/// function: only there can one iteration's user meet a violation (elsewhere that user's
/// automaton sees nothing but resets), so only these get a forward pass of their own. Whether
/// `nodes` themselves make one.
fn identity_loops(nodes: &[Node], relevant: &[bool], out: &mut Vec<u32>) -> bool {
    let mut any = false;
    for node in nodes {
        match node {
            Node::Event(_) => any = true,
            Node::Call(call) => any |= call.targets.iter().any(|t| relevant[t.0 as usize]),
            Node::Branch(arms) => {
                for arm in arms {
                    any |= identity_loops(arm, relevant, out);
                }
            }
            Node::Loop {
                id,
                per_element,
                body,
            } => {
                let inside = identity_loops(body, relevant, out);
                if inside && *per_element {
                    out.push(*id);
                }
                any |= inside;
            }
            Node::Invocations { each, once } => {
                any |= identity_loops(each, relevant, out);
                if let Some(once) = once {
                    any |= identity_loops(once, relevant, out);
                }
            }
            Node::Break | Node::Continue | Node::Return(_) | Node::Guard { .. } => {}
        }
    }
    any
}

/// Does an event with this id belong to the user a class view follows?
fn class_counts(other: bool, params: u64, loop_class: Option<u32>, key: Option<&Key>) -> bool {
    match key.map(|k| &k.root) {
        Some(Root::Param(i)) if *i < 64 => params & (1 << i) != 0,
        Some(Root::Loop(id)) => loop_class == Some(*id),
        _ => other && loop_class.is_none(),
    }
}
