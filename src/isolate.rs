//! Panics inside one file's lowering or one rule's analysis stay there.
//!
//! A bug in idlint must not cost the user every other finding: [`isolate`] runs a piece of
//! work, and if it panics returns what happened — the panic message, where in idlint it was
//! raised, and the innermost [`Site`] the work had announced — instead of unwinding further.
//! The driver turns that into an `internal-error` diagnostic and goes on with the rest.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::ir::Span;

thread_local! {
    /// How many [`isolate`] calls are active on this thread: panics there are caught, so the
    /// default hook's backtrace message would only be noise.
    static DEPTH: RefCell<usize> = const { RefCell::new(0) };
    static SITES: RefCell<Vec<Site>> = const { RefCell::new(Vec::new()) };
    static LAST: RefCell<Option<Panic>> = const { RefCell::new(None) };
}

/// What a piece of work was busy with (`"rule alias-twice"`, `"function signup"`), and where
/// that is in the user's code when it has a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub what: String,
    pub span: Option<Span>,
}

/// A caught panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    pub message: String,
    /// `src/analysis/fresh.rs:521:31`: where in idlint.
    pub location: String,
    /// The sites announced when it happened, outermost first.
    pub sites: Vec<Site>,
}

impl Panic {
    /// `message (at location, while …)`, for a diagnostic.
    pub fn describe(&self) -> String {
        let mut text = format!("{} (at {}", self.message, self.location);
        if !self.sites.is_empty() {
            text.push_str(", while analysing ");
            let sites: Vec<&str> = self.sites.iter().map(|s| s.what.as_str()).collect();
            text.push_str(&sites.join(" > "));
        }
        text.push(')');
        text
    }

    /// The innermost place in the user's code the work had announced.
    pub fn span(&self) -> Option<Span> {
        self.sites.iter().rev().find_map(|s| s.span)
    }
}

/// Runs `work`; a panic inside it is returned instead of unwinding.
pub fn isolate<T>(work: impl FnOnce() -> T) -> Result<T, Panic> {
    install_hook();
    DEPTH.with(|d| *d.borrow_mut() += 1);
    let saved_sites = SITES.with(|s| s.borrow().len());
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    DEPTH.with(|d| *d.borrow_mut() -= 1);
    SITES.with(|s| s.borrow_mut().truncate(saved_sites));
    result.map_err(|payload| {
        LAST.with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| Panic {
                message: payload_text(payload.as_ref()),
                location: "unknown".to_string(),
                sites: Vec::new(),
            })
    })
}

/// Announces what the current thread works on until the returned guard is dropped. Costs a
/// thread-local read when no [`isolate`] is active.
pub fn site(describe: impl FnOnce() -> Site) -> SiteGuard {
    let active = DEPTH.with(|d| *d.borrow() > 0);
    if active {
        SITES.with(|s| s.borrow_mut().push(describe()));
    }
    SiteGuard { active }
}

#[must_use]
pub struct SiteGuard {
    active: bool,
}

impl Drop for SiteGuard {
    fn drop(&mut self) {
        // During unwinding the sites are kept: the hook has read them already, and
        // `isolate` truncates them.
        if self.active && !std::thread::panicking() {
            SITES.with(|s| {
                s.borrow_mut().pop();
            });
        }
    }
}

/// For the tests of this isolation: `IDLINT_INJECT_PANIC=lower:<text>` panics while lowering
/// a file whose name contains `<text>`, `rule:<id>` while running that rule. Real runs never
/// set it; reading it once costs nothing.
pub fn inject_panic(stage: &str, subject: &str) {
    if let Some((at, text)) = injected()
        && at == stage
        && subject.contains(text.as_str())
    {
        panic!("injected by IDLINT_INJECT_PANIC for a test");
    }
}

/// Whether a test injects panics (`IDLINT_INJECT_PANIC`): the on-disk cache is then off, so
/// a lowering cached by an earlier run cannot hide the injected panic.
pub fn injecting() -> bool {
    injected().is_some()
}

fn injected() -> &'static Option<(String, String)> {
    static INJECTED: std::sync::OnceLock<Option<(String, String)>> = std::sync::OnceLock::new();
    INJECTED.get_or_init(|| {
        let value = std::env::var("IDLINT_INJECT_PANIC").ok()?;
        let (stage, subject) = value.split_once(':')?;
        Some((stage.to_string(), subject.to_string()))
    })
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let caught = DEPTH.with(|d| *d.borrow() > 0);
            if !caught {
                default(info);
                return;
            }
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_else(|| "unknown".to_string());
            let sites = SITES.with(|s| s.borrow().clone());
            LAST.with(|l| {
                *l.borrow_mut() = Some(Panic {
                    message: payload_text(info.payload()),
                    location,
                    sites,
                })
            });
        }));
    });
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with no message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_returned_with_its_sites() {
        let caught = isolate(|| {
            let _rule = site(|| Site {
                what: "rule alias-twice".to_string(),
                span: None,
            });
            let _function = site(|| Site {
                what: "function signup".to_string(),
                span: Some(Span {
                    file: crate::ir::FileId(3),
                    start: 1,
                    end: 2,
                }),
            });
            let empty: Vec<u8> = Vec::new();
            empty[std::hint::black_box(0)]
        })
        .unwrap_err();
        assert!(caught.message.contains("index out of bounds"), "{caught:?}");
        assert!(caught.location.contains("isolate.rs"), "{caught:?}");
        let sites: Vec<&str> = caught.sites.iter().map(|s| s.what.as_str()).collect();
        assert_eq!(sites, ["rule alias-twice", "function signup"]);
        assert_eq!(caught.span().map(|s| s.file.0), Some(3));
    }

    #[test]
    fn work_that_does_not_panic_returns_its_value_and_leaves_no_sites() {
        assert_eq!(isolate(|| 7), Ok(7));
        let caught = isolate(|| -> u8 { panic!("boom") }).unwrap_err();
        assert_eq!(caught.message, "boom");
        assert!(caught.sites.is_empty());
    }
}
