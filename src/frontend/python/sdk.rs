//! What the Python frontend recognises (DOMAIN.md §2): the `mixpanel` package's tracker, its
//! methods with their argument positions and keyword names, fresh-id sources. Data only.

use crate::ir::EventKind;

/// The tracker class of the `mixpanel` package.
pub const TRACKER_CLASS: &str = "Mixpanel";
pub const SDK_MODULE: &str = "mixpanel";

/// How a tracker method maps to an event: positions, and the keyword names of those arguments.
pub struct SdkMethod {
    pub kind: EventKind,
    pub id: Option<(usize, &'static str)>,
    pub original: Option<(usize, &'static str)>,
}

/// `alias(alias_id, original, meta=None)`, `track(distinct_id, event_name, ..)`,
/// `people_*(distinct_id, ..)`: the Python SDK is a server SDK, every call names its id.
pub fn sdk_method(method: &str) -> Option<SdkMethod> {
    match method {
        "alias" => Some(SdkMethod {
            kind: EventKind::Alias,
            id: Some((0, "alias_id")),
            original: Some((1, "original")),
        }),
        "track" | "import_data" => Some(SdkMethod {
            kind: EventKind::Track,
            id: Some((0, "distinct_id")),
            original: None,
        }),
        people if people.starts_with("people_") => Some(SdkMethod {
            kind: EventKind::People,
            id: Some((0, "distinct_id")),
            original: None,
        }),
        _ => None,
    }
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
