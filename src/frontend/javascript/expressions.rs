//! Values: literals, names, members, templates, operators, assignments (what they bind and
//! what they persist), conditionals, function values, object and array literals, JSX.

use oxc_ast::ast::{
    AssignmentTarget, BinaryOperator, ChainElement, Expression, JSXAttributeItem,
    JSXAttributeValue, JSXChild, JSXElement, JSXExpressionContainer, LogicalExpression,
    LogicalOperator, MemberExpression, ObjectExpression, ObjectPropertyKind, PropertyKind,
    SimpleAssignmentTarget, TemplateLiteral, UnaryOperator,
};

use super::lowerer::{Arg, FunctionNode, Lowerer, Scope, strip};
use crate::frontend::{
    Condition, branch_value, comparison, concatenation, fallback_value, guard_arms, method_test,
};
use crate::ir::{Block, FunctionKind, Stmt, Value};
use crate::sdk::DISTINCT_ID_KEY;

impl<'a> Lowerer<'a> {
    pub(super) fn expr(
        &mut self,
        expr: &'a Expression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        match expr {
            // `undefined` is no value: `identify(undefined)` re-identifies as `identify()` does.
            Expression::Identifier(id) => match id.name.as_str() {
                "undefined" => Value::Unknown,
                name => Value::local(name),
            },
            Expression::ThisExpression(_) => Value::local("this"),
            Expression::NullLiteral(_) => Value::Null,
            Expression::BooleanLiteral(literal) => Value::Bool(literal.value),
            Expression::NumericLiteral(literal) => Value::Num(self.text(literal.span).to_owned()),
            Expression::StringLiteral(_) => Value::Str(self.string_value(expr).unwrap_or_default()),
            Expression::TemplateLiteral(template) => self.template(template, scope, out),
            Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)
            | Expression::PrivateFieldExpression(_) => match expr.as_member_expression() {
                Some(member) => self.member_value(member, scope, out),
                None => Value::Unknown,
            },
            Expression::ChainExpression(chain) => match &chain.expression {
                ChainElement::CallExpression(call) => self.call_expression(call, scope, out),
                ChainElement::TSNonNullExpression(e) => self.expr(&e.expression, scope, out),
                element => match element.as_member_expression() {
                    Some(member) => self.member_value(member, scope, out),
                    None => Value::Unknown,
                },
            },
            Expression::ParenthesizedExpression(e) => self.expr(&e.expression, scope, out),
            Expression::TSAsExpression(e) => self.expr(&e.expression, scope, out),
            Expression::TSSatisfiesExpression(e) => self.expr(&e.expression, scope, out),
            Expression::TSNonNullExpression(e) => self.expr(&e.expression, scope, out),
            Expression::TSTypeAssertion(e) => self.expr(&e.expression, scope, out),
            Expression::AwaitExpression(e) => self.expr(&e.argument, scope, out),
            Expression::CallExpression(call) => self.call_expression(call, scope, out),
            Expression::TaggedTemplateExpression(tagged) => {
                // ``tag`a${b}` `` calls `tag` with the strings, then the substitutions.
                let args = std::iter::once(Arg::Unknown)
                    .chain(tagged.quasi.expressions.iter().map(Arg::Expr))
                    .collect();
                self.call(&tagged.tag, args, tagged.span, scope, out)
            }
            Expression::NewExpression(new) => self.new_expression(new, scope, out),
            Expression::AssignmentExpression(assignment) => {
                let value = self.expr(&assignment.right, scope, out);
                self.assign(&assignment.left, value.clone(), assignment.span, scope, out);
                value
            }
            Expression::BinaryExpression(binary) => {
                let left = self.expr(&binary.left, scope, out);
                let right = self.expr(&binary.right, scope, out);
                match binary.operator {
                    BinaryOperator::Addition => concatenation(left, right),
                    _ => Value::Unknown,
                }
            }
            Expression::LogicalExpression(logical) => self.logical(logical, scope, out),
            Expression::ConditionalExpression(conditional) => {
                let condition = self.condition(&conditional.test, scope, out);
                let mut then = Vec::new();
                let mut otherwise = Vec::new();
                guard_arms(condition, &mut then, &mut otherwise);
                let a = self.expr(&conditional.consequent, scope, &mut then);
                let b = self.expr(&conditional.alternate, scope, &mut otherwise);
                branch_value(then, a, otherwise, b, scope, out)
            }
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => {
                // A function value not called here: a function of its own (an event handler, a
                // callback kept for later), analysed as its own entry point.
                if let Some(node) = FunctionNode::of(expr) {
                    let name = node.name().unwrap_or("<anonymous>").to_owned();
                    self.function(
                        node,
                        None,
                        name,
                        None,
                        FunctionKind::Free,
                        false,
                        Some(scope),
                    );
                }
                Value::Unknown
            }
            Expression::ObjectExpression(object) => {
                self.object_literal(object, scope, out);
                Value::Object(self.object_keys(object))
            }
            Expression::JSXElement(element) => {
                self.jsx_element(element, scope, out);
                Value::Unknown
            }
            Expression::JSXFragment(fragment) => {
                self.jsx_children(&fragment.children, scope, out);
                Value::Unknown
            }
            Expression::ArrayExpression(array) => {
                for element in &array.elements {
                    if let Some(element) = element.as_expression() {
                        self.expr(element, scope, out);
                    } else if let oxc_ast::ast::ArrayExpressionElement::SpreadElement(spread) =
                        element
                    {
                        self.expr(&spread.argument, scope, out);
                    }
                }
                Value::Unknown
            }
            Expression::SequenceExpression(sequence) => {
                for expression in &sequence.expressions {
                    self.expr(expression, scope, out);
                }
                Value::Unknown
            }
            Expression::UnaryExpression(unary) => {
                let value = self.expr(&unary.argument, scope, out);
                match (unary.operator, value) {
                    // `-1`: a number as written.
                    (UnaryOperator::UnaryNegation, Value::Num(number)) => {
                        Value::Num(format!("-{number}"))
                    }
                    _ => Value::Unknown,
                }
            }
            // `yield call(api.logout)`: what it yields runs (its value comes back from outside).
            Expression::YieldExpression(expression) => {
                if let Some(argument) = &expression.argument {
                    self.expr(argument, scope, out);
                }
                Value::Unknown
            }
            Expression::UpdateExpression(update) => {
                self.simple_target_value(&update.argument, scope, out);
                Value::Unknown
            }
            _ => Value::Unknown,
        }
    }

    /// Lowers the property values of an object literal; returns the value of its
    /// `distinct_id` property, if it has one.
    pub(super) fn object_literal(
        &mut self,
        object: &'a ObjectExpression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Option<Value> {
        let mut distinct_id = None;
        for member in &object.properties {
            // `{ logout() {..}, onPress: () => {..} }`: a closure named by its key.
            if let Some(function) = self.object_member_function(member) {
                self.function(
                    function.node,
                    function.key_span,
                    function.name,
                    None,
                    FunctionKind::Free,
                    false,
                    Some(scope),
                );
                continue;
            }
            let ObjectPropertyKind::ObjectProperty(property) = member else {
                continue;
            };
            let is_id = self
                .key_text(&property.key, property.computed)
                .trim_matches(['"', '\''])
                == DISTINCT_ID_KEY;
            if property.shorthand {
                if distinct_id.is_none() && is_id {
                    distinct_id = Some(Value::local(DISTINCT_ID_KEY));
                }
            } else if property.kind == PropertyKind::Init && !property.method {
                let value = self.expr(&property.value, scope, out);
                if distinct_id.is_none() && is_id {
                    distinct_id = Some(value);
                }
            }
        }
        distinct_id
    }

    /// The keys of an object literal's properties that are not functions, as written
    /// (`{ id, email: e }` → `id`, `email`).
    pub(super) fn object_keys(&self, object: &'a ObjectExpression<'a>) -> Vec<String> {
        object
            .properties
            .iter()
            .filter(|property| self.object_member_function(property).is_none())
            .filter_map(|property| match property {
                ObjectPropertyKind::ObjectProperty(property)
                    if property.kind == PropertyKind::Init && !property.method =>
                {
                    let key = self.key_text(&property.key, property.computed);
                    Some(key.trim_matches(['"', '\'']).to_owned())
                }
                _ => None,
            })
            .collect()
    }

    /// The value of an argument: a spread is the value it spreads.
    pub(super) fn arg_value(&mut self, arg: Arg<'a>, scope: &mut Scope, out: &mut Block) -> Value {
        match arg {
            Arg::Expr(e) | Arg::Spread(e) => self.expr(e, scope, out),
            Arg::Unknown => Value::Unknown,
        }
    }

    fn template(
        &mut self,
        template: &'a TemplateLiteral<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        if template.expressions.is_empty() {
            let text = self.text(template.span);
            return Value::Str(
                text.get(1..text.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_owned(),
            );
        }
        // `anon-${id}` is still `id`.
        let values: Vec<Value> = template
            .expressions
            .iter()
            .map(|e| self.expr(e, scope, out))
            .collect();
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

    pub(super) fn member_value(
        &mut self,
        member: &'a MemberExpression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let Some(parts) = self.member(member) else {
            return Value::Unknown;
        };
        let base = self.expr(parts.object, scope, out);
        let field = match (parts.property, parts.index) {
            (Some(property), _) => Some(property.to_owned()),
            (None, Some(index)) => {
                let value = self.string_value(index);
                if value.is_none() {
                    self.expr(index, scope, out);
                }
                value
            }
            (None, None) => None,
        };
        base.field(field)
    }

    /// Lowers a test; what it says about one named value: `isNew`, `!this.ready`,
    /// `user == null`, `flag === false`.
    pub(super) fn condition(
        &mut self,
        test: &'a Expression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Condition {
        match strip(test) {
            Expression::UnaryExpression(unary) if unary.operator == UnaryOperator::LogicalNot => {
                !self.condition(&unary.argument, scope, out)
            }
            // The right side is tested only when the left lets it: its own calls go on that path.
            Expression::LogicalExpression(logical)
                if logical.operator != LogicalOperator::Coalesce =>
            {
                let or = logical.operator == LogicalOperator::Or;
                let left = self.condition(&logical.left, scope, out);
                let mut tested = Vec::new();
                let right = self.condition(&logical.right, scope, &mut tested);
                if !tested.is_empty() {
                    let mut skipped = Vec::new();
                    let left_lets_it = if or { !left.clone() } else { left.clone() };
                    guard_arms(left_lets_it, &mut tested, &mut skipped);
                    out.push(Stmt::Branch(vec![tested, skipped]));
                }
                left.join(right, or)
            }
            Expression::BinaryExpression(binary) if binary.operator.is_equality() => {
                let (tested, against) = if is_literal_test(&binary.right) {
                    (&binary.left, &binary.right)
                } else {
                    (&binary.right, &binary.left)
                };
                let equal = matches!(
                    binary.operator,
                    BinaryOperator::Equality | BinaryOperator::StrictEquality
                );
                let Some(truthy) = literal_truthiness(against) else {
                    let left = self.expr(&binary.left, scope, out);
                    let right = self.expr(&binary.right, scope, out);
                    return comparison(left, right, equal, scope, out);
                };
                let value = self.expr(tested, scope, out);
                Condition::on(value, truthy == equal)
            }
            // `currentId.startsWith('device_')`: a test of a named value by one of its methods.
            Expression::CallExpression(call)
                if call.callee.as_member_expression().is_some_and(|m| {
                    m.static_property_name().is_some() && is_named_path(m.object())
                }) =>
            {
                let member = call.callee.as_member_expression().expect("a member callee");
                let receiver = self.expr(member.object(), scope, out);
                let args: Vec<Value> = call
                    .arguments
                    .iter()
                    .map(|a| match a.as_expression().map(strip) {
                        Some(Expression::StringLiteral(s)) => Value::Str(s.value.to_string()),
                        Some(Expression::NumericLiteral(n)) => Value::Num(n.value.to_string()),
                        _ => Value::Unknown,
                    })
                    .collect();
                let method = member.static_property_name().unwrap_or_default().to_owned();
                self.expr(test, scope, out);
                method_test(receiver, &method, &args, scope, out)
            }
            _ => {
                let value = self.expr(test, scope, out);
                Condition::on(value, true)
            }
        }
    }

    /// `a && b`, `a || b`, `a ?? b`: the right side runs only sometimes.
    fn logical(
        &mut self,
        logical: &'a LogicalExpression<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let left = self.expr(&logical.left, scope, out);
        let and = logical.operator == LogicalOperator::And;
        let mut right_block = Vec::new();
        // `ready && alias(..)` runs the right side when the left is truthy, `a || b` when not.
        if logical.operator != LogicalOperator::Coalesce {
            guard_arms(
                Condition::on(left.clone(), and),
                &mut right_block,
                &mut Vec::new(),
            );
        }
        let right = self.expr(&logical.right, scope, &mut right_block);
        if !and && matches!(right, Value::Fresh { .. }) {
            // `req.cookies.anon || uuidv4()`: fresh on the paths that make one.
            return branch_value(right_block, right, Vec::new(), left, scope, out);
        }
        out.push(Stmt::Branch(vec![right_block, Vec::new()]));
        fallback_value(and, left, right)
    }

    /// `target = value`: a local now denotes the value, a property persists it, a pattern binds
    /// its names.
    fn assign(
        &mut self,
        left: &'a AssignmentTarget<'a>,
        value: Value,
        whole: oxc_span::Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        if let Some(pattern) = left.as_assignment_target_pattern() {
            self.destructure_target(pattern, value, scope, out);
            return;
        }
        let Some(target) = left.as_simple_assignment_target() else {
            return;
        };
        match target {
            SimpleAssignmentTarget::AssignmentTargetIdentifier(id) => out.push(Stmt::Let {
                name: id.name.as_str().to_owned(),
                value,
            }),
            SimpleAssignmentTarget::TSAsExpression(e) => {
                self.assign_expression(&e.expression, value, whole, scope, out)
            }
            SimpleAssignmentTarget::TSSatisfiesExpression(e) => {
                self.assign_expression(&e.expression, value, whole, scope, out)
            }
            SimpleAssignmentTarget::TSNonNullExpression(e) => {
                self.assign_expression(&e.expression, value, whole, scope, out)
            }
            SimpleAssignmentTarget::TSTypeAssertion(e) => {
                self.assign_expression(&e.expression, value, whole, scope, out)
            }
            target => {
                if let Some(member) = target.as_member_expression() {
                    self.assign_member(member, value, whole, scope, out);
                }
            }
        }
    }

    /// An assignment to `(x as T)` or `x!`: to what is inside.
    fn assign_expression(
        &mut self,
        target: &'a Expression<'a>,
        value: Value,
        whole: oxc_span::Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        match strip(target) {
            Expression::Identifier(id) => out.push(Stmt::Let {
                name: id.name.as_str().to_owned(),
                value,
            }),
            target => {
                if let Some(member) = target.as_member_expression() {
                    self.assign_member(member, value, whole, scope, out);
                }
            }
        }
    }

    /// `object.field = value` persists the value; `props.distinct_id = id` builds event
    /// properties and stores nothing.
    fn assign_member(
        &mut self,
        member: &'a MemberExpression<'a>,
        value: Value,
        whole: oxc_span::Span,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        if let Some(parts) = self.member(member)
            && parts.property == Some(DISTINCT_ID_KEY)
            && let Expression::Identifier(object) = parts.object
        {
            scope
                .props_ids
                .insert(object.name.as_str().to_owned(), value);
            return;
        }
        self.member_value(member, scope, out);
        out.push(Stmt::Persist {
            value,
            span: self.span(whole),
        });
    }

    /// The operand of `x++`: lowered for the calls inside it.
    fn simple_target_value(
        &mut self,
        target: &'a SimpleAssignmentTarget<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        match target {
            SimpleAssignmentTarget::TSAsExpression(e) => {
                self.expr(&e.expression, scope, out);
            }
            SimpleAssignmentTarget::TSSatisfiesExpression(e) => {
                self.expr(&e.expression, scope, out);
            }
            SimpleAssignmentTarget::TSNonNullExpression(e) => {
                self.expr(&e.expression, scope, out);
            }
            SimpleAssignmentTarget::TSTypeAssertion(e) => {
                self.expr(&e.expression, scope, out);
            }
            target => {
                if let Some(member) = target.as_member_expression() {
                    self.member_value(member, scope, out);
                }
            }
        }
    }

    /// JSX: the expressions of attributes and children, in source order.
    fn jsx_element(&mut self, element: &'a JSXElement<'a>, scope: &mut Scope, out: &mut Block) {
        for attribute in &element.opening_element.attributes {
            match attribute {
                JSXAttributeItem::Attribute(attribute) => match &attribute.value {
                    Some(JSXAttributeValue::ExpressionContainer(container)) => {
                        self.jsx_container(container, scope, out)
                    }
                    Some(JSXAttributeValue::Element(element)) => {
                        self.jsx_element(element, scope, out)
                    }
                    Some(JSXAttributeValue::Fragment(fragment)) => {
                        self.jsx_children(&fragment.children, scope, out)
                    }
                    Some(JSXAttributeValue::StringLiteral(_)) | None => {}
                },
                JSXAttributeItem::SpreadAttribute(spread) => {
                    self.expr(&spread.argument, scope, out);
                }
            }
        }
        self.jsx_children(&element.children, scope, out);
    }

    fn jsx_children(&mut self, children: &'a [JSXChild<'a>], scope: &mut Scope, out: &mut Block) {
        for child in children {
            match child {
                JSXChild::Element(element) => self.jsx_element(element, scope, out),
                JSXChild::Fragment(fragment) => self.jsx_children(&fragment.children, scope, out),
                JSXChild::ExpressionContainer(container) => {
                    self.jsx_container(container, scope, out)
                }
                JSXChild::Spread(spread) => {
                    self.expr(&spread.expression, scope, out);
                }
                JSXChild::Text(_) => {}
            }
        }
    }

    fn jsx_container(
        &mut self,
        container: &'a JSXExpressionContainer<'a>,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        if let Some(expression) = container.expression.as_expression() {
            self.expr(expression, scope, out);
        }
    }
}

/// `null`, `undefined`, `true`, `false`: what a test against it says about the other side.
fn is_literal_test(expr: &Expression) -> bool {
    literal_truthiness(expr).is_some()
}

/// Whether a value equal to this literal is truthy: `x === null` says `x` is falsy.
fn literal_truthiness(expr: &Expression) -> Option<bool> {
    match strip(expr) {
        Expression::NullLiteral(_) => Some(false),
        Expression::Identifier(id) if id.name == "undefined" => Some(false),
        Expression::BooleanLiteral(b) => Some(b.value),
        _ => None,
    }
}

/// A variable or a field path below one (`currentId`, `this.user.id`): lowering it twice
/// makes no call.
fn is_named_path(expr: &Expression) -> bool {
    match strip(expr) {
        Expression::Identifier(_) | Expression::ThisExpression(_) => true,
        Expression::StaticMemberExpression(member) => is_named_path(&member.object),
        _ => false,
    }
}
