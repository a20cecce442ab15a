//! `distinct-id-not-persisted`: a freshly generated id used as a distinct id and never kept.

use super::id_use_diagnostic;
use crate::analysis::{FreshLeak, Program};
use crate::diagnostic::Diagnostic;

declare_rule!("distinct-id-not-persisted", check, None);

fn check(program: &Program) -> Vec<Diagnostic> {
    program
        .fresh_leaks()
        .iter()
        .filter(|leak| !leak.constant)
        .map(|leak| diagnostic(program, leak))
        .collect()
}

fn diagnostic(program: &Program, leak: &FreshLeak) -> Diagnostic {
    let origin = &leak.origin;
    let message = format!(
        "distinct id from `{}` is never persisted on this path, so every run makes a new user",
        origin.description
    );
    let diagnostic = id_use_diagnostic(program, &RULE, leak, message, "the fresh id")
        .with_secondary(origin.site.event.span, "generated here");
    match &leak.instance_field {
        Some(field) => diagnostic
            .with_note(format!(
                "`{field}` keeps it only while this object lives: the next page load or app start makes a new one"
            ))
            .with_note(
                "keep the id where it outlives the object (a cookie, local storage, the server) and reuse it for the same person",
            ),
        None => diagnostic.with_note(
            "keep the id (cookie, session, database, a field) and reuse it for the same person",
        ),
    }
}
