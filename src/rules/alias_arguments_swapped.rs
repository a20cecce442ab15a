//! `alias-arguments-swapped`: the names of alias's arguments say the new id and the original
//! are the wrong way round for this SDK.
//!
//! The whole access path is read, as the code wrote it: `user.id`, `user.getId()` and
//! `currentUser.uid` are a user's ids although their last names say only "id"; the last name
//! along the path that reads as a user's or an anonymous id decides (`user.anon_id` is
//! anonymous). Through wrappers, the names are read in the function nearest the `alias` call
//! where both ids tell: `link(a, b)` is judged at each caller's `link(anonId, user.id)`.

use std::collections::HashSet;

use crate::analysis::access::AccessPath;
use crate::analysis::id_names::{Kind, classify};
use crate::analysis::{Frame, Program};
use crate::diagnostic::Diagnostic;
use crate::ir::EventKind;

declare_rule!("alias-arguments-swapped", check, None);

/// What the names along a path say it is; `self`/`this` and the SDK's `$` keys say nothing.
fn kind_of(program: &Program, frame: &Frame, path: &AccessPath) -> Option<Kind> {
    let params = &program.function(frame.function).params;
    let names: Vec<&str> = path
        .names(params)
        .into_iter()
        .filter(|n| !n.starts_with('$') && *n != "self" && *n != "this")
        .collect();
    classify(program.settings_of(frame.function), &names)
}

fn check(program: &Program) -> Vec<Diagnostic> {
    let origins = program.id_origins();
    let mut reported = HashSet::new();
    let mut found = Vec::new();
    for origin in origins
        .origins
        .iter()
        .filter(|o| o.kind == EventKind::Alias)
    {
        let frames = origins.frames(origin);
        // The nearest function to the call whose names tell both ids apart decides.
        let decided = frames.iter().rev().find_map(|frame| {
            let original = frame.original.as_ref()?;
            let new = kind_of(program, frame, &frame.id)?;
            let old = kind_of(program, frame, original)?;
            Some((frame, new, old))
        });
        let Some((frame, Kind::Anonymous, Kind::User)) = decided else {
            continue;
        };
        if !reported.insert((frame.function, frame.span)) {
            continue;
        }
        let method = origins.site(origin).event.method;
        found.push(diagnostic(program, frame, &method));
    }
    found
}

fn diagnostic(program: &Program, frame: &Frame, method: &str) -> Diagnostic {
    let params = &program.function(frame.function).params;
    let new = frame.id.display(params);
    let original = frame
        .original
        .as_ref()
        .map_or_else(String::new, |o| o.display(params));
    Diagnostic::new(
        RULE.id,
        RULE.severity(),
        frame.span,
        format!(
            "`{method}` takes the new id in the other position: `{new}` reads as the anonymous id and `{original}` as the user's"
        ),
    )
    .with_primary_label(format!("`{new}` is passed as the new id, `{original}` as the original"))
    .with_note(
        "Node `mixpanel` and `mixpanel-rs` take `alias(distinct_id, alias)` (old id first); mixpanel-browser, React Native, Python, Swift and Android take `alias(alias, original)` (new id first)",
    )
}
