//! Aliases that link an id to itself: the new id is the same value as the original, or is the
//! SDK's current id (`mixpanel.alias(mixpanel.get_distinct_id())`). Followed through wrappers:
//! `link(a, b) { mp.alias(b, a) }` called as `link(id, id)` is reported at that call.

use std::collections::HashSet;

use crate::callgraph::FnId;
use crate::ir::Span;

use super::automaton::Letter;
use super::prepare::{self, Key, Node, PEvent, Prepared, Root};
use super::witness::{ChainLink, EventSite, Site};

/// An alias whose two ids are the same, complete in `function`.
#[derive(Clone, Debug)]
pub struct SelfAlias {
    pub function: FnId,
    /// The alias call, with the calls from `function` down to it.
    pub site: Site,
}

/// How a function reaches an alias: at one of its own events, or inside a callee's pair.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Hop {
    Here(EventSite),
    Call {
        caller: FnId,
        span: Span,
        callee: FnId,
        pair: usize,
    },
}

impl Hop {
    /// Where the function itself reaches the alias: the event, or the call that leads to it.
    fn top_site(&self) -> Span {
        match self {
            Hop::Here(event) => event.span,
            Hop::Call { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pair {
    new: Key,
    original: Key,
    hop: Hop,
}

/// Most alias pairs one function passes to its callers (documented limit).
const MAX_PAIRS: usize = 32;

fn same_id(new: &Key, original: &Key) -> bool {
    new.root == Root::Current || (new.comparable() && new == original)
}

/// Longest field path an exported key may have: recursion through `f(user.friend)` cannot grow
/// keys without bound, so the fixpoint terminates.
const MAX_KEY_FIELDS: usize = 4;

/// Keys that mean something in a caller: parameters, literals, the SDK's current id.
fn exportable(key: &Key) -> bool {
    matches!(key.root, Root::Param(_) | Root::Lit(_) | Root::Current)
        && key.fields.len() <= MAX_KEY_FIELDS
}

pub fn self_aliases(prepared: &[Prepared], sccs: &[Vec<FnId>]) -> Vec<SelfAlias> {
    let mut exported: Vec<Vec<Pair>> = vec![Vec::new(); prepared.len()];
    let mut found = Vec::new();
    for component in sccs {
        let callees = |function: FnId| -> Vec<FnId> {
            prepare::calls(&prepared[function.0 as usize].body)
                .into_iter()
                .flat_map(|call| call.targets.iter().copied())
                .collect()
        };
        super::solve_component(component, callees, |function| {
            let pairs = pairs_of(function, &prepared[function.0 as usize].body, &exported);
            add_exportable(&mut exported[function.0 as usize], pairs)
        });
        for &function in component {
            let mut reported = HashSet::new();
            for pair in pairs_of(function, &prepared[function.0 as usize].body, &exported) {
                if same_id(&pair.new, &pair.original)
                    && newly_same(&pair, &exported)
                    && reported.insert(pair.hop.top_site())
                {
                    found.push(SelfAlias {
                        function,
                        site: expand(&pair.hop, &exported),
                    });
                }
            }
        }
    }
    found
}

/// Adds the exportable pairs whose two ids are not exported yet, up to [`MAX_PAIRS`]; whether
/// any was added. One way to reach an alias of two given ids is all a caller needs: where they
/// turn out to be the same id, it is reported once at the call. Exported pairs only accumulate
/// and keep their place (a caller's pair points at its callee's pair by index), so each
/// function's pairs change at most `MAX_PAIRS` times and the fixpoint over recursion ends.
fn add_exportable(exported: &mut Vec<Pair>, pairs: Vec<Pair>) -> bool {
    let mut changed = false;
    for pair in pairs {
        if exported.len() >= MAX_PAIRS {
            break;
        }
        if exportable(&pair.new)
            && exportable(&pair.original)
            && !exported
                .iter()
                .any(|p| p.new == pair.new && p.original == pair.original)
        {
            exported.push(pair);
            changed = true;
        }
    }
    changed
}

/// A pair that was already the same id inside its callee was reported there.
fn newly_same(pair: &Pair, exported: &[Vec<Pair>]) -> bool {
    match &pair.hop {
        Hop::Here(_) => true,
        Hop::Call {
            callee,
            pair: index,
            ..
        } => exported[callee.0 as usize]
            .get(*index)
            .is_none_or(|inner| !same_id(&inner.new, &inner.original)),
    }
}

/// Every alias a body reaches, with both ids in this function's terms.
fn pairs_of(function: FnId, body: &[Node], exported: &[Vec<Pair>]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    for node in live_nodes(body) {
        match node {
            Node::Event(PEvent {
                letter: Letter::Alias,
                key: Some(new),
                original,
                span,
                method,
                ..
            }) => {
                // Without an original, alias links to the current id.
                let original = original
                    .clone()
                    .unwrap_or_else(|| Key::of_root(Root::Current));
                pairs.push(Pair {
                    new: new.clone(),
                    original,
                    hop: Hop::Here(EventSite {
                        function,
                        span: *span,
                        method: method.clone(),
                    }),
                });
            }
            Node::Call(call) => {
                for (target, args) in call.targets.iter().zip(&call.args) {
                    for (index, inner) in exported[target.0 as usize].iter().enumerate() {
                        let (Some(new), Some(original)) = (
                            prepare::key_into_caller(&inner.new, args),
                            prepare::key_into_caller(&inner.original, args),
                        ) else {
                            continue;
                        };
                        pairs.push(Pair {
                            new,
                            original,
                            hop: Hop::Call {
                                caller: function,
                                span: call.span,
                                callee: *target,
                                pair: index,
                            },
                        });
                    }
                }
            }
            _ => {}
        }
    }
    pairs
}

/// The nodes of a body that some path reaches, nested ones included: a block stops at a node
/// that never falls through (`return`, `break`, `continue`, or a branch whose every arm ends
/// so). Calls are taken to come back.
fn live_nodes(body: &[Node]) -> Vec<&Node> {
    let mut live = Vec::new();
    reach_block(body, &mut live);
    live
}

/// Collects the live nodes of `block`; says whether a path falls through its end.
fn reach_block<'a>(block: &'a [Node], live: &mut Vec<&'a Node>) -> bool {
    for node in block {
        live.push(node);
        let falls_through = match node {
            Node::Return(_) | Node::Break | Node::Continue => false,
            Node::Branch(arms) => arms
                .iter()
                .fold(arms.is_empty(), |any, arm| reach_block(arm, live) || any),
            // Zero runs of the body fall through.
            Node::Loop { body, .. } => {
                reach_block(body, live);
                true
            }
            Node::Invocations { each, once } => {
                reach_block(each, live);
                if let Some(once) = once {
                    reach_block(once, live);
                }
                true
            }
            Node::Event(_) | Node::Call(_) | Node::Guard { .. } => true,
        };
        if !falls_through {
            return false;
        }
    }
    true
}

/// Follows hops down to the alias event; bounded, since recursion can make hops cycle.
fn expand(first: &Hop, exported: &[Vec<Pair>]) -> Site {
    let mut chain = Vec::new();
    let mut hop = first.clone();
    for _ in 0..100_000 {
        match hop {
            Hop::Here(event) => return Site { event, chain },
            Hop::Call {
                caller,
                span,
                callee,
                pair,
            } => {
                chain.push(ChainLink { caller, span });
                match exported[callee.0 as usize].get(pair) {
                    Some(inner) => hop = inner.hop.clone(),
                    None => break,
                }
            }
        }
    }
    let last = chain.last().copied();
    Site {
        event: EventSite {
            function: last.map_or(FnId(0), |l| l.caller),
            span: last.map_or(
                Span {
                    file: crate::ir::FileId(0),
                    start: 0,
                    end: 0,
                },
                |l| l.span,
            ),
            method: "alias".to_owned(),
        },
        chain,
    }
}
