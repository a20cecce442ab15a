//! Calls: the SDK's constructor and methods (events), declared tracking APIs, fresh ids,
//! callbacks (lambdas and anonymous classes, run later unless the call runs them now), and
//! project methods (calls the call graph resolves by the receiver's type or the method's
//! name).

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, child_of_kind, children, is_tracker_type, type_name};
use super::sdk;
use crate::frameworks::{self, Literal};
use crate::frontend::calls::{
    self, MethodCall, Properties, TrackerReceiver, declared_event, init_event, member_event,
    sdk_call, sdk_event,
};
use crate::frontend::scope::{Tracker, closure_args};
use crate::ir::{Block, Call, Callee, Span, Stmt, Value};
use crate::sdk::SdkId;

/// A lambda passed to a call: its function and how many explicit parameters it has.
type Callback = (u32, usize);

/// What a call's arguments lowered to.
struct Lowered {
    args: calls::Arguments,
    callbacks: Vec<Callback>,
}

impl Lowerer<'_> {
    /// `object.name(arguments)` or `name(arguments)`.
    pub(super) fn call(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let Some(name) = node.child_by_field_name("name") else {
            return Value::Unknown;
        };
        let name = self.text(name);
        let arguments = node
            .child_by_field_name("arguments")
            .map(children)
            .unwrap_or_default();
        let span = self.span(node);
        match node.child_by_field_name("object") {
            Some(object) => self.call_member(object, name, &arguments, span, scope, out),
            None => self.call_this(name, &arguments, span, scope, out),
        }
    }

    /// Lowers arguments: values in order (a lambda is a function of its own, kept as a
    /// callback; an anonymous class's methods are callbacks that run later).
    /// A lambda or anonymous class handed to `callee` (its name) is called again and again
    /// for the same user when the framework says so (`observe`, an auth state listener): its
    /// `repeats`.
    fn arguments(
        &mut self,
        callee: Option<&str>,
        arguments: &[Node],
        scope: &mut Scope,
        out: &mut Block,
    ) -> Lowered {
        let mut lowered = Lowered {
            args: calls::Arguments::default(),
            callbacks: Vec::new(),
        };
        let repeats = callee
            .and_then(|callee| self.repetition(callee, arguments))
            .map(str::to_owned);
        for argument in arguments {
            let anonymous = (argument.kind() == "object_creation_expression")
                .then(|| child_of_kind(*argument, "class_body"))
                .flatten();
            let value = if argument.kind() == "lambda_expression" {
                let lambda = self.lambda(*argument, scope);
                self.functions[lambda.0 as usize]
                    .repeats
                    .clone_from(&repeats);
                lowered.callbacks.push(lambda);
                Value::Unknown
            } else if let Some(body) = anonymous {
                for part in argument
                    .child_by_field_name("arguments")
                    .map(children)
                    .unwrap_or_default()
                {
                    self.effects(part, scope, out);
                }
                for method in self.anonymous_class(body, scope) {
                    self.functions[method as usize].repeats.clone_from(&repeats);
                }
                Value::Unknown
            } else {
                self.expr(*argument, scope, out)
            };
            lowered.args.push(None, value);
        }
        lowered
    }

    /// Why the framework calls a callback handed to `callee` with these arguments again and
    /// again, if it does (`crate::frameworks`).
    fn repetition(&self, callee: &str, arguments: &[Node]) -> Option<&'static str> {
        let listed: Vec<frameworks::Argument> = arguments
            .iter()
            .map(|argument| frameworks::Argument {
                label: None,
                literal: match argument.kind() {
                    "true" => Some(Literal::Bool(true)),
                    "false" => Some(Literal::Bool(false)),
                    "string_literal" => Some(Literal::Str(self.text(*argument).trim_matches('"'))),
                    _ => None,
                },
            })
            .collect();
        frameworks::repeating_call(callee, &listed)
    }

    /// `name(..)` in a class: a local lambda, or a method of `this` (or a static one of the
    /// class; either way found on its type and supertypes).
    fn call_this(
        &mut self,
        name: &str,
        arguments: &[Node],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let lowered = self.arguments(Some(name), arguments, scope, out);
        let values = lowered.args.values;
        let (callee, args) = match scope.closures.get(name).copied() {
            Some((index, explicit)) => (
                Callee::Local(index),
                closure_args(&self.functions[index as usize], explicit, values),
            ),
            None if scope.self_type.is_some() => (
                Callee::Method {
                    receiver: Value::local("this"),
                    name: name.to_owned(),
                    receiver_type: scope.self_type.clone(),
                },
                values,
            ),
            None => (Callee::Path(vec![name.to_owned()]), values),
        };
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee,
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        Value::local(result)
    }

    /// `target.name(..)`: the SDK's constructor or one of its methods, a fresh id, a
    /// value-keeping method, or a method the call graph resolves.
    fn call_member(
        &mut self,
        target: Node,
        member: &str,
        arguments: &[Node],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let sdk = SdkId::Android.sdk();
        if self.is_sdk_type(target, scope) && sdk.constructors.contains(&member) {
            self.arguments(Some(member), arguments, scope, out);
            out.push(init_event(sdk, format!("MixpanelAPI.{member}"), span, None));
            return Value::Unknown;
        }
        let tracker = self.tracker_receiver(target, scope);
        let receiver_names = || [self.last_name(target), self.receiver_type(target, scope)];
        match calls::method_call(
            self.options,
            receiver_names,
            tracker,
            SdkId::Android,
            member,
        ) {
            MethodCall::Declared(api) => {
                let lowered = self.arguments(Some(member), arguments, scope, out);
                out.push(declared_event(api, &lowered.args.values, span));
                return Value::Unknown;
            }
            MethodCall::CurrentId => {
                self.arguments(Some(member), arguments, scope, out);
                return Value::CurrentId;
            }
            MethodCall::Init(id) => {
                self.arguments(Some(member), arguments, scope, out);
                out.push(init_event(id.sdk(), member.to_owned(), span, None));
                return Value::Unknown;
            }
            MethodCall::Sdk { method, certain } => {
                let lowered = self.arguments(Some(member), arguments, scope, out);
                let event = sdk_event(&method, member, &lowered.args, Properties::default(), span);
                let stmt = sdk_call(
                    certain,
                    event,
                    member.to_owned(),
                    lowered.args.values,
                    || self.expr(target, scope, out),
                );
                out.push(stmt);
                return Value::Unknown;
            }
            MethodCall::Other => {}
        }
        let target_text = self.text(target);
        if sdk::FRESH_STATIC_CALLS.contains(&(target_text, member)) {
            self.arguments(Some(member), arguments, scope, out);
            return Value::Fresh {
                origin: format!("{target_text}.{member}()"),
                span,
            };
        }
        if sdk::DERIVING_STATIC_CALLS.contains(&(target_text, member)) {
            let lowered = self.arguments(Some(member), arguments, scope, out);
            return match lowered.args.values.into_iter().next() {
                Some(value @ (Value::Fresh { .. } | Value::Path { .. })) => value,
                _ => Value::Unknown,
            };
        }
        let receiver = self.expr(target, scope, out);
        if sdk::DERIVING_METHODS.contains(&member) {
            self.arguments(Some(member), arguments, scope, out);
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } => receiver,
                _ => Value::Unknown,
            };
        }
        let lowered = self.arguments(Some(member), arguments, scope, out);
        let receiver_type = self.receiver_type(target, scope);
        let sdk_fallback =
            member_event(SdkId::Android, receiver_type.as_deref(), member).map(|method| {
                let event = sdk_event(&method, member, &lowered.args, Properties::default(), span);
                Box::new(event)
            });
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Method {
                receiver,
                name: member.to_owned(),
                receiver_type,
            },
            args: lowered.args.values,
            result: Some(result.clone()),
            span,
            sdk_fallback,
            keywords: Vec::new(),
            spread: false,
        }));
        if sdk::ITERATING_METHODS.contains(&member) {
            for (index, explicit) in lowered.callbacks {
                let element = scope.temp();
                let args = closure_args(
                    &self.functions[index as usize],
                    explicit,
                    vec![Value::local(element.clone())],
                );
                let result = scope.temp();
                out.push(Stmt::Loop {
                    bindings: vec![element],
                    body: vec![Stmt::Call(Call {
                        callee: Callee::Local(index),
                        args,
                        result: Some(result),
                        span,
                        sdk_fallback: None,
                        keywords: Vec::new(),
                        spread: false,
                    })],
                });
            }
        }
        Value::local(result)
    }

    /// `new AnalyticsService(..)`: a call of its constructor; `new Runnable() { .. }`: the
    /// anonymous class's methods are callbacks.
    pub(super) fn new_object(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let arguments = node
            .child_by_field_name("arguments")
            .map(children)
            .unwrap_or_default();
        let lowered = self.arguments(None, &arguments, scope, out);
        if let Some(body) = child_of_kind(node, "class_body") {
            self.anonymous_class(body, scope);
            return Value::Unknown;
        }
        let Some(type_name) = node
            .child_by_field_name("type")
            .and_then(|t| type_name(self.text(t)))
        else {
            return Value::Unknown;
        };
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Path(vec![type_name, "init".to_owned()]),
            args: lowered.args.values,
            result: Some(result.clone()),
            span: self.span(node),
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        Value::local(result)
    }

    /// The receiver as a tracker, or as a tracker's people object (`mixpanel.getPeople()`).
    fn tracker_receiver(&self, target: Node, scope: &Scope) -> Option<TrackerReceiver> {
        let known = |tracker: Tracker| match tracker {
            Tracker::Known(()) => Tracker::Known(SdkId::Android),
            Tracker::ByName => Tracker::ByName,
        };
        let accessor = match target.kind() {
            "method_invocation" => target.child_by_field_name("name"),
            "field_access" => target.child_by_field_name("field"),
            _ => None,
        };
        let inner = target
            .child_by_field_name("object")
            .filter(|_| accessor.is_some());
        if let (Some(accessor), Some(inner)) = (accessor, inner)
            && SdkId::Android.sdk().is_people_accessor(self.text(accessor))
            && let Some(tracker) = self.tracker_of(inner, scope)
        {
            return Some(TrackerReceiver {
                tracker: known(tracker),
                on_people: true,
            });
        }
        self.tracker_of(target, scope)
            .map(|tracker| TrackerReceiver {
                tracker: known(tracker),
                on_people: false,
            })
    }

    /// Whether an expression is a tracker: bound to one, a field holding one, made by the SDK
    /// (`MixpanelAPI.getInstance(..)`), returned by a project method declared to return one,
    /// or only named like one (and of no known type).
    pub(super) fn tracker_of(&self, node: Node, scope: &Scope) -> Option<Tracker> {
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                let owner = scope.self_type.as_deref();
                crate::frontend::treesitter::tracker_named(
                    name,
                    scope,
                    || self.is_tracker_field(owner, name),
                    || self.field_type(owner, name).is_some(),
                    self.is_tracker_name(name),
                )
            }
            "field_access" => {
                let field = self.text(node.child_by_field_name("field")?);
                let object = node.child_by_field_name("object")?;
                let owner = self.receiver_type(object, scope);
                if self.is_tracker_field(owner.as_deref(), field) {
                    return Some(Tracker::Known(()));
                }
                let typed = self.field_type(owner.as_deref(), field).is_some();
                (!typed && self.is_tracker_name(field)).then_some(Tracker::ByName)
            }
            "method_invocation" => (self.is_tracker_constructor(node)
                || self
                    .returned_type_of(node, scope)
                    .is_some_and(|t| is_tracker_type(&t)))
            .then_some(Tracker::Known(())),
            "parenthesized_expression" => {
                self.tracker_of(children(node).into_iter().next()?, scope)
            }
            "cast_expression" => self.tracker_of(node.child_by_field_name("value")?, scope),
            _ => None,
        }
    }

    /// `MixpanelAPI.getInstance(..)`.
    pub(super) fn is_tracker_constructor(&self, node: Node) -> bool {
        node.kind() == "method_invocation"
            && node
                .child_by_field_name("object")
                .is_some_and(|o| type_name(self.text(o)).is_some_and(|n| is_tracker_type(&n)))
            && node
                .child_by_field_name("name")
                .is_some_and(|n| SdkId::Android.sdk().constructors.contains(&self.text(n)))
    }

    /// Whether `target` names the SDK's type `MixpanelAPI` (not a local of that name).
    fn is_sdk_type(&self, target: Node, scope: &Scope) -> bool {
        let text = self.text(target);
        !scope.locals.contains(text) && type_name(text).is_some_and(|n| is_tracker_type(&n))
    }

    /// The type of an expression, when this file can tell: `this`, a typed local or field, a
    /// constructed value, a class named directly (`Analytics.link(..)`), a project method's
    /// declared return type.
    pub(super) fn receiver_type(&self, node: Node, scope: &Scope) -> Option<String> {
        match node.kind() {
            "this" => scope.self_type.clone(),
            // `super.onResume()`: the superclass's method, never this class's own.
            "super" => Some(self.superclass(scope)),
            "identifier" => {
                let name = self.text(node);
                if let Some(found) = scope.types.get(name) {
                    return Some(found.clone());
                }
                if scope.locals.contains(name) {
                    return None;
                }
                if let Some(found) = self.field_type(scope.self_type.as_deref(), name) {
                    return Some(found);
                }
                // A class named directly: its static members.
                if name.starts_with(|c: char| c.is_uppercase()) {
                    return type_name(name).filter(|n| !is_tracker_type(n));
                }
                // A field of `this` another file declares (a superclass's).
                member_path(scope.self_type.as_deref(), name)
            }
            "field_access" => {
                let field = self.text(node.child_by_field_name("field")?);
                let owner = self.receiver_type(node.child_by_field_name("object")?, scope)?;
                self.field_type(Some(&owner), field)
                    .or_else(|| member_path(Some(&owner), field))
            }
            "object_creation_expression" => node
                .child_by_field_name("type")
                .and_then(|t| type_name(self.text(t))),
            "method_invocation" => self
                .returned_type_of(node, scope)
                .or_else(|| self.people_of_member(node, scope)),
            "parenthesized_expression" => {
                self.receiver_type(children(node).into_iter().next()?, scope)
            }
            "cast_expression" => node
                .child_by_field_name("type")
                .and_then(|t| type_name(self.text(t))),
            _ => None,
        }
    }

    /// `mixpanel.getPeople()` on a field another file declares: the member path of its people
    /// object (`BaseActivity.mixpanel.getPeople`).
    fn people_of_member(&self, node: Node, scope: &Scope) -> Option<String> {
        let name = self.text(node.child_by_field_name("name")?);
        if !SdkId::Android.sdk().is_people_accessor(name) {
            return None;
        }
        let owner = self.receiver_type(node.child_by_field_name("object")?, scope)?;
        owner.contains('.').then(|| format!("{owner}.{name}"))
    }

    /// The type a call of a project method returns, when its declaration in this file says
    /// (`getMixpanel()`, `Analytics.instance()`).
    fn returned_type_of(&self, node: Node, scope: &Scope) -> Option<String> {
        let name = self.text(node.child_by_field_name("name")?);
        let owner = match node.child_by_field_name("object") {
            Some(object) => self.receiver_type(object, scope)?,
            None => scope.self_type.clone()?,
        };
        self.types.get(&owner)?.returns.get(name).cloned()
    }

    /// The receiver's last name, for declared tracking APIs: `analytics` in `this.analytics`.
    fn last_name(&self, node: Node) -> Option<String> {
        match node.kind() {
            "identifier" => Some(self.text(node).to_owned()),
            "field_access" => node
                .child_by_field_name("field")
                .map(|f| self.text(f).to_owned()),
            _ => None,
        }
    }
}

/// The member path of a field this file does not declare (`MainActivity.session`): the call
/// graph follows it to the field's declared type in another file.
fn member_path(owner: Option<&str>, member: &str) -> Option<String> {
    let owner = owner?;
    let named = member.starts_with(|c: char| c.is_lowercase() || c == '_');
    named.then(|| format!("{owner}.{member}"))
}
