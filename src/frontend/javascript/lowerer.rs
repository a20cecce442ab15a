//! The lowerer's state, shared by every part of the frontend, and the small views of the AST
//! they all use: stripping type assertions, member expressions, function-like nodes, arguments.
//!
//! As for Rust, calls are hoisted into [`Stmt::Call`]s with named results. Module-level
//! declarations (imports, functions, classes, object literals of functions, `const` trackers)
//! are collected first, so functions declared before the names they use still see them.

use rustc_hash::FxHashMap as HashMap;

use oxc_ast::ast::{
    Argument, ArrowFunctionExpression, ChainElement, Expression, Function, MemberExpression,
    PropertyKey, Statement,
};
use oxc_span::GetSpan;

use super::sdk;
use crate::frontend::{FileContext, Options};
use crate::ir::{FileId, FunctionKind, Import, Module, Span};
use crate::sdk::SdkId;

pub(super) type Scope = crate::frontend::scope::Scope<SdkId>;
pub(super) type Tracker = crate::frontend::scope::Tracker<SdkId>;

/// Lowers the top-level statements of a file (each with the offset of the program it was
/// parsed in) into its module.
pub(super) fn lower_statements<'a>(
    file: FileId,
    text: &'a str,
    statements: &[(u32, &'a Statement<'a>)],
    context: &FileContext,
    options: &'a Options,
) -> Module {
    let mut lowerer = Lowerer {
        file,
        source: text,
        base: 0,
        options,
        default_sdk: sdk::default_sdk(context.sdk),
        module_path: context.module_path.clone(),
        directory: context.directory.clone(),
        imports: Vec::new(),
        functions: Vec::new(),
        bindings: HashMap::default(),
        tracker_fields: HashMap::default(),
        file_scope: Scope::default(),
        supertypes: Vec::new(),
    };
    lowerer.program(statements);
    let trackers = lowerer.module_trackers();
    Module {
        file,
        language: context.language,
        path: context.module_path.clone(),
        imports: lowerer.imports,
        functions: lowerer.functions,
        trackers,
        supertypes: lowerer.supertypes,
    }
}

/// What a module-level name is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Binding {
    /// The SDK's default export: the browser tracker itself, or Node's/React Native's module.
    SdkModule(SdkId),
    /// A named import of a tracker method (`import { identify } from 'mixpanel-browser'`).
    SdkFunction(SdkId, String),
    /// A function that makes fresh ids (`import { v4 } from 'uuid'`).
    Fresh(String),
    /// A fresh-id package's namespace (`import * as uuid from 'uuid'`).
    FreshModule,
    /// A project module, a name imported from one, or a module-level object or class: calls
    /// through it are resolved by path.
    Project,
    /// redux-saga's `call`/`fork`/`spawn`: calls the function it is given.
    CallingEffect,
    /// A name imported from a package that is not an SDK: never a tracker by its name.
    External,
}

pub(super) struct Lowerer<'a> {
    pub file: FileId,
    /// The whole file.
    pub source: &'a str,
    /// Where the program of the statement being lowered starts in the file (0 unless the file
    /// was recovered chunk by chunk): AST spans are relative to it.
    pub base: u32,
    pub options: &'a Options,
    pub default_sdk: SdkId,
    pub module_path: Vec<String>,
    pub directory: std::path::PathBuf,
    pub imports: Vec<Import>,
    pub functions: Vec<crate::ir::Function>,
    pub bindings: HashMap<String, Binding>,
    /// `(class, field)` of fields declared with an SDK tracker's type (`private mp: Mixpanel`).
    pub tracker_fields: HashMap<(String, String), SdkId>,
    /// Module-level trackers and types, inherited by every function of the file.
    pub file_scope: Scope,
    pub supertypes: Vec<(String, String)>,
}

impl<'a> Lowerer<'a> {
    /// The file's span of an AST span.
    pub fn span(&self, span: oxc_span::Span) -> Span {
        Span {
            file: self.file,
            start: self.base + span.start,
            end: self.base + span.end,
        }
    }

    /// The source text of an AST span.
    pub fn text(&self, span: oxc_span::Span) -> &'a str {
        let (start, end) = (
            (self.base + span.start) as usize,
            (self.base + span.end) as usize,
        );
        self.source.get(start..end).unwrap_or("")
    }

    /// The text between the quotes of a string literal or a template without substitutions,
    /// as written (escapes are kept).
    pub fn string_value(&self, expr: &Expression<'a>) -> Option<String> {
        match expr {
            Expression::StringLiteral(_) => Some(self.unquoted(expr.span())),
            Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
                Some(self.unquoted(expr.span()))
            }
            _ => None,
        }
    }

    fn unquoted(&self, span: oxc_span::Span) -> String {
        let text = self.text(span);
        text.get(1..text.len().saturating_sub(1))
            .unwrap_or("")
            .to_owned()
    }

    /// Dotted text of a callee: `crypto.randomUUID`, `window.mixpanel.track`.
    pub fn dotted(&self, expr: &Expression<'a>) -> Option<String> {
        let mut dotted = String::new();
        self.write_dotted(expr, &mut dotted)?;
        Some(dotted)
    }

    /// Appends the dotted text of `expr` to `out` (one string for the whole chain).
    fn write_dotted(&self, expr: &Expression<'a>, out: &mut String) -> Option<()> {
        match strip(expr) {
            Expression::Identifier(id) => out.push_str(id.name.as_str()),
            Expression::ThisExpression(_) => out.push_str("this"),
            expr => {
                let member = self.member_of(expr)?;
                let property = member.property?;
                self.write_dotted(member.object, out)?;
                out.push('.');
                out.push_str(property);
            }
        }
        Some(())
    }

    /// The object and the property name of `a.b`, `a?.b` and `a.#b`; the index of `a[b]`.
    pub fn member_of(&self, expr: &'a Expression<'a>) -> Option<Member<'a>> {
        match expr {
            Expression::ChainExpression(chain) => match &chain.expression {
                ChainElement::CallExpression(_) | ChainElement::TSNonNullExpression(_) => None,
                element => self.member(element.as_member_expression()?),
            },
            _ => self.member(expr.as_member_expression()?),
        }
    }

    pub fn member(&self, member: &'a MemberExpression<'a>) -> Option<Member<'a>> {
        Some(match member {
            MemberExpression::StaticMemberExpression(m) => Member {
                object: &m.object,
                property: Some(m.property.name.as_str()),
                index: None,
            },
            MemberExpression::PrivateFieldExpression(m) => Member {
                object: &m.object,
                property: Some(self.text(m.field.span)),
                index: None,
            },
            MemberExpression::ComputedMemberExpression(m) => Member {
                object: &m.object,
                property: None,
                index: Some(&m.expression),
            },
        })
    }

    /// The span of a property key as written: a computed key (`[Kind.A]`) with its brackets.
    pub fn key_span(&self, key: &PropertyKey<'a>, computed: bool) -> oxc_span::Span {
        let span = key.span();
        if !computed {
            return span;
        }
        let (start, end) = (
            (self.base + span.start) as usize,
            (self.base + span.end) as usize,
        );
        let open = self.source[..start].rfind('[').map_or(start, |i| i);
        let close = self.source[end..].find(']').map_or(end, |i| end + i + 1);
        oxc_span::Span::new(open as u32 - self.base, close as u32 - self.base)
    }

    /// The text of a property key as written.
    pub fn key_text(&self, key: &PropertyKey<'a>, computed: bool) -> &'a str {
        self.text(self.key_span(key, computed))
    }

    /// The function a value is: a function or arrow expression, or the function argument of a
    /// call that makes a function of it (`useCallback(() => ..)`, `debounce(fn, 300)`,
    /// `memo(forwardRef((props, ref) => ..))`): the variable it is bound to names it.
    pub fn function_value(&self, value: &'a Expression<'a>) -> Option<FunctionNode<'a>> {
        let value = strip(value);
        if let Some(node) = FunctionNode::of(value) {
            return Some(node);
        }
        let Expression::CallExpression(call) = value else {
            return None;
        };
        if !self.makes_a_function(&call.callee) {
            return None;
        }
        Arg::list(&call.arguments)
            .into_iter()
            .filter_map(Arg::stripped)
            .find_map(|arg| self.function_value(arg))
    }

    /// Whether a callee makes a function of its function argument ([`sdk::FUNCTION_MAKING_CALLS`],
    /// by its last name: `React.useCallback`, `_.debounce`).
    pub fn makes_a_function(&self, callee: &'a Expression<'a>) -> bool {
        self.dotted(callee).is_some_and(|callee| {
            let last = callee.rsplit('.').next().unwrap_or(&callee);
            sdk::FUNCTION_MAKING_CALLS.contains(&last)
        })
    }

    /// The SDK whose tracker class a type annotation names (`: Mixpanel | undefined`, with the
    /// class imported from an SDK package).
    pub fn sdk_of_annotation(&self, annotation: oxc_span::Span) -> Option<SdkId> {
        let written = self.text(annotation).trim_start_matches(':').trim();
        match self.bindings.get(&main_type(written)) {
            Some(Binding::SdkModule(sdk)) => Some(*sdk),
            _ => None,
        }
    }

    pub fn is_tracker_name(&self, name: &str) -> bool {
        self.options.tracker_names.iter().any(|n| n == name)
    }

    /// Adds a function to the module, its body to be filled in; returns its index.
    #[allow(clippy::too_many_arguments)]
    pub fn push_function(
        &mut self,
        name: String,
        owner: Option<&str>,
        kind: FunctionKind,
        params: Vec<String>,
        exported: bool,
        span: Span,
        body: crate::ir::Block,
    ) -> u32 {
        let mut path = self.module_path.clone();
        path.extend(owner.map(str::to_owned));
        path.push(name.clone());
        self.functions.push(crate::ir::Function {
            name,
            path,
            owner: owner.map(str::to_owned),
            kind,
            params,
            exported,
            repeats: None,
            defaults: Vec::new(),
            parent: None,
            span,
            body,
        });
        self.functions.len() as u32 - 1
    }
}

/// `a.b` (`property`), `a.#b` (`property` is `#b`) or `a[b]` (`index`).
pub(super) struct Member<'a> {
    pub object: &'a Expression<'a>,
    pub property: Option<&'a str>,
    pub index: Option<&'a Expression<'a>>,
}

/// Parentheses, type annotations and assertions, and `await` say nothing about values.
pub(super) fn strip<'a, 'b>(expr: &'b Expression<'a>) -> &'b Expression<'a> {
    match expr {
        Expression::ParenthesizedExpression(e) => strip(&e.expression),
        Expression::TSAsExpression(e) => strip(&e.expression),
        Expression::TSSatisfiesExpression(e) => strip(&e.expression),
        Expression::TSNonNullExpression(e) => strip(&e.expression),
        Expression::TSTypeAssertion(e) => strip(&e.expression),
        Expression::AwaitExpression(e) => strip(&e.argument),
        _ => expr,
    }
}

/// A function-like node: a function (declaration, expression, method) or an arrow function.
#[derive(Clone, Copy)]
pub(super) enum FunctionNode<'a> {
    Function(&'a Function<'a>),
    Arrow(&'a ArrowFunctionExpression<'a>),
}

impl<'a> FunctionNode<'a> {
    /// A function or arrow function expression, already stripped.
    pub fn of(expr: &'a Expression<'a>) -> Option<FunctionNode<'a>> {
        match expr {
            Expression::FunctionExpression(f) => Some(FunctionNode::Function(f)),
            Expression::ArrowFunctionExpression(f) => Some(FunctionNode::Arrow(f)),
            _ => None,
        }
    }

    pub fn span(self) -> oxc_span::Span {
        match self {
            FunctionNode::Function(f) => f.span,
            FunctionNode::Arrow(f) => f.span,
        }
    }

    /// Its own name (`function track() {}`), if it has one.
    pub fn name_span(self) -> Option<oxc_span::Span> {
        match self {
            FunctionNode::Function(f) => f.id.as_ref().map(|id| id.span),
            FunctionNode::Arrow(_) => None,
        }
    }

    pub fn name(self) -> Option<&'a str> {
        match self {
            FunctionNode::Function(f) => f.id.as_ref().map(|id| id.name.as_str()),
            FunctionNode::Arrow(_) => None,
        }
    }

    pub fn params(self) -> &'a oxc_ast::ast::FormalParameters<'a> {
        match self {
            FunctionNode::Function(f) => &f.params,
            FunctionNode::Arrow(f) => &f.params,
        }
    }

    /// How many parameters it declares (a rest parameter counts).
    pub fn explicit_params(self) -> usize {
        let params = self.params();
        params.items.len() + usize::from(params.rest.is_some())
    }
}

/// One argument of a call, as the lowering sees it.
#[derive(Clone, Copy)]
pub(super) enum Arg<'a> {
    Expr(&'a Expression<'a>),
    /// `...xs`: the value of `xs`.
    Spread(&'a Expression<'a>),
    /// A value that is not written in the source (a tagged template's strings).
    Unknown,
}

impl<'a> Arg<'a> {
    pub fn list(arguments: &'a [Argument<'a>]) -> Vec<Arg<'a>> {
        arguments
            .iter()
            .map(|argument| match argument {
                Argument::SpreadElement(spread) => Arg::Spread(&spread.argument),
                other => other.as_expression().map_or(Arg::Unknown, Arg::Expr),
            })
            .collect()
    }

    /// The argument's expression with parentheses and type assertions stripped; `None` for a
    /// spread or an unwritten value (neither is a callback nor an object literal).
    pub fn stripped(self) -> Option<&'a Expression<'a>> {
        match self {
            Arg::Expr(e) => Some(strip(e)),
            Arg::Spread(_) | Arg::Unknown => None,
        }
    }
}

/// How a closure is shown in call chains: `onSubmit`, `router.post callback`, or
/// `SignupPage::{closure}` for one with no name of its own.
pub(super) fn closure_name(outer: &str, name: &str) -> String {
    match (outer, name.starts_with('<')) {
        ("<module>", false) => name.to_owned(),
        (_, false) => format!("{outer}::{name}"),
        (_, true) => format!("{outer}::{{closure}}"),
    }
}

/// `Promise<Analytics>` → `Analytics`, `Analytics | null` → `Analytics`.
pub(super) fn main_type(annotation: &str) -> String {
    let first = annotation.split('|').next().unwrap_or(annotation).trim();
    let inner = first
        .rsplit_once('<')
        .map(|(_, rest)| rest.trim_end_matches('>'))
        .unwrap_or(first);
    inner.trim().trim_end_matches("[]").to_owned()
}
