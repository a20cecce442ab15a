//! The JavaScript/TypeScript frontend, construct by construct: each file under
//! `fixtures/frontend/javascript/` is lowered and its IR snapshotted in a compact text form
//! (review changes with `cargo insta review`), and every file of valid modern syntax under
//! `fixtures/frontend/javascript/modern/` must parse without a single error.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use idlint::frontend::project::script_module_path;
use idlint::frontend::{self, FileContext, Lowered, Options};
use idlint::ir::{Block, Callee, Event, FileId, Function, Language, Module, Side, Stmt, Value};

const ROOT: &str = "fixtures/frontend/javascript";

fn lower(path: &Path) -> (String, Lowered) {
    let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
    let language = frontend::language_of(path).expect("a JavaScript or TypeScript file");
    let context = FileContext {
        language,
        module_path: script_module_path(path),
        sdk: Side::Client,
        directory: path.parent().expect("a directory").to_path_buf(),
        file_name: path.file_name().unwrap().to_string_lossy().into_owned(),
    };
    let lowered = frontend::lower(FileId(0), &text, &context, &Options::default());
    (text, lowered)
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The IR as text: one line per statement, nested blocks indented.
fn render(text: &str, lowered: &Lowered) -> String {
    let module = &lowered.module;
    let mut out = String::new();
    for error in &lowered.errors {
        let (line, column) = line_column(text, error.span.start);
        writeln!(out, "error {line}:{column}: {}", error.message).unwrap();
    }
    render_module(module, &mut out);
    for function in &module.functions {
        render_function(text, module, function, &mut out);
    }
    out
}

fn render_module(module: &Module, out: &mut String) {
    writeln!(out, "module {}", module.path.join("/")).unwrap();
    for import in &module.imports {
        let local = if import.glob { "*" } else { &import.local };
        writeln!(out, "  import {local} = {}", import.path.join("/")).unwrap();
    }
    if !module.trackers.is_empty() {
        writeln!(out, "  trackers {}", module.trackers.join(", ")).unwrap();
    }
    for (class, base) in &module.supertypes {
        writeln!(out, "  {class} extends {base}").unwrap();
    }
}

fn render_function(text: &str, module: &Module, function: &Function, out: &mut String) {
    let (line, column) = line_column(text, function.span.start);
    let header = text[function.span.start as usize..function.span.end as usize]
        .lines()
        .next()
        .unwrap_or("");
    writeln!(
        out,
        "\n{:?} {}{} ({}) at {line}:{column} `{header}`",
        function.kind,
        function.path.last().map_or("", String::as_str),
        function
            .owner
            .as_ref()
            .map_or(String::new(), |o| format!(" of {o}")),
        function.params.join(", "),
    )
    .unwrap();
    if function.exported {
        writeln!(out, "  exported").unwrap();
    }
    if let Some(why) = &function.repeats {
        writeln!(out, "  repeats: {why}").unwrap();
    }
    render_block(text, module, &function.body, 1, out);
}

fn render_block(text: &str, module: &Module, block: &Block, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    for stmt in block {
        match stmt {
            Stmt::Event(event) => writeln!(out, "{indent}{}", event_text(text, event)).unwrap(),
            Stmt::Call(call) => {
                let callee = match &call.callee {
                    Callee::Path(path) => path.join("::"),
                    Callee::Method {
                        receiver,
                        name,
                        receiver_type,
                    } => format!(
                        "{}.{name}{}",
                        value(receiver),
                        receiver_type
                            .as_ref()
                            .map_or(String::new(), |t| format!(" on {t}"))
                    ),
                    Callee::Local(index) => {
                        format!("closure `{}`", module.functions[*index as usize].name)
                    }
                };
                let args: Vec<String> = call.args.iter().map(value).collect();
                let fallback = call
                    .sdk_fallback
                    .as_ref()
                    .map_or(String::new(), |e| format!(" else {}", event_text(text, e)));
                writeln!(
                    out,
                    "{indent}{} = call {callee}({}){fallback}",
                    call.result.as_deref().unwrap_or("_"),
                    args.join(", ")
                )
                .unwrap();
            }
            Stmt::Let { name, value: v } => {
                writeln!(out, "{indent}let {name} = {}", value(v)).unwrap()
            }
            Stmt::Persist {
                value: v, target, ..
            } => {
                let place = target
                    .as_ref()
                    .map_or(String::new(), |t| format!("{} = ", value(t)));
                writeln!(out, "{indent}persist {place}{}", value(v)).unwrap()
            }
            Stmt::Guard { value: v, holds } => {
                let not = if *holds { "" } else { "!" };
                writeln!(out, "{indent}guard {not}{}", value(v)).unwrap()
            }
            Stmt::Branch(arms) => {
                writeln!(out, "{indent}branch").unwrap();
                for arm in arms {
                    writeln!(out, "{indent}  arm").unwrap();
                    render_block(text, module, arm, depth + 2, out);
                }
            }
            Stmt::Loop { bindings, body } => {
                writeln!(out, "{indent}loop [{}]", bindings.join(", ")).unwrap();
                render_block(text, module, body, depth + 1, out);
            }
            Stmt::Break => writeln!(out, "{indent}break").unwrap(),
            Stmt::Continue => writeln!(out, "{indent}continue").unwrap(),
            Stmt::Return {
                value: v, error, ..
            } => {
                let what = if *error { "throw" } else { "return" };
                match v {
                    Some(v) => writeln!(out, "{indent}{what} {}", value(v)).unwrap(),
                    None => writeln!(out, "{indent}{what}").unwrap(),
                }
            }
        }
    }
}

fn event_text(text: &str, event: &Event) -> String {
    let (line, column) = line_column(text, event.span.start);
    let mut out = format!("{:?} {:?} `{}`", event.side, event.kind, event.method);
    if let Some(id) = &event.id {
        write!(out, " id={}", value(id)).unwrap();
    }
    if let Some(original) = &event.original {
        write!(out, " original={}", value(original)).unwrap();
    }
    if let Some(options) = &event.options {
        let pairs: Vec<String> = options
            .iter()
            .map(|(k, v)| format!("{k}: {}", value(v)))
            .collect();
        write!(out, " options={{{}}}", pairs.join(", ")).unwrap();
    }
    write!(out, " at {line}:{column}").unwrap();
    out
}

fn value(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("{s:?}"),
        Value::Num(number) => number.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Object(keys) => format!("{{{}}}", keys.join(", ")),
        Value::Fresh { origin, .. } => format!("fresh({origin})"),
        Value::CurrentId => "current-id".to_owned(),
        Value::Path { root, fields } => std::iter::once(root.as_str())
            .chain(fields.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("."),
        Value::Unknown => "?".to_owned(),
    }
}

fn line_column(text: &str, offset: u32) -> (usize, usize) {
    let before = &text[..offset as usize];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[test]
fn each_construct_lowers_as_snapshotted() {
    let mut seen = 0;
    for path in files(ROOT) {
        let (text, lowered) = lower(&path);
        let name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_");
        insta::assert_snapshot!(name, render(&text, &lowered));
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} frontend fixtures");
}

#[test]
fn modern_syntax_parses_without_errors() {
    let modern = format!("{ROOT}/modern");
    let files = files(&modern);
    assert!(files.len() >= 10, "only {} modern fixtures", files.len());
    for path in files {
        let (_, lowered) = lower(&path);
        let errors: Vec<&str> = lowered.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        assert!(
            !lowered.module.functions.is_empty() || !lowered.module.imports.is_empty(),
            "{}: nothing was lowered",
            path.display()
        );
    }
}

/// A syntax error is reported once, where it is, and the code around it is still lowered.
#[test]
fn a_syntax_error_is_reported_and_the_rest_lowered() {
    let (text, lowered) = lower(Path::new("fixtures/frontend/javascript/recovery.js"));
    assert_eq!(lowered.errors.len(), 1, "{:?}", lowered.errors);
    let (line, _) = line_column(&text, lowered.errors[0].span.start);
    assert!((8..=10).contains(&line), "error on line {line}");
    let names: Vec<&str> = lowered
        .module
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert!(
        names.contains(&"before") && names.contains(&"after"),
        "{names:?}"
    );
}

/// Every extension is read with its own dialect: JSX in `.js`, type assertions in `.ts`.
#[test]
fn the_dialect_follows_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("a.js", "export const A = () => <div>{x}</div>;\n"),
        ("a.mjs", "export const a = await Promise.resolve(1);\n"),
        (
            "a.cjs",
            "if (!module.parent) { return; }\nmodule.exports = 1;\n",
        ),
        ("a.jsx", "export const A = () => <p>&amp;</p>;\n"),
        ("a.ts", "export const n = <number>(1 as unknown);\n"),
        ("a.mts", "export const x: number = 1;\n"),
        ("a.cts", "import fs = require('fs');\nexport = fs;\n"),
        (
            "a.tsx",
            "export const A = <T,>(x: T) => <div>{String(x)}</div>;\n",
        ),
    ];
    for (name, source) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, source).unwrap();
        let (_, lowered) = lower(&path);
        assert!(lowered.errors.is_empty(), "{name}: {:?}", lowered.errors);
    }
    assert_eq!(
        frontend::language_of(Path::new("a.ts")),
        Some(Language::TypeScript)
    );
}

/// A file broken in many places: every function that parses on its own is still lowered.
#[test]
fn every_intact_function_of_a_badly_broken_file_is_lowered() {
    let dir = tempfile::tempdir().unwrap();
    let mut source = String::new();
    for i in 0..2_000 {
        match i % 4 {
            0 => source.push_str(&format!("function broken{i}( ) }}\n")),
            1 => source.push_str(&format!("export function intact{i}(a) {{ track(a); }}\n")),
            2 => source.push_str("let = = 3;\n"),
            _ => source.push_str(&format!("export function split{i}(a) {{\ntrack(a);\n}}\n")),
        }
    }
    let path = dir.path().join("broken.js");
    std::fs::write(&path, &source).unwrap();
    let (_, lowered) = lower(&path);
    assert_eq!(lowered.errors.len(), 1);
    let names = &lowered.module.functions;
    let intact = names
        .iter()
        .filter(|f| f.name.starts_with("intact"))
        .count();
    let split = names.iter().filter(|f| f.name.starts_with("split")).count();
    assert_eq!((intact, split), (500, 500));
}
