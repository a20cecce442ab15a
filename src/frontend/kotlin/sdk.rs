//! The Kotlin idioms the frontend recognises: scope functions and other calls whose lambda
//! runs now, coroutine builders whose lambda runs later. The SDK's table is `crate::sdk`
//! (`SdkId::Android`); what Kotlin shares with Java (fresh ids, value-keeping methods) is in
//! `frontend::java::sdk`. Data only.

pub use crate::frontend::java::sdk::{DERIVING_METHODS, FRESH_STATIC_CALLS, ITERATING_METHODS};

/// Scope functions: their lambda runs now, once, with the receiver as its argument (`it`) or
/// as `this`. After `?.` it runs only when the receiver is not null.
pub const SCOPE_FUNCTIONS: &[&str] =
    &["let", "also", "run", "apply", "takeIf", "takeUnless", "use"];

/// Kotlin's own iterating functions, beside Java's.
pub const KOTLIN_ITERATING: &[&str] = &[
    "forEachIndexed",
    "mapIndexed",
    "mapNotNull",
    "onEach",
    "any",
    "all",
    "none",
    "firstOrNull",
    "find",
    "associate",
    "associateBy",
    "groupBy",
    "sortedBy",
    "filterNot",
    "flatMap",
    "fold",
];

/// Functions whose lambda runs now, once: `run { }`, `with(x) { }`, `synchronized(lock) { }`,
/// suspending scopes that finish before they return. `launch { }`, `async { }`, callbacks
/// and listeners run later: functions of their own, entry points.
pub const IMMEDIATE_FUNCTIONS: &[&str] = &[
    "run",
    "with",
    "synchronized",
    "runCatching",
    "withContext",
    "coroutineScope",
    "supervisorScope",
    "runBlocking",
    "withTimeout",
    "withTimeoutOrNull",
    "buildString",
    "buildList",
    "buildMap",
];

/// Methods whose lambda runs now, once: SharedPreferences' KTX `edit { putString(..) }`,
/// `withLock { }`, `transaction { }`.
pub const IMMEDIATE_METHODS: &[&str] = &["edit", "withLock", "transaction", "runInTransaction"];

/// `repeat(n) { }` runs its lambda once per count.
pub const REPEATING_FUNCTIONS: &[&str] = &["repeat"];
