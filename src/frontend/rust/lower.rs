//! Lowers a `syn` syntax tree into IR.
//!
//! Expressions are flattened: every call is hoisted into a [`Stmt::Call`] whose result gets a
//! temporary name, so the IR keeps the order in which calls run and values stay symbolic paths.

use std::collections::HashMap;

use proc_macro2::{Span as PmSpan, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ImplItem, Item, Pat, Token, TraitItem, Type};

use super::sdk;
use crate::frontend::calls::{
    self, Arguments, MethodCall, Properties, TrackerReceiver, declared_event, init_event, sdk_call,
    sdk_event,
};
use crate::frontend::scope::{Props, Tracker, closure_args};
use crate::frontend::{ClosureSite, FileContext, Options, finish_function, return_value};
use crate::frontend::{Condition, comparison, concatenation, guard_arms, method_test};
use crate::ir::{
    Block, Call, Callee, Event, FileId, Function, FunctionKind, Import, Language, Module, Side,
    Span, Stmt, Value,
};
use crate::sdk::{DISTINCT_ID_KEY, SdkId, SdkMethod, Slot};

pub fn lower_file(
    file: FileId,
    ast: &syn::File,
    context: &FileContext,
    options: &Options,
) -> Module {
    let mut lowerer = Lowerer {
        file,
        options,
        sdk: file_sdk(ast, context.sdk),
        module_path: context.module_path.clone(),
        imports: Vec::new(),
        functions: Vec::new(),
        field_types: HashMap::new(),
        supertypes: Vec::new(),
        constants: Vec::new(),
        inline_modules: 0,
    };
    lowerer.collect_field_types(&ast.items);
    lowerer.items(&ast.items);
    lowerer.module_constants(ast);
    Module {
        file,
        language: Language::Rust,
        path: context.module_path.clone(),
        imports: lowerer.imports,
        functions: lowerer.functions,
        supertypes: lowerer.supertypes,
        trackers: Vec::new(),
    }
}

/// A file that names `tauri_plugin_mixpanel` uses the client SDK whatever its crate says.
fn file_sdk(ast: &syn::File, crate_sdk: Side) -> SdkId {
    let mentions = |needle: &str| {
        ast.items.iter().any(|item| match item {
            Item::Use(u) => quote::quote!(#u).to_string().contains(needle),
            _ => false,
        })
    };
    let side = if mentions("tauri_plugin_mixpanel") {
        Side::Client
    } else if mentions("mixpanel_rs") {
        Side::Server
    } else {
        crate_sdk
    };
    sdk::sdk_of_side(side)
}

struct Lowerer<'a> {
    file: FileId,
    options: &'a Options,
    sdk: SdkId,
    module_path: Vec<String>,
    imports: Vec<Import>,
    functions: Vec<Function>,
    /// `(struct, field)` → the field's main type name, for `self.field.method()` receivers.
    field_types: HashMap<(String, String), String>,
    supertypes: Vec<(String, String)>,
    /// The file's `const` and `static` items that are literals, by the name code reads them
    /// by (`SYSTEM`, `Ids::BOT` for an associated constant).
    constants: Vec<(String, Value)>,
    /// How deep in inline `mod { .. }` blocks the items being lowered are: their constants
    /// belong to another module path than the file's.
    inline_modules: usize,
}

type Scope = crate::frontend::scope::Scope;

impl<'a> Lowerer<'a> {
    fn span(&self, span: PmSpan) -> Span {
        let range = span.byte_range();
        Span {
            file: self.file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    fn collect_field_types(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Struct(s) => {
                    for field in &s.fields {
                        if let (Some(name), Some(ty)) = (&field.ident, main_type(&field.ty)) {
                            self.field_types
                                .insert((s.ident.to_string(), name.to_string()), ty);
                        }
                    }
                }
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.collect_field_types(items);
                    }
                }
                _ => {}
            }
        }
    }

    fn items(&mut self, items: &[Item]) {
        for item in items {
            self.item(item);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Fn(f) => {
                let exported =
                    is_public(&f.vis) || f.sig.ident == "main" || has_entry_attr(&f.attrs);
                self.function(&f.sig, &f.block, None, FunctionKind::Free, exported);
            }
            Item::Const(c) => self.constant(c.ident.to_string(), &c.expr),
            Item::Static(s) if matches!(s.mutability, syn::StaticMutability::None) => {
                self.constant(s.ident.to_string(), &s.expr)
            }
            Item::Impl(imp) => {
                let owner = main_type(&imp.self_ty);
                let is_trait_impl = imp.trait_.is_some();
                if let (Some(owner), Some((_, trait_path, _))) = (&owner, &imp.trait_)
                    && let Some(trait_name) = trait_path.segments.last()
                {
                    self.supertypes
                        .push((owner.clone(), trait_name.ident.to_string()));
                }
                for item in &imp.items {
                    if let (ImplItem::Const(c), Some(owner)) = (item, &owner)
                        && !is_trait_impl
                    {
                        self.constant(format!("{owner}::{}", c.ident), &c.expr);
                    }
                    if let ImplItem::Fn(f) = item {
                        let exported =
                            is_trait_impl || is_public(&f.vis) || has_entry_attr(&f.attrs);
                        self.function(
                            &f.sig,
                            &f.block,
                            owner.as_deref(),
                            FunctionKind::Method,
                            exported,
                        );
                    }
                }
            }
            Item::Trait(t) => {
                let owner = t.ident.to_string();
                for item in &t.items {
                    if let TraitItem::Fn(f) = item
                        && let Some(block) = &f.default
                    {
                        self.function(&f.sig, block, Some(&owner), FunctionKind::Method, true);
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    self.module_path.push(m.ident.to_string());
                    self.inline_modules += 1;
                    self.items(items);
                    self.inline_modules -= 1;
                    self.module_path.pop();
                }
            }
            Item::Use(u) => {
                let mut prefix = Vec::new();
                self.use_tree(&u.tree, &mut prefix);
            }
            _ => {}
        }
    }

    /// A `const` or `static` item of the file: a literal one is a module constant.
    fn constant(&mut self, name: String, expr: &Expr) {
        if self.inline_modules == 0
            && let Some(value) = literal_value(expr)
        {
            self.constants.push((name, value));
        }
    }

    /// The file's literal constants, bound once each in its `<module>` code, where every
    /// frontend puts a module's top-level bindings.
    fn module_constants(&mut self, ast: &syn::File) {
        if self.constants.is_empty() {
            return;
        }
        let body = std::mem::take(&mut self.constants)
            .into_iter()
            .map(|(name, value)| Stmt::Let { name, value })
            .collect();
        let span = ast
            .items
            .first()
            .map_or(PmSpan::call_site(), |item| item.span());
        let mut path = self.module_path.clone();
        path.push("<module>".to_owned());
        self.functions.push(Function {
            name: "<module>".to_owned(),
            path,
            owner: None,
            kind: FunctionKind::Free,
            params: Vec::new(),
            exported: false,
            repeats: None,
            defaults: Vec::new(),
            parent: None,
            span: self.span(span),
            body,
        });
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                self.add_import(prefix, &n.ident.to_string(), &n.ident.to_string())
            }
            syn::UseTree::Rename(r) => {
                self.add_import(prefix, &r.ident.to_string(), &r.rename.to_string())
            }
            syn::UseTree::Glob(_) => self.imports.push(Import {
                scope: self.module_path.clone(),
                local: String::new(),
                path: prefix.clone(),
                glob: true,
            }),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(tree, prefix);
                }
            }
        }
    }

    fn add_import(&mut self, prefix: &[String], name: &str, local: &str) {
        let mut path = prefix.to_vec();
        if name != "self" {
            path.push(name.to_owned());
        }
        let local = if local == "self" {
            path.last().cloned().unwrap_or_default()
        } else {
            local.to_owned()
        };
        self.imports.push(Import {
            scope: self.module_path.clone(),
            local,
            path,
            glob: false,
        });
    }

    fn function(
        &mut self,
        sig: &syn::Signature,
        block: &syn::Block,
        owner: Option<&str>,
        kind: FunctionKind,
        exported: bool,
    ) {
        let name = sig.ident.to_string();
        let mut scope = Scope {
            self_type: owner.map(str::to_owned),
            name: name.clone(),
            ..Scope::default()
        };
        let mut params = Vec::new();
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(_) => {
                    params.push("self".to_owned());
                    scope.locals.insert("self".to_owned());
                }
                syn::FnArg::Typed(typed) => {
                    let param =
                        first_binding(&typed.pat).unwrap_or_else(|| format!("_{}", params.len()));
                    self.declare_typed(&mut scope, &param, &typed.ty);
                    params.push(param);
                }
            }
        }
        let mut path = self.module_path.clone();
        path.extend(owner.map(str::to_owned));
        path.push(name.clone());
        let index = self.reserve_function();
        let mut body = Vec::new();
        let tail = self.inline_block(block, &mut scope, &mut body);
        return_value(&mut body, tail, self.span(block.brace_token.span.close()));
        self.functions[index] = Function {
            name,
            path,
            owner: owner.map(str::to_owned),
            kind,
            params,
            exported,
            repeats: None,
            defaults: Vec::new(),
            parent: None,
            span: self.span(sig.ident.span()),
            body,
        };
    }

    /// Lowers an `if`'s condition; what it says about named values: `is_new`, `!self.ready`,
    /// `a && b`, `id == user.id`, `anon.is_none()`. Both operands of `&&`/`||` are lowered on
    /// the path before the test (their calls are rarely identity calls).
    fn condition(&mut self, cond: &Expr, scope: &mut Scope, out: &mut Block) -> Condition {
        match strip_wrappers(cond) {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => {
                !self.condition(&u.expr, scope, out)
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                let left = self.condition(&b.left, scope, out);
                let right = self.condition(&b.right, scope, out);
                left.join(right, matches!(b.op, syn::BinOp::Or(_)))
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) => {
                let left = self.expr(&b.left, scope, out);
                let right = self.expr(&b.right, scope, out);
                comparison(left, right, matches!(b.op, syn::BinOp::Eq(_)), scope, out)
            }
            Expr::MethodCall(m) if m.args.is_empty() && is_named_path(&m.receiver) => {
                let receiver = self.expr(&m.receiver, scope, out);
                self.expr(cond, scope, out);
                method_test(receiver, &m.method.to_string(), &[], scope, out)
            }
            Expr::Let(_) => {
                self.expr(cond, scope, out);
                Condition::Unknown
            }
            _ => {
                let value = self.expr(cond, scope, out);
                Condition::on(value, true)
            }
        }
    }

    fn reserve_function(&mut self) -> usize {
        self.functions.push(Function {
            name: String::new(),
            path: Vec::new(),
            owner: None,
            kind: FunctionKind::Closure,
            params: Vec::new(),
            exported: false,
            repeats: None,
            defaults: Vec::new(),
            parent: None,
            span: Span {
                file: self.file,
                start: 0,
                end: 0,
            },
            body: Vec::new(),
        });
        self.functions.len() - 1
    }

    fn declare_typed(&self, scope: &mut Scope, name: &str, ty: &Type) {
        scope.locals.insert(name.to_owned());
        if let Some(main) = main_type(ty) {
            if sdk::is_tracker_type(&main) {
                scope.trackers.insert(name.to_owned(), Tracker::Known(()));
            }
            scope.types.insert(name.to_owned(), main);
        }
        if mentions_tracker_type(ty) {
            scope.trackers.insert(name.to_owned(), Tracker::Known(()));
        }
    }

    fn block(&mut self, block: &syn::Block, scope: &mut Scope) -> Block {
        let mut out = Vec::new();
        for stmt in &block.stmts {
            self.stmt(stmt, scope, &mut out);
        }
        out
    }

    fn stmt(&mut self, stmt: &syn::Stmt, scope: &mut Scope, out: &mut Block) {
        match stmt {
            syn::Stmt::Local(local) => self.local(local, scope, out),
            syn::Stmt::Item(Item::Fn(f)) => {
                // A nested fn is a function of the module; it sees none of the outer locals.
                self.function(&f.sig, &f.block, None, FunctionKind::Free, false);
            }
            syn::Stmt::Item(item @ Item::Use(_)) => self.item(item),
            // `const SYSTEM: &str = "backend";` in a body: a name for its literal.
            syn::Stmt::Item(Item::Const(c)) => {
                if let Some(value) = literal_value(&c.expr) {
                    let name = c.ident.to_string();
                    scope.locals.insert(name.clone());
                    out.push(Stmt::Let { name, value });
                }
            }
            syn::Stmt::Item(_) => {}
            syn::Stmt::Expr(expr, _) => {
                self.expr(expr, scope, out);
            }
            syn::Stmt::Macro(m) => {
                self.mac(&m.mac, scope, out);
            }
        }
    }

    fn local(&mut self, local: &syn::Local, scope: &mut Scope, out: &mut Block) {
        let value = match &local.init {
            Some(init) => {
                let value = self.expr(&init.expr, scope, out);
                if let Some((_, diverge)) = &init.diverge {
                    let mut otherwise = Vec::new();
                    self.expr(diverge, scope, &mut otherwise);
                    out.push(Stmt::Branch(vec![Vec::new(), otherwise]));
                }
                value
            }
            None => Value::Unknown,
        };
        let init_expr = local.init.as_ref().map(|init| &*init.expr);
        match binding_of(&local.pat) {
            Some((name, ty)) => {
                if let Some(ty) = ty {
                    self.declare_typed(scope, &name, ty);
                }
                if let Some(init) = init_expr {
                    self.note_initialiser(scope, &name, init, out);
                }
                scope.locals.insert(name.clone());
                out.push(Stmt::Let { name, value });
            }
            None => self.bind_pattern(&local.pat, value, scope, out),
        }
    }

    /// Records what a `let` initialiser says about the new name: a tracker, a closure, a type,
    /// a properties map with a distinct id.
    fn note_initialiser(&mut self, scope: &mut Scope, name: &str, init: &Expr, out: &mut Block) {
        let init = strip_wrappers(init);
        if let Some(ctor_type) = constructor_type(init) {
            if sdk::is_tracker_type(&ctor_type) {
                scope.trackers.insert(name.to_owned(), Tracker::Known(()));
            }
            scope.types.insert(name.to_owned(), ctor_type);
        }
        if self.tracker_of(init, scope).is_some() {
            scope.trackers.insert(name.to_owned(), Tracker::Known(()));
        }
        if let Expr::Closure(closure) = init
            && let Some(Stmt::Call(Call {
                callee: Callee::Local(index),
                ..
            })) = out.last()
        {
            let index = *index;
            // The closure was lowered as a call at its definition; it runs only where it is called.
            out.pop();
            scope
                .closures
                .insert(name.to_owned(), (index, closure.inputs.len()));
        }
        if let Expr::Macro(m) = init
            && let Some(pairs) = self.json_pairs(&m.mac, scope, &mut Vec::new())
        {
            let mut props = Props::default();
            for (key, value) in pairs {
                props.put(&key, Some(value));
            }
            scope.props.insert(name.to_owned(), props);
        }
    }

    /// Binds every name of a destructuring pattern; a single-field pattern (`Some(x)`) keeps the value.
    fn bind_pattern(&mut self, pat: &Pat, value: Value, scope: &mut Scope, out: &mut Block) {
        let names = pattern_bindings(pat);
        let keeps_value =
            names.len() == 1 && matches!(pat, Pat::TupleStruct(t) if t.elems.len() == 1);
        for name in names {
            scope.locals.insert(name.clone());
            let value = if keeps_value {
                value.clone()
            } else {
                Value::Unknown
            };
            out.push(Stmt::Let { name, value });
        }
    }

    fn expr(&mut self, expr: &Expr, scope: &mut Scope, out: &mut Block) -> Value {
        match expr {
            Expr::Lit(_) => literal_value(expr).unwrap_or(Value::Unknown),
            Expr::Unary(u)
                if matches!(u.op, syn::UnOp::Neg(_)) && literal_value(expr).is_some() =>
            {
                literal_value(expr).unwrap_or(Value::Unknown)
            }
            Expr::Path(p) => match (p.path.segments.first(), &scope.self_type) {
                // `Self::BOT` in `impl Ids` is `Ids::BOT`.
                (Some(first), Some(owner))
                    if first.ident == "Self" && p.path.segments.len() > 1 =>
                {
                    let rest = p.path.segments.iter().skip(1).map(|s| s.ident.to_string());
                    let segments: Vec<String> =
                        std::iter::once(owner.clone()).chain(rest).collect();
                    Value::local(segments.join("::"))
                }
                _ => path_value(&p.path),
            },
            Expr::Field(f) => {
                let base = self.expr(&f.base, scope, out);
                let name = match &f.member {
                    syn::Member::Named(name) => name.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                base.field(Some(name))
            }
            Expr::Reference(r) => self.expr(&r.expr, scope, out),
            Expr::Paren(p) => self.expr(&p.expr, scope, out),
            Expr::Group(g) => self.expr(&g.expr, scope, out),
            Expr::Cast(c) => self.expr(&c.expr, scope, out),
            Expr::Unary(u) => self.expr(&u.expr, scope, out),
            Expr::Await(a) => self.expr(&a.base, scope, out),
            Expr::Try(t) => {
                let value = self.expr(&t.expr, scope, out);
                let span = self.span(t.question_token.span);
                out.push(Stmt::Branch(vec![
                    Vec::new(),
                    vec![Stmt::Return {
                        value: None,
                        span,
                        error: true,
                    }],
                ]));
                value
            }
            Expr::MethodCall(m) => self.method_call(m, scope, out),
            Expr::Call(c) => self.call(c, scope, out),
            Expr::Macro(m) => self.mac(&m.mac, scope, out),
            Expr::Block(b) => self.inline_block(&b.block, scope, out),
            Expr::Unsafe(b) => self.inline_block(&b.block, scope, out),
            Expr::Async(b) => self.inline_block(&b.block, scope, out),
            Expr::Const(b) => self.inline_block(&b.block, scope, out),
            Expr::TryBlock(b) => self.inline_block(&b.block, scope, out),
            Expr::If(i) => {
                let condition = self.condition(&i.cond, scope, out);
                let mut then = self.block(&i.then_branch, scope);
                let mut otherwise = Vec::new();
                if let Some((_, e)) = &i.else_branch {
                    self.expr(e, scope, &mut otherwise);
                }
                guard_arms(condition, &mut then, &mut otherwise);
                out.push(Stmt::Branch(vec![then, otherwise]));
                Value::Unknown
            }
            Expr::Let(l) => {
                let value = self.expr(&l.expr, scope, out);
                self.bind_pattern(&l.pat, value, scope, out);
                Value::Unknown
            }
            Expr::Match(m) => {
                let scrutinee = self.expr(&m.expr, scope, out);
                let mut arms = Vec::new();
                for arm in &m.arms {
                    let mut body = Vec::new();
                    self.bind_pattern(&arm.pat, scrutinee.clone(), scope, &mut body);
                    if let Some((_, guard)) = &arm.guard {
                        self.expr(guard, scope, &mut body);
                    }
                    self.expr(&arm.body, scope, &mut body);
                    arms.push(body);
                }
                if !arms.is_empty() {
                    out.push(Stmt::Branch(arms));
                }
                Value::Unknown
            }
            Expr::ForLoop(f) => {
                self.expr(&f.expr, scope, out);
                let bindings = pattern_bindings(&f.pat);
                scope.locals.extend(bindings.iter().cloned());
                let body = self.block(&f.body, scope);
                out.push(Stmt::Loop { bindings, body });
                Value::Unknown
            }
            Expr::While(w) => {
                let mut body = Vec::new();
                self.expr(&w.cond, scope, &mut body);
                let inner = self.block(&w.body, scope);
                body.push(Stmt::Branch(vec![inner, vec![Stmt::Break]]));
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
                Value::Unknown
            }
            Expr::Loop(l) => {
                let body = self.block(&l.body, scope);
                out.push(Stmt::Loop {
                    bindings: Vec::new(),
                    body,
                });
                Value::Unknown
            }
            Expr::Break(b) => {
                if let Some(e) = &b.expr {
                    self.expr(e, scope, out);
                }
                out.push(Stmt::Break);
                Value::Unknown
            }
            Expr::Continue(_) => {
                out.push(Stmt::Continue);
                Value::Unknown
            }
            Expr::Return(r) => {
                let value = r.expr.as_ref().map(|e| self.expr(e, scope, out));
                out.push(Stmt::Return {
                    value,
                    span: self.span(r.return_token.span),
                    error: false,
                });
                Value::Unknown
            }
            Expr::Closure(c) => {
                let index = self.closure(c, scope);
                // A closure handed to other code runs there, once, at this point.
                self.push_closure_call(index, c.inputs.len(), Vec::new(), c.span(), out);
                Value::Unknown
            }
            Expr::Assign(a) => {
                let value = self.expr(&a.right, scope, out);
                self.assign(&a.left, value, a.span(), scope, out);
                Value::Unknown
            }
            Expr::Binary(b) => {
                let left = self.expr(&b.left, scope, out);
                let right = self.expr(&b.right, scope, out);
                if let syn::BinOp::AddAssign(_) = b.op {
                    self.assign(&b.left, right, b.span(), scope, out);
                    return Value::Unknown;
                }
                concatenation(left, right)
            }
            Expr::Index(i) => {
                self.expr(&i.expr, scope, out);
                self.expr(&i.index, scope, out);
                Value::Unknown
            }
            Expr::Struct(s) => {
                for field in &s.fields {
                    let value = self.expr(&field.expr, scope, out);
                    out.push(Stmt::Persist {
                        value,
                        span: self.span(field.span()),
                        target: None,
                    });
                }
                if let Some(rest) = &s.rest {
                    self.expr(rest, scope, out);
                }
                Value::Unknown
            }
            Expr::Tuple(t) => {
                for e in &t.elems {
                    self.expr(e, scope, out);
                }
                Value::Unknown
            }
            Expr::Array(a) => {
                for e in &a.elems {
                    self.expr(e, scope, out);
                }
                Value::Unknown
            }
            Expr::Repeat(r) => {
                self.expr(&r.expr, scope, out);
                Value::Unknown
            }
            Expr::Range(r) => {
                if let Some(e) = &r.start {
                    self.expr(e, scope, out);
                }
                if let Some(e) = &r.end {
                    self.expr(e, scope, out);
                }
                Value::Unknown
            }
            Expr::Yield(y) => {
                if let Some(e) = &y.expr {
                    self.expr(e, scope, out);
                }
                Value::Unknown
            }
            _ => Value::Unknown,
        }
    }

    fn inline_block(&mut self, block: &syn::Block, scope: &mut Scope, out: &mut Block) -> Value {
        let mut value = Value::Unknown;
        for (i, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                syn::Stmt::Expr(e, None) if i + 1 == block.stmts.len() => {
                    value = self.expr(e, scope, out);
                }
                _ => self.stmt(stmt, scope, out),
            }
        }
        value
    }

    fn assign(
        &mut self,
        target: &Expr,
        value: Value,
        span: PmSpan,
        scope: &mut Scope,
        out: &mut Block,
    ) {
        match strip_wrappers(target) {
            Expr::Path(p) if p.path.get_ident().is_some() => {
                let name = p.path.segments[0].ident.to_string();
                out.push(Stmt::Let { name, value });
            }
            other => {
                // A field, an element or a dereferenced place outlives this statement.
                self.expr(other, scope, out);
                out.push(Stmt::Persist {
                    value,
                    span: self.span(span),
                    target: None,
                });
            }
        }
    }

    fn closure(&mut self, closure: &syn::ExprClosure, outer: &Scope) -> u32 {
        let index = self.reserve_function();
        let mut scope = Scope {
            name: format!("{}::{{closure}}", outer.name),
            ..outer.clone()
        };
        scope.locals = Default::default();
        let mut params: Vec<String> = Vec::new();
        for input in &closure.inputs {
            let name = first_binding(input).unwrap_or_else(|| format!("_{}", params.len()));
            if let Pat::Type(t) = input {
                self.declare_typed(&mut scope, &name, &t.ty);
            }
            scope.locals.insert(name.clone());
            params.push(name);
        }
        let mut body = Vec::new();
        let value = self.expr(&closure.body, &mut scope, &mut body);
        return_value(&mut body, value, self.span(closure.body.span()));
        self.functions[index].span = self.span(closure.or1_token.span);
        let site = ClosureSite {
            outer_locals: &outer.locals,
            own_locals: &scope.locals,
            name: scope.name.clone(),
            module_path: &self.module_path,
        };
        finish_function(&mut self.functions[index], params, body, Some(site));
        index as u32
    }

    /// A call to a closure handed to other code: it runs there, at this point.
    fn push_closure_call(
        &self,
        index: u32,
        explicit: usize,
        args: Vec<Value>,
        span: PmSpan,
        out: &mut Block,
    ) {
        let args = closure_args(&self.functions[index as usize], explicit, args);
        out.push(Stmt::Call(Call {
            callee: Callee::Local(index),
            args,
            result: None,
            span: self.span(span),
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
    }

    fn call(&mut self, call: &syn::ExprCall, scope: &mut Scope, out: &mut Block) -> Value {
        let Expr::Path(func) = strip_wrappers(&call.func) else {
            self.expr(&call.func, scope, out);
            for arg in &call.args {
                self.expr(arg, scope, out);
            }
            return Value::Unknown;
        };
        let segments: Vec<String> = func
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let span = self.span(call.span());
        if ends_with_any(&segments, sdk::FRESH_CALLS) {
            return Value::Fresh {
                origin: format!("{}()", segments.join("::")),
                span,
            };
        }
        let args: Vec<Value> = call
            .args
            .iter()
            .map(|arg| self.expr(arg, scope, out))
            .collect();
        if let [.., owner, method] = segments.as_slice()
            && let Some(api) = self.options.declared_api(&[Some(owner.clone())], method)
        {
            out.push(declared_event(api, &args, span));
            return Value::Unknown;
        }
        if ends_with_any(&segments, sdk::WRAPPING_CALLS) && args.len() == 1 {
            return args.into_iter().next().unwrap_or(Value::Unknown);
        }
        if segments.len() == 2 && sdk::is_tracker_type(&segments[0]) {
            out.push(init_event(self.sdk.sdk(), segments.join("::"), span, None));
            return Value::Unknown;
        }
        if let [name] = segments.as_slice()
            && let Some((index, explicit)) = scope.closures.get(name).copied()
        {
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
            return Value::local(result);
        }
        let segments = match (segments.first().map(String::as_str), &scope.self_type) {
            (Some("Self"), Some(owner)) => std::iter::once(owner.clone())
                .chain(segments[1..].iter().cloned())
                .collect(),
            _ => segments,
        };
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Path(segments),
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        Value::local(result)
    }

    fn method_call(
        &mut self,
        m: &syn::ExprMethodCall,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Value {
        let method = m.method.to_string();
        let span = self.span(
            m.method
                .span()
                .join(m.paren_token.span.close())
                .unwrap_or(m.method.span()),
        );
        let tracker = self.tracker_receiver(&m.receiver, scope);
        let receiver_names = || {
            [
                receiver_name(&m.receiver),
                self.receiver_type(&m.receiver, scope),
            ]
        };
        match calls::method_call(self.options, receiver_names, tracker, self.sdk, &method) {
            MethodCall::Declared(api) => {
                let args: Vec<Value> = m.args.iter().map(|a| self.expr(a, scope, out)).collect();
                out.push(declared_event(api, &args, span));
                return Value::Unknown;
            }
            MethodCall::CurrentId => return Value::CurrentId,
            MethodCall::Sdk {
                method: mapping,
                certain,
            } => {
                let args: Vec<&Expr> = m.args.iter().collect();
                let (event, args) = self.event(&mapping, &method, &args, span, scope, out);
                let stmt = sdk_call(certain, event, method, args, || {
                    self.expr(&m.receiver, scope, out)
                });
                out.push(stmt);
                return Value::Unknown;
            }
            // The Rust SDKs are configured when constructed.
            MethodCall::Init(_) | MethodCall::Other => {}
        }
        let receiver = self.expr(&m.receiver, scope, out);
        if sdk::DERIVING_METHODS.contains(&method.as_str()) {
            for arg in &m.args {
                self.expr(arg, scope, out);
            }
            return match receiver {
                Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId => receiver,
                _ => Value::Unknown,
            };
        }
        if method == "insert"
            && let (Value::Path { root, fields }, Some(key), Some(value)) =
                (&receiver, m.args.first(), m.args.get(1))
            && fields.is_empty()
            && let Some(key) = string_literal(key)
        {
            if key == DISTINCT_ID_KEY {
                let id = self.expr(value, scope, out);
                scope
                    .props
                    .entry(root.clone())
                    .or_default()
                    .put(&key, Some(id));
                return Value::Unknown;
            }
            // `props.insert("$device_id", ..)`: a key the event's properties have.
            scope.props.entry(root.clone()).or_default().put(&key, None);
        }
        let iterating = sdk::ITERATING_METHODS.contains(&method.as_str())
            && (method.starts_with("for_each")
                || method.starts_with("try_for_each")
                || chain_iterates(&m.receiver));
        let mut args = Vec::new();
        let mut closure_calls = Vec::new();
        for arg in &m.args {
            if let Expr::Closure(c) = strip_wrappers(arg) {
                let index = self.closure(c, scope);
                // `App::new().wrap_fn(|req, srv| ..)`: middleware the server runs on every request.
                self.functions[index as usize].repeats =
                    crate::frameworks::repeating_callback(&method, m.args.len(), None)
                        .map(str::to_owned);
                closure_calls.push((index, c.inputs.len(), c.span()));
                args.push(Value::Unknown);
            } else {
                args.push(self.expr(arg, scope, out));
            }
        }
        let receiver_type = self.receiver_type(&m.receiver, scope);
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Method {
                receiver,
                name: method,
                receiver_type,
            },
            args,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        for (index, explicit, closure_span) in closure_calls {
            if iterating {
                // Each element is handed to the closure: its first parameter is a loop binding.
                let element = scope.temp();
                let mut body = Vec::new();
                let args = vec![Value::local(element.clone())];
                self.push_closure_call(index, explicit, args, closure_span, &mut body);
                out.push(Stmt::Loop {
                    bindings: vec![element],
                    body,
                });
            } else {
                self.push_closure_call(index, explicit, Vec::new(), closure_span, out);
            }
        }
        Value::local(result)
    }

    fn event(
        &mut self,
        mapping: &SdkMethod,
        method: &str,
        args: &[&Expr],
        span: Span,
        scope: &mut Scope,
        out: &mut Block,
    ) -> (Event, Vec<Value>) {
        let properties_at = match mapping.properties {
            Slot::Arg(index, _) => Some(index),
            _ => None,
        };
        let mut values = Vec::with_capacity(args.len());
        let mut properties = Properties::default();
        for (i, arg) in args.iter().enumerate() {
            if properties_at == Some(i) {
                properties = self.props_distinct_id(arg, scope, out);
                values.push(Value::Unknown);
            } else {
                values.push(self.expr(arg, scope, out));
            }
        }
        let values = Arguments::positional(values);
        let event = sdk_event(mapping, method, &values, properties, span);
        (event, values.values)
    }

    /// The distinct id inside a `track` properties argument (`Some(props)`, `json!({..})`, a map
    /// that got `insert("distinct_id", ..)`), and the properties when all are visible.
    fn props_distinct_id(&mut self, arg: &Expr, scope: &mut Scope, out: &mut Block) -> Properties {
        match strip_wrappers(arg) {
            Expr::Call(c) if c.args.len() == 1 && path_is(&c.func, &["Some"]) => {
                self.props_distinct_id(&c.args[0], scope, out)
            }
            // `track(event, None)`: visibly no properties.
            Expr::Path(p) if p.path.is_ident("None") => Properties::visibly_none(),
            Expr::Macro(m) => match self.json_pairs(&m.mac, scope, out) {
                Some(pairs) => Properties::complete(pairs),
                None => Properties::default(),
            },
            Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|name| scope.props.get(&name.to_string()).cloned())
                .map_or_else(Properties::default, Properties::built),
            Expr::MethodCall(mc)
                if sdk::DERIVING_METHODS.contains(&mc.method.to_string().as_str()) =>
            {
                self.props_distinct_id(&mc.receiver, scope, out)
            }
            other => {
                self.expr(other, scope, out);
                Properties::default()
            }
        }
    }

    /// The entries of `json!({"key": value, ..})`, each value lowered so calls inside still count.
    fn json_pairs(
        &mut self,
        mac: &syn::Macro,
        scope: &mut Scope,
        out: &mut Block,
    ) -> Option<Vec<(String, Value)>> {
        // `json!` and `serde_json::json!`.
        if mac.path.segments.last().is_none_or(|s| s.ident != "json") {
            return None;
        }
        let tokens: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
        let [TokenTree::Group(group)] = tokens.as_slice() else {
            return None;
        };
        let mut pairs = Vec::new();
        for entry in split_top_level(group.stream(), ',') {
            let mut parts = split_top_level(entry.into_iter().collect(), ':').into_iter();
            let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
                continue;
            };
            let value_tokens: proc_macro2::TokenStream = value.into_iter().collect();
            let Ok(value_expr) = syn::parse2::<Expr>(value_tokens) else {
                continue;
            };
            let value = self.expr(&value_expr, scope, out);
            let key_text = key.iter().map(ToString::to_string).collect::<String>();
            pairs.push((key_text.trim_matches('"').to_owned(), value));
        }
        Some(pairs)
    }

    fn mac(&mut self, mac: &syn::Macro, scope: &mut Scope, out: &mut Block) -> Value {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let span = self.span(mac.span());
        if sdk::FRESH_MACROS.contains(&name.as_str()) {
            return Value::Fresh {
                origin: format!("{name}!()"),
                span,
            };
        }
        if name == "json" {
            self.json_pairs(mac, scope, out);
            return Value::Unknown;
        }
        let args: Vec<Expr> = mac
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .map(|p| p.into_iter().collect())
            .unwrap_or_default();
        let values: Vec<Value> = args.iter().map(|a| self.expr(a, scope, out)).collect();
        if sdk::DIVERGING_MACROS.contains(&name.as_str()) {
            out.push(Stmt::Return {
                value: None,
                span,
                error: true,
            });
            return Value::Unknown;
        }
        if name == "ensure" {
            out.push(Stmt::Branch(vec![
                Vec::new(),
                vec![Stmt::Return {
                    value: None,
                    span,
                    error: true,
                }],
            ]));
            return Value::Unknown;
        }
        if sdk::FORMATTING_MACROS.contains(&name.as_str()) {
            return values
                .into_iter()
                .find(|v| {
                    matches!(
                        v,
                        Value::Fresh { .. } | Value::Path { .. } | Value::CurrentId
                    )
                })
                .unwrap_or(Value::Unknown);
        }
        if sdk::READING_MACROS.contains(&name.as_str())
            || name == "vec"
            || name == "write"
            || name == "writeln"
        {
            return Value::Unknown;
        }
        // An unknown macro may store what it is given, as an unknown function may.
        let result = scope.temp();
        out.push(Stmt::Call(Call {
            callee: Callee::Path(vec![format!("{name}!")]),
            args: values,
            result: Some(result.clone()),
            span,
            sdk_fallback: None,
            keywords: Vec::new(),
            spread: false,
        }));
        Value::local(result)
    }

    /// Is `expr` a tracker, and is it its `people` sub-object?
    fn tracker_receiver(&self, expr: &Expr, scope: &Scope) -> Option<TrackerReceiver> {
        let expr = strip_wrappers(expr);
        let known = |tracker| match tracker {
            Tracker::Known(()) => Tracker::Known(self.sdk),
            Tracker::ByName => Tracker::ByName,
        };
        if let Expr::Field(f) = expr
            && let syn::Member::Named(name) = &f.member
            && self.sdk.sdk().is_people_accessor(&name.to_string())
        {
            let tracker = self.tracker_of(&f.base, scope)?;
            return Some(TrackerReceiver {
                tracker: known(tracker),
                on_people: true,
            });
        }
        let tracker = self.tracker_of(expr, scope)?;
        Some(TrackerReceiver {
            tracker: known(tracker),
            on_people: false,
        })
    }

    fn tracker_of(&self, expr: &Expr, scope: &Scope) -> Option<Tracker> {
        match strip_wrappers(expr) {
            Expr::Path(p) => {
                let name = p.path.segments.last()?.ident.to_string();
                if p.path.segments.len() == 1
                    && let Some(known) = scope.trackers.get(&name)
                {
                    return Some(*known);
                }
                self.is_tracker_name(&name).then_some(Tracker::ByName)
            }
            Expr::Field(f) => {
                let syn::Member::Named(name) = &f.member else {
                    return None;
                };
                let field_type = self
                    .receiver_type(&f.base, scope)
                    .and_then(|owner| self.field_types.get(&(owner, name.to_string())));
                if field_type.is_some_and(|t| sdk::is_tracker_type(t)) {
                    return Some(Tracker::Known(()));
                }
                self.is_tracker_name(&name.to_string())
                    .then_some(Tracker::ByName)
            }
            // `app.mixpanel()`, `state.tracker()`: an accessor named like a tracker.
            Expr::MethodCall(mc) if mc.args.is_empty() => self
                .is_tracker_name(&mc.method.to_string())
                .then_some(Tracker::ByName),
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let segments: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let is_constructor = matches!(segments.as_slice(),
                    [.., ty, function] if sdk::is_tracker_constructor(ty, function));
                is_constructor.then_some(Tracker::Known(()))
            }
            _ => None,
        }
    }

    fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }

    fn receiver_type(&self, expr: &Expr, scope: &Scope) -> Option<String> {
        match strip_wrappers(expr) {
            Expr::Path(p) => {
                let name = p.path.get_ident()?.to_string();
                if name == "self" {
                    return scope.self_type.clone();
                }
                scope.types.get(&name).cloned()
            }
            Expr::Field(f) => {
                let syn::Member::Named(name) = &f.member else {
                    return None;
                };
                let owner = self.receiver_type(&f.base, scope)?;
                self.field_types.get(&(owner, name.to_string())).cloned()
            }
            _ => None,
        }
    }
}

/// The name a receiver goes by: `analytics` for `self.analytics` or `analytics`.
fn receiver_name(expr: &Expr) -> Option<String> {
    match strip_wrappers(expr) {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(name) => Some(name.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        Expr::MethodCall(m) if m.args.is_empty() => Some(m.method.to_string()),
        _ => None,
    }
}

/// Removes references, parentheses, `.await` and `?`, which do not change what a value is.
fn strip_wrappers(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(r) => strip_wrappers(&r.expr),
        Expr::Paren(p) => strip_wrappers(&p.expr),
        Expr::Group(g) => strip_wrappers(&g.expr),
        Expr::Await(a) => strip_wrappers(&a.base),
        Expr::Try(t) => strip_wrappers(&t.expr),
        _ => expr,
    }
}

/// A literal, as written: a string, an integer (with its sign), a boolean.
fn literal_value(expr: &Expr) -> Option<Value> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Str(s) => Some(Value::Str(s.value())),
            syn::Lit::Bool(b) => Some(Value::Bool(b.value)),
            syn::Lit::Int(i) => Some(Value::Num(i.base10_digits().to_owned())),
            _ => None,
        },
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => match literal_value(expr)? {
            Value::Num(digits) if !digits.starts_with('-') => {
                Some(Value::Num(format!("-{digits}")))
            }
            _ => None,
        },
        Expr::Reference(r) => literal_value(&r.expr),
        Expr::Paren(p) => literal_value(&p.expr),
        Expr::Group(g) => literal_value(&g.expr),
        _ => None,
    }
}

fn path_value(path: &syn::Path) -> Value {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [none] if none == "None" => Value::Null,
        [] => Value::Unknown,
        _ => Value::local(segments.join("::")),
    }
}

fn path_is(expr: &Expr, expected: &[&str]) -> bool {
    match strip_wrappers(expr) {
        Expr::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .eq(expected.iter().map(|s| s.to_string())),
        _ => false,
    }
}

fn string_literal(expr: &Expr) -> Option<String> {
    match strip_wrappers(expr) {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        Expr::MethodCall(m) => string_literal(&m.receiver),
        _ => None,
    }
}

fn ends_with_any(segments: &[String], table: &[&[&str]]) -> bool {
    table.iter().any(|suffix| {
        segments.len() >= suffix.len()
            && segments[segments.len() - suffix.len()..]
                .iter()
                .zip(suffix.iter())
                .all(|(a, b)| a == b)
    })
}

/// `users.iter().map(..)`: a chain that starts an iteration.
fn chain_iterates(expr: &Expr) -> bool {
    match strip_wrappers(expr) {
        Expr::MethodCall(m) => {
            sdk::ITERATOR_SOURCES.contains(&m.method.to_string().as_str())
                || chain_iterates(&m.receiver)
        }
        Expr::Call(c) => path_ends_with(&c.func, "iter"),
        _ => false,
    }
}

fn path_ends_with(expr: &Expr, name: &str) -> bool {
    matches!(strip_wrappers(expr), Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// `Type::new(..)` / `Type::init(..)` / `Type { .. }` → `Type`.
fn constructor_type(expr: &Expr) -> Option<String> {
    match strip_wrappers(expr) {
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            let segments = &p.path.segments;
            (segments.len() >= 2).then(|| segments[segments.len() - 2].ident.to_string())
        }
        Expr::Struct(s) => s.path.segments.last().map(|s| s.ident.to_string()),
        Expr::MethodCall(m) if sdk::DERIVING_METHODS.contains(&m.method.to_string().as_str()) => {
            constructor_type(&m.receiver)
        }
        _ => None,
    }
}

/// The type a value is used as: `&Arc<Mixpanel>` → `Mixpanel`, `State<AppState>` → `AppState`.
fn main_type(ty: &Type) -> Option<String> {
    const WRAPPERS: &[&str] = &[
        "Arc",
        "Rc",
        "Box",
        "Option",
        "State",
        "Data",
        "Extension",
        "Mutex",
        "RwLock",
        "Cow",
    ];
    match ty {
        Type::Reference(r) => main_type(&r.elem),
        Type::Paren(p) => main_type(&p.elem),
        Type::Group(g) => main_type(&g.elem),
        Type::Path(p) => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            if WRAPPERS.contains(&name.as_str())
                && let syn::PathArguments::AngleBracketed(args) = &last.arguments
                && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
            {
                return main_type(inner);
            }
            Some(name)
        }
        _ => None,
    }
}

fn mentions_tracker_type(ty: &Type) -> bool {
    let text = quote::quote!(#ty).to_string();
    text.split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(sdk::is_tracker_type)
}

fn is_public(vis: &syn::Visibility) -> bool {
    !matches!(vis, syn::Visibility::Inherited)
}

/// Route handlers and runtime entry points carry attributes (`#[get("/")]`, `#[tokio::main]`).
fn has_entry_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let name = attr
            .path()
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        !matches!(
            name.as_str(),
            "doc"
                | "allow"
                | "warn"
                | "deny"
                | "cfg"
                | "inline"
                | "must_use"
                | "deprecated"
                | "expect"
        )
    })
}

/// `x`, `mut x`, `x: T` → the name and its type.
fn binding_of(pat: &Pat) -> Option<(String, Option<&Type>)> {
    match pat {
        Pat::Ident(i) if i.subpat.is_none() => Some((i.ident.to_string(), None)),
        Pat::Type(t) => binding_of(&t.pat).map(|(name, _)| (name, Some(&*t.ty))),
        _ => None,
    }
}

fn first_binding(pat: &Pat) -> Option<String> {
    pattern_bindings(pat).into_iter().next()
}

/// Every name a pattern binds, in order.
fn pattern_bindings(pat: &Pat) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![pat];
    while let Some(pat) = stack.pop() {
        match pat {
            Pat::Ident(i) => {
                let name = i.ident.to_string();
                // An uppercase single ident in a pattern is a unit variant or constant, not a binding.
                if !name.starts_with(|c: char| c.is_uppercase()) {
                    names.push(name);
                }
                if let Some((_, sub)) = &i.subpat {
                    stack.push(sub);
                }
            }
            Pat::Type(t) => stack.push(&t.pat),
            Pat::Reference(r) => stack.push(&r.pat),
            Pat::Paren(p) => stack.push(&p.pat),
            Pat::Tuple(t) => stack.extend(t.elems.iter().rev()),
            Pat::TupleStruct(t) => stack.extend(t.elems.iter().rev()),
            Pat::Slice(s) => stack.extend(s.elems.iter().rev()),
            Pat::Or(o) => stack.extend(o.cases.first()),
            Pat::Struct(s) => stack.extend(s.fields.iter().rev().map(|f| &*f.pat)),
            _ => {}
        }
    }
    names
}

/// Splits a token stream at top-level occurrences of `separator`.
fn split_top_level(stream: proc_macro2::TokenStream, separator: char) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    for token in stream {
        match &token {
            TokenTree::Punct(p) if p.as_char() == separator => parts.push(Vec::new()),
            _ => parts.last_mut().expect("parts is never empty").push(token),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// A variable or a field path below one (`anon_id`, `self.user.id`): lowering it twice makes
/// no call.
fn is_named_path(expr: &Expr) -> bool {
    match strip_wrappers(expr) {
        Expr::Path(p) => p.path.get_ident().is_some(),
        Expr::Field(f) => is_named_path(&f.base),
        _ => false,
    }
}
