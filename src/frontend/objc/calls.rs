//! Calls: messages (`[receiver selector:arg …]`, the selector from its keyword parts and the
//! arguments by position) — the SDK's constructors and methods (events), declared tracking
//! APIs, fresh ids, value-keeping messages, blocks run now or kept for later, project methods
//! (resolved by the receiver's class or by selector) — and C function and block calls.

use tree_sitter::Node;

use super::lowerer::{Lowerer, Scope, children, is_tracker_type, type_name};
use super::sdk;
use crate::frameworks::{self, Literal};
use crate::frontend::calls::{
    self, MethodCall, Properties, TrackerReceiver, declared_event, init_event, member_event,
    sdk_call, sdk_event,
};
use crate::frontend::scope::{Tracker, closure_args};
use crate::ir::{Block, Call, Callee, Span, Stmt, Value};
use crate::sdk::{SdkId, SdkMethod, Slot};

/// A block passed to a call: its function and how many explicit parameters it has.
type Callback = (u32, usize);

/// A message's parts: its receiver, its selector and its arguments in order.
pub(super) struct Message<'t> {
    pub receiver: Node<'t>,
    pub selector: String,
    pub arguments: Vec<Node<'t>>,
}

/// The receiver and the arguments of `[receiver part:arg part:arg, extra]` (an argument is
/// any named node that is neither the receiver nor a selector part); the selector is read
/// with the source, by `Lowerer::selector_text`.
pub(super) fn message_parts(node: Node) -> Option<Message> {
    let receiver = node.child_by_field_name("receiver")?;
    let mut arguments = Vec::new();
    let mut cursor = node.walk();
    for (i, child) in node.children(&mut cursor).enumerate() {
        let field = node.field_name_for_child(i as u32);
        if field.is_none() && child.is_named() && child.kind() != "comment" {
            arguments.push(child);
        }
    }
    Some(Message {
        receiver,
        selector: String::new(),
        arguments,
    })
}

/// What a call's arguments lowered to.
struct Lowered {
    values: Vec<Value>,
    callbacks: Vec<Callback>,
}

impl<'a> Lowerer<'a> {
    /// Lowers arguments in order; a block is a function of its own, kept as a callback.
    /// A block handed to `callee` (a selector, or a C function's name) is called again and
    /// again for the same user when the framework says so (a notification observer, a
    /// repeating timer): its `repeats`.
    fn arguments(
        &mut self,
        callee: Option<&str>,
        arguments: &[Node],
        scope: &mut Scope,
        out: &mut Block,
    ) -> Lowered {
        let mut lowered = Lowered {
            values: Vec::new(),
            callbacks: Vec::new(),
        };
        let repeats = callee
            .and_then(|callee| self.repetition(callee, arguments))
            .map(str::to_owned);
        for argument in arguments {
            let value = if argument.kind() == "block_literal" {
                let block = self.block(*argument, scope);
                self.functions[block.0 as usize]
                    .repeats
                    .clone_from(&repeats);
                lowered.callbacks.push(block);
                Value::Unknown
            } else {
                self.expr(*argument, scope, out)
            };
            lowered.values.push(value);
        }
        lowered
    }

    /// Why the framework calls a block handed to `callee` with these arguments again and again,
    /// if it does (`crate::frameworks`): a selector is named by its first piece, and each
    /// argument is labelled by the piece before it (`repeats:YES`).
    fn repetition(&self, callee: &str, arguments: &[Node]) -> Option<&'static str> {
        let mut pieces = callee.split(':');
        let name = pieces.next().unwrap_or(callee);
        let labels: Vec<&str> = if callee.contains(':') {
            std::iter::once(name).chain(pieces).collect()
        } else {
            Vec::new()
        };
        let listed: Vec<frameworks::Argument> = arguments
            .iter()
            .enumerate()
            .map(|(i, argument)| frameworks::Argument {
                label: labels.get(i).copied(),
                literal: match self.text(*argument) {
                    "YES" | "true" => Some(Literal::Bool(true)),
                    "NO" | "false" => Some(Literal::Bool(false)),
                    _ => None,
                },
            })
            .collect();
        frameworks::repeating_call(name, &listed)
    }

    /// `[receiver selector:args]`.
    pub(super) fn message(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let Some(mut message) = message_parts(node) else {
            return self.operands(node, scope, out);
        };
        // The selector's text comes from the source (the parts were read without it).
        message.selector = self.selector_text(node);
        let span = self.span(node);
        if let Some(value) = self.sdk_constructor(&message, span, scope, out) {
            return value;
        }
        if let Some(fresh) = self.fresh_message(&message, span) {
            self.arguments(Some(&message.selector), &message.arguments, scope, out);
            return fresh;
        }
        if let Some(api) = self.declared_by_first_piece(&message, scope) {
            let lowered = self.arguments(Some(&message.selector), &message.arguments, scope, out);
            out.push(declared_event(api, &lowered.values, span));
            return Value::Unknown;
        }
        let tracker = self.tracker_receiver(message.receiver, scope);
        let selector = message.selector.clone();
        let receiver_names = || {
            [
                self.last_name(message.receiver),
                self.receiver_type(message.receiver, scope),
            ]
        };
        match calls::method_call(
            self.options,
            receiver_names,
            tracker,
            SdkId::ObjectiveC,
            &selector,
        ) {
            MethodCall::Declared(api) => {
                let lowered =
                    self.arguments(Some(&message.selector), &message.arguments, scope, out);
                out.push(declared_event(api, &lowered.values, span));
                Value::Unknown
            }
            MethodCall::CurrentId => {
                self.arguments(Some(&message.selector), &message.arguments, scope, out);
                Value::CurrentId
            }
            MethodCall::Init(id) => {
                self.arguments(Some(&message.selector), &message.arguments, scope, out);
                out.push(init_event(id.sdk(), selector, span, None));
                Value::Unknown
            }
            MethodCall::Sdk { method, certain } => {
                let lowered =
                    self.arguments(Some(&message.selector), &message.arguments, scope, out);
                let properties = self.properties(&method, &message.arguments);
                let args = calls::Arguments::positional(lowered.values);
                let event = sdk_event(&method, &selector, &args, properties, span);
                let receiver = message.receiver;
                let stmt = sdk_call(certain, event, selector, args.values, || {
                    self.expr(receiver, scope, out)
                });
                out.push(stmt);
                // A completion block runs later: an entry point of its own.
                Value::Unknown
            }
            MethodCall::Other => self.project_message(message, span, scope, out),
        }
    }

    /// A declared tracking API named by the first part of the selector (`method = "linkUser"`
    /// for `[telemetry linkUser:id source:s]`), as a configuration names a method in any
    /// language; the whole selector is matched by `calls::method_call`.
    fn declared_by_first_piece(
        &self,
        message: &Message,
        scope: &Scope,
    ) -> Option<&'a crate::config::TrackingApi> {
        if self.options.tracking_apis.is_empty() {
            return None;
        }
        let (first, _) = message.selector.split_once(':')?;
        let names = [
            self.last_name(message.receiver),
            self.receiver_type(message.receiver, scope),
        ];
        self.options.declared_api(&names, first)
    }

    /// The selector of a message as written: `createAlias:forDistinctID:`.
    fn selector_text(&self, node: Node) -> String {
        let mut selector = String::new();
        let mut cursor = node.walk();
        let mut has_argument = false;
        for (i, child) in node.children(&mut cursor).enumerate() {
            match node.field_name_for_child(i as u32) {
                Some("receiver") => {}
                Some("method") => {
                    if has_argument {
                        selector.push(':');
                    }
                    selector.push_str(self.text(child));
                    has_argument = false;
                }
                _ if child.kind() == ":" && !has_argument => has_argument = true,
                _ => {}
            }
        }
        if has_argument {
            selector.push(':');
        }
        selector
    }

    /// `[Mixpanel sharedInstanceWithToken:..]`, `[Mixpanel sharedInstance]`: the tracker's
    /// construction, an `init` event.
    fn sdk_constructor(
        &mut self,
        message: &Message,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Option<Value> {
        if !self.is_sdk_class(message.receiver, scope) || !is_constructor(&message.selector) {
            return None;
        }
        self.arguments(Some(&message.selector), &message.arguments, scope, out);
        let sdk = SdkId::ObjectiveC.sdk();
        out.push(init_event(
            sdk,
            format!("Mixpanel.{}", message.selector),
            span,
            None,
        ));
        Some(Value::Unknown)
    }

    /// `[NSUUID UUID]`, `[[NSUUID alloc] init]`, `[info globallyUniqueString]`.
    fn fresh_message(&self, message: &Message, span: Span) -> Option<Value> {
        let receiver = self.text(message.receiver);
        let selector = message.selector.as_str();
        let allocated = message.receiver.kind() == "message_expression"
            && selector.starts_with("init")
            && message_parts(message.receiver).is_some_and(|inner| {
                self.selector_text(message.receiver) == "alloc"
                    && sdk::FRESH_CLASSES.contains(&self.text(inner.receiver))
            });
        let fresh = sdk::FRESH_MESSAGES.contains(&(receiver, selector))
            || sdk::FRESH_SELECTORS.contains(&selector)
            || allocated;
        fresh.then(|| Value::Fresh {
            origin: format!("[{receiver} {selector}]"),
            span,
        })
    }

    /// A message the SDK does not answer: a value-keeping one, or a call the call graph
    /// resolves (by the receiver's class when known, else by selector).
    fn project_message(
        &mut self,
        message: Message,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let selector = message.selector.as_str();
        if sdk::FORMATTING_SELECTORS.contains(&selector) {
            let lowered = self.arguments(Some(&message.selector), &message.arguments, scope, out);
            return kept_id(lowered.values);
        }
        let is_super = self.text(message.receiver) == "super";
        let receiver = if is_super {
            Value::local("self")
        } else {
            self.expr(message.receiver, scope, out)
        };
        if sdk::DERIVING_SELECTORS.contains(&selector) {
            self.arguments(Some(&message.selector), &message.arguments, scope, out);
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } => receiver,
                _ => Value::Unknown,
            };
        }
        let lowered = self.arguments(Some(&message.selector), &message.arguments, scope, out);
        let receiver_type = if is_super {
            // The superclass's method (`[super init]`), never this class's own.
            Some(
                self.superclass(scope)
                    .unwrap_or_else(|| "NSObject".to_owned()),
            )
        } else {
            self.receiver_type(message.receiver, scope)
        };
        let sdk_fallback =
            member_event(SdkId::ObjectiveC, receiver_type.as_deref(), selector).map(|method| {
                let properties = self.properties(&method, &message.arguments);
                let args = calls::Arguments::positional(lowered.values.clone());
                Box::new(sdk_event(&method, selector, &args, properties, span))
            });
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Method {
                receiver,
                name: message.selector.clone(),
                receiver_type,
            },
            args: lowered.values,
            result: Some(result.clone()),
            span,
            sdk_fallback,
            keywords: Vec::new(),
            spread: false,
        }));
        let iterating = sdk::ITERATING_SELECTORS.contains(&selector);
        if iterating || sdk::IMMEDIATE_SELECTORS.contains(&selector) {
            self.run_callbacks(lowered.callbacks, iterating, span, scope, out);
        }
        Value::local(result)
    }

    /// `f(args)`: a fresh id (`arc4random()`), a block variable, a C function resolved by
    /// name, or a block run now (`dispatch_sync`, `dispatch_once`).
    pub(super) fn c_call(&mut self, node: Node, scope: &mut Scope, out: &mut Block) -> Value {
        let arguments: Vec<Node> = node
            .child_by_field_name("arguments")
            .map(children)
            .unwrap_or_default();
        let span = self.span(node);
        let Some(function) = node
            .child_by_field_name("function")
            .filter(|f| f.kind() == "identifier")
        else {
            // `self.handler(x)`, `handlers[0](x)`: its parts run.
            if let Some(function) = node.child_by_field_name("function") {
                self.effects(function, scope, out);
            }
            self.arguments(None, &arguments, scope, out);
            return Value::Unknown;
        };
        let name = self.text(function);
        if sdk::FRESH_FUNCTIONS.contains(&name) {
            self.arguments(Some(name), &arguments, scope, out);
            return Value::Fresh {
                origin: format!("{name}()"),
                span,
            };
        }
        let lowered = self.arguments(Some(name), &arguments, scope, out);
        let result = scope.temp();
        let (callee, args) = match scope.closures.get(name).copied() {
            Some((index, explicit)) => (
                Callee::Local(index),
                closure_args(&self.functions[index as usize], explicit, lowered.values),
            ),
            None => (Callee::Path(vec![name.to_owned()]), lowered.values),
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
        let iterating = sdk::ITERATING_FUNCTIONS.contains(&name);
        if iterating || sdk::IMMEDIATE_FUNCTIONS.contains(&name) {
            self.run_callbacks(lowered.callbacks, iterating, span, scope, out);
        }
        Value::local(result)
    }

    /// The keys of `track:properties:`'s properties when they are a dictionary literal.
    fn properties(&self, method: &SdkMethod, arguments: &[Node]) -> Properties {
        let Slot::Arg(index, _) = method.properties else {
            return Properties::default();
        };
        let Some(dictionary) = arguments
            .get(index)
            .filter(|a| a.kind() == "dictionary_literal")
        else {
            return Properties::default();
        };
        let keys = children(*dictionary)
            .into_iter()
            .filter(|p| p.kind() == "dictionary_pair")
            .filter_map(|pair| children(pair).into_iter().next())
            .map(|key| match key.kind() {
                "string_literal" => (self.string(key), Value::Unknown),
                _ => (self.text(key).to_owned(), Value::Unknown),
            })
            .collect();
        Properties {
            id: None,
            pairs: Some(keys),
            keys: Vec::new(),
        }
    }

    /// Runs blocks now: once, or once per element of a collection.
    fn run_callbacks(
        &mut self,
        callbacks: Vec<Callback>,
        per_element: bool,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        for (index, explicit) in callbacks {
            let call = |args: Vec<Value>, scope: &mut Scope, lowerer: &Self| {
                Stmt::Call(Call {
                    callee: Callee::Local(index),
                    args: closure_args(&lowerer.functions[index as usize], explicit, args),
                    result: Some(scope.temp()),
                    span,
                    sdk_fallback: None,
                    keywords: Vec::new(),
                    spread: false,
                })
            };
            if per_element {
                let element = scope.temp();
                let body = vec![call(vec![Value::local(element.clone())], scope, self)];
                out.push(Stmt::Loop {
                    bindings: vec![element],
                    body,
                });
            } else {
                let stmt = call(Vec::new(), scope, self);
                out.push(stmt);
            }
        }
    }

    /// The receiver as a tracker, or as a tracker's people object (`mixpanel.people`,
    /// `[mixpanel people]`).
    fn tracker_receiver(&self, receiver: Node, scope: &Scope) -> Option<TrackerReceiver> {
        let known = |tracker: Tracker| match tracker {
            Tracker::Known(()) => Tracker::Known(SdkId::ObjectiveC),
            Tracker::ByName => Tracker::ByName,
        };
        let people_of = match receiver.kind() {
            "field_expression" => receiver
                .child_by_field_name("field")
                .filter(|f| SdkId::ObjectiveC.sdk().is_people_accessor(self.text(*f)))
                .and(receiver.child_by_field_name("argument")),
            "message_expression" => message_parts(receiver)
                .filter(|_| {
                    SdkId::ObjectiveC
                        .sdk()
                        .is_people_accessor(&self.selector_text(receiver))
                })
                .map(|m| m.receiver),
            _ => None,
        };
        if let Some(tracker) = people_of.and_then(|inner| self.tracker_of(inner, scope)) {
            return Some(TrackerReceiver {
                tracker: known(tracker),
                on_people: true,
            });
        }
        self.tracker_of(receiver, scope)
            .map(|tracker| TrackerReceiver {
                tracker: known(tracker),
                on_people: false,
            })
    }

    /// Whether an expression is a tracker: bound to one, a property or instance variable
    /// holding one, made by the SDK (`[Mixpanel sharedInstance]`), returned by a method
    /// declared to return one, or only named like one.
    pub(super) fn tracker_of(&self, node: Node, scope: &Scope) -> Option<Tracker> {
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if let Some(tracker) = scope.trackers.get(name) {
                    return Some(*tracker);
                }
                if !scope.locals.contains(name)
                    && self.is_tracker_member(scope.self_type.as_deref(), name)
                {
                    return Some(Tracker::Known(()));
                }
                self.is_tracker_name(name).then_some(Tracker::ByName)
            }
            "field_expression" => {
                let member = self.text(node.child_by_field_name("field")?);
                let owner = self.receiver_type(node.child_by_field_name("argument")?, scope);
                if self.is_tracker_member(owner.as_deref(), member) {
                    return Some(Tracker::Known(()));
                }
                self.is_tracker_name(member).then_some(Tracker::ByName)
            }
            "message_expression" => {
                if self.is_tracker_constructor(node)
                    || self
                        .message_type(node, scope)
                        .is_some_and(|t| is_tracker_type(&t))
                {
                    return Some(Tracker::Known(()));
                }
                // `[self mixpanel]`: a property read by its getter.
                let parts = message_parts(node)?;
                let selector = self.selector_text(node);
                let owner = self.receiver_type(parts.receiver, scope);
                if self.is_tracker_member(owner.as_deref(), &selector) {
                    return Some(Tracker::Known(()));
                }
                None
            }
            "parenthesized_expression" => {
                self.tracker_of(children(node).into_iter().next()?, scope)
            }
            "cast_expression" => self.tracker_of(node.child_by_field_name("value")?, scope),
            _ => None,
        }
    }

    /// `[Mixpanel sharedInstance]`, `[Mixpanel sharedInstanceWithToken:..]`,
    /// `[[Mixpanel alloc] initWithToken:..]`.
    pub(super) fn is_tracker_constructor(&self, node: Node) -> bool {
        node.kind() == "message_expression"
            && message_parts(node).is_some_and(|m| {
                self.is_sdk_class(m.receiver, &Scope::default())
                    && is_constructor(&self.selector_text(node))
            })
    }

    /// Whether `receiver` is the SDK's class `Mixpanel` (not a local of that name), or a
    /// `Mixpanel` just allocated (`[Mixpanel alloc]`, to be initialised).
    fn is_sdk_class(&self, receiver: Node, scope: &Scope) -> bool {
        let name = self.text(receiver);
        match receiver.kind() {
            "identifier" => is_tracker_type(name) && !scope.locals.contains(name),
            "message_expression" => {
                self.selector_text(receiver) == "alloc"
                    && message_parts(receiver).is_some_and(|m| {
                        m.receiver.kind() == "identifier" && is_tracker_type(self.text(m.receiver))
                    })
            }
            _ => false,
        }
    }

    /// The superclass of the class being implemented, when this file declares it.
    fn superclass(&self, scope: &Scope) -> Option<String> {
        let own = scope.self_type.as_deref()?;
        self.supertypes
            .iter()
            .find(|(class, _)| class == own)
            .map(|(_, superclass)| superclass.clone())
    }

    /// The class of an expression, when this file can tell: `self`, a typed local, property or
    /// instance variable, a class named directly (its class methods), an allocated object,
    /// a singleton (`[AnalyticsService shared]`), a method's declared return type. A protocol
    /// of this file is no class to look methods up on: its conformers answer, by selector.
    pub(super) fn receiver_type(&self, node: Node, scope: &Scope) -> Option<String> {
        let found = self.expression_type(node, scope)?;
        (!self.protocols.contains(&found)).then_some(found)
    }

    fn expression_type(&self, node: Node, scope: &Scope) -> Option<String> {
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if name == "self" {
                    return scope.self_type.clone();
                }
                if let Some(found) = scope.types.get(name) {
                    return Some(found.clone());
                }
                if scope.locals.contains(name) {
                    return None;
                }
                if let Some(found) = self.member_type(scope.self_type.as_deref(), name) {
                    return Some(found);
                }
                // An instance variable another file declares (`_tracker` behind a header's
                // `@property`): its member path.
                if name.starts_with('_') {
                    return Some(format!("{}.{name}", scope.self_type.as_deref()?));
                }
                // A class named directly: its class methods.
                type_name(name).filter(|n| n == name)
            }
            "field_expression" => {
                let member = self.text(node.child_by_field_name("field")?);
                let target = node.child_by_field_name("argument")?;
                let owner = self.expression_type(target, scope)?;
                // `AnalyticsService.shared`: a class property in dot syntax.
                if sdk::SINGLETONS.contains(&member) && self.text(target) == owner {
                    return self.returned_type(&owner, member).or(Some(owner));
                }
                self.member_type(Some(&owner), member)
                    .or_else(|| self.returned_type(&owner, member))
                    .or_else(|| member_path(&owner, member))
            }
            "message_expression" => self.message_type(node, scope),
            "cast_expression" => type_name(self.text(node.child_by_field_name("type")?)),
            "parenthesized_expression" => {
                self.expression_type(children(node).into_iter().next()?, scope)
            }
            _ => None,
        }
    }

    /// The class a message returns: `[[Profile alloc] init…]`, `[Profile new]`, a singleton,
    /// or what the method is declared to return.
    fn message_type(&self, node: Node, scope: &Scope) -> Option<String> {
        let parts = message_parts(node)?;
        let selector = self.selector_text(node);
        let owner = self.expression_type(parts.receiver, scope)?;
        if let Some(declared) = self.returned_type(&owner, &selector) {
            return Some(declared);
        }
        let class_receiver = self.text(parts.receiver) == owner;
        let inner_alloc = parts.receiver.kind() == "message_expression"
            && self.selector_text(parts.receiver) == "alloc";
        let constructs = (class_receiver && matches!(selector.as_str(), "alloc" | "new"))
            || (inner_alloc && selector.starts_with("init"))
            || (class_receiver && sdk::SINGLETONS.contains(&selector.as_str()));
        if constructs {
            return Some(owner);
        }
        // `[self mixpanel]`: a property's getter another file declares.
        (!class_receiver && !selector.contains(':'))
            .then(|| member_path(&owner, &selector))
            .flatten()
    }

    /// The receiver's last name, for declared tracking APIs: `analytics` in `self.analytics`.
    fn last_name(&self, node: Node) -> Option<String> {
        match node.kind() {
            "identifier" => Some(self.text(node).to_owned()),
            "field_expression" => node
                .child_by_field_name("field")
                .map(|f| self.text(f).to_owned()),
            _ => None,
        }
    }
}

/// The member path of a property this file does not declare (`AppDelegate.mixpanel`): the
/// call graph follows it to the property's declared type in another file (a header).
fn member_path(owner: &str, member: &str) -> Option<String> {
    let named = member.starts_with(|c: char| c.is_lowercase() || c == '_');
    named.then(|| format!("{owner}.{member}"))
}

/// A class method of the SDK that makes a tracker, by the first part of its selector.
fn is_constructor(selector: &str) -> bool {
    let first = selector.split(':').next().unwrap_or(selector);
    SdkId::ObjectiveC.sdk().constructors.contains(&first)
}

/// The id a formatted string keeps: the first argument that names one.
fn kept_id(values: Vec<Value>) -> Value {
    values
        .into_iter()
        .find(|v| {
            matches!(
                v,
                Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId
            )
        })
        .unwrap_or(Value::Unknown)
}
