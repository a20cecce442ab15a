//! Language-neutral analysis over the IR and the call graph. No IO, no syntax trees.
//!
//! - [`prepare`] resolves id expressions to keys relative to each function;
//! - [`paths`] runs a rule's automaton over every path, with function summaries;
//! - [`fresh`] follows freshly generated ids to where they are used and kept.

pub mod access;
pub mod automaton;
pub mod constants;
pub mod fields;
pub mod fresh;
pub mod id_names;
pub mod id_origins;
pub mod paths;
pub mod prepare;
pub mod relevance;
pub mod self_alias;
pub mod settings;
pub mod witness;

use crate::callgraph::{CallGraph, FnId};
use crate::ir::{Call, Callee, Function, Module, Value};
use crate::timing;

pub use automaton::{Automaton, Grouping, Letter, Step};
pub use fresh::FreshLeak;
pub use id_origins::{Frame, IdOrigin, IdOrigins};
pub use paths::PathViolation;
pub use self_alias::SelfAlias;
pub use settings::RuleSettings;

/// Where a call's receiver goes among a project callee's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReceiverSlot {
    /// The arguments are the parameters, in order.
    None,
    /// The receiver is the first parameter, then the arguments.
    Receiver,
    /// The first parameter is a receiver the call does not show (`Tracker.identify(id)`
    /// through a module-level instance); the arguments start at the second.
    Unknown,
}

/// How a call lines up with a callee whose first parameter is `first_param`. A method's
/// receiver is its first parameter: `self` (Rust, Python, Swift) is given by the call's
/// receiver when it has one, else written as the first argument (`Type::m(x, a)`); `this`
/// (JavaScript, Kotlin, Java) is never written among the arguments, so it always takes the
/// first parameter, known or not.
pub(crate) fn receiver_slot(first_param: Option<&str>, has_receiver: bool) -> ReceiverSlot {
    match (first_param, has_receiver) {
        (Some("self" | "this"), true) => ReceiverSlot::Receiver,
        (Some("this"), false) => ReceiverSlot::Unknown,
        _ => ReceiverSlot::None,
    }
}

/// What one parameter of a project callee receives at a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Passed<'v> {
    /// A value the call passes: its receiver, or an argument by position or by keyword.
    Value(&'v Value),
    /// Nothing: the parameter takes its declared default.
    Default(&'v Value),
    /// Something the call does not show (a receiver through a module-level instance, what a
    /// spread passes, a parameter without a default that the call leaves out).
    Unknown,
}

/// A call's arguments as `callee`'s parameters receive them, parameter by parameter: the
/// receiver first when the callee takes one ([`receiver_slot`]), the positional arguments in
/// order, keyword arguments by their names (one no parameter has goes to a `**kwargs`: it is
/// dropped), and its default for a parameter the call passes nothing to — unless an argument
/// is spread and may pass it. Positional arguments past the parameters keep their places.
pub(crate) fn passed<'v>(call: &'v Call, callee: &'v Function) -> Vec<Passed<'v>> {
    let receiver = match &call.callee {
        Callee::Method { receiver, .. } => Some(receiver),
        _ => None,
    };
    let mut slots: Vec<Option<Passed>> =
        Vec::with_capacity(callee.params.len().max(call.args.len() + 1));
    let set = |slots: &mut Vec<Option<Passed<'v>>>, at: usize, passed: Passed<'v>| {
        if slots.len() <= at {
            slots.resize(at + 1, None);
        }
        slots[at] = Some(passed);
    };
    let mut next = 0;
    match receiver_slot(
        callee.params.first().map(String::as_str),
        receiver.is_some(),
    ) {
        ReceiverSlot::Receiver => {
            if let Some(receiver) = receiver {
                set(&mut slots, 0, Passed::Value(receiver));
            }
            next = 1;
        }
        ReceiverSlot::Unknown => {
            set(&mut slots, 0, Passed::Unknown);
            next = 1;
        }
        ReceiverSlot::None => {}
    }
    for (i, arg) in call.args.iter().enumerate() {
        match call.keywords.get(i).and_then(Option::as_deref) {
            Some(keyword) => {
                if let Some(at) = callee.params.iter().position(|p| p == keyword) {
                    set(&mut slots, at, Passed::Value(arg));
                }
            }
            None => {
                set(&mut slots, next, Passed::Value(arg));
                next += 1;
            }
        }
    }
    if slots.len() < callee.params.len() {
        slots.resize(callee.params.len(), None);
    }
    slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            slot.unwrap_or_else(|| match callee.defaults.get(i) {
                Some(Some(default)) if !call.spread => Passed::Default(default),
                _ => Passed::Unknown,
            })
        })
        .collect()
}

/// Solves the summaries of one strongly connected component of the call graph with a worklist:
/// every member is evaluated once, then again only when the summary of one of its callees in
/// the component changed. `evaluate` recomputes a member's summary and says whether it changed.
/// Summaries must only grow (a finite lattice, monotone evaluation), which bounds the
/// re-evaluations of a member by its callees' changes.
pub(crate) fn solve_component(
    component: &[FnId],
    callees: impl Fn(FnId) -> Vec<FnId>,
    mut evaluate: impl FnMut(FnId) -> bool,
) {
    if let [only] = component
        && !callees(*only).contains(only)
    {
        evaluate(*only);
        return;
    }
    let position: std::collections::HashMap<FnId, usize> =
        component.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); component.len()];
    for (i, f) in component.iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        for callee in callees(*f) {
            if let Some(&j) = position.get(&callee)
                && seen.insert(j)
            {
                callers[j].push(i);
            }
        }
    }
    let mut queued = vec![true; component.len()];
    let mut queue: std::collections::VecDeque<usize> = (0..component.len()).collect();
    while let Some(i) = queue.pop_front() {
        queued[i] = false;
        if evaluate(component[i]) {
            for &caller in &callers[i] {
                if !queued[caller] {
                    queued[caller] = true;
                    queue.push_back(caller);
                }
            }
        }
    }
}

/// Which functions a set of roots reaches, and how.
pub struct Reach {
    pub reached: Vec<bool>,
    parent: Vec<Option<witness::ChainLink>>,
}

impl Reach {
    /// The calls from a root down to `function`, root first.
    pub fn chain_to(&self, function: FnId) -> Vec<witness::ChainLink> {
        let mut chain = Vec::new();
        let mut current = function;
        while let Some(link) = self.parent[current.0 as usize] {
            chain.push(link);
            current = link.caller;
        }
        chain.reverse();
        chain
    }
}

/// The whole program as the rules see it.
pub struct Program {
    pub modules: Vec<Module>,
    /// The settings of each module's file (by position); rules read name patterns here.
    settings: Vec<std::sync::Arc<RuleSettings>>,
    pub graph: CallGraph,
    /// Functions from which an SDK call is reachable: only these are analysed in full.
    relevant: Vec<bool>,
    /// The relevant functions, callees first, by strongly connected component (a component is
    /// relevant as a whole: its members reach each other).
    relevant_sccs: Vec<Vec<FnId>>,
    /// The relevant functions and everything they call: the only bodies any analysis reads.
    needed: Vec<bool>,
    /// Whether some path through an irrelevant function returns: a call of it is then the
    /// identity to every automaton, otherwise the empty relation.
    completes: Vec<bool>,
    /// Functions no analysed code calls and that are not helpers of a tracking module: only
    /// there do paths start with nothing before them ([`starting_fresh`]).
    entries: Vec<bool>,
    prepared: Vec<prepare::Prepared>,
    exported_alias_keys: Vec<Vec<prepare::Key>>,
    /// Computed once, on first use, for every rule that needs them.
    fresh: std::sync::OnceLock<Vec<FreshLeak>>,
    events: std::sync::OnceLock<Vec<(FnId, crate::ir::Event)>>,
    id_origins: std::sync::OnceLock<IdOrigins>,
}

impl Program {
    pub fn new(modules: Vec<Module>) -> Program {
        Program::with_settings(modules, Vec::new())
    }

    /// A program whose module `i` is governed by `settings[i]` (the defaults past its end).
    pub fn with_settings(
        modules: Vec<Module>,
        settings: Vec<std::sync::Arc<RuleSettings>>,
    ) -> Program {
        let graph = timing::phase("call graph", || CallGraph::build(&modules));
        let relevant = timing::phase("relevance", || relevance::relevant(&modules, &graph));
        let relevant_sccs: Vec<Vec<FnId>> = graph
            .sccs
            .iter()
            .filter(|component| relevant[component[0].0 as usize])
            .cloned()
            .collect();
        let repeats: Vec<bool> = (0..graph.len())
            .map(|i| {
                let function = graph.function(&modules, FnId(i as u32));
                let module = graph.functions[i].module as usize;
                function.repeats.is_some()
                    || settings_at(&settings, module)
                        .repeats(&function.name)
                        .is_some()
            })
            .collect();
        let needed = relevance::called_from_relevant(&graph, &relevant);
        let prepared = timing::phase("prepare", || {
            prepare::prepare_all(&modules, &graph, &relevant, &needed, &repeats)
        });
        let completes = relevance::completes(&prepared, &relevant);
        let exported_alias_keys = prepare::exported_alias_keys(&prepared, &graph.sccs, &relevant);
        let entries = timing::phase("start states", || starting_fresh(&modules, &graph));
        Program {
            modules,
            settings,
            graph,
            relevant,
            relevant_sccs,
            needed,
            completes,
            entries,
            prepared,
            exported_alias_keys,
            fresh: std::sync::OnceLock::new(),
            events: std::sync::OnceLock::new(),
            id_origins: std::sync::OnceLock::new(),
        }
    }

    /// Functions callees first, so the lowest function where a violation is complete reports it.
    pub fn bottom_up(&self) -> Vec<FnId> {
        self.graph.sccs.iter().flatten().copied().collect()
    }

    /// Whether an SDK call is reachable from `id` in the call graph. The other functions cannot
    /// change any identity state: the analyses skip them.
    pub fn is_relevant(&self, id: FnId) -> bool {
        self.relevant[id.0 as usize]
    }

    /// The relevant functions, callees first, by strongly connected component.
    pub fn relevant_sccs(&self) -> &[Vec<FnId>] {
        &self.relevant_sccs
    }

    fn engine<'a>(&'a self, automaton: &'a Automaton) -> paths::PathEngine<'a> {
        paths::PathEngine::new(
            automaton,
            paths::Scope {
                prepared: &self.prepared,
                entries: &self.entries,
                relevant: &self.relevant,
                completes: &self.completes,
            },
        )
    }

    /// Every violation of `automaton` on some path of the program.
    pub fn path_violations(&self, automaton: &Automaton) -> Vec<PathViolation> {
        let order: Vec<FnId> = self.relevant_sccs.iter().flatten().copied().collect();
        self.engine(automaton)
            .run(&order, &self.exported_alias_keys)
    }

    /// Every fresh id used as a distinct id on a path that never keeps it.
    pub fn fresh_leaks(&self) -> &[FreshLeak] {
        self.fresh
            .get_or_init(|| fresh::fresh_leaks(&self.modules, &self.graph, &self.needed))
    }

    /// Where the ids of identity calls come from, as the code names them.
    pub fn id_origins(&self) -> &IdOrigins {
        self.id_origins.get_or_init(|| id_origins::id_origins(self))
    }

    /// Every alias that links an id to itself, reported where the two ids meet.
    pub fn self_aliases(&self) -> Vec<SelfAlias> {
        self_alias::self_aliases(&self.prepared, &self.relevant_sccs)
    }

    /// The SDK calls a function makes directly: its events, and the calls on receivers named
    /// like trackers that no project function answers.
    pub fn events_of(&self, id: FnId) -> Vec<crate::ir::Event> {
        let mut events = Vec::new();
        let targets = &self.graph.calls[id.0 as usize];
        let mut call = 0;
        crate::ir::walk_block(&self.function(id).body, &mut |stmt| match stmt {
            crate::ir::Stmt::Event(event) => events.push(event.clone()),
            crate::ir::Stmt::Call(_) => {
                if let Some(crate::callgraph::Target::Sdk(event)) = targets.get(call) {
                    events.push((**event).clone());
                }
                call += 1;
            }
            _ => {}
        });
        events
    }

    /// Every SDK call of the program, with the function that makes it.
    pub fn all_events(&self) -> &[(FnId, crate::ir::Event)] {
        self.events.get_or_init(|| {
            (0..self.graph.len() as u32)
                .map(FnId)
                .filter(|&id| self.is_relevant(id))
                .flat_map(|id| self.events_of(id).into_iter().map(move |e| (id, e)))
                .collect()
        })
    }

    /// Breadth-first over calls from `roots`: for every function reached, the call that first
    /// reached it (`None` for a root and for unreached functions).
    ///
    /// Only relevant functions are followed: every function on a call path to an SDK call is
    /// relevant, so the chains to those functions are the same as over the whole graph.
    pub fn reach_from(&self, roots: &[FnId]) -> Reach {
        self.reach(roots, false)
    }

    /// Which functions a set of roots reaches through calls that are not in a sign-up-only
    /// arm (`if (isNewUser)`): what a login flow runs for a user who already has an account.
    pub fn reach_outside_signup(&self, roots: &[FnId]) -> Reach {
        self.reach(roots, true)
    }

    fn reach(&self, roots: &[FnId], skip_signup_only: bool) -> Reach {
        let n = self.graph.len();
        let mut reached = vec![false; n];
        let mut parent: Vec<Option<witness::ChainLink>> = vec![None; n];
        let mut queue = std::collections::VecDeque::new();
        for root in roots {
            if self.is_relevant(*root) && !reached[root.0 as usize] {
                reached[root.0 as usize] = true;
                queue.push_back(*root);
            }
        }
        while let Some(caller) = queue.pop_front() {
            let mut spans = Vec::new();
            crate::ir::walk_block(&self.function(caller).body, &mut |stmt| {
                if let crate::ir::Stmt::Call(call) = stmt {
                    spans.push(call.span);
                }
            });
            let signup_only = if skip_signup_only {
                signup_only_sites(&self.function(caller).body)
            } else {
                Vec::new()
            };
            for (target, span) in self.graph.calls[caller.0 as usize].iter().zip(spans) {
                let crate::callgraph::Target::Project(callees) = target else {
                    continue;
                };
                if signup_only.contains(&span) {
                    continue;
                }
                for callee in callees {
                    if self.is_relevant(*callee) && !reached[callee.0 as usize] {
                        reached[callee.0 as usize] = true;
                        parent[callee.0 as usize] = Some(witness::ChainLink { caller, span });
                        queue.push_back(*callee);
                    }
                }
            }
        }
        Reach { reached, parent }
    }

    /// The states some path through `function` can end in, starting from `from`, for
    /// `automaton` (all events concern the same user).
    pub fn end_states(&self, automaton: &Automaton, function: FnId, from: u8) -> u8 {
        self.engine(automaton).end_states(function, from)
    }

    /// The `return`s of `function` that some path reaches in `state` of `automaton`, and
    /// whether a path can also fall off its end in that state.
    pub fn exits_in_state(
        &self,
        automaton: &Automaton,
        function: FnId,
        state: u8,
    ) -> (Vec<crate::ir::Span>, bool) {
        self.engine(automaton).exits_in_state(function, state)
    }

    /// Why the framework runs a function again and again for the same user, if it does.
    pub fn repeats(&self, id: FnId) -> Option<&str> {
        self.function(id)
            .repeats
            .as_deref()
            .or_else(|| self.settings_of(id).repeats(&self.function(id).name))
    }

    /// The settings that govern a function's file.
    pub fn settings_of(&self, id: FnId) -> &RuleSettings {
        settings_at(
            &self.settings,
            self.graph.functions[id.0 as usize].module as usize,
        )
    }

    pub fn function(&self, id: FnId) -> &crate::ir::Function {
        self.graph.function(&self.modules, id)
    }
}

/// Where paths start with nothing before them: at the functions no analysed code calls, except
/// the helpers of a tracking module. Framework entry points (route handlers, callbacks,
/// components, `main`, tasks, an app's exported functions) start fresh: the framework calls
/// them with nothing done yet on that path. A tracking module's own helper (`people: { set:
/// (props) => mixpanel.people.set(props) }`, a Vue mixin's `mixpanelSetPeople`) that nothing
/// visible calls is called from where idlint cannot see (a template, another language, dynamic
/// dispatch), after whatever its callers did: its start state is unknown, so violations of the
/// start state alone (`profile-before-identify` with nothing before it) are not reported
/// there. A helper is a member of an object or of a class without a base class (not a
/// closure) that makes exactly one SDK call itself, in a module where at least two such
/// members do.
fn starting_fresh(modules: &[Module], graph: &CallGraph) -> Vec<bool> {
    let helper_shaped: Vec<bool> = (0..graph.len())
        .map(|i| {
            let module = &modules[graph.functions[i].module as usize];
            let function = graph.function(modules, FnId(i as u32));
            let member = function
                .owner
                .as_ref()
                .is_some_and(|owner| !module.supertypes.iter().any(|(sub, _)| sub == owner));
            if !member || function.kind == crate::ir::FunctionKind::Closure {
                return false;
            }
            let mut sdk_calls = graph.calls[i]
                .iter()
                .filter(|t| matches!(t, crate::callgraph::Target::Sdk(_)))
                .count();
            crate::ir::walk_block(&function.body, &mut |stmt| {
                if matches!(stmt, crate::ir::Stmt::Event(e) if e.kind != crate::ir::EventKind::Init)
                {
                    sdk_calls += 1;
                }
            });
            sdk_calls == 1
        })
        .collect();
    let mut helpers_per_module = vec![0usize; modules.len()];
    for (i, &helper) in helper_shaped.iter().enumerate() {
        if helper {
            helpers_per_module[graph.functions[i].module as usize] += 1;
        }
    }
    (0..graph.len())
        .map(|i| {
            let uncalled = graph.caller_count[i] == 0;
            let module = graph.functions[i].module as usize;
            let repeats = graph.function(modules, FnId(i as u32)).repeats.is_some();
            let helper = helper_shaped[i] && helpers_per_module[module] >= 2 && !repeats;
            uncalled && !helper
        })
        .collect()
}

/// The spans of the calls and events of a body that run only for a new user: in an arm a
/// sign-up-only guard starts (`if (isNewUser) { .. }`).
pub fn signup_only_sites(body: &[crate::ir::Stmt]) -> Vec<crate::ir::Span> {
    use crate::ir::Stmt;
    let mut sites = Vec::new();
    crate::ir::walk_block(body, &mut |stmt| {
        let Stmt::Branch(arms) = stmt else {
            return;
        };
        for arm in arms {
            let signup = arm
                .iter()
                .map_while(|s| match s {
                    Stmt::Guard { value, holds } => Some((value, *holds)),
                    _ => None,
                })
                .any(|(value, holds)| prepare::signup_only(value, holds));
            if signup {
                crate::ir::walk_block(arm, &mut |inner| match inner {
                    Stmt::Call(call) => sites.push(call.span),
                    Stmt::Event(event) => sites.push(event.span),
                    _ => {}
                });
            }
        }
    });
    sites
}

/// The settings of module `module`: the defaults past the end of `settings`.
fn settings_at(settings: &[std::sync::Arc<RuleSettings>], module: usize) -> &RuleSettings {
    static DEFAULT: std::sync::LazyLock<RuleSettings> =
        std::sync::LazyLock::new(RuleSettings::default);
    settings.get(module).map_or(&DEFAULT, |s| s.as_ref())
}
