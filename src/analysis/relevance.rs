//! Which functions can matter to the identity rules, and what the others do to a path.
//!
//! A function is *relevant* when an identity call is reachable from it in the call graph: an
//! SDK call in its own body (an event, or a call the call graph resolves to the SDK), or in a
//! function it calls, directly or not. One reverse breadth-first pass from the functions that
//! make SDK calls finds them all. Every other function costs its lowering and a skeleton
//! preparation: it cannot change an automaton's state, so to the path analysis a call of one is
//! the identity relation when some path through it returns to the caller, and the empty
//! relation when none does (`fn spin() { spin() }`) — [`completes`] says which.

use std::collections::VecDeque;

use crate::callgraph::{CallGraph, Target};
use crate::ir::{Module, Stmt, walk_block};

use super::prepare::{Node, Prepared};

/// For every function, whether an SDK call is reachable from it.
pub fn relevant(modules: &[Module], graph: &CallGraph) -> Vec<bool> {
    let n = graph.len();
    let mut callers: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut relevant = vec![false; n];
    let mut queue = VecDeque::new();
    for (f, targets) in graph.calls.iter().enumerate() {
        let mut sdk = false;
        for target in targets {
            match target {
                Target::Project(ids) => {
                    for id in ids {
                        callers[id.0 as usize].push(f as u32);
                    }
                }
                Target::Sdk(_) => sdk = true,
                Target::External => {}
            }
        }
        if !sdk {
            let function = graph.function(modules, crate::callgraph::FnId(f as u32));
            walk_block(&function.body, &mut |stmt| {
                sdk |= matches!(stmt, Stmt::Event(_));
            });
        }
        if sdk {
            relevant[f] = true;
            queue.push_back(f as u32);
        }
    }
    while let Some(f) = queue.pop_front() {
        for &caller in &callers[f as usize] {
            if !relevant[caller as usize] {
                relevant[caller as usize] = true;
                queue.push_back(caller);
            }
        }
    }
    relevant
}

/// Functions whose summaries a relevant function may read: the relevant ones and everything they
/// call, directly or not. The freshness dataflow needs these (a callee that keeps or returns an
/// id matters to a caller that sends it), and no more: its findings are uses of an id at an SDK
/// call, which only relevant functions reach.
pub fn called_from_relevant(graph: &CallGraph, relevant: &[bool]) -> Vec<bool> {
    let mut reached = relevant.to_vec();
    let mut stack: Vec<usize> = (0..reached.len()).filter(|&f| reached[f]).collect();
    while let Some(f) = stack.pop() {
        for target in &graph.calls[f] {
            if let Target::Project(ids) = target {
                for id in ids {
                    if !reached[id.0 as usize] {
                        reached[id.0 as usize] = true;
                        stack.push(id.0 as usize);
                    }
                }
            }
        }
    }
    reached
}

/// For every function that is not relevant, whether some path through it returns to its caller
/// (falls off its end or leaves by a `return`), as the path analysis would find it: loops may
/// run zero times, and recursion takes the least fixpoint, so `fn f() { f() }` never returns.
/// Relevant functions get `true` (their summaries say more).
///
/// The question is a monotone boolean circuit over "callee `g` returns"; it is solved by
/// propagation from the gates that hold, each gate firing once: linear in the bodies' size,
/// whatever the recursion.
pub fn completes(prepared: &[Prepared], relevant: &[bool]) -> Vec<bool> {
    let mut circuit = Circuit::default();
    let vars: Vec<u32> = relevant
        .iter()
        .map(|&r| if r { TRUE } else { circuit.gate(1) })
        .collect();
    for (f, body) in prepared.iter().enumerate() {
        if relevant[f] {
            continue;
        }
        let (normal, returns) = circuit.block(&body.body, &vars);
        let out = circuit.or(normal, returns);
        circuit.input(vars[f], out);
    }
    circuit.solve();
    vars.iter().map(|&v| circuit.holds(v)).collect()
}

const TRUE: u32 = 0;
const FALSE: u32 = 1;

/// Gates that hold once `need` of their inputs hold: an `and` of two needs two, an `or` one.
struct Circuit {
    need: Vec<u32>,
    parents: Vec<Vec<u32>>,
}

impl Default for Circuit {
    fn default() -> Self {
        Circuit {
            need: vec![0, u32::MAX],
            parents: vec![Vec::new(), Vec::new()],
        }
    }
}

impl Circuit {
    fn gate(&mut self, need: u32) -> u32 {
        self.need.push(need);
        self.parents.push(Vec::new());
        self.need.len() as u32 - 1
    }

    fn input(&mut self, gate: u32, child: u32) {
        match child {
            TRUE => self.need[gate as usize] = self.need[gate as usize].saturating_sub(1),
            FALSE => {}
            _ => self.parents[child as usize].push(gate),
        }
    }

    fn and(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (FALSE, _) | (_, FALSE) => FALSE,
            (TRUE, x) | (x, TRUE) => x,
            _ => {
                let gate = self.gate(2);
                self.input(gate, a);
                self.input(gate, b);
                gate
            }
        }
    }

    fn or(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (TRUE, _) | (_, TRUE) => TRUE,
            (FALSE, x) | (x, FALSE) => x,
            _ => {
                let gate = self.gate(1);
                self.input(gate, a);
                self.input(gate, b);
                gate
            }
        }
    }

    /// (some path falls through, some path returns) for a block.
    fn block(&mut self, nodes: &[Node], vars: &[u32]) -> (u32, u32) {
        let mut normal = TRUE;
        let mut returns = FALSE;
        for node in nodes {
            let (n, r) = self.node(node, vars);
            let here = self.and(normal, r);
            returns = self.or(returns, here);
            normal = self.and(normal, n);
            if normal == FALSE {
                break;
            }
        }
        (normal, returns)
    }

    fn node(&mut self, node: &Node, vars: &[u32]) -> (u32, u32) {
        match node {
            Node::Event(_) => (TRUE, FALSE),
            // A call found by its method's name alone may be a package's method, which
            // returns: candidates that call each other by name (`clearAll() {
            // this.storage.clearAll() }` in two wrapper classes) are no endless recursion.
            Node::Call(call) if call.by_name => (TRUE, FALSE),
            Node::Call(call) => {
                let mut normal = FALSE;
                for target in &call.targets {
                    normal = self.or(normal, vars[target.0 as usize]);
                }
                (normal, FALSE)
            }
            Node::Branch(arms) => {
                if arms.is_empty() {
                    return (TRUE, FALSE);
                }
                let (mut normal, mut returns) = (FALSE, FALSE);
                for arm in arms {
                    let (n, r) = self.block(arm, vars);
                    normal = self.or(normal, n);
                    returns = self.or(returns, r);
                }
                (normal, returns)
            }
            // Zero runs fall through; a `return` is reached if one run reaches it.
            Node::Loop { body, .. } => (TRUE, self.block(body, vars).1),
            // An invocation ends however it leaves the body, so the function completes when
            // one can.
            Node::Invocations { each, .. } => {
                let (normal, returns) = self.block(each, vars);
                (self.or(normal, returns), FALSE)
            }
            Node::Guard { .. } => (TRUE, FALSE),
            Node::Break | Node::Continue => (FALSE, FALSE),
            Node::Return(_) => (FALSE, TRUE),
        }
    }

    fn solve(&mut self) {
        let mut queue: Vec<u32> = (0..self.need.len() as u32)
            .filter(|&g| self.need[g as usize] == 0)
            .collect();
        while let Some(gate) = queue.pop() {
            for parent in std::mem::take(&mut self.parents[gate as usize]) {
                let need = &mut self.need[parent as usize];
                if *need > 0 {
                    *need -= 1;
                    if *need == 0 {
                        queue.push(parent);
                    }
                }
            }
        }
    }

    fn holds(&self, gate: u32) -> bool {
        self.need[gate as usize] == 0
    }
}
