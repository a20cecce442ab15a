//! The IR of a file, rendered compactly for snapshots (`tests/frontend_ir_*.rs`).

use std::fmt::Write as _;
use std::path::Path;

use idlint::frontend::{self, Lowered, Options, ProjectIndex};
use idlint::ir::{Block, Callee, Event, FileId, Function, FunctionKind, Language, Stmt, Value};

pub fn lower(path: &Path, language: Language) -> (String, Lowered) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut context = ProjectIndex::default().context_for(path, language);
    if !matches!(language, Language::Python) {
        // The path as written, not the machine's: snapshots are the same everywhere.
        context.module_path = frontend::project::script_module_path(path);
    }
    let lowered = frontend::lower(FileId(0), &text, &context, &Options::default());
    (text, lowered)
}

/// 1-based `line:column` of a byte offset (columns count characters).
pub fn position(text: &str, offset: u32) -> String {
    let before = &text[..offset as usize];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{line}:{column}")
}

struct Renderer<'a> {
    text: &'a str,
    functions: &'a [Function],
    out: String,
}

impl Renderer<'_> {
    fn span(&self, span: idlint::ir::Span) -> String {
        format!(
            "@{}-{}",
            position(self.text, span.start),
            position(self.text, span.end)
        )
    }

    fn value(value: &Value) -> String {
        match value {
            Value::Str(s) => format!("{s:?}"),
            Value::Num(number) => number.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "None".to_owned(),
            Value::Object(keys) => format!("{{{}}}", keys.join(", ")),
            Value::Fresh { origin, .. } => format!("fresh({origin})"),
            Value::CurrentId => "current-id".to_owned(),
            Value::Path { root, fields } => std::iter::once(root.as_str())
                .chain(fields.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join("."),
            Value::Unknown => "?".to_owned(),
        }
    }

    fn values(values: &[Value]) -> String {
        values
            .iter()
            .map(Self::value)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn event(&self, event: &Event) -> String {
        let mut line = format!(
            "{} {:?} {:?}(id: {}",
            event.method,
            event.kind,
            event.side,
            event.id.as_ref().map_or("-".to_owned(), Self::value)
        );
        if let Some(original) = &event.original {
            write!(line, ", original: {}", Self::value(original)).unwrap();
        }
        line.push(')');
        if let Some(options) = &event.options {
            let keys: Vec<&str> = options.iter().map(|(k, _)| k.as_str()).collect();
            write!(line, " options {{{}}}", keys.join(", ")).unwrap();
        }
        write!(line, " {}", self.span(event.span)).unwrap();
        line
    }

    fn line(&mut self, depth: usize, text: &str) {
        writeln!(self.out, "{}{text}", "  ".repeat(depth)).unwrap();
    }

    fn block(&mut self, block: &Block, depth: usize) {
        for stmt in block {
            self.stmt(stmt, depth);
        }
    }

    fn stmt(&mut self, stmt: &Stmt, depth: usize) {
        match stmt {
            Stmt::Event(event) => {
                let line = format!("event {}", self.event(event));
                self.line(depth, &line);
            }
            Stmt::Call(call) => {
                let callee = match &call.callee {
                    Callee::Path(path) => path.join("."),
                    Callee::Method {
                        receiver,
                        name,
                        receiver_type,
                    } => match receiver_type {
                        Some(t) => format!("({}: {t}).{name}", Self::value(receiver)),
                        None => format!("{}.{name}", Self::value(receiver)),
                    },
                    Callee::Local(index) => {
                        format!("local {}", self.functions[*index as usize].name)
                    }
                };
                let mut line = format!(
                    "{} = call {callee}({}) {}",
                    call.result.as_deref().unwrap_or("_"),
                    Self::values(&call.args),
                    self.span(call.span)
                );
                if let Some(event) = &call.sdk_fallback {
                    write!(line, " else SDK {}", self.event(event)).unwrap();
                }
                self.line(depth, &line);
            }
            Stmt::Let { name, value } => {
                self.line(depth, &format!("let {name} = {}", Self::value(value)));
            }
            Stmt::Persist {
                value,
                span,
                target,
            } => {
                let place = target
                    .as_ref()
                    .map_or(String::new(), |t| format!("{} = ", Self::value(t)));
                let line = format!("persist {place}{} {}", Self::value(value), self.span(*span));
                self.line(depth, &line);
            }
            Stmt::Branch(arms) => {
                self.line(depth, "branch");
                for arm in arms {
                    self.line(depth + 1, "arm");
                    self.block(arm, depth + 2);
                }
            }
            Stmt::Loop { bindings, body } => {
                self.line(depth, &format!("loop over [{}]", bindings.join(", ")));
                self.block(body, depth + 1);
            }
            Stmt::Guard { value, holds } => {
                let line = format!(
                    "guard {}{}",
                    if *holds { "" } else { "!" },
                    Self::value(value)
                );
                self.line(depth, &line);
            }
            Stmt::Break => self.line(depth, "break"),
            Stmt::Continue => self.line(depth, "continue"),
            Stmt::Return { value, span, error } => {
                let word = if *error { "raise" } else { "return" };
                let value = value
                    .as_ref()
                    .map_or(String::new(), |v| format!(" {}", Self::value(v)));
                let line = format!("{word}{value} {}", self.span(*span));
                self.line(depth, &line);
            }
        }
    }
}

pub fn render(path: &Path, language: Language) -> String {
    let (text, lowered) = lower(path, language);
    let module = &lowered.module;
    let mut renderer = Renderer {
        text: &text,
        functions: &module.functions,
        out: String::new(),
    };
    renderer.line(0, &format!("module {}", module.path.join(".")));
    for error in &lowered.errors {
        let line = format!(
            "syntax error {} (recovered: {}): {}",
            renderer.span(error.span),
            error.recovered,
            error.message
        );
        renderer.line(1, &line);
    }
    for import in &module.imports {
        let line = if import.glob {
            format!("import * from {}", import.path.join("."))
        } else {
            format!("import {} = {}", import.local, import.path.join("."))
        };
        renderer.line(1, &line);
    }
    for (class, base) in &module.supertypes {
        // A member path (`Type.member`) with its declared type, or a class with its base.
        let line = match class.contains('.') {
            true => format!("member {class}: {base}"),
            false => format!("class {class}({base})"),
        };
        renderer.line(1, &line);
    }
    for tracker in &module.trackers {
        renderer.line(1, &format!("tracker {tracker}"));
    }
    for function in &module.functions {
        let kind = match function.kind {
            FunctionKind::Free => "fn",
            FunctionKind::Method => "method",
            FunctionKind::Closure => "closure",
        };
        let exported = if function.exported { "exported " } else { "" };
        let repeating = if function.repeats.is_some() {
            "repeating "
        } else {
            ""
        };
        let line = format!(
            "{exported}{repeating}{kind} {} [{}]({}) {}",
            function.name,
            function.path.join("."),
            function.params.join(", "),
            renderer.span(function.span)
        );
        renderer.line(0, "");
        renderer.line(0, &line);
        renderer.block(&function.body, 1);
    }
    renderer.out
}
