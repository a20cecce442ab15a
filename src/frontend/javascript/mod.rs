//! The JavaScript and TypeScript frontend: `oxc_parser` parses a file into a typed AST in an
//! arena, the lowerer turns it into IR, and the arena is dropped when the file is done.
//!
//! - `mod.rs` (this file): the source type of a file, parsing, syntax errors, and recovery when
//!   the parser gives up on a file (the top-level statements that still parse are lowered).
//! - `lowerer.rs`: the lowerer's state and the helpers every part uses (spans, text, names).
//! - `module.rs`: what is collected before bodies are lowered: imports, exports, CommonJS
//!   exports, module-level functions, classes, objects and trackers.
//! - `functions.rs`: functions, methods, closures, parameters and hoisting.
//! - `statements.rs`: statements and control flow, local declarations and destructuring.
//! - `expressions.rs`: values: literals, members, operators, assignments, JSX.
//! - `calls.rs`: calls: SDK events, trackers, callbacks, fresh ids, project calls.
//! - `sdk.rs`: what the SDKs are (data only).

mod calls;
mod expressions;
mod functions;
mod lowerer;
mod module;
mod sdk;
mod statements;

use oxc_allocator::Allocator;
use oxc_ast::ast::{Program, Statement};
use oxc_parser::{ParseOptions, Parser};
use oxc_span::SourceType;

use crate::frontend::{FileContext, Lowered, Options, SyntaxError, too_deep};
use crate::ir::{FileId, Language, Module, Span};

pub fn lower(file: FileId, text: &str, context: &FileContext, options: &Options) -> Lowered {
    if let Some(error) = too_deep(file, text, options) {
        return Lowered {
            module: Module::empty(file, context.language, context.module_path.clone()),
            errors: vec![error],
        };
    }
    // A Vue single-file component: its `<script>` blocks, at their offsets in the file.
    let component = context
        .file_name
        .ends_with(".vue")
        .then(|| component_script(text));
    let (text, source_type) = match &component {
        Some((script, typescript)) => (
            script.as_str(),
            if *typescript {
                SourceType::ts()
            } else {
                SourceType::mjs().with_jsx(true)
            },
        ),
        None => (text, source_type(&context.file_name, context.language)),
    };
    with_allocator(|allocator| {
        let parsed = parse_recovering(allocator, text, source_type);
        let errors = parsed
            .first_error
            .map(|error| syntax_error(file, text, error, parsed.error_count))
            .into_iter()
            .collect();
        let module = lowerer::lower_statements(file, text, &parsed.statements, context, options);
        Lowered { module, errors }
    })
}

/// An arena kept by each thread beyond this size is given back after the file.
const KEPT_ARENA: usize = 64 << 20;

thread_local! {
    /// Each thread's arena, emptied before every file: its memory is reused, not reallocated.
    static ARENA: std::cell::RefCell<Allocator> = std::cell::RefCell::new(Allocator::default());
}

/// Runs `f` with an empty arena; the AST allocated in it is gone when `f` returns.
fn with_allocator<T>(f: impl FnOnce(&Allocator) -> T) -> T {
    ARENA.with(|arena| match arena.try_borrow_mut() {
        Ok(mut allocator) => {
            allocator.reset();
            let result = f(&allocator);
            if allocator.capacity() > KEPT_ARENA {
                *allocator = Allocator::default();
            } else {
                allocator.reset();
            }
            result
        }
        // Not reentrant; should it ever be, a fresh arena does.
        Err(_) => f(&Allocator::default()),
    })
}

/// How a file is parsed, from its name: TypeScript for `.ts .mts .cts .tsx`, JSX in `.tsx`,
/// `.jsx` and every JavaScript file (React code is often in `.js`), ES module or script by
/// extension (`.mjs`/`.mts` modules, `.cjs`/`.cts` CommonJS, otherwise by content).
fn source_type(file_name: &str, language: Language) -> SourceType {
    let from_name = SourceType::from_path(file_name).ok();
    match (from_name, language) {
        (Some(source_type), Language::TypeScript) => source_type,
        (Some(source_type), _) => source_type.with_jsx(true),
        (None, Language::TypeScript) => SourceType::ts(),
        (None, _) => SourceType::unambiguous().with_jsx(true),
    }
}

/// The code of a single-file component (`.vue`): the text of its `<script>` and `<script
/// setup>` blocks where they are, everything else (the template, the styles, the tags) blanked
/// to spaces with its line breaks kept, so offsets and lines are the file's. Whether a block
/// says `lang="ts"` (or `tsx`).
fn component_script(text: &str) -> (String, bool) {
    let bytes = text.as_bytes();
    let mut script = vec![b' '; bytes.len()];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || b == b'\r' {
            script[i] = b;
        }
    }
    let mut typescript = false;
    let mut at = 0;
    while let Some(open) = find_from(text, "<script", at) {
        let Some(tag_end) = find_from(text, ">", open) else {
            break;
        };
        let tag = &text[open..tag_end];
        typescript |= ["lang=\"ts\"", "lang='ts'", "lang=\"tsx\"", "lang='tsx'"]
            .iter()
            .any(|lang| tag.contains(lang));
        let body = tag_end + 1;
        let end = find_from(text, "</script>", body).unwrap_or(text.len());
        script[body..end].copy_from_slice(&bytes[body..end]);
        at = end;
    }
    // Only ASCII bytes were replaced, and whole blocks copied: still UTF-8.
    let script = String::from_utf8(script).unwrap_or_default();
    (script, typescript)
}

fn find_from(text: &str, needle: &str, from: usize) -> Option<usize> {
    text.get(from..)?.find(needle).map(|i| from + i)
}

/// A parser error: where, and what it says.
struct ParseError {
    start: u32,
    end: u32,
    message: String,
}

/// The top-level statements that parsed, each with the byte offset its program starts at.
struct Parsed<'a> {
    statements: Vec<(u32, &'a Statement<'a>)>,
    first_error: Option<ParseError>,
    error_count: usize,
}

fn parse_options() -> ParseOptions {
    ParseOptions {
        // Scripts (CommonJS) may `return` at the top level.
        allow_return_outside_function: true,
        enable_ident_hashes: false,
        ..ParseOptions::default()
    }
}

/// Parses `text` at `base` in the file; `None` when the parser gave up on it.
fn parse_at<'a>(
    allocator: &'a Allocator,
    text: &'a str,
    source_type: SourceType,
) -> (Option<&'a Program<'a>>, Vec<ParseError>) {
    let parsed = Parser::new(allocator, text, source_type)
        .with_options(parse_options())
        .parse();
    let errors = parsed
        .diagnostics
        .errors()
        .map(|diagnostic| {
            let (start, end) = diagnostic
                .labels
                .iter()
                .map(|label| (label.offset(), label.offset() + label.len()))
                .min()
                .unwrap_or((0, 0));
            ParseError {
                start,
                end,
                message: diagnostic.message.to_string(),
            }
        })
        .collect();
    let program = (!parsed.panicked).then(|| &*allocator.alloc(parsed.program));
    (program, errors)
}

/// Parses the file. When the parser gives up (it recovers from few errors), the file is cut
/// into top-level chunks at lines that start a statement in the first column, and the runs of
/// chunks that parse on their own are lowered: what surrounds a syntax error is still analysed.
fn parse_recovering<'a>(
    allocator: &'a Allocator,
    text: &'a str,
    source_type: SourceType,
) -> Parsed<'a> {
    let (program, mut errors) = parse_at(allocator, text, source_type);
    errors.sort_by_key(|e| e.start);
    let error_count = errors.len();
    let first_error = errors.into_iter().next();
    let statements = match program {
        Some(program) => program.body.iter().map(|s| (0, s)).collect(),
        None => recover_chunks(allocator, text, source_type),
    };
    Parsed {
        statements,
        first_error,
        error_count,
    }
}

/// At most this many chunks are joined while looking for a run that parses.
const MAX_RUN: usize = 8;

/// Each chunk is parsed on its own first (a linear pass); a chunk that does not parse is
/// joined with the chunks that follow it (a construct cut in two, such as a function whose
/// body has lines in the first column), and dropped when no such run parses.
fn recover_chunks<'a>(
    allocator: &'a Allocator,
    text: &'a str,
    source_type: SourceType,
) -> Vec<(u32, &'a Statement<'a>)> {
    let starts = chunk_starts(text);
    let end_of = |i: usize| starts.get(i).copied().unwrap_or(text.len());
    let alone: Vec<Option<&'a Program<'a>>> = (0..starts.len())
        .map(|i| parse_at(allocator, &text[starts[i]..end_of(i + 1)], source_type).0)
        .collect();
    let mut statements = Vec::new();
    let mut take = |start: usize, program: &'a Program<'a>| {
        statements.extend(program.body.iter().map(|s| (start as u32, s)));
    };
    // Bounds the work on a badly broken file: joining stops after this many bytes.
    let mut budget = text.len().saturating_mul(MAX_RUN).max(1 << 16);
    let mut i = 0;
    while i < starts.len() {
        if let Some(program) = alone[i] {
            take(starts[i], program);
            i += 1;
            continue;
        }
        let mut next = i + 1;
        for last in i + 1..starts.len().min(i + MAX_RUN) {
            if budget == 0 {
                break;
            }
            let (start, end) = (starts[i], end_of(last + 1));
            let (program, errors) = parse_at(allocator, &text[start..end], source_type);
            // The parser stops at its first error: that is what the attempt cost.
            let cost = errors
                .iter()
                .map(|e| e.end as usize)
                .min()
                .unwrap_or(end - start);
            budget = budget.saturating_sub(cost.clamp(1, end - start));
            if let Some(program) = program {
                take(start, program);
                next = last + 1;
                break;
            }
        }
        i = next;
    }
    statements
}

/// Byte offsets of the lines that may start a top-level statement: the first line, and lines
/// that begin in the first column with a letter, `_`, `$`, `@` or `#`.
fn chunk_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let starts_statement = line
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'$' | b'@' | b'#'));
        if offset > 0 && starts_statement {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
}

/// The first syntax error, shown on its first line, with how many more there are.
fn syntax_error(file: FileId, text: &str, error: ParseError, count: usize) -> SyntaxError {
    let more = match count {
        0 | 1 => String::new(),
        n => format!(" ({} more syntax errors in this file)", n - 1),
    };
    let start = (error.start as usize).min(text.len());
    let start = (0..=start)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = (error.end as usize)
        .min(line_end)
        .max(start + 1)
        .min(text.len());
    SyntaxError {
        span: Span {
            file,
            start: start as u32,
            end: end as u32,
        },
        message: format!("syntax error: {}{more}", error.message),
        recovered: true,
        unread: Vec::new(),
    }
}
