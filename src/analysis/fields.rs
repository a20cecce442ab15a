//! Instance attributes that hold one value for the whole life of an object: `this.userId =
//! 'anonymous'` in a constructor and `self.user_id = "backend"` in `__init__`, read as
//! `this.userId` / `self.user_id` in another method of the same class (or in a closure of one).
//!
//! An attribute counts only when every write of it the program shows is one of its class's
//! own, on its receiver, and writes the same thing: a literal that is not falsy (then every
//! read is that constant; `null` is a value not set yet, tested before use) or a fresh value (`this.anonId = uuid()`, then every read is the value made
//! there). Conservatively, nothing counts for an attribute of that name written anywhere else
//! (`session.userId = id`, a subclass's write), nor for a class whose receiver is handed to
//! other code (`Object.assign(this, options)`, `setattr(self, ..)`, `register(this)`), which may
//! write any attribute.

use std::collections::{HashMap, HashSet};

use crate::callgraph::{CallGraph, FnId};
use crate::ir::{Callee, FunctionKind, Module, Span, Stmt, Value, walk_block};

/// The names a method's receiver goes by: JavaScript, Kotlin and Java's `this`; Rust, Python
/// and Swift's `self`.
const RECEIVERS: &[&str] = &["this", "self"];

/// Methods that take the receiver without writing to it (`this.onClick.bind(this)`).
const RECEIVER_READERS: &[&str] = &["bind"];

/// What an instance attribute holds wherever its class reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// The same literal, written by every write.
    Constant(Value),
    /// A value made fresh where it is written (`this.anonId = uuid()`), read only as an id of
    /// identity calls: nothing but the object keeps it.
    Fresh {
        origin: String,
        /// The write.
        function: FnId,
        span: Span,
    },
}

/// A class: its module (by position) and its name.
type Class = (u32, String);

pub struct InstanceFields {
    /// Per function, the class whose receiver it sees: a method's, or the one of the method a
    /// closure is called from.
    class_of: Vec<Option<Class>>,
    values: HashMap<(Class, String), FieldValue>,
}

/// What the program shows of one attribute of one class.
#[derive(Default)]
struct Seen {
    writes: Vec<(Value, FnId, Span)>,
    /// Read other than as an id of an identity call (handed to a call, bound, returned).
    escapes: bool,
}

impl InstanceFields {
    pub fn new(modules: &[Module], graph: &CallGraph) -> InstanceFields {
        let class_of = classes(modules, graph);
        let mut seen: HashMap<(Class, String), Seen> = HashMap::new();
        let mut foreign: HashSet<String> = HashSet::new();
        let mut opaque: HashSet<Class> = HashSet::new();
        for (i, class) in class_of.iter().enumerate() {
            let id = FnId(i as u32);
            let function = graph.function(modules, id);
            // A read of one of the object's attributes anywhere but as an identity call's id.
            let escaped = |value: &Value, seen: &mut HashMap<(Class, String), Seen>| {
                if let (Some(class), Value::Path { root, fields }) = (class, value)
                    && RECEIVERS.contains(&root.as_str())
                    && let Some(field) = fields.first()
                {
                    seen.entry((class.clone(), field.clone()))
                        .or_default()
                        .escapes = true;
                }
            };
            walk_block(&function.body, &mut |stmt| match stmt {
                Stmt::Persist {
                    value,
                    span,
                    target,
                } => {
                    escaped(value, &mut seen);
                    let Some(Value::Path { root, fields }) = target else {
                        return;
                    };
                    match (class, fields.as_slice()) {
                        (Some(class), [field]) if RECEIVERS.contains(&root.as_str()) => seen
                            .entry((class.clone(), field.clone()))
                            .or_default()
                            .writes
                            .push((value.clone(), id, *span)),
                        _ => {
                            foreign.extend(fields.last().cloned());
                        }
                    }
                }
                Stmt::Call(call) => {
                    let receiver = match &call.callee {
                        Callee::Method { receiver, name, .. } => Some((receiver, name)),
                        _ => None,
                    };
                    for value in call.args.iter().chain(receiver.map(|(r, _)| r)) {
                        escaped(value, &mut seen);
                    }
                    let Some(class) = class else {
                        return;
                    };
                    let hands_receiver = call.args.iter().any(|arg| {
                        matches!(arg, Value::Path { root, fields }
                            if fields.is_empty() && RECEIVERS.contains(&root.as_str()))
                    });
                    let local = matches!(call.callee, Callee::Local(_));
                    let reader =
                        receiver.is_some_and(|(_, name)| RECEIVER_READERS.contains(&name.as_str()));
                    // `self.__dict__.update(..)`: every attribute at once.
                    let through_dict = receiver.is_some_and(|(r, _)| {
                        matches!(r, Value::Path { root, fields }
                            if RECEIVERS.contains(&root.as_str())
                                && fields.first().is_some_and(|f| f == "__dict__"))
                    });
                    if (hands_receiver && !local && !reader) || through_dict {
                        opaque.insert(class.clone());
                    }
                }
                Stmt::Let { value, .. }
                | Stmt::Return {
                    value: Some(value), ..
                } => escaped(value, &mut seen),
                _ => {}
            });
        }
        let values = seen
            .into_iter()
            .filter(|((class, field), _)| !opaque.contains(class) && !foreign.contains(field))
            .filter_map(|(key, seen)| Some((key, field_value(&seen)?)))
            .collect();
        InstanceFields { class_of, values }
    }

    /// What `value` is in `function` when it reads an attribute of the function's own object
    /// that holds one value: the attribute as written (`this.userId`) and that value.
    pub fn value(&self, function: FnId, value: &Value) -> Option<(String, &FieldValue)> {
        let Value::Path { root, fields } = value else {
            return None;
        };
        let [field] = fields.as_slice() else {
            return None;
        };
        if !RECEIVERS.contains(&root.as_str()) {
            return None;
        }
        let class = self.class_of.get(function.0 as usize)?.clone()?;
        let found = self.values.get(&(class, field.clone()))?;
        Some((format!("{root}.{field}"), found))
    }
}

/// The one value every write of an attribute writes, if there is one.
fn field_value(seen: &Seen) -> Option<FieldValue> {
    let ((first, function, span), rest) = seen.writes.split_first()?;
    match first {
        // A falsy one (`this.userId = null`) is a value not set yet, which code tests first.
        literal if literal.is_literal() && !literal.is_falsy_literal() => rest
            .iter()
            .all(|(value, _, _)| value == literal)
            .then(|| FieldValue::Constant(literal.clone())),
        Value::Fresh { origin, .. } => {
            let all_fresh = rest
                .iter()
                .all(|(value, _, _)| matches!(value, Value::Fresh { .. }));
            (all_fresh && !seen.escapes).then(|| FieldValue::Fresh {
                origin: origin.clone(),
                function: *function,
                span: *span,
            })
        }
        _ => None,
    }
}

/// The class whose receiver each function sees: a method's own (its first parameter is the
/// receiver), and for a closure the one its parent function sees (an arrow function's `this`,
/// a nested function's captured `self`).
fn classes(modules: &[Module], graph: &CallGraph) -> Vec<Option<Class>> {
    let mut class_of: Vec<Option<Class>> = vec![None; graph.len()];
    // The first function of each module, to find a parent by its index in its module.
    let mut first_of_module: HashMap<u32, usize> = HashMap::new();
    for (i, at) in graph.functions.iter().enumerate() {
        first_of_module.entry(at.module).or_insert(i);
    }
    // A parent is lowered before the closures written in it: one pass in order sees it first.
    for (i, at) in graph.functions.iter().enumerate() {
        let function = graph.function(modules, FnId(i as u32));
        class_of[i] = match (&function.owner, function.kind, function.parent) {
            (Some(owner), FunctionKind::Method, _)
                if function
                    .params
                    .first()
                    .is_some_and(|p| RECEIVERS.contains(&p.as_str())) =>
            {
                Some((at.module, owner.clone()))
            }
            (_, FunctionKind::Closure, Some(parent)) => first_of_module
                .get(&at.module)
                .map(|first| first + parent as usize)
                .filter(|&parent| parent < i)
                .and_then(|parent| class_of[parent].clone()),
            _ => None,
        };
    }
    class_of
}
