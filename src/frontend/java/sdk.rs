//! The Java idioms the frontend recognises (Kotlin shares them): fresh-id sources,
//! value-keeping methods, callbacks that run now. The SDK's table is `crate::sdk`
//! (`SdkId::Android`). Data only.

/// `Type.method(..)` calls that make a fresh value every time: `UUID.randomUUID()`.
pub const FRESH_STATIC_CALLS: &[(&str, &str)] = &[
    ("UUID", "randomUUID"),
    ("java.util.UUID", "randomUUID"),
    ("Math", "random"),
    ("System", "currentTimeMillis"),
    ("System", "nanoTime"),
    ("Random", "nextInt"),
    ("Random", "nextLong"),
    ("ThreadLocalRandom", "current"),
];

/// Methods that keep what a value identifies: `uuid.toString()`, `email.toLowerCase()`.
pub const DERIVING_METHODS: &[&str] = &[
    "toString",
    "toLowerCase",
    "toUpperCase",
    "lowercase",
    "uppercase",
    "trim",
    "strip",
    "intern",
    "orEmpty",
    "replace",
    "substring",
    "take",
    "toLong",
    "toInt",
    "valueOf",
];

/// Methods of a collection or stream whose lambda runs once per element, now.
pub const ITERATING_METHODS: &[&str] = &[
    "forEach",
    "map",
    "filter",
    "anyMatch",
    "allMatch",
    "noneMatch",
    "removeIf",
    "forEachOrdered",
    "peek",
    "flatMap",
    "reduce",
    "computeIfAbsent",
];

/// `String.valueOf(id)`, `Objects.toString(id)`, `String.format(..)` keep their first
/// argument's id.
pub const DERIVING_STATIC_CALLS: &[(&str, &str)] = &[
    ("String", "valueOf"),
    ("Objects", "toString"),
    ("Objects", "requireNonNull"),
];
