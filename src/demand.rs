//! Demand-driven parsing: only files that can matter to an identity finding are parsed.
//!
//! Most files of a real project never touch analytics. Before any parsing, every file's text
//! is scanned for the names that can make it matter: the SDK's name, tracker and declared-API
//! names, names rules read (logout functions). The files that mention one are lowered; the
//! functions that reach identity calls there (their callers), the functions the ids they
//! send come from or go to (`Flow::leads_to`: `makeId()`, `saveAnonId(id)`, a constant) and
//! the module-level trackers widen the set of names, and the files not yet lowered are
//! scanned again, until nothing new is found. A call that sends nothing of an id
//! (`router.push(..)`) widens nothing: a callee that makes identity calls is found by its own
//! words. A file none of these names appears in cannot call into, be called from, or hand ids
//! to a function that reaches an identity call, so leaving it unparsed changes no finding
//! (`tests/demand.rs` compares both modes on every fixture; real repositories in the note).

use std::collections::HashSet;
use std::hash::BuildHasher;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::config::Config;
use crate::ir::{Callee, Module, Stmt, walk_block};

/// The names whose mention makes a file worth parsing, grown as wrappers are discovered.
#[derive(Default)]
pub struct Names {
    /// Names that make a caller matter: the SDK's trackers, declared APIs, and the functions
    /// from which an identity call is reachable.
    exact: HashSet<String>,
    /// Names of what ids come from or go to (`makeId`, `saveAnonId`, `ANON_ID`): their files
    /// are read, but calling one does not make a function matter.
    data: HashSet<String>,
    /// The hashes of both, as [`Scan`] keeps a file's words.
    hashes: FxHashSet<u64>,
}

impl Names {
    /// The names every run starts from: tracker names and declared APIs of every
    /// configuration in use (the SDK's own name is matched case-insensitively in any word).
    pub fn seeds(configs: &[&Config]) -> Names {
        let mut names = Names::default();
        for config in configs {
            let options = crate::frontend::Options::with_config(config);
            for name in options.tracking_names() {
                names.insert(name);
            }
        }
        names
    }

    fn insert(&mut self, name: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        self.hashes.insert(word_hash(name));
        self.exact.insert(name.to_owned())
    }

    fn insert_data(&mut self, name: &str) -> bool {
        if name.is_empty() || self.exact.contains(name) {
            return false;
        }
        self.hashes.insert(word_hash(name));
        self.data.insert(name.to_owned())
    }
}

/// Demand parsing over `files` files, file `i` known by its words and configuration
/// (`scan_of(i)`): rounds of lowering (`lower`, in parallel, each file at most once) the files
/// whose words name something that can matter by then, and widening the names with what
/// their modules (`module_of`) show, until no new name appears. What `lower` made, by file;
/// `None` for a file that cannot matter.
pub fn lower_on_demand<'a, T: Send>(
    files: usize,
    scan_of: impl Fn(usize) -> (&'a Scan, &'a Config) + Sync,
    lower: impl Fn(usize) -> T + Sync,
    module_of: impl Fn(&T) -> &Module,
) -> Vec<Option<T>> {
    let mut distinct: Vec<&Config> = Vec::new();
    for i in 0..files {
        let config = scan_of(i).1;
        if !distinct.iter().any(|c| std::ptr::eq(*c, config)) {
            distinct.push(config);
        }
    }
    let mut names = Names::seeds(&distinct);
    let mut widening = Widening::default();
    let mut done: Vec<Option<T>> = std::iter::repeat_with(|| None).take(files).collect();
    loop {
        let lowered: Vec<bool> = done.iter().map(Option::is_some).collect();
        let wanted: Vec<usize> = (0..files)
            .into_par_iter()
            .filter(|&i| !lowered[i] && scan_of(i).0.wanted(&names))
            .collect();
        if wanted.is_empty() {
            break;
        }
        let everything = wanted.len() == lowered.iter().filter(|l| !**l).count();
        let results: Vec<(usize, T)> = wanted.into_par_iter().map(|i| (i, lower(i))).collect();
        // With every file lowered, no name can add one: widening would be wasted.
        let grew = !everything && {
            let modules: Vec<&Module> = results.iter().map(|(_, made)| module_of(made)).collect();
            widening.widen(&mut names, &modules)
        };
        for (i, made) in results {
            done[i] = Some(made);
        }
        if !grew {
            break;
        }
    }
    done
}

/// A file's distinct words, read once and kept as hashes (a collision only parses one file
/// more), so that each round of demand parsing asks them about the names known by then
/// without reading the text again.
#[derive(Default)]
pub struct Scan {
    words: Vec<u64>,
    /// A word names the SDK (in any case, anywhere in the word) or a logout function (as
    /// [`crate::analysis::RuleSettings::matches_logout`] reads a function name): the file
    /// is wanted whatever the names.
    names_sdk_or_logout: bool,
}

impl Scan {
    pub fn new(text: &str, config: &Config) -> Scan {
        let logout = config.rule_settings.logout_patterns();
        let shortest = logout.iter().map(String::len).min().unwrap_or(usize::MAX);
        // A file has about one distinct word per 30 bytes: sized once, never grown.
        let mut seen: FxHashSet<u64> =
            FxHashSet::with_capacity_and_hasher(text.len() / 24, Default::default());
        let mut words = Vec::new();
        let mut names_sdk_or_logout = false;
        let mut normalised = String::new();
        for word in self::words(text) {
            let hash = word_hash(word);
            if !seen.insert(hash) {
                continue;
            }
            words.push(hash);
            if names_sdk_or_logout || word.len() < shortest.min("mixpanel".len()) {
                continue;
            }
            // As `RuleSettings::matches_logout` reads a name: without `_` (a word has no `-`),
            // lower case; the patterns are lower case already.
            let names_logout = word.len() >= shortest
                && if word.is_ascii() && !word.contains('_') {
                    logout.iter().any(|p| contains_ignoring_case(word, p))
                } else {
                    normalised.clear();
                    normalised.extend(
                        word.chars()
                            .filter(|&c| c != '_')
                            .flat_map(char::to_lowercase),
                    );
                    logout.iter().any(|p| normalised.contains(p.as_str()))
                };
            names_sdk_or_logout = names_logout || contains_ignoring_case(word, "mixpanel");
        }
        Scan {
            words,
            names_sdk_or_logout,
        }
    }

    /// Whether the file can matter once `names` are known.
    pub fn wanted(&self, names: &Names) -> bool {
        self.names_sdk_or_logout || self.words.iter().any(|hash| names.hashes.contains(hash))
    }
}

fn word_hash(word: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(word)
}

/// What the lowered files show about which functions matter, kept across rounds so each
/// module is read once: a function matters if it makes an identity call or calls a name
/// that matters; then its own name matters (its callers), and the names its ids come from
/// and go to are read ([`Flow::leads_to`]: fresh-id sources, stores, constants).
#[derive(Default)]
pub struct Widening {
    /// Per function seen: its name, what its data does, whether it matters yet.
    functions: Vec<(String, Flow, bool)>,
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
                let flow = Flow::of(function, module);
                let index = self.functions.len();
                for callee in flow.called() {
                    self.callers
                        .entry(callee.to_owned())
                        .or_default()
                        .push(index);
                }
                if flow.identity || flow.called().any(|c| names.exact.contains(c)) {
                    queue.push(index);
                }
                let name = scanned_word(&function.name).to_owned();
                self.functions.push((name, flow, false));
            }
        }
        // Names already known may be called by functions read in earlier rounds.
        for name in names.exact.iter() {
            queue.extend(self.callers.get(name).into_iter().flatten().copied());
        }
        while let Some(index) = queue.pop() {
            let (name, _, matters) = &mut self.functions[index];
            if *matters {
                continue;
            }
            *matters = true;
            if names.insert(name) {
                grew = true;
                queue.extend(
                    self.callers
                        .get(name.as_str())
                        .into_iter()
                        .flatten()
                        .copied(),
                );
            }
        }
        // What a function's ids lead to depends on which of its callees matter: asked once
        // the names that matter are complete, of every function that matters (earlier rounds'
        // too), so the answer depends on no order of discovery.
        let data: Vec<String> = self
            .functions
            .iter()
            .filter(|(_, _, matters)| *matters)
            .flat_map(|(_, flow, _)| flow.leads_to(names))
            .collect();
        for data in data {
            grew |= names.insert_data(&data);
        }
        grew
    }
}

/// What one function's data does, as far as widening asks: where the values it sends to
/// identity calls come from and go to.
struct Flow {
    /// It makes an identity call itself (an SDK event, a tracker-named call).
    identity: bool,
    /// Roots of the values its identity calls send (ids, original ids, properties).
    sent: Vec<String>,
    /// `name = value`: the root a bound name is read from.
    lets: Vec<(String, Option<String>)>,
    /// Each call it makes.
    sites: Vec<Site>,
    /// Paths it reads but never binds (module constants, `this.x`), with their root: a
    /// constant defined elsewhere can be an id it sends.
    reads: Vec<(String, Vec<String>)>,
    /// Names from the types of members other files declare (`Session.tracker`).
    members: Vec<String>,
}

/// A call, as widening sees it.
struct Site {
    callee: Option<String>,
    /// The temporary its result is bound to.
    result: Option<String>,
    /// The roots of what it is handed.
    handed: Vec<String>,
    /// The callee's name says which function it is (a path such as `makeId()` or
    /// `ids::make()`, a method of a known type; not `x.get()` on any object, whose name every
    /// other file mentions).
    specific: bool,
}

impl Flow {
    fn of(function: &crate::ir::Function, module: &Module) -> Flow {
        let mut flow = Flow {
            identity: false,
            sent: Vec::new(),
            lets: Vec::new(),
            sites: Vec::new(),
            reads: Vec::new(),
            members: Vec::new(),
        };
        let mut bound: HashSet<&str> = function.params.iter().map(String::as_str).collect();
        let mut read: Vec<&crate::ir::Value> = Vec::new();
        walk_block(&function.body, &mut |stmt| match stmt {
            Stmt::Event(event) => {
                flow.identity = true;
                let values = event
                    .id
                    .iter()
                    .chain(&event.original)
                    .chain(event.options.iter().flatten().map(|(_, v)| v));
                for value in values {
                    flow.sent.extend(root_of(value).map(str::to_owned));
                    read.push(value);
                }
            }
            Stmt::Call(call) => {
                flow.identity |= call.sdk_fallback.is_some();
                // A call on a member another file declares (`Session.tracker`): the files that
                // declare the type and its members say what the member holds.
                if let Callee::Method {
                    receiver_type: Some(path),
                    ..
                } = &call.callee
                    && path.contains('.')
                {
                    flow.members.extend(path.split('.').map(str::to_owned));
                }
                let name = callee_name(&call.callee, module).map(|n| scanned_word(n).to_owned());
                let handed = call
                    .args
                    .iter()
                    .filter_map(root_of)
                    .map(str::to_owned)
                    .collect();
                let specific = matches!(
                    &call.callee,
                    Callee::Path(_)
                        | Callee::Local(_)
                        | Callee::Method {
                            receiver_type: Some(_),
                            ..
                        }
                );
                flow.sites.push(Site {
                    callee: name,
                    result: call.result.clone(),
                    handed,
                    specific,
                });
                bound.extend(call.result.as_deref());
                read.extend(&call.args);
            }
            Stmt::Let { name, value } => {
                bound.insert(name);
                flow.lets
                    .push((name.clone(), root_of(value).map(str::to_owned)));
                read.push(value);
            }
            _ => {}
        });
        // A parameter's default (`uid=ANON_ID`) is sent where a call leaves the argument out.
        for (param, default) in function.params.iter().zip(&function.defaults) {
            if let Some(default) = default {
                flow.lets
                    .push((param.clone(), root_of(default).map(str::to_owned)));
                read.push(default);
            }
        }
        for value in read {
            if let crate::ir::Value::Path { root, fields } = value
                && fields.len() <= 1
                && !root.starts_with('$')
                && (!bound.contains(root.as_str()) || matches!(root.as_str(), "this" | "self"))
            {
                flow.reads.push((root.clone(), fields.clone()));
            }
        }
        flow
    }

    /// Every name it calls: it matters when one of them does (it reaches that call).
    fn called(&self) -> impl Iterator<Item = &str> {
        self.sites.iter().filter_map(|site| site.callee.as_deref())
    }

    /// The names its ids come from and go to, now that it matters: a callee whose result
    /// reaches an identity call (`uuidv4()`, `getAnonId()`) or that is handed such a value
    /// (`saveAnonId(id)`); the constants and attributes such a value is read from. A value
    /// reaches an identity call when an identity call of its own sends it, or when it is
    /// handed to a function that matters (`track.page_view(mp, &visitor)`). Calls that send
    /// nothing of it (`router.push(..)`, `dispatch(..)`) widen nothing: identity calls
    /// elsewhere are found by their own words and by the names of the functions that matter.
    fn leads_to(&self, names: &Names) -> Vec<String> {
        let mut reaching: HashSet<&str> = self.sent.iter().map(String::as_str).collect();
        for site in &self.sites {
            if site
                .callee
                .as_deref()
                .is_some_and(|n| names.exact.contains(n))
            {
                reaching.extend(site.handed.iter().map(String::as_str));
            }
        }
        loop {
            let before = reaching.len();
            for (name, root) in &self.lets {
                if reaching.contains(name.as_str())
                    && let Some(root) = root
                {
                    reaching.insert(root);
                }
            }
            for site in &self.sites {
                if site.result.as_deref().is_some_and(|r| reaching.contains(r)) {
                    reaching.extend(site.handed.iter().map(String::as_str));
                }
            }
            if reaching.len() == before {
                break;
            }
        }
        let mut leads_to: Vec<String> = self.members.clone();
        for site in &self.sites {
            let sends = site.result.as_deref().is_some_and(|r| reaching.contains(r))
                || site.handed.iter().any(|h| reaching.contains(h.as_str()));
            if sends
                && site.specific
                && let Some(name) = &site.callee
            {
                leads_to.push(name.clone());
            }
        }
        for (root, fields) in &self.reads {
            if !reaching.contains(root.as_str()) {
                continue;
            }
            if matches!(root.as_str(), "this" | "self") {
                // `this.userId`: code elsewhere may write the attribute.
                leads_to.extend(fields.iter().cloned());
            } else {
                leads_to.extend(fields.iter().cloned());
                // `ids::SYSTEM` is defined where its last name is written.
                leads_to.push(root.rsplit("::").next().unwrap_or(root).to_owned());
            }
        }
        leads_to
    }
}

/// The local name a value is read from (`user` of `user.email`).
fn root_of(value: &crate::ir::Value) -> Option<&str> {
    match value {
        crate::ir::Value::Path { root, .. } => Some(root),
        _ => None,
    }
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

pub(crate) fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

/// The runs of alphanumeric characters, `_` and `$` of a text; ASCII is read byte by byte
/// (every file is scanned before anything is parsed, so this loop is the cost of a run on a
/// tree that never touches analytics).
pub(crate) struct Words<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Words<'t> {
    /// Moves past the characters for which `in_word` is `want`, from `self.at`.
    fn skip_while(&mut self, want: bool) {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(self.at) {
            if byte.is_ascii() {
                if is_word_byte(byte) != want {
                    return;
                }
                self.at += 1;
            } else {
                let c = self.text[self.at..].chars().next().unwrap_or_default();
                if c.is_alphanumeric() != want {
                    return;
                }
                self.at += c.len_utf8();
            }
        }
    }
}

fn is_word_byte(byte: u8) -> bool {
    const WORD: [bool; 128] = {
        let mut table = [false; 128];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
            b += 1;
        }
        table
    };
    WORD[byte as usize]
}

impl<'t> Iterator for Words<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        self.skip_while(false);
        let start = self.at;
        self.skip_while(true);
        (self.at > start).then(|| &self.text[start..self.at])
    }
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

    /// Whether `text` mentions a name in `names`, the SDK's name, or a logout function.
    fn mentions(text: &str, names: &Names, config: &Config) -> bool {
        Scan::new(text, config).wanted(names)
    }

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
    fn words_are_the_runs_of_word_characters() {
        // The byte loop against the definition, on ASCII, non-ASCII letters and separators.
        let reference = |text: &str| -> Vec<String> {
            text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let pieces = [
            "a", "Z9", "_", "$", " ", "\n", ".", "(", "é", "名前", "—", "\u{a0}", "😀", "ß", "x1",
        ];
        let mut seed = 7u64;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let found: Vec<String> = words(&text).map(str::to_owned).collect();
            assert_eq!(found, reference(&text), "{text:?}");
        }
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
