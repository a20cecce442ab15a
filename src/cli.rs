//! The command line: parses arguments, runs a command, returns the exit code.
//!
//! Exit codes: 0 no findings, 1 findings (or a file could not be analysed), 2 usage or internal error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::analysis::Program;
use crate::driver::{self, CheckError};
use crate::frontend;
use crate::report::{self, Report};
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

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse source trees and report identity mistakes.
    Check {
        /// Files or directories to analyse (default: the current directory).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// List the rules with one-line summaries.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule id, e.g. `alias-twice`.
        rule: String,
    },
    /// Show what the analysis sees: the IR or the call graph of some paths.
    Debug {
        #[arg(value_enum)]
        what: DebugView,
        paths: Vec<PathBuf>,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
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
        Command::Check {
            paths,
            format,
            color,
        } => check(paths, format, color),
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
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

fn check(paths: Vec<PathBuf>, format: Format, color: Color) -> u8 {
    let options = frontend::Options::default();
    let checked = match driver::check(&default_paths(paths), &options) {
        Ok(checked) => checked,
        Err(error) => return report_error(&error),
    };
    let report = Report {
        db: &checked.db,
        diagnostics: &checked.diagnostics,
        skipped: &checked.skipped,
        files: checked.db.len(),
        functions: checked.functions,
    };
    let written = match format {
        Format::Json => std::io::stdout().write_all(report::json::render(&report).as_bytes()),
        Format::Human => {
            let mut stdout = StandardStream::stdout(color_choice(color));
            report::human::write(&report, &mut stdout)
        }
    };
    if let Err(error) = written {
        // A closed pipe (`idlint check | head`) is not our failure to report.
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: could not write the report: {error}");
            return EXIT_ERROR;
        }
    }
    if checked.diagnostics.is_empty() && !checked.skipped.iter().any(|s| s.error) {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
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
        CheckError::Internal(message) => eprintln!("error: {message}"),
    }
    EXIT_ERROR
}

fn list_rules() -> u8 {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for rule in RULES {
        println!(
            "{:width$}  {:7}  {}",
            rule.id,
            rule.severity().as_str(),
            rule.summary()
        );
    }
    EXIT_CLEAN
}

fn explain(id: &str) -> u8 {
    match rules::find(id) {
        Some(rule) => {
            println!("# {}\n\n{}\n", rule.id, rule.summary());
            print!("{}", rule.body());
            EXIT_CLEAN
        }
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

fn debug(what: DebugView, paths: Vec<PathBuf>) -> u8 {
    let options = frontend::Options::default();
    let loaded = match driver::load(&default_paths(paths), &options) {
        Ok(loaded) => loaded,
        Err(error) => return report_error(&error),
    };
    match what {
        DebugView::Ir => match serde_json::to_string_pretty(&loaded.modules) {
            Ok(text) => println!("{text}"),
            Err(error) => {
                eprintln!("error: {error}");
                return EXIT_ERROR;
            }
        },
        DebugView::Callgraph => {
            let program = Program::new(loaded.modules);
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
                println!(
                    "{} -> [{}]",
                    program.function(id).path.join("::"),
                    callees.join(", ")
                );
            }
        }
    }
    EXIT_CLEAN
}
