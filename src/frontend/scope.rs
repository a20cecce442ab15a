//! What a frontend knows about the names of the function body it is lowering. The same shape
//! serves every language; only what a tracker is known to be (`S`: which SDK) differs.

// Scopes are built and looked up for every function and name: a fast hash, not a DoS-proof one.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::ir::{Function, Value};

/// How sure a frontend is that a receiver is an analytics tracker.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tracker<S = ()> {
    /// Built by the SDK's constructor, imported from it, or typed with its type.
    Known(S),
    /// Only its name says so (`analytics`): a project method of that name wins.
    ByName,
}

/// What an event's properties object is seen to hold, where it is built.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Props {
    /// The `distinct_id` put into it (the last one, when several are).
    pub id: Option<Value>,
    /// Its keys as far as they are seen: others may hide behind a spread or an object built
    /// elsewhere.
    pub keys: Vec<String>,
}

impl Props {
    /// A key put into the object with `value`: a `distinct_id` names the event's user.
    pub fn put(&mut self, key: &str, value: Option<Value>) {
        if key == crate::sdk::DISTINCT_ID_KEY
            && let Some(value) = value
        {
            self.id = Some(value);
        }
        if !self.keys.iter().any(|k| k == key) {
            self.keys.push(key.to_owned());
        }
    }

    /// `other`'s properties copied over these (`Object.assign`, `{ ...a, ...b }`, `dict(a, **b)`).
    pub fn merge(&mut self, other: Props) {
        if other.id.is_some() {
            self.id = other.id;
        }
        for key in other.keys {
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Scope<S = ()> {
    /// The type that `self`/`this` is, in a method.
    pub self_type: Option<String>,
    /// Local name → main type name.
    pub types: HashMap<String, String>,
    pub trackers: HashMap<String, Tracker<S>>,
    /// Local name → (closure function index, how many explicit parameters it has), for
    /// `let f = |..| ..; f(x)` and `const f = () => ..; f(x)`.
    pub closures: HashMap<String, (u32, usize)>,
    /// Local name of a properties object built in this body → what it is seen to hold.
    pub props: HashMap<String, Props>,
    /// Every name bound so far (parameters, lets, pattern bindings).
    pub locals: HashSet<String>,
    pub temps: u32,
    /// How the function is shown in call chains.
    pub name: String,
    /// The function being lowered, by index in its module, where the frontend says: the
    /// parent of the closures written in it.
    pub function: Option<u32>,
}

impl<S> Default for Scope<S> {
    fn default() -> Self {
        Scope {
            self_type: None,
            types: HashMap::default(),
            trackers: HashMap::default(),
            closures: HashMap::default(),
            props: HashMap::default(),
            locals: HashSet::default(),
            temps: 0,
            name: String::new(),
            function: None,
        }
    }
}

impl<S> Scope<S> {
    /// A fresh name for a call's result: every call result is named, so values stay paths.
    pub fn temp(&mut self) -> String {
        self.temps += 1;
        // Written by hand: one is made for every call, and `format!` costs more than the call.
        let mut digits = [0u8; 10];
        let mut rest = self.temps;
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut name = String::with_capacity(1 + digits.len() - start);
        name.push('$');
        name.extend(digits[start..].iter().map(|&d| char::from(d)));
        name
    }
}

/// The arguments of a call to a closure: its explicit arguments, padded or cut to `explicit`,
/// then its captured names, passed by name. A parameter the call leaves out takes its default
/// when that is a literal (`(id = 'guest') => ..`), unless a falsy one (`id = null`: a value not
/// given, tested before use).
pub fn closure_args(closure: &Function, explicit: usize, mut args: Vec<Value>) -> Vec<Value> {
    let explicit = explicit.min(closure.params.len());
    args.truncate(explicit);
    for position in args.len()..explicit {
        let default = match closure.defaults.get(position) {
            Some(Some(value)) if value.is_literal() && !value.is_falsy_literal() => value.clone(),
            _ => Value::Unknown,
        };
        args.push(default);
    }
    args.extend(closure.params[explicit..].iter().map(Value::local));
    args
}
