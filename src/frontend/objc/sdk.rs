//! The Objective-C idioms the frontend recognises: fresh-id sources, value-keeping messages,
//! blocks that run now, singleton accessors. The SDK's table is `crate::sdk`
//! (`SdkId::ObjectiveC`). Data only.

/// `[Class selector]` messages that make a fresh value: `[NSUUID UUID]`.
pub const FRESH_MESSAGES: &[(&str, &str)] = &[("NSUUID", "UUID"), ("NSUUID", "new")];

/// Selectors whose result is fresh whatever the receiver: `[[NSProcessInfo processInfo]
/// globallyUniqueString]`.
pub const FRESH_SELECTORS: &[&str] = &["globallyUniqueString"];

/// Classes whose `[[Class alloc] init]` is a fresh value.
pub const FRESH_CLASSES: &[&str] = &["NSUUID"];

/// C functions that make a fresh value every time.
pub const FRESH_FUNCTIONS: &[&str] = &[
    "arc4random",
    "arc4random_uniform",
    "random",
    "rand",
    "drand48",
    "CFUUIDCreate",
    "CFUUIDCreateString",
];

/// Selectors (and dot-syntax properties) that keep what their receiver identifies:
/// `uuid.UUIDString`, `[email lowercaseString]`, `[id copy]`.
pub const DERIVING_SELECTORS: &[&str] = &[
    "UUIDString",
    "lowercaseString",
    "uppercaseString",
    "capitalizedString",
    "description",
    "copy",
    "mutableCopy",
    "stringByTrimmingCharactersInSet:",
    "stringByReplacingOccurrencesOfString:withString:",
    "stringByAppendingString:",
    "stringByAppendingFormat:",
];

/// `NSString` messages that build a string from their arguments: the id among them is kept
/// (`[NSString stringWithFormat:@"anon-%@", uuid]` is still `uuid`).
pub const FORMATTING_SELECTORS: &[&str] = &[
    "stringWithFormat:",
    "initWithFormat:",
    "stringWithString:",
    "initWithString:",
];

/// Selectors whose block runs once per element, now.
pub const ITERATING_SELECTORS: &[&str] = &[
    "enumerateObjectsUsingBlock:",
    "enumerateObjectsWithOptions:usingBlock:",
    "enumerateKeysAndObjectsUsingBlock:",
    "enumerateKeysAndObjectsWithOptions:usingBlock:",
    "enumerateIndexesUsingBlock:",
    "indexOfObjectPassingTest:",
    "indexesOfObjectsPassingTest:",
    "objectsPassingTest:",
    "keysOfEntriesPassingTest:",
    "sortedArrayUsingComparator:",
    "sortUsingComparator:",
];

/// Selectors whose block runs now, once. Any other block argument (a completion handler,
/// `dispatch_async`, `performBlock:`) runs later: a function of its own, an entry point.
pub const IMMEDIATE_SELECTORS: &[&str] = &["performBlockAndWait:", "performWithoutAnimation:"];

/// C functions whose block runs now: once, or once per index (`dispatch_apply`).
pub const IMMEDIATE_FUNCTIONS: &[&str] =
    &["dispatch_sync", "dispatch_once", "dispatch_barrier_sync"];
pub const ITERATING_FUNCTIONS: &[&str] = &["dispatch_apply"];

/// Class methods that return the class's one shared instance (`[AnalyticsService shared]`)
/// when no declaration in the file says what they return.
pub const SINGLETONS: &[&str] = &[
    "shared",
    "sharedInstance",
    "sharedService",
    "sharedManager",
    "defaultManager",
    "defaultCenter",
    "standardUserDefaults",
];
