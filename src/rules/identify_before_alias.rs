//! `identify-before-alias`: the new id is used (identify, or server events under it) before
//! `alias` links it to the anonymous id.

use super::{PathWording, path_diagnostics};
use crate::analysis::{Automaton, Grouping, Letter, Program, Step};
use crate::diagnostic::Diagnostic;

declare_rule!("identify-before-alias", check, Some(AUTOMATON));

const START: u8 = 0;
const USED: u8 = 1;

/// Per id: `Start -use(x)-> Used -alias(new = x)-> violation`; `reset` returns to `Start`.
pub const AUTOMATON: Automaton = Automaton {
    rule: "identify-before-alias",
    states: 2,
    grouping: Grouping::SameId,
    step,
};

fn step(state: u8, letter: Letter) -> Step {
    match (state, letter) {
        (_, Letter::Reset) => Step {
            next: START,
            violation: false,
        },
        (_, Letter::UseId) => Step {
            next: USED,
            violation: false,
        },
        (state, Letter::Profile) => Step {
            next: state,
            violation: false,
        },
        (state, Letter::Alias) => Step {
            next: START,
            violation: state == USED,
        },
    }
}

const WORDING: PathWording = PathWording {
    message: "`alias` links an id that was already used on this path, so the anonymous history is never linked",
    primary: "`alias` of the id",
    secondary: "first use of the id",
};

fn check(program: &Program) -> Vec<Diagnostic> {
    path_diagnostics(program, &RULE, &AUTOMATON, &WORDING)
}
