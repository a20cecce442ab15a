//! Calls: the SDK's constructor and methods (events), declared tracking APIs, fresh ids,
//! lambdas run now (scope functions, `forEach`, `edit { }`) or kept for later (listeners,
//! `launch { }`), and project functions and methods (calls the call graph resolves by name or
//! by the receiver's type).

use tree_sitter::Node;

use super::expressions::{is_safe, member_name};
use super::lowerer::{
    Lowerer, Scope, child_of_kind, children, has_token, is_tracker_type, is_type_node, type_name,
};
use super::sdk;
use crate::frameworks::{self, Literal};
use crate::frontend::calls::{
    self, MethodCall, Properties, TrackerReceiver, declared_event, init_event, member_event,
    sdk_call, sdk_event,
};
use crate::frontend::scope::{Tracker, closure_args};
use crate::frontend::{Condition, guard_arms};
use crate::ir::{Block, Call, Callee, Span, Stmt, Value};
use crate::sdk::SdkId;

/// One argument of a call: its name (`id = x`) and its value.
#[derive(Clone)]
struct Argument<'t> {
    name: Option<String>,
    value: Node<'t>,
}

/// A lambda passed to a call: its function and how many explicit parameters it has.
type Callback = (u32, usize);

/// What a call's arguments lowered to.
struct Lowered {
    args: calls::Arguments,
    callbacks: Vec<Callback>,
}

/// How a call's lambdas run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Runs {
    /// Later, or never: each is an entry point of its own.
    Later,
    /// Now, once.
    Now,
    /// Now, once per element.
    PerElement,
}

impl Lowerer<'_> {
    pub(super) fn call(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let Some(mut callee) = children(node).into_iter().next() else {
            return Value::Unknown;
        };
        let mut arguments = self.call_arguments(node);
        // `with(user) { .. }`, `foo.bar(1) { .. }`: the grammar calls the call with the
        // trailing lambda; it is one call with its arguments and the lambda.
        if callee.kind() == "call_expression" && child_of_kind(node, "value_arguments").is_none() {
            let mut inner = self.call_arguments(callee);
            inner.append(&mut arguments);
            arguments = inner;
            match children(callee).into_iter().next() {
                Some(inner_callee) => callee = inner_callee,
                None => return Value::Unknown,
            }
        }
        let span = self.span(node);
        match callee.kind() {
            "identifier" => self.call_name(self.text(callee), arguments, span, scope, out),
            "navigation_expression" => {
                match (
                    children(callee).into_iter().next(),
                    member_name(self, callee),
                ) {
                    (Some(target), Some(member)) => {
                        let safe = is_safe(callee);
                        self.call_member(target, member, safe, arguments, span, scope, out)
                    }
                    _ => self.opaque_call(callee, arguments, scope, out),
                }
            }
            _ => self.opaque_call(callee, arguments, scope, out),
        }
    }

    /// The arguments of a call, in order: `(a, id = b)` then a trailing lambda.
    fn call_arguments<'t>(&self, node: Node<'t>) -> Vec<Argument<'t>> {
        let mut arguments = Vec::new();
        for part in children(node).into_iter().skip(1) {
            match part.kind() {
                "value_arguments" => {
                    for argument in children(part)
                        .into_iter()
                        .filter(|a| a.kind() == "value_argument")
                    {
                        let parts = children(argument);
                        let name = (has_token(argument, "=") && parts.len() >= 2)
                            .then(|| self.text(parts[0]).to_owned());
                        if let Some(value) = parts.last() {
                            arguments.push(Argument {
                                name,
                                value: *value,
                            });
                        }
                    }
                }
                "annotated_lambda" => {
                    if let Some(lambda) = child_of_kind(part, "lambda_literal") {
                        arguments.push(Argument {
                            name: None,
                            value: lambda,
                        });
                    }
                }
                _ => {}
            }
        }
        arguments
    }

    /// Lowers arguments: values in order (a lambda or anonymous object is a function of its
    /// own, kept as a callback).
    /// A lambda or object handed to `callee` (its last name) is called again and again for
    /// the same user when the framework says so (`observe`, `collect`, an auth state
    /// listener): its `repeats`.
    fn arguments(
        &mut self,
        callee: Option<&str>,
        arguments: &[Argument],
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
            // `Observer { user -> .. }`: a lambda converted to an interface is the lambda.
            let value_node = self
                .converted_lambda(argument.value)
                .unwrap_or(argument.value);
            let value = if matches!(value_node.kind(), "lambda_literal" | "anonymous_function") {
                let lambda = self.lambda(value_node, scope);
                self.functions[lambda.0 as usize]
                    .repeats
                    .clone_from(&repeats);
                lowered.callbacks.push(lambda);
                Value::Unknown
            } else if argument.value.kind() == "object_literal" {
                for method in self.anonymous_object(argument.value, scope) {
                    self.functions[method as usize].repeats.clone_from(&repeats);
                }
                Value::Unknown
            } else {
                self.expr(argument.value, scope, out)
            };
            lowered.args.push(argument.name.as_deref(), value);
        }
        lowered
    }

    /// The lambda of a SAM conversion written as an argument: `Observer { .. }`,
    /// `Runnable { .. }` (a type's name called with nothing but a lambda).
    fn converted_lambda<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node.kind() != "call_expression" {
            return None;
        }
        let parts = children(node);
        let [callee, lambda] = parts.as_slice() else {
            return None;
        };
        let named = callee.kind() == "identifier"
            && self.text(*callee).starts_with(|c: char| c.is_uppercase());
        (named && lambda.kind() == "annotated_lambda")
            .then(|| child_of_kind(*lambda, "lambda_literal"))
            .flatten()
    }

    /// Why the framework calls a lambda handed to `callee` with these arguments again and
    /// again, if it does (`crate::frameworks`).
    fn repetition(&self, callee: &str, arguments: &[Argument]) -> Option<&'static str> {
        let listed: Vec<frameworks::Argument> = arguments
            .iter()
            .map(|argument| frameworks::Argument {
                label: argument.name.as_deref(),
                literal: match (argument.value.kind(), self.text(argument.value)) {
                    ("identifier", "true") => Some(Literal::Bool(true)),
                    ("identifier", "false") => Some(Literal::Bool(false)),
                    ("string_literal", text) if !text.contains('$') => {
                        Some(Literal::Str(text.trim_matches('"')))
                    }
                    _ => None,
                },
            })
            .collect();
        frameworks::repeating_call(callee, &listed)
    }

    /// A call whose callee is not a name or a member (`handlers[0](x)`): its parts run.
    fn opaque_call(
        &mut self,
        callee: Node,
        arguments: Vec<Argument>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        self.effects(callee, scope, out);
        self.arguments(None, &arguments, scope, out);
        Value::Unknown
    }

    /// `f(..)`: a local function or lambda, a scope function (`run { }`, `with(x) { }`), a
    /// constructor (`AnalyticsService(..)`), a method of `this`, or a top-level function.
    fn call_name(
        &mut self,
        name: &str,
        arguments: Vec<Argument>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        if name == "String"
            && let [single] = arguments.as_slice()
        {
            return self.expr(single.value, scope, out);
        }
        let lowered = self.arguments(Some(name), &arguments, scope, out);
        let runs = if sdk::REPEATING_FUNCTIONS.contains(&name) {
            Runs::PerElement
        } else if sdk::IMMEDIATE_FUNCTIONS.contains(&name) {
            Runs::Now
        } else {
            Runs::Later
        };
        let values = lowered.args.values;
        let (callee, args) = match scope.closures.get(name).copied() {
            Some((index, explicit)) => (
                Callee::Local(index),
                closure_args(&self.functions[index as usize], explicit, values),
            ),
            None if self.has_method(scope.self_type.as_deref(), name)
                && self.is_local(scope, "this") =>
            {
                (
                    Callee::Method {
                        receiver: Value::local("this"),
                        name: name.to_owned(),
                        receiver_type: scope.self_type.clone(),
                    },
                    values,
                )
            }
            None if name.starts_with(|c: char| c.is_uppercase()) => (
                Callee::Path(vec![name.to_owned(), "init".to_owned()]),
                values,
            ),
            None => (Callee::Path(vec![name.to_owned()]), values),
        };
        let first = args.first().cloned();
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
        // `with(user) { .. }` hands its first argument to the lambda.
        let handed = if name == "with" { first } else { None };
        self.run_callbacks(lowered.callbacks, runs, handed, span, scope, out);
        Value::local(result)
    }

    /// `target.member(..)`: the SDK's constructor or one of its methods, a fresh id, a scope
    /// function, a value-keeping method, or a method the call graph resolves.
    #[allow(clippy::too_many_arguments)]
    fn call_member(
        &mut self,
        target: Node,
        member: &str,
        safe: bool,
        arguments: Vec<Argument>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let sdk = SdkId::Android.sdk();
        if self.is_sdk_type(target, scope) && sdk.constructors.contains(&member) {
            self.arguments(Some(member), &arguments, scope, out);
            out.push(init_event(sdk, format!("MixpanelAPI.{member}"), span, None));
            return Value::Unknown;
        }
        if sdk::SCOPE_FUNCTIONS.contains(&member) && !arguments.is_empty() {
            return self.scope_function(target, safe, arguments, span, scope, out);
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
                let lowered = self.arguments(Some(member), &arguments, scope, out);
                out.push(declared_event(api, &lowered.args.values, span));
                return Value::Unknown;
            }
            MethodCall::CurrentId => {
                self.arguments(Some(member), &arguments, scope, out);
                return Value::CurrentId;
            }
            MethodCall::Init(id) => {
                self.arguments(Some(member), &arguments, scope, out);
                out.push(init_event(id.sdk(), member.to_owned(), span, None));
                return Value::Unknown;
            }
            MethodCall::Sdk { method, certain } => {
                let lowered = self.arguments(Some(member), &arguments, scope, out);
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
            self.arguments(Some(member), &arguments, scope, out);
            return Value::Fresh {
                origin: format!("{target_text}.{member}()"),
                span,
            };
        }
        let receiver = self.expr(target, scope, out);
        if sdk::DERIVING_METHODS.contains(&member) {
            self.arguments(Some(member), &arguments, scope, out);
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } => receiver,
                _ => Value::Unknown,
            };
        }
        let lowered = self.arguments(Some(member), &arguments, scope, out);
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
        let runs = if sdk::ITERATING_METHODS.contains(&member)
            || sdk::KOTLIN_ITERATING.contains(&member)
        {
            Runs::PerElement
        } else if sdk::IMMEDIATE_METHODS.contains(&member) {
            Runs::Now
        } else {
            Runs::Later
        };
        self.run_callbacks(lowered.callbacks, runs, None, span, scope, out);
        Value::local(result)
    }

    /// `x.let { .. }`, `x?.also { .. }`, `reader.use { .. }`: the lambda runs now with the
    /// receiver as its argument; after `?.` only when the receiver is not null.
    fn scope_function(
        &mut self,
        target: Node,
        safe: bool,
        arguments: Vec<Argument>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let receiver = self.expr(target, scope, out);
        let lowered = self.arguments(None, &arguments, scope, out);
        let mut block = Vec::new();
        self.run_callbacks(
            lowered.callbacks,
            Runs::Now,
            Some(receiver.clone()),
            span,
            scope,
            &mut block,
        );
        if safe {
            // `user?.let { .. }` runs when `user` is not null.
            let mut skipped = Vec::new();
            guard_arms(Condition::on(receiver, true), &mut block, &mut skipped);
            out.push(Stmt::Branch(vec![block, skipped]));
        } else {
            out.extend(block);
        }
        Value::Unknown
    }

    /// Runs lambdas now: once (handed `argument` when there is one), or once per element of
    /// a collection. Lambdas that run later are left uncalled: entry points.
    fn run_callbacks(
        &mut self,
        callbacks: Vec<Callback>,
        runs: Runs,
        argument: Option<Value>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        for (index, explicit) in callbacks {
            match runs {
                Runs::Later => {}
                Runs::Now => {
                    let args = argument.iter().cloned().collect();
                    self.call_closure(index, explicit, args, span, scope, out);
                }
                Runs::PerElement => {
                    let element = scope.temp();
                    let mut body = Vec::new();
                    let args = vec![Value::local(element.clone())];
                    self.call_closure(index, explicit, args, span, scope, &mut body);
                    out.push(Stmt::Loop {
                        bindings: vec![element],
                        body,
                    });
                }
            }
        }
    }

    fn call_closure(
        &mut self,
        index: u32,
        explicit: usize,
        args: Vec<Value>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        let args = closure_args(&self.functions[index as usize], explicit, args);
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Local(index),
            args,
            result: Some(result),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
    }

    /// The receiver as a tracker, or as a tracker's people object (`mixpanel.people`,
    /// `mixpanel.getPeople()`).
    fn tracker_receiver(&self, target: Node, scope: &Scope) -> Option<TrackerReceiver> {
        let known = |tracker: Tracker| match tracker {
            Tracker::Known(()) => Tracker::Known(SdkId::Android),
            Tracker::ByName => Tracker::ByName,
        };
        let people = match target.kind() {
            "navigation_expression" => Some(target),
            "call_expression" => children(target)
                .into_iter()
                .next()
                .filter(|c| c.kind() == "navigation_expression"),
            _ => None,
        };
        if let Some(accessor) = people
            && let (Some(inner), Some(member)) = (
                children(accessor).into_iter().next(),
                member_name(self, accessor),
            )
            && SdkId::Android.sdk().is_people_accessor(member)
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

    /// Whether an expression is a tracker: bound to one, a property holding one, made by the
    /// SDK (`MixpanelAPI.getInstance(..)`), returned by a project method declared to return
    /// one, or only named like one (and of no known type).
    pub(super) fn tracker_of(&self, node: Node, scope: &Scope) -> Option<Tracker> {
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                let owner = scope.self_type.as_deref();
                crate::frontend::treesitter::tracker_named(
                    name,
                    scope,
                    || self.is_tracker_property(owner, name),
                    || self.property_type(owner, name).is_some(),
                    self.is_tracker_name(name),
                )
            }
            "navigation_expression" => {
                let member = member_name(self, node)?;
                let target = children(node).into_iter().next()?;
                let owner = self.receiver_type(target, scope);
                if self.is_tracker_property(owner.as_deref(), member) {
                    return Some(Tracker::Known(()));
                }
                let typed = self.property_type(owner.as_deref(), member).is_some();
                (!typed && self.is_tracker_name(member)).then_some(Tracker::ByName)
            }
            "call_expression" => (self.is_tracker_constructor(node)
                || self
                    .returned_type_of(node, scope)
                    .is_some_and(|t| is_tracker_type(&t)))
            .then_some(Tracker::Known(())),
            "parenthesized_expression" | "unary_expression" | "as_expression" => {
                let inner = children(node).into_iter().next()?;
                self.tracker_of(inner, scope)
            }
            _ => None,
        }
    }

    /// `MixpanelAPI.getInstance(..)`.
    pub(super) fn is_tracker_constructor(&self, node: Node) -> bool {
        if node.kind() != "call_expression" {
            return false;
        }
        let Some(callee) = children(node).into_iter().next() else {
            return false;
        };
        callee.kind() == "navigation_expression"
            && children(callee)
                .first()
                .is_some_and(|t| type_name(self.text(*t)).is_some_and(|n| is_tracker_type(&n)))
            && member_name(self, callee)
                .is_some_and(|m| SdkId::Android.sdk().constructors.contains(&m))
    }

    /// Whether `target` names the SDK's type `MixpanelAPI` (not a local of that name).
    fn is_sdk_type(&self, target: Node, scope: &Scope) -> bool {
        let text = self.text(target);
        !scope.locals.contains(text) && type_name(text).is_some_and(|n| is_tracker_type(&n))
    }

    /// `AnalyticsService(..)`: the project type constructed.
    pub(super) fn constructed_type(&self, node: Node) -> Option<String> {
        if node.kind() != "call_expression" {
            return None;
        }
        let callee = children(node).into_iter().next()?;
        if callee.kind() != "identifier" {
            return None;
        }
        type_name(self.text(callee))
    }

    /// The type of an expression, when this file can tell: `this`, a typed local or property,
    /// a constructed value, an `object` or a companion named directly (`Analytics.link(..)`),
    /// a project method's declared return type.
    pub(super) fn receiver_type(&self, node: Node, scope: &Scope) -> Option<String> {
        match node.kind() {
            "this_expression" => scope.self_type.clone(),
            // `super.onResume()`: the superclass's method, never this class's own.
            "super_expression" => Some(self.superclass(scope)),
            "identifier" => {
                let name = self.text(node);
                if let Some(found) = scope.types.get(name) {
                    return Some(found.clone());
                }
                if scope.locals.contains(name) {
                    return None;
                }
                if let Some(found) = self.property_type(scope.self_type.as_deref(), name) {
                    return Some(found);
                }
                // A type named directly: its `object`, its companion's members.
                if name.starts_with(|c: char| c.is_uppercase()) {
                    return type_name(name).filter(|n| !is_tracker_type(n));
                }
                // A property of `this` another file declares (in the class, a superclass).
                member_path(scope.self_type.as_deref(), name)
            }
            "navigation_expression" => {
                let member = member_name(self, node)?;
                let target = children(node).into_iter().next()?;
                let owner = self.receiver_type(target, scope)?;
                self.property_type(Some(&owner), member)
                    .or_else(|| member_path(Some(&owner), member))
            }
            "call_expression" => self
                .constructed_type(node)
                .or_else(|| self.returned_type_of(node, scope))
                .or_else(|| self.people_of_member(node, scope)),
            // `activity as BaseActivity`: the type cast to.
            "as_expression" => children(node)
                .into_iter()
                .rfind(|c| is_type_node(c.kind()))
                .and_then(|t| type_name(self.text(t)))
                .or_else(|| {
                    let inner = node.child_by_field_name("left")?;
                    self.receiver_type(inner, scope)
                }),
            "parenthesized_expression" | "unary_expression" => {
                let inner = children(node).into_iter().next()?;
                self.receiver_type(inner, scope)
            }
            _ => None,
        }
    }

    /// `mixpanel.getPeople()` on a member another file declares: the member path of its
    /// people object (`Session.mixpanel.getPeople`).
    fn people_of_member(&self, node: Node, scope: &Scope) -> Option<String> {
        let callee = children(node).into_iter().next()?;
        let member = member_name(self, callee).filter(|m| {
            callee.kind() == "navigation_expression" && SdkId::Android.sdk().is_people_accessor(m)
        })?;
        let owner = self.receiver_type(children(callee).into_iter().next()?, scope)?;
        owner.contains('.').then(|| format!("{owner}.{member}"))
    }

    /// The type a call of a project method returns, when its declaration says
    /// (`mixpanel()` in a method, `Analytics.instance()`).
    fn returned_type_of(&self, node: Node, scope: &Scope) -> Option<String> {
        let callee = children(node).into_iter().next()?;
        let (owner, name) = match callee.kind() {
            "identifier" => (scope.self_type.clone()?, self.text(callee)),
            "navigation_expression" => (
                self.receiver_type(children(callee).into_iter().next()?, scope)?,
                member_name(self, callee)?,
            ),
            _ => return None,
        };
        self.types.get(&owner)?.returns.get(name).cloned()
    }

    /// The receiver's last name, for declared tracking APIs: `analytics` in `this.analytics`.
    fn last_name(&self, node: Node) -> Option<String> {
        match node.kind() {
            "identifier" => Some(self.text(node).to_owned()),
            "navigation_expression" => member_name(self, node).map(str::to_owned),
            _ => None,
        }
    }
}

/// The member path of a member this file does not declare (`HomeActivity.session`): the
/// call graph follows it to the member's declared type in another file.
fn member_path(owner: Option<&str>, member: &str) -> Option<String> {
    let owner = owner?;
    let named = member.starts_with(|c: char| c.is_lowercase() || c == '_');
    named.then(|| format!("{owner}.{member}"))
}
