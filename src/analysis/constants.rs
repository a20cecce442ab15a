//! Module-level constants for `constant-distinct-id`: a name no local binds that denotes a
//! literal, bound once in its module's top-level code (`ANON_ID = "anonymous"`) — in this
//! module, or in the one an import names (`from ids import ANON_ID`, `import ids` then
//! `ids.ANON_ID`).
//!
//! The IR does not say whether a binding is `const`: a name counts only when nothing else in
//! its module binds it, so module state that a function reassigns (`let current = null`, then
//! `current = user.id` in `login`) is not taken for a constant.

use std::collections::HashMap;

use crate::ir::{Language, Module, Stmt, Value};

/// The function frontends lower a module's top-level code into.
const MODULE_CODE: &str = "<module>";

pub struct ModuleConstants {
    /// Per module, by position: name → literal.
    by_module: Vec<HashMap<String, Value>>,
    modules_by_path: HashMap<Vec<String>, usize>,
}

impl ModuleConstants {
    pub fn new(modules: &[Module]) -> ModuleConstants {
        ModuleConstants {
            by_module: modules.iter().map(constants_of).collect(),
            modules_by_path: modules
                .iter()
                .enumerate()
                .map(|(i, m)| (m.path.clone(), i))
                .collect(),
        }
    }

    /// The constant `root.fields` denotes in `module` when no local binds `root`: its name, as
    /// written, and its literal.
    pub fn resolve(
        &self,
        modules: &[Module],
        module: usize,
        root: &str,
        fields: &[String],
    ) -> Option<(String, &Value)> {
        let named = |m: usize, name: &str| self.by_module.get(m)?.get(name);
        let written = || std::iter::once(root).chain(fields.iter().map(String::as_str));
        let written = written().collect::<Vec<_>>().join(".");
        if fields.is_empty()
            && let Some(value) = named(module, root)
        {
            return Some((written, value));
        }
        if root.contains("::") {
            let value = self.rust_path(modules, module, root)?;
            return fields.is_empty().then_some((written, value));
        }
        let import = modules[module]
            .imports
            .iter()
            .find(|i| !i.glob && i.local == root)?;
        let value = match fields {
            // `from ids import ANON_ID`, `use crate::ids::SYSTEM`: the last segment names the
            // constant in its module.
            [] => {
                let path = crate::callgraph::normalise(&import.scope, &import.path);
                let (name, owner) = path.split_last()?;
                named(*self.modules_by_path.get(owner)?, name)?
            }
            // `import ids`, then `ids.ANON_ID`.
            [name] => named(*self.modules_by_path.get(&import.path)?, name)?,
            _ => return None,
        };
        Some((written, value))
    }
}

impl ModuleConstants {
    /// A Rust path to a constant (`ids::SYSTEM`, `crate::ids::SYSTEM`, `Ids::BOT`,
    /// `ids::Ids::BOT`), through the module's imports, as a child module's, or from the crate's
    /// root.
    fn rust_path(&self, modules: &[Module], module: usize, root: &str) -> Option<&Value> {
        let segments: Vec<String> = root.split("::").map(str::to_owned).collect();
        let here = &modules[module].path;
        let expanded = crate::callgraph::expand_path(&modules[module], here, &segments);
        let in_child: Vec<String> = here.iter().chain(&segments).cloned().collect();
        let from_root: Vec<String> = std::iter::once("crate".to_owned())
            .chain(segments.iter().cloned())
            .collect();
        [expanded, in_child, from_root].iter().find_map(|path| {
            // The constant is the last segment, or an associated constant the last two.
            (1..=2.min(path.len().saturating_sub(1))).find_map(|k| {
                let (owner, name) = path.split_at(path.len() - k);
                let owner = *self.modules_by_path.get(owner)?;
                self.by_module.get(owner)?.get(&name.join("::"))
            })
        })
    }
}

/// The names bound exactly once in a module, by a top-level statement of its module code, to a
/// literal (in Rust, every literal `const` and immutable `static` item).
fn constants_of(module: &Module) -> HashMap<String, Value> {
    let Some(code) = module.functions.iter().find(|f| f.name == MODULE_CODE) else {
        return HashMap::new();
    };
    let literals: Vec<(&String, &Value)> = code
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Let { name, value } if is_literal(value) => Some((name, value)),
            _ => None,
        })
        .collect();
    if literals.is_empty() {
        return HashMap::new();
    }
    // Rust's module code is its `const` and `static` items: a `let` elsewhere only shadows
    // one in its own body. Elsewhere a module-level literal is a constant when nothing else
    // binds its name.
    let mut bindings: HashMap<&str, usize> = literals
        .iter()
        .map(|(name, _)| (name.as_str(), 0))
        .collect();
    if module.language != Language::Rust {
        for function in &module.functions {
            crate::ir::walk_block(&function.body, &mut |stmt| {
                if let Stmt::Let { name, .. } = stmt
                    && let Some(count) = bindings.get_mut(name.as_str())
                {
                    *count += 1;
                }
            });
        }
    }
    literals
        .into_iter()
        .filter(|(name, _)| module.language == Language::Rust || bindings[name.as_str()] == 1)
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

pub fn is_literal(value: &Value) -> bool {
    value.is_literal()
}
