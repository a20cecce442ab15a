//! How long each phase of a run takes, for profiling: with `IDLINT_TIMING=1` every phase
//! prints its wall time to stderr (the analysis measured apart from reading and parsing).

use std::sync::LazyLock;
use std::time::Instant;

static ENABLED: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("IDLINT_TIMING").is_some_and(|v| v != "0" && !v.is_empty()));

/// Runs `phase`, printing its wall time under `name` when timings are on.
pub fn phase<T>(name: &str, phase: impl FnOnce() -> T) -> T {
    let started = start(name);
    let result = phase();
    started.end();
    result
}

/// A phase that is not one expression (a loop that `continue`s): ended by [`Started::end`].
pub fn start(name: &str) -> Started<'_> {
    Started {
        name,
        at: ENABLED.then(Instant::now),
    }
}

pub struct Started<'n> {
    name: &'n str,
    at: Option<Instant>,
}

impl Started<'_> {
    pub fn end(self) {
        if let Some(at) = self.at {
            eprintln!(
                "idlint timing: {}: {:.2} ms",
                self.name,
                at.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}
