//! One `idlint check`: discover → read → lower (in parallel) → call graph → rules.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::sync::Arc;

use crate::analysis::Program;
use crate::config::{Config, ConfigError, ConfigIndex};
use crate::diagnostic::{Diagnostic, INTERNAL_ERROR, PARSE_ERROR, Severity};
use crate::discover::{self, Skipped};
use crate::frontend::{self, Lowered, ProjectIndex};
use crate::ir::{FileId, Module, Span};
use crate::rules;
use crate::source::{SourceDb, SourceFile, display_path};

/// Files larger than this are reported and skipped: no hand-written source is this big.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Stack for the lowering threads: parsers recurse once per nesting level.
const LOWERING_STACK_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug)]
pub enum CheckError {
    /// A path named by the user does not exist (exit 2).
    MissingPath(PathBuf),
    /// A configuration file is wrong (exit 2).
    Config(ConfigError),
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
}

/// The lowered program and what was learnt on the way.
pub struct Loaded {
    pub db: SourceDb,
    pub modules: Vec<Module>,
    /// The configuration of each file, by file id.
    pub configs: Vec<Arc<Config>>,
    /// `parse-error` diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Files whose lowering panicked: `internal-error` diagnostics.
    pub internal_errors: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
}

pub struct Checked {
    pub db: SourceDb,
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    pub functions: usize,
}

pub fn check(paths: &[PathBuf], settings: &Settings) -> Result<Checked, CheckError> {
    let loaded = load(paths, settings)?;
    let (findings, internal_errors, functions) =
        analyse(loaded.modules, loaded.configs.clone(), &loaded.db);
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(findings);
    let diagnostics = apply_levels(diagnostics, &loaded.configs);
    let known =
        |rule: &str| rules::find(rule).is_some() || crate::config::BUILTIN_CODES.contains(&rule);
    let mut diagnostics = apply_levels(
        crate::suppress::apply(diagnostics, &loaded.db, known),
        &loaded.configs,
    );
    // idlint's own failures are neither configurable nor suppressible.
    diagnostics.extend(loaded.internal_errors);
    diagnostics.extend(internal_errors);
    rules::sort(&mut diagnostics, &loaded.db);
    diagnostics.dedup();
    Ok(Checked {
        db: loaded.db,
        diagnostics,
        skipped: loaded.skipped,
        functions,
    })
}

/// The rules' findings and the internal errors met on the way, and the number of functions.
fn analyse(
    modules: Vec<Module>,
    configs: Vec<Arc<Config>>,
    db: &SourceDb,
) -> (Vec<Diagnostic>, Vec<Diagnostic>, usize) {
    if db.len() == 0 {
        return (Vec::new(), Vec::new(), 0);
    }
    match crate::isolate::isolate(|| Program::with_configs(modules, configs)) {
        Ok(program) => {
            let (internal, findings) = rules::check_all(&program)
                .into_iter()
                .partition(|d| d.rule == INTERNAL_ERROR);
            (findings, internal, program.graph.len())
        }
        Err(panic) => {
            let span = panic.span().unwrap_or(Span {
                file: crate::ir::FileId(0),
                start: 0,
                end: 0,
            });
            let error = Diagnostic::internal_error(span, "building the call graph", &panic);
            (Vec::new(), vec![error], 0)
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

/// Finds, reads and lowers every source file below `paths`.
pub fn load(paths: &[PathBuf], settings: &Settings) -> Result<Loaded, CheckError> {
    let discovered =
        discover::discover(paths).map_err(|missing| CheckError::MissingPath(missing.0))?;
    let mut config_index = match &settings.config {
        Some(path) => ConfigIndex::with_file(path)?,
        None => ConfigIndex::default(),
    };
    let mut file_configs = Vec::with_capacity(discovered.files.len());
    for path in &discovered.files {
        let config = config_index.for_dir(path.parent().unwrap_or(Path::new(".")))?;
        let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
        file_configs.push(config.admits(&absolute).then_some(config));
    }
    let mut skipped = discovered.skipped;
    let read: Vec<Result<String, Skipped>> = discovered
        .files
        .par_iter()
        .map(|path| read_source(path))
        .collect();
    let mut db = SourceDb::default();
    let mut projects = ProjectIndex::default();
    let mut jobs = Vec::new();
    let mut configs = Vec::new();
    let mut options_of: Vec<(Arc<Config>, Arc<frontend::Options>)> = Vec::new();
    for ((path, text), config) in discovered.files.iter().zip(read).zip(file_configs) {
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
        let context = projects.context_for(path, language);
        let id = db.add(SourceFile::new(path.clone(), display_path(path), text));
        let options = match options_of.iter().find(|(c, _)| Arc::ptr_eq(c, &config)) {
            Some((_, options)) => options.clone(),
            None => {
                let options = Arc::new(frontend::Options::with_config(&config));
                options_of.push((config.clone(), options.clone()));
                options
            }
        };
        configs.push(config);
        jobs.push((id, context, options));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(LOWERING_STACK_BYTES)
        .build()
        .map_err(|e| CheckError::Internal(format!("could not start worker threads: {e}")))?;
    let lowered: Vec<(Lowered, Option<Diagnostic>)> = pool.install(|| {
        jobs.par_iter()
            .map(|(id, context, options)| lower_isolated(*id, &db.get(*id).text, context, options))
            .collect()
    });
    let mut modules = Vec::with_capacity(lowered.len());
    let mut diagnostics = Vec::new();
    let mut internal_errors = Vec::new();
    for (file, internal_error) in lowered {
        internal_errors.extend(internal_error);
        diagnostics.extend(file.errors.into_iter().map(|error| {
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
            Diagnostic::new(PARSE_ERROR, Severity::Error, error.span, error.message)
                .with_primary_label(label)
                .with_note(note)
        }));
        modules.push(file.module);
    }
    skipped.sort();
    Ok(Loaded {
        db,
        modules,
        configs,
        diagnostics,
        internal_errors,
        skipped,
    })
}

/// Lowers one file; if the frontend panics, the file contributes an empty module and an
/// `internal-error` diagnostic, and the other files are unaffected.
fn lower_isolated(
    file: FileId,
    text: &str,
    context: &frontend::FileContext,
    options: &frontend::Options,
) -> (Lowered, Option<Diagnostic>) {
    match crate::isolate::isolate(|| frontend::lower(file, text, context, options)) {
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

/// Lines longer than this mark generated or minified code, which is left out.
const MAX_SCRIPT_LINE: usize = 2_000;

fn read_source(path: &Path) -> Result<String, Skipped> {
    let skip = |reason: String| Skipped {
        path: display_path(path),
        reason,
        error: true,
    };
    let leave_out = |reason: &str| Skipped {
        path: display_path(path),
        reason: format!("left out by default: {reason}"),
        error: false,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.contains(".min.") {
        return Err(leave_out("a minified bundle"));
    }
    let size = std::fs::metadata(path)
        .map_err(|e| skip(format!("could not be read: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(skip(format!(
            "is {size} bytes, larger than the {MAX_FILE_BYTES}-byte limit"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| skip(format!("could not be read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        skip(format!(
            "is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let is_script = !matches!(frontend::language_of(path), Some(crate::ir::Language::Rust));
    if is_script && text.lines().any(|line| line.len() > MAX_SCRIPT_LINE) {
        return Err(leave_out(&format!(
            "has lines over {MAX_SCRIPT_LINE} characters (generated or minified code)"
        )));
    }
    Ok(text)
}
