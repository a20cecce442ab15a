//! Rules as tiny automata over identity events, and relations on their states.

use super::witness::{Arena, W};

/// At most this many states: a set of states is a `u8`, a relation a `[u8; MAX_STATES]`.
pub const MAX_STATES: usize = 4;

/// The identity events as the automata see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Letter {
    /// `alias` with its new id.
    Alias,
    /// The id is used: client `identify(id)`, or a server event/profile update sent under `id`.
    UseId,
    /// `reset()`: the path's user starts over, anonymous.
    Reset,
    /// A client-side profile write (`people.set`) for whoever the device is now.
    Profile,
}

/// How the events of a path are split into users, each running its own automaton.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// Events concern the same user unless their ids provably differ (an id taken from a loop's
    /// iteration variable is a different user on every iteration).
    SameUser,
    /// Events interact only when their ids are the same symbolic value.
    SameId,
}

/// One step of an automaton: the next state, and whether the step is the rule's violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub next: u8,
    pub violation: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Automaton {
    pub rule: &'static str,
    pub states: u8,
    pub grouping: Grouping,
    /// State 0 is the start state.
    pub step: fn(state: u8, letter: Letter) -> Step,
}

impl Automaton {
    pub fn all_states(&self) -> u8 {
        ((1u16 << self.states) - 1) as u8
    }
}

/// A relation on states, with one witness per pair that holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rel {
    pub pairs: [[W; MAX_STATES]; MAX_STATES],
}

impl Default for Rel {
    fn default() -> Self {
        Rel::EMPTY
    }
}

impl Rel {
    pub const EMPTY: Rel = Rel {
        pairs: [[W::NONE; MAX_STATES]; MAX_STATES],
    };

    pub fn identity(states: u8) -> Rel {
        let mut rel = Rel::EMPTY;
        for q in 0..states as usize {
            rel.pairs[q][q] = W::EMPTY;
        }
        rel
    }

    pub fn get(&self, from: u8, to: u8) -> W {
        self.pairs[from as usize][to as usize]
    }

    /// Adds the pair with its witness; says whether the pair is new. A pair already held with
    /// the empty witness takes a witness of events instead: a path on which something
    /// happened (a `reset` back to the start) is what makes a later violation this code's own.
    pub fn set_if_absent(&mut self, from: u8, to: u8, w: W) -> bool {
        let slot = &mut self.pairs[from as usize][to as usize];
        if w.is_none() {
            return false;
        }
        if slot.is_none() {
            *slot = w;
            return true;
        }
        if slot.is_empty() {
            *slot = w;
        }
        false
    }

    /// Which pairs hold, without witnesses: what fixpoints compare.
    pub fn shape(&self) -> [u8; MAX_STATES] {
        let mut rows = [0u8; MAX_STATES];
        for (q, row) in self.pairs.iter().enumerate() {
            for (p, w) in row.iter().enumerate() {
                if !w.is_none() {
                    rows[q] |= 1 << p;
                }
            }
        }
        rows
    }

    pub fn union(&self, other: &Rel) -> Rel {
        let mut out = *self;
        for q in 0..MAX_STATES {
            for p in 0..MAX_STATES {
                out.set_if_absent(q as u8, p as u8, other.pairs[q][p]);
            }
        }
        out
    }

    /// `self` then `other`.
    pub fn then(&self, other: &Rel, arena: &mut Arena) -> Rel {
        let mut out = Rel::EMPTY;
        for q in 0..MAX_STATES {
            for m in 0..MAX_STATES {
                let first = self.pairs[q][m];
                if first.is_none() {
                    continue;
                }
                for p in 0..MAX_STATES {
                    let second = other.pairs[m][p];
                    if !second.is_none() && out.pairs[q][p].is_none() {
                        out.pairs[q][p] = arena.seq(first, second);
                    }
                }
            }
        }
        out
    }

    /// Reflexive-transitive closure: zero or more repetitions.
    pub fn star(&self, states: u8, arena: &mut Arena) -> Rel {
        let mut closure = Rel::identity(states);
        loop {
            let next = closure.union(&closure.then(self, arena));
            if next.shape() == closure.shape() {
                return closure;
            }
            closure = next;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.shape().iter().all(|row| *row == 0)
    }
}

/// A set of states, each with the witness of how it was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct States {
    pub reached: [W; MAX_STATES],
}

impl States {
    pub const NONE: States = States {
        reached: [W::NONE; MAX_STATES],
    };

    pub fn start() -> States {
        let mut states = States::NONE;
        states.reached[0] = W::EMPTY;
        states
    }

    /// Adds the state with its witness; one reached with the empty witness takes a witness of
    /// events instead (see [`Rel::set_if_absent`]).
    pub fn add(&mut self, state: u8, w: W) {
        let slot = &mut self.reached[state as usize];
        if !w.is_none() && (slot.is_none() || slot.is_empty()) {
            *slot = w;
        }
    }

    pub fn union(&self, other: &States) -> States {
        let mut out = *self;
        for (q, w) in other.iter() {
            out.add(q, w);
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = (u8, W)> + '_ {
        self.reached
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.is_none())
            .map(|(q, w)| (q as u8, *w))
    }

    pub fn mask(&self) -> u8 {
        self.iter().fold(0, |m, (q, _)| m | 1 << q)
    }

    /// The states reached after applying `rel`.
    pub fn apply(&self, rel: &Rel, arena: &mut Arena) -> States {
        let mut out = States::NONE;
        for (q, w) in self.iter() {
            for p in 0..MAX_STATES {
                let step = rel.pairs[q as usize][p];
                if !step.is_none() {
                    let joined = arena.seq(w, step);
                    out.add(p as u8, joined);
                }
            }
        }
        out
    }
}
