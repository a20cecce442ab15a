//! `constant-distinct-id`: identity calls with an id every user would share.

use super::{Rule, chain_steps, describe_chain};
use crate::analysis::{FreshLeak, Program};
use crate::diagnostic::Diagnostic;

pub const RULE: Rule = Rule {
    id: "constant-distinct-id",
    doc: include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/constant-distinct-id.md"
    )),
    check,
    automaton: None,
};

fn check(program: &Program) -> Vec<Diagnostic> {
    program
        .fresh_leaks()
        .iter()
        .filter(|leak| leak.constant)
        .map(|leak| diagnostic(program, leak))
        .collect()
}

/// The primary site is where the owning function hands the constant over.
fn diagnostic(program: &Program, leak: &FreshLeak) -> Diagnostic {
    let use_site = &leak.use_site;
    let constant = &leak.origin.description;
    let method = &use_site.event.method;
    let message = format!(
        "{constant} is used as a distinct id: every user it reaches collapses into one profile"
    );
    let mut diagnostic = match use_site.chain.first() {
        Some(call) => Diagnostic::new(RULE.id, RULE.severity(), call.span, message)
            .with_primary_label(format!(
                "{constant} is handed over here, to be sent as a distinct id"
            ))
            .with_secondary(
                use_site.event.span,
                format!("sent as the distinct id of `{method}` here"),
            ),
        None => Diagnostic::new(RULE.id, RULE.severity(), use_site.event.span, message)
            .with_primary_label(format!("{constant} as the distinct id of `{method}`")),
    };
    diagnostic = diagnostic
        .with_call_chain(chain_steps(program, leak.function, use_site))
        .with_note(format!(
            "used through {}",
            describe_chain(program, leak.function, use_site)
        ));
    diagnostic
        .with_note("use the user's real id, or the SDK's own anonymous id, never a fixed value")
}
