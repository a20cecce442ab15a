//! One `idlint check`: discover → read → lower (in parallel) → call graph → rules.
//!
//! The steps are public one by one for the editor server, which keeps the lowered modules of
//! a workspace, re-lowers one file at a time ([`lower_file`]) and re-runs the analysis over
//! the modules it holds ([`analyse_modules`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::sync::Arc;

use crate::analysis::Program;
use crate::config::{Config, ConfigError, ConfigIndex};
use crate::diagnostic::{Diagnostic, INTERNAL_ERROR, PARSE_ERROR, Severity};
use crate::discover::{self, Skipped};
use crate::frontend::{self, Lowered, ProjectIndex};
use crate::ir::{FileId, Language, Module, Span};
use crate::rules;
use crate::source::{SourceDb, SourceFile, display_path};

/// Files larger than this are reported and skipped: no hand-written source is this big.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Stack for the lowering threads: parsers recurse once per nesting level.
const LOWERING_STACK_BYTES: usize = 1024 * 1024 * 1024;

#[derive(Debug)]
pub enum CheckError {
    /// A path named by the user does not exist (exit 2).
    MissingPath(PathBuf),
    /// A configuration file is wrong (exit 2).
    Config(ConfigError),
    /// No file in a language idlint reads (exit 2): never "no problems in 0 files".
    NothingToAnalyse {
        /// Files in languages idlint does not read yet, by language.
        unsupported: Vec<(&'static str, usize)>,
    },
    /// idlint itself failed (exit 2).
    Internal(String),
}

impl From<ConfigError> for CheckError {
    fn from(error: ConfigError) -> Self {
        CheckError::Config(error)
    }
}

/// How a run is set up, beside the paths it analyses.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--config FILE`: one configuration for every file instead of the nearest one.
    pub config: Option<PathBuf>,
    /// `--no-skip-minified`: analyse files shaped like minified code too.
    pub keep_minified: bool,
    /// `--threads N`: worker threads for reading, lowering and the rules (0: one per core).
    pub threads: usize,
    /// `--parse-all`: parse every file, not only those that can matter (for comparison).
    pub parse_all: bool,
    /// Where lowered files are cached between runs (`--no-cache`, `--cache-dir`); off by
    /// default.
    pub cache: crate::cache::Location,
}

/// The lowered program and what was learnt on the way.
pub struct Loaded {
    pub db: SourceDb,
    pub modules: Vec<Module>,
    /// The configuration of each file, by file id.
    pub configs: Vec<Arc<Config>>,
    /// What each file was lowered with, by file id: to lower it again.
    pub setups: Vec<FileSetup>,
    /// `parse-error` diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Files whose lowering panicked: `internal-error` diagnostics.
    pub internal_errors: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    /// How many files were parsed (the others cannot matter to an identity finding),
    /// counting those whose lowering came from the cache.
    pub parsed: usize,
    /// How many of the `parsed` files came from the on-disk cache (not lowered this run).
    pub from_cache: usize,
}

pub struct Checked {
    pub db: SourceDb,
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    pub functions: usize,
    pub parsed: usize,
    pub from_cache: usize,
}

pub fn check(paths: &[PathBuf], settings: &Settings) -> Result<Checked, CheckError> {
    worker_pool(settings.threads)?.install(|| check_in_pool(paths, settings))
}

/// The threads every parallel step of a run uses. Parsers and lowerers recurse once per
/// nesting level, hence the large stacks.
pub fn worker_pool(threads: usize) -> Result<rayon::ThreadPool, CheckError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(LOWERING_STACK_BYTES)
        .build()
        .map_err(|e| CheckError::Internal(format!("could not start worker threads: {e}")))
}

fn check_in_pool(paths: &[PathBuf], settings: &Settings) -> Result<Checked, CheckError> {
    let loaded = load_in_pool(paths, settings)?;
    let analysed = analyse_modules(
        &loaded.db,
        loaded.modules,
        &loaded.configs,
        loaded.diagnostics,
        loaded.internal_errors,
    );
    drop_in_background(analysed.program);
    Ok(Checked {
        db: loaded.db,
        diagnostics: analysed.diagnostics,
        skipped: loaded.skipped,
        functions: analysed.functions,
        parsed: loaded.parsed,
        from_cache: loaded.from_cache,
    })
}

/// Freeing a program's IR, node by node, takes as long as a rule; nothing waits for it, and a
/// process that exits first leaves it to the operating system.
fn drop_in_background(program: Option<Program>) {
    if let Some(program) = program {
        std::thread::spawn(move || drop(program));
    }
}

/// What [`analyse_modules`] found.
pub struct Analysed {
    /// Every diagnostic, at its configured level, suppressions applied, sorted.
    pub diagnostics: Vec<Diagnostic>,
    pub functions: usize,
    /// The program the rules ran on; `None` when building it failed (an `internal-error`).
    pub program: Option<Program>,
}

/// Everything after lowering: the call graph and the rules over `modules` (module `i` is the
/// file `FileId(i)` of `db`, governed by `configs[i]`), then levels and suppressions.
/// `parse_errors` and `internal_errors` are the lowering's diagnostics.
pub fn analyse_modules(
    db: &SourceDb,
    modules: Vec<Module>,
    configs: &[Arc<Config>],
    parse_errors: Vec<Diagnostic>,
    lowering_errors: Vec<Diagnostic>,
) -> Analysed {
    let (findings, internal_errors, functions, wrappers, program) =
        crate::timing::phase("analysis", || analyse(modules, configs.to_vec(), db));
    let mut diagnostics = parse_errors;
    demote_parse_errors_that_cannot_matter(&mut diagnostics, db, configs, &wrappers);
    diagnostics.extend(findings);
    let diagnostics = rules::one_diagnostic_per_cause(apply_levels(diagnostics, configs));
    let known =
        |rule: &str| rules::find(rule).is_some() || crate::config::BUILTIN_CODES.contains(&rule);
    let suppressed = crate::timing::phase("suppressions", || {
        crate::suppress::apply(diagnostics, db, known)
    });
    let mut diagnostics = apply_levels(suppressed, configs);
    // idlint's own failures are neither configurable nor suppressible.
    diagnostics.extend(lowering_errors);
    diagnostics.extend(internal_errors);
    rules::sort(&mut diagnostics, db);
    diagnostics.dedup();
    Analysed {
        diagnostics,
        functions,
        program,
    }
}

/// The rules' findings, the internal errors met on the way, the number of functions, the
/// names of the functions that make identity calls, and the program.
#[allow(clippy::type_complexity)]
fn analyse(
    modules: Vec<Module>,
    configs: Vec<Arc<Config>>,
    db: &SourceDb,
) -> (
    Vec<Diagnostic>,
    Vec<Diagnostic>,
    usize,
    HashSet<String>,
    Option<Program>,
) {
    if db.is_empty() {
        return (Vec::new(), Vec::new(), 0, HashSet::new(), None);
    }
    match crate::isolate::isolate(|| {
        Program::with_settings(
            modules,
            configs.iter().map(|c| c.rule_settings.clone()).collect(),
        )
    }) {
        Ok(program) => {
            let (internal, findings) = rules::check_all(&program)
                .into_iter()
                .partition(|d| d.rule == INTERNAL_ERROR);
            let wrappers = program
                .all_events()
                .iter()
                .map(|(function, _)| program.function(*function).name.clone())
                .collect();
            let functions = program.graph.len();
            (findings, internal, functions, wrappers, Some(program))
        }
        Err(panic) => {
            let span = panic.span().unwrap_or(Span {
                file: crate::ir::FileId(0),
                start: 0,
                end: 0,
            });
            let error = Diagnostic::internal_error(span, "building the call graph", &panic);
            (Vec::new(), vec![error], 0, HashSet::new(), None)
        }
    }
}

/// A file that does not parse and names nothing identity-related — no tracker or SDK name, no
/// declared tracking API, no function that makes identity calls — cannot change an identity
/// finding: its `parse-error` becomes a note, which does not fail the run. One that does name
/// one keeps its error: its analysis is incomplete.
fn demote_parse_errors_that_cannot_matter(
    diagnostics: &mut [Diagnostic],
    db: &SourceDb,
    configs: &[Arc<Config>],
    wrappers: &HashSet<String>,
) {
    for diagnostic in diagnostics.iter_mut().filter(|d| d.rule == PARSE_ERROR) {
        let file = diagnostic.primary.span.file;
        let options = frontend::Options::with_config(&configs[file.0 as usize]);
        let mut names: HashSet<String> = options
            .tracking_names()
            .map(str::to_ascii_lowercase)
            .collect();
        names.extend(wrappers.iter().map(|w| w.to_ascii_lowercase()));
        let mentions = crate::demand::words(&db.get(file).text)
            .map(str::to_lowercase)
            .any(|word| word.contains("mixpanel") || names.contains(&word));
        if !mentions {
            diagnostic.severity = Severity::Note;
            diagnostic
                .notes
                .push("this file names no tracker, SDK or tracking function, so it cannot change an identity finding".to_string());
        }
    }
}

/// Each diagnostic at the level the configuration of its file gives its rule; `off` drops it.
fn apply_levels(diagnostics: Vec<Diagnostic>, configs: &[Arc<Config>]) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|mut diagnostic| {
            let config = &configs[diagnostic.primary.span.file.0 as usize];
            diagnostic.severity = config.severity(diagnostic.rule, diagnostic.severity)?;
            Some(diagnostic)
        })
        .collect()
}

/// What lowering a file needs beside its text: the project facts the file cannot show, the
/// frontend options and the configuration that governs it.
#[derive(Debug, Clone)]
pub struct FileSetup {
    pub context: frontend::FileContext,
    pub options: Arc<frontend::Options>,
    pub config: Arc<Config>,
}

/// Finds each file's configuration and project context, once per directory, and shares the
/// frontend options between the files of one configuration.
#[derive(Debug, Default)]
pub struct Setups {
    config_index: ConfigIndex,
    projects: ProjectIndex,
    options_of: Vec<(Arc<Config>, Arc<frontend::Options>)>,
}

impl Setups {
    /// The setups of a run over `roots` (the paths named on the command line, a workspace's
    /// folders): one project index for all, so module paths agree across files.
    pub fn new(settings: &Settings, roots: &[PathBuf]) -> Result<Setups, CheckError> {
        let config_index = match &settings.config {
            Some(path) => ConfigIndex::with_file(path)?,
            None => ConfigIndex::default(),
        };
        Ok(Setups {
            config_index,
            projects: ProjectIndex::under(roots),
            options_of: Vec::new(),
        })
    }

    /// The project root of a run whose first path is `first`: the folder of the configuration
    /// file that governs it, else `first` if it is a folder, else its folder.
    pub fn project_root(&mut self, first: &Path) -> PathBuf {
        let dir = if first.is_dir() {
            first
        } else {
            first.parent().unwrap_or(Path::new("."))
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let config = self.config_index.for_dir(dir).ok();
        match config.as_ref().and_then(|c| c.source.as_deref()?.parent()) {
            Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
            _ => dir.to_path_buf(),
        }
    }

    /// The configuration of `path`, or `None` when its include/exclude globs leave it out.
    pub fn config_for(&mut self, path: &Path) -> Result<Option<Arc<Config>>, CheckError> {
        let config = self
            .config_index
            .for_dir(path.parent().unwrap_or(Path::new(".")))?;
        Ok(config.admits(path).then_some(config))
    }

    /// How to lower `path`, a file in `language` governed by `config`.
    pub fn setup(&mut self, path: &Path, language: Language, config: Arc<Config>) -> FileSetup {
        let context = self.projects.context_for(path, language);
        let options = match self
            .options_of
            .iter()
            .find(|(c, _)| Arc::ptr_eq(c, &config))
        {
            Some((_, options)) => options.clone(),
            None => {
                let options = Arc::new(frontend::Options::with_config(&config));
                self.options_of.push((config.clone(), options.clone()));
                options
            }
        };
        FileSetup {
            context,
            options,
            config,
        }
    }
}

/// Finds, reads and lowers every source file below `paths` that can matter (all of them with
/// `parse_all`).
pub fn load(paths: &[PathBuf], settings: &Settings) -> Result<Loaded, CheckError> {
    worker_pool(settings.threads)?.install(|| load_in_pool(paths, settings))
}

fn load_in_pool(paths: &[PathBuf], settings: &Settings) -> Result<Loaded, CheckError> {
    let discovered = crate::timing::phase("discover", || discover::discover(paths))
        .map_err(|missing| CheckError::MissingPath(missing.0))?;
    if discovered.files.is_empty() && discovered.skipped.iter().all(|s| !s.error) {
        return Err(CheckError::NothingToAnalyse {
            unsupported: discovered.unsupported.into_iter().collect(),
        });
    }
    let mut setups = Setups::new(settings, paths)?;
    let mut file_configs = Vec::with_capacity(discovered.files.len());
    crate::timing::phase("configurations", || -> Result<(), CheckError> {
        for path in &discovered.files {
            file_configs.push(setups.config_for(path)?);
        }
        Ok(())
    })?;
    let keep_minified: Vec<bool> = discovered
        .files
        .iter()
        .zip(&file_configs)
        .map(|(path, config)| {
            settings.keep_minified
                || discovered.is_named(path)
                || config.as_ref().is_some_and(|c| c.analyse_minified)
        })
        .collect();
    let mut skipped = discovered.skipped;
    // Each text is scanned for the names that can make it matter while it is in the cache,
    // right after it is read (reading and scanning are most of a run on a large tree).
    type Read = (Result<String, Skipped>, Option<crate::demand::Scan>);
    let read: Vec<Read> = crate::timing::phase("read and scan", || {
        discovered
            .files
            .par_iter()
            .zip(&keep_minified)
            .zip(&file_configs)
            .map(|((path, keep), config)| {
                let text = read_source(path, *keep);
                let scan = match (&text, config) {
                    (Ok(text), Some(config)) if !settings.parse_all => {
                        Some(crate::demand::Scan::new(text, config))
                    }
                    _ => None,
                };
                (text, scan)
            })
            .collect()
    });
    let mut db = SourceDb::default();
    let mut file_setups = Vec::new();
    let mut scans = Vec::new();
    let set_up = crate::timing::start("set up");
    for ((path, (text, scan)), config) in discovered.files.iter().zip(read).zip(file_configs) {
        // Excluded by the configuration: as if it were not there.
        let Some(config) = config else { continue };
        let text = match text {
            Ok(text) => text,
            Err(skip) => {
                skipped.push(skip);
                continue;
            }
        };
        let Some(language) = frontend::language_of(path) else {
            continue;
        };
        let setup = setups.setup(path, language, config);
        db.add(SourceFile::new(path.clone(), display_path(path), text));
        file_setups.push(setup);
        scans.extend(scan);
    }
    set_up.end();
    let scans = (!settings.parse_all).then_some(scans.as_slice());
    let cache = open_cache(settings, paths, &mut setups);
    let lowered = crate::timing::phase("lower", || {
        lower_what_matters(&db, &file_setups, scans, cache.as_ref())
    });
    // Lowering is over, analysis has not begun: the pack of what this run used is written
    // now (when anything changed), and its bytes are freed before the analysis needs memory.
    if let Some(cache) = cache {
        crate::timing::phase("write the cache", || cache.finish());
    }
    let parsed = lowered
        .iter()
        .filter(|(_, origin)| *origin != Origin::Skipped)
        .count();
    let from_cache = lowered
        .iter()
        .filter(|(_, origin)| *origin == Origin::Cache)
        .count();
    let mut modules = Vec::with_capacity(lowered.len());
    let mut diagnostics = Vec::new();
    let mut internal_errors = Vec::new();
    for (file, _) in lowered {
        internal_errors.extend(file.internal_error);
        diagnostics.extend(file.parse_errors);
        modules.push(file.module);
    }
    skipped.sort();
    Ok(Loaded {
        db,
        modules,
        configs: file_setups.iter().map(|s| s.config.clone()).collect(),
        setups: file_setups,
        diagnostics,
        internal_errors,
        skipped,
        parsed,
        from_cache,
    })
}

/// The run's cache, if it has one and its folder can be created (else the run goes without).
fn open_cache(
    settings: &Settings,
    paths: &[PathBuf],
    setups: &mut Setups,
) -> Option<crate::cache::Cache> {
    use crate::cache::{Cache, DIR_NAME, Location};
    // A test of panic isolation must see its panic, not a lowering cached before.
    if crate::isolate::injecting() {
        return None;
    }
    match &settings.cache {
        Location::Off => None,
        Location::Dir(dir) => Cache::open(dir, paths, settings.parse_all),
        Location::ProjectRoot => {
            let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
            Cache::open(
                &setups.project_root(first).join(DIR_NAME),
                paths,
                settings.parse_all,
            )
        }
    }
}

/// How a file's module came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// It cannot matter: an empty module, not parsed.
    Skipped,
    /// Lowered in this run.
    Lowered,
    /// Read from the on-disk cache.
    Cache,
}

/// Lowers every file that can matter to an identity finding (all of them without `scans`):
/// rounds of asking the files' scans (`scans[i]` of file `i`'s text) about known names and
/// lowering the files that mention one, until no new name appears (see `demand`). File `i`
/// of `db` is lowered with `setups[i]`. Files
/// left out get an empty module, so modules and configurations keep their positions; the
/// origin says whether a file was lowered, read from `cache`, or left out.
pub fn lower_what_matters(
    db: &SourceDb,
    setups: &[FileSetup],
    scans: Option<&[crate::demand::Scan]>,
    cache: Option<&crate::cache::Cache>,
) -> Vec<(LoweredFile, Origin)> {
    let lower = |index: usize| {
        let id = FileId(index as u32);
        let text = &db.get(id).text;
        let setup = &setups[index];
        let Some(cache) = cache else {
            return (lower_file(id, text, setup), Origin::Lowered);
        };
        let key = crate::cache::Key::of(text, &setup.context, &setup.options);
        if let Some(lowered) = cache.load(key, id) {
            return (lowered, Origin::Cache);
        }
        let lowered = lower_file(id, text, setup);
        cache.store(key, &lowered);
        (lowered, Origin::Lowered)
    };
    let Some(scans) = scans else {
        return (0..setups.len()).into_par_iter().map(lower).collect();
    };
    let done = crate::demand::lower_on_demand(
        setups.len(),
        |i| (&scans[i], setups[i].config.as_ref()),
        lower,
        |(lowered, _): &(LoweredFile, Origin)| &lowered.module,
    );
    done.into_iter()
        .zip(setups)
        .enumerate()
        .map(|(index, (result, setup))| match result {
            Some(lowered) => lowered,
            None => {
                let id = FileId(index as u32);
                let context = &setup.context;
                let module = Module::empty(id, context.language, context.module_path.clone());
                let lowered = LoweredFile {
                    module,
                    parse_errors: Vec::new(),
                    internal_error: None,
                };
                (lowered, Origin::Skipped)
            }
        })
        .collect()
}

/// One file, lowered.
#[derive(Debug, Clone)]
pub struct LoweredFile {
    pub module: Module,
    /// Its syntax errors as `parse-error` diagnostics.
    pub parse_errors: Vec<Diagnostic>,
    /// The frontend panicked: the module is empty and this says why.
    pub internal_error: Option<Diagnostic>,
}

/// Lowers one file from `text`; never fails (see [`lower_isolated`]).
pub fn lower_file(file: FileId, text: &str, setup: &FileSetup) -> LoweredFile {
    let (lowered, internal_error) = lower_isolated(file, text, &setup.context, &setup.options);
    let parse_errors = lowered
        .errors
        .into_iter()
        .map(|error| {
            let (label, note) = if error.recovered {
                (
                    "idlint could not parse this",
                    "the rest of this file and of the tree was still analysed",
                )
            } else {
                (
                    "idlint could not parse this file",
                    "the rest of the tree was analysed; calls into this file are unresolved",
                )
            };
            let severity = if unread_parts_name_nothing(&error, text, &setup.options) {
                Severity::Note
            } else {
                Severity::Error
            };
            Diagnostic::new(PARSE_ERROR, severity, error.span, error.message)
                .with_primary_label(label)
                .with_note(note)
        })
        .collect();
    LoweredFile {
        module: lowered.module,
        parse_errors,
        internal_error,
    }
}

/// Whether a recovered syntax error left out only text that names nothing identity-related
/// (no tracker or SDK name, no declared API), read line by line around each region the
/// frontend could not lower: everything else of the file was lowered, so the error cannot
/// hide a tracker call and is a note. (A call of a project wrapper in an unread region is
/// the one thing this cannot see: wrappers are known only after the analysis.)
fn unread_parts_name_nothing(
    error: &frontend::SyntaxError,
    text: &str,
    options: &frontend::Options,
) -> bool {
    if !error.recovered || error.unread.is_empty() {
        return false;
    }
    let names: HashSet<String> = options
        .tracking_names()
        .map(str::to_ascii_lowercase)
        .collect();
    error.unread.iter().all(|region| {
        let (start, end) = whole_lines(text, region.start as usize, region.end as usize);
        !crate::demand::words(&text[start..end])
            .map(str::to_lowercase)
            .any(|word| word.contains("mixpanel") || names.contains(&word))
    })
}

/// `start..end` widened to the lines it touches (on character boundaries).
fn whole_lines(text: &str, start: usize, end: usize) -> (usize, usize) {
    let boundary = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (boundary(start), boundary(end));
    let start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    (start, end)
}

/// Lowers one file; if the frontend panics, the file contributes an empty module and an
/// `internal-error` diagnostic, and the other files are unaffected.
fn lower_isolated(
    file: FileId,
    text: &str,
    context: &frontend::FileContext,
    options: &frontend::Options,
) -> (Lowered, Option<Diagnostic>) {
    let lower = || {
        crate::isolate::inject_panic("lower", &context.file_name);
        frontend::lower(file, text, context, options)
    };
    match crate::isolate::isolate(lower) {
        Ok(lowered) => (lowered, None),
        Err(panic) => {
            let span = Span {
                file,
                start: 0,
                end: 0,
            };
            let module = Module::empty(file, context.language, context.module_path.clone());
            let lowered = Lowered {
                module,
                errors: Vec::new(),
            };
            let error = Diagnostic::internal_error(span, "reading this file", &panic);
            (lowered, Some(error))
        }
    }
}

/// Reads one file as text: UTF-8 (a BOM is fine), or Python in the encoding its PEP 263
/// declaration names. Files shaped like minified code are left out unless `keep_minified`.
pub fn read_source(path: &Path, keep_minified: bool) -> Result<String, Skipped> {
    let skip = |reason: String| Skipped {
        path: display_path(path),
        reason,
        error: true,
    };
    let leave_out = |reason: String| Skipped {
        path: display_path(path),
        reason: format!(
            "left out by default: {reason} (name the file, or pass `--no-skip-minified`, to analyse it)"
        ),
        error: false,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if !keep_minified && name.contains(".min.") {
        return Err(leave_out("a minified bundle".to_string()));
    }
    // One open, its size from the open file: a path is looked up once.
    let unreadable = |e: std::io::Error| skip(format!("could not be read: {e}"));
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(skip(format!(
            "is {size} bytes, larger than the {MAX_FILE_BYTES}-byte limit"
        )));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(unreadable)?;
    let is_python = frontend::language_of(path) == Some(crate::ir::Language::Python);
    let text = decode(bytes, is_python).map_err(skip)?;
    // Rust is not minified; a generated Rust file is still code worth reading.
    let is_rust = frontend::language_of(path) == Some(crate::ir::Language::Rust);
    if !keep_minified
        && !is_rust
        && let Some(shape) = minified_shape(&text)
    {
        return Err(leave_out(format!("shaped like minified code ({shape})")));
    }
    Ok(text)
}

/// The text of a source file. Python may declare another encoding in its first two lines
/// (PEP 263: `# -*- coding: latin-1 -*-`); everything else is UTF-8.
fn decode(bytes: Vec<u8>, is_python: bool) -> Result<String, String> {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(error) => error.into_bytes(),
    };
    let invalid = || {
        let offset = std::str::from_utf8(&bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        format!("is not valid UTF-8 (invalid byte at offset {offset})")
    };
    let declared = if is_python {
        declared_python_encoding(&bytes)
    } else {
        None
    };
    let Some(label) = declared else {
        return Err(invalid());
    };
    let Some(encoding) = encoding_for_python_label(&label) else {
        return Err(format!(
            "declares the encoding `{label}`, which idlint cannot decode"
        ));
    };
    let (text, _, had_errors) = encoding.decode(&bytes);
    if had_errors {
        return Err(format!(
            "is not valid `{label}` text, the encoding it declares"
        ));
    }
    Ok(text.into_owned())
}

/// The encoding a PEP 263 comment on one of the first two lines names.
fn declared_python_encoding(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        let Some(at) = comment.find("coding") else {
            continue;
        };
        let rest = &comment[at + "coding".len()..];
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let label: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !label.is_empty() {
            return Some(label);
        }
    }
    None
}

/// Python's codec names, as far as they differ from the WHATWG labels `encoding_rs` knows.
fn encoding_for_python_label(label: &str) -> Option<&'static encoding_rs::Encoding> {
    let label = label.to_ascii_lowercase().replace('_', "-");
    let whatwg = match label.as_str() {
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "cp819" => "iso-8859-1",
        "utf-8-sig" | "utf8" | "u8" => "utf-8",
        other if other.starts_with("cp125") => {
            return encoding_rs::Encoding::for_label(format!("windows-{}", &other[2..]).as_bytes());
        }
        other => other,
    };
    encoding_rs::Encoding::for_label(whatwg.as_bytes())
}

/// Why `text` looks minified or generated, if it does: most of its lines are very long, its
/// lines are long on average, and it has almost no white space. One long line in a
/// hand-written file (an embedded logo) is not enough.
fn minified_shape(text: &str) -> Option<String> {
    const LONG_LINE: usize = 500;
    const MIN_AVERAGE: usize = 200;
    const MAX_WHITESPACE: f64 = 0.15;
    // Most lines long needs one long line; finding none is one pass of `memchr`.
    let mut line_start = 0;
    let has_long_line = memchr::memchr_iter(b'\n', text.as_bytes())
        .chain([text.len()])
        .any(|end| {
            let long = end - line_start > LONG_LINE;
            line_start = end + 1;
            long
        });
    if !has_long_line {
        return None;
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return None;
    }
    let long = lines.iter().filter(|l| l.len() > LONG_LINE).count();
    let average = text.len() / lines.len();
    let whitespace =
        text.bytes().filter(u8::is_ascii_whitespace).count() as f64 / text.len() as f64;
    let mostly_long = long * 2 >= lines.len();
    (mostly_long && average > MIN_AVERAGE && whitespace < MAX_WHITESPACE).then(|| {
        format!(
            "{long} of {} lines over {LONG_LINE} characters, {average} characters a line on average, {:.0}% white space",
            lines.len(),
            whitespace * 100.0
        )
    })
}
