//! Demand-driven parsing: only files that can matter to an identity finding are parsed.
//!
//! Most files of a real project never touch analytics. Before any parsing, every file's text
//! is scanned for the names that can make it matter: the SDK's name, tracker and declared-API
//! names, names rules read (logout functions). The files that mention one are lowered; the
//! functions that reach identity calls there, the functions they call and the module-level
//! trackers widen the set of names, and the files not yet lowered are scanned again, until
//! nothing new is found. A file none of these names appears in cannot call into, be called
//! from, or hand values to a function that reaches an identity call, so leaving it unparsed
//! changes no finding (`tests/demand.rs` compares both modes).

use std::collections::HashSet;

use crate::config::Config;
use crate::ir::{Callee, Module, Stmt, walk_block};

/// The names whose mention makes a file worth parsing, grown as wrappers are discovered.
#[derive(Default)]
pub struct Names {
    exact: HashSet<String>,
}

impl Names {
    /// The names every run starts from: tracker names and declared APIs of every
    /// configuration in use (the SDK's own name is matched case-insensitively in any word).
    pub fn seeds(configs: &[&Config]) -> Names {
        let mut names = Names::default();
        for config in configs {
            let options = crate::frontend::Options::with_config(config);
            names
                .exact
                .extend(options.tracking_names().map(str::to_owned));
        }
        names
    }

    fn insert(&mut self, name: &str) -> bool {
        !name.is_empty() && self.exact.insert(name.to_owned())
    }
}

/// Whether `text` mentions a name in `names`, the SDK's name, or a function name a rule
/// reads by itself (a logout function, under `config`).
pub fn mentions(text: &str, names: &Names, config: &Config) -> bool {
    let logout = config.rule_settings.logout_patterns();
    let shortest = logout.iter().map(String::len).min().unwrap_or(usize::MAX);
    let mut normalised = String::new();
    words(text).any(|word| {
        names.exact.contains(word)
            || contains_ignoring_case(word, "mixpanel")
            || (word.len() >= shortest && {
                // As `RuleSettings::matches_logout` reads a function name.
                normalised.clear();
                normalised.extend(
                    word.chars()
                        .filter(|c| !matches!(c, '_' | '-'))
                        .flat_map(char::to_lowercase),
                );
                logout.iter().any(|p| normalised.contains(p.as_str()))
            })
    })
}

/// What the lowered files show about which functions matter, kept across rounds so each
/// module is read once: a function matters if it makes an identity call or calls a name
/// that matters; the names it calls then matter too (fresh-id sources, stores), and so does
/// its own name (its callers).
#[derive(Default)]
pub struct Widening {
    /// Per function seen: its name, the names it calls, whether it matters yet.
    functions: Vec<(String, Vec<String>, bool)>,
    /// Callee name → the functions that call it.
    callers: std::collections::HashMap<String, Vec<usize>>,
}

impl Widening {
    /// Reads `modules` (each once over the whole run) and grows `names`; returns whether
    /// anything was added.
    pub fn widen(&mut self, names: &mut Names, modules: &[&Module]) -> bool {
        let mut queue = Vec::new();
        let mut grew = false;
        for module in modules {
            for tracker in &module.trackers {
                // A member holding a tracker (`AnalyticsService.mixpanel`) is used by its
                // name, in any file of its type.
                let used_as = tracker.rsplit('.').next().unwrap_or(tracker);
                grew |= names.insert(used_as);
            }
            for function in &module.functions {
                let (calls, identity) = calls_of(function, module);
                let index = self.functions.len();
                for callee in &calls {
                    self.callers.entry(callee.clone()).or_default().push(index);
                }
                if identity || calls.iter().any(|c| names.exact.contains(c)) {
                    queue.push(index);
                }
                let name = scanned_word(&function.name).to_owned();
                self.functions.push((name, calls, false));
            }
        }
        // Names already known may be called by functions read in earlier rounds.
        for name in names.exact.iter() {
            queue.extend(self.callers.get(name).into_iter().flatten().copied());
        }
        while let Some(index) = queue.pop() {
            let (name, calls, matters) = &mut self.functions[index];
            if *matters {
                continue;
            }
            *matters = true;
            let newly: Vec<String> = std::iter::once(name.clone())
                .chain(calls.iter().cloned())
                .filter(|n| names.insert(n))
                .collect();
            grew |= !newly.is_empty();
            for name in newly {
                queue.extend(self.callers.get(&name).into_iter().flatten().copied());
            }
        }
        grew
    }
}

/// The names a function calls, and whether it makes an identity call itself. Names it reads
/// but never binds count as called: a module constant (`ANON_ID`, `ids.ANON_ID`) can be the id
/// it sends, so the file that defines it matters too; so do the attributes of its own object
/// it reads (`this.userId`), which other files may write.
fn calls_of(function: &crate::ir::Function, module: &Module) -> (Vec<String>, bool) {
    let mut calls = Vec::new();
    let mut identity = false;
    let mut read = Vec::new();
    let mut bound: HashSet<String> = function.params.iter().cloned().collect();
    walk_block(&function.body, &mut |stmt| match stmt {
        Stmt::Event(event) => {
            identity = true;
            read.extend(event.id.iter().chain(&event.original).cloned());
        }
        Stmt::Call(call) => {
            identity |= call.sdk_fallback.is_some();
            if let Some(name) = callee_name(&call.callee, module) {
                calls.push(scanned_word(name).to_owned());
            }
            // A call on a member another file declares (`Session.tracker`): the files that
            // declare the type and its members say what the member holds.
            if let Callee::Method {
                receiver_type: Some(path),
                ..
            } = &call.callee
                && path.contains('.')
            {
                calls.extend(path.split('.').map(str::to_owned));
            }
            read.extend(call.args.iter().cloned());
        }
        Stmt::Let { name, .. } => {
            bound.insert(name.clone());
        }
        _ => {}
    });
    // A parameter's default (`uid=ANON_ID`) is sent where a call leaves the argument out.
    read.extend(function.defaults.iter().flatten().cloned());
    for value in read {
        // `this.userId`: code elsewhere may write the attribute (`profile.userId = ..`).
        if let crate::ir::Value::Path { root, fields } = &value
            && matches!(root.as_str(), "this" | "self")
            && let [field] = fields.as_slice()
        {
            calls.push(field.clone());
        }
        if let crate::ir::Value::Path { root, fields } = value
            && !bound.contains(&root)
            && fields.len() <= 1
        {
            calls.extend(fields);
            // `ids::SYSTEM` is defined where its last name is written.
            calls.push(root.rsplit("::").next().unwrap_or(&root).to_owned());
        }
    }
    calls.sort();
    calls.dedup();
    (calls, identity)
}

/// The name a call site uses for its callee: the last segment of a path, the method's name,
/// or a local closure's name.
fn callee_name<'a>(callee: &'a Callee, module: &'a Module) -> Option<&'a str> {
    match callee {
        Callee::Path(path) => path.last().map(String::as_str),
        Callee::Method { name, .. } => Some(name),
        Callee::Local(index) => module
            .functions
            .get(*index as usize)
            .map(|f| f.name.as_str()),
    }
}

/// The identifier-like words of a text, without allocating.
/// The word a file mentions a function by: an Objective-C selector (`linkUser:source:`) is
/// written in pieces, of which the first is found by `words`.
fn scanned_word(name: &str) -> &str {
    name.split(':').next().unwrap_or(name)
}

pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|word| !word.is_empty())
}

fn contains_ignoring_case(word: &str, lowercase: &str) -> bool {
    word.len() >= lowercase.len()
        && word
            .as_bytes()
            .windows(lowercase.len())
            .any(|window| window.eq_ignore_ascii_case(lowercase.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selector_is_found_by_its_first_piece() {
        let config = Config::default();
        let mut names = Names::seeds(&[&config]);
        assert!(names.insert(scanned_word("linkUser:source:")));
        assert!(mentions(
            "[service linkUser:user source:@\"x\"];",
            &names,
            &config
        ));
        assert_eq!(scanned_word("identify"), "identify");
    }

    #[test]
    fn a_file_is_wanted_for_the_sdk_a_tracker_or_a_logout_function() {
        let config = Config::default();
        let names = Names::seeds(&[&config]);
        assert!(mentions("import Mixpanel from 'x'", &names, &config));
        assert!(mentions("self.analytics.link(u)", &names, &config));
        assert!(mentions("def log_out(request): pass", &names, &config));
        assert!(!mentions("fn add(a: u8) -> u8 { a + 1 }", &names, &config));
        assert!(!mentions("const logo = 'mp4';", &names, &config));
        assert!(mentions(
            "[[Mixpanel sharedInstance] reset];",
            &names,
            &config
        ));
        assert!(mentions("Mixpanel.mainInstance().reset()", &names, &config));
    }
}
