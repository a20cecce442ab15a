//! Configuration: `idlint.toml`, `[tool.idlint]` in `pyproject.toml`, or
//! `[package.metadata.idlint]` / `[workspace.metadata.idlint]` in `Cargo.toml`, found by walking
//! up from each analysed file (the nearest wins), or given with `--config`.
//!
//! Every mistake in a configuration is an error naming the file, the line and what is accepted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::analysis::settings::{
    DEFAULT_ANONYMOUS_NAMES, DEFAULT_LOGIN_PATTERNS, DEFAULT_LOGOUT_PATTERNS,
    DEFAULT_SIGNUP_PATTERNS, DEFAULT_USER_NAMES, RuleSettings,
};
use crate::diagnostic::Severity;
use crate::ir::{EventKind, Side};
use crate::rules;
pub use crate::rules::IdManagement;

/// Diagnostics that are not rules but can still be configured.
pub const BUILTIN_CODES: &[&str] = &[
    crate::diagnostic::PARSE_ERROR,
    crate::diagnostic::UNUSED_SUPPRESSION,
];

/// The configuration that applies to one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file it was read from; `None` for the defaults.
    pub source: Option<PathBuf>,
    /// Rule id → level; rules not listed keep their default severity.
    pub levels: BTreeMap<String, Level>,
    /// Globs, relative to the configuration file's directory.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Receiver names that mark a tracker, besides the built-in ones.
    pub tracker_names: Vec<String>,
    pub tracking_apis: Vec<TrackingApi>,
    pub id_management: IdManagement,
    /// What the rules read (name patterns), shared by every file this configuration governs.
    pub rule_settings: std::sync::Arc<RuleSettings>,
    /// `skip-minified = false`: analyse files shaped like minified or generated code too.
    pub analyse_minified: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    Warn,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warn => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// An in-house tracking client's method declared as an identity call:
/// `Analytics.link_user(new_id)` is an `alias` whose new id is argument 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingApi {
    /// A receiver's name or type (`analytics`, `Analytics`, `track`).
    pub receiver: String,
    pub method: String,
    pub kind: EventKind,
    /// The id the call concerns (alias: the new id).
    pub id_arg: Option<usize>,
    pub original_arg: Option<usize>,
    pub side: Side,
}

/// A configuration file that cannot be used: exit 2 with this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    tracker_names: Vec<String>,
    #[serde(default)]
    tracking_api: Vec<Spanned<RawTrackingApi>>,
    id_management: Option<Spanned<String>>,
    signup_patterns: Option<Vec<String>>,
    login_patterns: Option<Vec<String>>,
    logout_patterns: Option<Vec<String>>,
    anonymous_names: Option<Vec<String>>,
    user_names: Option<Vec<String>>,
    #[serde(default)]
    allowed_constant_ids: Vec<String>,
    #[serde(default)]
    repeating_functions: Vec<String>,
    skip_minified: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTrackingApi {
    receiver: String,
    method: String,
    kind: Spanned<String>,
    id_arg: Option<usize>,
    original_arg: Option<usize>,
    side: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    idlint: Option<RawConfig>,
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<CargoSection>,
    workspace: Option<CargoSection>,
}

#[derive(Deserialize)]
struct CargoSection {
    metadata: Option<CargoMetadata>,
}

#[derive(Deserialize)]
struct CargoMetadata {
    idlint: Option<RawConfig>,
}

const ACCEPTED_LEVELS: &str = "\"off\", \"warn\" or \"error\"";
const ACCEPTED_KINDS: &str = "\"alias\", \"identify\", \"reset\", \"track\" or \"people\"";
const ACCEPTED_SIDES: &str = "\"client\" or \"server\"";

/// Reads the configuration in `path`, if it holds one: `None` for a `pyproject.toml` or
/// `Cargo.toml` without an idlint section.
pub fn read(path: &Path) -> Result<Option<Config>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: 1,
        message: format!("cannot read the configuration: {e}"),
    })?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<Option<Config>, ConfigError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let error = |span: Option<std::ops::Range<usize>>, message: String| ConfigError {
        path: path.to_path_buf(),
        line: span.map_or(1, |s| line_of(text, s.start)),
        message,
    };
    let from_toml = |e: toml::de::Error| error(e.span(), e.message().to_owned());
    // Spans inside an embedded table are offsets in the whole file: line numbers stay right.
    let raw: RawConfig = match name.as_str() {
        "pyproject.toml" => {
            let doc: PyProject = toml::from_str(text).map_err(from_toml)?;
            match doc.tool.and_then(|t| t.idlint) {
                Some(section) => section,
                None => return Ok(None),
            }
        }
        "Cargo.toml" => {
            let doc: CargoManifest = toml::from_str(text).map_err(from_toml)?;
            let package = doc.package.and_then(|p| p.metadata).and_then(|m| m.idlint);
            let workspace = doc
                .workspace
                .and_then(|w| w.metadata)
                .and_then(|m| m.idlint);
            match package.or(workspace) {
                Some(section) => section,
                None => return Ok(None),
            }
        }
        _ => toml::from_str(text).map_err(from_toml)?,
    };
    validate(path, text, raw).map(Some)
}

fn validate(path: &Path, text: &str, raw: RawConfig) -> Result<Config, ConfigError> {
    let error = |span: std::ops::Range<usize>, message: String| ConfigError {
        path: path.to_path_buf(),
        line: line_of(text, span.start),
        message,
    };
    let mut levels = BTreeMap::new();
    for (rule, level) in raw.rules {
        let known = rules::find(rule.get_ref()).is_some()
            || BUILTIN_CODES.contains(&rule.get_ref().as_str());
        if !known {
            let ids: Vec<&str> = rules::RULES
                .iter()
                .map(|r| r.id)
                .chain(BUILTIN_CODES.iter().copied())
                .collect();
            return Err(error(
                rule.span(),
                format!(
                    "unknown rule `{}`; the rules are: {}",
                    rule.get_ref(),
                    ids.join(", ")
                ),
            ));
        }
        let parsed = match level.get_ref().as_str() {
            "off" => Level::Off,
            "warn" | "warning" => Level::Warn,
            "error" => Level::Error,
            other => {
                return Err(error(
                    level.span(),
                    format!(
                        "`{}` is not a level for `{}`; use {ACCEPTED_LEVELS}",
                        other,
                        rule.get_ref()
                    ),
                ));
            }
        };
        levels.insert(rule.into_inner(), parsed);
    }
    for glob in raw.include.iter().chain(&raw.exclude) {
        if let Err(e) = globset::Glob::new(glob) {
            return Err(ConfigError {
                path: path.to_path_buf(),
                line: text.find(glob.as_str()).map_or(1, |o| line_of(text, o)),
                message: format!("`{glob}` is not a valid glob: {e}"),
            });
        }
    }
    let mut tracking_apis = Vec::new();
    for api in raw.tracking_api {
        let span = api.span();
        let api = api.into_inner();
        let kind = match api.kind.get_ref().as_str() {
            "alias" => EventKind::Alias,
            "identify" => EventKind::Identify,
            "reset" => EventKind::Reset,
            "track" => EventKind::Track,
            "people" => EventKind::People,
            other => {
                return Err(error(
                    api.kind.span(),
                    format!("`{other}` is not a tracking call kind; use {ACCEPTED_KINDS}"),
                ));
            }
        };
        let side = match api.side.as_ref().map(|s| s.get_ref().as_str()) {
            None | Some("client") => Side::Client,
            Some("server") => Side::Server,
            Some(other) => {
                let span = api.side.as_ref().map_or(span.clone(), |s| s.span());
                return Err(error(
                    span,
                    format!("`{other}` is not a side; use {ACCEPTED_SIDES}"),
                ));
            }
        };
        if matches!(kind, EventKind::Alias | EventKind::Identify) && api.id_arg.is_none() {
            return Err(error(
                span,
                format!(
                    "`{}.{}` is an {} call: say which argument is the id with `id-arg`",
                    api.receiver,
                    api.method,
                    api.kind.get_ref()
                ),
            ));
        }
        tracking_apis.push(TrackingApi {
            receiver: api.receiver,
            method: api.method,
            kind,
            id_arg: api.id_arg,
            original_arg: api.original_arg,
            side,
        });
    }
    let id_management = match &raw.id_management {
        None => IdManagement::default(),
        Some(mode) => IdManagement::parse(mode.get_ref()).ok_or_else(|| {
            let names: Vec<String> = IdManagement::ALL
                .iter()
                .map(|m| format!("\"{}\"", m.as_str()))
                .collect();
            let (last, rest) = names.split_last().expect("there are modes");
            error(
                mode.span(),
                format!(
                    "`{}` is not an identity management mode; use {} or {last}",
                    mode.get_ref(),
                    rest.join(", ")
                ),
            )
        })?,
    };
    Ok(Config {
        source: Some(path.to_path_buf()),
        levels,
        include: raw.include,
        exclude: raw.exclude,
        tracker_names: raw.tracker_names,
        tracking_apis,
        id_management,
        rule_settings: std::sync::Arc::new(RuleSettings {
            signup_patterns: raw.signup_patterns,
            login_patterns: raw.login_patterns,
            logout_patterns: raw.logout_patterns,
            anonymous_names: raw.anonymous_names,
            user_names: raw.user_names,
            allowed_constant_ids: raw.allowed_constant_ids,
            repeating_functions: raw.repeating_functions,
        }),
        analyse_minified: !raw.skip_minified.unwrap_or(true),
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The files that may hold a configuration, nearest first within one directory.
const CONFIG_FILES: &[&str] = &["idlint.toml", "pyproject.toml", "Cargo.toml"];

/// Finds the configuration of each directory once, walking up to the filesystem root.
#[derive(Debug, Default)]
pub struct ConfigIndex {
    /// `--config`: one configuration for everything.
    fixed: Option<std::sync::Arc<Config>>,
    found: std::collections::HashMap<PathBuf, std::sync::Arc<Config>>,
    /// The same, by the directory as a file's path names it: looked up before canonicalising
    /// (a tree's files share few directories).
    named: std::collections::HashMap<PathBuf, std::sync::Arc<Config>>,
}

impl ConfigIndex {
    pub fn with_file(path: &Path) -> Result<ConfigIndex, ConfigError> {
        let config = read(path)?.ok_or_else(|| ConfigError {
            path: path.to_path_buf(),
            line: 1,
            message: "no idlint configuration in this file".to_owned(),
        })?;
        Ok(ConfigIndex {
            fixed: Some(std::sync::Arc::new(config)),
            found: Default::default(),
            named: Default::default(),
        })
    }

    /// The configuration for files in `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Result<std::sync::Arc<Config>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        if let Some(config) = self.named.get(dir) {
            return Ok(config.clone());
        }
        let config =
            self.for_canonical_dir(&dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()))?;
        self.named.insert(dir.to_path_buf(), config.clone());
        Ok(config)
    }

    fn for_canonical_dir(&mut self, dir: &Path) -> Result<std::sync::Arc<Config>, ConfigError> {
        let dir = dir.to_path_buf();
        if let Some(config) = self.found.get(&dir) {
            return Ok(config.clone());
        }
        let mut config = None;
        for name in CONFIG_FILES {
            let candidate = dir.join(name);
            if candidate.is_file()
                && let Some(found) = read(&candidate)?
            {
                config = Some(std::sync::Arc::new(found));
                break;
            }
        }
        let config = match (config, dir.parent()) {
            (Some(config), _) => config,
            (None, Some(parent)) => self.for_canonical_dir(parent)?,
            (None, None) => std::sync::Arc::new(Config::default()),
        };
        self.found.insert(dir, config.clone());
        Ok(config)
    }
}

impl Config {
    /// The severity of `rule` here: `None` when it is off.
    pub fn severity(&self, rule: &str, default: Severity) -> Option<Severity> {
        if let Some(level) = self.levels.get(rule) {
            return level.severity();
        }
        match rules::find(rule) {
            Some(rule) if rule.meta().off_under.contains(&self.id_management) => None,
            _ => Some(default),
        }
    }

    /// Whether a file is analysed under this configuration's include/exclude globs.
    pub fn admits(&self, file: &Path) -> bool {
        if self.include.is_empty() && self.exclude.is_empty() {
            return true;
        }
        let file = &file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        let base = self
            .source
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new("."));
        let relative = file.strip_prefix(base).unwrap_or(file);
        let matches = |globs: &[String]| {
            globs.iter().any(|g| {
                globset::Glob::new(g)
                    .map(|g| g.compile_matcher().is_match(relative))
                    .unwrap_or(false)
            })
        };
        (self.include.is_empty() || matches(&self.include)) && !matches(&self.exclude)
    }

    /// The effective configuration as TOML, for `idlint config`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match &self.source {
            Some(path) => out.push_str(&format!("# from {}\n", path.display())),
            None => out.push_str("# no configuration file found: the defaults\n"),
        }
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
            format!("[{}]", quoted.join(", "))
        };
        out.push_str(&format!("include = {}\n", list(&self.include)));
        out.push_str(&format!("exclude = {}\n", list(&self.exclude)));
        out.push_str(&format!("tracker-names = {}\n", list(&self.tracker_names)));
        out.push_str(&format!(
            "id-management = \"{}\"\n",
            self.id_management.as_str()
        ));
        let patterns = |configured: &Option<Vec<String>>, defaults: &[&str]| match configured {
            Some(items) => list(items),
            None => list(&defaults.iter().map(|d| d.to_string()).collect::<Vec<_>>()),
        };
        out.push_str(&format!(
            "signup-patterns = {}\n",
            patterns(&self.rule_settings.signup_patterns, DEFAULT_SIGNUP_PATTERNS)
        ));
        out.push_str(&format!(
            "login-patterns = {}\n",
            patterns(&self.rule_settings.login_patterns, DEFAULT_LOGIN_PATTERNS)
        ));
        out.push_str(&format!(
            "logout-patterns = {}\n",
            patterns(&self.rule_settings.logout_patterns, DEFAULT_LOGOUT_PATTERNS)
        ));
        out.push_str(&format!(
            "anonymous-names = {}\n",
            patterns(&self.rule_settings.anonymous_names, DEFAULT_ANONYMOUS_NAMES)
        ));
        out.push_str(&format!(
            "user-names = {}\n",
            patterns(&self.rule_settings.user_names, DEFAULT_USER_NAMES)
        ));
        out.push_str(&format!(
            "allowed-constant-ids = {}\n",
            list(&self.rule_settings.allowed_constant_ids)
        ));
        out.push_str(&format!(
            "repeating-functions = {}\n",
            list(&self.rule_settings.repeating_functions)
        ));
        out.push_str(&format!("skip-minified = {}\n", !self.analyse_minified));
        out.push_str("\n[rules]\n");
        for rule in rules::RULES {
            let level = match self.severity(rule.id, rule.severity()) {
                None => "off",
                Some(Severity::Warning | Severity::Note) => "warn",
                Some(Severity::Error) => "error",
            };
            out.push_str(&format!("{} = \"{level}\"\n", rule.id));
        }
        for code in BUILTIN_CODES {
            let level = self.levels.get(*code).map_or(
                if *code == crate::diagnostic::PARSE_ERROR {
                    "error"
                } else {
                    "warn"
                },
                |l| l.as_str(),
            );
            out.push_str(&format!("{code} = \"{level}\"\n"));
        }
        for api in &self.tracking_apis {
            out.push_str("\n[[tracking-api]]\n");
            out.push_str(&format!(
                "receiver = {:?}\nmethod = {:?}\nkind = \"{}\"\n",
                api.receiver,
                api.method,
                api.kind.as_str()
            ));
            if let Some(i) = api.id_arg {
                out.push_str(&format!("id-arg = {i}\n"));
            }
            if let Some(i) = api.original_arg {
                out.push_str(&format!("original-arg = {i}\n"));
            }
            let side = if api.side == Side::Client {
                "client"
            } else {
                "server"
            };
            out.push_str(&format!("side = \"{side}\"\n"));
        }
        out
    }
}
