//! `alias-arguments-swapped`: the names of alias's arguments say the new id and the original
//! are the wrong way round for this SDK.

use crate::analysis::Program;
use crate::diagnostic::Diagnostic;
use crate::ir::{EventKind, Value};

declare_rule!("alias-arguments-swapped", check, None);

/// The name a value goes by: its last field, or the variable (`user.anon_id` → `anon_id`).
fn name_of(value: &Value) -> Option<&str> {
    match value {
        Value::Path { root, fields } => {
            let name = fields.last().unwrap_or(root);
            (!name.starts_with('$') && name != "self" && name != "this").then_some(name.as_str())
        }
        _ => None,
    }
}

fn check(program: &Program) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (function, event) in program.all_events() {
        if event.kind != EventKind::Alias {
            continue;
        }
        let config = program.settings_of(*function);
        let (Some(new), Some(original)) = (
            event.id.as_ref().and_then(name_of),
            event.original.as_ref().and_then(name_of),
        ) else {
            continue;
        };
        let anonymous = |name: &str| config.is_anonymous_name(name) && !config.is_user_name(name);
        let user = |name: &str| config.is_user_name(name) && !config.is_anonymous_name(name);
        if anonymous(new) && user(original) {
            found.push(
                Diagnostic::new(
                    RULE.id,
                    RULE.severity(),
                    event.span,
                    format!(
                        "`{}` takes the new id in the other position: `{new}` reads as the anonymous id and `{original}` as the user's",
                        event.method
                    ),
                )
                .with_primary_label(format!("`{new}` is passed as the new id, `{original}` as the original"))
                .with_note(
                    "Node `mixpanel` and `mixpanel-rs` take `alias(distinct_id, alias)` (old id first); mixpanel-browser, React Native, Python, Swift and Android take `alias(alias, original)` (new id first)",
                ),
            );
        }
    }
    found
}
