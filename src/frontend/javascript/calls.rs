//! Calls: SDK events (through trackers, named imports, declared tracking APIs), fresh-id
//! sources, closures and callbacks (run right away, per element, after a promise, or kept as
//! entry points of their own), and calls into project code.

use oxc_ast::ast::{
    CallExpression, ChainElement, Expression, NewExpression, ObjectExpression, ObjectPropertyKind,
    PropertyKind,
};
use oxc_span::GetSpan;

use super::lowerer::{Arg, Binding, FunctionNode, Lowerer, Member, Scope, Tracker, strip};
use super::module::nested_object;
use super::sdk;
use crate::frontend::calls::{
    self, Arguments, MethodCall, Properties, TrackerReceiver, declared_event, init_event,
    path_call, sdk_call, sdk_event,
};
use crate::frontend::scope::{Props, closure_args};
use crate::ir::{Block, Call, Callee, FunctionKind, Span, Stmt, Value};
use crate::sdk::{JAVASCRIPT_SDKS, SdkId, SdkMethod};

/// A callback handed to a call: its closure index and how many parameters it declares.
type Callback = (u32, usize);

impl<'a> Lowerer<'a> {
    pub(super) fn call_expression(
        &mut self,
        call: &'a CallExpression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        self.call(
            &call.callee,
            Arg::list(&call.arguments),
            call.span,
            scope,
            out,
        )
    }

    pub(super) fn call(
        &mut self,
        callee: &'a Expression<'a>,
        args: Vec<Arg<'a>>,
        span: oxc_span::Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let function = strip(callee);
        if let Some((target, rest)) = self.effect_call(function, &args) {
            return self.call(target, rest, span, scope, out);
        }
        if self.is_object_assign(function, scope) && self.builds_properties(&args, scope) {
            self.object_assign(&args, scope, out);
            return match args.first().and_then(|a| a.stripped()) {
                Some(Expression::Identifier(target)) => Value::local(target.name.as_str()),
                _ => Value::Unknown,
            };
        }
        let span = self.span(span);
        if self.may_be_fresh_call(function)
            && let Some(dotted) = self.dotted(function)
            && let Some(origin) = self.fresh_call(&dotted)
        {
            for arg in &args {
                self.arg_value(*arg, scope, out);
            }
            return Value::Fresh { origin, span };
        }
        if let Some(node) = FunctionNode::of(function) {
            // An immediately invoked function expression.
            let index = self.function(
                node,
                None,
                "<iife>".to_owned(),
                None,
                FunctionKind::Free,
                false,
                Some(scope),
            );
            let values = args
                .iter()
                .map(|arg| self.arg_value(*arg, scope, out))
                .collect();
            self.call_closure(index, node.explicit_params(), values, span, scope, out);
            return Value::Unknown;
        }
        if let Expression::Identifier(id) = function {
            return self.call_name(id.name.as_str(), &args, callee, span, scope, out);
        }
        if let Some(member) = self.member_of(function)
            && member.property.is_some()
        {
            return self.call_member(member, function.span(), &args, callee, span, scope, out);
        }
        self.expr(function, scope, out);
        for arg in &args {
            self.arg_value(*arg, scope, out);
        }
        Value::Unknown
    }

    /// `call(fn, ...args)`, `call([context, fn], ...args)`, `fork(fn)` of redux-saga: the
    /// function the effect calls, and its arguments.
    fn effect_call(
        &self,
        function: &'a Expression<'a>,
        args: &[Arg<'a>],
    ) -> Option<(&'a Expression<'a>, Vec<Arg<'a>>)> {
        let Expression::Identifier(id) = function else {
            return None;
        };
        if self.bindings.get(id.name.as_str()) != Some(&Binding::CallingEffect) {
            return None;
        }
        let (first, rest) = args.split_first()?;
        let target = match first.stripped()? {
            Expression::ArrayExpression(pair) if pair.elements.len() == 2 => {
                strip(pair.elements[1].as_expression()?)
            }
            target => target,
        };
        let callable = matches!(target, Expression::Identifier(_))
            || self.member_of(target).is_some_and(|m| m.property.is_some());
        callable.then(|| (target, rest.to_vec()))
    }

    /// Whether a callee's first name can start a fresh-id call (`crypto.randomUUID`, an
    /// imported `v4`): most calls are ruled out without spelling the callee out.
    fn may_be_fresh_call(&self, callee: &'a Expression<'a>) -> bool {
        let mut root = strip(callee);
        while let Some(member) = self.member_of(root) {
            root = strip(member.object);
        }
        let Expression::Identifier(id) = root else {
            return false;
        };
        let name = id.name.as_str();
        matches!(
            self.bindings.get(name),
            Some(Binding::Fresh(_) | Binding::FreshModule)
        ) || sdk::FRESH_CALLS.iter().any(|call| {
            call.strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }

    pub(super) fn fresh_call(&self, dotted: &str) -> Option<String> {
        if sdk::FRESH_CALLS.contains(&dotted) {
            return Some(format!("{dotted}()"));
        }
        let first = dotted.split('.').next().unwrap_or(dotted);
        match self.bindings.get(first) {
            Some(Binding::Fresh(origin)) => Some(format!("{origin}()")),
            Some(Binding::FreshModule) => Some(format!("{dotted}()")),
            _ => None,
        }
    }

    /// `name(..)`: a local closure, an SDK function imported by name, or a project function.
    fn call_name(
        &mut self,
        name: &str,
        args: &[Arg<'a>],
        callee: &'a Expression<'a>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        if let Some((index, explicit)) = scope.closures.get(name).copied() {
            let values = args
                .iter()
                .map(|arg| self.arg_value(*arg, scope, out))
                .collect();
            return self.call_closure(index, explicit, values, span, scope, out);
        }
        if let Some(Binding::SdkFunction(sdk, method)) = self.bindings.get(name).cloned() {
            let tracker = TrackerReceiver {
                tracker: Tracker::Known(sdk),
                on_people: false,
            };
            let meaning =
                calls::method_call(self.options, || [None, None], Some(tracker), sdk, &method);
            match meaning {
                MethodCall::CurrentId => return Value::CurrentId,
                MethodCall::Sdk {
                    method: mapping, ..
                } => {
                    let (event, _) = self.event(&mapping, &method, args, span, scope, out);
                    out.push(Stmt::Event(event));
                    return Value::Unknown;
                }
                _ => {}
            }
        }
        if name == "String" && args.len() == 1 {
            return self.arg_value(args[0], scope, out);
        }
        let immediate = sdk::IMMEDIATE_CALLBACK_CALLS.contains(&name);
        let (values, callbacks) = self.arguments(args, Some(callee), scope, out);
        let result = scope.temp();
        let (keywords, spread) = passing(args, &values);
        out.push(Stmt::Call(Call {
            callee: Callee::Path(vec![name.to_owned()]),
            args: values,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords,
            spread,
        }));
        if immediate {
            self.run_callbacks(callbacks, false, span, scope, out);
        }
        Value::local(result)
    }

    /// `object.method(..)`: a declared tracking API, an SDK tracker, a project module or object,
    /// a value-preserving method, or a method call with callbacks.
    #[allow(clippy::too_many_arguments)]
    fn call_member(
        &mut self,
        member: Member<'a>,
        member_span: oxc_span::Span,
        args: &[Arg<'a>],
        callee: &'a Expression<'a>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let method = member.property.unwrap_or_default().to_owned();
        let object = strip(member.object);
        if self.is_logging_receiver(object, scope) {
            // `console.log(id)` reads its arguments: it keeps nothing.
            for arg in args {
                self.arg_value(*arg, scope, out);
            }
            return Value::Unknown;
        }
        let tracker = self.tracker_receiver(object, scope);
        let receiver_names = || self.receiver_names(object, scope);
        match calls::method_call(
            self.options,
            receiver_names,
            tracker,
            self.default_sdk,
            &method,
        ) {
            MethodCall::Declared(api) => {
                let values: Vec<Value> = args
                    .iter()
                    .map(|arg| self.arg_value(*arg, scope, out))
                    .collect();
                out.push(declared_event(api, &values, span));
                return Value::Unknown;
            }
            MethodCall::CurrentId => return Value::CurrentId,
            MethodCall::Init(sdk) => {
                self.init_call(sdk, args, self.span(member_span), scope, out);
                return Value::Unknown;
            }
            MethodCall::Sdk {
                method: mapping,
                certain,
            } => {
                let (event, values) = self.event(&mapping, &method, args, span, scope, out);
                let stmt = sdk_call(certain, event, method, values, || {
                    self.expr(object, scope, out)
                });
                out.push(stmt);
                return Value::Unknown;
            }
            MethodCall::Other => {}
        }
        // `analytics.linkUser(..)` through an imported module, a module-level object or a class.
        if let Expression::Identifier(id) = object {
            let name = id.name.as_str();
            let is_local = scope.locals.contains(name) || scope.trackers.contains_key(name);
            match self.bindings.get(name) {
                Some(Binding::Project) if !is_local => {
                    return self.project_member_call(name, method, args, callee, span, scope, out);
                }
                // `ReactGA.set(..)`: a package's function, never a project method of that name.
                Some(Binding::External) if !is_local => {
                    let (values, _) = self.arguments(args, Some(callee), scope, out);
                    let result = scope.temp();
                    let path = vec![name.to_owned(), method];
                    out.push(path_call(path, values, result.clone(), span, None));
                    return Value::local(result);
                }
                _ => {}
            }
        }
        let receiver = self.expr(object, scope, out);
        if sdk::DERIVING_METHODS.contains(&method.as_str()) {
            for arg in args {
                self.arg_value(*arg, scope, out);
            }
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId => receiver,
                _ => Value::Unknown,
            };
        }
        let iterating = sdk::ITERATING_METHODS.contains(&method.as_str());
        let chained = sdk::PROMISE_METHODS.contains(&method.as_str());
        let catching = method == "catch";
        let (values, callbacks) = self.arguments(args, Some(callee), scope, out);
        let receiver_type = self.receiver_type(object, scope);
        let result = scope.temp();
        let (keywords, spread) = passing(args, &values);
        out.push(Stmt::Call(Call {
            callee: Callee::Method {
                receiver,
                name: method,
                receiver_type,
            },
            args: values,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords,
            spread,
        }));
        if iterating || chained {
            let mut after = Vec::new();
            self.run_callbacks(callbacks, iterating, span, scope, &mut after);
            if catching {
                // `.catch(cb)` runs only when the promise rejects.
                out.push(Stmt::Branch(vec![after, Vec::new()]));
            } else {
                out.extend(after);
            }
        }
        Value::local(result)
    }

    /// `console` (not a local of that name): its methods only read their arguments.
    fn is_logging_receiver(&self, object: &'a Expression<'a>, scope: &Scope) -> bool {
        matches!(object, Expression::Identifier(id)
            if sdk::LOGGING_RECEIVERS.contains(&id.name.as_str())
                && !scope.locals.contains(id.name.as_str())
                && !self.bindings.contains_key(id.name.as_str()))
    }

    /// The names a declared tracking API may go by: the receiver's last name, its type.
    fn receiver_names(&self, object: &'a Expression<'a>, scope: &Scope) -> [Option<String>; 2] {
        [
            self.dotted(object)
                .map(|d| d.rsplit('.').next().unwrap_or_default().to_owned()),
            self.receiver_type(object, scope),
        ]
    }

    /// `init(token, config, name)`: the configuration decides persistence.
    fn init_call(
        &mut self,
        sdk: SdkId,
        args: &[Arg<'a>],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        let mut config = None;
        for (i, arg) in args.iter().enumerate() {
            match (i, arg.stripped()) {
                (1, Some(Expression::ObjectExpression(object))) => {
                    let (pairs, complete) = self.object_pairs(object, scope, out);
                    config = complete.then_some(pairs);
                }
                _ => {
                    self.arg_value(*arg, scope, out);
                }
            }
        }
        out.push(init_event(sdk.sdk(), "init".to_owned(), span, config));
    }

    /// `module.method(..)` on an imported module or a module-level object: resolved by path. An
    /// imported module-level tracker (`import { client } from './mp'`) answers SDK methods; the
    /// call graph decides whether `name` is one.
    #[allow(clippy::too_many_arguments)]
    fn project_member_call(
        &mut self,
        name: &str,
        method: String,
        args: &[Arg<'a>],
        callee: &'a Expression<'a>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let (values, sdk_fallback) = match self.default_sdk.sdk().method(&method, false) {
            Some(mapping) => {
                let (event, values) = self.event(&mapping, &method, args, span, scope, out);
                (values, Some(event))
            }
            None => (self.arguments(args, Some(callee), scope, out).0, None),
        };
        let result = scope.temp();
        let path = vec![name.to_owned(), method];
        let (keywords, spread) = passing(args, &values);
        let mut call = path_call(path, values, result.clone(), span, sdk_fallback);
        if let Stmt::Call(call) = &mut call {
            (call.keywords, call.spread) = (keywords, spread);
        }
        out.push(call);
        Value::local(result)
    }

    pub(super) fn new_expression(
        &mut self,
        new: &'a NewExpression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let args = Arg::list(&new.arguments);
        let span = self.span(new.span);
        let name = self.text(new.callee.span());
        if name == "Promise" {
            // The executor runs right away.
            let (_, callbacks) = self.arguments(&args, None, scope, out);
            self.run_callbacks(callbacks, false, span, scope, out);
            return Value::Unknown;
        }
        let values: Vec<Value> = args
            .iter()
            .map(|arg| self.arg_value(*arg, scope, out))
            .collect();
        if let Some(Binding::SdkModule(sdk)) = self.bindings.get(name) {
            out.push(init_event(sdk.sdk(), "init".to_owned(), span, None));
            return Value::Unknown;
        }
        if name == "Date" && values.is_empty() {
            return Value::Fresh {
                origin: "new Date()".to_owned(),
                span,
            };
        }
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Path(vec![name.to_owned(), "constructor".to_owned()]),
            args: values,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        Value::local(result)
    }

    /// Lowers arguments; function arguments become closures (returned, to be run after the
    /// call), object literal arguments also hand their property values to the callee.
    fn arguments(
        &mut self,
        args: &[Arg<'a>],
        callee: Option<&'a Expression<'a>>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Vec<Value>, Vec<Callback>) {
        let mut values = Vec::new();
        let mut handed = Vec::new();
        let mut callbacks = Vec::new();
        for arg in args {
            let stripped = arg.stripped();
            if let Some(node) = stripped.and_then(FunctionNode::of) {
                let label = callee
                    .and_then(|c| self.dotted(c))
                    .map_or("<callback>".to_owned(), |c| format!("{c} callback"));
                let index = self.function(
                    node,
                    None,
                    label,
                    None,
                    FunctionKind::Free,
                    false,
                    Some(scope),
                );
                self.functions[index as usize].repeats = callee
                    .and_then(|c| self.repeating_callback(c, args))
                    .map(str::to_owned);
                callbacks.push((index, node.explicit_params()));
                values.push(Value::Unknown);
            } else if let Some(Expression::ObjectExpression(object)) = stripped {
                // `defineStore('auth', { actions: { register(u) {..} } })`: methods named by
                // their keys, owned by the callee's name.
                let owner = callee
                    .and_then(|c| self.dotted(c))
                    .map_or("<object>".to_owned(), |c| {
                        c.rsplit('.').next().unwrap_or(&c).to_owned()
                    });
                self.handed_properties(object, &owner, &mut handed, scope, out);
                values.push(Value::Object(self.object_keys(object)));
            } else {
                values.push(self.arg_value(*arg, scope, out));
            }
        }
        values.extend(handed);
        (values, callbacks)
    }

    /// Why a callback handed to `callee` with these arguments runs again and again for the
    /// same user (`useEffect(fn)`, `user.on('change', fn)`, `app.use(fn)`), if it does.
    fn repeating_callback(
        &self,
        callee: &'a Expression<'a>,
        args: &[Arg<'a>],
    ) -> Option<&'static str> {
        let dotted = self.dotted(callee)?;
        let name = dotted.rsplit('.').next().unwrap_or(&dotted);
        let first = args
            .first()
            .and_then(|a| a.stripped())
            .and_then(|e| match e {
                Expression::StringLiteral(s) => Some(s.value.as_str()),
                _ => None,
            });
        crate::frameworks::repeating_callback(name, args.len(), first)
    }

    /// The property values of an object literal argument, also of the objects nested in it:
    /// the callee receives them too. Its function members are methods of `owner`.
    fn handed_properties(
        &mut self,
        object: &'a ObjectExpression<'a>,
        owner: &str,
        handed: &mut Vec<Value>,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        for property in &object.properties {
            if let Some(member) = self.object_member_function(property) {
                self.function(
                    member.node,
                    member.key_span,
                    member.name,
                    Some(owner),
                    FunctionKind::Free,
                    false,
                    None,
                );
                continue;
            }
            if let Some(nested) = nested_object(property) {
                if self.holds_reducers(property) {
                    self.reducer_functions(nested);
                } else {
                    self.handed_properties(nested, owner, handed, scope, out);
                }
                continue;
            }
            match property {
                ObjectPropertyKind::ObjectProperty(property) if property.shorthand => {
                    handed.push(Value::local(
                        self.key_text(&property.key, property.computed),
                    ));
                }
                ObjectPropertyKind::ObjectProperty(property)
                    if property.kind == PropertyKind::Init && !property.method =>
                {
                    handed.push(self.expr(&property.value, scope, out));
                }
                ObjectPropertyKind::ObjectProperty(_) => {}
                ObjectPropertyKind::SpreadProperty(spread) => {
                    handed.push(self.expr(&spread.argument, scope, out));
                }
            }
        }
    }

    /// Runs callbacks handed to a call: once, or once per element (`forEach`, `map`).
    fn run_callbacks(
        &mut self,
        callbacks: Vec<Callback>,
        per_element: bool,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        for (index, explicit) in callbacks {
            // What the code that runs it passes is not seen, but it passes something: no
            // parameter takes its default (`.then((id = 'anon') => ..)` gets the result).
            let passed = |first: Option<Value>| {
                let mut args: Vec<Value> = first.into_iter().collect();
                args.resize(explicit.max(args.len()), Value::Unknown);
                args
            };
            if per_element {
                let element = scope.temp();
                let mut body = Vec::new();
                self.call_closure(
                    index,
                    explicit,
                    passed(Some(Value::local(element.clone()))),
                    span,
                    scope,
                    &mut body,
                );
                out.push(Stmt::Loop {
                    bindings: vec![element],
                    body,
                });
            } else {
                self.call_closure(index, explicit, passed(None), span, scope, out);
            }
        }
    }

    /// Calls a closure: its explicit arguments, then its captures by name.
    fn call_closure(
        &mut self,
        index: u32,
        explicit: usize,
        args: Vec<Value>,
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let args = closure_args(&self.functions[index as usize], explicit, args);
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Local(index),
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        Value::local(result)
    }

    /// The event of an SDK method call, and its lowered arguments.
    fn event(
        &mut self,
        mapping: &SdkMethod,
        method: &str,
        args: &[Arg<'a>],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (crate::ir::Event, Vec<Value>) {
        let properties_at = match mapping.properties {
            crate::sdk::Slot::Arg(index, _) => Some(index),
            _ => None,
        };
        let mut values = Vec::with_capacity(args.len());
        for (i, arg) in args.iter().enumerate() {
            if properties_at != Some(i) {
                values.push(self.arg_value(*arg, scope, out));
            } else {
                values.push(Value::Unknown);
            }
        }
        let properties = match properties_at {
            Some(index) => self.props_distinct_id(args.get(index).copied(), scope, out),
            None => Properties::default(),
        };
        let values = Arguments::positional(values);
        let event = sdk_event(mapping, method, &values, properties, span);
        (event, values.values)
    }

    /// The distinct id inside `track`'s properties, and the properties when all are visible.
    fn props_distinct_id(
        &mut self,
        arg: Option<Arg<'a>>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Properties {
        let Some(arg) = arg else {
            // No properties at all: visibly none.
            return Properties::visibly_none();
        };
        match arg.stripped() {
            Some(Expression::ObjectExpression(object)) => {
                let (props, pairs) = self.object_distinct_id(object, scope, out);
                match pairs {
                    Some(pairs) => Properties::complete(pairs),
                    None => Properties::built(props),
                }
            }
            Some(Expression::Identifier(id)) => scope
                .props
                .get(id.name.as_str())
                .cloned()
                .map_or_else(Properties::default, Properties::built),
            Some(Expression::CallExpression(call))
                if self.is_object_assign(&call.callee, scope)
                    && self.builds_properties(&Arg::list(&call.arguments), scope) =>
            {
                let args = Arg::list(&call.arguments);
                Properties::built(self.object_assign(&args, scope, out))
            }
            _ => {
                self.arg_value(arg, scope, out);
                Properties::default()
            }
        }
    }

    /// The properties of an object literal, each value lowered once (so calls inside still
    /// count), and whether they are all there (no spread hides some).
    fn object_pairs(
        &mut self,
        object: &'a ObjectExpression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Vec<(String, Value)>, bool) {
        let mut pairs = Vec::new();
        let mut complete = true;
        for property in &object.properties {
            match property {
                ObjectPropertyKind::ObjectProperty(property) if property.shorthand => {
                    let name = self.key_text(&property.key, property.computed).to_owned();
                    pairs.push((name.clone(), Value::local(name)));
                }
                ObjectPropertyKind::ObjectProperty(property)
                    if property.kind == PropertyKind::Init && !property.method =>
                {
                    let value = self.expr(&property.value, scope, out);
                    let key = self
                        .key_text(&property.key, property.computed)
                        .trim_matches(['"', '\''])
                        .to_owned();
                    pairs.push((key, value));
                }
                ObjectPropertyKind::ObjectProperty(_) => complete = false,
                ObjectPropertyKind::SpreadProperty(spread) => {
                    self.expr(&spread.argument, scope, out);
                    complete = false;
                }
            }
        }
        (pairs, complete)
    }

    /// What an object literal of event properties holds (its `distinct_id`, its keys), and
    /// its pairs when they are all there (no spread hides some).
    pub(super) fn object_distinct_id(
        &mut self,
        object: &'a ObjectExpression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Props, Option<Vec<(String, Value)>>) {
        let (pairs, complete) = self.object_pairs(object, scope, out);
        let mut props = Props::default();
        for property in &object.properties {
            // `{ ...base, distinct_id: id }`: what `base` is known to hold comes first.
            if let ObjectPropertyKind::SpreadProperty(spread) = property
                && let Expression::Identifier(base) = strip(&spread.argument)
                && let Some(base) = scope.props.get(base.name.as_str()).cloned()
            {
                props.merge(base);
            }
        }
        for (key, value) in &pairs {
            props.put(key, Some(value.clone()));
        }
        (props, complete.then_some(pairs))
    }

    /// `Object.assign(target, ..)` building event properties: the target is a new object (a
    /// literal) or properties built in this body (`const props = {..}`). Into any other object
    /// (`Object.assign(this, options)`, a store, a parameter) it writes what outlives the call:
    /// it stays a call.
    pub(super) fn builds_properties(&self, args: &[Arg<'a>], scope: &Scope) -> bool {
        match args.first().and_then(|a| a.stripped()) {
            Some(Expression::ObjectExpression(_)) => true,
            Some(Expression::Identifier(id)) => scope.props.contains_key(id.name.as_str()),
            _ => false,
        }
    }

    /// `Object.assign(..)`, when `Object` is the global one.
    pub(super) fn is_object_assign(&self, callee: &'a Expression<'a>, scope: &Scope) -> bool {
        self.member_of(strip(callee)).is_some_and(|member| {
            member.property == Some("assign")
                && matches!(strip(member.object), Expression::Identifier(object)
                    if object.name == "Object" && !scope.locals.contains("Object"))
        })
    }

    /// `Object.assign(target, ...sources)` building event properties: each source's keys are
    /// copied over the target's, so the last `distinct_id` wins. The arguments are lowered for
    /// what they run; the call keeps nothing. A target that is a local properties object holds
    /// the result from here on.
    pub(super) fn object_assign(
        &mut self,
        args: &[Arg<'a>],
        scope: &mut Scope,
        out: &mut Block,
    ) -> Props {
        let mut props = Props::default();
        for arg in args {
            match arg.stripped() {
                Some(Expression::ObjectExpression(object)) => {
                    let (source, _) = self.object_distinct_id(object, scope, out);
                    props.merge(source);
                }
                Some(Expression::Identifier(id)) => {
                    if let Some(source) = scope.props.get(id.name.as_str()).cloned() {
                        props.merge(source);
                    }
                }
                _ => {
                    self.arg_value(*arg, scope, out);
                }
            }
        }
        if let Some(Expression::Identifier(target)) = args.first().and_then(|a| a.stripped()) {
            scope
                .props
                .insert(target.name.as_str().to_owned(), props.clone());
        }
        props
    }

    /// The tracker a method is called on, and whether the call is on its people object.
    fn tracker_receiver(
        &self,
        object: &'a Expression<'a>,
        scope: &Scope,
    ) -> Option<TrackerReceiver> {
        let object = strip(object);
        // `mixpanel.people.set(..)`, React Native's `mixpanel.getPeople().set(..)`.
        let people = self
            .member_of(object)
            .or_else(|| as_call(object).and_then(|call| self.member_of(&call.callee)));
        if let Some(member) = people
            && let Some(tracker) = self.tracker_of(member.object, scope)
            && member
                .property
                .is_some_and(|p| self.is_people_accessor(tracker, p))
        {
            return Some(TrackerReceiver {
                tracker,
                on_people: true,
            });
        }
        let tracker = self.tracker_of(object, scope)?;
        Some(TrackerReceiver {
            tracker,
            on_people: false,
        })
    }

    /// Whether `member` of a tracker is its people object.
    fn is_people_accessor(&self, tracker: Tracker, member: &str) -> bool {
        match tracker {
            Tracker::Known(sdk) => sdk.sdk().is_people_accessor(member),
            // A tracker known only by its name may be any SDK's.
            Tracker::ByName => JAVASCRIPT_SDKS
                .iter()
                .any(|sdk| sdk.sdk().is_people_accessor(member)),
        }
    }

    pub(super) fn tracker_of(&self, node: &'a Expression<'a>, scope: &Scope) -> Option<Tracker> {
        let node = strip(node);
        if let Expression::Identifier(id) = node {
            let name = id.name.as_str();
            if let Some(tracker) = scope.trackers.get(name) {
                return Some(*tracker);
            }
            // `(analytics: AnalyticsInstance) => ..` with the type from a package.
            if scope
                .types
                .get(name)
                .is_some_and(|t| self.bindings.get(t) == Some(&Binding::External))
            {
                return None;
            }
            return match self.bindings.get(name) {
                // The browser SDK's default export is the tracker itself.
                Some(Binding::SdkModule(SdkId::Browser)) => Some(Tracker::Known(SdkId::Browser)),
                Some(Binding::SdkModule(_)) => None,
                // `import { mixpanel } from './analytics'`: a tracker by its name.
                Some(Binding::Project) => self.is_tracker_name(name).then_some(Tracker::ByName),
                Some(_) => None,
                None if scope.locals.contains(name) && !self.is_tracker_name(name) => None,
                None => self.is_tracker_name(name).then_some(Tracker::ByName),
            };
        }
        if let Some(member) = self.member_of(node) {
            let property = member.property?;
            if !self.tracker_fields.is_empty()
                && let Expression::ThisExpression(_) = strip(member.object)
                && let Some(class) = &scope.self_type
                && let Some(sdk) = self
                    .tracker_fields
                    .get(&(class.clone(), property.to_owned()))
            {
                return Some(Tracker::Known(*sdk));
            }
            // `mixpanel.<name>`: a named instance of the browser SDK.
            if let Some(Tracker::Known(SdkId::Browser)) = self.tracker_of(member.object, scope)
                && SdkId::Browser.sdk().method(property, false).is_none()
                && !SdkId::Browser.sdk().is_people_accessor(property)
            {
                return Some(Tracker::Known(SdkId::Browser));
            }
            return self.is_tracker_name(property).then_some(Tracker::ByName);
        }
        if let Some(call) = as_call(node) {
            let function = strip(&call.callee);
            // `Mixpanel.init(..)`, `mixpanel.init(..)`: the SDK's tracker.
            if let Some(member) = self.member_of(function)
                && member.property == Some("init")
            {
                if let Some(Binding::SdkModule(sdk)) =
                    self.bindings.get(self.text(member.object.span()))
                {
                    return Some(Tracker::Known(*sdk));
                }
                return self.tracker_of(member.object, scope);
            }
            // `getMixpanel()`, `useMixpanel()`: an accessor named like a tracker, unless a
            // package that is not an SDK makes the value.
            if self.made_by_package(node) {
                return None;
            }
            let name = self.text(function.span()).rsplit('.').next().unwrap_or("");
            return self.is_tracker_accessor(name).then_some(Tracker::ByName);
        }
        if let Expression::NewExpression(new) = node {
            return match self.bindings.get(self.text(new.callee.span())) {
                Some(Binding::SdkModule(sdk)) => Some(Tracker::Known(*sdk)),
                _ => None,
            };
        }
        None
    }

    /// `getMixpanel`, `useAnalytics`: `get` or `use` and a tracker name, in any case.
    fn is_tracker_accessor(&self, name: &str) -> bool {
        let Some(rest) = name.get(3..) else {
            return false;
        };
        if !(name[..3].eq_ignore_ascii_case("get") || name[..3].eq_ignore_ascii_case("use")) {
            return false;
        }
        if !name.is_ascii() {
            let lowered = name.to_lowercase();
            return self
                .options
                .tracker_names
                .iter()
                .any(|t| lowered == format!("get{t}") || lowered == format!("use{t}"));
        }
        self.options
            .tracker_names
            .iter()
            .any(|t| !t.bytes().any(|b| b.is_ascii_uppercase()) && rest.eq_ignore_ascii_case(t))
    }

    pub(super) fn constructed_type(&self, value: &'a Expression<'a>) -> Option<String> {
        match strip(value) {
            Expression::NewExpression(new) => Some(self.text(new.callee.span()).to_owned()),
            _ => None,
        }
    }

    fn receiver_type(&self, object: &'a Expression<'a>, scope: &Scope) -> Option<String> {
        match strip(object) {
            Expression::ThisExpression(_) => scope.self_type.clone(),
            Expression::Identifier(id) => scope.types.get(id.name.as_str()).cloned(),
            _ => None,
        }
    }
}

/// A call, also at the head of an optional chain (`a?.b()`).
fn as_call<'a>(expr: &'a Expression<'a>) -> Option<&'a CallExpression<'a>> {
    match expr {
        Expression::CallExpression(call) => Some(call),
        Expression::ChainExpression(chain) => match &chain.expression {
            ChainElement::CallExpression(call) => Some(call),
            _ => None,
        },
        _ => None,
    }
}

/// How a call passes its lowered `values` (one per argument, then the values of object literal
/// properties handed over with them, which no parameter receives: they go under a name no
/// parameter has), and whether it spreads an argument (`f(...ids)`: it may pass any number).
fn passing(args: &[Arg], values: &[Value]) -> (Vec<Option<String>>, bool) {
    let spread = args.iter().any(|arg| matches!(arg, Arg::Spread(_)));
    if values.len() <= args.len() {
        return (Vec::new(), spread);
    }
    let keywords = (0..values.len())
        .map(|i| (i >= args.len()).then(|| HANDED.to_owned()))
        .collect();
    (keywords, spread)
}

/// The name the values inside an object literal argument are passed under.
const HANDED: &str = "{..}";
