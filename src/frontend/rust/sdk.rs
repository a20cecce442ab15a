//! What the Rust frontend recognises: tracker types and methods, fresh-id sources, and
//! the methods that only transform a value. Data only; `lower.rs` applies it.

use crate::ir::{EventKind, Side};

/// Types whose values are analytics trackers (mixpanel-rs `Mixpanel`, tauri-plugin-mixpanel).
pub const TRACKER_TYPES: &[&str] = &["Mixpanel", "MixpanelClient", "MixpanelExt"];

/// Constructors of a tracker: `Mixpanel::init(token, config)`, `Mixpanel::new(..)`.
pub const TRACKER_CONSTRUCTORS: &[&str] = &["init", "new", "builder", "with_config"];

/// Call paths (as suffixes) that produce a new value on every execution.
pub const FRESH_CALLS: &[&[&str]] = &[
    &["Uuid", "new_v4"],
    &["Uuid", "now_v7"],
    &["Uuid", "new_v7"],
    &["Uuid", "now_v1"],
    &["Uuid", "now_v6"],
    &["Ulid", "new"],
    &["Ulid", "generate"],
    &["ulid", "Ulid", "new"],
    &["rand", "random"],
    &["rand", "thread_rng"],
    &["rand", "rng"],
    &["thread_rng"],
    &["SystemTime", "now"],
    &["Utc", "now"],
    &["Local", "now"],
    &["OffsetDateTime", "now_utc"],
    &["nanoid"],
];

/// Macros that produce a new value on every execution.
pub const FRESH_MACROS: &[&str] = &["nanoid"];

/// Methods that return (a view or a conversion of) their receiver: the value keeps its identity.
pub const DERIVING_METHODS: &[&str] = &[
    "clone",
    "to_string",
    "to_owned",
    "as_str",
    "as_ref",
    "as_deref",
    "borrow",
    "into",
    "unwrap",
    "expect",
    "unwrap_or_default",
    "hyphenated",
    "simple",
    "urn",
    "braced",
    "as_hyphenated",
    "as_simple",
    "to_hyphenated",
    "as_bytes",
    "trim",
    "to_lowercase",
    "to_uppercase",
    "cloned",
    "copied",
    "to_vec",
    "gen",
    "gen_range",
    "random",
    "random_range",
    "timestamp",
    "timestamp_millis",
    "as_millis",
    "as_secs",
    "as_nanos",
    "duration_since",
    "elapsed",
    "encode",
];

/// Call paths that wrap their single argument without changing what it identifies.
pub const WRAPPING_CALLS: &[&[&str]] = &[
    &["Some"],
    &["Ok"],
    &["Box", "new"],
    &["Arc", "new"],
    &["Rc", "new"],
    &["String", "from"],
    &["Cow", "from"],
    &["Cow", "Owned"],
    &["Cow", "Borrowed"],
];

/// Iterator methods whose closure argument runs once per element.
pub const ITERATING_METHODS: &[&str] = &[
    "for_each",
    "try_for_each",
    "for_each_concurrent",
    "try_for_each_concurrent",
    "map",
    "filter_map",
    "flat_map",
    "filter",
    "inspect",
    "fold",
    "try_fold",
    "any",
    "all",
    "find",
    "position",
    "then",
];

/// Methods that start an iteration, so a `map`/`then` later in the chain is a loop.
pub const ITERATOR_SOURCES: &[&str] = &["iter", "into_iter", "iter_mut", "chunks", "windows"];

/// Macros that end the path: the function does not continue after them.
pub const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented", "bail"];

/// Macros whose arguments are only read (formatting, logging, assertions).
pub const READING_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "info",
    "debug",
    "warn",
    "error",
    "trace",
    "log",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "dbg",
    "event",
];

/// Macros whose value is built from their arguments (`format!("anon-{}", id)` is still `id`).
pub const FORMATTING_MACROS: &[&str] = &["format", "format_args", "concat"];

/// The key of the distinct id inside the properties of a server-side `track`.
pub const DISTINCT_ID_KEY: &str = "distinct_id";

/// How a method of a tracker maps to an identity event, with its argument positions.
pub struct SdkMethod {
    pub kind: EventKind,
    /// Argument index of the id the call concerns (alias: the new id); `None`: implicit.
    pub id_arg: Option<usize>,
    /// Argument index of alias's original id.
    pub original_arg: Option<usize>,
    /// The distinct id sits inside the properties argument with this index.
    pub id_in_props: Option<usize>,
    pub side: Side,
}

/// Maps `method` of a tracker to an event, per SDK (DOMAIN.md §2).
pub fn sdk_method(method: &str, on_people: bool, sdk: Side) -> Option<SdkMethod> {
    let event = |kind, id_arg, original_arg, id_in_props, side| {
        Some(SdkMethod {
            kind,
            id_arg,
            original_arg,
            id_in_props,
            side,
        })
    };
    if on_people {
        // mixpanel-rs `mp.people.set(distinct_id, props, modifiers)`: the id comes first.
        let id_arg = (sdk == Side::Server).then_some(0);
        return event(EventKind::People, id_arg, None, None, sdk);
    }
    match (method, sdk) {
        // mixpanel-rs: `alias(distinct_id, alias)` — the new id is the second argument.
        ("alias", Side::Server) => event(EventKind::Alias, Some(1), Some(0), None, sdk),
        // tauri-plugin-mixpanel: `alias(alias, Option<original>)` — the new id comes first.
        ("alias", Side::Client) => event(EventKind::Alias, Some(0), Some(1), None, sdk),
        ("track", Side::Server) => event(EventKind::Track, None, None, Some(1), sdk),
        ("track", Side::Client) => event(EventKind::Track, None, None, None, sdk),
        // identify/reset exist only on client-style APIs; whatever the crate, they act on the device's user.
        ("identify", _) => event(EventKind::Identify, Some(0), None, None, Side::Client),
        ("reset", _) => event(EventKind::Reset, None, None, None, Side::Client),
        _ => None,
    }
}
