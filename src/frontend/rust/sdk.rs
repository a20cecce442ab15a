//! The Rust idioms the frontend recognises: which SDK table a crate follows (the tables are in
//! `crate::sdk`), fresh-id sources, the methods and macros that only transform or read a
//! value. Data only; `lower.rs` applies it.

use crate::ir::Side;
use crate::sdk::SdkId;

/// The SDK of a crate or file on `side`.
pub fn sdk_of_side(side: Side) -> SdkId {
    match side {
        Side::Client => SdkId::Tauri,
        Side::Server => SdkId::RustServer,
    }
}

/// A tracker type of a Rust SDK (`Mixpanel`).
pub fn is_tracker_type(name: &str) -> bool {
    [SdkId::RustServer, SdkId::Tauri]
        .iter()
        .any(|sdk| sdk.sdk().tracker_types.contains(&name))
}

/// `Mixpanel::init`, `Mixpanel::new`: a path that makes a tracker.
pub fn is_tracker_constructor(ty: &str, function: &str) -> bool {
    [SdkId::RustServer, SdkId::Tauri].iter().any(|sdk| {
        let sdk = sdk.sdk();
        sdk.tracker_types.contains(&ty) && sdk.constructors.contains(&function)
    })
}

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
