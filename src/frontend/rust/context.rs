//! Facts about a Rust file that the file itself does not show: its module path (from where it
//! sits in its crate) and which Mixpanel SDK its crate depends on (from `Cargo.toml`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::ir::Side;

#[derive(Debug, Clone)]
pub struct FileContext {
    /// `["crate", "handlers", "signup"]` for `src/handlers/signup.rs`.
    pub module_path: Vec<String>,
    /// The SDK the crate uses: client (`tauri-plugin-mixpanel`) or server (`mixpanel-rs`, the default).
    pub sdk: Side,
}

impl Default for FileContext {
    fn default() -> Self {
        FileContext {
            module_path: vec!["crate".to_owned()],
            sdk: Side::Server,
        }
    }
}

/// Finds crate roots once per directory; shared by all files of a run.
#[derive(Debug, Default)]
pub struct CrateIndex {
    roots: HashMap<PathBuf, Option<CrateRoot>>,
}

#[derive(Debug, Clone)]
struct CrateRoot {
    /// The directory that module paths are relative to (`src/` of a package).
    source_dir: PathBuf,
    sdk: Side,
}

impl CrateIndex {
    pub fn context_for(&mut self, file: &Path) -> FileContext {
        let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        let dir = file.parent().unwrap_or(Path::new("."));
        let root = self.root_for(dir);
        let source_dir = root
            .as_ref()
            .map(|r| r.source_dir.clone())
            .unwrap_or_else(|| dir.to_path_buf());
        FileContext {
            module_path: module_path(&source_dir, &file),
            sdk: root.map_or(Side::Server, |r| r.sdk),
        }
    }

    fn root_for(&mut self, dir: &Path) -> Option<CrateRoot> {
        if let Some(known) = self.roots.get(dir) {
            return known.clone();
        }
        let found = if let Some(manifest) = read_manifest(dir) {
            let src = dir.join("src");
            Some(CrateRoot {
                source_dir: if src.is_dir() { src } else { dir.to_path_buf() },
                sdk: sdk_of_manifest(&manifest),
            })
        } else if dir.join("main.rs").is_file() || dir.join("lib.rs").is_file() {
            // A crate without a manifest in view (a fixture): its root file marks the root,
            // unless a package further up claims it.
            let above = dir.parent().and_then(|p| self.root_for(p));
            match above {
                Some(root) if dir.starts_with(&root.source_dir) => Some(root),
                _ => Some(CrateRoot {
                    source_dir: dir.to_path_buf(),
                    sdk: Side::Server,
                }),
            }
        } else {
            dir.parent().and_then(|p| self.root_for(p))
        };
        self.roots.insert(dir.to_path_buf(), found.clone());
        found
    }
}

fn read_manifest(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("Cargo.toml")).ok()
}

fn sdk_of_manifest(manifest: &str) -> Side {
    if manifest.contains("tauri-plugin-mixpanel") {
        Side::Client
    } else {
        Side::Server
    }
}

fn module_path(source_dir: &Path, file: &Path) -> Vec<String> {
    let mut path = vec!["crate".to_owned()];
    let Ok(relative) = file.strip_prefix(source_dir) else {
        return path;
    };
    let parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if !last {
            path.push(part.clone());
            continue;
        }
        let stem = part.strip_suffix(".rs").unwrap_or(part);
        let is_root_file = i == 0 && (stem == "lib" || stem == "main");
        if stem != "mod" && !is_root_file {
            path.push(stem.to_owned());
        }
    }
    path
}
