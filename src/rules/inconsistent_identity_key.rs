//! `inconsistent-identity-key`: the program names its users by different keys at different
//! identity calls (`alias(user.email)` at sign-up, `identify(user.id)` at login).

use std::collections::BTreeMap;

use super::{chain_steps, describe_chain};
use crate::analysis::id_names::user_key;
use crate::analysis::{IdOrigin, Program};
use crate::diagnostic::Diagnostic;
use crate::ir::{EventKind, Span};

declare_rule!("inconsistent-identity-key", check, None);

/// One identity call and the key of the user it names.
struct Use<'a> {
    origin: &'a IdOrigin,
    /// Normalised: `id`, `email`, `uid`.
    key: String,
    /// As written: `user.email`.
    written: String,
    /// Where the origin's function hands the id over (the call, or the SDK call itself).
    span: Span,
}

fn check(program: &Program) -> Vec<Diagnostic> {
    let origins = program.id_origins();
    let mut uses: Vec<Use> = Vec::new();
    let mut linked = Links::default();
    for origin in &origins.origins {
        let settings = program.settings_of(origin.function);
        let params = &program.function(origin.function).params;
        let Some((key, written)) = user_key(settings, &origin.id, params) else {
            continue;
        };
        // `alias(user.email, user.id)` says both keys are the same person: no split.
        if origin.kind == EventKind::Alias
            && let Some((original, _)) = origin
                .original
                .as_ref()
                .and_then(|o| user_key(settings, o, params))
        {
            linked.join(&key, &original);
        }
        let span = origins.frames(origin)[0].span;
        uses.push(Use {
            origin,
            key,
            written,
            span,
        });
    }
    // Keys by their class (keys an alias links are one class), each with its uses in order.
    let mut classes: BTreeMap<String, Vec<&Use>> = BTreeMap::new();
    for found in &uses {
        classes
            .entry(linked.find(&found.key))
            .or_default()
            .push(found);
    }
    if classes.len() < 2 {
        return Vec::new();
    }
    for members in classes.values_mut() {
        members.sort_by_key(|u| (u.span.file, u.span.start));
        members.dedup_by_key(|u| u.span);
    }
    // The key most calls use is the program's; every other key is reported at its first use.
    let (main_key, main) = classes
        .iter()
        .max_by_key(|(key, members)| (members.len(), *key == "id", std::cmp::Reverse(*key)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("two classes");
    classes
        .iter()
        .filter(|(key, _)| **key != main_key)
        .map(|(_, members)| diagnostic(program, members, &main))
        .collect()
}

fn diagnostic(program: &Program, odd: &[&Use], main: &[&Use]) -> Diagnostic {
    let (here, there) = (odd[0], main[0]);
    let origins = program.id_origins();
    let site = origins.site(here.origin);
    let other_site = origins.site(there.origin);
    let method = &site.event.method;
    let other_method = &other_site.event.method;
    let mut diagnostic = Diagnostic::new(
        RULE.id,
        RULE.severity(),
        here.span,
        format!(
            "`{method}` names the user by `{}` here, but `{other_method}` names them by `{}`: each user is split into two profiles",
            here.written, there.written
        ),
    )
    .with_primary_label(format!("`{}` is the user's id here", here.written))
    .with_secondary(
        there.span,
        format!("`{}` is the user's id here", there.written),
    )
    .with_call_chain(chain_steps(program, here.origin.function, &site))
    .with_note(format!(
        "this id: {}",
        describe_chain(program, here.origin.function, &site)
    ))
    .with_note(format!(
        "the other id: {}",
        describe_chain(program, there.origin.function, &other_site)
    ));
    if odd.len() + main.len() > 2 {
        diagnostic = diagnostic.with_note(format!(
            "{} identity call(s) use `{}`, {} use `{}`",
            odd.len(),
            here.written,
            main.len(),
            there.written
        ));
    }
    diagnostic.with_note(
        "pick one key for users (usually the database id, which never changes) and pass it to every `alias`, `identify` and server call",
    )
}

/// Keys an `alias` links, as a union-find over key names.
#[derive(Default)]
struct Links {
    parent: BTreeMap<String, String>,
}

impl Links {
    fn find(&self, key: &str) -> String {
        let mut current = key.to_owned();
        while let Some(next) = self.parent.get(&current) {
            if *next == current {
                break;
            }
            current = next.clone();
        }
        current
    }

    fn join(&mut self, a: &str, b: &str) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            self.parent.insert(high, low);
        }
    }
}
