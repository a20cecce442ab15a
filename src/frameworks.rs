//! What idlint knows about application frameworks, as data: the entry points a framework runs
//! again and again for the same user. `alias` there is reached once per invocation, which is
//! the `alias-twice` that real code has (DOMAIN.md §4). Frontends ask
//! [`repeating_callback`] about the calls they see; the analysis asks [`repeating_method`]
//! about function names, and the configuration's `repeating-functions` adds names.

/// When a callback handed to a call runs again and again.
#[derive(Clone, Copy, Debug)]
enum When {
    Always,
    /// Only when the call has no argument at this position (`useEffect(fn)` without its
    /// dependency list runs after every render).
    WithoutArgument(usize),
    /// Only when the first argument is one of these event names (`user.on('change', fn)`).
    FirstArgumentIn(&'static [&'static str]),
}

struct RepeatingCallback {
    /// The callee's last name: `useEffect`, `app.use` → `use`.
    callee: &'static str,
    when: When,
    why: &'static str,
}

/// Events of a model or a session that fire whenever its state changes.
const CHANGE_EVENTS: &[&str] = &[
    "change",
    "change:user",
    "change:id",
    "changed",
    "update",
    "updated",
    "userChanged",
    "authStateChanged",
    "SIGNED_IN",
];

const REPEATING_CALLBACKS: &[RepeatingCallback] = &[
    // React and other component frameworks.
    RepeatingCallback {
        callee: "useEffect",
        when: When::WithoutArgument(1),
        why: "an effect without a dependency list runs after every render",
    },
    RepeatingCallback {
        callee: "useLayoutEffect",
        when: When::WithoutArgument(1),
        why: "an effect without a dependency list runs after every render",
    },
    // Auth state listeners fire at every start of the app for a signed-in user.
    RepeatingCallback {
        callee: "onAuthStateChanged",
        when: When::Always,
        why: "an auth state listener runs at every start of the app for a signed-in user",
    },
    RepeatingCallback {
        callee: "onIdTokenChanged",
        when: When::Always,
        why: "an auth state listener runs at every start of the app for a signed-in user",
    },
    RepeatingCallback {
        callee: "onAuthStateChange",
        when: When::Always,
        why: "an auth state listener runs at every start of the app for a signed-in user",
    },
    RepeatingCallback {
        callee: "addAuthStateListener",
        when: When::Always,
        why: "an auth state listener runs at every start of the app for a signed-in user",
    },
    RepeatingCallback {
        callee: "addStateDidChangeListener",
        when: When::Always,
        why: "an auth state listener runs at every start of the app for a signed-in user",
    },
    // Listeners on a model's or a store's changes.
    RepeatingCallback {
        callee: "on",
        when: When::FirstArgumentIn(CHANGE_EVENTS),
        why: "a listener on a model's changes runs at every change for the same user",
    },
    RepeatingCallback {
        callee: "addListener",
        when: When::FirstArgumentIn(CHANGE_EVENTS),
        why: "a listener on a model's changes runs at every change for the same user",
    },
    RepeatingCallback {
        callee: "listenTo",
        when: When::Always,
        why: "a listener on a model's changes runs at every change for the same user",
    },
    RepeatingCallback {
        callee: "subscribe",
        when: When::Always,
        why: "a subscription runs at every change of what it observes",
    },
    RepeatingCallback {
        callee: "autorun",
        when: When::Always,
        why: "a reaction runs at every change of what it reads",
    },
    RepeatingCallback {
        callee: "reaction",
        when: When::Always,
        why: "a reaction runs at every change of what it reads",
    },
    RepeatingCallback {
        callee: "watch",
        when: When::Always,
        why: "a watcher runs at every change of what it watches",
    },
    RepeatingCallback {
        callee: "beforeEach",
        when: When::Always,
        why: "a navigation guard runs at every navigation",
    },
    RepeatingCallback {
        callee: "afterEach",
        when: When::Always,
        why: "a navigation hook runs at every navigation",
    },
    // Timers.
    RepeatingCallback {
        callee: "setInterval",
        when: When::Always,
        why: "a timer runs again and again",
    },
    // Per-request middleware (Express, Koa, Connect; Flask's and FastAPI's decorators).
    RepeatingCallback {
        callee: "use",
        when: When::Always,
        why: "middleware runs on every request of a signed-in user",
    },
    RepeatingCallback {
        callee: "before_request",
        when: When::Always,
        why: "a `before_request` hook runs on every request of a signed-in user",
    },
    RepeatingCallback {
        callee: "before_app_request",
        when: When::Always,
        why: "a `before_request` hook runs on every request of a signed-in user",
    },
    RepeatingCallback {
        callee: "middleware",
        when: When::Always,
        why: "middleware runs on every request of a signed-in user",
    },
    // Reactive streams and observers on mobile (Combine, LiveData, Flow, SwiftUI).
    RepeatingCallback {
        callee: "sink",
        when: When::Always,
        why: "a subscriber runs at every value the publisher sends",
    },
    RepeatingCallback {
        callee: "onAppear",
        when: When::Always,
        why: "`onAppear` runs every time the view appears",
    },
    RepeatingCallback {
        callee: "onChange",
        when: When::Always,
        why: "`onChange` runs at every change of the value",
    },
    RepeatingCallback {
        callee: "observe",
        when: When::Always,
        why: "an observer runs at every change of the value",
    },
    RepeatingCallback {
        callee: "observeForever",
        when: When::Always,
        why: "an observer runs at every change of the value",
    },
    RepeatingCallback {
        callee: "collect",
        when: When::Always,
        why: "a flow collector runs at every value the flow emits",
    },
    RepeatingCallback {
        callee: "collectLatest",
        when: When::Always,
        why: "a flow collector runs at every value the flow emits",
    },
];

/// Methods a framework calls again and again for the same user, by name: screen lifecycle
/// methods, per-request hooks of middleware classes.
const REPEATING_METHODS: &[(&str, &str)] = &[
    (
        "viewDidAppear",
        "`viewDidAppear` runs every time the screen appears",
    ),
    (
        "viewWillAppear",
        "`viewWillAppear` runs every time the screen appears",
    ),
    (
        "applicationDidBecomeActive",
        "`applicationDidBecomeActive` runs every time the app comes to the foreground",
    ),
    (
        "applicationWillEnterForeground",
        "`applicationWillEnterForeground` runs every time the app comes to the foreground",
    ),
    (
        "sceneDidBecomeActive",
        "`sceneDidBecomeActive` runs every time the scene comes to the foreground",
    ),
    (
        "sceneWillEnterForeground",
        "`sceneWillEnterForeground` runs every time the scene comes to the foreground",
    ),
    (
        "onResume",
        "`onResume` runs every time the screen comes back",
    ),
    (
        "onStart",
        "`onStart` runs every time the screen becomes visible",
    ),
    (
        "onRestart",
        "`onRestart` runs every time the screen comes back",
    ),
    (
        "componentDidUpdate",
        "`componentDidUpdate` runs after every update of the component",
    ),
    (
        "process_request",
        "a middleware's `process_request` runs on every request",
    ),
    (
        "process_view",
        "a middleware's `process_view` runs on every request",
    ),
];

/// Whether a callback handed to `callee` (its last name) runs again and again for the same
/// user, and why: `arguments` is how many arguments the call has, `first` its first argument
/// when that is a string literal.
pub fn repeating_callback(
    callee: &str,
    arguments: usize,
    first: Option<&str>,
) -> Option<&'static str> {
    REPEATING_CALLBACKS
        .iter()
        .find(|c| {
            c.callee == callee
                && match c.when {
                    When::Always => true,
                    When::WithoutArgument(at) => arguments <= at,
                    When::FirstArgumentIn(events) => first.is_some_and(|f| events.contains(&f)),
                }
        })
        .map(|c| c.why)
}

/// Whether a function of this name is one a framework runs again and again, and why.
pub fn repeating_method(name: &str) -> Option<&'static str> {
    REPEATING_METHODS
        .iter()
        .find(|(method, _)| *method == name)
        .map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_effect_repeats_only_without_its_dependency_list() {
        assert!(repeating_callback("useEffect", 1, None).is_some());
        assert!(repeating_callback("useEffect", 2, None).is_none());
    }

    #[test]
    fn a_listener_repeats_only_on_change_events() {
        assert!(repeating_callback("on", 2, Some("change")).is_some());
        assert!(repeating_callback("on", 2, Some("submit")).is_none());
        assert!(repeating_callback("on", 2, None).is_none());
    }

    #[test]
    fn lifecycle_methods_repeat_by_name() {
        assert!(repeating_method("viewDidAppear").is_some());
        assert!(repeating_method("viewDidLoad").is_none());
    }
}
