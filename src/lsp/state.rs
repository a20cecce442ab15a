//! The workspace as the server holds it: every file's current text, its lowered module, and
//! the last analysis.
//!
//! Lowering is per file and pure, so an edit re-lowers only the edited file; the call graph and
//! the rules then run again over the modules held here (`driver::analyse_modules`), because a
//! change in one file can create or clear a finding in any other.
//!
//! **Last good lowering.** While a file's text has a syntax error, it keeps the lowering in use
//! (and the text that lowering was made from) if the new lowering lost something: a function
//! (by its qualified path; error recovery can turn a function's body into top-level code, so
//! counting functions is not enough) or an SDK call. So findings do not flicker away while a
//! user types. The kept lowering's spans are mapped to the current text through the one region
//! where the two texts differ ([`OffsetMap`]); the syntax errors shown are the current text's.
//! A text without syntax errors is always lowered anew.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lsp_types::Url;
use rayon::prelude::*;

use crate::analysis::Program;
use crate::config::Config;
use crate::demand::Scan;
use crate::diagnostic::{Diagnostic, PARSE_ERROR};
use crate::driver::{self, CheckError, FileSetup, LoweredFile, Settings, Setups};
use crate::ir::{FileId, Module, Span};
use crate::source::{SourceDb, SourceFile, display_path};

use super::convert::{self, LineIndex, SpanView};

pub(crate) struct File {
    /// The path as found under a workspace folder.
    pub path: PathBuf,
    /// The URI the client names the file by (the one it opened it with, if it did).
    pub uri: Url,
    pub setup: FileSetup,
    /// The current text: the editor's while the file is open, else the disk's.
    pub text: String,
    pub lines: LineIndex,
    /// Open in the editor: its text is the editor's, and the disk's is ignored.
    pub open: bool,
    pub version: Option<i32>,
    /// Deleted from disk: analysed as an empty file, shown nowhere.
    pub deleted: bool,
    /// The text changed since it was last lowered.
    dirty: bool,
    /// The syntax errors of the lowering in use.
    parse_errors: Vec<Diagnostic>,
    internal_error: Option<Diagnostic>,
    /// Set while the lowering in use is of an older text (see the module documentation).
    stale: Option<Stale>,
    /// The words of the analysed text, which say whether its module can matter.
    scan: Scan,
}

struct Stale {
    /// The current text's syntax errors, in current offsets.
    parse_errors: Vec<Diagnostic>,
    /// From the analysed text's offsets to the current text's, and back.
    map: OffsetMap,
}

/// Maps offsets between two versions of a text that differ in one region: they share a prefix
/// and a suffix. Offsets inside the changed region go to its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OffsetMap {
    prefix: usize,
    old_len: usize,
    new_len: usize,
    suffix: usize,
}

impl OffsetMap {
    pub(crate) fn between(old: &str, new: &str) -> OffsetMap {
        let mut prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let most = old.len().min(new.len()) - prefix;
        let mut suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(most)
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix)
        {
            suffix -= 1;
        }
        OffsetMap {
            prefix,
            old_len: old.len(),
            new_len: new.len(),
            suffix,
        }
    }

    pub(crate) fn to_new(self, offset: usize) -> usize {
        Self::map(offset, self.prefix, self.old_len, self.new_len, self.suffix)
    }

    pub(crate) fn to_old(self, offset: usize) -> usize {
        Self::map(offset, self.prefix, self.new_len, self.old_len, self.suffix)
    }

    fn map(offset: usize, prefix: usize, from_len: usize, to_len: usize, suffix: usize) -> usize {
        if offset <= prefix {
            offset
        } else if offset >= from_len - suffix {
            (offset + to_len).saturating_sub(from_len).min(to_len)
        } else {
            prefix
        }
    }
}

/// What changed on disk, as the client reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiskChange {
    Created,
    Changed,
    Deleted,
}

/// What a change on disk takes beyond updating one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Followup {
    None,
    /// Something new appeared: walk the workspace folders for new files.
    Discover,
    /// A configuration, manifest or ignore file changed: load everything again.
    Reload,
}

/// Files whose change can change how every file is set up: configurations, manifests (which
/// SDK a project uses), ignore files.
const PROJECT_FILES: &[&str] = &[
    "idlint.toml",
    "pyproject.toml",
    "Cargo.toml",
    "package.json",
    ".gitignore",
    ".ignore",
];

pub(crate) struct Workspace {
    pub roots: Vec<PathBuf>,
    settings: Settings,
    setups: Setups,
    pub files: Vec<File>,
    /// Canonical path → file.
    by_path: HashMap<PathBuf, FileId>,
    /// The texts the modules were lowered from, by file.
    db: SourceDb,
    /// The lowered modules, by file, while no program holds them. An analysis moves those that
    /// can matter (`lent`) into its [`Program`] (cloning 100,000 lines of IR costs more than
    /// lowering a file) and the next one takes them back; if building the program failed they
    /// are lowered again from `db`.
    modules: Vec<Module>,
    /// The files whose modules the program holds.
    lent: Vec<usize>,
    pub program: Option<Program>,
    /// The last analysis: every diagnostic, spans in the analysed texts' offsets.
    diagnostics: Vec<Diagnostic>,
    /// Something changed since the last analysis.
    changed: bool,
    /// Why the workspace could not be loaded (a configuration error), for the user.
    pub load_error: Option<String>,
}

impl Workspace {
    /// Discovers, reads and lowers every file under `roots` (not analysed yet).
    pub(crate) fn load(roots: Vec<PathBuf>, pool: &rayon::ThreadPool) -> Workspace {
        // Every file is lowered: an edit elsewhere can make any of them matter, and the
        // server keeps modules to re-analyse without reading the tree again.
        let settings = Settings {
            parse_all: true,
            ..Settings::default()
        };
        let mut workspace = Workspace {
            roots,
            setups: Setups::default(),
            settings,
            files: Vec::new(),
            by_path: HashMap::new(),
            db: SourceDb::default(),
            modules: Vec::new(),
            lent: Vec::new(),
            program: None,
            diagnostics: Vec::new(),
            changed: true,
            load_error: None,
        };
        let existing: Vec<PathBuf> = workspace
            .roots
            .iter()
            .filter(|root| root.is_dir())
            .cloned()
            .collect();
        if existing.is_empty() {
            return workspace;
        }
        match Setups::new(&workspace.settings, &existing) {
            Ok(setups) => workspace.setups = setups,
            Err(error) => {
                workspace.load_error = Some(describe(&error));
                return workspace;
            }
        }
        let loaded = match pool.install(|| driver::load(&existing, &workspace.settings)) {
            Ok(loaded) => loaded,
            Err(CheckError::NothingToAnalyse { .. }) => return workspace,
            Err(error) => {
                workspace.load_error = Some(describe(&error));
                return workspace;
            }
        };
        let mut parse_errors: Vec<Vec<Diagnostic>> = vec![Vec::new(); loaded.modules.len()];
        for diagnostic in loaded.diagnostics {
            parse_errors[diagnostic.primary.span.file.0 as usize].push(diagnostic);
        }
        let mut scans: Vec<Scan> = pool.install(|| {
            loaded
                .db
                .iter()
                .zip(&loaded.setups)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|((_, source), setup)| Scan::new(&source.text, &setup.config))
                .collect()
        });
        let mut internal_errors: Vec<Option<Diagnostic>> = vec![None; loaded.modules.len()];
        for diagnostic in loaded.internal_errors {
            let file = diagnostic.primary.span.file.0 as usize;
            internal_errors[file] = Some(diagnostic);
        }
        for (((id, source), setup), (parse_errors, internal_error)) in loaded
            .db
            .iter()
            .zip(loaded.setups)
            .zip(parse_errors.into_iter().zip(internal_errors))
        {
            let uri = file_uri(&source.path);
            workspace.by_path.insert(canonical(&source.path), id);
            workspace.files.push(File {
                path: source.path.clone(),
                uri,
                setup,
                lines: LineIndex::new(&source.text),
                text: source.text.clone(),
                open: false,
                version: None,
                deleted: false,
                dirty: false,
                parse_errors,
                internal_error,
                stale: None,
                scan: std::mem::take(&mut scans[id.0 as usize]),
            });
        }
        workspace.db = loaded.db;
        workspace.modules = loaded.modules;
        workspace
    }

    pub(crate) fn needs_analysis(&self) -> bool {
        self.changed
    }

    pub(crate) fn file_of_path(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(&canonical(path)).copied()
    }

    pub(crate) fn file(&self, id: FileId) -> &File {
        &self.files[id.0 as usize]
    }

    pub(crate) fn config(&self, id: FileId) -> &Config {
        &self.files[id.0 as usize].setup.config
    }

    /// Whether `path` lies under a workspace folder.
    pub(crate) fn contains(&self, path: &Path) -> bool {
        let path = canonical(path);
        self.roots
            .iter()
            .any(|root| path.starts_with(canonical(root)))
    }

    /// The file at `path` if idlint analyses it: known already, or found now by walking the
    /// workspace folders as `idlint check` does (ignore files, hidden and build directories).
    pub(crate) fn find_or_discover(&mut self, path: &Path) -> Option<FileId> {
        if let Some(id) = self.file_of_path(path) {
            return Some(id);
        }
        if !self.contains(path) || crate::frontend::language_of(path).is_none() {
            return None;
        }
        self.discover_new_files();
        self.file_of_path(path)
    }

    /// Adds the files under the workspace folders that are not known yet (created on disk).
    pub(crate) fn discover_new_files(&mut self) {
        let roots: Vec<PathBuf> = self.roots.iter().filter(|r| r.is_dir()).cloned().collect();
        let Ok(found) = crate::discover::discover(&roots) else {
            return;
        };
        for path in found.files {
            match self.file_of_path(&path) {
                Some(id) if self.file(id).deleted && !self.file(id).open => {
                    if let Some(text) = self.read(&path, id) {
                        self.revive(id, text);
                    }
                }
                Some(_) => {}
                None => self.add(path),
            }
        }
    }

    fn read(&self, path: &Path, id: FileId) -> Option<String> {
        let keep = self.settings.keep_minified || self.config(id).analyse_minified;
        driver::read_source(path, keep).ok()
    }

    fn add(&mut self, path: PathBuf) {
        let Some(language) = crate::frontend::language_of(&path) else {
            return;
        };
        let Ok(Some(config)) = self.setups.config_for(&path) else {
            return;
        };
        let keep = self.settings.keep_minified || config.analyse_minified;
        let Ok(text) = driver::read_source(&path, keep) else {
            return;
        };
        let uri = file_uri(&path);
        let setup = self.setups.setup(&path, language, config);
        let id = self.db.add(SourceFile::new(
            path.clone(),
            display_path(&path),
            String::new(),
        ));
        self.reclaim_modules();
        self.modules.push(Module::empty(
            id,
            setup.context.language,
            setup.context.module_path.clone(),
        ));
        self.by_path.insert(canonical(&path), id);
        self.files.push(File {
            path,
            uri,
            setup,
            text: String::new(),
            lines: LineIndex::new(""),
            open: false,
            version: None,
            deleted: false,
            dirty: false,
            parse_errors: Vec::new(),
            internal_error: None,
            stale: None,
            scan: Scan::default(),
        });
        self.set_text(id, text);
    }

    fn revive(&mut self, id: FileId, text: String) {
        self.files[id.0 as usize].deleted = false;
        self.set_text(id, text);
        self.changed = true;
    }

    /// Gives file `id` a new current text; it is lowered again before the next analysis.
    pub(crate) fn set_text(&mut self, id: FileId, text: String) {
        let file = &mut self.files[id.0 as usize];
        if file.text == text && !file.deleted {
            return;
        }
        file.lines = LineIndex::new(&text);
        file.text = text;
        file.dirty = true;
        self.changed = true;
    }

    /// The editor opened `id` with `text`.
    pub(crate) fn open(&mut self, id: FileId, uri: Url, version: i32, text: String) {
        let file = &mut self.files[id.0 as usize];
        file.open = true;
        file.uri = uri;
        file.version = Some(version);
        if file.deleted {
            file.deleted = false;
            self.changed = true;
        }
        self.set_text(id, text);
    }

    /// The editor closed `id`: the disk's text is the current one again.
    pub(crate) fn close(&mut self, id: FileId) {
        let file = &mut self.files[id.0 as usize];
        file.open = false;
        file.version = None;
        let path = file.path.clone();
        match self.read(&path, id) {
            Some(text) => self.set_text(id, text),
            None => self.delete(id),
        }
    }

    fn delete(&mut self, id: FileId) {
        let file = &mut self.files[id.0 as usize];
        if file.deleted {
            return;
        }
        file.deleted = true;
        file.open = false;
        file.version = None;
        file.text.clear();
        file.lines = LineIndex::new("");
        file.dirty = true;
        self.changed = true;
    }

    /// A change on disk. Returns what it takes beyond updating one file's text.
    pub(crate) fn disk_change(&mut self, path: &Path, change: DiskChange) -> Followup {
        let absolute = canonical(path);
        let Some(root) = self
            .roots
            .iter()
            .map(|root| canonical(root))
            .find(|root| absolute.starts_with(root))
        else {
            return Followup::None;
        };
        // Build output, installed dependencies, hidden directories: a walk leaves them out.
        let below = absolute.strip_prefix(&root).unwrap_or(&absolute);
        let mut dirs = below.components().rev().skip(1);
        if dirs.any(|c| crate::discover::leaves_out_dir(&c.as_os_str().to_string_lossy())) {
            return Followup::None;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if PROJECT_FILES.contains(&name) {
            return Followup::Reload;
        }
        match change {
            DiskChange::Deleted => {
                // A file, or a directory and everything under it.
                let gone = canonical(path);
                let ids: Vec<FileId> = self
                    .by_path
                    .iter()
                    .filter(|(p, _)| p.starts_with(&gone))
                    .map(|(_, id)| *id)
                    .collect();
                for id in ids {
                    self.delete(id);
                }
            }
            DiskChange::Created | DiskChange::Changed => match self.file_of_path(path) {
                Some(id) if self.file(id).open => {}
                Some(id) => match self.read(path, id) {
                    Some(text) if self.file(id).deleted => self.revive(id, text),
                    Some(text) => self.set_text(id, text),
                    None => self.delete(id),
                },
                None if change == DiskChange::Created => return Followup::Discover,
                None => {}
            },
        }
        Followup::None
    }

    /// Lowers every file whose text changed, in parallel, then analyses the files that can
    /// matter, chosen as `check` chooses the files it parses (`demand`): the findings are
    /// those of the whole workspace, and an edit in code that cannot reach an identity call
    /// costs a scan of its words, not an analysis of every file.
    pub(crate) fn analyse(&mut self, pool: &rayon::ThreadPool) {
        self.reclaim_modules();
        crate::timing::phase("lower edited files", || self.relower(pool));
        let configs: Vec<std::sync::Arc<Config>> =
            self.files.iter().map(|f| f.setup.config.clone()).collect();
        let parse_errors: Vec<Diagnostic> = self
            .files
            .iter()
            .flat_map(|f| f.parse_errors.iter().cloned())
            .collect();
        let internal_errors: Vec<Diagnostic> = self
            .files
            .iter()
            .filter_map(|f| f.internal_error.clone())
            .collect();
        self.changed = false;
        let modules = crate::timing::phase("choose files", || self.lend_modules_that_matter(pool));
        let db = &self.db;
        let run = || {
            crate::isolate::isolate(|| {
                driver::analyse_modules(db, modules, &configs, parse_errors, internal_errors)
            })
        };
        match pool.install(run) {
            Ok(analysed) => {
                self.diagnostics = analysed.diagnostics;
                self.program = analysed.program;
            }
            Err(panic) => {
                let file = FileId(0);
                self.diagnostics = vec![Diagnostic::internal_error(
                    Span {
                        file,
                        start: 0,
                        end: 0,
                    },
                    "analysing the workspace",
                    &panic,
                )];
            }
        }
    }

    /// The modules to analyse, by file: those that can matter, moved out of `modules` (and
    /// remembered in `lent`), and an empty module for every other file.
    fn lend_modules_that_matter(&mut self, pool: &rayon::ThreadPool) -> Vec<Module> {
        let files = &self.files;
        let modules = &self.modules;
        let wanted = pool.install(|| {
            crate::demand::lower_on_demand(
                files.len(),
                |i| (&files[i].scan, files[i].setup.config.as_ref()),
                |i| &modules[i],
                |module: &&Module| *module,
            )
        });
        let wanted: Vec<bool> = wanted.iter().map(Option::is_some).collect();
        self.lent = (0..wanted.len()).filter(|&i| wanted[i]).collect();
        (0..self.files.len())
            .map(|i| {
                let empty = self.empty_module(i);
                if wanted[i] {
                    std::mem::replace(&mut self.modules[i], empty)
                } else {
                    empty
                }
            })
            .collect()
    }

    fn empty_module(&self, i: usize) -> Module {
        let context = &self.files[i].setup.context;
        Module::empty(
            FileId(i as u32),
            context.language,
            context.module_path.clone(),
        )
    }

    /// Takes the lent modules back from the program of the last analysis, or lowers them
    /// again from the analysed texts if that program could not be built.
    fn reclaim_modules(&mut self) {
        let lent = std::mem::take(&mut self.lent);
        match self.program.take() {
            Some(mut program) => {
                for i in lent {
                    let empty = self.empty_module(i);
                    self.modules[i] = std::mem::replace(&mut program.modules[i], empty);
                }
            }
            None => {
                for i in lent {
                    let id = FileId(i as u32);
                    let setup = &self.files[i].setup;
                    self.modules[i] = driver::lower_file(id, &self.db.get(id).text, setup).module;
                }
            }
        }
    }

    fn relower(&mut self, pool: &rayon::ThreadPool) {
        let dirty: Vec<FileId> = (0..self.files.len() as u32)
            .map(FileId)
            .filter(|id| self.files[id.0 as usize].dirty)
            .collect();
        let files = &self.files;
        let lowered: Vec<(FileId, LoweredFile, Scan)> = pool.install(|| {
            dirty
                .par_iter()
                .map(|&id| {
                    let file = &files[id.0 as usize];
                    let lowered = driver::lower_file(id, &file.text, &file.setup);
                    (id, lowered, Scan::new(&file.text, &file.setup.config))
                })
                .collect()
        });
        for (id, lowered, scan) in lowered {
            let i = id.0 as usize;
            let file = &mut self.files[i];
            file.dirty = false;
            let broken = !lowered.parse_errors.is_empty()
                && lost_something(&self.modules[i], &lowered.module);
            if broken {
                // Keep the last good lowering and the text it was made from.
                let analysed = &self.db.get(id).text;
                file.stale = Some(Stale {
                    parse_errors: lowered.parse_errors,
                    map: OffsetMap::between(analysed, &file.text),
                });
                continue;
            }
            file.stale = None;
            file.parse_errors = lowered.parse_errors;
            file.internal_error = lowered.internal_error;
            file.scan = scan;
            self.modules[i] = lowered.module;
            self.db.replace(
                id,
                SourceFile::new(
                    file.path.clone(),
                    display_path(&file.path),
                    file.text.clone(),
                ),
            );
        }
    }

    /// A span of the analysed texts in the current texts' offsets.
    pub(crate) fn to_current(&self, span: Span) -> Span {
        match self
            .files
            .get(span.file.0 as usize)
            .and_then(|f| f.stale.as_ref())
        {
            Some(stale) => Span {
                file: span.file,
                start: stale.map.to_new(span.start as usize) as u32,
                end: stale
                    .map
                    .to_new(span.end as usize)
                    .max(stale.map.to_new(span.start as usize)) as u32,
            },
            None => span,
        }
    }

    /// An offset of the current text of `file` in the analysed text's offsets.
    pub(crate) fn to_analysed(&self, file: FileId, offset: usize) -> usize {
        match &self.files[file.0 as usize].stale {
            Some(stale) => stale.map.to_old(offset),
            None => offset,
        }
    }

    /// The last analysis's diagnostics with their primary site in `file`, spans in analysed
    /// offsets.
    pub(crate) fn analysed_diagnostics(&self, file: FileId) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(move |d| d.primary.span.file == file)
    }

    pub(crate) fn is_stale(&self, file: FileId) -> bool {
        self.files[file.0 as usize].stale.is_some()
    }

    /// The text the module of `file` was lowered from.
    pub(crate) fn analysed_text(&self, file: FileId) -> &str {
        &self.db.get(file).text
    }

    /// A diagnostic of the last analysis with every span in current-text offsets.
    fn to_current_diagnostic(&self, diagnostic: &Diagnostic) -> Diagnostic {
        let mut shown = diagnostic.clone();
        shown.primary.span = self.to_current(shown.primary.span);
        for label in &mut shown.secondary {
            label.span = self.to_current(label.span);
        }
        for step in &mut shown.call_chain {
            step.span = self.to_current(step.span);
        }
        shown
    }

    /// Where a span (current offsets) is, for the client.
    pub(crate) fn view(&self, span: Span) -> Option<SpanView<'_>> {
        let file = self.files.get(span.file.0 as usize)?;
        (!file.deleted).then_some(SpanView {
            uri: &file.uri,
            text: &file.text,
            lines: &file.lines,
        })
    }

    /// A diagnostic of the last analysis (analysed offsets) as the client sees it.
    pub(crate) fn lsp_diagnostic(&self, diagnostic: &Diagnostic) -> Option<lsp_types::Diagnostic> {
        convert::diagnostic(&self.to_current_diagnostic(diagnostic), |span| {
            self.view(span)
        })
    }

    /// The diagnostics to show, by file, every span in current-text offsets. Deleted files
    /// show none; a file kept at its last good lowering shows its current syntax errors.
    pub(crate) fn current_diagnostics(&self) -> BTreeMap<FileId, Vec<Diagnostic>> {
        let mut by_file: BTreeMap<FileId, Vec<Diagnostic>> = BTreeMap::new();
        for diagnostic in &self.diagnostics {
            let Some(file) = self.files.get(diagnostic.primary.span.file.0 as usize) else {
                continue;
            };
            if file.deleted || (file.stale.is_some() && diagnostic.rule == PARSE_ERROR) {
                continue;
            }
            let shown = self.to_current_diagnostic(diagnostic);
            by_file
                .entry(diagnostic.primary.span.file)
                .or_default()
                .push(shown);
        }
        for (i, file) in self.files.iter().enumerate() {
            let Some(stale) = &file.stale else { continue };
            let errors = stale.parse_errors.iter().filter_map(|error| {
                let mut error = error.clone();
                error.severity = file.setup.config.severity(PARSE_ERROR, error.severity)?;
                Some(error)
            });
            by_file.entry(FileId(i as u32)).or_default().extend(errors);
        }
        by_file
    }
}

/// Whether `new` lacks a function of `old` (by qualified path) or has fewer SDK calls.
fn lost_something(old: &Module, new: &Module) -> bool {
    let paths: std::collections::HashSet<&Vec<String>> =
        new.functions.iter().map(|f| &f.path).collect();
    if old.functions.iter().any(|f| !paths.contains(&f.path)) {
        return true;
    }
    sdk_calls(new) < sdk_calls(old)
}

fn sdk_calls(module: &Module) -> usize {
    let mut count = 0;
    module.for_each_stmt(|_, stmt| match stmt {
        crate::ir::Stmt::Event(_) => count += 1,
        crate::ir::Stmt::Call(call) if call.sdk_fallback.is_some() => count += 1,
        _ => {}
    });
    count
}

fn describe(error: &CheckError) -> String {
    match error {
        CheckError::Config(error) => error.to_string(),
        CheckError::MissingPath(path) => format!("{}: no such directory", path.display()),
        CheckError::Internal(message) => message.clone(),
        CheckError::NothingToAnalyse { .. } => "no source files to analyse".to_owned(),
    }
}

/// The canonical form of a path, also for one that no longer exists (its parent's).
pub(crate) fn canonical(path: &Path) -> PathBuf {
    if let Ok(path) = path.canonicalize() {
        return path;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => path.to_path_buf(),
    }
}

/// The `file:` URI of a path.
pub(crate) fn file_uri(path: &Path) -> Url {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    Url::from_file_path(&absolute)
        .or_else(|()| Url::parse("file:///"))
        .expect("`file:///` is a URL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_around_the_one_changed_region() {
        let old = "fn a() {}\nfn b() {}\n";
        let new = "fn a() { x(\n}\nfn b() {}\n";
        let map = OffsetMap::between(old, new);
        let b = old.find("fn b").unwrap();
        assert_eq!(&new[map.to_new(b)..map.to_new(b) + 4], "fn b");
        assert_eq!(map.to_new(3), 3);
        assert_eq!(map.to_old(map.to_new(b)), b);
        assert_eq!(map.to_new(old.len()), new.len());
    }
}
