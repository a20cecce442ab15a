//! The one IR builder for calls, shared by every frontend: what a method call on a receiver
//! means (a declared tracking API, an SDK method, the SDK's configuration, the current id, or
//! a call the call graph resolves), and the IR of SDK and declared events.
//!
//! A frontend reads the facts from its syntax (which tracker a receiver is, the receiver's
//! name and type, the arguments' values); this module applies the policy and the SDK tables.

use crate::config::TrackingApi;
use crate::frontend::Options;
use crate::frontend::scope::{Props, Tracker};
use crate::ir::{Call, Callee, Event, EventKind, Span, Stmt, Value};
use crate::sdk::{DISTINCT_ID_KEY, Sdk, SdkId, SdkMethod, Slot};

/// What `receiver.method(..)` means, in the order the policy decides it.
#[derive(Debug)]
pub enum MethodCall<'o> {
    /// A method of an in-house tracking client declared in the configuration.
    Declared(&'o TrackingApi),
    /// `get_distinct_id()`: the SDK's current id.
    CurrentId,
    /// `init(token, config)`: configures the tracker.
    Init(SdkId),
    /// An SDK method that is an identity event; `certain` when the receiver is known to be the
    /// SDK's tracker, not only named like one.
    Sdk { method: SdkMethod, certain: bool },
    /// Anything else: a call the call graph resolves.
    Other,
}

/// A receiver the frontend recognised as a tracker: how sure it is, of which SDK, and
/// whether the call is on its people object.
pub struct TrackerReceiver {
    pub tracker: Tracker<SdkId>,
    pub on_people: bool,
}

/// Decides what `receiver.method(..)` is. `receiver_names` (the receiver's variable or field
/// name and its type) is only read when the configuration declares tracking APIs.
pub fn method_call<'o>(
    options: &'o Options,
    receiver_names: impl FnOnce() -> [Option<String>; 2],
    tracker: Option<TrackerReceiver>,
    default_sdk: SdkId,
    method: &str,
) -> MethodCall<'o> {
    if !options.tracking_apis.is_empty()
        && let Some(api) = options.declared_api(&receiver_names(), method)
    {
        return MethodCall::Declared(api);
    }
    let Some(TrackerReceiver { tracker, on_people }) = tracker else {
        return MethodCall::Other;
    };
    let (id, certain) = match tracker {
        Tracker::Known(id) => (id, true),
        Tracker::ByName => (default_sdk, false),
    };
    let sdk = id.sdk();
    if sdk.is_current_id(method) {
        return MethodCall::CurrentId;
    }
    if !on_people && sdk.is_init(method) {
        return MethodCall::Init(id);
    }
    match sdk.method(method, on_people) {
        Some(method) => MethodCall::Sdk { method, certain },
        None => MethodCall::Other,
    }
}

/// The SDK method `receiver.method(..)` is when its receiver is a member another file
/// declares, known here only by its member path (`EventCatalog.mixpanel`, or
/// `EventCatalog.mixpanel.people` for its people object): the call carries this event, which
/// the call graph takes if the path leads to a member holding the SDK's tracker.
pub fn member_event(sdk: SdkId, receiver_type: Option<&str>, method: &str) -> Option<SdkMethod> {
    let path = receiver_type.filter(|t| t.contains('.'))?;
    let sdk = sdk.sdk();
    let on_people = path
        .rsplit('.')
        .next()
        .is_some_and(|last| sdk.is_people_accessor(last));
    if sdk.is_current_id(method) || (!on_people && sdk.is_init(method)) {
        return None;
    }
    sdk.method(method, on_people)
}

/// A call's lowered arguments, in source order, each with its keyword when it has one.
#[derive(Default)]
pub struct Arguments {
    pub values: Vec<Value>,
    keywords: Vec<Option<String>>,
}

impl Arguments {
    /// Arguments of a language without keyword arguments.
    pub fn positional(values: Vec<Value>) -> Arguments {
        Arguments {
            keywords: vec![None; values.len()],
            values,
        }
    }

    pub fn push(&mut self, keyword: Option<&str>, value: Value) {
        self.keywords.push(keyword.map(str::to_owned));
        self.values.push(value);
    }

    /// The value in `slot`: the n-th positional argument, else the one passed by its name.
    pub fn get(&self, slot: Slot) -> Option<&Value> {
        let Slot::Arg(index, name) = slot else {
            return None;
        };
        let positional = self
            .values
            .iter()
            .zip(&self.keywords)
            .filter(|(_, keyword)| keyword.is_none())
            .nth(index)
            .map(|(value, _)| value);
        positional.or_else(|| {
            self.values
                .iter()
                .zip(&self.keywords)
                .find(|(_, keyword)| keyword.as_deref() == Some(name))
                .map(|(value, _)| value)
        })
    }
}

/// What a frontend read from an SDK call's properties argument.
#[derive(Default)]
pub struct Properties {
    /// The `distinct_id` inside them.
    pub id: Option<Value>,
    /// Their keys and values, when all of them are visible.
    pub pairs: Option<Vec<(String, Value)>>,
    /// The keys they are seen to have, all of them or not (a spread, a variable built
    /// elsewhere may add more).
    pub keys: Vec<String>,
}

impl Properties {
    /// No properties argument at all (`track(event)`, `track(event, None)`).
    pub fn visibly_none() -> Properties {
        Properties {
            id: None,
            pairs: Some(Vec::new()),
            keys: Vec::new(),
        }
    }

    /// Properties written in full (an object literal without spread, `json!({..})`).
    pub fn complete(pairs: Vec<(String, Value)>) -> Properties {
        let id = pairs
            .iter()
            .find(|(key, _)| key == DISTINCT_ID_KEY)
            .map(|(_, value)| value.clone());
        Properties {
            id,
            keys: pairs.iter().map(|(key, _)| key.clone()).collect(),
            pairs: Some(pairs),
        }
    }

    /// Properties built where they are not all visible: an object with a spread, a variable
    /// filled before the call, `Object.assign`, `dict(base, ..)`.
    pub fn built(props: Props) -> Properties {
        Properties {
            id: props.id,
            pairs: None,
            keys: props.keys,
        }
    }
}

/// The event of an SDK method call.
pub fn sdk_event(
    sdk_method: &SdkMethod,
    method: &str,
    args: &Arguments,
    properties: Properties,
    span: Span,
) -> Event {
    let slot = |slot: Slot| match slot {
        Slot::InProperties => properties.id.clone(),
        Slot::ArgOrInProperties(index, name) => properties
            .id
            .clone()
            .or_else(|| args.get(Slot::Arg(index, name)).cloned()),
        slot => args.get(slot).cloned(),
    };
    // As if no original were passed: alias then links the current id.
    let original = slot(sdk_method.original)
        .filter(|v| !(sdk_method.null_original_is_current && *v == Value::Null));
    Event {
        kind: sdk_method.kind,
        side: sdk_method.side,
        id: slot(sdk_method.id),
        original,
        method: sdk_method.display_name(method),
        span,
        options: properties.pairs,
        property_keys: properties.keys,
    }
}

/// The statement of an SDK call: the event itself when the receiver is certainly a tracker;
/// otherwise a call that the call graph answers with a project method of that name if there
/// is one, and with the SDK's event if not. `receiver` is lowered only then.
pub fn sdk_call(
    certain: bool,
    event: Event,
    method: String,
    args: Vec<Value>,
    receiver: impl FnOnce() -> Value,
) -> Stmt {
    if certain {
        return Stmt::Event(event);
    }
    Stmt::Call(Call {
        callee: Callee::Method {
            receiver: receiver(),
            name: method,
            receiver_type: None,
        },
        args,
        result: None,
        span: event.span,
        sdk_fallback: Some(Box::new(event)),
        keywords: Vec::new(),
        spread: false,
    })
}

/// A call by path (`analytics.link_user(..)` through an imported module) that is an SDK
/// method if the call graph finds the path names a module-level tracker.
pub fn path_call(
    path: Vec<String>,
    args: Vec<Value>,
    result: String,
    span: Span,
    sdk_fallback: Option<Event>,
) -> Stmt {
    Stmt::Call(Call {
        callee: Callee::Path(path),
        args,
        result: Some(result),
        span,
        sdk_fallback: sdk_fallback.map(Box::new),
        keywords: Vec::new(),
        spread: false,
    })
}

/// The event of a tracker's construction or configuration (`init`): `config`, when visible,
/// decides persistence.
pub fn init_event(
    sdk: &Sdk,
    method: String,
    span: Span,
    config: Option<Vec<(String, Value)>>,
) -> Stmt {
    Stmt::Event(Event {
        kind: EventKind::Init,
        side: sdk.side,
        id: None,
        original: None,
        method,
        span,
        options: config,
        property_keys: Vec::new(),
    })
}

/// The event of a call to a declared tracking API, from its lowered arguments.
pub fn declared_event(api: &TrackingApi, args: &[Value], span: Span) -> Stmt {
    let arg = |index: Option<usize>| index.and_then(|i| args.get(i).cloned());
    Stmt::Event(Event {
        kind: api.kind,
        side: api.side,
        id: arg(api.id_arg),
        original: arg(api.original_arg),
        method: format!("{}.{}", api.receiver, api.method),
        span,
        options: None,
        property_keys: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdk::SdkId;

    fn local(name: &str) -> Value {
        Value::local(name.to_owned())
    }

    #[test]
    fn a_keyword_argument_fills_its_slot() {
        let mut args = Arguments::default();
        args.push(None, local("event"));
        args.push(Some("distinct_id"), local("uid"));
        assert!(args.get(Slot::Arg(1, "x")).is_none());
        assert_eq!(args.get(Slot::Arg(0, "distinct_id")), Some(&local("event")));
        let mut args = Arguments::default();
        args.push(Some("original"), local("a"));
        args.push(Some("alias_id"), local("b"));
        assert_eq!(args.get(Slot::Arg(0, "alias_id")), Some(&local("b")));
        assert_eq!(args.get(Slot::Arg(1, "original")), Some(&local("a")));
    }

    #[test]
    fn a_tracker_known_only_by_name_leaves_the_decision_to_the_call_graph() {
        let options = Options::default();
        let receiver = || TrackerReceiver {
            tracker: Tracker::ByName,
            on_people: false,
        };
        let call = method_call(
            &options,
            || [None, None],
            Some(receiver()),
            SdkId::Node,
            "alias",
        );
        let MethodCall::Sdk { method, certain } = call else {
            panic!("alias on a tracker is an SDK call: {call:?}");
        };
        assert!(!certain);
        assert_eq!(method.id, Slot::Arg(1, "alias"));
        let call = method_call(&options, || [None, None], None, SdkId::Node, "alias");
        assert!(matches!(call, MethodCall::Other));
    }

    #[test]
    fn an_android_alias_to_null_links_the_current_id() {
        let span = Span {
            file: crate::ir::FileId(0),
            start: 0,
            end: 0,
        };
        let event = |sdk: SdkId| {
            let method = sdk.sdk().method("alias", false).unwrap();
            let args = Arguments::positional(vec![local("email"), Value::Null]);
            sdk_event(&method, "alias", &args, Properties::default(), span)
        };
        assert_eq!(event(SdkId::Android).original, None);
        assert_eq!(event(SdkId::Browser).original, Some(Value::Null));
    }

    #[test]
    fn a_python_track_takes_its_user_from_the_properties_first() {
        let span = Span {
            file: crate::ir::FileId(0),
            start: 0,
            end: 0,
        };
        let method = SdkId::Python.sdk().method("track", false).unwrap();
        let args = Arguments::positional(vec![Value::Str(String::new()), local("event")]);
        let event = |properties| sdk_event(&method, "track", &args, properties, span);
        assert_eq!(
            event(Properties::default()).id,
            Some(Value::Str(String::new()))
        );
        let overridden = Properties::complete(vec![(DISTINCT_ID_KEY.to_owned(), local("uid"))]);
        assert_eq!(event(overridden).id, Some(local("uid")));
    }
}
