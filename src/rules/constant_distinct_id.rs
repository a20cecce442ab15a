//! `constant-distinct-id`: identity calls with an id every user would share.

use super::id_use_diagnostic;
use crate::analysis::{FreshLeak, Program};
use crate::diagnostic::Diagnostic;

declare_rule!("constant-distinct-id", check, None);

fn check(program: &Program) -> Vec<Diagnostic> {
    program
        .fresh_leaks()
        .iter()
        .filter(|leak| leak.constant)
        .map(|leak| diagnostic(program, leak))
        .collect()
}

fn diagnostic(program: &Program, leak: &FreshLeak) -> Diagnostic {
    let constant = &leak.origin.description;
    let message = format!(
        "{constant} is used as a distinct id: every user it reaches collapses into one profile"
    );
    id_use_diagnostic(program, &RULE, leak, message, constant)
        .with_note("use the user's real id, or the SDK's own anonymous id, never a fixed value")
}
