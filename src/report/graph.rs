//! `idlint graph`: the call graph cut down to what matters for identity — the functions that
//! reach a tracking call, the calls between them, and each alias/identify/reset/track site —
//! as Graphviz DOT or Mermaid, so a team can review its identity flows at a glance.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

use crate::analysis::Program;
use crate::callgraph::{FnId, Target};
use crate::ir::EventKind;
use crate::rules::display_name;
use crate::source::SourceDb;

#[derive(Clone, Copy, Debug)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

struct Site {
    function: FnId,
    kind: EventKind,
    method: String,
    location: String,
}

struct Graph {
    functions: Vec<(FnId, String, String, bool)>,
    calls: BTreeSet<(FnId, FnId)>,
    sites: Vec<Site>,
}

fn build(program: &Program, db: &SourceDb) -> Graph {
    let n = program.graph.len();
    let mut callers: Vec<Vec<FnId>> = vec![Vec::new(); n];
    for (caller, targets) in program.graph.calls.iter().enumerate() {
        for target in targets {
            if let Target::Project(ids) = target {
                for id in ids {
                    callers[id.0 as usize].push(FnId(caller as u32));
                }
            }
        }
    }
    let mut sites = Vec::new();
    let mut reaching: HashSet<FnId> = HashSet::new();
    let mut queue = Vec::new();
    for i in 0..n {
        let id = FnId(i as u32);
        for event in program
            .events_of(id)
            .into_iter()
            .filter(|e| e.kind != EventKind::Init)
        {
            let file = db.get(event.span.file);
            let (line, _) = file.line_column(event.span.start as usize);
            sites.push(Site {
                function: id,
                kind: event.kind,
                method: event.method.clone(),
                location: format!("{}:{line}", file.name),
            });
            if reaching.insert(id) {
                queue.push(id);
            }
        }
    }
    while let Some(id) = queue.pop() {
        for caller in &callers[id.0 as usize] {
            if reaching.insert(*caller) {
                queue.push(*caller);
            }
        }
    }
    let mut functions: Vec<(FnId, String, String, bool)> = reaching
        .iter()
        .map(|id| {
            let function = program.function(*id);
            let file = db.get(function.span.file);
            let (line, _) = file.line_column(function.span.start as usize);
            let is_entry = callers[id.0 as usize].is_empty();
            (
                *id,
                display_name(program, *id),
                format!("{}:{line}", file.name),
                is_entry,
            )
        })
        .collect();
    functions.sort_by(|a, b| (&a.2, &a.1).cmp(&(&b.2, &b.1)));
    let mut calls = BTreeSet::new();
    for (caller, targets) in program.graph.calls.iter().enumerate() {
        let caller = FnId(caller as u32);
        if !reaching.contains(&caller) {
            continue;
        }
        for target in targets {
            if let Target::Project(ids) = target {
                calls.extend(
                    ids.iter()
                        .filter(|id| reaching.contains(id))
                        .map(|id| (caller, *id)),
                );
            }
        }
    }
    Graph {
        functions,
        calls,
        sites,
    }
}

pub fn render(program: &Program, db: &SourceDb, format: GraphFormat) -> String {
    let graph = build(program, db);
    match format {
        GraphFormat::Dot => dot(&graph),
        GraphFormat::Mermaid => mermaid(&graph),
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn site_style(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::Alias => ("hexagon", "#f4a6a6"),
        EventKind::Identify => ("box", "#a6c8f4"),
        EventKind::Reset => ("octagon", "#d9d9d9"),
        EventKind::Track | EventKind::People | EventKind::Init => ("note", "#c9e8b5"),
    }
}

fn dot(graph: &Graph) -> String {
    let mut out = String::from(
        "digraph identity {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for (id, name, location, is_entry) in &graph.functions {
        let style = if *is_entry {
            ", style=\"bold\", peripheries=2"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  f{} [shape=box, style=rounded{style}, label=\"{}\\n{}\"];",
            id.0,
            escape(name),
            escape(location)
        );
    }
    for (i, site) in graph.sites.iter().enumerate() {
        let (shape, color) = site_style(site.kind);
        let _ = writeln!(
            out,
            "  s{i} [shape={shape}, style=filled, fillcolor=\"{color}\", label=\"{}\\n{}\"];",
            escape(&site.method),
            escape(&site.location)
        );
        let _ = writeln!(out, "  f{} -> s{i};", site.function.0);
    }
    for (caller, callee) in &graph.calls {
        let _ = writeln!(out, "  f{} -> f{};", caller.0, callee.0);
    }
    out.push_str("}\n");
    out
}

fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    let quote = |text: &str| text.replace('"', "#quot;");
    for (id, name, location, is_entry) in &graph.functions {
        let label = format!("{}<br/>{}", quote(name), quote(location));
        let _ = if *is_entry {
            writeln!(out, "  f{}([\"{label}\"])", id.0)
        } else {
            writeln!(out, "  f{}[\"{label}\"]", id.0)
        };
    }
    for (i, site) in graph.sites.iter().enumerate() {
        let label = format!("{}<br/>{}", quote(&site.method), quote(&site.location));
        let _ = match site.kind {
            EventKind::Alias => writeln!(out, "  s{i}{{{{\"{label}\"}}}}"),
            EventKind::Identify => writeln!(out, "  s{i}[/\"{label}\"/]"),
            _ => writeln!(out, "  s{i}>\"{label}\"]"),
        };
        let _ = writeln!(out, "  f{} --> s{i}", site.function.0);
    }
    for (caller, callee) in &graph.calls {
        let _ = writeln!(out, "  f{} --> f{}", caller.0, callee.0);
    }
    out
}
