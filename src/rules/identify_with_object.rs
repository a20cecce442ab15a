//! `identify-with-object`: an identity call receives a whole object, or its serialised form,
//! instead of the field that identifies the user.

use std::collections::HashSet;

use super::{chain_steps, display_name};
use crate::analysis::access::{AccessPath, Base, Segment};
use crate::analysis::id_names::is_key_field;
use crate::analysis::{Frame, IdOrigin, IdOrigins, Program};
use crate::diagnostic::Diagnostic;

declare_rule!("identify-with-object", check, None);

/// Calls that serialise a value to text, by their last two names.
const SERIALISERS: &[[&str; 2]] = &[
    ["JSON", "stringify"],
    ["json", "dumps"],
    ["simplejson", "dumps"],
    ["ujson", "dumps"],
    ["orjson", "dumps"],
    ["serde_json", "to_string"],
    ["serde_json", "to_string_pretty"],
];

/// Why an id is an object.
enum Evidence {
    /// `JSON.stringify(user)`.
    Serialised,
    /// `{ id: user.id }`, `{"id": user.id}`: an object literal or a dict.
    Literal,
    /// The same function reads a key of it: `user.id`.
    Object { key: String },
}

fn is_serialiser(callee: &[String]) -> bool {
    let [.., module, function] = callee else {
        return false;
    };
    SERIALISERS
        .iter()
        .any(|[m, f]| module.as_str() == *m && function.as_str() == *f)
}

/// What makes the id of `frame` an object, read in the frame's function.
fn evidence(origins: &IdOrigins, frame: &Frame, params: &[String]) -> Option<Evidence> {
    let id = &frame.id;
    if let Base::Call { callee, .. } = &id.base
        && id.segments.is_empty()
        && is_serialiser(callee)
    {
        return Some(Evidence::Serialised);
    }
    if let Base::Object(_) = &id.base
        && id.segments.is_empty()
    {
        return Some(Evidence::Literal);
    }
    if id.base == Base::Other || id.segments.last().is_some_and(is_key_segment) {
        return None;
    }
    // The id itself is named like a key (`userId`): whatever else is read below it, the code
    // means the key.
    if id.names(params).last().is_some_and(|n| is_key_field(n)) {
        return None;
    }
    origins.digests[frame.function.0 as usize]
        .reads
        .iter()
        .filter_map(|read| read.below(id)?.first())
        .find(|segment| is_key_segment(segment))
        .map(|segment| Evidence::Object {
            key: key_text(id, segment, params),
        })
}

fn is_key_segment(segment: &Segment) -> bool {
    is_key_field(segment.name())
}

fn key_text(id: &AccessPath, segment: &Segment, params: &[String]) -> String {
    id.join(std::slice::from_ref(segment)).display(params)
}

fn check(program: &Program) -> Vec<Diagnostic> {
    let origins = program.id_origins();
    let mut reported = HashSet::new();
    let mut found = Vec::new();
    for origin in &origins.origins {
        let frames = origins.frames(origin);
        // The frame nearest the SDK call that shows the object: a wrapper that identifies its
        // `user` parameter and reads `user.email` is wrong for every caller, and said once.
        for (depth, frame) in frames.iter().enumerate().rev() {
            let params = &program.function(frame.function).params;
            let Some(evidence) = evidence(origins, frame, params) else {
                continue;
            };
            if reported.insert((frame.function, frame.span)) {
                found.push(diagnostic(program, origins, origin, depth, &evidence));
            }
            break;
        }
    }
    found
}

fn diagnostic(
    program: &Program,
    origins: &IdOrigins,
    origin: &IdOrigin,
    depth: usize,
    evidence: &Evidence,
) -> Diagnostic {
    let frames = origins.frames(origin);
    let frame = &frames[depth];
    let mut site = origins.site(origin);
    site.chain.drain(..depth.min(site.chain.len()));
    let params = &program.function(frame.function).params;
    let shown = frame.id.display(params);
    let method = &site.event.method;
    let (message, label, advice) = match evidence {
        Evidence::Serialised => (
            format!("`{method}` receives `{shown}`: the serialised object becomes the user's id"),
            "a serialised object is the id here".to_owned(),
            "pass the field that identifies the user (its id), not the whole object as text"
                .to_owned(),
        ),
        Evidence::Literal => (
            format!(
                "`{method}` receives the object `{shown}`: the SDK sends `[object Object]` or the object's text as the id"
            ),
            "an object literal is the id here".to_owned(),
            "pass the value that identifies the user (its id), not an object holding it".to_owned(),
        ),
        Evidence::Object { key } => (
            format!(
                "`{method}` receives `{shown}`, an object (the code reads `{key}`): the SDK sends `[object Object]` or the object's text as the id"
            ),
            format!("`{shown}` is a whole object here"),
            format!("pass its key, `{key}`, the same one everywhere"),
        ),
    };
    let mut diagnostic = Diagnostic::new(RULE.id, RULE.severity(), frame.span, message)
        .with_primary_label(label)
        .with_call_chain(chain_steps(program, frame.function, &site))
        .with_note(advice);
    if !site.chain.is_empty() {
        diagnostic = diagnostic
            .with_secondary(site.event.span, format!("the `{method}` call"))
            .with_note(format!(
                "in `{}`, the id reaches `{method}` through {} call(s)",
                display_name(program, frame.function),
                site.chain.len()
            ));
    }
    diagnostic
}
