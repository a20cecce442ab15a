//! The module level: imports, classes and module-level trackers and instances are declared
//! first (so a function sees names bound after it), then the remaining top-level statements
//! become the `<module>` function.

use ruff_python_ast::{
    Alias, Expr, ModModule, Stmt, StmtClassDef, StmtFunctionDef, StmtImportFrom,
};

use super::lowerer::{Binding, Lowerer, Scope};
use super::sdk;
use crate::frontend::FileContext;
use crate::frontend::Options;
use crate::frontend::scope::Tracker;
use crate::ir::{FileId, FunctionKind, Import, Module, Span};

pub(super) fn lower_module(
    file: FileId,
    text: &str,
    module: &ModModule,
    context: &FileContext,
    options: &Options,
) -> Module {
    let module_path = context.module_path.clone();
    let package = if context.file_name == "__init__.py" {
        module_path.clone()
    } else {
        module_path[..module_path.len().saturating_sub(1)].to_vec()
    };
    let mut lowerer = Lowerer {
        file,
        source: text,
        options,
        module_path,
        package,
        imports: Vec::new(),
        functions: Vec::new(),
        bindings: Default::default(),
        file_scope: Scope::default(),
        supertypes: Vec::new(),
        classes: Default::default(),
        module_functions: Default::default(),
    };
    lowerer.program(&module.body);
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

/// Statements that declare rather than run: they are not part of `<module>`.
fn is_definition(statement: &Stmt) -> bool {
    matches!(
        statement,
        Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::FunctionDef(_) | Stmt::ClassDef(_)
    )
}

impl Lowerer<'_> {
    fn program(&mut self, body: &[Stmt]) {
        self.module_functions = body
            .iter()
            .filter_map(|statement| match statement {
                Stmt::FunctionDef(function) => Some(function.name.to_string()),
                _ => None,
            })
            .collect();
        for statement in body {
            self.declare(statement);
        }
        let mut scope = self.file_scope.clone();
        scope.name = "<module>".to_owned();
        let mut top_level = Vec::new();
        for statement in body.iter().filter(|s| !is_definition(s)) {
            self.stmt(statement, &mut scope, &mut top_level);
        }
        if !top_level.is_empty() {
            // From the first token (a comment included) to the end of the file.
            let first_token = self.source.len() - self.source.trim_start().len();
            let whole_file = Span {
                file: self.file,
                start: first_token as u32,
                end: self.source.len() as u32,
            };
            let index = self.push_function(
                "<module>".to_owned(),
                None,
                FunctionKind::Free,
                true,
                whole_file,
            );
            self.functions[index as usize].body = top_level;
        }
    }

    fn declare(&mut self, statement: &Stmt) {
        match statement {
            Stmt::Import(import) => self.import(&import.names),
            Stmt::ImportFrom(import) => self.import_from(import),
            Stmt::FunctionDef(function) => {
                self.declare_function(function);
            }
            Stmt::ClassDef(class) => self.class(class),
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.declare_assignment(target, &assign.value);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.declare_assignment(&assign.target, value);
                }
            }
            _ => {}
        }
    }

    /// A module function; a decorated one (a route, a task, a signal receiver) is an entry point.
    fn declare_function(&mut self, function: &StmtFunctionDef) -> u32 {
        let decorated = !function.decorator_list.is_empty();
        self.function_definition(function, None, decorated)
    }

    /// `mp = Mixpanel(TOKEN)` and `analytics = Analytics()` at module level: a tracker, or an
    /// instance of a project class whose methods `analytics.f()` reaches.
    fn declare_assignment(&mut self, target: &Expr, value: &Expr) {
        let Expr::Name(target) = target else {
            return;
        };
        let name = target.id.to_string();
        if let Some(tracker) = self.tracker_of(value, &self.file_scope) {
            self.file_scope.trackers.insert(name, tracker);
        } else if let Some(class) = self.constructed_class(value) {
            let path = self.class_path(&class);
            self.imports.push(Import {
                scope: self.module_path.clone(),
                local: name.clone(),
                path,
                glob: false,
            });
            self.bindings.insert(name.clone(), Binding::Project);
            self.file_scope.types.insert(name, class);
        }
    }

    /// Where a class named here lives: this module, or the module it was imported from.
    fn class_path(&self, class: &str) -> Vec<String> {
        if !self.classes.contains(class)
            && let Some(import) = self.imports.iter().find(|i| !i.glob && i.local == class)
        {
            return import.path.clone();
        }
        let mut path = self.module_path.clone();
        path.push(class.to_owned());
        path
    }

    /// `import a.b`, `import a.b as c`, `import mixpanel`.
    pub(super) fn import(&mut self, names: &[Alias]) {
        for alias in names {
            let parts: Vec<String> = alias.name.split('.').map(str::to_owned).collect();
            let local = alias.asname.as_ref().map(|a| a.to_string());
            if sdk::is_sdk_module(&parts[0]) {
                let local = local.unwrap_or_else(|| parts[0].clone());
                self.bindings.insert(local, Binding::SdkModule);
                continue;
            }
            match local {
                // `import a.b as c`: `c` is `a.b`.
                Some(local) => self.bind(local, parts),
                // `import a.b`: `a` is bound, `a.b.f()` is written out in full.
                None => self.bind(parts[0].clone(), vec![parts[0].clone()]),
            }
        }
    }

    /// `from a.b import f as g`, `from ..pkg import y`, `from x import *`, `from mixpanel import Mixpanel`.
    pub(super) fn import_from(&mut self, import: &StmtImportFrom) {
        let Some(base) = self.imported_module(import) else {
            return;
        };
        // `from __future__ import annotations` selects language features: it binds nothing.
        if import.level == 0 && base == ["__future__"] {
            return;
        }
        let is_sdk = base.len() == 1 && sdk::is_sdk_module(&base[0]);
        let mut glob = false;
        for alias in &import.names {
            let imported = alias.name.as_str();
            if imported == "*" {
                glob = true;
                continue;
            }
            let local = alias.asname.as_ref().map_or(imported, |a| a.as_str());
            if is_sdk {
                let binding = if sdk::is_tracker_class(imported) {
                    Binding::SdkClass
                } else {
                    Binding::SdkModule
                };
                self.bindings.insert(local.to_owned(), binding);
                continue;
            }
            let mut path = base.clone();
            path.extend(imported.split('.').map(str::to_owned));
            self.bind(local.to_owned(), path);
        }
        if glob {
            self.imports.push(Import {
                scope: self.module_path.clone(),
                local: String::new(),
                path: base,
                glob: true,
            });
        }
    }

    /// The absolute module path a `from` import names: relative ones start from this package.
    fn imported_module(&self, import: &StmtImportFrom) -> Option<Vec<String>> {
        let module = import.module.as_ref().map(|m| m.as_str());
        if import.level == 0 {
            return Some(module?.split('.').map(str::to_owned).collect());
        }
        let mut base = self.package.clone();
        for _ in 1..import.level {
            base.pop();
        }
        base.extend(
            module
                .unwrap_or("")
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        Some(base)
    }

    /// Binds an imported name: a fresh-id library's function is remembered by its dotted
    /// name, anything else may be project code and is resolved by the call graph.
    fn bind(&mut self, local: String, path: Vec<String>) {
        let dotted = path.join(".");
        // The function itself (`from uuid import uuid4`) or its module (`import uuid`).
        let external = sdk::FRESH_CALLS.iter().any(|f| {
            f.strip_prefix(dotted.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        });
        if external {
            self.bindings.insert(local, Binding::External(dotted));
            return;
        }
        self.bindings.insert(local.clone(), Binding::Project);
        self.imports.push(Import {
            scope: self.module_path.clone(),
            local,
            path,
            glob: false,
        });
    }

    /// A class: its base classes (for method lookup) and its methods. Other members are not
    /// lowered.
    fn class(&mut self, class: &StmtClassDef) {
        let name = class.name.to_string();
        self.classes.insert(name.clone());
        self.bindings.insert(name.clone(), Binding::Project);
        for base in class.arguments.iter().flat_map(|a| a.args.iter()) {
            if let Some(dotted) = self.dotted(base) {
                let base = dotted.rsplit('.').next().unwrap_or(&dotted).to_owned();
                self.supertypes.push((name.clone(), base));
            }
        }
        for member in &class.body {
            if let Stmt::FunctionDef(method) = member {
                let decorated = !method.decorator_list.is_empty();
                self.function_definition(method, Some(&name), decorated);
            }
        }
    }

    /// Module-level names bound to a tracker, for other modules that import them.
    fn module_trackers(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .file_scope
            .trackers
            .iter()
            .filter(|(_, t)| **t == Tracker::Known(()))
            .map(|(name, _)| name.clone())
            .collect();
        names.sort();
        names
    }
}
