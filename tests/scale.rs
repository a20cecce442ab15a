//! Shapes that used to make the analysis hang, generated here: a 10,000-function strongly
//! connected component, a trait-heavy Rust file like an iterator-adapter crate (function-local
//! glob imports, method calls that reach every method of their name), a function whose views
//! multiply through recursion, and a crate with no analytics at all. Each must finish; the tests
//! check what it finds, not how long it takes (the scale benchmark measures that).

use std::fmt::Write as _;
use std::path::Path;

use idlint::analysis::Program;
use idlint::driver::{self, Settings};

/// The program of `dir`, and `(rule, file name, line)` of every diagnostic the rules find in it.
fn analyse(dir: &Path) -> (Program, Vec<(String, String, usize)>) {
    // Every file is parsed: these tests measure the analysis, not parsing on demand.
    let settings = Settings {
        parse_all: true,
        ..Settings::default()
    };
    let loaded = driver::load(&[dir.to_path_buf()], &settings).unwrap();
    let program = Program::with_settings(
        loaded.modules,
        loaded
            .configs
            .iter()
            .map(|c| c.rule_settings.clone())
            .collect(),
    );
    let mut found: Vec<(String, String, usize)> = idlint::rules::check_all(&program)
        .iter()
        // The rules each file's configuration switches on, as `idlint check` applies them.
        .filter(|d| {
            let config = &loaded.configs[d.primary.span.file.0 as usize];
            config.severity(d.rule, d.severity).is_some()
        })
        .map(|d| {
            let file = loaded.db.get(d.primary.span.file);
            let name = Path::new(&file.name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let line = file.line_index(d.primary.span.start as usize) + 1;
            (d.rule.to_owned(), name, line)
        })
        .collect();
    found.sort();
    found.dedup();
    (program, found)
}

/// 10,000 browser-side functions that all call each other (each calls the next and a far one,
/// through a field of its argument); one aliases, one resets, one writes the profile.
#[test]
fn ten_thousand_mutually_recursive_functions() {
    const N: usize = 10_000;
    let mut text = String::from("import mixpanel from 'mixpanel-browser';\n");
    for i in 0..N {
        let event = match i {
            0 => "mixpanel.alias(user.id);",
            5_000 => "mixpanel.reset();",
            9_000 => "mixpanel.people.set({ plan: 'pro' });",
            _ => "",
        };
        writeln!(
            text,
            "export function f{i}(user, depth) {{\n  {event}\n  if (depth > 0) {{ f{}(user, depth - 1); }} else {{ f{}(user.friend, depth); }}\n}}",
            (i + 1) % N,
            (i * 7 + 3) % N
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scc.js"), text).unwrap();

    let (program, found) = analyse(dir.path());
    let largest = program.graph.sccs.iter().map(Vec::len).max().unwrap();
    assert_eq!(largest, N, "the functions form one component");
    assert_eq!(program.relevant_sccs().len(), 1);

    // `f0` aliases, and through the cycle (past or around the reset) reaches its alias again:
    // one finding, in `f0`, at its alias. Nothing calls into the component from outside, so
    // no path starts anonymous before the profile write.
    assert_eq!(
        found,
        vec![("alias-twice".to_owned(), "scc.js".to_owned(), 3)]
    );
}

/// Iterator adapters in the shape of `streaming-iterator`: every adapter's methods match on a
/// state brought into scope by a function-local glob import (`use crate::StateN::*`, 32 of them
/// in one module), and call `advance`/`get` on values of unknown type, which reach all 16
/// adapters' methods. One adapter aliases when done; another aliases and then advances.
#[test]
fn trait_heavy_adapters() {
    const ADAPTERS: usize = 16;
    let mut text = String::from(
        "use mixpanel_rs::Mixpanel;\n\
         pub trait Stream {\n    type Item;\n    fn advance(&mut self);\n    fn get(&self) -> Option<&Self::Item>;\n\
         \x20   fn next(&mut self) -> Option<&Self::Item> {\n        self.advance();\n        self.get()\n    }\n}\n",
    );
    for i in 0..ADAPTERS {
        let done = if i == 5 {
            "self.mp.alias(&self.anon, &self.user).await.ok();"
        } else {
            ""
        };
        writeln!(
            text,
            "
enum State{i} {{ Both, Front, Back, Done }}
pub struct Adapter{i}<A, B> {{ a: A, b: B, state: State{i}, mp: Mixpanel, user: String, anon: String }}
impl<A: Stream, B: Stream<Item = A::Item>> Stream for Adapter{i}<A, B> {{
    type Item = A::Item;
    fn advance(&mut self) {{
        use crate::State{i}::*;
        match self.state {{
            Both => {{ let a = self.front(); a.advance(); if a.get().is_none() {{ self.state = Back; }} }}
            Front => self.front().advance(),
            Back => self.back().advance(),
            Done => {{ {done} }}
        }}
    }}
    fn get(&self) -> Option<&A::Item> {{
        use crate::State{i}::*;
        match self.state {{ Both | Front => self.front_ref().get(), Back => self.back_ref().get(), Done => None }}
    }}
}}
impl<A: Stream, B: Stream<Item = A::Item>> Adapter{i}<A, B> {{
    fn front(&mut self) -> &mut A {{ &mut self.a }}
    fn back(&mut self) -> &mut B {{ &mut self.b }}
    fn front_ref(&self) -> &A {{ &self.a }}
    fn back_ref(&self) -> &B {{ &self.b }}
    pub fn fold<Acc, G: FnMut(Acc, &A::Item) -> Acc>(mut self, init: Acc, mut g: G) -> Acc {{
        let mut acc = init;
        while let Some(x) = self.next() {{ acc = g(acc, x); }}
        acc
    }}
    pub fn count(self) -> usize {{ self.fold(0, |n, x| {{ let s = x.inner(); s.advance(); n + 1 }}) }}
}}"
        )
        .unwrap();
    }
    text.push_str(
        "
impl<A: Stream, B: Stream<Item = A::Item>> Adapter3<A, B> {
    pub async fn sign_up(&mut self) {
        self.mp.alias(&self.anon, &self.user).await.ok();
        self.advance();
    }
}
",
    );
    let alias_in_adapter5 = text
        .lines()
        .position(|l| l.contains("Done => { self.mp.alias"))
        .unwrap()
        + 1;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), text).unwrap();

    let (program, found) = analyse(dir.path());
    let advance_candidates = program
        .graph
        .calls
        .iter()
        .flatten()
        .filter_map(|t| match t {
            idlint::callgraph::Target::Project(ids) => Some(ids.len()),
            _ => None,
        })
        .max()
        .unwrap();
    assert_eq!(
        advance_candidates, ADAPTERS,
        "ambiguous calls reach every adapter"
    );

    // `sign_up` aliases, then `advance` reaches `Adapter5::advance`, which aliases again.
    assert_eq!(
        found,
        vec![(
            "alias-twice".to_owned(),
            "lib.rs".to_owned(),
            alias_in_adapter5
        )]
    );
}

/// A server-side function whose recursive calls rotate, swap and duplicate 24 parameters: the
/// ids it is followed for (its views) would number in the millions. Past the bound per function
/// they are widened, and the use of the id before its alias is still found.
#[test]
fn views_that_multiply_through_recursion() {
    const PARAMS: usize = 24;
    let params: Vec<String> = (0..PARAMS).map(|i| format!("p{i}")).collect();
    let mut rotated = params.clone();
    rotated.rotate_left(1);
    let mut duplicated = params.clone();
    duplicated[1] = params[0].clone();
    let mut swapped = params.clone();
    swapped.swap(0, 1);
    let text = format!(
        "from mixpanel import Mixpanel\n\nmp = Mixpanel('token')\n\n\
         def spread({params}, n):\n    mp.track(p0, 'seen')\n    if n > 0:\n        spread({rotated}, n - 1)\n\
         \x20   elif n < 0:\n        spread({duplicated}, n + 1)\n    elif n == 0:\n        spread({swapped}, n)\n\n\
         def signup(user):\n    spread({fields}, 3)\n    mp.alias(user.f5, user.anon)\n",
        params = params.join(", "),
        rotated = rotated.join(", "),
        duplicated = duplicated.join(", "),
        swapped = swapped.join(", "),
        fields = (0..PARAMS)
            .map(|i| format!("user.f{i}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("views.py"), text).unwrap();
    let (_, found) = analyse(dir.path());
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|f| *f
            == (
                "identify-before-alias".to_owned(),
                "views.py".to_owned(),
                16
            )),
        "{found:?}"
    );
}

/// A crate without analytics: nothing is relevant, nothing is reported, and what does not
/// matter is not analysed (the re-export search of its glob imports stays bounded).
#[test]
fn code_without_analytics() {
    let mut text = String::new();
    for i in 0..40 {
        writeln!(
            text,
            "pub enum E{i} {{ A, B }}\npub fn f{i}(x: E{i}) -> usize {{\n    use crate::E{i}::*;\n    match x {{ A => Vec::new().len() + f{}(E{}::B), B => Some(1).unwrap_or(0) }}\n}}",
            (i + 1) % 40,
            (i + 1) % 40
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), text).unwrap();
    let (program, found) = analyse(dir.path());
    assert!(program.relevant_sccs().is_empty());
    assert!(program.graph.sccs.iter().any(|c| c.len() == 40));
    assert!(found.is_empty());
}
