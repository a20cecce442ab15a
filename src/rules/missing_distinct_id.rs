//! `missing-distinct-id`: a server `track` whose properties never get a `distinct_id`.

use crate::analysis::Program;
use crate::diagnostic::Diagnostic;
use crate::ir::{EventKind, Side};

declare_rule!("missing-distinct-id", check, None);

/// Properties that name the user under Simplified ID Merge: no `distinct_id` is needed then.
const ID_MERGE_KEYS: &[&str] = &["distinct_id", "$device_id", "$user_id"];

fn check(program: &Program) -> Vec<Diagnostic> {
    program
        .all_events()
        .iter()
        .filter(|(_, e)| e.kind == EventKind::Track && e.side == Side::Server && e.id.is_none())
        .filter_map(|(_, event)| {
            let options = event.options.as_ref()?;
            if options
                .iter()
                .any(|(key, _)| ID_MERGE_KEYS.contains(&key.as_str()))
            {
                return None;
            }
            Some(
                Diagnostic::new(
                    RULE.id,
                    RULE.severity(),
                    event.span,
                    "`track` without a `distinct_id`: the event is tied to no user",
                )
                .with_primary_label("these properties have no `distinct_id`")
                .with_note(
                    "server SDKs take the user's id inside the properties: add `distinct_id`",
                ),
            )
        })
        .collect()
}
