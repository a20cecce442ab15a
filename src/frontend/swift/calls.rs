//! Calls: the SDK's constructors and methods (events), declared tracking APIs, fresh ids,
//! closures run now or kept for later, and project functions and methods (calls the call
//! graph resolves by name or by the receiver's type).

use tree_sitter::Node;

use super::expressions::member_name;
use super::lowerer::{Lowerer, Scope, children, is_sdk_facade, is_tracker_type, type_name};
use super::sdk;
use crate::frameworks::{self, Literal};
use crate::frontend::calls::{
    self, MethodCall, Properties, TrackerReceiver, declared_event, init_event, member_event,
    sdk_call, sdk_event,
};
use crate::frontend::scope::{Tracker, closure_args};
use crate::ir::{Block, Call, Callee, Event, EventKind, Span, Stmt, Value};
use crate::sdk::{SdkId, SdkMethod, Slot};

/// One argument of a call: its label (`distinctId:`) and its value.
#[derive(Clone)]
struct Argument<'t> {
    label: Option<String>,
    value: Node<'t>,
}

/// A closure passed to a call: its function and how many explicit parameters it has.
type Callback = (u32, usize);

/// What a call's arguments lowered to.
struct Lowered {
    args: calls::Arguments,
    callbacks: Vec<Callback>,
}

impl Lowerer<'_> {
    pub(super) fn call<'t>(&mut self, node: Node<'t>, scope: &mut Scope, out: &mut Block) -> Value {
        if self.negated_call(node, scope, out).is_some() {
            // `!defaults.bool(forKey: k)`: a boolean, no id.
            return Value::Unknown;
        }
        let parts = children(node);
        let Some((&callee, rest)) = parts.split_first() else {
            return Value::Unknown;
        };
        self.call_parts(callee, rest, self.span(node), scope, out)
    }

    /// `!defaults.bool(forKey: k)`, which the grammar reads as a call of `!defaults.bool`:
    /// the call's value, to be negated (`None` for any other call).
    pub(super) fn negated_call(
        &mut self,
        node: Node,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Option<Value> {
        let parts = children(node);
        let (&callee, rest) = parts.split_first()?;
        let bang = callee
            .child_by_field_name("operation")
            .is_some_and(|o| self.text(o) == "!");
        if callee.kind() != "prefix_expression" || !bang {
            return None;
        }
        let target = callee.child_by_field_name("target")?;
        Some(self.call_parts(target, rest, self.span(node), scope, out))
    }

    /// A call of `callee` with the `call_suffix`es in `rest`.
    fn call_parts<'t>(
        &mut self,
        callee: Node<'t>,
        rest: &[Node<'t>],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let arguments = self.call_arguments(rest);
        match callee.kind() {
            "simple_identifier" => self.call_name(self.text(callee), arguments, span, scope, out),
            "navigation_expression" => match (
                callee.child_by_field_name("target"),
                member_name(self, callee),
            ) {
                (Some(target), Some(member)) => {
                    self.call_member(target, member, arguments, span, scope, out)
                }
                _ => self.opaque_call(callee, arguments, scope, out),
            },
            _ => self.opaque_call(callee, arguments, scope, out),
        }
    }

    /// The arguments of a call, in order: `(a, distinctId: b)` then trailing closures.
    fn call_arguments<'t>(&self, suffixes: &[Node<'t>]) -> Vec<Argument<'t>> {
        let mut arguments = Vec::new();
        for suffix in suffixes.iter().filter(|s| s.kind() == "call_suffix") {
            for part in children(*suffix) {
                match part.kind() {
                    "value_arguments" => {
                        for argument in children(part)
                            .into_iter()
                            .filter(|a| a.kind() == "value_argument")
                        {
                            let label = argument
                                .child_by_field_name("name")
                                .map(|l| self.text(l).to_owned());
                            if let Some(value) = argument.child_by_field_name("value") {
                                arguments.push(Argument { label, value });
                            }
                        }
                    }
                    "lambda_literal" => arguments.push(Argument {
                        label: None,
                        value: part,
                    }),
                    _ => {}
                }
            }
        }
        arguments
    }

    /// Lowers arguments: values in order (a closure is a function of its own, kept as a
    /// callback).
    /// A closure handed to `callee` (its last name) is called again and again for the same
    /// user when the framework says so (`.onAppear { }`, `.sink { }`): its `repeats`.
    fn arguments<'t>(
        &mut self,
        callee: Option<&str>,
        arguments: &[Argument<'t>],
        scope: &mut Scope,
        out: &mut Block,
    ) -> Lowered {
        let mut lowered = Lowered {
            args: calls::Arguments::default(),
            callbacks: Vec::new(),
        };
        let repeats = callee.and_then(|callee| self.repetition(callee, arguments));
        for argument in arguments {
            let value = if argument.value.kind() == "lambda_literal" {
                let closure = self.closure(argument.value, scope);
                self.functions[closure.0 as usize].repeats = repeats.map(str::to_owned);
                lowered.callbacks.push(closure);
                Value::Unknown
            } else {
                self.expr(argument.value, scope, out)
            };
            lowered.args.push(argument.label.as_deref(), value);
        }
        lowered
    }

    /// The `identify` that `createAlias(_:distinctId:)` makes of its original id after the
    /// alias, unless `andIdentify: false` says not to. Identifying the current id changes
    /// nothing (the usual `distinctId: mixpanel.distinctId`): no event then.
    fn identified_original(
        &self,
        method: &SdkMethod,
        alias: &Event,
        arguments: &[Argument],
        before: &Block,
    ) -> Option<Event> {
        let label = method.identifies_original?;
        let turned_off = arguments.iter().any(|a| {
            a.label.as_deref() == Some(label)
                && a.value.kind() == "boolean_literal"
                && self.text(a.value) == "false"
        });
        let original = alias.original.clone()?;
        // `let current = mixpanel.distinctId` just before: still the current id.
        let bound_to_current = |name: &str| {
            before.iter().rev().find_map(|stmt| match stmt {
                Stmt::Let { name: bound, value } if bound == name => {
                    Some(*value == Value::CurrentId)
                }
                _ => None,
            }) == Some(true)
        };
        let names_someone = match &original {
            Value::CurrentId | Value::Unknown => false,
            Value::Path { root, fields } => !(fields.is_empty() && bound_to_current(root)),
            _ => true,
        };
        (!turned_off && names_someone).then(|| Event {
            kind: EventKind::Identify,
            id: Some(original),
            original: None,
            options: None,
            ..alias.clone()
        })
    }

    /// Why the framework calls a closure handed to `callee` with these arguments again and
    /// again, if it does (`crate::frameworks`).
    fn repetition(&self, callee: &str, arguments: &[Argument]) -> Option<&'static str> {
        let listed: Vec<frameworks::Argument> = arguments
            .iter()
            .map(|argument| frameworks::Argument {
                label: argument.label.as_deref(),
                literal: match argument.value.kind() {
                    "boolean_literal" => Some(Literal::Bool(self.text(argument.value) == "true")),
                    "line_string_literal" if children(argument.value).len() <= 1 => {
                        Some(Literal::Str(self.text(argument.value).trim_matches('"')))
                    }
                    _ => None,
                },
            })
            .collect();
        frameworks::repeating_call(callee, &listed)
    }

    /// A call whose callee is not a name or a member (`handlers[0](x)`): its parts run.
    fn opaque_call<'t>(
        &mut self,
        callee: Node<'t>,
        arguments: Vec<Argument<'t>>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        self.effects(callee, scope, out);
        self.arguments(None, &arguments, scope, out);
        Value::Unknown
    }

    /// `f(..)`: a fresh id (`UUID()`), a closure of this function, a type's initialiser, a
    /// block run in place (`defer`, `autoreleasepool`), or a function resolved by name.
    fn call_name<'t>(
        &mut self,
        name: &str,
        arguments: Vec<Argument<'t>>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        if sdk::FRESH_CONSTRUCTORS.contains(&name) || sdk::FRESH_FUNCTIONS.contains(&name) {
            self.arguments(Some(name), &arguments, scope, out);
            return Value::Fresh {
                origin: format!("{name}()"),
                span,
            };
        }
        if name == "defer" {
            // Outside a statement list (where `statements` handles it): run it in place.
            for argument in &arguments {
                let block = self.block_of(argument.value, scope);
                out.extend(block);
            }
            return Value::Unknown;
        }
        if name == "String"
            && let [single] = arguments.as_slice()
        {
            return self.expr(single.value, scope, out);
        }
        let lowered = self.arguments(Some(name), &arguments, scope, out);
        let result = scope.temp();
        let values = lowered.args.values;
        let (callee, args) = match scope.closures.get(name).copied() {
            Some((index, explicit)) => (
                Callee::Local(index),
                closure_args(&self.functions[index as usize], explicit, values),
            ),
            None if self.is_implicit_self_call(name, scope) => (
                Callee::Method {
                    receiver: Value::local("self"),
                    name: name.to_owned(),
                    receiver_type: scope.self_type.clone(),
                },
                values,
            ),
            None if name.starts_with(|c: char| c.is_uppercase()) => (
                Callee::Path(vec![name.to_owned(), "init".to_owned()]),
                values,
            ),
            None => (Callee::Path(vec![name.to_owned()]), values),
        };
        out.push(Stmt::Call(Call {
            callee,
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        if sdk::IMMEDIATE_FUNCTIONS.contains(&name) {
            self.run_callbacks(lowered.callbacks, false, span, scope, out);
        }
        Value::local(result)
    }

    /// `target.member(..)`: the SDK's constructor or one of its methods, a fresh id, a
    /// value-keeping method, or a method the call graph resolves.
    fn call_member<'t>(
        &mut self,
        target: Node<'t>,
        member: &str,
        arguments: Vec<Argument<'t>>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let sdk = SdkId::Swift.sdk();
        if self.is_facade(target, scope) && sdk.constructors.contains(&member) {
            self.arguments(Some(member), &arguments, scope, out);
            out.push(init_event(sdk, format!("Mixpanel.{member}"), span, None));
            return Value::Unknown;
        }
        let tracker = self.tracker_receiver(target, scope);
        let receiver_names = || [self.last_name(target), self.receiver_type(target, scope)];
        match calls::method_call(self.options, receiver_names, tracker, SdkId::Swift, member) {
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
                let properties = self.properties(&method, &arguments);
                let event = sdk_event(&method, member, &lowered.args, properties, span);
                let identified = self.identified_original(&method, &event, &arguments, out);
                let stmt = sdk_call(
                    certain,
                    event,
                    member.to_owned(),
                    lowered.args.values,
                    || self.expr(target, scope, out),
                );
                out.push(stmt);
                out.extend(identified.filter(|_| certain).map(Stmt::Event));
                // A completion handler runs later: an entry point of its own.
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
        if sdk::DERIVING_MEMBERS.contains(&member) {
            self.arguments(Some(member), &arguments, scope, out);
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } => receiver,
                _ => Value::Unknown,
            };
        }
        let lowered = self.arguments(Some(member), &arguments, scope, out);
        let receiver_type = self.receiver_type(target, scope);
        let sdk_fallback =
            member_event(SdkId::Swift, receiver_type.as_deref(), member).map(|method| {
                let properties = self.properties(&method, &arguments);
                Box::new(sdk_event(&method, member, &lowered.args, properties, span))
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
        let iterating = sdk::ITERATING_METHODS.contains(&member);
        if iterating || sdk::IMMEDIATE_METHODS.contains(&member) {
            self.run_callbacks(lowered.callbacks, iterating, span, scope, out);
        }
        Value::local(result)
    }

    /// `[String: Any]()`, `Foo()` written as a constructor expression: its arguments run.
    pub(super) fn constructor<'t>(
        &mut self,
        node: Node<'t>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        for suffix in children(node) {
            for part in children(suffix) {
                self.effects(part, scope, out);
            }
        }
        Value::Unknown
    }

    /// The keys of `track`'s properties when they are a dictionary literal.
    fn properties(&self, method: &SdkMethod, arguments: &[Argument]) -> Properties {
        let Slot::Arg(index, label) = method.properties else {
            return Properties::default();
        };
        let argument = arguments
            .iter()
            .filter(|a| a.label.is_none())
            .nth(index)
            .or_else(|| arguments.iter().find(|a| a.label.as_deref() == Some(label)));
        let Some(dictionary) = argument.filter(|a| a.value.kind() == "dictionary_literal") else {
            return Properties::default();
        };
        let mut cursor = dictionary.value.walk();
        let keys = dictionary
            .value
            .children_by_field_name("key", &mut cursor)
            .map(|key| (self.text(key).trim_matches('"').to_owned(), Value::Unknown))
            .collect();
        Properties {
            id: None,
            pairs: Some(keys),
            keys: Vec::new(),
        }
    }

    /// Runs closures now: once, or once per element of a collection.
    fn run_callbacks(
        &mut self,
        callbacks: Vec<Callback>,
        per_element: bool,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        for (index, explicit) in callbacks {
            if per_element {
                let element = scope.temp();
                let mut body = Vec::new();
                self.call_closure(
                    index,
                    explicit,
                    vec![Value::local(element.clone())],
                    span,
                    scope,
                    &mut body,
                );
                out.push(Stmt::Loop {
                    bindings: vec![element],
                    body,
                });
            } else {
                self.call_closure(index, explicit, Vec::new(), span, scope, out);
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

    /// The receiver as a tracker, or as a tracker's people object (`mixpanel.people`).
    fn tracker_receiver(&self, target: Node, scope: &Scope) -> Option<TrackerReceiver> {
        let known = |tracker: Tracker| match tracker {
            Tracker::Known(()) => Tracker::Known(SdkId::Swift),
            Tracker::ByName => Tracker::ByName,
        };
        if target.kind() == "navigation_expression"
            && let (Some(inner), Some(member)) = (
                target.child_by_field_name("target"),
                member_name(self, target),
            )
            && SdkId::Swift.sdk().is_people_accessor(member)
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

    /// Whether an expression is a tracker: bound to one, a property holding one, made by
    /// the SDK (`Mixpanel.mainInstance()`), or only named like one.
    pub(super) fn tracker_of(&self, node: Node, scope: &Scope) -> Option<Tracker> {
        match node.kind() {
            "simple_identifier" => {
                let name = self.text(node);
                if let Some(tracker) = scope.trackers.get(name) {
                    return Some(*tracker);
                }
                if !scope.locals.contains(name)
                    && self.is_tracker_property(scope.self_type.as_deref(), name)
                {
                    return Some(Tracker::Known(()));
                }
                self.is_tracker_name(name).then_some(Tracker::ByName)
            }
            "navigation_expression" => {
                let member = member_name(self, node)?;
                let target = node.child_by_field_name("target")?;
                let owner = self.receiver_type(target, scope);
                if self.is_tracker_property(owner.as_deref(), member) {
                    return Some(Tracker::Known(()));
                }
                self.is_tracker_name(member).then_some(Tracker::ByName)
            }
            "call_expression" => (self.is_tracker_constructor(node)
                || self
                    .returned_type_of(node, scope)
                    .is_some_and(|t| is_tracker_type(&t)))
            .then_some(Tracker::Known(())),
            "try_expression" | "await_expression" | "postfix_expression" => {
                let inner = node
                    .child_by_field_name("expr")
                    .or_else(|| node.child_by_field_name("target"))?;
                self.tracker_of(inner, scope)
            }
            _ => None,
        }
    }

    /// `Mixpanel.mainInstance()`, `Mixpanel.initialize(token:..)`, `Mixpanel.getInstance(name:)`.
    pub(super) fn is_tracker_constructor(&self, node: Node) -> bool {
        let node = unwrap(node);
        if node.kind() != "call_expression" {
            return false;
        }
        let Some(callee) = children(node).into_iter().next() else {
            return false;
        };
        callee.kind() == "navigation_expression"
            && callee
                .child_by_field_name("target")
                .is_some_and(|t| is_sdk_facade(self.text(t)))
            && member_name(self, callee)
                .is_some_and(|m| SdkId::Swift.sdk().constructors.contains(&m))
    }

    /// `linkUser(id)` in a method: a method of `self`, unless it is a free function of this
    /// file or a type's initialiser.
    fn is_implicit_self_call(&self, name: &str, scope: &Scope) -> bool {
        scope.self_type.is_some()
            && (scope.locals.contains("self") || self.closures_in_method > 0)
            && !self.free_functions.contains(name)
            && !name.starts_with(|c: char| c.is_uppercase())
    }

    /// Whether `target` is the SDK's facade type `Mixpanel` (not a local of that name).
    fn is_facade(&self, target: Node, scope: &Scope) -> bool {
        let name = self.text(target);
        is_sdk_facade(name) && !scope.locals.contains(name)
    }

    /// `AnalyticsService()`: the project type constructed.
    pub(super) fn constructed_type(&self, node: Node) -> Option<String> {
        let node = unwrap(node);
        if node.kind() != "call_expression" {
            return None;
        }
        let callee = children(node).into_iter().next()?;
        if callee.kind() != "simple_identifier" {
            return None;
        }
        let name = self.text(callee);
        let excluded = sdk::FRESH_CONSTRUCTORS.contains(&name) || is_sdk_facade(name);
        (!excluded).then(|| type_name(name)).flatten()
    }

    /// The type of an expression, when this file can tell: `self`, a typed local or property,
    /// a constructed value, a singleton (`AnalyticsService.shared`), a type named directly
    /// (`AnalyticsService.track(..)`). A protocol of this file is no type to look methods up
    /// on: its conformers answer, by the method's name.
    pub(super) fn receiver_type(&self, node: Node, scope: &Scope) -> Option<String> {
        let found = self.expression_type(node, scope)?;
        (!self.protocols.contains(&found)).then_some(found)
    }

    pub(super) fn value_type(&self, node: Node, scope: &Scope) -> Option<String> {
        self.receiver_type(node, scope)
    }

    fn expression_type(&self, node: Node, scope: &Scope) -> Option<String> {
        let node = unwrap(node);
        match node.kind() {
            "self_expression" => scope.self_type.clone(),
            // `super.viewDidAppear(..)`: the superclass's method, never this class's own.
            "super_expression" => Some(self.superclass(scope)),
            "simple_identifier" => {
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
                // A type named directly: its static members.
                if name.starts_with(|c: char| c.is_uppercase()) {
                    return type_name(name).filter(|_| !is_sdk_facade(name));
                }
                // A property of `self` another file declares (in an extension, a superclass).
                member_path(scope.self_type.as_deref(), name)
            }
            "navigation_expression" => {
                let member = member_name(self, node)?;
                let target = node.child_by_field_name("target")?;
                let owner = self.expression_type(target, scope)?;
                if sdk::SINGLETONS.contains(&member) && self.text(target) == owner {
                    return Some(owner);
                }
                self.property_type(Some(&owner), member)
                    .or_else(|| member_path(Some(&owner), member))
            }
            "call_expression" => self
                .constructed_type(node)
                .or_else(|| self.returned_type_of(node, scope)),
            _ => None,
        }
    }

    /// The type a call of a project method returns, when its declaration says
    /// (`Self.getMixpanelInstance(token)`, `helper()` in a method).
    fn returned_type_of(&self, node: Node, scope: &Scope) -> Option<String> {
        let callee = children(node).into_iter().next()?;
        let (owner, name) = match callee.kind() {
            "simple_identifier" => (scope.self_type.clone()?, self.text(callee)),
            "navigation_expression" => (
                self.expression_type(callee.child_by_field_name("target")?, scope)?,
                member_name(self, callee)?,
            ),
            _ => return None,
        };
        self.types.get(&owner)?.returns.get(name).cloned()
    }

    /// The receiver's last name, for declared tracking APIs: `analytics` in `self.analytics`.
    fn last_name(&self, node: Node) -> Option<String> {
        let node = unwrap(node);
        match node.kind() {
            "simple_identifier" => Some(self.text(node).to_owned()),
            "navigation_expression" => member_name(self, node).map(str::to_owned),
            _ => None,
        }
    }
}

/// The member path of a member this file does not declare (`HomeViewController.session`):
/// the call graph follows it to the member's declared type in another file.
fn member_path(owner: Option<&str>, member: &str) -> Option<String> {
    let owner = owner?;
    let named = member.starts_with(|c: char| c.is_lowercase() || c == '_');
    named.then(|| format!("{owner}.{member}"))
}

/// `try x`, `await x`, `x!`: the expression inside.
fn unwrap(node: Node) -> Node {
    let mut node = node;
    while matches!(
        node.kind(),
        "try_expression" | "await_expression" | "postfix_expression"
    ) {
        match node
            .child_by_field_name("expr")
            .or_else(|| node.child_by_field_name("target"))
        {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}
