//! Expressions: what a value is as far as ids go (a literal, a path such as `user.email`, a
//! fresh id), and the statements its calls, conditions and comprehensions add.

use ruff_python_ast::{
    BoolOp, CmpOp, Comprehension, Expr, ExprBoolOp, ExprIf, ExprNamed, ExprSubscript, FString,
    FStringPart, FStringValue, InterpolatedStringElements, UnaryOp,
};

use super::lowerer::{Lowerer, Scope, string_literal};
use super::statements::pattern_names;
use crate::frontend::{
    Condition, branch_value, comparison, concatenation, fallback_value, guard_arms, method_test,
};
use crate::ir::{Block, Stmt as IrStmt, Value};

/// Whether a value says anything about an id: a path, a fresh value.
fn names_an_id(value: &Value) -> bool {
    matches!(value, Value::Fresh { .. } | Value::Path { .. })
}

/// The index of a subscript that says which item it is: the first of `x["a", 1]`.
fn first_index(slice: &Expr) -> &Expr {
    match slice {
        Expr::Tuple(tuple) if !tuple.parenthesized => tuple.elts.first().unwrap_or(slice),
        _ => slice,
    }
}

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, expr: &Expr, scope: &mut Scope, out: &mut Block) -> Value {
        match expr {
            Expr::Name(name) => Value::local(name.id.as_str()),
            Expr::NoneLiteral(_) => Value::Null,
            Expr::BooleanLiteral(boolean) => Value::Bool(boolean.value),
            Expr::NumberLiteral(number) => Value::Num(self.text(number).to_owned()),
            // `-1`: a number as written.
            Expr::UnaryOp(unary)
                if unary.op == UnaryOp::USub
                    && matches!(&*unary.operand, Expr::NumberLiteral(_)) =>
            {
                Value::Num(format!("-{}", self.text(&*unary.operand)))
            }
            Expr::StringLiteral(_) | Expr::BytesLiteral(_) => match string_literal(expr) {
                Some(literal) => Value::Str(literal),
                // `"a" "b"`: pieces, none of which is an id.
                None => Value::Unknown,
            },
            Expr::FString(fstring) => self.fstring(&fstring.value, scope, out),
            Expr::TString(tstring) => {
                // A template is not a string: its values are evaluated, it names no id.
                for part in tstring.value.iter() {
                    self.interpolations(&part.elements, scope, out);
                }
                Value::Unknown
            }
            Expr::Attribute(attribute) => {
                let base = self.expr(&attribute.value, scope, out);
                base.field(Some(attribute.attr.to_string()))
            }
            Expr::Subscript(subscript) => self.subscript(subscript, scope, out),
            Expr::Await(inner) => self.expr(&inner.value, scope, out),
            Expr::Call(call) => self.call(call, scope, out),
            Expr::Named(named) => self.named(named, scope, out),
            Expr::BoolOp(boolean) => self.boolean_operation(boolean, scope, out),
            Expr::If(conditional) => self.conditional(conditional, scope, out),
            Expr::BinOp(binary) => {
                let left = self.expr(&binary.left, scope, out);
                let right = self.expr(&binary.right, scope, out);
                concatenation(left, right)
            }
            Expr::Dict(dict) => {
                self.operands(expr, scope, out);
                let keys = dict.items.iter();
                Value::Object(
                    keys.filter_map(|item| string_literal(item.key.as_ref()?))
                        .collect(),
                )
            }
            Expr::Lambda(lambda) => {
                self.lambda(lambda, scope);
                Value::Unknown
            }
            Expr::ListComp(comprehension) => {
                self.comprehension(&comprehension.generators, &[&comprehension.elt], scope, out)
            }
            Expr::SetComp(comprehension) => {
                self.comprehension(&comprehension.generators, &[&comprehension.elt], scope, out)
            }
            Expr::Generator(comprehension) => {
                self.comprehension(&comprehension.generators, &[&comprehension.elt], scope, out)
            }
            Expr::DictComp(comprehension) => {
                let elements: Vec<&Expr> = comprehension
                    .key
                    .as_deref()
                    .into_iter()
                    .chain([&*comprehension.value])
                    .collect();
                self.comprehension(&comprehension.generators, &elements, scope, out)
            }
            _ => {
                self.operands(expr, scope, out);
                Value::Unknown
            }
        }
    }

    /// `session["anon_id"]` is the field `anon_id` of `session`; an index that is not a string
    /// literal is evaluated, and the item is unknown.
    fn subscript(
        &mut self,
        subscript: &ExprSubscript,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let base = self.expr(&subscript.value, scope, out);
        let index = first_index(&subscript.slice);
        let key = string_literal(index);
        if key.is_none() {
            self.effects(index, scope, out);
        }
        base.field(key)
    }

    /// `(found := lookup(user))` binds `found` and is its value.
    fn named(&mut self, named: &ExprNamed, scope: &mut Scope, out: &mut Block) -> Value {
        let value = self.expr(&named.value, scope, out);
        if let Expr::Name(name) = &*named.target {
            let name = name.id.to_string();
            scope.locals.insert(name.clone());
            out.push(IrStmt::Let {
                name,
                value: value.clone(),
            });
        }
        value
    }

    /// Lowers an expression whose value is not used: only its calls (and `:=` bindings) add
    /// statements, so names, attributes and literals are skipped without building values.
    pub(super) fn effects(&mut self, expr: &Expr, scope: &mut Scope, out: &mut Block) {
        match expr {
            Expr::Name(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => {}
            Expr::Attribute(attribute) => self.effects(&attribute.value, scope, out),
            Expr::Await(inner) => self.effects(&inner.value, scope, out),
            _ => {
                self.expr(expr, scope, out);
            }
        }
    }

    /// The parts of a compound value (a collection, an operator, a `yield`): their calls run,
    /// the compound itself is no id.
    fn operands(&mut self, expr: &Expr, scope: &mut Scope, out: &mut Block) {
        match expr {
            Expr::List(list) => self.each(&list.elts, scope, out),
            Expr::Tuple(tuple) => self.each(&tuple.elts, scope, out),
            Expr::Set(set) => self.each(&set.elts, scope, out),
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        self.effects(key, scope, out);
                    }
                    self.effects(&item.value, scope, out);
                }
            }
            Expr::UnaryOp(unary) => {
                self.effects(&unary.operand, scope, out);
            }
            Expr::Compare(compare) => {
                self.effects(&compare.left, scope, out);
                self.each(&compare.comparators, scope, out);
            }
            Expr::Starred(starred) => {
                self.effects(&starred.value, scope, out);
            }
            Expr::Yield(expression) => {
                if let Some(value) = &expression.value {
                    self.effects(value, scope, out);
                }
            }
            Expr::YieldFrom(expression) => {
                self.effects(&expression.value, scope, out);
            }
            // Literals, `...`, slices, IPython escapes.
            _ => {}
        }
    }

    fn each(&mut self, exprs: &[Expr], scope: &mut Scope, out: &mut Block) {
        for expr in exprs {
            self.effects(expr, scope, out);
        }
    }

    /// `f"anon-{uid}"` is still `uid`; an f-string without fields is a literal.
    fn fstring(&mut self, value: &FStringValue, scope: &mut Scope, out: &mut Block) -> Value {
        let parts: Vec<Value> = value
            .iter()
            .map(|part| match part {
                FStringPart::Literal(literal) => Value::Str(literal.value.to_string()),
                FStringPart::FString(fstring) => self.fstring_part(fstring, scope, out),
            })
            .collect();
        match <[Value; 1]>::try_from(parts) {
            Ok([single]) => single,
            // Implicitly concatenated pieces: the first that names an id.
            Err(parts) => parts
                .into_iter()
                .find(names_an_id)
                .unwrap_or(Value::Unknown),
        }
    }

    fn fstring_part(&mut self, fstring: &FString, scope: &mut Scope, out: &mut Block) -> Value {
        if fstring.elements.interpolations().next().is_none() {
            return Value::Str(fstring.elements.literals().map(|l| &*l.value).collect());
        }
        self.interpolations(&fstring.elements, scope, out)
            .into_iter()
            .find(|v| names_an_id(v) || *v == Value::CurrentId)
            .unwrap_or(Value::Unknown)
    }

    /// The values of an f-string's (or a template's) replacement fields, in order; those of
    /// format specifications are not evaluated.
    fn interpolations(
        &mut self,
        elements: &InterpolatedStringElements,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Vec<Value> {
        elements
            .interpolations()
            .map(|field| self.expr(&field.expression, scope, out))
            .collect()
    }

    /// Lowers a test; what it says about one named value: `is_new`, `not user`,
    /// `anon is None`, `flag == False`.
    pub(super) fn condition(
        &mut self,
        test: &Expr,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Condition {
        match test {
            Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
                !self.condition(&unary.operand, scope, out)
            }
            // Each operand is tested only when the ones before it let it: its calls go there.
            Expr::BoolOp(boolean) => {
                let or = boolean.op == BoolOp::Or;
                let Some((first, rest)) = boolean.values.split_first() else {
                    return Condition::Unknown;
                };
                let mut joined = self.condition(first, scope, out);
                for operand in rest {
                    let mut tested = Vec::new();
                    let next = self.condition(operand, scope, &mut tested);
                    if !tested.is_empty() {
                        let mut skipped = Vec::new();
                        let so_far = if or { !joined.clone() } else { joined.clone() };
                        guard_arms(so_far, &mut tested, &mut skipped);
                        out.push(IrStmt::Branch(vec![tested, skipped]));
                    }
                    joined = joined.join(next, or);
                }
                joined
            }
            Expr::Compare(compare)
                if compare.ops.len() == 1
                    && matches!(
                        compare.comparators.first(),
                        Some(Expr::NoneLiteral(_) | Expr::BooleanLiteral(_))
                    ) =>
            {
                let truthy = matches!(&compare.comparators[0], Expr::BooleanLiteral(b) if b.value);
                let equal = match compare.ops[0] {
                    CmpOp::Is | CmpOp::Eq => true,
                    CmpOp::IsNot | CmpOp::NotEq => false,
                    _ => {
                        self.effects(test, scope, out);
                        return Condition::Unknown;
                    }
                };
                let value = self.expr(&compare.left, scope, out);
                Condition::on(value, truthy == equal)
            }
            // `mp_id != user.id`: a comparison of two named values.
            Expr::Compare(compare)
                if compare.ops.len() == 1
                    && matches!(
                        compare.ops[0],
                        CmpOp::Eq | CmpOp::NotEq | CmpOp::Is | CmpOp::IsNot
                    ) =>
            {
                let equal = matches!(compare.ops[0], CmpOp::Eq | CmpOp::Is);
                let left = self.expr(&compare.left, scope, out);
                let right = self.expr(&compare.comparators[0], scope, out);
                comparison(left, right, equal, scope, out)
            }
            Expr::Compare(_) => {
                self.effects(test, scope, out);
                Condition::Unknown
            }
            // `distinct_id.startswith("$device:")`: a test of a named value by one of its methods.
            Expr::Call(call) if matches!(&*call.func, Expr::Attribute(a) if is_named_path(&a.value)) =>
            {
                let Expr::Attribute(attribute) = &*call.func else {
                    unreachable!("matched above")
                };
                let receiver = self.expr(&attribute.value, scope, out);
                let args: Vec<Value> = call
                    .arguments
                    .args
                    .iter()
                    .map(|arg| match arg {
                        Expr::StringLiteral(s) => Value::Str(s.value.to_str().to_owned()),
                        _ => Value::Unknown,
                    })
                    .collect();
                self.effects(test, scope, out);
                method_test(receiver, attribute.attr.as_str(), &args, scope, out)
            }
            _ => {
                let value = self.expr(test, scope, out);
                Condition::on(value, true)
            }
        }
    }

    /// `a or b`: `b` runs only on some paths; the value is the one some path sends as an id
    /// (`session.get("anon") or uuid4()` keeps the fresh id for the paths that make one).
    fn boolean_operation(
        &mut self,
        boolean: &ExprBoolOp,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let is_and = boolean.op == BoolOp::And;
        let Some((first, rest)) = boolean.values.split_first() else {
            return Value::Unknown;
        };
        let mut left = self.expr(first, scope, out);
        for operand in rest {
            let mut right_block = Vec::new();
            let right = self.expr(operand, scope, &mut right_block);
            left = match (is_and, &right) {
                // `session.get("anon") or uuid4()`: fresh on the paths that make one.
                (false, Value::Fresh { .. }) => {
                    branch_value(right_block, right, Vec::new(), left, scope, out)
                }
                _ => {
                    out.push(IrStmt::Branch(vec![right_block, Vec::new()]));
                    fallback_value(is_and, left, right)
                }
            };
        }
        left
    }

    /// `a if test else b`: a branch; `x if x else uuid4()` keeps the fresh id.
    fn conditional(&mut self, conditional: &ExprIf, scope: &mut Scope, out: &mut Block) -> Value {
        let condition = self.condition(&conditional.test, scope, out);
        let mut then = Vec::new();
        let mut otherwise = Vec::new();
        guard_arms(condition, &mut then, &mut otherwise);
        let a = self.expr(&conditional.body, scope, &mut then);
        let b = self.expr(&conditional.orelse, scope, &mut otherwise);
        branch_value(then, a, otherwise, b, scope, out)
    }

    /// `[f(u) for u in users if u.ok]`: a loop over the `for` clauses' bindings; the iterables
    /// are evaluated before it, the conditions and the element in it.
    fn comprehension(
        &mut self,
        generators: &[Comprehension],
        elements: &[&Expr],
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let mut bindings = Vec::new();
        for generator in generators {
            self.effects(&generator.iter, scope, out);
            bindings.extend(pattern_names(&generator.target));
        }
        scope.locals.extend(bindings.iter().cloned());
        let mut body = Vec::new();
        for condition in generators.iter().flat_map(|g| &g.ifs) {
            self.effects(condition, scope, &mut body);
        }
        for element in elements {
            self.effects(element, scope, &mut body);
        }
        out.push(IrStmt::Loop { bindings, body });
        Value::Unknown
    }
}

/// A name or an attribute path below one (`distinct_id`, `self.user.id`): lowering it twice
/// makes no call.
fn is_named_path(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) => true,
        Expr::Attribute(attribute) => is_named_path(&attribute.value),
        _ => false,
    }
}
