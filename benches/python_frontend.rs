//! Python frontend throughput: parse and lower every `.py` file under the named directories,
//! on one thread, best of five passes.
//!
//! `cargo bench --bench python_frontend -- DIR...` prints the megabytes per second (of wall-clock
//! and of CPU time) and the files that had syntax errors. Without a directory it lowers `fixtures/`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use idlint::frontend::{self, Options, ProjectIndex};
use idlint::ir::{FileId, Language};

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// The time this process has spent on a CPU, from the scheduler: on a shared machine it is
/// what one core would take, where wall-clock time also counts waiting for one.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanoseconds: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanoseconds))
}

fn main() {
    let mut dirs: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if dirs.is_empty() {
        dirs.push(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures"
        )));
    }
    let mut paths = Vec::new();
    for dir in &dirs {
        python_files(dir, &mut paths);
    }
    let mut index = ProjectIndex::default();
    let files: Vec<_> = paths
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            Some((path, index.context_for(path, Language::Python), text))
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, _, text)| text.len()).sum();
    let options = Options::default();
    let mut best = Duration::MAX;
    let mut best_cpu = Duration::MAX;
    let mut with_errors = Vec::new();
    for pass in 0..5 {
        // The driver keeps every module (the call graph needs them all): so does a pass, and
        // they are dropped after the clock stops. Syntax trees are dropped file by file.
        let mut modules = Vec::with_capacity(files.len());
        let start = Instant::now();
        let start_cpu = cpu_time();
        for (i, (path, context, text)) in files.iter().enumerate() {
            let lowered = frontend::lower(FileId(i as u32), text, context, &options);
            if pass == 0 && !lowered.errors.is_empty() {
                with_errors.push(format!("{}: {}", path.display(), lowered.errors[0].message));
            }
            modules.push(lowered.module);
        }
        best = best.min(start.elapsed());
        if let (Some(before), Some(after)) = (start_cpu, cpu_time()) {
            best_cpu = best_cpu.min(after - before);
        }
        drop(std::hint::black_box(modules));
    }
    let megabytes = bytes as f64 / 1e6;
    println!(
        "{} files, {megabytes:.1} MB: {:.0} ms, {:.1} MB/s (parse + lower, one thread, best of 5)",
        files.len(),
        best.as_secs_f64() * 1e3,
        megabytes / best.as_secs_f64()
    );
    if best_cpu != Duration::MAX {
        println!(
            "CPU time: {:.0} ms, {:.1} MB per CPU-second",
            best_cpu.as_secs_f64() * 1e3,
            megabytes / best_cpu.as_secs_f64()
        );
    }
    println!("{} files with syntax errors", with_errors.len());
    for line in with_errors {
        println!("  {line}");
    }
}
