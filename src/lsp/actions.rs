//! Code actions (suppress a finding, replace a login's `alias` with `identify`) and hover on
//! SDK calls (what idlint understood of them).

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Hover, HoverContents, MarkupContent,
    MarkupKind, TextEdit, WorkspaceEdit,
};

use crate::callgraph::FnId;
use crate::diagnostic::Diagnostic;
use crate::ir::{Event, EventKind, FileId, Language, Side, Value};

use super::state::Workspace;

/// What a suppression inserted by a code action says until the user writes the reason.
pub(crate) const REASON_PLACEHOLDER: &str = "TODO: why this is intended";

const SUPPRESSION_MARKER: &str = "idlint: allow(";

/// The code actions for the findings of `file` whose primary site touches `range` (current
/// offsets).
pub(crate) fn code_actions(
    workspace: &Workspace,
    file: FileId,
    range: Range<usize>,
) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    for diagnostic in workspace.analysed_diagnostics(file) {
        if crate::rules::find(diagnostic.rule).is_none() {
            continue;
        }
        let primary = workspace.to_current(diagnostic.primary.span);
        let (start, end) = (primary.start as usize, primary.end as usize);
        if start > range.end || range.start > end {
            continue;
        }
        let shown = workspace.lsp_diagnostic(diagnostic);
        if let Some(fix) = replace_alias_with_identify(workspace, file, diagnostic) {
            actions.push(action(
                workspace,
                file,
                "Replace `alias` with `identify`".to_owned(),
                fix,
                shown.clone(),
                true,
            ));
        }
        let suppression = suppression(workspace, file, start, diagnostic.rule);
        actions.push(action(
            workspace,
            file,
            format!("Suppress `{}` here", diagnostic.rule),
            suppression,
            shown,
            false,
        ));
    }
    // One action per edit: two findings of one rule on one line share their suppression.
    let mut seen = Vec::new();
    actions.retain(|action| match action {
        CodeActionOrCommand::CodeAction(a) => {
            let key = (a.title.clone(), a.edit.clone().map(|e| format!("{e:?}")));
            if seen.contains(&key) {
                false
            } else {
                seen.push(key);
                true
            }
        }
        CodeActionOrCommand::Command(_) => true,
    });
    actions
}

fn action(
    workspace: &Workspace,
    file: FileId,
    title: String,
    edit: TextEdit,
    diagnostic: Option<lsp_types::Diagnostic>,
    preferred: bool,
) -> CodeActionOrCommand {
    let uri = workspace.file(file).uri.clone();
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// `// idlint: allow(<rule>) -- <reason>` on a line of its own above the primary site, in the
/// file's comment syntax and at the line's indentation; or `<rule>` added to a suppression
/// already on the line above.
fn suppression(workspace: &Workspace, file: FileId, primary: usize, rule: &str) -> TextEdit {
    let source = workspace.file(file);
    let (text, lines) = (&source.text, &source.lines);
    let line = lines.line(primary);
    if line > 0
        && let Some(above) = lines.line_content(text, line - 1)
        && let Some(close) = suppression_list_end(&text[above.clone()])
    {
        let at = above.start + close;
        return TextEdit::new(lines.range(text, at, at), format!(", {rule}"));
    }
    let content = lines.line_content(text, line).unwrap_or(0..0);
    let indent: String = text[content.clone()]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let comment = match source.setup.context.language {
        Language::Python => "#",
        Language::Rust
        | Language::JavaScript
        | Language::TypeScript
        | Language::Swift
        | Language::ObjectiveC
        | Language::Kotlin
        | Language::Java => "//",
    };
    let eol = if text[content.end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let at = content.start;
    TextEdit::new(
        lines.range(text, at, at),
        format!("{indent}{comment} {SUPPRESSION_MARKER}{rule}) -- {REASON_PLACEHOLDER}{eol}"),
    )
}

/// Where the rule list of a suppression comment on `line` ends (its `)`), if it has one.
fn suppression_list_end(line: &str) -> Option<usize> {
    let start = line.find(SUPPRESSION_MARKER)?;
    let before = &line[..start];
    if !(before.contains("//") || before.contains('#') || before.contains("/*")) {
        return None;
    }
    let close = line[start..].find(')')?;
    Some(start + close)
}

/// `mixpanel.alias(id)` → `mixpanel.identify(id)`, offered only where it is certainly right:
/// - the finding is `alias-on-login`, or `alias-twice` at a site that `alias-on-login` also
///   reports (the second `alias` is on a login path);
/// - the call is a client SDK's `alias` with one argument (the new id; `identify` takes the
///   same id first), written `.alias(` — a bare imported `alias` would need its import changed;
/// - it is made by the login function itself (by its name), not by a wrapper that other
///   flows share, and no sign-up function reaches that login function;
/// - the file is analysed at its current text.
fn replace_alias_with_identify(
    workspace: &Workspace,
    file: FileId,
    diagnostic: &Diagnostic,
) -> Option<TextEdit> {
    const ON_LOGIN: &str = "alias-on-login";
    let span = diagnostic.primary.span;
    let on_login = |d: &Diagnostic| d.rule == ON_LOGIN && d.primary.span == span;
    match diagnostic.rule {
        ON_LOGIN => {}
        "alias-twice" if workspace.analysed_diagnostics(file).any(on_login) => {}
        _ => return None,
    }
    if workspace.is_stale(file) {
        return None;
    }
    let program = workspace.program.as_ref()?;
    let (function, event) = program
        .all_events()
        .iter()
        .find(|(_, e)| e.span == span && e.kind == EventKind::Alias)?;
    if event.side != Side::Client || event.original.is_some() || event.method != "alias" {
        return None;
    }
    let is_login = |id: FnId| {
        let name = &program.function(id).name;
        let config = program.settings_of(id);
        config.matches_login(name) && !config.matches_signup(name)
    };
    if !is_login(*function) {
        return None;
    }
    let signups: Vec<FnId> = (0..program.graph.len() as u32)
        .map(FnId)
        .filter(|&id| {
            program
                .settings_of(id)
                .matches_signup(&program.function(id).name)
        })
        .collect();
    if !signups.is_empty() && program.reach_from(&signups).reached[function.0 as usize] {
        return None;
    }
    let source = workspace.file(file);
    let snippet = source.text.get(span.start as usize..span.end as usize)?;
    let call = call_arguments(snippet, "alias")?;
    if !call.dotted || call.args.len() != 1 {
        return None;
    }
    let start = span.start as usize + call.name.start;
    let end = span.start as usize + call.name.end;
    Some(TextEdit::new(
        source.lines.range(&source.text, start, end),
        "identify".to_owned(),
    ))
}

/// A call `…name(a, b)` found in a snippet: where `name` is and its arguments' ranges.
#[derive(Debug, PartialEq, Eq)]
struct CallText {
    name: Range<usize>,
    /// `receiver.name(`, not a bare `name(`.
    dotted: bool,
    args: Vec<Range<usize>>,
}

/// The first call of `name` in `text` and its top-level arguments (strings and brackets
/// respected; a trailing comma ends the list).
fn call_arguments(text: &str, name: &str) -> Option<CallText> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let pattern = format!("{name}(");
    let at = text
        .match_indices(&pattern)
        .map(|(at, _)| at)
        .find(|&at| !text[..at].chars().next_back().is_some_and(is_ident))?;
    let dotted = text[..at].trim_end().ends_with('.');
    let open = at + name.len();
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut arg_start = open + 1;
    for (i, c) in text[open..].char_indices() {
        let i = open + i;
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    push_argument(text, arg_start..i, &mut args);
                    return Some(CallText {
                        name: at..at + name.len(),
                        dotted,
                        args,
                    });
                }
            }
            ',' if depth == 1 => {
                push_argument(text, arg_start..i, &mut args);
                arg_start = i + 1;
            }
            _ => {}
        }
    }
    None
}

fn push_argument(text: &str, range: Range<usize>, args: &mut Vec<Range<usize>>) {
    let raw = &text[range.clone()];
    let start = range.start + (raw.len() - raw.trim_start().len());
    let end = range.end - (raw.len() - raw.trim_end().len());
    if start < end {
        args.push(start..end);
    }
}

/// What idlint understood of the SDK call at `offset` (current offsets) of `file`.
pub(crate) fn hover(workspace: &Workspace, file: FileId, offset: usize) -> Option<Hover> {
    let program = workspace.program.as_ref()?;
    let offset = workspace.to_analysed(file, offset) as u32;
    let (_, event) = program
        .all_events()
        .iter()
        .filter(|(_, e)| e.span.file == file && e.span.start <= offset && offset <= e.span.end)
        .min_by_key(|(_, e)| e.span.end - e.span.start)?;
    let snippet = workspace
        .analysed_text(file)
        .get(event.span.start as usize..event.span.end as usize);
    let current = workspace.to_current(event.span);
    let source = workspace.file(file);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: describe_event(event, snippet.unwrap_or("")),
        }),
        range: Some(
            source
                .lines
                .range(&source.text, current.start as usize, current.end as usize),
        ),
    })
}

/// The hover text of an SDK call.
fn describe_event(event: &Event, snippet: &str) -> String {
    let what = match event.kind {
        EventKind::Init => "initialises the SDK",
        EventKind::Alias => "links a new distinct id to the current one (once, at sign-up)",
        EventKind::Identify => "switches to a known user's distinct id (login)",
        EventKind::Reset => "forgets the user and starts a new anonymous one (logout)",
        EventKind::Track => "sends an event",
        EventKind::People => "writes to a user profile",
    };
    let side = match event.side {
        Side::Client => "client SDK: one user per device, the SDK keeps the distinct id",
        Side::Server => "server SDK: many users per process, every call names its distinct id",
    };
    let mut lines = vec![
        format!("**idlint** · `{}` ({})", event.method, event.kind.as_str()),
        String::new(),
        format!("{what}."),
        String::new(),
        format!("- side: {side}"),
    ];
    let method = event.method.rsplit('.').next().unwrap_or(&event.method);
    let call = call_arguments(snippet, method);
    let argument = |value: &Value| -> String {
        let position = call
            .as_ref()
            .and_then(|call| argument_of(snippet, &call.args, value))
            .map(|(i, keyword)| match keyword {
                Some(keyword) => format!(" — keyword argument `{keyword}`"),
                None => format!(" — argument {}", i + 1),
            })
            .unwrap_or_default();
        format!("{}{position}", describe_value(value))
    };
    let id_name = match event.kind {
        EventKind::Alias => "new id",
        _ => "distinct id",
    };
    match (&event.id, event.kind, event.side) {
        (_, EventKind::Init | EventKind::Reset, _) => {}
        (Some(id), _, _) => lines.push(format!("- {id_name}: {}", argument(id))),
        (None, EventKind::Identify, _) => lines.push(
            "- distinct id: none given — re-identifies the persisted id, it sets no new one"
                .to_owned(),
        ),
        (None, _, Side::Client) => {
            lines.push("- distinct id: the SDK's current distinct id".to_owned())
        }
        (None, EventKind::Track, Side::Server) => lines.push(
            "- distinct id: none visible (no `distinct_id` in the properties idlint can see)"
                .to_owned(),
        ),
        (None, _, Side::Server) => lines.push(format!("- {id_name}: not visible")),
    }
    if event.kind == EventKind::Alias {
        lines.push(match &event.original {
            Some(original) => format!("- original id: {}", argument(original)),
            None => "- original id: not given — the SDK's current distinct id".to_owned(),
        });
    }
    if let Some(options) = &event.options
        && matches!(event.kind, EventKind::Init | EventKind::Track)
    {
        let keys: Vec<String> = options.iter().map(|(k, _)| format!("`{k}`")).collect();
        let label = if event.kind == EventKind::Init {
            "configuration"
        } else {
            "properties"
        };
        lines.push(format!(
            "- {label}: {}",
            if keys.is_empty() {
                "none".to_owned()
            } else {
                keys.join(", ")
            }
        ));
    }
    lines.join("\n")
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Str(text) => format!("the constant `{text:?}`"),
        Value::Num(number) => format!("the constant `{number}`"),
        Value::Bool(b) => format!("the constant `{b}`"),
        Value::Null => "`null`".to_owned(),
        Value::Fresh { origin, .. } => format!("a fresh id from `{origin}`"),
        Value::CurrentId => "the SDK's current distinct id".to_owned(),
        Value::Object(_) => "an object literal".to_owned(),
        Value::Path { root, .. } if root.starts_with('$') => "a computed value".to_owned(),
        Value::Path { root, fields } => {
            let mut path = root.clone();
            for field in fields {
                path.push('.');
                path.push_str(field);
            }
            format!("`{path}`")
        }
        Value::Unknown => "a value idlint cannot follow".to_owned(),
    }
}

/// Which argument (and keyword, for Python) is `value`, when exactly one reads as it.
fn argument_of(
    snippet: &str,
    args: &[Range<usize>],
    value: &Value,
) -> Option<(usize, Option<String>)> {
    let wanted = match value {
        Value::Path { root, fields } if !root.starts_with('$') => std::iter::once(root.as_str())
            .chain(fields.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("."),
        Value::Str(text) | Value::Num(text) => text.clone(),
        _ => return None,
    };
    let matches: Vec<(usize, Option<String>)> = args
        .iter()
        .enumerate()
        .filter_map(|(i, range)| {
            let text = &snippet[range.clone()];
            let (keyword, text) = match text.split_once('=') {
                Some((k, v))
                    if !k.trim().is_empty()
                        && k.trim().chars().all(|c| c.is_alphanumeric() || c == '_')
                        && !v.starts_with('=') =>
                {
                    (Some(k.trim().to_owned()), v.trim())
                }
                _ => (None, text),
            };
            (normalise_argument(text) == wanted).then_some((i, keyword))
        })
        .collect();
    match matches.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// An argument's text as idlint's values read: without borrows, optional chaining,
/// conversions, quotes.
fn normalise_argument(text: &str) -> String {
    let mut text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for prefix in ["&mut", "&"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest.to_owned();
        }
    }
    text = text.replace("?.", ".").replace("self.", "");
    loop {
        let before = text.len();
        for suffix in [
            ".clone()",
            ".to_string()",
            ".to_owned()",
            ".as_str()",
            ".into()",
            "!",
            "?",
        ] {
            if let Some(rest) = text.strip_suffix(suffix) {
                text = rest.to_owned();
            }
        }
        if text.len() == before {
            break;
        }
    }
    for quote in ['"', '\'', '`'] {
        if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
            return text[1..text.len() - 1].to_owned();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_arguments_split_at_top_level_commas() {
        let text = "mixpanel.alias(user.id, f(a, b), \"x,)\")";
        let call = call_arguments(text, "alias").unwrap();
        assert!(call.dotted);
        assert_eq!(&text[call.name.clone()], "alias");
        let args: Vec<&str> = call.args.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(args, ["user.id", "f(a, b)", "\"x,)\""]);
        let bare = call_arguments("alias(userId,)", "alias").unwrap();
        assert!(!bare.dotted);
        assert_eq!(bare.args.len(), 1);
        assert_eq!(call_arguments("realias(x)", "alias"), None);
    }

    #[test]
    fn the_argument_that_is_the_id() {
        let snippet = "mp.track(distinct_id=user.id, event_name='x')";
        let call = call_arguments(snippet, "track").unwrap();
        let id = Value::Path {
            root: "user".to_owned(),
            fields: vec!["id".to_owned()],
        };
        assert_eq!(
            argument_of(snippet, &call.args, &id),
            Some((0, Some("distinct_id".to_owned())))
        );
        let snippet = "self.mp.alias(&anon_id, &user.id.clone())";
        let call = call_arguments(snippet, "alias").unwrap();
        assert_eq!(argument_of(snippet, &call.args, &id), Some((1, None)));
    }

    #[test]
    fn a_suppression_list_on_the_line_above_is_extended() {
        assert_eq!(
            suppression_list_end("  // idlint: allow(alias-twice) -- ok"),
            Some(30)
        );
        assert_eq!(suppression_list_end("let s = \"idlint: allow(x)\";"), None);
    }
}
