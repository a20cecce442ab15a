//! `constant-distinct-id`: identity calls with an id every user would share.

use super::id_use_diagnostic;
use crate::analysis::{FreshLeak, Program};
use crate::diagnostic::Diagnostic;
use crate::ir::EventKind;

declare_rule!("constant-distinct-id", check, None);

fn check(program: &Program) -> Vec<Diagnostic> {
    program
        .fresh_leaks()
        .iter()
        .filter(|leak| leak.constant && !allowed(program, leak) && !in_test_code(program, leak))
        .map(|leak| diagnostic(program, leak))
        .collect()
}

/// A fixed id written in a test module (`*.test.ts`, `tests/`, `test_*.py`): a test's ids are
/// its fixtures, chosen on purpose, and never reach a real user.
fn in_test_code(program: &Program, leak: &FreshLeak) -> bool {
    // Where the constant is written (the function the leak starts in), not where it is used.
    let file = program.function(leak.function).span.file.0 as usize;
    program
        .modules
        .get(file)
        .is_some_and(|module| crate::callgraph::is_test_module(&module.path))
}

/// A `track` whose constant id the configuration lists: a system event sent on purpose. Ids of
/// `identify`, `alias` and profile calls are never allowed: they name a person.
fn allowed(program: &Program, leak: &FreshLeak) -> bool {
    let Some(literal) = &leak.literal else {
        return false;
    };
    let allowed = &program.settings_of(leak.function).allowed_constant_ids;
    allowed.contains(literal) && use_kind(program, leak) == Some(EventKind::Track)
}

fn use_kind(program: &Program, leak: &FreshLeak) -> Option<EventKind> {
    let span = leak.use_site.event.span;
    program
        .all_events()
        .iter()
        .find(|(_, event)| event.span == span)
        .map(|(_, event)| event.kind)
}

fn diagnostic(program: &Program, leak: &FreshLeak) -> Diagnostic {
    let constant = &leak.origin.description;
    let message = format!(
        "{constant} is used as a distinct id: every user it reaches collapses into one profile"
    );
    let diagnostic = id_use_diagnostic(program, &RULE, leak, message, constant)
        .with_note("use the user's real id, or the SDK's own anonymous id, never a fixed value");
    match (&leak.literal, use_kind(program, leak)) {
        (Some(literal), Some(EventKind::Track)) => diagnostic.with_note(format!(
            "if this event belongs to no user (a scheduled job, the system itself), allow its id in the configuration: `allowed-constant-ids = [{literal:?}]`"
        )),
        _ => diagnostic,
    }
}
