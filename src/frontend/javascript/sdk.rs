//! The JavaScript/TypeScript idioms the frontend recognises: which SDK table a package is
//! (the tables are in `crate::sdk`), fresh-id sources, value-preserving methods, callbacks
//! that run now. Data only.

use crate::ir::Side;
use crate::sdk::{JAVASCRIPT_SDKS, Sdk, SdkId};

/// The SDK imported from `package`.
pub fn sdk_of_package(package: &str) -> Option<SdkId> {
    Sdk::of_package(JAVASCRIPT_SDKS, package)
}

/// The SDK a receiver recognised only by its name is assumed to be.
pub fn default_sdk(side: Side) -> SdkId {
    match side {
        Side::Client => SdkId::Browser,
        Side::Server => SdkId::Node,
    }
}

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

/// Globals whose methods only read their arguments (logging): an id handed to them is not kept.
pub const LOGGING_RECEIVERS: &[&str] = &["console"];

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

/// Calls that return a function made from their function argument: a thunk, a memoised,
/// debounced or throttled callback, a wrapped component. `const logout = useCallback(() => ..)`
/// is the function `logout`, called by that name (matched on the callee's last name, so
/// `React.useCallback` and `_.debounce` are too).
pub const FUNCTION_MAKING_CALLS: &[&str] = &[
    "createAsyncThunk",
    "useCallback",
    "useMemo",
    "useEvent",
    "useEffectEvent",
    "debounce",
    "throttle",
    "memoize",
    "memo",
    "observer",
    "forwardRef",
    "action",
    "flow",
];

/// Keys whose object holds state transitions (Redux Toolkit's `reducers`, Vuex's `mutations`):
/// pure functions of the state, dispatched by an action, never the flow that does the work.
pub const STATE_TRANSITION_KEYS: &[&str] = &["reducers", "extraReducers", "mutations"];

/// redux-saga's effects that call the function they are given (`yield call(fn, ...args)`,
/// `call([context, fn])`, `fork(fn)`): a call of that function, from these packages.
pub const CALLING_EFFECT_PACKAGES: &[&str] = &[
    "redux-saga/effects",
    "redux-saga",
    "typed-redux-saga",
    "typed-redux-saga/macro",
];
pub const CALLING_EFFECTS: &[&str] = &["call", "fork", "spawn"];

/// Promise methods: the callback runs after the call it follows (`catch` only on rejection).
pub const PROMISE_METHODS: &[&str] = &["then", "catch", "finally"];
