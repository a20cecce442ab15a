//! The Python idioms the frontend recognises: the SDK's module and class (its table is in
//! `crate::sdk`), fresh-id sources, value-keeping functions. Data only.

use crate::sdk::SdkId;

/// The `mixpanel` package.
pub fn is_sdk_module(name: &str) -> bool {
    SdkId::Python.sdk().packages.contains(&name)
}

/// The package's tracker class, `Mixpanel`.
pub fn is_tracker_class(name: &str) -> bool {
    SdkId::Python.sdk().tracker_types.contains(&name)
}

/// Calls (by dotted name, after imports are expanded) that make a fresh value every time.
pub const FRESH_CALLS: &[&str] = &[
    "uuid.uuid4",
    "uuid.uuid1",
    "uuid.uuid7",
    "secrets.token_hex",
    "secrets.token_urlsafe",
    "secrets.token_bytes",
    "random.random",
    "random.randint",
    "random.getrandbits",
    "random.choice",
    "random.choices",
    "time.time",
    "time.time_ns",
    "datetime.now",
    "datetime.datetime.now",
    "datetime.utcnow",
    "datetime.datetime.utcnow",
    "os.urandom",
    "shortuuid.uuid",
    "nanoid.generate",
    "ulid.new",
];

/// Methods and functions that keep what a value identifies (`str(uid)`, `uid.hex`).
pub const DERIVING_METHODS: &[&str] = &[
    "lower", "upper", "strip", "hex", "format", "encode", "decode",
];
pub const DERIVING_FUNCTIONS: &[&str] = &["str", "repr", "int", "hex"];

/// Functions that only read their arguments (an id printed is not kept).
pub const LOGGING_FUNCTIONS: &[&str] = &["print"];

/// Receivers named like a logger, and their logging methods: an id logged is not kept.
pub const LOGGER_NAMES: &[&str] = &[
    "logging", "logger", "log", "_logger", "_log", "LOGGER", "LOG",
];
pub const LOGGING_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
];
