//! What is collected before bodies are lowered: imports (ES and `require`), exports (named,
//! default, re-exports, CommonJS `module.exports`), module-level functions, classes, objects of
//! functions, trackers and instances. Then the module's own statements become `<module>`.

use oxc_ast::ast::{
    AssignmentTarget, BindingPattern, Class, ClassElement, Declaration, ExportDefaultDeclaration,
    ExportDefaultDeclarationKind, Expression, ImportDeclaration, ImportDeclarationSpecifier,
    ObjectExpression, ObjectPropertyKind, PropertyKind, Statement, VariableDeclaration,
    VariableDeclarator,
};
use oxc_span::GetSpan;

use super::lowerer::{Arg, Binding, FunctionNode, Lowerer, Tracker, strip};
use super::sdk;
use crate::frontend::project::resolve_specifier;
use crate::ir::{FunctionKind, Import, Stmt, Value};
use crate::sdk::SdkId;

/// A member of a class or object literal that is a function, with its name and, for a method,
/// the span of its key (where it is named).
pub(super) struct MemberFunction<'a> {
    pub node: FunctionNode<'a>,
    pub name: String,
    pub key_span: Option<oxc_span::Span>,
}

impl<'a> Lowerer<'a> {
    pub(super) fn program(&mut self, statements: &[(u32, &'a Statement<'a>)]) {
        for (base, statement) in statements {
            self.base = *base;
            self.declare(statement, false);
        }
        let mut scope = self.file_scope.clone();
        scope.name = "<module>".to_owned();
        let mut body = Vec::new();
        for (base, statement) in statements {
            self.base = *base;
            if !self.is_declaration(statement) {
                self.stmt(statement, &mut scope, &mut body);
            }
        }
        self.base = 0;
        if !body.is_empty() {
            // The module spans the file from its first non-blank character.
            let start = self.source.len() - self.source.trim_start().len();
            let span = self.span(oxc_span::Span::new(start as u32, self.source.len() as u32));
            self.push_function(
                "<module>".to_owned(),
                None,
                FunctionKind::Free,
                Vec::new(),
                true,
                span,
                body,
            );
        }
    }

    /// Module-level statements that declare rather than run: they are not part of `<module>`.
    fn is_declaration(&self, statement: &'a Statement<'a>) -> bool {
        match statement {
            Statement::VariableDeclaration(declaration) => self.declares_only(declaration),
            Statement::ExportDeclaration(export) => match &export.declaration {
                // `export const X = '..'` runs as `const X = '..'` does.
                Declaration::VariableDeclaration(declaration) => self.declares_only(declaration),
                _ => true,
            },
            // `module.exports = { logout() {..} }` declares its functions (not twice).
            Statement::ExpressionStatement(statement) => self
                .commonjs_export(&statement.expression)
                .is_some_and(|(_, value)| self.is_module_value(value)),
            Statement::BlockStatement(_)
            | Statement::IfStatement(_)
            | Statement::SwitchStatement(_)
            | Statement::ForStatement(_)
            | Statement::ForInStatement(_)
            | Statement::ForOfStatement(_)
            | Statement::WhileStatement(_)
            | Statement::DoWhileStatement(_)
            | Statement::TryStatement(_)
            | Statement::ReturnStatement(_)
            | Statement::ThrowStatement(_)
            | Statement::LabeledStatement(_)
            | Statement::BreakStatement(_)
            | Statement::ContinueStatement(_) => false,
            _ => true,
        }
    }

    /// A declaration whose every variable is a function or an object of functions.
    fn declares_only(&self, declaration: &'a VariableDeclaration<'a>) -> bool {
        declaration.declare
            || declaration.declarations.iter().all(|declarator| {
                declarator
                    .init
                    .as_ref()
                    .is_some_and(|value| self.is_module_value(value))
            })
    }

    /// Module-level `const` values that are declarations rather than code to run.
    fn is_module_value(&self, value: &'a Expression<'a>) -> bool {
        match strip(value) {
            Expression::ObjectExpression(object) => self.has_member_functions(object),
            value => self.function_value(value).is_some(),
        }
    }

    /// Collects a module-level statement's declarations.
    fn declare(&mut self, statement: &'a Statement<'a>, exported: bool) {
        match statement {
            Statement::ImportDeclaration(import) => self.import(import),
            Statement::ExportDeclaration(export) => {
                self.declare_declaration(&export.declaration, true)
            }
            Statement::ExportDefaultDeclaration(export) => self.export_default(export),
            Statement::ExportNamedDeclaration(export) => {
                for specifier in &export.specifiers {
                    let (name, alias) = (
                        self.text(specifier.local.span()),
                        self.text(specifier.exported.span()),
                    );
                    if alias != name {
                        self.reexport_local(alias, name);
                    }
                }
            }
            Statement::ExportFromDeclaration(export) => {
                let source = self.string_literal(export.source.span);
                for specifier in &export.specifiers {
                    let name = self.text(specifier.local.span()).to_owned();
                    let alias = self.text(specifier.exported.span());
                    match resolve_specifier(&self.directory, &source) {
                        Some(mut target) => {
                            target.push(name);
                            self.imports.push(Import {
                                scope: self.module_path.clone(),
                                local: alias.to_owned(),
                                path: target,
                                glob: false,
                            });
                        }
                        None if alias != name => self.reexport_local(alias, &name),
                        None => {}
                    }
                }
            }
            // `export * from './x'` (not `export * as ns from './x'`).
            Statement::ExportAllDeclaration(export) if export.exported.is_none() => {
                let source = self.string_literal(export.source.span);
                if let Some(target) = resolve_specifier(&self.directory, &source) {
                    self.imports.push(Import {
                        scope: self.module_path.clone(),
                        local: String::new(),
                        path: target,
                        glob: true,
                    });
                }
            }
            Statement::ExpressionStatement(statement) => {
                self.declare_commonjs_export(&statement.expression)
            }
            other => {
                if let Some(declaration) = other.as_declaration() {
                    self.declare_declaration(declaration, exported);
                }
            }
        }
    }

    fn declare_declaration(&mut self, declaration: &'a Declaration<'a>, exported: bool) {
        match declaration {
            Declaration::FunctionDeclaration(function) if function.body.is_some() => {
                if let Some(id) = &function.id {
                    let name = id.name.as_str().to_owned();
                    let node = FunctionNode::Function(function);
                    self.function(node, None, name, None, FunctionKind::Free, exported, None);
                }
            }
            Declaration::ClassDeclaration(class) if !class.declare => self.class(class, exported),
            Declaration::VariableDeclaration(declaration) if !declaration.declare => {
                for declarator in &declaration.declarations {
                    self.declare_variable(declarator, exported);
                }
            }
            _ => {}
        }
    }

    /// `export default function () {}`, `export default class Foo {}`, `export default foo`.
    fn export_default(&mut self, export: &'a ExportDefaultDeclaration<'a>) {
        let value = match &export.declaration {
            // A named function or class is a declaration of its own name.
            ExportDefaultDeclarationKind::FunctionDeclaration(function) => {
                if function.body.is_none() {
                    return;
                }
                let node = FunctionNode::Function(function);
                let name = node.name().unwrap_or("default").to_owned();
                self.function(node, None, name, None, FunctionKind::Free, true, None);
                return;
            }
            ExportDefaultDeclarationKind::ClassDeclaration(class) => {
                match &class.id {
                    Some(id) => self.class_named(class, id.name.as_str().to_owned(), true),
                    None => self.anonymous_default_class(class),
                }
                return;
            }
            ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => return,
            other => match other.as_expression() {
                Some(value) => strip(value),
                None => return,
            },
        };
        if let Some(node) = self.function_value(value) {
            let name = node.name().unwrap_or("default").to_owned();
            self.function(
                node,
                None,
                name.clone(),
                None,
                FunctionKind::Free,
                true,
                None,
            );
            if name != "default" {
                self.reexport_local("default", &name);
            }
        } else if let Expression::ClassExpression(class) = value {
            match &class.id {
                Some(id) => {
                    self.class(class, true);
                    self.reexport_local("default", id.name.as_str());
                }
                None => self.anonymous_default_class(class),
            }
        } else if let Expression::ObjectExpression(object) = value {
            self.object_functions(object, "default", true);
        } else if let Some(name) = self.wrapped_name(value) {
            self.reexport_local("default", name);
        }
    }

    /// The module-level name a value stands for: `LoginScreen`, also wrapped by a call that
    /// makes a function of its argument (`observer(LoginScreen)`, `memo(LoginScreen)`).
    fn wrapped_name(&self, value: &'a Expression<'a>) -> Option<&'a str> {
        match strip(value) {
            Expression::Identifier(id) if id.name.as_str() != "undefined" => Some(id.name.as_str()),
            Expression::CallExpression(call) if self.makes_a_function(&call.callee) => {
                let first = Arg::list(&call.arguments).into_iter().next()?.stripped()?;
                self.wrapped_name(first)
            }
            _ => None,
        }
    }

    fn declare_variable(&mut self, declarator: &'a VariableDeclarator<'a>, exported: bool) {
        // `let mixpanel: Mixpanel | undefined;`: a tracker, whatever it is assigned later.
        if let (BindingPattern::BindingIdentifier(id), Some(annotation)) =
            (&declarator.id, &declarator.type_annotation)
            && let Some(sdk) = self.sdk_of_annotation(annotation.span)
        {
            let name = id.name.as_str().to_owned();
            self.file_scope.trackers.insert(name, Tracker::Known(sdk));
        }
        let Some(value) = &declarator.init else {
            return;
        };
        let value = strip(value);
        if let Some(specifier) = self.require_specifier(value) {
            self.bind_import(&declarator.id, &specifier);
            return;
        }
        let BindingPattern::BindingIdentifier(id) = &declarator.id else {
            return;
        };
        let name = id.name.as_str().to_owned();
        if let Some(node) = self.function_value(value) {
            self.function(node, None, name, None, FunctionKind::Free, exported, None);
        } else if let Expression::ObjectExpression(object) = value
            && self.is_module_value(value)
        {
            self.object_functions(object, &name, exported);
            self.bindings.insert(name, Binding::Project);
        } else if let Some(tracker) = self.tracker_of(value, &self.file_scope.clone()) {
            self.file_scope.trackers.insert(name, tracker);
        } else if let Some(type_name) = self.constructed_type(value) {
            // `export const analytics = new Analytics()`: calls through the instance, here or in
            // an importing module, reach the class's methods.
            if let Some(class_path) = self.class_path(&type_name) {
                self.imports.push(Import {
                    scope: self.module_path.clone(),
                    local: name.clone(),
                    path: class_path,
                    glob: false,
                });
                self.bindings.insert(name.clone(), Binding::Project);
            }
            self.file_scope.types.insert(name, type_name);
        } else if self.made_by_package(value) {
            // `const analytics = Analytics({ app })` with `Analytics` from a package.
            self.bindings.insert(name, Binding::External);
        } else if let Expression::Identifier(local) = value
            && !matches!(local.name.as_str(), "undefined")
            && local.name.as_str() != name
        {
            // `export let Mixpanel = actions`: another name of a module-level object or function.
            let local = local.name.as_str();
            self.reexport_local(&name, local);
            if self.bindings.get(local) == Some(&Binding::Project) {
                self.bindings.insert(name, Binding::Project);
            }
        }
    }

    /// Whether a value is made by a call or `new` of something imported from a package that
    /// is not an SDK (`Analytics(..)`, `AnalyticsBrowser.load(..)`).
    pub(super) fn made_by_package(&self, value: &'a Expression<'a>) -> bool {
        let callee = match strip(value) {
            Expression::CallExpression(call) => &call.callee,
            Expression::NewExpression(new) => &new.callee,
            _ => return false,
        };
        let mut root = strip(callee);
        while let Some(member) = self.member_of(root) {
            root = strip(member.object);
        }
        matches!(root, Expression::Identifier(id)
            if self.bindings.get(id.name.as_str()) == Some(&Binding::External))
    }

    /// Module-level names bound to a tracker, for other modules that import them.
    pub(super) fn module_trackers(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .file_scope
            .trackers
            .iter()
            .filter(|(_, t)| matches!(t, Tracker::Known(_)))
            .map(|(name, _)| name.clone())
            .chain(
                self.bindings
                    .iter()
                    .filter(|(_, b)| **b == Binding::SdkModule(SdkId::Browser))
                    .map(|(name, _)| name.clone()),
            )
            .collect();
        names.sort();
        names
    }

    /// The path of a class declared in or imported into this module.
    fn class_path(&self, class: &str) -> Option<Vec<String>> {
        if let Some(import) = self.imports.iter().find(|i| !i.glob && i.local == class) {
            return Some(import.path.clone());
        }
        (self.bindings.get(class) == Some(&Binding::Project)).then(|| {
            let mut path = self.module_path.clone();
            path.push(class.to_owned());
            path
        })
    }

    /// The text inside a string literal's quotes.
    fn string_literal(&self, span: oxc_span::Span) -> String {
        let text = self.text(span);
        text.get(1..text.len().saturating_sub(1))
            .unwrap_or("")
            .to_owned()
    }

    /// `require('x')` → `x`.
    pub(super) fn require_specifier(&self, value: &'a Expression<'a>) -> Option<String> {
        let Expression::CallExpression(call) = strip(value) else {
            return None;
        };
        if self.text(call.callee.span()) != "require" {
            return None;
        }
        match Arg::list(&call.arguments).first()? {
            Arg::Expr(argument) => self.string_value(argument),
            Arg::Spread(_) | Arg::Unknown => None,
        }
    }

    fn import(&mut self, import: &'a ImportDeclaration<'a>) {
        let source = self.string_literal(import.source.span);
        let Some(specifiers) = &import.specifiers else {
            return;
        };
        for specifier in specifiers {
            match specifier {
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    self.bind_default(s.local.name.as_str().to_owned(), &source)
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    self.bind_namespace(s.local.name.as_str().to_owned(), &source)
                }
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let name = self.text(s.imported.span()).to_owned();
                    self.bind_named(s.local.name.as_str().to_owned(), name, &source);
                }
            }
        }
    }

    /// `const x = require('s')` and `const { a, b: c } = require('s')`.
    pub(super) fn bind_import(&mut self, pattern: &'a BindingPattern<'a>, source: &str) {
        match pattern {
            BindingPattern::BindingIdentifier(id) => {
                let local = id.name.as_str().to_owned();
                match sdk::sdk_of_package(source) {
                    Some(sdk) => {
                        self.bindings.insert(local, Binding::SdkModule(sdk));
                    }
                    None => self.bind_namespace(local, source),
                }
            }
            BindingPattern::ObjectPattern(object) => {
                for property in &object.properties {
                    if !property.shorthand {
                        let local = self.text(property.value.span()).to_owned();
                        let name = self.key_text(&property.key, property.computed).to_owned();
                        self.bind_named(local, name, source);
                    } else if let BindingPattern::BindingIdentifier(id) = &property.value {
                        let name = id.name.as_str().to_owned();
                        self.bind_named(name.clone(), name, source);
                    }
                }
            }
            _ => {}
        }
    }

    fn bind_default(&mut self, local: String, source: &str) {
        if let Some(sdk) = sdk::sdk_of_package(source) {
            self.bindings.insert(local, Binding::SdkModule(sdk));
        } else if sdk::FRESH_PACKAGES.contains(&source) {
            self.bindings.insert(local.clone(), Binding::Fresh(local));
        } else if let Some(target) = resolve_specifier(&self.directory, source) {
            let mut path = target;
            path.push("default".to_owned());
            self.add_import(local, path);
        } else {
            self.bind_package(local, source);
        }
    }

    fn bind_namespace(&mut self, local: String, source: &str) {
        if let Some(sdk) = sdk::sdk_of_package(source) {
            self.bindings.insert(local, Binding::SdkModule(sdk));
        } else if sdk::FRESH_PACKAGES.contains(&source) {
            self.bindings.insert(local, Binding::FreshModule);
        } else if let Some(target) = resolve_specifier(&self.directory, source) {
            self.add_import(local, target);
        } else {
            self.bind_package(local, source);
        }
    }

    /// A name imported from another package (`import Analytics from 'analytics'`) is that
    /// package's, not a tracker by its name. A bare specifier may also be a project path
    /// through an alias (`utils/mixpanel`): one that names Mixpanel is left to the names.
    fn bind_package(&mut self, local: String, source: &str) {
        let aliased = source.starts_with(['~', '#', '/']) || source.starts_with("@/");
        if !aliased && !source.to_ascii_lowercase().contains("mixpanel") {
            self.bindings.insert(local, Binding::External);
        }
    }

    fn bind_named(&mut self, local: String, name: String, source: &str) {
        if let Some(sdk) = sdk::sdk_of_package(source) {
            let binding = if name == "Mixpanel" || name == "default" {
                Binding::SdkModule(sdk)
            } else {
                Binding::SdkFunction(sdk, name)
            };
            self.bindings.insert(local, binding);
        } else if sdk::FRESH_PACKAGES.contains(&source) {
            self.bindings
                .insert(local, Binding::Fresh(format!("{source}.{name}")));
        } else if sdk::CALLING_EFFECT_PACKAGES.contains(&source)
            && sdk::CALLING_EFFECTS.contains(&name.as_str())
        {
            self.bindings.insert(local, Binding::CallingEffect);
        } else if let Some(mut target) = resolve_specifier(&self.directory, source) {
            target.push(name);
            self.add_import(local, target);
        } else {
            self.bind_package(local, source);
        }
    }

    fn add_import(&mut self, local: String, path: Vec<String>) {
        self.bindings.insert(local.clone(), Binding::Project);
        self.imports.push(Import {
            scope: self.module_path.clone(),
            local,
            path,
            glob: false,
        });
    }

    /// Makes `alias` in this module another name of its own `name`.
    /// `export default class extends Controller {}` (a Stimulus controller): the class is
    /// named after its module (`signup_controller`), which is its `default` export. Every
    /// such class of an app would otherwise be one class, `default`, whose `this.connect()`
    /// reached every controller's `connect`.
    fn anonymous_default_class(&mut self, class: &'a Class<'a>) {
        let name = self
            .module_path
            .last()
            .filter(|name| !name.is_empty())
            .cloned()
            .unwrap_or_else(|| "default".to_owned());
        self.class_named(class, name.clone(), true);
        if name != "default" {
            self.reexport_local("default", &name);
        }
    }

    fn reexport_local(&mut self, alias: &str, name: &str) {
        let mut path = self.module_path.clone();
        path.push(name.to_owned());
        self.imports.push(Import {
            scope: self.module_path.clone(),
            local: alias.to_owned(),
            path,
            glob: false,
        });
    }

    /// `module.exports = { a, b }`, `module.exports = function () {}`, `exports.a = () => {}`.
    fn declare_commonjs_export(&mut self, expr: &'a Expression<'a>) {
        let Some((name, right)) = self.commonjs_export(expr) else {
            return;
        };
        if let Some(node) = self.function_value(right) {
            self.function(node, None, name, None, FunctionKind::Free, true, None);
        } else if let Expression::ObjectExpression(object) = right {
            for member in &object.properties {
                // `{ a }` is already a module function of that name.
                let ObjectPropertyKind::ObjectProperty(property) = member else {
                    continue;
                };
                if property.shorthand {
                    continue;
                }
                if let Some(function) = self.object_member_function(member) {
                    let MemberFunction {
                        node,
                        name,
                        key_span,
                    } = function;
                    self.function(node, key_span, name, None, FunctionKind::Free, true, None);
                    continue;
                }
                let key = self.key_text(&property.key, property.computed).to_owned();
                let value = strip(&property.value);
                if property.kind != PropertyKind::Init {
                    continue;
                }
                if let Expression::Identifier(local) = value
                    && local.name.as_str() != key
                    && local.name.as_str() != "undefined"
                {
                    self.reexport_local(&key, local.name.as_str());
                }
            }
        } else if let Expression::Identifier(local) = right
            && name == "default"
            && local.name.as_str() != "undefined"
        {
            self.reexport_local("default", local.name.as_str());
        }
    }

    /// `module.exports = v` (`default`), `module.exports.a = v`, `exports.a = v`: the exported
    /// name and the value, stripped.
    fn commonjs_export(&self, expr: &'a Expression<'a>) -> Option<(String, &'a Expression<'a>)> {
        let Expression::AssignmentExpression(assignment) = expr else {
            return None;
        };
        let target = match &assignment.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => id.name.as_str().to_owned(),
            left => left
                .as_member_expression()
                .and_then(|member| self.member(member))
                .and_then(|member| {
                    Some(format!(
                        "{}.{}",
                        self.dotted(member.object)?,
                        member.property?
                    ))
                })
                .unwrap_or_default(),
        };
        let name = match target.as_str() {
            "module.exports" => "default".to_owned(),
            t if t.starts_with("module.exports.") => t["module.exports.".len()..].to_owned(),
            t if t.starts_with("exports.") => t["exports.".len()..].to_owned(),
            _ => return None,
        };
        Some((name, strip(&assignment.right)))
    }

    /// A class's methods and function-valued fields, and its base class.
    fn class(&mut self, class: &'a Class<'a>, exported: bool) {
        if let Some(id) = &class.id {
            self.class_named(class, id.name.as_str().to_owned(), exported);
        }
    }

    /// A class under a name: its own, or `default` for `export default class extends Base {}`.
    fn class_named(&mut self, class: &'a Class<'a>, class_name: String, exported: bool) {
        // `private mixpanel: Mixpanel`: `this.mixpanel` is the SDK's tracker in every method.
        for element in &class.body.body {
            if let ClassElement::PropertyDefinition(field) = element
                && let Some(annotation) = &field.type_annotation
                && let Some(sdk) = self.sdk_of_annotation(annotation.span)
            {
                let key = self.key_text(&field.key, field.computed).to_owned();
                self.tracker_fields.insert((class_name.clone(), key), sdk);
            }
        }
        self.bindings.insert(class_name.clone(), Binding::Project);
        if let Some(heritage) = &class.heritage
            && let Some(base) = self.dotted(&heritage.expression)
        {
            let base = base.rsplit('.').next().unwrap_or(&base).to_owned();
            self.supertypes.push((class_name.clone(), base));
        }
        let mut constructor = None;
        for element in &class.body.body {
            if let Some(member) = self.class_member_function(element) {
                let is_constructor = member.name == "constructor";
                let index = self.function(
                    member.node,
                    member.key_span,
                    member.name,
                    Some(&class_name),
                    FunctionKind::Method,
                    exported,
                    None,
                );
                if is_constructor {
                    constructor = Some(index);
                }
            }
        }
        self.field_initialisers(class, &class_name, constructor, exported);
    }

    /// `userId = 'anonymous'`, `private anonId = uuid()`: an instance field's initial value is
    /// written when the object is made, before the constructor's own code runs (a class
    /// without a constructor gets one). Only literals and fresh ids are written: other
    /// initialisers say nothing the analyses follow.
    fn field_initialisers(
        &mut self,
        class: &'a Class<'a>,
        class_name: &str,
        constructor: Option<u32>,
        exported: bool,
    ) {
        let mut writes = Vec::new();
        for element in &class.body.body {
            let ClassElement::PropertyDefinition(field) = element else {
                continue;
            };
            // A decorated field (`@Input() userId = 'guest'`) is set by its framework too.
            if field.r#static || field.computed || !field.decorators.is_empty() {
                continue;
            }
            let Some(value) = field.value.as_ref().and_then(|v| self.initial_value(v)) else {
                continue;
            };
            let key = self.key_text(&field.key, false).to_owned();
            writes.push(Stmt::Persist {
                value,
                span: self.span(field.span),
                target: Some(Value::local("this").field(Some(key))),
            });
        }
        if writes.is_empty() {
            return;
        }
        match constructor {
            Some(index) => {
                let body = &mut self.functions[index as usize].body;
                writes.append(body);
                *body = writes;
            }
            None => {
                let span = self.span(class.span);
                let span = crate::ir::Span {
                    end: span.start,
                    ..span
                };
                self.push_function(
                    "constructor".to_owned(),
                    Some(class_name),
                    FunctionKind::Method,
                    vec!["this".to_owned()],
                    exported,
                    span,
                    writes,
                );
            }
        }
    }

    /// A field initialiser the analyses follow: a literal, or a fresh id (`uuid()`).
    fn initial_value(&self, value: &'a Expression<'a>) -> Option<Value> {
        let value = strip(value);
        match value {
            Expression::NullLiteral(_) => Some(Value::Null),
            Expression::BooleanLiteral(literal) => Some(Value::Bool(literal.value)),
            Expression::NumericLiteral(literal) => {
                Some(Value::Num(self.text(literal.span).to_owned()))
            }
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => {
                self.string_value(value).map(Value::Str)
            }
            Expression::CallExpression(call) if call.arguments.is_empty() => {
                let origin = self.fresh_call(&self.dotted(&call.callee)?)?;
                Some(Value::Fresh {
                    origin,
                    span: self.span(call.span),
                })
            }
            _ => None,
        }
    }

    /// `const analytics = { link(id) {..}, track: (e) => {..} }`: methods owned by the object,
    /// also those of the objects nested in it (a Vue component's `methods`, a Vuex module's
    /// `actions`), owned by the outer object: they are called by their own names.
    pub(super) fn object_functions(
        &mut self,
        object: &'a ObjectExpression<'a>,
        owner: &str,
        exported: bool,
    ) {
        for property in &object.properties {
            if let Some(member) = self.object_member_function(property) {
                self.function(
                    member.node,
                    member.key_span,
                    member.name,
                    Some(owner),
                    FunctionKind::Free,
                    exported,
                    None,
                );
            } else if let Some(nested) = nested_object(property) {
                if self.holds_reducers(property) {
                    self.reducer_functions(nested);
                } else {
                    self.object_functions(nested, owner, exported);
                }
            }
        }
    }

    /// `reducers: { .. }`, `mutations: { .. }`: an object of state transitions.
    pub(super) fn holds_reducers(&self, property: &'a ObjectPropertyKind<'a>) -> bool {
        let ObjectPropertyKind::ObjectProperty(property) = property else {
            return false;
        };
        let key = self.key_text(&property.key, property.computed);
        sdk::STATE_TRANSITION_KEYS.contains(&key.trim_matches(['"', '\'']))
    }

    /// The functions of an object of state transitions, named `<reducer logout>`: a reducer
    /// called `logout` computes the state after a logout, it does not log anyone out.
    pub(super) fn reducer_functions(&mut self, object: &'a ObjectExpression<'a>) {
        for property in &object.properties {
            if let Some(member) = self.object_member_function(property) {
                let name = format!("<reducer {}>", member.name);
                self.function(
                    member.node,
                    member.key_span,
                    name,
                    None,
                    FunctionKind::Free,
                    false,
                    None,
                );
            }
        }
    }

    /// Whether an object literal has a function member, also in the objects nested in it.
    fn has_member_functions(&self, object: &'a ObjectExpression<'a>) -> bool {
        object.properties.iter().any(|property| {
            self.object_member_function(property).is_some()
                || nested_object(property).is_some_and(|nested| self.has_member_functions(nested))
        })
    }

    /// A class member that is a function: `link(id) {..}`, `onClick = () => {..}`.
    fn class_member_function(&self, element: &'a ClassElement<'a>) -> Option<MemberFunction<'a>> {
        let (key, value) = match element {
            ClassElement::MethodDefinition(method) => {
                // Abstract methods and overload signatures have no body.
                method.value.body.as_ref()?;
                return Some(MemberFunction {
                    node: FunctionNode::Function(&method.value),
                    name: self.key_text(&method.key, method.computed).to_owned(),
                    key_span: Some(self.key_span(&method.key, method.computed)),
                });
            }
            ClassElement::PropertyDefinition(field) => (
                self.key_text(&field.key, field.computed),
                field.value.as_ref()?,
            ),
            ClassElement::AccessorProperty(field) => (
                self.key_text(&field.key, field.computed),
                field.value.as_ref()?,
            ),
            ClassElement::StaticBlock(_) | ClassElement::TSIndexSignature(_) => return None,
        };
        Some(MemberFunction {
            node: FunctionNode::of(strip(value))?,
            name: key.trim_matches(['"', '\'']).to_owned(),
            key_span: None,
        })
    }

    /// An object literal member that is a function: `link(id) {..}`, `track: (e) => {..}`.
    pub(super) fn object_member_function(
        &self,
        property: &'a ObjectPropertyKind<'a>,
    ) -> Option<MemberFunction<'a>> {
        let ObjectPropertyKind::ObjectProperty(property) = property else {
            return None;
        };
        if property.method || property.kind != PropertyKind::Init {
            let Expression::FunctionExpression(function) = &property.value else {
                return None;
            };
            return Some(MemberFunction {
                node: FunctionNode::Function(function),
                name: self.key_text(&property.key, property.computed).to_owned(),
                key_span: Some(self.key_span(&property.key, property.computed)),
            });
        }
        if property.shorthand {
            return None;
        }
        Some(MemberFunction {
            node: self.function_value(&property.value)?,
            name: self
                .key_text(&property.key, property.computed)
                .trim_matches(['"', '\''])
                .to_owned(),
            key_span: None,
        })
    }
}

/// The object literal a property holds: `methods: { .. }`.
pub(super) fn nested_object<'a>(
    property: &'a ObjectPropertyKind<'a>,
) -> Option<&'a ObjectExpression<'a>> {
    let ObjectPropertyKind::ObjectProperty(property) = property else {
        return None;
    };
    if property.method || property.shorthand || property.kind != PropertyKind::Init {
        return None;
    }
    match strip(&property.value) {
        Expression::ObjectExpression(object) => Some(object),
        _ => None,
    }
}
