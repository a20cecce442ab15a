//! How long each phase of a run takes, for profiling: with `IDLINT_TIMING=1` every phase
//! prints its wall time to stderr (the analysis measured apart from reading and parsing).

use std::sync::LazyLock;
use std::time::Instant;

static ENABLED: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("IDLINT_TIMING").is_some_and(|v| v != "0" && !v.is_empty()));

/// Runs `phase`, printing its wall time under `name` when timings are on.
pub fn phase<T>(name: &str, phase: impl FnOnce() -> T) -> T {
    if !*ENABLED {
        return phase();
    }
    let started = Instant::now();
    let result = phase();
    eprintln!(
        "idlint timing: {name}: {:.2} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    result
}
