//! `idlint lsp`: the editor server, speaking the Language Server Protocol over stdio.
//!
//! The only module that knows LSP's types. On `initialize` it loads the workspace folders as
//! `idlint check` would (discover, read, lower); every edit, save or change on disk updates
//! one file's text ([`state`]), and before the next answer or publication the changed files
//! are lowered again and the whole program analysed. Diagnostics are published for every
//! file whose findings changed, an empty list clearing them.
//!
//! One thread serves, so nothing is analysed twice at once. Messages are read on their own
//! thread into a queue; the server drains the queue before it analyses (all edits of a burst
//! cost one analysis), and if more input arrived while it analysed, it reads that and
//! analyses again before publishing: stale results are never shown.

mod actions;
mod convert;
mod state;
mod transport;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use crossbeam_channel::Receiver;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notification, Notification as _};
use lsp_types::request::{self as request, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    ExecuteCommandOptions, ExecuteCommandParams, FileChangeType, FileSystemWatcher, GlobPattern,
    HoverParams, HoverProviderCapability, InitializeParams, InitializeResult, MessageType,
    PositionEncodingKind, PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};

use state::{DiskChange, Followup, Workspace};
use transport::{Incoming, Writer};

/// The command that loads and checks the whole workspace again.
pub const CHECK_ALL: &str = "idlint.checkAll";

/// LSP's error for a request before `initialize`.
const SERVER_NOT_INITIALIZED: i32 = -32002;

/// Serves one client on stdin/stdout until `exit`; the exit code is 0 after a `shutdown`
/// request, 1 otherwise (as LSP asks).
pub fn run() -> u8 {
    let pool = match crate::driver::worker_pool(0) {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("idlint lsp: {error:?}");
            return 2;
        }
    };
    let mut server = Server {
        receiver: transport::stdin_reader(),
        out: Writer::stdout(),
        pool,
        workspace: None,
        published: HashMap::new(),
        shutdown: false,
        watch_files: false,
    };
    server.serve()
}

struct Server {
    receiver: Receiver<Incoming>,
    out: Writer,
    pool: rayon::ThreadPool,
    workspace: Option<Workspace>,
    /// What the client shows now, by URI.
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
    shutdown: bool,
    /// The client can watch files for us (dynamic registration).
    watch_files: bool,
}

enum Flow {
    Continue,
    Exit(u8),
}

impl Server {
    fn serve(&mut self) -> u8 {
        if let Some(code) = self.wait_for_initialize() {
            return code;
        }
        loop {
            let Ok(first) = self.receiver.recv() else {
                return self.exit_code();
            };
            if let Flow::Exit(code) = self.handle(first) {
                return code;
            }
            loop {
                while let Ok(next) = self.receiver.try_recv() {
                    if let Flow::Exit(code) = self.handle(next) {
                        return code;
                    }
                }
                if !self.needs_analysis() {
                    break;
                }
                self.analyse();
                if self.receiver.is_empty() {
                    break;
                }
                // Newer input arrived while analysing: read it before showing anything.
            }
            self.publish();
        }
    }

    fn exit_code(&self) -> u8 {
        if self.shutdown { 0 } else { 1 }
    }

    /// Answers everything before `initialize` with an error; `None` once initialised.
    fn wait_for_initialize(&mut self) -> Option<u8> {
        loop {
            let incoming = self.receiver.recv().ok()?;
            let request = match incoming {
                Incoming::Malformed { id, code, message } => {
                    self.out.send_error(id, code, &message);
                    continue;
                }
                Incoming::Message(Message::Request(request)) => request,
                Incoming::Message(Message::Notification(n))
                    if n.method == notification::Exit::METHOD =>
                {
                    return Some(1);
                }
                Incoming::Message(_) => continue,
            };
            if request.method != request::Initialize::METHOD {
                self.respond_error(
                    request.id,
                    SERVER_NOT_INITIALIZED,
                    "the server is not initialised yet".to_owned(),
                );
                continue;
            }
            let params: InitializeParams = match serde_json::from_value(request.params) {
                Ok(params) => params,
                Err(error) => {
                    self.respond_error(
                        request.id,
                        ErrorCode::InvalidParams as i32,
                        format!("invalid `initialize` parameters: {error}"),
                    );
                    continue;
                }
            };
            self.watch_files = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false);
            let roots = workspace_roots(&params);
            self.respond(request.id, initialize_result());
            self.load(roots);
            self.analyse();
            self.publish();
            return None;
        }
    }

    fn needs_analysis(&self) -> bool {
        self.workspace
            .as_ref()
            .is_some_and(Workspace::needs_analysis)
    }

    fn load(&mut self, roots: Vec<PathBuf>) {
        let started = Instant::now();
        let workspace = Workspace::load(roots, &self.pool);
        eprintln!(
            "idlint lsp: loaded {} files in {} ms",
            workspace.files.len(),
            started.elapsed().as_millis()
        );
        if let Some(error) = &workspace.load_error {
            self.show_message(MessageType::ERROR, format!("idlint: {error}"));
        }
        self.workspace = Some(workspace);
    }

    /// Loads the workspace from disk again, keeping the texts of the files open in the editor.
    fn reload(&mut self) {
        let Some(old) = self.workspace.take() else {
            return;
        };
        self.load(old.roots.clone());
        let Some(workspace) = self.workspace.as_mut() else {
            return;
        };
        for file in old.files.into_iter().filter(|f| f.open && !f.deleted) {
            if let Some(id) = workspace.find_or_discover(&file.path) {
                workspace.open(id, file.uri, file.version.unwrap_or(0), file.text);
            }
        }
    }

    fn analyse(&mut self) {
        let Some(workspace) = self.workspace.as_mut() else {
            return;
        };
        let started = Instant::now();
        workspace.analyse(&self.pool);
        eprintln!(
            "idlint lsp: analysed {} files in {} ms",
            workspace.files.len(),
            started.elapsed().as_millis()
        );
    }

    /// Analyses first if anything changed, so that an answer reflects the latest text.
    fn flush(&mut self) {
        if self.needs_analysis() {
            self.analyse();
        }
    }

    /// Publishes the diagnostics of every file whose diagnostics changed since the last time.
    fn publish(&mut self) {
        let Some(workspace) = self.workspace.as_ref() else {
            return;
        };
        let mut current: HashMap<Url, (Vec<lsp_types::Diagnostic>, Option<i32>)> = HashMap::new();
        for (file, diagnostics) in workspace.current_diagnostics() {
            let source = workspace.file(file);
            let shown: Vec<lsp_types::Diagnostic> = diagnostics
                .iter()
                .filter_map(|d| convert::diagnostic(d, |span| workspace.view(span)))
                .collect();
            current.insert(source.uri.clone(), (shown, source.version));
        }
        let mut messages = Vec::new();
        for (uri, (diagnostics, version)) in &current {
            if self.published.get(uri) != Some(diagnostics) {
                messages.push(PublishDiagnosticsParams::new(
                    uri.clone(),
                    diagnostics.clone(),
                    *version,
                ));
            }
        }
        for uri in self.published.keys() {
            if !current.contains_key(uri) {
                messages.push(PublishDiagnosticsParams::new(uri.clone(), Vec::new(), None));
            }
        }
        messages.sort_by(|a, b| a.uri.as_str().cmp(b.uri.as_str()));
        self.published = current.into_iter().map(|(uri, (d, _))| (uri, d)).collect();
        for params in messages {
            self.notify::<notification::PublishDiagnostics>(params);
        }
    }

    fn handle(&mut self, incoming: Incoming) -> Flow {
        match incoming {
            Incoming::Malformed { id, code, message } => {
                self.out.send_error(id, code, &message);
                Flow::Continue
            }
            Incoming::Message(Message::Request(request)) => {
                self.handle_request(request);
                Flow::Continue
            }
            // Answers to our own requests (the file-watching registration).
            Incoming::Message(Message::Response(_)) => Flow::Continue,
            Incoming::Message(Message::Notification(notification)) => {
                self.handle_notification(notification)
            }
        }
    }

    fn handle_request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        if self.shutdown {
            self.respond_error(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            );
            return;
        }
        match method.as_str() {
            request::Shutdown::METHOD => {
                self.shutdown = true;
                self.respond(id, serde_json::Value::Null);
            }
            request::Initialize::METHOD => self.respond_error(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is initialised already".to_owned(),
            ),
            request::HoverRequest::METHOD => {
                self.answer(id, &method, params, |server, params: HoverParams| {
                    let position = params.text_document_position_params;
                    let (workspace, file) = server.document(&position.text_document.uri)?;
                    let source = workspace.file(file);
                    let offset = source.lines.offset(&source.text, position.position);
                    actions::hover(workspace, file, offset)
                })
            }
            request::CodeActionRequest::METHOD => {
                self.answer(id, &method, params, |server, params: CodeActionParams| {
                    let (workspace, file) = server.document(&params.text_document.uri)?;
                    let source = workspace.file(file);
                    let start = source.lines.offset(&source.text, params.range.start);
                    let end = source.lines.offset(&source.text, params.range.end);
                    Some(actions::code_actions(workspace, file, start..end))
                })
            }
            request::ExecuteCommand::METHOD => {
                let params: ExecuteCommandParams = match serde_json::from_value(params) {
                    Ok(params) => params,
                    Err(error) => return self.invalid_params(id, &method, error),
                };
                if params.command != CHECK_ALL {
                    return self.respond_error(
                        id,
                        ErrorCode::InvalidParams as i32,
                        format!("unknown command `{}`", params.command),
                    );
                }
                self.reload();
                self.analyse();
                self.publish();
                self.respond(id, serde_json::Value::Null);
            }
            _ => self.respond_error(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("idlint does not handle `{method}`"),
            ),
        }
    }

    /// Answers a request that reads the analysis: parameters checked, the analysis brought up
    /// to date, and a panic turned into an error response instead of the end of the server.
    fn answer<P, R>(
        &mut self,
        id: RequestId,
        method: &str,
        params: serde_json::Value,
        work: impl FnOnce(&Server, P) -> Option<R>,
    ) where
        P: serde::de::DeserializeOwned,
        R: serde::Serialize,
    {
        let params: P = match serde_json::from_value(params) {
            Ok(params) => params,
            Err(error) => return self.invalid_params(id, method, error),
        };
        self.flush();
        // What the answer is based on is on screen first.
        self.publish();
        match crate::isolate::isolate(|| work(self, params)) {
            Ok(result) => self.respond(id, result),
            Err(panic) => self.respond_error(
                id,
                ErrorCode::InternalError as i32,
                format!("idlint failed: {}", panic.describe()),
            ),
        }
    }

    /// The workspace and file a request names; `None` (so a `null` answer) for a file that is
    /// not in the workspace.
    fn document(&self, uri: &Url) -> Option<(&Workspace, crate::ir::FileId)> {
        let workspace = self.workspace.as_ref()?;
        let path = uri.to_file_path().ok()?;
        let file = workspace.file_of_path(&path)?;
        (!workspace.file(file).deleted).then_some((workspace, file))
    }

    fn handle_notification(&mut self, notification: Notification) -> Flow {
        let Notification { method, params } = notification;
        if method == notification::Exit::METHOD {
            return Flow::Exit(self.exit_code());
        }
        if self.shutdown {
            return Flow::Continue;
        }
        let result = match method.as_str() {
            notification::Initialized::METHOD => {
                self.register_file_watching();
                Ok(())
            }
            notification::DidOpenTextDocument::METHOD => parse(params).map(|p| self.did_open(p)),
            notification::DidChangeTextDocument::METHOD => {
                parse(params).map(|p| self.did_change(p))
            }
            notification::DidSaveTextDocument::METHOD => parse(params).map(|p| self.did_save(p)),
            notification::DidCloseTextDocument::METHOD => parse(params).map(|p| self.did_close(p)),
            notification::DidChangeWatchedFiles::METHOD => {
                parse(params).map(|p| self.did_change_watched_files(p))
            }
            notification::DidChangeWorkspaceFolders::METHOD => {
                parse(params).map(|p| self.did_change_workspace_folders(p))
            }
            // Anything else (`$/cancelRequest`, `$/setTrace`, ...) is of no use here.
            _ => Ok(()),
        };
        if let Err(error) = result {
            eprintln!("idlint lsp: ignored `{method}` with invalid parameters: {error}");
        }
        Flow::Continue
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let Some(workspace) = self.workspace.as_mut() else {
            return;
        };
        let Ok(path) = document.uri.to_file_path() else {
            return;
        };
        if let Some(file) = workspace.find_or_discover(&path) {
            workspace.open(file, document.uri, document.version, document.text);
        }
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let Some((file, mut text)) = self.open_document(&params.text_document.uri) else {
            return;
        };
        for change in params.content_changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let lines = convert::LineIndex::new(&text);
                    let start = lines.offset(&text, range.start);
                    let end = lines.offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
        }
        let workspace = self
            .workspace
            .as_mut()
            .expect("an open document has a workspace");
        workspace.files[file.0 as usize].version = Some(params.text_document.version);
        workspace.set_text(file, text);
    }

    /// The file and current text of a document the editor has open.
    fn open_document(&self, uri: &Url) -> Option<(crate::ir::FileId, String)> {
        let workspace = self.workspace.as_ref()?;
        let file = workspace.file_of_path(&uri.to_file_path().ok()?)?;
        let source = workspace.file(file);
        source.open.then(|| (file, source.text.clone()))
    }

    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let (Some((file, _)), Some(text)) =
            (self.open_document(&params.text_document.uri), params.text)
        else {
            return;
        };
        if let Some(workspace) = self.workspace.as_mut() {
            workspace.set_text(file, text);
        }
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let Some((file, _)) = self.open_document(&params.text_document.uri) else {
            return;
        };
        if let Some(workspace) = self.workspace.as_mut() {
            workspace.close(file);
        }
    }

    fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        let Some(workspace) = self.workspace.as_mut() else {
            return;
        };
        let mut followup = Followup::None;
        for event in params.changes {
            let Ok(path) = event.uri.to_file_path() else {
                continue;
            };
            let change = match event.typ {
                FileChangeType::CREATED => DiskChange::Created,
                FileChangeType::DELETED => DiskChange::Deleted,
                _ => DiskChange::Changed,
            };
            followup = followup.max(workspace.disk_change(&path, change));
        }
        match followup {
            Followup::None => {}
            Followup::Discover => workspace.discover_new_files(),
            Followup::Reload => self.reload(),
        }
    }

    fn did_change_workspace_folders(&mut self, params: DidChangeWorkspaceFoldersParams) {
        let Some(workspace) = self.workspace.as_mut() else {
            return;
        };
        let paths = |folders: Vec<lsp_types::WorkspaceFolder>| -> Vec<PathBuf> {
            folders
                .into_iter()
                .filter_map(|f| f.uri.to_file_path().ok())
                .collect()
        };
        let removed = paths(params.event.removed);
        workspace.roots.retain(|root| !removed.contains(root));
        for added in paths(params.event.added) {
            if !workspace.roots.contains(&added) {
                workspace.roots.push(added);
            }
        }
        self.reload();
    }

    /// Asks the client to tell us about source, configuration and manifest files that change
    /// on disk (a `git checkout`, a file created outside the editor).
    fn register_file_watching(&mut self) {
        if !self.watch_files {
            return;
        }
        let globs = [
            "**/*.{rs,js,mjs,cjs,jsx,ts,mts,cts,tsx,py}",
            "**/{idlint.toml,pyproject.toml,Cargo.toml,package.json,.gitignore,.ignore}",
        ];
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: globs
                .iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String((*glob).to_owned()),
                    kind: None,
                })
                .collect(),
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "idlint-watch-files".to_owned(),
                method: notification::DidChangeWatchedFiles::METHOD.to_owned(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.out.send(Message::Request(Request::new(
            RequestId::from("idlint-register-watch".to_owned()),
            request::RegisterCapability::METHOD.to_owned(),
            params,
        )));
    }

    fn respond(&mut self, id: RequestId, result: impl serde::Serialize) {
        let result = serde_json::to_value(result).unwrap_or(serde_json::Value::Null);
        self.out.send(Message::Response(Response {
            id,
            result: Some(result),
            error: None,
        }));
    }

    fn respond_error(&mut self, id: RequestId, code: i32, message: String) {
        self.out
            .send(Message::Response(Response::new_err(id, code, message)));
    }

    fn invalid_params(&mut self, id: RequestId, method: &str, error: serde_json::Error) {
        self.respond_error(
            id,
            ErrorCode::InvalidParams as i32,
            format!("invalid `{method}` parameters: {error}"),
        );
    }

    fn notify<N: lsp_types::notification::Notification>(&mut self, params: N::Params) {
        self.out.send(Message::Notification(Notification::new(
            N::METHOD.to_owned(),
            params,
        )));
    }

    fn show_message(&mut self, typ: MessageType, message: String) {
        self.notify::<notification::ShowMessage>(ShowMessageParams { typ, message });
    }
}

fn parse<P: serde::de::DeserializeOwned>(params: serde_json::Value) -> serde_json::Result<P> {
    serde_json::from_value(params)
}

/// The workspace folders of `initialize`, or its root.
#[allow(deprecated)] // `root_uri` and `root_path`: older clients send only these.
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders
        && !folders.is_empty()
    {
        return folders
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
    }
    if let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
        return vec![root];
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(true),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..CodeActionOptions::default()
            })),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![CHECK_ALL.to_owned()],
                ..ExecuteCommandOptions::default()
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp_types::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "idlint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    }
}
