//! Frontend throughput: parse and lower every JavaScript/TypeScript file under a directory on
//! one thread, several rounds, and print MB/s and the files with syntax errors.
//!
//! `IDLINT_BENCH_DIR=path/to/project cargo bench --bench frontend` (default: `fixtures`).
//! Set `IDLINT_BENCH_LANGUAGES=python` to measure the Python frontend instead.

use std::path::{Path, PathBuf};
use std::time::Instant;

use idlint::frontend::{self, Options, ProjectIndex};
use idlint::ir::{FileId, Language};

/// The binary's allocator (`src/main.rs`), so that the numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "target" {
                walk(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let dir = std::env::var("IDLINT_BENCH_DIR").unwrap_or_else(|_| "fixtures".to_owned());
    let python = std::env::var("IDLINT_BENCH_LANGUAGES").is_ok_and(|l| l == "python");
    let wanted = |language: Language| match language {
        Language::Python => python,
        Language::JavaScript | Language::TypeScript => !python,
        Language::Rust
        | Language::Swift
        | Language::ObjectiveC
        | Language::Kotlin
        | Language::Java => false,
    };
    let mut paths = Vec::new();
    walk(Path::new(&dir), &mut paths);
    let mut index = ProjectIndex::default();
    let files: Vec<(PathBuf, String, frontend::FileContext)> = paths
        .into_iter()
        .filter_map(|path| {
            let language = frontend::language_of(&path).filter(|l| wanted(*l))?;
            let text = std::fs::read_to_string(&path).ok()?;
            let context = index.context_for(&path, language);
            Some((path, text, context))
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, text, _)| text.len()).sum();
    let options = Options::default();
    let mut errors = Vec::new();
    for (path, text, context) in &files {
        let lowered = frontend::lower(FileId(0), text, context, &options);
        if let Some(error) = lowered.errors.first() {
            errors.push(format!("{}: {}", path.display(), error.message));
        }
    }
    let rounds = 5;
    // As the driver does: every module kept until the analysis (the IR is built in memory
    // nothing has touched yet); then, for the work alone, each module freed at once.
    let kept = best_of(rounds, || {
        let modules: Vec<_> = files
            .iter()
            .map(|(_, text, context)| frontend::lower(FileId(0), text, context, &options))
            .collect();
        modules
    });
    let freed = best_of(rounds, || {
        for (_, text, context) in &files {
            std::hint::black_box(frontend::lower(FileId(0), text, context, &options));
        }
    });
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {mb:.1} MB, {} with syntax errors; parse + lower, best of {rounds}:",
        files.len(),
        errors.len()
    );
    println!("  modules kept:  {kept:.3} s, {:.1} MB/s", mb / kept);
    println!("  modules freed: {freed:.3} s, {:.1} MB/s", mb / freed);
    if !python {
        // For comparison: oxc's parser alone, with one arena reused as the frontend does.
        let mut allocator = oxc_allocator::Allocator::default();
        let mut best = f64::MAX;
        for _ in 0..rounds {
            let start = Instant::now();
            for (path, text, _) in &files {
                allocator.reset();
                let source_type = oxc_span::SourceType::from_path(path).unwrap_or_default();
                let source_type = source_type.with_jsx(source_type.is_javascript());
                let parsed = oxc_parser::Parser::new(&allocator, text, source_type).parse();
                std::hint::black_box(parsed.program.body.len());
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("  parsing alone: {best:.3} s, {:.1} MB/s", mb / best);
    }
    for error in errors {
        println!("  {error}");
    }
}

/// The shortest time of `rounds` runs of `run`; what it returns is dropped outside the timing.
fn best_of<T>(rounds: usize, mut run: impl FnMut() -> T) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        let result = run();
        best = best.min(start.elapsed().as_secs_f64());
        drop(std::hint::black_box(result));
    }
    best
}
