//! Facts about a file that the file itself does not show: its module path (where it sits in
//! its crate or package) and which Mixpanel SDK its project depends on (`Cargo.toml`,
//! `package.json`).

use crate::sdk::{JAVASCRIPT_SDKS, SdkId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::ir::{Language, Side};

#[derive(Debug, Clone)]
pub struct FileContext {
    pub language: Language,
    /// `["crate", "handlers", "signup"]` for `src/handlers/signup.rs`; for JavaScript and
    /// TypeScript, the file's absolute path without extension (and without a final `index`),
    /// which is what an import specifier resolves to.
    pub module_path: Vec<String>,
    /// The side of the SDK the project uses when a file does not say.
    pub sdk: Side,
    /// The file's directory, for resolving relative imports (relative to the run's root for
    /// scripts, like their module paths).
    pub directory: PathBuf,
    /// The file's name (`App.tsx`): the extension picks the grammar.
    pub file_name: String,
}

/// Finds crate and package roots once per directory; shared by all files of a run.
#[derive(Debug, Default)]
pub struct ProjectIndex {
    roots: HashMap<PathBuf, Option<CrateRoot>>,
    packages: HashMap<PathBuf, Option<Side>>,
    /// What script module paths are relative to: every function and import of a module
    /// repeats its module path, so an absolute one (a dozen names) costs more than the code.
    script_root: Option<PathBuf>,
    /// Directory as named → canonical: a tree's files share few directories, and resolving
    /// every component of every file's path was most of a run's system time.
    canonical_dirs: HashMap<PathBuf, PathBuf>,
    /// The paths named (a run's or a workspace's roots) that are links: the only files that
    /// can be, since links met while walking a directory are not followed (`discover`).
    named_links: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
struct CrateRoot {
    /// The directory that module paths are relative to (`src/` of a package).
    source_dir: PathBuf,
    sdk: Side,
}

impl ProjectIndex {
    /// An index whose script module paths are relative to the deepest directory that holds
    /// all of `paths` (a run's or a workspace's roots).
    /// `file`'s canonical path, its directory resolved once for all its files (a file that
    /// is itself a link is resolved on its own).
    fn canonical(&mut self, file: &Path) -> PathBuf {
        let resolve = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let is_link = self.named_links.iter().any(|link| link == file);
        match (file.parent(), file.file_name()) {
            (Some(dir), Some(name)) if !is_link && !dir.as_os_str().is_empty() => self
                .canonical_dirs
                .entry(dir.to_path_buf())
                .or_insert_with(|| resolve(dir))
                .join(name),
            _ => resolve(file),
        }
    }

    pub fn under(paths: &[PathBuf]) -> ProjectIndex {
        ProjectIndex {
            script_root: common_directory(paths),
            named_links: paths
                .iter()
                .filter(|p| {
                    p.symlink_metadata()
                        .is_ok_and(|m| m.file_type().is_symlink())
                })
                .cloned()
                .collect(),
            ..ProjectIndex::default()
        }
    }

    pub fn context_for(&mut self, file: &Path, language: Language) -> FileContext {
        let file = self.canonical(file);
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match language {
            Language::Rust => {
                let root = self.root_for(&dir);
                let source_dir = root
                    .as_ref()
                    .map(|r| r.source_dir.clone())
                    .unwrap_or_else(|| dir.to_path_buf());
                FileContext {
                    language,
                    module_path: module_path(&source_dir, &file),
                    sdk: root.map_or(Side::Server, |r| r.sdk),
                    directory: dir,
                    file_name,
                }
            }
            Language::Python => FileContext {
                language,
                module_path: python_module_path(&file),
                // The Python SDK is a server SDK.
                sdk: Side::Server,
                directory: dir,
                file_name,
            },
            Language::JavaScript | Language::TypeScript => {
                let sdk = self.package_sdk(&dir).unwrap_or(Side::Client);
                FileContext {
                    language,
                    module_path: script_module_path(&self.relative(&file)),
                    sdk,
                    directory: self.relative(&dir),
                    file_name,
                }
            }
            // Mobile SDKs are client SDKs. A file's path names it as a script's does; Swift
            // and Objective-C share one namespace per target and Java and Kotlin name their
            // package in the file, so the frontends resolve types by name, not by this path.
            Language::Swift | Language::ObjectiveC | Language::Kotlin | Language::Java => {
                FileContext {
                    language,
                    module_path: script_module_path(&self.relative(&file)),
                    sdk: Side::Client,
                    directory: self.relative(&dir),
                    file_name,
                }
            }
        }
    }

    /// `path` below the run's common root, for module paths.
    fn relative(&self, path: &Path) -> PathBuf {
        match &self.script_root {
            Some(root) => path.strip_prefix(root).unwrap_or(path).to_path_buf(),
            None => path.to_path_buf(),
        }
    }

    /// The SDK side named by the nearest `package.json` that depends on a Mixpanel SDK.
    fn package_sdk(&mut self, dir: &Path) -> Option<Side> {
        if let Some(known) = self.packages.get(dir) {
            return *known;
        }
        let here = std::fs::read_to_string(dir.join("package.json"))
            .ok()
            .and_then(|manifest| sdk_of_package(&manifest));
        let found = here.or_else(|| dir.parent().and_then(|p| self.package_sdk(p)));
        self.packages.insert(dir.to_path_buf(), found);
        found
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

/// A crate that depends on `tauri-plugin-mixpanel` (under any table, also renamed) is a client.
fn sdk_of_manifest(manifest: &str) -> Side {
    let dependencies = cargo_dependencies(manifest);
    let client = SdkId::Tauri.sdk().packages;
    if dependencies.iter().any(|d| client.contains(&d.as_str())) {
        Side::Client
    } else {
        Side::Server
    }
}

/// The package names a `Cargo.toml` depends on: every dependency table, the target-specific
/// ones too, with `package = ".."` renames resolved. A manifest that does not parse has none.
fn cargo_dependencies(manifest: &str) -> Vec<String> {
    let Ok(manifest) = manifest.parse::<toml::Table>() else {
        return Vec::new();
    };
    let tables = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut found = Vec::new();
    let mut collect = |table: &toml::Table| {
        for key in tables {
            let Some(dependencies) = table.get(key).and_then(toml::Value::as_table) else {
                continue;
            };
            for (name, spec) in dependencies {
                let package = spec.get("package").and_then(toml::Value::as_str);
                found.push(package.unwrap_or(name).to_owned());
            }
        }
    };
    collect(&manifest);
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values().filter_map(toml::Value::as_table) {
            collect(target);
        }
    }
    found
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

/// The side of the Mixpanel SDK a `package.json` depends on, if any. Only dependency fields
/// count: `"keywords": ["mixpanel"]` says nothing about the SDK.
fn sdk_of_package(manifest: &str) -> Option<Side> {
    let Ok(serde_json::Value::Object(package)) = serde_json::from_str(manifest) else {
        return None;
    };
    let fields = [
        "dependencies",
        "devDependencies",
        "peerDependencies",
        "optionalDependencies",
    ];
    let depends_on = |name: &str| {
        fields
            .iter()
            .filter_map(|field| package.get(*field)?.as_object())
            .any(|dependencies| dependencies.contains_key(name))
    };
    // A client SDK wins: an app with a browser and a server part tracks users on the client.
    let sides = JAVASCRIPT_SDKS
        .iter()
        .filter(|sdk| sdk.sdk().packages.iter().any(|p| depends_on(p)))
        .map(|sdk| sdk.side());
    sides.min_by_key(|side| *side != Side::Client)
}

/// Extensions an import specifier may leave out, in the order Node and TypeScript try them.
pub const SCRIPT_EXTENSIONS: &[&str] =
    &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "vue"];

/// A script's module path: its absolute path without extension and without a final `index`,
/// so `./lib`, `./lib.js` and `./lib/index.ts` all name the same module.
pub fn script_module_path(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|last| last == "index") {
        parts.pop();
    }
    parts
}

/// Resolves a relative import specifier (`./analytics`, `../lib/index.js`) from `directory`;
/// `None` for a package, or a file above the run's root (no file there is analysed).
pub fn resolve_specifier(directory: &Path, specifier: &str) -> Option<Vec<String>> {
    if !specifier.starts_with('.') {
        return None;
    }
    let mut path = directory.to_path_buf();
    for part in specifier.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if !path.pop() && path.is_relative() {
                    return None;
                }
            }
            other => path.push(other),
        }
    }
    let has_script_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e));
    if !has_script_extension {
        // `./lib` is `./lib.ts` or `./lib/index.ts`: both map to the module path of `./lib`.
        path.set_extension("ts");
    }
    Some(script_module_path(&path))
}

/// The deepest directory that holds all of `paths` (canonical), if they share one.
fn common_directory(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut canonical = paths.iter().filter_map(|path| {
        let path = path.canonicalize().ok()?;
        Some(if path.is_dir() {
            path
        } else {
            path.parent()?.to_path_buf()
        })
    });
    let first = canonical.next()?;
    Some(canonical.fold(first, |common, path| {
        common
            .components()
            .zip(path.components())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    }))
}

/// A Python file's dotted module path: `app/views.py` is `app.views` when `app/` is a package
/// (has `__init__.py`); the walk up stops at the first directory that is not a package.
pub fn python_module_path(file: &Path) -> Vec<String> {
    let mut parts = Vec::new();
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != "__init__" {
        parts.push(stem);
    }
    let mut dir = file.parent();
    while let Some(current) = dir {
        if !current.join("__init__.py").is_file() {
            break;
        }
        if let Some(name) = current.file_name() {
            parts.push(name.to_string_lossy().into_owned());
        }
        dir = current.parent();
    }
    parts.reverse();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_module_paths_are_relative_to_the_common_root_and_imports_agree() {
        let root = std::env::temp_dir().join(format!("idlint-root-{}", std::process::id()));
        let (web, lib) = (root.join("app/web"), root.join("app/lib"));
        std::fs::create_dir_all(&web).unwrap();
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(web.join("page.ts"), "").unwrap();
        std::fs::write(lib.join("track.ts"), "").unwrap();
        let mut index = ProjectIndex::under(&[web.clone(), lib.clone()]);
        let page = index.context_for(&web.join("page.ts"), Language::TypeScript);
        let track = index.context_for(&lib.join("track.ts"), Language::TypeScript);
        assert_eq!(track.module_path, ["lib", "track"]);
        assert_eq!(page.module_path, ["web", "page"]);
        let imported = resolve_specifier(&page.directory, "../lib/track");
        assert_eq!(imported.as_deref(), Some(&track.module_path[..]));
        // Above the root nothing is analysed: the import resolves to no module.
        assert_eq!(resolve_specifier(&page.directory, "../../../x"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn package_json_sides_come_from_dependency_fields_only() {
        let browser = r#"{"dependencies": {"mixpanel-browser": "^2.55.0"}}"#;
        assert_eq!(sdk_of_package(browser), Some(Side::Client));
        let node = r#"{"devDependencies": {"mixpanel": "0.18.0"}}"#;
        assert_eq!(sdk_of_package(node), Some(Side::Server));
        let keywords = r#"{"keywords": ["mixpanel"], "dependencies": {"react": "18"}}"#;
        assert_eq!(sdk_of_package(keywords), None);
        assert_eq!(sdk_of_package("{ not json"), None);
    }

    #[test]
    fn cargo_manifests_are_read_as_toml() {
        let tauri = "[target.'cfg(desktop)'.dependencies]\nmp = { package = \"tauri-plugin-mixpanel\", version = \"0.2\" }\n";
        assert_eq!(sdk_of_manifest(tauri), Side::Client);
        let mention = "[package]\nname = \"x\"\ndescription = \"not tauri-plugin-mixpanel\"\n";
        assert_eq!(sdk_of_manifest(mention), Side::Server);
        assert_eq!(sdk_of_manifest("not [toml"), Side::Server);
    }
}
