//! What the JavaScript/TypeScript frontend recognises (DOMAIN.md §2): the SDK packages, their
//! methods and argument orders, fresh-id sources, and value-preserving methods. Data only.

use crate::ir::{EventKind, Side};

/// The Mixpanel SDKs of the JavaScript world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sdk {
    /// `mixpanel-browser` (and the global `mixpanel` of the HTML snippet): client.
    Browser,
    /// Node `mixpanel`: server, ids in every call.
    Node,
    /// `mixpanel-react-native`: client.
    ReactNative,
}

impl Sdk {
    pub fn of_package(name: &str) -> Option<Sdk> {
        match name {
            "mixpanel-browser" => Some(Sdk::Browser),
            "mixpanel" => Some(Sdk::Node),
            "mixpanel-react-native" => Some(Sdk::ReactNative),
            _ => None,
        }
    }

    /// The SDK a receiver recognised only by its name is assumed to be.
    pub fn default_for(side: Side) -> Sdk {
        match side {
            Side::Client => Sdk::Browser,
            Side::Server => Sdk::Node,
        }
    }

    pub fn side(self) -> Side {
        match self {
            Sdk::Node => Side::Server,
            Sdk::Browser | Sdk::ReactNative => Side::Client,
        }
    }
}

/// How a tracker method maps to an event, with its argument positions.
pub struct SdkMethod {
    pub kind: EventKind,
    pub id_arg: Option<usize>,
    pub original_arg: Option<usize>,
    /// The distinct id sits in the properties object at this argument (`{ distinct_id }`).
    pub id_in_props: Option<usize>,
}

pub fn sdk_method(sdk: Sdk, method: &str, on_people: bool) -> Option<SdkMethod> {
    let event = |kind, id_arg, original_arg, id_in_props| {
        Some(SdkMethod {
            kind,
            id_arg,
            original_arg,
            id_in_props,
        })
    };
    if on_people {
        // Node: `people.set(distinct_id, ..)`; the client SDKs act on the current user.
        let id_arg = (sdk == Sdk::Node).then_some(0);
        return match method {
            "set" | "set_once" | "setOnce" | "increment" | "append" | "union" | "remove"
            | "unset" | "track_charge" | "trackCharge" | "clear_charges" | "clearCharges"
            | "delete_user" | "deleteUser" => event(EventKind::People, id_arg, None, None),
            _ => None,
        };
    }
    match (sdk, method) {
        // Node: `alias(distinct_id, alias)`: the new id is the second argument.
        (Sdk::Node, "alias") => event(EventKind::Alias, Some(1), Some(0), None),
        (Sdk::Node, "track") => event(EventKind::Track, None, None, Some(1)),
        // Browser `alias(alias, original?)`, React Native `alias(alias, distinctId)`.
        (_, "alias") => event(EventKind::Alias, Some(0), Some(1), None),
        (_, "identify") => event(EventKind::Identify, Some(0), None, None),
        (_, "reset") => event(EventKind::Reset, None, None, None),
        (_, "track") => event(EventKind::Track, None, None, Some(1)),
        _ => None,
    }
}

/// Methods that return the SDK's current distinct id.
pub const CURRENT_ID_METHODS: &[&str] = &["get_distinct_id", "getDistinctId"];

/// Packages whose exports make fresh ids, and the dotted calls that do.
pub const FRESH_PACKAGES: &[&str] = &[
    "uuid",
    "nanoid",
    "ulid",
    "ulidx",
    "crypto",
    "node:crypto",
    "cuid",
    "@paralleldrive/cuid2",
];
pub const FRESH_CALLS: &[&str] = &[
    "crypto.randomUUID",
    "window.crypto.randomUUID",
    "globalThis.crypto.randomUUID",
    "Math.random",
    "Date.now",
    "performance.now",
    "randomUUID",
    "uuidv4",
    "uuidV4",
    "nanoid",
    "ulid",
    "cuid",
    "createId",
];

/// Methods that return (a conversion of) their receiver: the value keeps its identity.
pub const DERIVING_METHODS: &[&str] = &[
    "toString",
    "toLowerCase",
    "toUpperCase",
    "trim",
    "slice",
    "substring",
    "substr",
    "padStart",
    "padEnd",
    "toFixed",
    "valueOf",
    "concat",
];

/// Array methods whose callback runs once per element.
pub const ITERATING_METHODS: &[&str] = &[
    "forEach",
    "map",
    "filter",
    "reduce",
    "reduceRight",
    "some",
    "every",
    "find",
    "findIndex",
    "flatMap",
];

/// Calls that run their callback right away, once: effects run after the render that calls
/// them, a promise executor runs in the constructor. Any other callback (a route handler, an
/// event listener, a timer) is a function of its own: an entry point, not part of this path.
pub const IMMEDIATE_CALLBACK_CALLS: &[&str] = &[
    "useEffect",
    "useLayoutEffect",
    "useInsertionEffect",
    "Promise",
];

/// Promise methods: the callback runs after the call it follows (`catch` only on rejection).
pub const PROMISE_METHODS: &[&str] = &["then", "catch", "finally"];

/// The key of the distinct id inside a server `track`'s properties.
pub const DISTINCT_ID_KEY: &str = "distinct_id";
