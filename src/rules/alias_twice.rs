//! `alias-twice`: `alias` reached more than once for the same user on one path.

use super::{PathWording, path_diagnostics};
use crate::analysis::{Automaton, Grouping, Letter, Program, Step};
use crate::diagnostic::Diagnostic;

declare_rule!("alias-twice", check, Some(AUTOMATON));

const START: u8 = 0;
const ALIASED: u8 = 1;

/// `Start -alias-> Aliased -alias-> violation`; `reset` returns to `Start`.
pub const AUTOMATON: Automaton = Automaton {
    rule: "alias-twice",
    states: 2,
    grouping: Grouping::SameUser,
    step,
};

fn step(state: u8, letter: Letter) -> Step {
    match (state, letter) {
        (_, Letter::Reset) => Step {
            next: START,
            violation: false,
        },
        (START, Letter::Alias) => Step {
            next: ALIASED,
            violation: false,
        },
        (_, Letter::Alias) => Step {
            next: ALIASED,
            violation: true,
        },
        (state, Letter::UseId | Letter::Profile) => Step {
            next: state,
            violation: false,
        },
    }
}

const WORDING: PathWording = PathWording {
    message: "`alias` is reached a second time for the same user",
    primary: "second `alias`",
    secondary: "first `alias`",
};

fn check(program: &Program) -> Vec<Diagnostic> {
    path_diagnostics(program, &RULE, &AUTOMATON, &WORDING)
}
