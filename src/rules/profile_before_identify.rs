//! `profile-before-identify`: a client-side profile write (`people.set`) reached on a path
//! before any `identify` or `alias`: the profile lands on the anonymous id.

use super::{PathWording, path_diagnostics};
use crate::analysis::{Automaton, Grouping, Letter, Program, Step};
use crate::diagnostic::Diagnostic;

declare_rule!("profile-before-identify", check, Some(AUTOMATON));

const ANONYMOUS: u8 = 0;
const KNOWN: u8 = 1;

/// `Anonymous -profile-> violation`; identify or alias make the user `Known`; `reset` makes
/// them anonymous again. Paths start anonymous at entry points only.
pub const AUTOMATON: Automaton = Automaton {
    rule: "profile-before-identify",
    states: 2,
    grouping: Grouping::SameUser,
    step,
};

fn step(state: u8, letter: Letter) -> Step {
    match (state, letter) {
        (_, Letter::Reset) => Step {
            next: ANONYMOUS,
            violation: false,
        },
        (_, Letter::UseId | Letter::Alias) => Step {
            next: KNOWN,
            violation: false,
        },
        (state, Letter::Profile) => Step {
            next: state,
            violation: state == ANONYMOUS,
        },
    }
}

const WORDING: PathWording = PathWording {
    message: "profile written before the user is identified: it lands on the anonymous id",
    primary: "profile write",
    secondary: "the user becomes anonymous",
};

fn check(program: &Program) -> Vec<Diagnostic> {
    path_diagnostics(program, &RULE, &AUTOMATON, &WORDING)
}
