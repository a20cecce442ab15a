//! `alias-has-no-effect`: under Simplified ID Merge, `alias` does nothing.

use crate::analysis::Program;
use crate::diagnostic::Diagnostic;
use crate::ir::EventKind;

declare_rule!("alias-has-no-effect", check, None);

/// Reports every alias; the configuration turns the rule on only for `id-management = "simplified"`.
fn check(program: &Program) -> Vec<Diagnostic> {
    program
        .all_events()
        .iter()
        .filter(|(_, event)| event.kind == EventKind::Alias)
        .map(|(_, event)| {
            Diagnostic::new(
                RULE.id,
                RULE.severity(),
                event.span,
                "`alias` has no effect under Simplified ID Merge",
            )
            .with_primary_label("this call links nothing")
            .with_note("under Simplified ID Merge, `identify` with the user id at sign-up and login links the anonymous history")
        })
        .collect()
}
