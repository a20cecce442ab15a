//! Module-level constants for `constant-distinct-id`: a name no local binds that denotes a
//! literal, bound once in its module's top-level code (`ANON_ID = "anonymous"`) — in this
//! module, or in the one an import names (`from ids import ANON_ID`, `import ids` then
//! `ids.ANON_ID`).
//!
//! The IR does not say whether a binding is `const`: a name counts only when nothing else in
//! its module binds it, so module state that a function reassigns (`let current = null`, then
//! `current = user.id` in `login`) is not taken for a constant.

use std::collections::HashMap;

use crate::ir::{Module, Stmt, Value};

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
        let import = modules[module]
            .imports
            .iter()
            .find(|i| !i.glob && i.local == root)?;
        let value = match fields {
            // `from ids import ANON_ID`: the last segment names the constant in its module.
            [] => {
                let (name, owner) = import.path.split_last()?;
                named(*self.modules_by_path.get(owner)?, name)?
            }
            // `import ids`, then `ids.ANON_ID`.
            [name] => named(*self.modules_by_path.get(&import.path)?, name)?,
            _ => return None,
        };
        Some((written, value))
    }
}

/// The names bound exactly once in a module, by a top-level statement of its module code, to a
/// literal.
fn constants_of(module: &Module) -> HashMap<String, Value> {
    let mut bindings: HashMap<String, usize> = HashMap::new();
    for function in &module.functions {
        crate::ir::walk_block(&function.body, &mut |stmt| {
            if let Stmt::Let { name, .. } = stmt {
                *bindings.entry(name.clone()).or_default() += 1;
            }
        });
    }
    let Some(code) = module.functions.iter().find(|f| f.name == MODULE_CODE) else {
        return HashMap::new();
    };
    code.body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Let { name, value }
                if is_literal(value) && bindings.get(name.as_str()) == Some(&1) =>
            {
                Some((name.clone(), value.clone()))
            }
            _ => None,
        })
        .collect()
}

pub fn is_literal(value: &Value) -> bool {
    matches!(
        value,
        Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::Null
    )
}
