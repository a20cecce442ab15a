//! What idlint knows about application frameworks, as data: the entry points a framework runs
//! again and again for the same user. `alias` there is reached once per invocation, which is
//! the `alias-twice` that real code has (DOMAIN.md §4). Frontends ask
//! [`repeating_callback`] (or, with the arguments' labels and literals, [`repeating_call`])
//! about the calls they see; the analysis asks [`repeating_method`] about function names, and
//! the configuration's `repeating-functions` adds names.

/// When a callback handed to a call runs again and again.
#[derive(Clone, Copy, Debug)]
enum When {
    Always,
    /// Only when the call has no argument at this position (`useEffect(fn)` without its
    /// dependency list runs after every render).
    WithoutArgument(usize),
    /// Only when the first argument is one of these event names (`user.on('change', fn)`).
    FirstArgumentIn(&'static [&'static str]),
    /// Only when the argument with this label is `true`
    /// (`Timer.scheduledTimer(withTimeInterval: 60, repeats: true) { .. }`).
    LabelledTrue(&'static str),
}

/// One argument of a call, as far as repetition goes: its label (Swift's `repeats:`, a
/// Kotlin argument name, the Objective-C selector piece before it) and the literal it is.
#[derive(Clone, Copy, Debug, Default)]
pub struct Argument<'a> {
    pub label: Option<&'a str>,
    pub literal: Option<Literal<'a>>,
}

/// A literal argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literal<'a> {
    Str(&'a str),
    Bool(bool),
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
        callee: "wrap_fn",
        when: When::Always,
        why: "middleware runs on every request of a signed-in user",
    },
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
    RepeatingCallback {
        callee: "repeatOnLifecycle",
        when: When::Always,
        why: "`repeatOnLifecycle` runs its block every time the screen reaches that state",
    },
    RepeatingCallback {
        callee: "onReceive",
        when: When::Always,
        why: "`onReceive` runs at every value the publisher sends",
    },
    RepeatingCallback {
        callee: "task",
        when: When::Always,
        why: "a view's `task` runs every time the view appears",
    },
    RepeatingCallback {
        callee: "SideEffect",
        when: When::Always,
        why: "a `SideEffect` runs after every recomposition",
    },
    RepeatingCallback {
        callee: "addIDTokenDidChangeListener",
        when: When::Always,
        why: "an ID token listener runs at every start of the app and every token refresh",
    },
    RepeatingCallback {
        callee: "addIdTokenListener",
        when: When::Always,
        why: "an ID token listener runs at every start of the app and every token refresh",
    },
    RepeatingCallback {
        callee: "addAuthStateDidChangeListener",
        when: When::Always,
        why: "an auth state listener runs at every start of the app for a signed-in user",
    },
    RepeatingCallback {
        callee: "addSnapshotListener",
        when: When::Always,
        why: "a snapshot listener runs at every change of the data",
    },
    RepeatingCallback {
        callee: "addValueEventListener",
        when: When::Always,
        why: "a value listener runs at every change of the data",
    },
    // Notifications (`NotificationCenter`, `-addObserverForName:object:queue:usingBlock:`).
    RepeatingCallback {
        callee: "addObserver",
        when: When::Always,
        why: "a notification observer runs at every notification",
    },
    RepeatingCallback {
        callee: "addObserverForName",
        when: When::Always,
        why: "a notification observer runs at every notification",
    },
    // Repeating timers (Foundation's with `repeats: true`, Kotlin's `fixedRateTimer`).
    RepeatingCallback {
        callee: "scheduledTimer",
        when: When::LabelledTrue("repeats"),
        why: "a repeating timer runs again and again",
    },
    RepeatingCallback {
        callee: "scheduledTimerWithTimeInterval",
        when: When::LabelledTrue("repeats"),
        why: "a repeating timer runs again and again",
    },
    RepeatingCallback {
        callee: "fixedRateTimer",
        when: When::Always,
        why: "a timer runs again and again",
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
    let mut listed = vec![Argument::default(); arguments];
    if let Some(first_argument) = listed.first_mut() {
        first_argument.literal = first.map(Literal::Str);
    }
    repeating_call(callee, &listed)
}

/// Whether a callback handed to `callee` (its last name; for a selector its first piece) with
/// these arguments (the callback among them) runs again and again for the same user, and why.
pub fn repeating_call(callee: &str, arguments: &[Argument]) -> Option<&'static str> {
    REPEATING_CALLBACKS
        .iter()
        .find(|c| {
            c.callee == callee
                && match c.when {
                    When::Always => true,
                    When::WithoutArgument(at) => arguments.len() <= at,
                    When::FirstArgumentIn(events) => arguments
                        .first()
                        .and_then(|a| a.literal)
                        .is_some_and(|f| matches!(f, Literal::Str(f) if events.contains(&f))),
                    When::LabelledTrue(label) => arguments
                        .iter()
                        .any(|a| a.label == Some(label) && a.literal == Some(Literal::Bool(true))),
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
    fn a_timer_repeats_only_when_told_to() {
        let argument = |label, literal| Argument {
            label: Some(label),
            literal: Some(literal),
        };
        let repeating = [
            argument("withTimeInterval", Literal::Str("60")),
            argument("repeats", Literal::Bool(true)),
            Argument::default(),
        ];
        assert!(repeating_call("scheduledTimer", &repeating).is_some());
        let once = [
            argument("repeats", Literal::Bool(false)),
            Argument::default(),
        ];
        assert!(repeating_call("scheduledTimer", &once).is_none());
    }

    #[test]
    fn lifecycle_methods_repeat_by_name() {
        assert!(repeating_method("viewDidAppear").is_some());
        assert!(repeating_method("viewDidLoad").is_none());
    }
}
