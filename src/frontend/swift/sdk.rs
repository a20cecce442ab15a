//! The Swift idioms the frontend recognises: fresh-id sources, value-keeping members,
//! callbacks that run now, singleton accessors. The SDK's table is `crate::sdk` (`SdkId::Swift`).
//! Data only.

/// Types whose construction makes a fresh value: `UUID()`, `NSUUID()`.
pub const FRESH_CONSTRUCTORS: &[&str] = &["UUID", "NSUUID"];

/// Free functions that make a fresh value every time.
pub const FRESH_FUNCTIONS: &[&str] = &["arc4random", "arc4random_uniform", "drand48"];

/// `Type.method(..)` calls that make a fresh value: `Int.random(in:)`, `Date()` is not an id.
pub const FRESH_STATIC_CALLS: &[(&str, &str)] = &[
    ("Int", "random"),
    ("UInt", "random"),
    ("UInt64", "random"),
    ("Double", "random"),
    ("UUID", "init"),
];

/// Members that keep what a value identifies: `id.uuidString`, `email.lowercased()`.
pub const DERIVING_MEMBERS: &[&str] = &[
    "uuidString",
    "description",
    "lowercased",
    "uppercased",
    "trimmingCharacters",
    "replacingOccurrences",
    "prefix",
    "suffix",
    "self",
];

/// Collection methods whose closure runs once per element, now.
pub const ITERATING_METHODS: &[&str] = &[
    "forEach",
    "map",
    "compactMap",
    "flatMap",
    "filter",
    "reduce",
    "first",
    "contains",
    "allSatisfy",
    "sorted",
    "removeAll",
];

/// Calls whose closure runs now, once: `DispatchQueue.main.sync { }`, `autoreleasepool { }`.
/// Any other closure argument (a completion handler, `Task { }`, `DispatchQueue.main.async`)
/// runs later: a function of its own, an entry point.
pub const IMMEDIATE_FUNCTIONS: &[&str] =
    &["autoreleasepool", "withAnimation", "withExtendedLifetime"];
pub const IMMEDIATE_METHODS: &[&str] = &["sync", "performAndWait", "withLock"];

/// Static members that name a type's one shared instance (`AnalyticsService.shared`).
/// `UserDefaults.standard` and `KeychainWrapper.standard` too: a call on them is the
/// platform's, never a project method of the same name.
pub const SINGLETONS: &[&str] = &[
    "shared",
    "sharedInstance",
    "instance",
    "default",
    "current",
    "main",
    "standard",
];
