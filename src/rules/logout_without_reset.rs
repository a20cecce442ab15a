//! `logout-without-reset`: a client-side logout with a path that never calls `reset()`.

use crate::analysis::{Automaton, Grouping, Letter, Program, Step};
use crate::callgraph::FnId;
use crate::callgraph::Target;
use crate::diagnostic::Diagnostic;
use crate::ir::{EventKind, FunctionKind, Language, Side, Stmt};

declare_rule!("logout-without-reset", check, None);

const NOT_RESET: u8 = 0;
const RESET: u8 = 1;

/// Whether a path has called `reset()`; never a violation by itself: what matters is a path
/// that ends still `NOT_RESET`.
const RESET_SEEN: Automaton = Automaton {
    rule: "logout-without-reset",
    states: 2,
    grouping: Grouping::SameUser,
    step: |state, letter| match letter {
        Letter::Reset => Step {
            next: RESET,
            violation: false,
        },
        _ => Step {
            next: state,
            violation: false,
        },
    },
};

/// A function's own name says it logs out: not a closure inside one (`logout::{closure}`, a
/// callback of the logout flow), nor a React hook that returns the logout handler (`useLogout`).
fn is_logout(settings: &crate::analysis::RuleSettings, name: &str) -> bool {
    let own = name.rsplit("::").next().unwrap_or(name);
    let is_hook = own.starts_with("use") && own[3..].starts_with(|c: char| c.is_uppercase());
    !own.starts_with(['{', '<']) && !is_hook && settings.matches_logout(own)
}

/// Whether the program ever makes a device someone's: without an `identify` or `alias`, the
/// device keeps its anonymous id and a logout has no user to forget.
fn identifies_anyone(program: &Program) -> bool {
    program
        .all_events()
        .iter()
        .any(|(_, e)| matches!(e.kind, EventKind::Identify | EventKind::Alias))
}

/// The languages one client app is written in together, named by one of them: an Android app
/// mixes Kotlin and Java, an iOS app Swift and Objective-C, a web app JavaScript and TypeScript.
fn platform(language: Language) -> Language {
    match language {
        Language::Kotlin => Language::Java,
        Language::ObjectiveC => Language::Swift,
        Language::TypeScript => Language::JavaScript,
        other => other,
    }
}

fn check(program: &Program) -> Vec<Diagnostic> {
    if !identifies_anyone(program) {
        return Vec::new();
    }
    // Client SDK code only: a server has no device whose user must be forgotten. Languages that
    // build one app together count as one: Kotlin screens over a Java wrapper.
    let client_platforms: Vec<Language> = program
        .all_events()
        .iter()
        .filter(|(_, e)| e.side == Side::Client)
        .map(|(f, _)| {
            platform(
                program.modules[program.graph.functions[f.0 as usize].module as usize].language,
            )
        })
        .collect();
    // Built on first use: most programs have no logout that misses a reset.
    let mut flows: Option<Flows> = None;
    let mut found = Vec::new();
    for index in 0..program.graph.len() {
        let id = FnId(index as u32);
        let function = program.function(id);
        let language = program.modules[program.graph.functions[index].module as usize].language;
        let config = program.settings_of(id);
        if !is_logout(config, &function.name) || !client_platforms.contains(&platform(language)) {
            continue;
        }
        let ends = program.end_states(&RESET_SEEN, id, NOT_RESET);
        if ends & (1 << NOT_RESET) == 0
            || flows.get_or_insert_with(|| Flows::new(program)).covered(id)
        {
            continue;
        }
        let message = if ends & (1 << RESET) == 0 {
            format!(
                "logout `{}` never calls `reset()`: the next person on this device inherits the user's id",
                function.name
            )
        } else {
            format!(
                "logout `{}` has a path that finishes without `reset()`",
                function.name
            )
        };
        let (returns, falls_off_end) = program.exits_in_state(&RESET_SEEN, id, NOT_RESET);
        let mut diagnostic = Diagnostic::new(RULE.id, RULE.severity(), function.span, message)
            .with_primary_label("a logout function (by its name)")
            .with_secondaries(
                returns
                    .into_iter()
                    .map(|span| (span, "leaves here without `reset()`".to_owned())),
            );
        if falls_off_end {
            diagnostic = diagnostic.with_note(format!(
                "a path also reaches the end of `{}` without `reset()`",
                function.name
            ));
        }
        found.push(diagnostic.with_note(
            "call `mixpanel.reset()` on every way out of logout, after the last event of the user",
        ));
    }
    found
}

/// Most levels of closures [`Flows`] follows out to where they were created.
const MAX_CREATION_LEVELS: usize = 4;

/// Most `end_states` queries [`Flows`] makes in one run: past them a call is taken not to
/// reset (a finding stays).
const MAX_RESET_QUERIES: usize = 512;

/// The logout flows a logout function takes part in. A function named like a logout may be
/// one step of a larger logout (a repository's `logout()` that the screen's logout calls, a
/// billing SDK's log-out) or hand its work to a callback it creates (a confirmation's button,
/// a coroutine it launches): its own missing `reset()` is then no finding, as long as the
/// flow resets or is itself judged as a logout.
struct Flows<'p> {
    program: &'p Program,
    /// Per function, the call sites that reach it: the caller and the call statement.
    sites: Vec<Vec<(FnId, *const Stmt)>>,
    /// The target of every call statement, by its address.
    targets: std::collections::HashMap<*const Stmt, &'p Target>,
    /// Functions by the name their closures' names start with (`Screen.logout`), per module
    /// (closures of one function share a name).
    by_display_name: std::collections::HashMap<(u32, String), Vec<FnId>>,
    ends: std::collections::HashMap<FnId, u8>,
    delegated: std::collections::HashMap<FnId, bool>,
    queries: usize,
}

impl<'p> Flows<'p> {
    fn new(program: &'p Program) -> Flows<'p> {
        let mut sites = vec![Vec::new(); program.graph.len()];
        let mut targets = std::collections::HashMap::new();
        let mut by_display_name = std::collections::HashMap::new();
        for index in 0..program.graph.len() {
            let caller = FnId(index as u32);
            let function = program.function(caller);
            let module = program.graph.functions[index].module;
            by_display_name
                .entry((module, display_name(function)))
                .or_insert_with(Vec::new)
                .push(caller);
            let mut calls = program.graph.calls[index].iter();
            crate::ir::walk_block(&function.body, &mut |stmt| {
                if let Stmt::Call(_) = stmt
                    && let Some(target) = calls.next()
                {
                    targets.insert(stmt as *const Stmt, target);
                    if let Target::Project(ids) = target {
                        for id in ids {
                            sites[id.0 as usize].push((caller, stmt as *const Stmt));
                        }
                    }
                }
            });
        }
        Flows {
            program,
            sites,
            targets,
            by_display_name,
            ends: Default::default(),
            delegated: Default::default(),
            queries: 0,
        }
    }

    /// Whether a logout function's missing `reset()` belongs to a larger flow: every call of
    /// it is made in another logout (which is judged itself), a callback it creates resets or
    /// hands over to a logout that takes the reset over, or every call of it goes on, on every
    /// path, to reset or to such a logout. A function called there counts as the reset when it
    /// resets on some path: the app's `reset` wrapper may check its own state first (`guard
    /// isConfigured else { return }`).
    fn covered(&mut self, id: FnId) -> bool {
        if self.delegated(id) || self.callbacks_reset(id, true) {
            return true;
        }
        let sites = self.sites[id.0 as usize].clone();
        !sites.is_empty()
            && sites
                .into_iter()
                .all(|(caller, site)| self.resets_after(caller, site, 0))
    }

    /// Whether every call of a function is made in a logout flow (a logout, or a closure
    /// written in one): whether the flow resets is judged there.
    fn delegated(&mut self, id: FnId) -> bool {
        if let Some(known) = self.delegated.get(&id) {
            return *known;
        }
        let sites = &self.sites[id.0 as usize];
        let delegated =
            !sites.is_empty() && sites.iter().all(|(caller, _)| self.in_logout(*caller));
        self.delegated.insert(id, delegated);
        delegated
    }

    /// Whether a closure `id` creates (a coroutine, a dialog's button, a completion handler),
    /// at any depth, resets, or (when `handing_over`) calls a logout that takes the reset over.
    fn callbacks_reset(&mut self, id: FnId, handing_over: bool) -> bool {
        let module = self.program.graph.functions[id.0 as usize].module;
        let prefix = format!("{}::", display_name(self.program.function(id)));
        let created: Vec<FnId> = (0..self.program.graph.len())
            .map(|i| FnId(i as u32))
            .filter(|c| {
                let function = self.program.function(*c);
                self.program.graph.functions[c.0 as usize].module == module
                    && function.kind == FunctionKind::Closure
                    && function.name.starts_with(&prefix)
            })
            .collect();
        created
            .into_iter()
            .any(|c| self.resets(c) || (handing_over && self.calls_taking_over(c)))
    }

    /// Whether a function calls a logout that takes the reset over.
    fn calls_taking_over(&mut self, id: FnId) -> bool {
        let callees: Vec<FnId> = self.program.graph.calls[id.0 as usize]
            .iter()
            .flat_map(|target| match target {
                Target::Project(ids) => ids.clone(),
                _ => Vec::new(),
            })
            .collect();
        callees
            .into_iter()
            .any(|callee| self.is_logout(callee) && self.takes_over(callee))
    }

    /// Whether a logout takes over the reset of the flow that calls it: it resets (itself or
    /// in a callback it creates), or is judged itself (an identity call is reachable from it,
    /// and it is not only called from other logouts, which would hand the judgement back).
    fn takes_over(&mut self, id: FnId) -> bool {
        self.resets(id)
            || self.callbacks_reset(id, false)
            || (self.ends(id) != 0 && !self.delegated(id))
    }

    fn is_logout(&self, id: FnId) -> bool {
        is_logout(
            self.program.settings_of(id),
            &self.program.function(id).name,
        )
    }

    /// Whether a function is a logout, or a closure created (at any depth) in one.
    fn in_logout(&self, id: FnId) -> bool {
        let mut current = Some(id);
        for _ in 0..=MAX_CREATION_LEVELS {
            let Some(function) = current else {
                return false;
            };
            if is_logout(
                self.program.settings_of(function),
                &self.program.function(function).name,
            ) {
                return true;
            }
            current = self.creator(function).map(|(creator, _)| creator);
        }
        false
    }

    /// The function a closure was written in, and the call that creates it there (the
    /// closure is an argument of it): of the functions its name says, the one with the
    /// narrowest call around the closure.
    fn creator(&self, id: FnId) -> Option<(FnId, *const Stmt)> {
        let function = self.program.function(id);
        if function.kind != FunctionKind::Closure {
            return None;
        }
        let (outer, _) = function.name.rsplit_once("::")?;
        let module = self.program.graph.functions[id.0 as usize].module;
        self.by_display_name
            .get(&(module, outer.to_owned()))?
            .iter()
            .filter_map(|candidate| {
                let body = &self.program.function(*candidate).body;
                creation_site(body, function.span).map(|(site, width)| (*candidate, site, width))
            })
            .min_by_key(|(_, _, width)| *width)
            .map(|(candidate, site, _)| (candidate, site))
    }

    /// Whether every path of `caller` from just after the call statement `site` resets (or
    /// calls a logout) before it ends; past the end of a closure nothing calls, the path goes
    /// on after the call that created it (`Task { .. }`, `scope.launch { .. }`).
    fn resets_after(&mut self, caller: FnId, site: *const Stmt, level: usize) -> bool {
        let program = self.program;
        let body = &program.function(caller).body;
        let mut frames = Vec::new();
        if !find_site(body, site, &mut frames) {
            return false;
        }
        // Whether a path reaches the end of `caller` (a `return`, or past its last statement)
        // without a reset.
        let mut ends_unreset = false;
        let mut completes = true;
        for (block, index) in frames.into_iter().rev() {
            let (falls_through, exits) = self.unreset_ends(&block[index + 1..]);
            ends_unreset |= exits;
            completes = falls_through;
            if !completes {
                break;
            }
        }
        if !ends_unreset && !completes {
            return true;
        }
        // A closure that nothing calls goes on where it was created.
        let entry = program.graph.caller_count[caller.0 as usize] == 0;
        if !entry || level >= MAX_CREATION_LEVELS {
            return false;
        }
        let Some((creator, creation)) = self.creator(caller) else {
            return false;
        };
        self.resets_after(creator, creation, level + 1)
    }

    /// Of the paths through `stmts`: whether one completes them without a reset, whether one
    /// leaves the function (`return`, `throw`) without one. `break` and `continue` count as
    /// completing.
    fn unreset_ends(&mut self, stmts: &[Stmt]) -> (bool, bool) {
        let mut live = true;
        let mut exits = false;
        for stmt in stmts {
            if !live {
                break;
            }
            match stmt {
                Stmt::Event(event) if event.kind == EventKind::Reset => live = false,
                Stmt::Call(_) if self.call_resets(stmt) => live = false,
                Stmt::Branch(arms) => {
                    let mut any = false;
                    for arm in arms {
                        let (completes, leaves) = self.unreset_ends(arm);
                        any |= completes;
                        exits |= leaves;
                    }
                    live = any;
                }
                Stmt::Loop { body, .. } => exits |= self.unreset_ends(body).1,
                Stmt::Return { .. } => {
                    exits = true;
                    live = false;
                }
                Stmt::Break | Stmt::Continue => return (true, exits),
                _ => {}
            }
        }
        (live, exits)
    }

    /// Whether a call resets: the SDK's `reset`, or project functions that each reset on every
    /// path, are the app's reset wrapper (named `reset…`, resetting on some path: it may check
    /// its own state first, `guard isConfigured else { return }`), or are logouts that take the
    /// reset over.
    fn call_resets(&mut self, stmt: &Stmt) -> bool {
        match self.targets.get(&(stmt as *const Stmt)).copied() {
            Some(Target::Sdk(event)) => event.kind == EventKind::Reset,
            Some(Target::Project(ids)) => ids.clone().into_iter().all(|id| {
                self.resets_always(id)
                    || (is_reset_wrapper(self.program.function(id)) && self.resets(id))
                    || (self.is_logout(id) && self.takes_over(id))
            }),
            _ => false,
        }
    }

    /// Whether some path through a function resets.
    fn resets(&mut self, id: FnId) -> bool {
        self.ends(id) & (1 << RESET) != 0
    }

    /// Whether every path through a function resets.
    fn resets_always(&mut self, id: FnId) -> bool {
        let ends = self.ends(id);
        ends != 0 && ends & (1 << NOT_RESET) == 0
    }

    /// The states a function's paths end in from `NOT_RESET` (none: no SDK call is reachable
    /// from it, or the queries ran out).
    fn ends(&mut self, id: FnId) -> u8 {
        if let Some(known) = self.ends.get(&id) {
            return *known;
        }
        let ends = match self.program.is_relevant(id) && self.queries < MAX_RESET_QUERIES {
            true => {
                self.queries += 1;
                self.program.end_states(&RESET_SEEN, id, NOT_RESET)
            }
            false => 0,
        };
        self.ends.insert(id, ends);
        ends
    }
}

/// Whether a function is named as the app's reset (`reset`, `resetAnalytics`,
/// `reset_session`).
fn is_reset_wrapper(function: &crate::ir::Function) -> bool {
    let own = function.name.rsplit("::").next().unwrap_or(&function.name);
    crate::analysis::settings::name_words(own)
        .first()
        .is_some_and(|word| word == "reset")
}

/// How a function is named where it is written, as its closures' names start: `Screen.logout`
/// for a method, `logout` for a free function, the whole name for a closure.
fn display_name(function: &crate::ir::Function) -> String {
    match (&function.owner, function.kind) {
        (Some(owner), FunctionKind::Method) => format!("{owner}.{}", function.name),
        _ => function.name.clone(),
    }
}

/// The blocks from the body down to the statement `site`, each with the position of the
/// statement that holds (or is) it; false when it is not there.
fn find_site<'b>(
    block: &'b [Stmt],
    site: *const Stmt,
    frames: &mut Vec<(&'b [Stmt], usize)>,
) -> bool {
    for (index, stmt) in block.iter().enumerate() {
        frames.push((block, index));
        if std::ptr::eq(stmt, site) {
            return true;
        }
        let inner: Vec<&'b [Stmt]> = match stmt {
            Stmt::Branch(arms) => arms.iter().map(Vec::as_slice).collect(),
            Stmt::Loop { body, .. } => vec![body.as_slice()],
            _ => Vec::new(),
        };
        if inner.into_iter().any(|arm| find_site(arm, site, frames)) {
            return true;
        }
        frames.pop();
    }
    false
}

/// The call that creates a closure written at `closure` (the innermost call whose span holds
/// its start: the closure is an argument of it), with the width of that span.
fn creation_site(body: &[Stmt], closure: crate::ir::Span) -> Option<(*const Stmt, u32)> {
    let mut best: Option<(&Stmt, u32)> = None;
    crate::ir::walk_block(body, &mut |stmt| {
        if let Stmt::Call(call) = stmt
            && call.span.file == closure.file
            && call.span.start <= closure.start
            && closure.start < call.span.end
        {
            let width = call.span.end - call.span.start;
            if best.is_none_or(|(_, w)| width < w) {
                best = Some((stmt, width));
            }
        }
    });
    best.map(|(stmt, width)| (stmt as *const Stmt, width))
}
