//! Finds the source files below the paths a user names.
//!
//! Directories are walked with the `ignore` crate, so `.gitignore`d paths, hidden
//! directories and build output are skipped as users of ruff or ripgrep expect. Nothing here
//! fails the run: an unreadable entry becomes a [`Skipped`] note and the walk goes on.

use std::path::{Path, PathBuf};

use crate::frontend;

/// A path that was not analysed, and why; reported in every output format.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
    /// Something went wrong (unreadable, not UTF-8): the run is incomplete. Otherwise the path
    /// was left out on purpose (build output, a minified bundle) and this is only a note.
    pub error: bool,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Files named on the command line: analysed whatever their shape.
    pub named: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
    /// Files in languages idlint does not read yet, counted by language.
    pub unsupported: std::collections::BTreeMap<&'static str, usize>,
}

/// Directory names never worth descending into: build output and vendored dependencies.
const SKIPPED_DIRS: &[(&str, &str)] = &[
    ("target", "Cargo build output"),
    ("node_modules", "installed dependencies"),
    ("dist", "build output"),
    ("build", "build output"),
    // iOS dependency managers' checkouts: the Mixpanel SDKs' own sources among them.
    ("Pods", "installed CocoaPods dependencies"),
    ("Carthage", "Carthage dependencies"),
];

/// Whether a walk leaves out a directory of this name (build output, installed dependencies)
/// or of this shape (hidden): `idlint lsp` skips changes there without walking.
pub fn leaves_out_dir(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRS.iter().any(|(dir, _)| *dir == name)
}

/// A path named on the command line that does not exist: a usage error (exit 2).
#[derive(Debug)]
pub struct MissingPath(pub PathBuf);

pub fn discover(paths: &[PathBuf]) -> Result<Discovered, MissingPath> {
    let mut found = Discovered::default();
    for path in paths {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(MissingPath(path.clone()));
        }
        // A path named on the command line is followed even when it is a symbolic link: the
        // user named it. Links met while walking a directory are not (see `walk_directory`).
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                found.skipped.push(Skipped {
                    path: crate::source::display_path(path),
                    reason: format!("is {}", broken_link(&error)),
                    error: true,
                });
                continue;
            }
        };
        if metadata.is_dir() {
            walk_directory(path, &mut found);
        } else if !metadata.is_file() {
            found.skipped.push(Skipped {
                path: crate::source::display_path(path),
                reason: "is not a regular file or a directory (a pipe, socket or device)"
                    .to_owned(),
                error: true,
            });
        } else if frontend::language_of(path).is_some() {
            // A file named explicitly is analysed whatever the ignore files say.
            found.files.push(path.clone());
            found.named.push(path.clone());
        } else {
            found.note_unsupported(path);
            found.skipped.push(Skipped {
                path: crate::source::display_path(path),
                reason: format!("left out: {NOT_SOURCE}"),
                error: false,
            });
        }
    }
    found.files.sort();
    found.files.dedup();
    found.named.sort();
    found.skipped.sort();
    found.skipped.dedup();
    Ok(found)
}

impl Discovered {
    fn note_unsupported(&mut self, path: &Path) {
        if let Some(language) = frontend::unsupported_language_of(path) {
            *self.unsupported.entry(language).or_default() += 1;
        }
    }

    /// Whether `path` was named on the command line.
    pub fn is_named(&self, path: &Path) -> bool {
        self.named
            .binary_search_by(|p| p.as_path().cmp(path))
            .is_ok()
    }
}

const NOT_SOURCE: &str = "not a file idlint analyses (.rs; .js .mjs .cjs .jsx; .ts .mts .cts \
                          .tsx but not .d.ts; .py)";

/// Why a symbolic link cannot be followed: its target is missing, or links lead in a circle.
fn broken_link(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => {
            "a broken symbolic link (what it points to does not exist)".to_owned()
        }
        _ => format!("a symbolic link that cannot be followed ({error})"),
    }
}

/// A symbolic link met while walking a directory. Links are not followed — a link can lead
/// out of the tree the user named, or back into it (a loop, or every file twice) — but one
/// that stands for source code or a directory is listed, so nothing is left out silently.
fn symlink_note(entry: &ignore::DirEntry) -> Option<Skipped> {
    let path = entry.path();
    let is_source = frontend::language_of(path).is_some();
    let reason = match std::fs::metadata(path) {
        Ok(target) if target.is_dir() => {
            "left out: a symbolic link to a directory (links inside directories are not followed)"
                .to_owned()
        }
        Ok(_) if is_source => {
            "left out: a symbolic link (links inside directories are not followed)".to_owned()
        }
        Err(error) if is_source => format!("left out: {}", broken_link(&error)),
        _ => return None,
    };
    Some(Skipped {
        path: crate::source::display_path(path),
        reason,
        error: false,
    })
}

fn walk_directory(root: &Path, found: &mut Discovered) {
    let left_out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let noted = std::sync::Arc::clone(&left_out);
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let name = entry.file_name().to_string_lossy();
            match SKIPPED_DIRS.iter().find(|(dir, _)| *dir == name) {
                Some((_, why)) if is_dir && entry.depth() > 0 => {
                    if let Ok(mut left_out) = noted.lock() {
                        left_out.push(Skipped {
                            path: crate::source::display_path(entry.path()),
                            reason: format!("left out by default: {why}"),
                            error: false,
                        });
                    }
                    false
                }
                _ => true,
            }
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let file_type = entry.file_type();
                if file_type.is_some_and(|t| t.is_file()) {
                    if frontend::language_of(entry.path()).is_some() {
                        found.files.push(entry.into_path());
                    } else {
                        found.note_unsupported(entry.path());
                    }
                } else if file_type.is_some_and(|t| t.is_symlink())
                    && entry.depth() > 0
                    && let Some(note) = symlink_note(&entry)
                {
                    found.skipped.push(note);
                }
            }
            Err(error) => found.skipped.push(skipped_from_walk_error(root, &error)),
        }
    }
    if let Ok(mut left_out) = left_out.lock() {
        found.skipped.append(&mut left_out);
    }
}

fn skipped_from_walk_error(root: &Path, error: &ignore::Error) -> Skipped {
    let path = walk_error_path(error).unwrap_or(root);
    Skipped {
        path: crate::source::display_path(path),
        reason: format!("could not be read: {}", walk_error_reason(error)),
        error: true,
    }
}

fn walk_error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

fn walk_error_reason(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_error_reason(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop back to {}", ancestor.display())
        }
        other => other.to_string(),
    }
}
