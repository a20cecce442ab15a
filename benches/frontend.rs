//! Frontend throughput: parse and lower every file of one language under a directory on one
//! thread, several rounds, and print MB per second of wall-clock and of CPU time (on a shared
//! machine, CPU time is what one core does) and the files with syntax errors.
//!
//! `IDLINT_BENCH_DIR=path/to/project cargo bench --bench frontend` (default: `fixtures`)
//! measures JavaScript and TypeScript; `IDLINT_BENCH_LANGUAGES=python` (or `rust`, `swift`,
//! `kotlin`, `java`, the names front matter uses) another frontend.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    let chosen = std::env::var("IDLINT_BENCH_LANGUAGES").unwrap_or_default();
    // One language by its front-matter name, or JavaScript and TypeScript together.
    let single = match chosen.as_str() {
        "" | "javascript" | "typescript" => None,
        name => Some(
            idlint::rules::language_named(name)
                .unwrap_or_else(|| panic!("IDLINT_BENCH_LANGUAGES: unknown language `{name}`")),
        ),
    };
    let scripts = single.is_none();
    let wanted = |language: Language| match single {
        Some(chosen) => language == chosen,
        None => matches!(language, Language::JavaScript | Language::TypeScript),
    };
    let mut paths = Vec::new();
    walk(Path::new(&dir), &mut paths);
    let mut index = ProjectIndex::under(&[PathBuf::from(&dir)]);
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
    println!("  modules kept:  {}", kept.describe(mb));
    println!("  modules freed: {}", freed.describe(mb));
    if scripts {
        // For comparison: oxc's parser alone, with one arena reused as the frontend does.
        let mut allocator = oxc_allocator::Allocator::default();
        let parsing = best_of(rounds, || {
            for (path, text, _) in &files {
                allocator.reset();
                let source_type = oxc_span::SourceType::from_path(path).unwrap_or_default();
                let source_type = source_type.with_jsx(source_type.is_javascript());
                let parsed = oxc_parser::Parser::new(&allocator, text, source_type).parse();
                std::hint::black_box(parsed.program.body.len());
            }
        });
        println!("  parsing alone: {}", parsing.describe(mb));
    }
    for error in errors {
        println!("  {error}");
    }
}

/// The time this process has spent on a CPU, from the scheduler.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanoseconds: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanoseconds))
}

/// The shortest wall-clock and CPU times of several runs.
struct Best {
    wall: f64,
    cpu: Option<f64>,
}

impl Best {
    fn describe(&self, mb: f64) -> String {
        let wall = format!("{:.3} s, {:.1} MB/s", self.wall, mb / self.wall);
        match self.cpu {
            Some(cpu) => format!("{wall}; CPU {cpu:.3} s, {:.1} MB per CPU-second", mb / cpu),
            None => wall,
        }
    }
}

/// The shortest times of `rounds` runs of `run`; what it returns is dropped outside the timing.
fn best_of<T>(rounds: usize, mut run: impl FnMut() -> T) -> Best {
    let mut best = Best {
        wall: f64::MAX,
        cpu: None,
    };
    for _ in 0..rounds {
        let start_cpu = cpu_time();
        let start = Instant::now();
        let result = run();
        best.wall = best.wall.min(start.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (start_cpu, cpu_time()) {
            let cpu = (after - before).as_secs_f64();
            best.cpu = Some(best.cpu.map_or(cpu, |b: f64| b.min(cpu)));
        }
        drop(std::hint::black_box(result));
    }
    best
}
