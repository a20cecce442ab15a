//! Where the ids at identity positions come from, as the code names them: for every `alias`,
//! `identify`, and `track`/profile call with a distinct id, the access path of that id in the
//! function where it is bound (`user.email` in the sign-up handler, not `id` in the wrapper
//! that calls the SDK), followed up through every call of the wrappers in between.
//!
//! Summaries go bottom-up like [`super::self_alias`]: a function exports the identity uses
//! whose id is one of its parameters (at most [`MAX_USES`], paths of at most
//! [`MAX_SEGMENTS`] segments, so recursion terminates); a caller substitutes its arguments.
//! A use whose id is not a parameter, or is one of a function no analysed code calls, is
//! complete: an [`IdOrigin`].

use std::collections::HashSet;

use crate::callgraph::{FnId, Target};
use crate::ir::{Callee, Event, EventKind, Side, Span, Stmt, Value, walk_block};

use super::access::{AccessPath, Base, Resolver};
use super::witness::{ChainLink, EventSite, Site};
use super::{Passed, Program, passed};

/// Most identity uses one function passes to its callers (documented limit).
const MAX_USES: usize = 32;
/// Longest path an exported use may have.
const MAX_SEGMENTS: usize = 4;

/// An identity call, as one function sees it.
#[derive(Clone, Debug)]
struct IdEvent {
    kind: EventKind,
    side: Side,
    method: String,
    span: Span,
    id: AccessPath,
    original: Option<AccessPath>,
}

/// A call into project code with its arguments as each target's parameters see them.
#[derive(Clone, Debug)]
struct IdCall {
    span: Span,
    targets: Vec<FnId>,
    args: Vec<Vec<AccessPath>>,
}

/// What one function says about ids: its identity calls, its project calls, and every access
/// path it mentions (the evidence that a value is an object with fields).
#[derive(Default, Debug)]
pub struct Digest {
    events: Vec<IdEvent>,
    calls: Vec<IdCall>,
    pub reads: Vec<AccessPath>,
}

#[derive(Clone, Debug)]
enum Hop {
    Here(usize),
    Call {
        call: usize,
        callee: FnId,
        use_index: usize,
    },
}

#[derive(Clone, Debug)]
struct Use {
    id: AccessPath,
    original: Option<AccessPath>,
    kind: EventKind,
    side: Side,
    hop: Hop,
}

/// An identity use, complete in `function`.
#[derive(Clone, Debug)]
pub struct IdOrigin {
    pub function: FnId,
    pub id: AccessPath,
    /// alias's original id, in the same function's terms, when it reaches this far.
    pub original: Option<AccessPath>,
    pub kind: EventKind,
    pub side: Side,
    hop: Hop,
}

/// The id of a use as one function on its way sees it.
#[derive(Clone, Debug)]
pub struct Frame {
    pub function: FnId,
    pub id: AccessPath,
    /// alias's original id in the same terms, when it reaches this function.
    pub original: Option<AccessPath>,
    /// Where this function reaches the identity call: the call itself, or the call into the
    /// next function of the chain.
    pub span: Span,
}

pub struct IdOrigins {
    pub digests: Vec<Digest>,
    exported: Vec<Vec<Use>>,
    pub origins: Vec<IdOrigin>,
}

impl IdOrigins {
    /// The functions from the origin down to the identity call, each with the id in its terms.
    pub fn frames(&self, origin: &IdOrigin) -> Vec<Frame> {
        let mut frames = Vec::new();
        let mut function = origin.function;
        let (mut id, mut original) = (origin.id.clone(), origin.original.clone());
        let mut hop = &origin.hop;
        for _ in 0..10_000 {
            let digest = &self.digests[function.0 as usize];
            match hop {
                Hop::Here(event) => {
                    frames.push(Frame {
                        function,
                        id,
                        original,
                        span: digest.events[*event].span,
                    });
                    break;
                }
                Hop::Call {
                    call,
                    callee,
                    use_index,
                } => {
                    frames.push(Frame {
                        function,
                        id,
                        original,
                        span: digest.calls[*call].span,
                    });
                    let Some(inner) = self.exported[callee.0 as usize].get(*use_index) else {
                        break;
                    };
                    function = *callee;
                    (id, original) = (inner.id.clone(), inner.original.clone());
                    hop = &inner.hop;
                }
            }
        }
        frames
    }

    /// The identity call of an origin, with the calls that reach it from the origin's function.
    pub fn site(&self, origin: &IdOrigin) -> Site {
        let frames = self.frames(origin);
        let (last, calls) = frames.split_last().expect("a use has at least one frame");
        let digest = &self.digests[last.function.0 as usize];
        let method = digest
            .events
            .iter()
            .find(|e| e.span == last.span)
            .map_or_else(|| origin.kind.as_str().to_owned(), |e| e.method.clone());
        Site {
            event: EventSite {
                function: last.function,
                span: last.span,
                method,
            },
            chain: calls
                .iter()
                .map(|f| ChainLink {
                    caller: f.function,
                    span: f.span,
                })
                .collect(),
        }
    }
}

/// The events that name an id: alias's new id, identify's id, a server call's distinct id.
fn names_an_id(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::Alias | EventKind::Identify | EventKind::Track | EventKind::People
    ) && event.id.is_some()
}

/// Reads one function: identity calls, project calls and the paths it mentions.
fn digest(program: &Program, id: FnId) -> Digest {
    let function = program.function(id);
    let targets = &program.graph.calls[id.0 as usize];
    let mut resolver = Resolver::new(function);
    let mut digest = Digest::default();
    let mut call_index = 0;
    let read = |digest: &mut Digest, path: AccessPath| {
        if !path.segments.is_empty() {
            digest.reads.push(path);
        }
    };
    walk_block(&function.body, &mut |stmt| match stmt {
        Stmt::Event(event) => {
            add_event(&mut digest, &resolver, event);
            for value in event_values(event) {
                read(&mut digest, resolver.resolve(value));
            }
        }
        Stmt::Call(call) => {
            let target = targets.get(call_index).unwrap_or(&Target::External);
            call_index += 1;
            let args: Vec<AccessPath> = call.args.iter().map(|a| resolver.resolve(a)).collect();
            let receiver = match &call.callee {
                Callee::Method { receiver, .. } => Some(resolver.resolve(receiver)),
                _ => None,
            };
            for path in args.iter().chain(&receiver) {
                read(&mut digest, path.clone());
            }
            match target {
                Target::Sdk(event) => add_event(&mut digest, &resolver, event),
                Target::Project(callees) => {
                    let per_target = callees
                        .iter()
                        .map(|callee| {
                            passed(call, program.function(*callee))
                                .into_iter()
                                .map(|passed| match passed {
                                    Passed::Value(value) => resolver.resolve(value),
                                    Passed::Default(_) | Passed::Unknown => AccessPath::other(),
                                })
                                .collect()
                        })
                        .collect();
                    digest.calls.push(IdCall {
                        span: call.span,
                        targets: callees.clone(),
                        args: per_target,
                    });
                }
                Target::External => {}
            }
            resolver.bind_call(call);
        }
        Stmt::Let { name, value } => {
            read(&mut digest, resolver.resolve(value));
            resolver.bind(name, value);
        }
        Stmt::Persist { value, .. }
        | Stmt::Return {
            value: Some(value), ..
        } => read(&mut digest, resolver.resolve(value)),
        _ => {}
    });
    digest
}

fn add_event(digest: &mut Digest, resolver: &Resolver, event: &Event) {
    if !names_an_id(event) {
        return;
    }
    let Some(id) = &event.id else { return };
    digest.events.push(IdEvent {
        kind: event.kind,
        side: event.side,
        method: event.method.clone(),
        span: event.span,
        id: resolver.resolve(id),
        original: event.original.as_ref().map(|o| resolver.resolve(o)),
    });
}

/// The values an event mentions: its ids and the values of its visible properties.
fn event_values(event: &Event) -> impl Iterator<Item = &Value> {
    event
        .id
        .iter()
        .chain(&event.original)
        .chain(event.options.iter().flatten().map(|(_, value)| value))
}

/// A callee's path below its parameter, in the caller's terms.
fn into_caller(path: &AccessPath, args: &[AccessPath]) -> Option<AccessPath> {
    match &path.base {
        Base::Param(i) => {
            let arg = args.get(*i as usize)?;
            (arg.base != Base::Other).then(|| arg.join(&path.segments))
        }
        _ => None,
    }
}

fn uses_of(digest: &Digest, exported: &[Vec<Use>]) -> Vec<Use> {
    let mut uses: Vec<Use> = digest
        .events
        .iter()
        .enumerate()
        .map(|(i, event)| Use {
            id: event.id.clone(),
            original: event.original.clone(),
            kind: event.kind,
            side: event.side,
            hop: Hop::Here(i),
        })
        .collect();
    for (call_index, call) in digest.calls.iter().enumerate() {
        for (callee, args) in call.targets.iter().zip(&call.args) {
            for (use_index, inner) in exported[callee.0 as usize].iter().enumerate() {
                let Some(id) = into_caller(&inner.id, args) else {
                    continue;
                };
                uses.push(Use {
                    id,
                    original: inner.original.as_ref().and_then(|o| into_caller(o, args)),
                    kind: inner.kind,
                    side: inner.side,
                    hop: Hop::Call {
                        call: call_index,
                        callee: *callee,
                        use_index,
                    },
                });
            }
        }
    }
    uses
}

/// Adds the uses on a parameter that are not exported yet (by id and kind); whether any was.
/// Exported uses keep their place: a caller's hop points at them by index.
fn export(exported: &mut Vec<Use>, uses: &[Use]) -> bool {
    let mut changed = false;
    for candidate in uses {
        if exported.len() >= MAX_USES {
            break;
        }
        let on_param = matches!(candidate.id.base, Base::Param(_));
        if on_param
            && candidate.id.segments.len() <= MAX_SEGMENTS
            && !exported
                .iter()
                .any(|u| u.id == candidate.id && u.kind == candidate.kind)
        {
            exported.push(candidate.clone());
            changed = true;
        }
    }
    changed
}

pub fn id_origins(program: &Program) -> IdOrigins {
    let n = program.graph.len();
    let mut digests: Vec<Digest> = (0..n).map(|_| Digest::default()).collect();
    for component in program.relevant_sccs() {
        for &function in component {
            digests[function.0 as usize] = digest(program, function);
        }
    }
    let mut exported: Vec<Vec<Use>> = vec![Vec::new(); n];
    let mut origins = Vec::new();
    // Uses on a parameter that some caller passes something unnamed (a callback's argument, a
    // literal object): the parameter's own name is all the code says about that id.
    let mut stopped: std::collections::BTreeSet<(FnId, usize)> = Default::default();
    for component in program.relevant_sccs() {
        let callees = |function: FnId| -> Vec<FnId> {
            digests[function.0 as usize]
                .calls
                .iter()
                .flat_map(|call| call.targets.iter().copied())
                .collect()
        };
        super::solve_component(component, callees, |function| {
            let uses = uses_of(&digests[function.0 as usize], &exported);
            export(&mut exported[function.0 as usize], &uses)
        });
        for &function in component {
            stopped_uses(&digests[function.0 as usize], &exported, &mut stopped);
            let entry = program.graph.caller_count[function.0 as usize] == 0;
            let mut seen = HashSet::new();
            for found in uses_of(&digests[function.0 as usize], &exported) {
                let on_param = matches!(found.id.base, Base::Param(_));
                if (!on_param || entry) && seen.insert((found.id.clone(), hop_key(&found.hop))) {
                    origins.push(IdOrigin {
                        function,
                        id: found.id,
                        original: found.original,
                        kind: found.kind,
                        side: found.side,
                        hop: found.hop,
                    });
                }
            }
        }
    }
    for (function, index) in stopped {
        let inner = &exported[function.0 as usize][index];
        origins.push(IdOrigin {
            function,
            id: inner.id.clone(),
            original: inner.original.clone(),
            kind: inner.kind,
            side: inner.side,
            hop: inner.hop.clone(),
        });
    }
    IdOrigins {
        digests,
        exported,
        origins,
    }
}

/// The exported uses of callees that a call of `digest` cannot name in the caller's terms.
fn stopped_uses(
    digest: &Digest,
    exported: &[Vec<Use>],
    stopped: &mut std::collections::BTreeSet<(FnId, usize)>,
) {
    for call in &digest.calls {
        for (callee, args) in call.targets.iter().zip(&call.args) {
            for (index, inner) in exported[callee.0 as usize].iter().enumerate() {
                if into_caller(&inner.id, args).is_none() {
                    stopped.insert((*callee, index));
                }
            }
        }
    }
}

fn hop_key(hop: &Hop) -> (usize, usize, u32) {
    match hop {
        Hop::Here(event) => (*event, usize::MAX, u32::MAX),
        Hop::Call {
            call,
            callee,
            use_index,
        } => (*call, *use_index, callee.0),
    }
}
