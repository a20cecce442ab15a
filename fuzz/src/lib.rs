//! What the frontend fuzz targets share: lower arbitrary text as the driver does, and check
//! the invariants later stages rely on.

use std::path::PathBuf;

use idlint::frontend::{self, FileContext, Options};
use idlint::ir::{self, FileId, Language, Side, Span, Stmt};
use idlint::source::SourceFile;

/// The driver lowers on threads with this much stack; so do the targets, or a nesting depth
/// the driver handles would overflow the fuzzer's main thread.
const LOWERING_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Lowers `data` (when it is UTF-8) as the file `file_name` in `language`, then checks that
/// every span it produced lies on character boundaries inside the text and that the source
/// table can place it: a panic or a stack overflow is a finding.
pub fn lower(language: Language, file_name: &'static str, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let worker = WORKER.get_or_init(Worker::start).lock().unwrap();
    worker
        .jobs
        .send((language, file_name, text.to_owned()))
        .expect("the lowering thread runs");
    // A panic on the worker aborts the process (libfuzzer-sys's panic hook): a crash.
    worker.done.recv().expect("the lowering thread answers");
}

type Job = (Language, &'static str, String);

/// One thread with the driver's stack size lowers every input (starting a thread per input
/// would cost more than most inputs take).
struct Worker {
    jobs: std::sync::mpsc::Sender<Job>,
    done: std::sync::mpsc::Receiver<()>,
}

static WORKER: std::sync::OnceLock<std::sync::Mutex<Worker>> = std::sync::OnceLock::new();

impl Worker {
    fn start() -> std::sync::Mutex<Worker> {
        let (jobs, inbox) = std::sync::mpsc::channel::<Job>();
        let (outbox, done) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("lowering".to_owned())
            .stack_size(LOWERING_STACK_BYTES)
            .spawn(move || {
                for (language, file_name, text) in inbox {
                    lower_and_check(language, file_name, &text);
                    if outbox.send(()).is_err() {
                        break;
                    }
                }
            })
            .expect("a lowering thread starts");
        std::sync::Mutex::new(Worker { jobs, done })
    }
}

fn lower_and_check(language: Language, file_name: &str, text: &str) {
    let context = FileContext {
        language,
        module_path: vec!["crate".to_owned(), "fuzzed".to_owned()],
        sdk: Side::Client,
        directory: PathBuf::from("/fuzz"),
        file_name: file_name.to_owned(),
    };
    let lowered = frontend::lower(FileId(0), text, &context, &Options::default());
    let file = SourceFile::new(
        PathBuf::from(file_name),
        file_name.to_owned(),
        text.to_owned(),
    );
    let check = |span: Span| {
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "span {start}..{end} outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {start}..{end} splits a character"
        );
        let (line, column) = file.line_column(start);
        assert!(line >= 1 && column >= 1);
    };
    for error in &lowered.errors {
        check(error.span);
        assert!(!error.message.is_empty());
    }
    for function in &lowered.module.functions {
        check(function.span);
        ir::walk_block(&function.body, &mut |stmt| match stmt {
            Stmt::Event(event) => check(event.span),
            Stmt::Call(call) => {
                check(call.span);
                if let Some(event) = &call.sdk_fallback {
                    check(event.span);
                }
            }
            Stmt::Persist { span, .. } | Stmt::Return { span, .. } => check(*span),
            _ => {}
        });
    }
}
