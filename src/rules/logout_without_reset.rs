//! `logout-without-reset`: a client-side logout with a path that never calls `reset()`.

use crate::analysis::{Automaton, Grouping, Letter, Program, Step};
use crate::callgraph::FnId;
use crate::diagnostic::Diagnostic;
use crate::ir::{EventKind, Language, Side};

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

/// The project functions that call each function.
fn callers_of(program: &Program) -> Vec<Vec<FnId>> {
    let mut callers = vec![Vec::new(); program.graph.len()];
    for (caller, targets) in program.graph.calls.iter().enumerate() {
        for target in targets {
            if let crate::callgraph::Target::Project(callees) = target {
                for callee in callees {
                    callers[callee.0 as usize].push(FnId(caller as u32));
                }
            }
        }
    }
    callers
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
    let callers = callers_of(program);
    let mut found = Vec::new();
    for (index, callers) in callers.iter().enumerate() {
        let id = FnId(index as u32);
        let function = program.function(id);
        let language = program.modules[program.graph.functions[index].module as usize].language;
        let config = program.settings_of(id);
        if !is_logout(config, &function.name) || !client_platforms.contains(&platform(language)) {
            continue;
        }
        // A step of a larger logout (`IdentityService.logout()` inside `processLogout`) is
        // judged by the flow that calls it: the reset may come after it.
        let inner_step = !callers.is_empty()
            && callers.iter().all(|caller| {
                is_logout(
                    program.settings_of(*caller),
                    &program.function(*caller).name,
                )
            });
        if inner_step {
            continue;
        }
        let ends = program.end_states(&RESET_SEEN, id, NOT_RESET);
        if ends & (1 << NOT_RESET) == 0 {
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
