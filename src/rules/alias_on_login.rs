//! `alias-on-login`: `alias` reachable from a login entry point.

use super::{chain_steps, describe_chain, display_name};
use crate::analysis::Program;
use crate::analysis::witness::{EventSite, Site};
use crate::callgraph::FnId;
use crate::diagnostic::Diagnostic;
use crate::ir::EventKind;

declare_rule!("alias-on-login", check, None);

fn check(program: &Program) -> Vec<Diagnostic> {
    let logins: Vec<FnId> = (0..program.graph.len() as u32)
        .map(FnId)
        // Only relevant functions can reach an `alias`.
        .filter(|&id| program.is_relevant(id))
        .filter(|&id| {
            let name = &program.function(id).name;
            let config = program.settings_of(id);
            config.matches_login(name) && !config.matches_signup(name)
        })
        .collect();
    if logins.is_empty() {
        return Vec::new();
    }
    // A login flow that aliases only for a new user (`if (result.additionalUserInfo.isNewUser)`)
    // is signing them up.
    let reach = program.reach_outside_signup(&logins);
    let mut found = Vec::new();
    for index in 0..program.graph.len() {
        let function = FnId(index as u32);
        if !reach.reached[index] {
            continue;
        }
        let signup_only = crate::analysis::signup_only_sites(&program.function(function).body);
        for event in program
            .events_of(function)
            .into_iter()
            .filter(|e| e.kind == EventKind::Alias && !signup_only.contains(&e.span))
        {
            let chain = reach.chain_to(function);
            let login = chain.first().map_or(function, |link| link.caller);
            let site = Site {
                event: EventSite {
                    function,
                    span: event.span,
                    method: event.method.clone(),
                },
                chain,
            };
            let login_span = program.function(login).span;
            found.push(
                Diagnostic::new(
                    RULE.id,
                    RULE.severity(),
                    event.span,
                    format!(
                        "`alias` is reachable from the login flow `{}`: alias belongs to sign-up, login should `identify`",
                        display_name(program, login)
                    ),
                )
                .with_primary_label("`alias` here")
                .with_secondary(login_span, "a login entry point (by its name)")
                .with_call_chain(chain_steps(program, login, &site))
                .with_note(format!("reached through {}", describe_chain(program, login, &site))),
            );
        }
    }
    found
}
