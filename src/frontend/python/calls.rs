//! Calls: fresh-id sources, the SDK's constructor and methods (events), declared tracking APIs,
//! closures, project functions, classes and methods (calls the call graph resolves).

use ruff_python_ast::{ArgOrKeyword, Expr, ExprAttribute, ExprCall};

use super::lowerer::{Binding, Lowerer, Scope, string_literal, strip_await};
use super::sdk;
use crate::frontend::calls::{
    self, MethodCall, Properties, TrackerReceiver, declared_event, init_event, path_call, sdk_call,
    sdk_event,
};
use crate::frontend::scope::{Props, Tracker, closure_args};
use crate::ir::{Block, Call, Callee, Event, Span, Stmt as IrStmt, Value};
use crate::sdk::{SdkId, SdkMethod, Slot};

/// One argument of a call, in source order.
#[derive(Clone, Copy)]
pub(super) enum Argument<'s> {
    /// `x`, and `*xs`.
    Positional(&'s Expr),
    /// `name=x`.
    Keyword(&'s str, &'s Expr),
    /// `**options`.
    Unpacked(&'s Expr),
}

impl<'s> Argument<'s> {
    fn expression(self) -> &'s Expr {
        match self {
            Argument::Positional(e) | Argument::Keyword(_, e) | Argument::Unpacked(e) => e,
        }
    }

    fn keyword(self) -> Option<&'s str> {
        match self {
            Argument::Keyword(name, _) => Some(name),
            _ => None,
        }
    }
}

/// The arguments of a call, read in source order as they are needed (a call's arguments are
/// not collected: most calls are walked once).
#[derive(Clone, Copy)]
pub(super) struct Arguments<'s>(&'s ruff_python_ast::Arguments);

impl<'s> Arguments<'s> {
    fn iter(self) -> impl Iterator<Item = Argument<'s>> {
        self.0.iter_source_order().map(|argument| match argument {
            ArgOrKeyword::Arg(expr) => Argument::Positional(expr),
            ArgOrKeyword::Keyword(keyword) => match &keyword.arg {
                Some(name) => Argument::Keyword(name.as_str(), &keyword.value),
                None => Argument::Unpacked(&keyword.value),
            },
        })
    }

    /// How the arguments are passed, for a call the call graph resolves: each one's keyword
    /// (none when no argument has one), and whether one is unpacked (`*args`, `**options`).
    fn passing(self) -> (Vec<Option<String>>, bool) {
        let mut keywords = Vec::new();
        let mut spread = false;
        for argument in self.iter() {
            keywords.push(argument.keyword().map(str::to_owned));
            spread |= match argument {
                Argument::Positional(expr) => matches!(expr, Expr::Starred(_)),
                Argument::Keyword(..) => false,
                Argument::Unpacked(_) => true,
            };
        }
        if keywords.iter().all(Option::is_none) {
            keywords.clear();
        }
        (keywords, spread)
    }

    /// The only argument, when there is exactly one.
    fn single(self) -> Option<Argument<'s>> {
        let mut arguments = self.iter();
        let first = arguments.next()?;
        arguments.next().is_none().then_some(first)
    }
}

impl Lowerer<'_> {
    pub(super) fn call(&mut self, call: &ExprCall, scope: &mut Scope, out: &mut Block) -> Value {
        let function = strip_await(&call.func);
        let arguments = Arguments(&call.arguments);
        let span = self.span(call);
        if let Some(dotted) = self.fresh_source(function) {
            self.evaluate_arguments(arguments, scope, out);
            return Value::Fresh {
                origin: format!("{dotted}()"),
                span,
            };
        }
        if self.is_tracker_constructor(function) {
            self.evaluate_arguments(arguments, scope, out);
            let sdk = SdkId::Python.sdk();
            let class = sdk.tracker_types.first().copied().unwrap_or_default();
            out.push(init_event(sdk, class.to_owned(), span, None));
            return Value::Unknown;
        }
        match function {
            Expr::Name(name) => self.call_name(name.id.as_str(), arguments, span, scope, out),
            Expr::Attribute(attribute) => {
                self.call_attribute(attribute, arguments, span, scope, out)
            }
            _ => {
                self.effects(function, scope, out);
                self.arguments(arguments, scope, out);
                Value::Unknown
            }
        }
    }

    /// `uuid.uuid4`, `new_id` (imported as `from uuid import uuid4 as new_id`): a function that
    /// makes a fresh value, by its dotted name.
    fn fresh_source(&self, function: &Expr) -> Option<String> {
        let last = match function {
            Expr::Name(name) => {
                return match self.bindings.get(name.id.as_str()) {
                    Some(Binding::External(path)) if sdk::FRESH_CALLS.contains(&path.as_str()) => {
                        Some(path.clone())
                    }
                    _ => None,
                };
            }
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => return None,
        };
        // Most calls are not fresh sources: their last name says so without building the path.
        let ends_the_path = |f: &&str| {
            f.strip_suffix(last)
                .is_some_and(|module| module.ends_with('.'))
        };
        if !sdk::FRESH_CALLS.iter().any(ends_the_path) {
            return None;
        }
        let dotted = self.dotted(function)?;
        sdk::FRESH_CALLS
            .contains(&dotted.as_str())
            .then_some(dotted)
    }

    /// `f(..)`: a closure of this function, a class (its `__init__` runs), or a function the
    /// call graph resolves by name. `str(uid)` keeps `uid`.
    fn call_name(
        &mut self,
        name: &str,
        arguments: Arguments,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        if sdk::DERIVING_FUNCTIONS.contains(&name)
            && let Some(argument) = arguments.single()
        {
            return self.argument_expression(argument, scope, out);
        }
        if sdk::LOGGING_FUNCTIONS.contains(&name) && !scope.locals.contains(name) {
            // `print(uid)` reads its arguments: it keeps nothing.
            self.evaluate_arguments(arguments, scope, out);
            return Value::Unknown;
        }
        let mut args = self.arguments(arguments, scope, out);
        let result = scope.temp();
        let (mut keywords, spread) = arguments.passing();
        let callee = match scope.closures.get(name).copied() {
            Some((index, explicit)) => {
                args = closure_args(&self.functions[index as usize], explicit, args);
                // A closure's arguments are already in its parameters' places.
                keywords.clear();
                Callee::Local(index)
            }
            None if self.classes.contains(name) || name.starts_with(|c: char| c.is_uppercase()) => {
                // `__init__`'s `self` is the object being made: the arguments come after it.
                args.insert(0, Value::Unknown);
                if !keywords.is_empty() {
                    keywords.insert(0, None);
                }
                Callee::Path(vec![name.to_owned(), "__init__".to_owned()])
            }
            None => Callee::Path(vec![name.to_owned()]),
        };
        let spread = spread && !matches!(callee, Callee::Local(_));
        out.push(IrStmt::Call(Call {
            callee,
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords,
            spread,
        }));
        Value::local(result)
    }

    /// `receiver.method(..)`: a declared tracking API, an SDK method on a tracker, a function
    /// of an imported module or a class, a value-keeping method (`uid.hex`), or a method the
    /// call graph resolves by the receiver's type or the method's name.
    fn call_attribute(
        &mut self,
        attribute: &ExprAttribute,
        arguments: Arguments,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let object = &*attribute.value;
        let method = attribute.attr.to_string();
        if is_logging_call(object, &method) {
            // `logger.info("%s", uid)` reads its arguments: it keeps nothing.
            self.evaluate_arguments(arguments, scope, out);
            return Value::Unknown;
        }
        let tracker = self
            .tracker_of(object, scope)
            .map(|tracker| TrackerReceiver {
                tracker: match tracker {
                    Tracker::Known(()) => Tracker::Known(SdkId::Python),
                    Tracker::ByName => Tracker::ByName,
                },
                on_people: false,
            });
        let receiver_names = || self.receiver_names(object, scope);
        match calls::method_call(
            self.options,
            receiver_names,
            tracker,
            SdkId::Python,
            &method,
        ) {
            MethodCall::Declared(api) => {
                let args = self.arguments(arguments, scope, out);
                out.push(declared_event(api, &args, span));
                return Value::Unknown;
            }
            MethodCall::Sdk {
                method: mapping,
                certain,
            } => {
                let (event, args) = self.event(&mapping, &method, arguments, span, scope, out);
                let stmt = sdk_call(certain, event, method, args, || {
                    self.expr(object, scope, out)
                });
                out.push(stmt);
                return Value::Unknown;
            }
            // The Python SDK has no `init` and no current-id method.
            MethodCall::CurrentId | MethodCall::Init(_) | MethodCall::Other => {}
        }
        if let Some(path) = self.project_path(object, scope) {
            return self.call_project_path(path, method, arguments, span, scope, out);
        }
        let receiver = self.expr(object, scope, out);
        if sdk::DERIVING_METHODS.contains(&method.as_str()) {
            self.evaluate_arguments(arguments, scope, out);
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } => receiver,
                _ => Value::Unknown,
            };
        }
        let args = self.arguments(arguments, scope, out);
        let receiver_type = self.receiver_type(object, scope);
        let result = scope.temp();
        let (keywords, spread) = arguments.passing();
        out.push(IrStmt::Call(Call {
            callee: Callee::Method {
                receiver,
                name: method,
                receiver_type,
            },
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords,
            spread,
        }));
        Value::local(result)
    }

    /// `analytics.link_user(..)` through an imported module or a class: resolved by path. An
    /// imported module-level tracker (`from analytics import client`) answers SDK methods; the
    /// call graph decides whether the path names one.
    fn call_project_path(
        &mut self,
        mut path: Vec<String>,
        method: String,
        arguments: Arguments,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let (args, sdk_fallback) = match SdkId::Python.sdk().method(&method, false) {
            Some(mapping) => {
                let (event, args) = self.event(&mapping, &method, arguments, span, scope, out);
                (args, Some(event))
            }
            None => (self.arguments(arguments, scope, out), None),
        };
        let result = scope.temp();
        path.push(method);
        let mut call = path_call(path, args, result.clone(), span, sdk_fallback);
        if let IrStmt::Call(call) = &mut call {
            (call.keywords, call.spread) = arguments.passing();
        }
        out.push(call);
        Value::local(result)
    }

    /// The names a declared tracking API may go by: the receiver's last name, its type.
    fn receiver_names(&self, object: &Expr, scope: &Scope) -> [Option<String>; 2] {
        let name = self
            .dotted(object)
            .map(|d| d.rsplit('.').next().unwrap_or_default().to_owned());
        [name, self.receiver_type(object, scope)]
    }

    /// The type of a receiver named directly: `self` in a method, an annotated or constructed local.
    fn receiver_type(&self, object: &Expr, scope: &Scope) -> Option<String> {
        match object {
            Expr::Name(name) if name.id.as_str() == "self" => scope.self_type.clone(),
            Expr::Name(name) => scope.types.get(name.id.as_str()).cloned(),
            _ => None,
        }
    }

    /// `mod.sub` where `mod` is an imported project module, a class, or a module-level instance.
    pub(super) fn project_path(&self, object: &Expr, scope: &Scope) -> Option<Vec<String>> {
        match strip_await(object) {
            Expr::Name(name) => {
                let name = name.id.as_str();
                let project = self.bindings.get(name) == Some(&Binding::Project);
                (project && !scope.locals.contains(name)).then(|| vec![name.to_owned()])
            }
            Expr::Attribute(attribute) => {
                let mut path = self.project_path(&attribute.value, scope)?;
                path.push(attribute.attr.to_string());
                Some(path)
            }
            _ => None,
        }
    }

    /// Positional arguments, then keyword argument values, in the order written: a call's
    /// keyword arguments usually follow the parameter order. `*xs` and `**options` are unknown.
    fn arguments(
        &mut self,
        arguments: Arguments,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Vec<Value> {
        arguments
            .iter()
            .map(|argument| self.argument_value(argument, scope, out))
            .collect()
    }

    /// What an argument passes: its value (a keyword argument's too); `**options` is unknown.
    fn argument_value(&mut self, argument: Argument, scope: &mut Scope, out: &mut Block) -> Value {
        match argument {
            Argument::Keyword(_, value) => self.expr(value, scope, out),
            _ => self.argument_expression(argument, scope, out),
        }
    }

    /// An argument read as an expression of its own: a keyword or unpacked one is no id.
    fn argument_expression(
        &mut self,
        argument: Argument,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let value = self.expr(argument.expression(), scope, out);
        match argument {
            Argument::Positional(_) => value,
            Argument::Keyword(..) | Argument::Unpacked(_) => Value::Unknown,
        }
    }

    /// Runs the arguments' calls when the call itself is not lowered as one.
    fn evaluate_arguments(&mut self, arguments: Arguments, scope: &mut Scope, out: &mut Block) {
        for argument in arguments.iter() {
            self.effects(argument.expression(), scope, out);
        }
    }

    /// An SDK method call as an event: its id and original by position or keyword, and its
    /// arguments in order (for a call that may turn out to be a project method).
    fn event(
        &mut self,
        mapping: &SdkMethod,
        method: &str,
        arguments: Arguments,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Event, Vec<Value>) {
        let properties_at = properties_argument(mapping.properties, arguments);
        let mut args = calls::Arguments::default();
        let mut properties = Properties::default();
        for (i, argument) in arguments.iter().enumerate() {
            let built = match properties_at == Some(i) {
                true => self.properties_value(argument.expression(), scope, out),
                false => None,
            };
            let value = match built {
                Some((value, props, pairs)) => {
                    properties = match pairs {
                        Some(pairs) => Properties::complete(pairs),
                        None => Properties::built(props),
                    };
                    value
                }
                None => self.argument_value(argument, scope, out),
            };
            args.push(argument.keyword(), value);
        }
        let event = sdk_event(mapping, method, &args, properties, span);
        (event, args.values)
    }

    /// Event properties built here: a dict literal (`{**base, "distinct_id": uid}`),
    /// `dict(base, distinct_id=uid)`, or a local that holds some. Their value, what they hold,
    /// and their pairs when all are visible; `None` (nothing lowered) for anything else.
    #[allow(clippy::type_complexity)]
    pub(super) fn properties_value(
        &mut self,
        expr: &Expr,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Option<(Value, Props, Option<Vec<(String, Value)>>)> {
        match strip_await(expr) {
            Expr::Dict(dict) => {
                let mut props = Props::default();
                let mut pairs = Vec::new();
                let mut complete = true;
                for item in &dict.items {
                    let Some(key) = &item.key else {
                        // `**base`: what it is known to hold comes before the keys after it.
                        self.merge_properties(&item.value, &mut props, scope, out);
                        complete = false;
                        continue;
                    };
                    let text = string_literal(key);
                    if text.is_none() {
                        self.effects(key, scope, out);
                        complete = false;
                    }
                    let value = self.expr(&item.value, scope, out);
                    if let Some(text) = text {
                        props.put(&text, Some(value.clone()));
                        pairs.push((text, value));
                    }
                }
                let value = Value::Object(pairs.iter().map(|(k, _)| k.clone()).collect());
                Some((value, props, complete.then_some(pairs)))
            }
            Expr::Call(call)
                if matches!(&*call.func, Expr::Name(name)
                    if name.id.as_str() == "dict" && !scope.locals.contains("dict")) =>
            {
                let mut props = Props::default();
                let mut pairs = Vec::new();
                let mut complete = true;
                for argument in Arguments(&call.arguments).iter() {
                    match argument {
                        Argument::Keyword(key, value) => {
                            let value = self.expr(value, scope, out);
                            props.put(key, Some(value.clone()));
                            pairs.push((key.to_owned(), value));
                        }
                        // `dict(base, ..)`, `dict(**base, ..)`.
                        Argument::Positional(base) | Argument::Unpacked(base) => {
                            self.merge_properties(base, &mut props, scope, out);
                            complete = false;
                        }
                    }
                }
                Some((Value::Unknown, props, complete.then_some(pairs)))
            }
            Expr::Name(name) => {
                let props = scope.props.get(name.id.as_str())?.clone();
                Some((Value::local(name.id.as_str()), props, None))
            }
            _ => None,
        }
    }

    /// Copies what `base` is known to hold (a local with properties, a dict literal) into
    /// `props`; anything else is only lowered for its calls.
    fn merge_properties(
        &mut self,
        base: &Expr,
        props: &mut Props,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        match self.properties_value(base, scope, out) {
            Some((_, base, _)) => props.merge(base),
            None => self.effects(base, scope, out),
        }
    }

    /// `Mixpanel` imported from the SDK, or `mixpanel.Mixpanel`.
    fn is_tracker_constructor(&self, function: &Expr) -> bool {
        match function {
            Expr::Name(name) => self.bindings.get(name.id.as_str()) == Some(&Binding::SdkClass),
            Expr::Attribute(attribute) => {
                sdk::is_tracker_class(attribute.attr.as_str())
                    && matches!(&*attribute.value, Expr::Name(module)
                        if self.bindings.get(module.id.as_str()) == Some(&Binding::SdkModule))
            }
            _ => false,
        }
    }

    /// Whether a receiver is a tracker: bound to one, named like one, or constructed here.
    pub(super) fn tracker_of(&self, expr: &Expr, scope: &Scope) -> Option<Tracker> {
        match strip_await(expr) {
            Expr::Name(name) => {
                let name = name.id.as_str();
                if let Some(tracker) = scope.trackers.get(name) {
                    return Some(*tracker);
                }
                self.is_tracker_name(name).then_some(Tracker::ByName)
            }
            Expr::Attribute(attribute) => self
                .is_tracker_name(attribute.attr.as_str())
                .then_some(Tracker::ByName),
            Expr::Call(call) => self
                .is_tracker_constructor(strip_await(&call.func))
                .then_some(Tracker::Known(())),
            _ => None,
        }
    }

    /// `Analytics(..)` → `Analytics`, for a project class.
    pub(super) fn constructed_class(&self, value: &Expr) -> Option<String> {
        let Expr::Call(call) = strip_await(value) else {
            return None;
        };
        let Expr::Name(name) = &*call.func else {
            return None;
        };
        let name = name.id.as_str();
        (self.bindings.get(name) == Some(&Binding::Project)).then(|| name.to_owned())
    }
}

/// `logger.info(..)`, `logging.warning(..)`, `log.debug(..)`: a logging method on a receiver
/// named like a logger (by its last name: `self.logger`, `app.logger`).
fn is_logging_call(object: &Expr, method: &str) -> bool {
    let receiver = match object {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    sdk::LOGGING_METHODS.contains(&method) && sdk::LOGGER_NAMES.contains(&receiver)
}

/// The position (in source order) of the argument in `slot`: the n-th positional one, else the
/// one passed by that name.
fn properties_argument(slot: Slot, arguments: Arguments) -> Option<usize> {
    let Slot::Arg(index, keyword) = slot else {
        return None;
    };
    let all: Vec<Argument> = arguments.iter().collect();
    all.iter()
        .enumerate()
        .filter(|(_, a)| matches!(a, Argument::Positional(_)))
        .nth(index)
        .or_else(|| {
            all.iter()
                .enumerate()
                .find(|(_, a)| a.keyword() == Some(keyword))
        })
        .map(|(i, _)| i)
}
