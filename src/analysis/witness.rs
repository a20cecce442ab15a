//! Witnesses: for every pair of a summary, one reason it holds. Only a reported violation
//! expands its witnesses into concrete sites and call chains.

use crate::callgraph::FnId;
use crate::ir::Span;

/// A witness handle into an [`Arena`]. `EMPTY` is "nothing happened", `NONE` is "does not hold".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct W(u32);

impl W {
    pub const NONE: W = W(u32::MAX);
    pub const EMPTY: W = W(0);

    pub fn is_none(self) -> bool {
        self == W::NONE
    }

    pub fn is_empty(self) -> bool {
        self == W::EMPTY
    }
}

#[derive(Clone, Debug)]
enum Node {
    Empty,
    /// An event in function `in_fn`; `site` indexes [`Arena::sites`].
    Event {
        site: u32,
    },
    Seq(W, W),
    /// A call from `caller` at `span` into `callee`, inside which `inner` holds.
    Call {
        caller: FnId,
        span: Span,
        inner: W,
    },
}

/// What a witness leads to: an event site in some function.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EventSite {
    pub function: FnId,
    pub span: Span,
    pub method: String,
}

/// One step of a call chain: `caller` calls at `span`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChainLink {
    pub caller: FnId,
    pub span: Span,
}

/// An event site and the calls that reach it from the reporting function.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Site {
    pub event: EventSite,
    pub chain: Vec<ChainLink>,
}

#[derive(Debug)]
pub struct Arena {
    nodes: Vec<Node>,
    sites: Vec<EventSite>,
}

impl Default for Arena {
    fn default() -> Self {
        Arena {
            nodes: vec![Node::Empty],
            sites: Vec::new(),
        }
    }
}

impl Arena {
    fn push(&mut self, node: Node) -> W {
        self.nodes.push(node);
        W(self.nodes.len() as u32 - 1)
    }

    pub fn event(&mut self, site: EventSite) -> W {
        self.sites.push(site);
        let site = self.sites.len() as u32 - 1;
        self.push(Node::Event { site })
    }

    pub fn seq(&mut self, first: W, second: W) -> W {
        if first.is_none() || second.is_none() {
            return W::NONE;
        }
        if first.is_empty() {
            return second;
        }
        if second.is_empty() {
            return first;
        }
        self.push(Node::Seq(first, second))
    }

    pub fn call(&mut self, caller: FnId, span: Span, inner: W) -> W {
        if inner.is_none() || inner.is_empty() {
            return inner;
        }
        self.push(Node::Call {
            caller,
            span,
            inner,
        })
    }

    /// The last event of a witness, with the calls that lead to it. Iterative: witnesses of a
    /// 10,000-deep call chain are 10,000 nodes deep.
    pub fn last_event(&self, w: W) -> Option<Site> {
        let mut chain = Vec::new();
        let mut current = w;
        loop {
            if current.is_none() {
                return None;
            }
            match &self.nodes[current.0 as usize] {
                Node::Empty => return None,
                Node::Event { site } => {
                    return Some(Site {
                        event: self.sites[*site as usize].clone(),
                        chain,
                    });
                }
                Node::Seq(_, second) => current = *second,
                Node::Call {
                    caller,
                    span,
                    inner,
                    ..
                } => {
                    chain.push(ChainLink {
                        caller: *caller,
                        span: *span,
                    });
                    current = *inner;
                }
            }
        }
    }

    /// Every event of a witness in path order, each with its call chain.
    pub fn events(&self, w: W) -> Vec<Site> {
        let mut out = Vec::new();
        // (node, chain length to restore): an explicit stack instead of recursion.
        let mut chain: Vec<ChainLink> = Vec::new();
        let mut stack: Vec<(W, usize)> = vec![(w, 0)];
        while let Some((current, depth)) = stack.pop() {
            chain.truncate(depth);
            if current.is_none() {
                continue;
            }
            match &self.nodes[current.0 as usize] {
                Node::Empty => {}
                Node::Event { site } => out.push(Site {
                    event: self.sites[*site as usize].clone(),
                    chain: chain.clone(),
                }),
                Node::Seq(first, second) => {
                    stack.push((*second, depth));
                    stack.push((*first, depth));
                }
                Node::Call {
                    caller,
                    span,
                    inner,
                    ..
                } => {
                    chain.push(ChainLink {
                        caller: *caller,
                        span: *span,
                    });
                    stack.push((*inner, depth + 1));
                }
            }
        }
        out
    }
}
