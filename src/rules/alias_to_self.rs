//! `alias-to-self`: `alias` whose new id is the id it already is.

use super::{chain_steps, describe_chain};
use crate::analysis::Program;
use crate::diagnostic::Diagnostic;

declare_rule!("alias-to-self", check, None);

fn check(program: &Program) -> Vec<Diagnostic> {
    program
        .self_aliases()
        .iter()
        .map(|found| {
            let site = &found.site;
            let primary = site.chain.first().map_or(site.event.span, |call| call.span);
            let mut diagnostic = Diagnostic::new(
                RULE.id,
                RULE.severity(),
                primary,
                "`alias` links an id to itself: the SDK skips it and the anonymous id is never linked",
            )
            .with_primary_label("the new id and the current id are the same value here")
            .with_call_chain(chain_steps(program, found.function, site))
            .with_note(format!("the alias: {}", describe_chain(program, found.function, site)));
            if !site.chain.is_empty() {
                diagnostic = diagnostic.with_secondary(site.event.span, "the `alias` call");
            }
            diagnostic
        })
        .collect()
}
