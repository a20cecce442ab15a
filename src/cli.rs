//! The command line: parses arguments, runs a command, returns the exit code.
//!
//! Exit codes: 0 no error-level findings, 1 findings (or a file could not be analysed),
//! 2 usage, configuration or internal error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, NoColor, StandardStream};

use crate::analysis::Program;
use crate::baseline;
use crate::config::ConfigIndex;
use crate::diagnostic::{Diagnostic, INTERNAL_ERROR, Severity};
use crate::driver::{self, CheckError, Checked, Settings};
use crate::report::{self, Report, graph::GraphFormat};
use crate::rules::{self, RULES};

#[derive(Parser, Debug)]
#[command(
    name = "idlint",
    version,
    about = "Finds misuse of analytics identity calls (Mixpanel alias/identify/reset/distinct_id)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Files or directories to analyse (default: the current directory).
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Use this configuration file for every file, instead of the nearest one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write the report to this file (atomically); a one-line summary goes to stderr.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// `--deny warnings`: warnings fail the run too.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// Report, but exit 0 whatever is found (for report-only jobs).
    #[arg(long)]
    exit_zero: bool,
    /// Record today's findings in this file and exit 0: later runs with `--baseline` report only new ones.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report only findings that are not in this baseline, and list the fixed ones.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
}

/// How the analysis runs, for `check` and `hook`.
#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Analyse files shaped like minified code too (also `skip-minified = false` in the configuration).
    #[arg(long)]
    no_skip_minified: bool,
    /// Worker threads (default: one per core). The report is the same for any number.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// Parse every file, not only those that can matter to an identity finding (same findings, slower).
    #[arg(long)]
    parse_all: bool,
    /// Neither read nor write the cache of parsed files (also `IDLINT_NO_CACHE=1`).
    #[arg(
        long,
        env = "IDLINT_NO_CACHE",
        hide_env = true,
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    no_cache: bool,
    /// Keep the cache of parsed files in DIR (default: `.idlint_cache` at the project root,
    /// where the configuration file is; also `IDLINT_CACHE_DIR`).
    #[arg(long, value_name = "DIR", env = "IDLINT_CACHE_DIR", hide_env = true)]
    cache_dir: Option<PathBuf>,
}

impl RunArgs {
    fn cache(&self) -> crate::cache::Location {
        use crate::cache::Location;
        match (&self.cache_dir, self.no_cache) {
            (_, true) => Location::Off,
            (Some(dir), false) => Location::Dir(dir.clone()),
            (None, false) => Location::ProjectRoot,
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse source trees and report identity mistakes.
    Check(CheckArgs),
    /// For pre-commit: analyse the project of the current directory, report only findings
    /// whose primary site is in the given files.
    Hook {
        files: Vec<PathBuf>,
        #[arg(long)]
        config: Option<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// List the rules with one-line summaries.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. `alias-twice`.
        rule: String,
    },
    /// Print the configuration that applies to a path (default: the current directory).
    Config {
        path: Option<PathBuf>,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Draw the call graph of the functions that reach tracking calls.
    Graph {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = GraphKind::Dot)]
        format: GraphKind,
    },
    /// Serve editors over the Language Server Protocol (stdio): diagnostics as you type.
    Lsp,
    /// Show what the analysis sees: the IR or the call graph of some paths.
    Debug {
        #[arg(value_enum)]
        what: DebugView,
        paths: Vec<PathBuf>,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Short,
    Json,
    Sarif,
    Github,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum GraphKind {
    Dot,
    Mermaid,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum DebugView {
    Ir,
    Callgraph,
}

const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            let code = if error.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            return ExitCode::from(code);
        }
    };
    ExitCode::from(match cli.command {
        Command::Check(args) => check(args),
        Command::Hook { files, config, run } => hook(files, config, run),
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
        Command::Config { path, config } => show_config(path, config),
        Command::Graph { paths, format } => graph(paths, format),
        Command::Lsp => crate::lsp::run(),
        Command::Debug { what, paths } => debug(what, paths),
    })
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}

fn run_check(paths: Vec<PathBuf>, config: Option<PathBuf>, run: &RunArgs) -> Result<Checked, u8> {
    let settings = Settings {
        config,
        keep_minified: run.no_skip_minified,
        threads: run.threads,
        parse_all: run.parse_all,
        cache: run.cache(),
    };
    crate::timing::phase("check", || driver::check(&default_paths(paths), &settings))
        .map_err(|error| report_error(&error))
}

fn check(args: CheckArgs) -> u8 {
    let mut checked = match run_check(args.paths, args.config, &args.run) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &checked.diagnostics, &checked.db) {
            Ok(()) => {
                eprintln!(
                    "wrote {} findings to the baseline {}",
                    checked.diagnostics.len(),
                    path.display()
                );
                EXIT_CLEAN
            }
            Err(error) => {
                eprintln!(
                    "error: cannot write the baseline {}: {error}",
                    path.display()
                );
                EXIT_ERROR
            }
        };
    }
    let mut fixed = Vec::new();
    if let Some(path) = &args.baseline {
        let entries = match baseline::read(path) {
            Ok(entries) => entries,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_ERROR;
            }
        };
        let (new, gone) = baseline::filter(
            std::mem::take(&mut checked.diagnostics),
            &entries,
            &checked.db,
        );
        checked.diagnostics = new;
        fixed = gone;
    }
    let report = Report {
        db: &checked.db,
        diagnostics: &checked.diagnostics,
        skipped: &checked.skipped,
        files: checked.db.len(),
        functions: checked.functions,
        parsed: checked.parsed,
        from_cache: checked.from_cache,
    };
    let emitted = crate::timing::phase("report", || {
        emit(&report, args.format, args.color, args.output.as_deref())
    });
    if let Err(code) = emitted {
        return code;
    }
    for entry in &fixed {
        eprintln!(
            "fixed since the baseline: {} [{}] {}",
            entry.path, entry.rule, entry.message
        );
    }
    exit_code(&checked, args.deny.is_some(), args.exit_zero)
}

/// Renders the report in `format` to stdout, or to `output` with a summary on stderr.
fn emit(report: &Report, format: Format, color: Color, output: Option<&Path>) -> Result<(), u8> {
    let rendered = match format {
        Format::Human => {
            if output.is_none() {
                let mut stdout = StandardStream::stdout(color_choice(color));
                return report::human::write(report, &mut stdout).or_else(write_failed);
            }
            let mut buffer = NoColor::new(Vec::new());
            report::human::write(report, &mut buffer).or_else(write_failed)?;
            String::from_utf8_lossy(&buffer.into_inner()).into_owned()
        }
        Format::Short => report::short::render(report),
        Format::Json => report::json::render(report),
        Format::Sarif => report::sarif::render(report),
        Format::Github => report::github::render(report),
    };
    match output {
        Some(path) => {
            report::write_atomically(path, &rendered).map_err(|error| {
                eprintln!("error: cannot write {}: {error}", path.display());
                EXIT_ERROR
            })?;
            eprintln!(
                "idlint: {} findings in {} files; report written to {}",
                report.diagnostics.len(),
                report.files,
                path.display()
            );
            Ok(())
        }
        None => std::io::stdout()
            .write_all(rendered.as_bytes())
            .or_else(write_failed),
    }
}

/// Writes a command's output to stdout; a reader that went away (`| head`) ends it quietly.
fn print_out(text: &str) -> u8 {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => EXIT_CLEAN,
        Err(error) => write_failed(error).err().unwrap_or(EXIT_CLEAN),
    }
}

fn write_failed(error: std::io::Error) -> Result<(), u8> {
    // A closed pipe (`idlint check | head`) is not our failure to report.
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return Ok(());
    }
    eprintln!("error: could not write the report: {error}");
    Err(EXIT_ERROR)
}

fn exit_code(checked: &Checked, deny_warnings: bool, exit_zero: bool) -> u8 {
    // A bug in idlint is never a clean run, whatever the flags say.
    if checked.diagnostics.iter().any(|d| d.rule == INTERNAL_ERROR) {
        return EXIT_ERROR;
    }
    if exit_zero {
        return EXIT_CLEAN;
    }
    let fails = |d: &Diagnostic| match d.severity {
        Severity::Error => true,
        Severity::Warning => deny_warnings,
        Severity::Note => false,
    };
    let incomplete = checked.skipped.iter().any(|s| s.error);
    if checked.diagnostics.iter().any(fails) || incomplete {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// pre-commit hands over the changed files: the call graph needs the whole project, so the
/// project of the current directory is analysed and only findings in those files are shown.
fn hook(files: Vec<PathBuf>, config: Option<PathBuf>, run: RunArgs) -> u8 {
    if let Some(missing) = files.iter().find(|f| std::fs::symlink_metadata(f).is_err()) {
        return report_error(&CheckError::MissingPath(missing.clone()));
    }
    let mut checked = match run_check(vec![PathBuf::from(".")], config, &run) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let wanted: Vec<PathBuf> = files
        .iter()
        .map(|f| f.canonicalize().unwrap_or_else(|_| f.clone()))
        .collect();
    let is_wanted = |path: &Path| {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        wanted.contains(&path)
    };
    // idlint's own failures are shown wherever they are: the run is not to be trusted.
    checked.diagnostics.retain(|d| {
        d.rule == INTERNAL_ERROR || is_wanted(&checked.db.get(d.primary.span.file).path)
    });
    checked.skipped.retain(|s| is_wanted(Path::new(&s.path)));
    let report = Report {
        db: &checked.db,
        diagnostics: &checked.diagnostics,
        skipped: &checked.skipped,
        files: checked.db.len(),
        functions: checked.functions,
        parsed: checked.parsed,
        from_cache: checked.from_cache,
    };
    if let Err(code) = emit(&report, Format::Human, Color::Never, None) {
        return code;
    }
    exit_code(&checked, false, false)
}

fn color_choice(color: Color) -> ColorChoice {
    match color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() =>
        {
            ColorChoice::Auto
        }
        Color::Auto => ColorChoice::Never,
    }
}

fn report_error(error: &CheckError) -> u8 {
    match error {
        CheckError::MissingPath(path) => {
            eprintln!("error: {}: no such file or directory", path.display());
        }
        CheckError::Config(error) => eprintln!("error: {error}"),
        CheckError::NothingToAnalyse { unsupported } => {
            eprintln!("error: {}", nothing_to_analyse(unsupported));
        }
        CheckError::Internal(message) => eprintln!("error: {message}"),
    }
    EXIT_ERROR
}

fn nothing_to_analyse(unsupported: &[(&str, usize)]) -> String {
    const READ: &str = "idlint reads Rust, JavaScript, TypeScript and Python";
    if unsupported.is_empty() {
        return format!("no source files to analyse under the given paths ({READ})");
    }
    let found: Vec<String> = unsupported
        .iter()
        .map(|(language, count)| format!("{count} {language}"))
        .collect();
    format!(
        "no file here is in a language idlint reads yet: found {} file(s), which are not supported yet ({READ})",
        found.join(", ")
    )
}

/// The rules with the level the configuration of the current directory gives them.
fn list_rules() -> u8 {
    let config = match ConfigIndex::default().for_dir(Path::new(".")) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_ERROR;
        }
    };
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in RULES {
        let level = config
            .severity(rule.id, rule.severity())
            .map_or("off", Severity::as_str);
        out.push_str(&format!(
            "{:width$}  {level:7}  {}\n",
            rule.id,
            rule.summary()
        ));
    }
    print_out(&out)
}

fn explain(id: &str) -> u8 {
    match rules::find(id) {
        Some(rule) => print_out(&format!(
            "# {}\n\n{}\n\n{}",
            rule.id,
            rule.summary(),
            rule.body()
        )),
        None => {
            let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            eprintln!(
                "error: unknown rule `{id}`; the rules are: {}",
                known.join(", ")
            );
            EXIT_ERROR
        }
    }
}

fn show_config(path: Option<PathBuf>, config: Option<PathBuf>) -> u8 {
    let path = path.unwrap_or_else(|| PathBuf::from("."));
    if std::fs::symlink_metadata(&path).is_err() {
        return report_error(&CheckError::MissingPath(path));
    }
    let dir = if path.is_dir() {
        path.clone()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let found = match &config {
        Some(file) => ConfigIndex::with_file(file).and_then(|mut index| index.for_dir(&dir)),
        None => ConfigIndex::default().for_dir(&dir),
    };
    match found {
        Ok(config) => print_out(&config.render()),
        Err(error) => {
            eprintln!("error: {error}");
            EXIT_ERROR
        }
    }
}

fn graph(paths: Vec<PathBuf>, format: GraphKind) -> u8 {
    let loaded = match driver::load(&default_paths(paths), &Settings::default()) {
        Ok(loaded) => loaded,
        Err(error) => return report_error(&error),
    };
    let program = Program::new(loaded.modules);
    let format = match format {
        GraphKind::Dot => GraphFormat::Dot,
        GraphKind::Mermaid => GraphFormat::Mermaid,
    };
    print_out(&report::graph::render(&program, &loaded.db, format))
}

fn debug(what: DebugView, paths: Vec<PathBuf>) -> u8 {
    // What the analysis sees of every file, not only of those that matter.
    let settings = Settings {
        parse_all: true,
        ..Settings::default()
    };
    let loaded = match driver::load(&default_paths(paths), &settings) {
        Ok(loaded) => loaded,
        Err(error) => return report_error(&error),
    };
    match what {
        DebugView::Ir => match serde_json::to_string_pretty(&loaded.modules) {
            Ok(text) => print_out(&(text + "\n")),
            Err(error) => {
                eprintln!("error: {error}");
                EXIT_ERROR
            }
        },
        DebugView::Callgraph => {
            let program = Program::new(loaded.modules);
            let mut out = String::new();
            for id in program.bottom_up() {
                let callees: Vec<String> = program.graph.calls[id.0 as usize]
                    .iter()
                    .flat_map(|target| match target {
                        crate::callgraph::Target::Project(ids) => ids
                            .iter()
                            .map(|c| rules::display_name(&program, *c))
                            .collect(),
                        crate::callgraph::Target::Sdk(event) => {
                            vec![format!("<sdk {}>", event.method)]
                        }
                        crate::callgraph::Target::External => Vec::new(),
                    })
                    .collect();
                out.push_str(&format!(
                    "{} -> [{}]\n",
                    program.function(id).path.join("::"),
                    callees.join(", ")
                ));
            }
            print_out(&out)
        }
    }
}
