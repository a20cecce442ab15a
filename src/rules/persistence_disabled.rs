//! `persistence-disabled`: mixpanel-browser initialised so that it keeps no distinct id.

use crate::analysis::Program;
use crate::diagnostic::Diagnostic;
use crate::ir::{EventKind, Side, Value};

declare_rule!("persistence-disabled", check, None);

/// The `persistence` values mixpanel-browser knows; any other falls back to a cookie, which
/// is rarely what the author meant.
const PERSISTENCE_VALUES: &[&str] = &["cookie", "localStorage"];

fn check(program: &Program) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (_, event) in program.all_events() {
        if event.kind != EventKind::Init || event.side != Side::Client {
            continue;
        }
        let Some(options) = &event.options else {
            continue;
        };
        for (key, value) in options {
            let problem = match (key.as_str(), value) {
                ("disable_persistence", Value::Bool(true)) => {
                    "`disable_persistence: true`: no distinct id is stored, every page load is a new user".to_owned()
                }
                ("disable_cookie", Value::Bool(true)) => {
                    "`disable_cookie: true` (the legacy name of `disable_persistence`): every page load is a new user".to_owned()
                }
                ("persistence", Value::Str(kind)) if !PERSISTENCE_VALUES.contains(&kind.as_str()) => format!(
                    "`persistence: '{kind}'` is not `cookie` or `localStorage`: the SDK falls back to a cookie"
                ),
                _ => continue,
            };
            found.push(
                Diagnostic::new(RULE.id, RULE.severity(), event.span, problem)
                    .with_primary_label("mixpanel-browser is initialised here")
                    .with_note("keep persistence on (`persistence: 'localStorage'` or the default cookie) so the anonymous id survives page loads"),
            );
        }
    }
    found
}
