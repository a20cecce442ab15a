//! Scale benchmark: synthetic projects of growing size, timed end to end (discover, parse,
//! lower, call graph, all rules). Linear analysis shows as a constant time per function.
//!
//! `cargo bench --bench scale` prints one line per case; BENCHMARKS.md records the numbers.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use idlint::driver;
use idlint::driver::Settings;

/// `files` files of `per_file` functions: handlers calling wrappers that alias, track and
/// generate ids, with branches and loops, as in a real service.
fn write_service(dir: &Path, files: usize, per_file: usize) {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let mut lib = String::from("use mixpanel_rs::Mixpanel;\n");
    for f in 0..files {
        writeln!(lib, "pub mod m{f};").unwrap();
        let mut text = String::from(
            "use mixpanel_rs::Mixpanel;\nuse std::collections::HashMap;\nuse uuid::Uuid;\n",
        );
        for i in 0..per_file {
            let next = if f + 1 < files {
                format!("crate::m{}::h{i}(mp, user, flag).await;", f + 1)
            } else {
                String::new()
            };
            writeln!(
                text,
                "pub async fn h{i}(mp: &Mixpanel, user: &User, flag: bool) {{\n\
                 \x20   if flag {{ link{i}(mp, &user.anon, &user.id).await; }} else {{ event{i}(mp, &user.id).await; }}\n\
                 \x20   for item in user.items.iter() {{ if item.ok {{ continue; }} }}\n\
                 \x20   {next}\n}}\n\
                 async fn link{i}(mp: &Mixpanel, anon: &str, id: &str) {{ mp.alias(anon, id).await.ok(); }}\n\
                 async fn event{i}(mp: &Mixpanel, id: &str) {{\n\
                 \x20   let mut props = HashMap::new();\n\
                 \x20   props.insert(\"distinct_id\".to_string(), id.to_string());\n\
                 \x20   mp.track(\"e{i}\", Some(props)).await.ok();\n}}\n\
                 pub fn fresh{i}(store: &Store) -> String {{ let id = Uuid::new_v4().to_string(); store.put(&id); id }}\n"
            )
            .unwrap();
        }
        std::fs::write(src.join(format!("m{f}.rs")), text).unwrap();
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
}

/// The same service shape in TypeScript (Node `mixpanel`, ES modules).
fn write_service_ts(dir: &Path, files: usize, per_file: usize) {
    std::fs::write(
        dir.join("package.json"),
        r#"{"dependencies":{"mixpanel":"^0.18.0"}}"#,
    )
    .unwrap();
    for f in 0..files {
        let mut text = String::from(
            "import Mixpanel from 'mixpanel';\nimport { randomUUID } from 'crypto';\n",
        );
        if f + 1 < files {
            writeln!(text, "import * as next from './m{}';", f + 1).unwrap();
        }
        text.push_str("const mp = Mixpanel.init('token');\n");
        for i in 0..per_file {
            let next = if f + 1 < files {
                format!("await next.h{i}(user, flag);")
            } else {
                String::new()
            };
            writeln!(
                text,
                "export async function h{i}(user: User, flag: boolean): Promise<void> {{\n\
                 \x20 if (flag) {{ link{i}(user.anon, user.id); }} else {{ event{i}(user.id); }}\n\
                 \x20 for (const item of user.items) {{ if (item.ok) {{ continue; }} }}\n\
                 \x20 {next}\n}}\n\
                 function link{i}(anon: string, id: string): void {{ mp.alias(anon, id); }}\n\
                 function event{i}(id: string): void {{ mp.track('e{i}', {{ distinct_id: id }}); }}\n\
                 export function fresh{i}(store: Store): string {{ const id = randomUUID(); store.put(id); return id; }}"
            )
            .unwrap();
        }
        std::fs::write(dir.join(format!("m{f}.ts")), text).unwrap();
    }
}

/// The same service shape in Python (a package of modules).
fn write_service_py(dir: &Path, files: usize, per_file: usize) {
    let package = dir.join("svc");
    std::fs::create_dir_all(&package).unwrap();
    std::fs::write(package.join("__init__.py"), "").unwrap();
    for f in 0..files {
        let mut text = String::from("import uuid\nfrom mixpanel import Mixpanel\n");
        if f + 1 < files {
            writeln!(text, "from svc import m{} as nxt", f + 1).unwrap();
        }
        text.push_str("mp = Mixpanel('token')\n");
        for i in 0..per_file {
            let next = if f + 1 < files {
                format!("nxt.h{i}(user, flag)")
            } else {
                "pass".to_owned()
            };
            writeln!(
                text,
                "\ndef h{i}(user, flag):\n    if flag:\n        link{i}(user.anon, user.id)\n    else:\n        event{i}(user.id)\n    for item in user.items:\n        if item.ok:\n            continue\n    {next}\n\n\
                 def link{i}(anon, uid):\n    mp.alias(uid, anon)\n\n\
                 def event{i}(uid):\n    mp.track(uid, 'e{i}')\n\n\
                 def fresh{i}(store):\n    uid = uuid.uuid4().hex\n    store.put(uid)\n    return uid"
            )
            .unwrap();
        }
        std::fs::write(package.join(format!("m{f}.py")), text).unwrap();
    }
}

/// A call chain `depth` functions deep, called twice at the top.
fn write_chain(dir: &Path, depth: usize) {
    let mut text = String::from(
        "use mixpanel_rs::Mixpanel;\npub async fn top(mp: &Mixpanel, id: &str) { f0(mp, id); f0(mp, id); }\n",
    );
    for i in 0..depth - 1 {
        writeln!(
            text,
            "fn f{i}(mp: &Mixpanel, id: &str) {{ f{}(mp, id); }}",
            i + 1
        )
        .unwrap();
    }
    writeln!(
        text,
        "fn f{}(mp: &Mixpanel, id: &str) {{ mp.alias(\"anon\", id); }}",
        depth - 1
    )
    .unwrap();
    std::fs::write(dir.join("lib.rs"), text).unwrap();
}

/// `ifs` sequential branches that each call an aliasing helper: 2^ifs paths.
fn write_paths(dir: &Path, ifs: usize) {
    let mut text = String::from(
        "use mixpanel_rs::Mixpanel;\nasync fn link(mp: &Mixpanel, a: &str, b: &str) { mp.alias(a, b).await.ok(); }\npub async fn many(mp: &Mixpanel, f: &[bool], a: &str, b: &str) {\n",
    );
    for i in 0..ifs {
        writeln!(text, "    if f[{i}] {{ link(mp, a, b).await; }}").unwrap();
    }
    text.push_str("}\n");
    std::fs::write(dir.join("lib.rs"), text).unwrap();
}

/// `n` functions in one strongly connected component: each calls the next and a far one (through
/// a field of its argument, so ids grow fields), a few alias, track or write profiles.
fn write_mutual_recursion(dir: &Path, n: usize) {
    let mut text = String::from("use mixpanel_rs::Mixpanel;\n");
    for i in 0..n {
        let event = match i % 50 {
            0 => "mp.alias(&user.anon, &user.id).await.ok();",
            10 => "mp.track(\"seen\", Some(props(&user.id))).await.ok();",
            20 => "mp.people_set(&user.id, props(&user.id)).await.ok();",
            _ => "",
        };
        writeln!(
            text,
            "pub async fn f{i}(mp: &Mixpanel, user: &User, depth: u32) {{\n\
             \x20   {event}\n\
             \x20   if depth > 0 {{ f{}(mp, user, depth - 1).await; }} else {{ f{}(mp, &user.friend, depth).await; }}\n}}",
            (i + 1) % n,
            (i * 7 + 3) % n
        )
        .unwrap();
    }
    std::fs::write(dir.join("lib.rs"), text).unwrap();
}

/// `adapters` iterator adapters as in `streaming-iterator`: function-local glob imports of
/// their state enums, and `advance`/`get` calls on values of unknown type, which reach every
/// adapter's method of that name; every eighth adapter aliases when done.
fn write_adapters(dir: &Path, adapters: usize) {
    let mut text = String::from(
        "use mixpanel_rs::Mixpanel;\npub trait Stream { type Item; fn advance(&mut self); fn get(&self) -> Option<&Self::Item>; }\n",
    );
    for i in 0..adapters {
        let done = if i % 8 == 0 {
            "self.mp.alias(&self.anon, &self.user).await.ok();"
        } else {
            ""
        };
        writeln!(
            text,
            "enum State{i} {{ Both, Front, Back, Done }}
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
    pub fn count(self) -> usize {{ self.fold(0, |n, x| {{ let s = x.inner(); s.advance(); n + 1 }}) }}
    pub async fn sign_up(&mut self) {{ self.mp.alias(&self.anon, &self.user).await.ok(); self.advance(); }}
}}"
        )
        .unwrap();
    }
    std::fs::write(dir.join("lib.rs"), text).unwrap();
}

fn time(dir: &Path) -> (Duration, usize, usize) {
    let mut best = Duration::MAX;
    let mut result = (0, 0);
    for _ in 0..3 {
        let start = Instant::now();
        let checked = driver::check(&[dir.to_path_buf()], &Settings::default()).unwrap();
        best = best.min(start.elapsed());
        result = (checked.functions, checked.diagnostics.len());
    }
    (best, result.0, result.1)
}

fn report(name: &str, dir: &Path) {
    let (elapsed, functions, diagnostics) = time(dir);
    let per_function = elapsed.as_secs_f64() * 1e6 / functions.max(1) as f64;
    println!(
        "{name:<32} {functions:>7} functions {diagnostics:>6} diagnostics {:>9.1} ms {per_function:>7.2} µs/function",
        elapsed.as_secs_f64() * 1e3
    );
}

fn main() {
    // `cargo test --benches` runs this with `--test`-like flags; only real bench runs measure.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    for (files, per_file) in [(10, 50), (40, 50), (160, 50)] {
        let dir = tempfile::tempdir().unwrap();
        write_service(dir.path(), files, per_file);
        report(&format!("service {files}x{per_file}"), dir.path());
    }
    for (files, per_file) in [(10, 50), (40, 50)] {
        let dir = tempfile::tempdir().unwrap();
        write_service_ts(dir.path(), files, per_file);
        report(
            &format!("typescript service {files}x{per_file}"),
            dir.path(),
        );
        let dir = tempfile::tempdir().unwrap();
        write_service_py(dir.path(), files, per_file);
        report(&format!("python service {files}x{per_file}"), dir.path());
    }
    for depth in [1_000, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        write_chain(dir.path(), depth);
        report(&format!("call chain {depth} deep"), dir.path());
    }
    for n in [400, 2_000, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        write_mutual_recursion(dir.path(), n);
        report(&format!("{n} mutually recursive"), dir.path());
    }
    for adapters in [16, 64] {
        let dir = tempfile::tempdir().unwrap();
        write_adapters(dir.path(), adapters);
        report(&format!("{adapters} iterator adapters"), dir.path());
    }
    for ifs in [64, 1_024] {
        let dir = tempfile::tempdir().unwrap();
        write_paths(dir.path(), ifs);
        report(&format!("2^{ifs} paths"), dir.path());
    }
}
