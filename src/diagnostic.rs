//! What rules produce: plain data, rendered only by `report/`.

use crate::ir::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Information that never fails a run (a file that does not parse but cannot matter).
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One step of the call chain that leads from the reporting function to the primary site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainStep {
    pub function: String,
    /// The call site in `function`, or for the last step the event itself.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id (`alias-twice`), or `parse-error` for a file that could not be read as code.
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub call_chain: Vec<ChainStep>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            call_chain: Vec::new(),
        }
    }

    pub fn with_primary_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_secondaries(
        mut self,
        labels: impl IntoIterator<Item = (Span, String)>,
    ) -> Diagnostic {
        self.secondary.extend(
            labels
                .into_iter()
                .map(|(span, message)| Label { span, message }),
        );
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_call_chain(mut self, chain: Vec<ChainStep>) -> Diagnostic {
        self.call_chain = chain;
        self
    }
}

impl Diagnostic {
    /// A bug in idlint, caught while `doing` (lowering a file, running a rule): the user
    /// sees it like a finding, in every format, and is asked to report it.
    pub fn internal_error(span: Span, doing: &str, panic: &crate::isolate::Panic) -> Diagnostic {
        Diagnostic::new(
            INTERNAL_ERROR,
            Severity::Error,
            span,
            format!("idlint failed while {doing}: {}", panic.describe()),
        )
        .with_primary_label("idlint crashed here")
        .with_note(
            "this is a bug in idlint, not in your code: please report it at \
             https://github.com/idlint/idlint/issues with this message",
        )
        .with_note("everything else was still analysed and is reported")
    }
}

/// The id of the diagnostic for a bug in idlint caught while analysing (exit code 2).
pub const INTERNAL_ERROR: &str = "internal-error";

/// The id of the diagnostic for files that do not parse.
pub const PARSE_ERROR: &str = "parse-error";

/// The id of the warning for a suppression comment that suppresses nothing.
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
