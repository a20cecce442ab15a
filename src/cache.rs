//! The on-disk cache of lowered files: a re-run after editing one file lowers that one file.
//!
//! An entry is one file's [`LoweredFile`] (its module and `parse-error` diagnostics), stored
//! under a 128-bit hash (xxh3) of everything the lowering depends on: the text, the file's
//! [`FileContext`] (language, module path, SDK side, directory, name) and frontend
//! [`Options`] (tracker names, declared APIs), idlint's version, [`FORMAT`] and the build
//! of the running binary. Nothing else reaches a frontend, so an entry found under a key is
//! what lowering would give again. A lowering that panicked is never stored: the next run
//! lowers the file again and reports the panic again.
//!
//! Layout, as ruff's `.ruff_cache`: `<dir>/.gitignore` (`*`), `<dir>/CACHEDIR.TAG`, and one
//! file per entry, `<dir>/lowered/<first two hex digits of the key>/<the other 30>`. Entries
//! are written to a temporary file in the same folder and renamed into place, so concurrent
//! runs and a run killed half-way leave whole entries or none. An entry holds a magic
//! number, its key and a checksum of its body: a corrupt, truncated or foreign entry is a
//! miss, lowered again and overwritten. An entry a run uses gets its modification time
//! refreshed (at most once a day); at most once a day a run removes the entries nobody used
//! for [`MAX_UNUSED`], so edits do not pile entries up for ever.
//!
//! The cache is an optimisation only: a directory that cannot be created or written turns it
//! off for the run, silently, and the run is the same.
//!
//! **Invariant:** a run's findings are the same with a cold cache, a warm one, a corrupt one
//! and none (`tests/cache.rs`).

use std::cell::Cell;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Deserializer, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::diagnostic::{Diagnostic, Label, PARSE_ERROR, Severity};
use crate::driver::LoweredFile;
use crate::frontend::{FileContext, Options};
use crate::ir::{FileId, Module, Span};

/// The name of the default cache directory, at the project's root.
pub const DIR_NAME: &str = ".idlint_cache";

/// Bump when the IR or the entry layout changes in a way the version does not show.
pub const FORMAT: u32 = 1;

/// Entries no run has used for this long are removed.
pub const MAX_UNUSED: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// How often a run refreshes an entry's time, and how often one prunes.
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

const MAGIC: &[u8; 8] = b"idlint\x01L";
const HEADER: usize = MAGIC.len() + 16 + 8;

/// Where a run keeps its cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Location {
    /// No cache (the library's default, the editor server, `--no-cache`).
    #[default]
    Off,
    /// [`DIR_NAME`] at the project root: the folder of the configuration file that governs
    /// the first path, else the first path if it is a folder, else its folder.
    ProjectRoot,
    /// `--cache-dir DIR`.
    Dir(PathBuf),
}

/// The key of one lowering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u128);

impl Key {
    /// The key of lowering `text` with `context` and `options` in this build of idlint.
    pub fn of(text: &str, context: &FileContext, options: &Options) -> Key {
        let mut hasher = Xxh3::new();
        let mut field = |bytes: &[u8]| {
            hasher.update(&(bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        field(build_stamp().as_bytes());
        // Debug output of plain data (vectors, paths, enums; no maps): the same in every run.
        field(format!("{context:?}").as_bytes());
        field(format!("{options:?}").as_bytes());
        field(text.as_bytes());
        Key(hasher.digest128())
    }

    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// idlint's version, [`FORMAT`], and the size and time of the running binary: a rebuild
/// (a frontend changed without a new version) starts a fresh set of keys.
fn build_stamp() -> &'static str {
    static STAMP: OnceLock<String> = OnceLock::new();
    STAMP.get_or_init(|| {
        let binary = std::env::current_exe()
            .and_then(fs::metadata)
            .map(|m| {
                let time = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .unwrap_or_default();
                format!("{} {}", m.len(), time.as_nanos())
            })
            .unwrap_or_default();
        format!(
            "idlint {} format {FORMAT} build {binary}",
            env!("CARGO_PKG_VERSION")
        )
    })
}

/// An open cache directory.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    entries: PathBuf,
    /// A write failed: the disk is full or the folder went away; stop trying.
    broken: AtomicBool,
}

impl Cache {
    /// Opens (creating it if needed) the cache at `dir`; `None` when it cannot be created.
    pub fn open(dir: &Path) -> Option<Cache> {
        let entries = dir.join("lowered");
        if !dir.join("CACHEDIR.TAG").is_file() {
            fs::create_dir_all(dir).ok()?;
            // `*` keeps the whole folder, this file too, out of git.
            write_atomically(dir, &dir.join(".gitignore"), b"# Created by idlint.\n*\n").ok()?;
            write_atomically(
                dir,
                &dir.join("CACHEDIR.TAG"),
                b"Signature: 8a477f597d28d172789f06886806bc55\n\
                  # This file is a cache directory tag created by idlint.\n\
                  # For information about cache directory tags see https://bford.info/cachedir/\n",
            )
            .ok()?;
        }
        fs::create_dir_all(&entries).ok()?;
        Some(Cache {
            root: dir.to_path_buf(),
            entries,
            broken: AtomicBool::new(false),
        })
    }

    /// The folder of the cache.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: Key) -> (PathBuf, PathBuf) {
        let hex = key.hex();
        let shard = self.entries.join(&hex[..2]);
        let path = shard.join(&hex[2..]);
        (shard, path)
    }

    /// The lowering stored under `key`, its spans in `file`; `None` when there is none or it
    /// cannot be read whole.
    pub fn load(&self, key: Key, file: FileId) -> Option<LoweredFile> {
        let (_, path) = self.path_of(key);
        let mut handle = fs::File::open(&path).ok()?;
        let mut bytes = Vec::new();
        handle.read_to_end(&mut bytes).ok()?;
        let entry = decode(&bytes, key, file)?;
        let stale = handle
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > DAY);
        if stale {
            let _ = handle.set_modified(SystemTime::now());
        }
        Some(entry)
    }

    /// Stores `lowered` under `key`, unless it records a panic. Failing to write is not an
    /// error: the entry is simply not there next time.
    pub fn store(&self, key: Key, lowered: &LoweredFile) {
        if lowered.internal_error.is_some() || self.broken.load(Ordering::Relaxed) {
            return;
        }
        let Some(bytes) = encode(key, lowered) else {
            return;
        };
        let (shard, path) = self.path_of(key);
        let written = write_atomically(&shard, &path, &bytes).or_else(|_| {
            fs::create_dir_all(&shard)?;
            write_atomically(&shard, &path, &bytes)
        });
        if written.is_err() {
            self.broken.store(true, Ordering::Relaxed);
        }
    }

    /// At most once a day: removes entries (and temporary files left by killed runs) that no
    /// run has used for [`MAX_UNUSED`].
    pub fn prune(&self) {
        let marker = self.root.join("last-prune");
        let recent = fs::metadata(&marker)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age < DAY);
        if recent || fs::write(&marker, b"").is_err() {
            return;
        }
        let Some(cutoff) = SystemTime::now().checked_sub(MAX_UNUSED) else {
            return;
        };
        prune_older_than(&self.entries, cutoff);
    }
}

/// Removes the files below `entries/<shard>/` last modified before `cutoff`.
pub fn prune_older_than(entries: &Path, cutoff: SystemTime) {
    let Ok(shards) = fs::read_dir(entries) else {
        return;
    };
    for shard in shards.flatten() {
        let Ok(files) = fs::read_dir(shard.path()) else {
            continue;
        };
        for file in files.flatten() {
            let old = file
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < cutoff);
            if old {
                let _ = fs::remove_file(file.path());
            }
        }
    }
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A `parse-error` diagnostic without its file.
#[derive(Serialize, Deserialize)]
struct StoredError {
    error: bool,
    message: String,
    span: Span,
    label: String,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    module: &'a Module,
    parse_errors: Vec<StoredError>,
}

#[derive(Deserialize)]
struct Entry {
    module: Module,
    parse_errors: Vec<StoredError>,
}

fn encode(key: Key, lowered: &LoweredFile) -> Option<Vec<u8>> {
    let mut parse_errors = Vec::with_capacity(lowered.parse_errors.len());
    for d in &lowered.parse_errors {
        // Only what `driver::lower_file` makes; anything else is not stored.
        if d.rule != PARSE_ERROR || !d.secondary.is_empty() || !d.call_chain.is_empty() {
            return None;
        }
        let error = match d.severity {
            Severity::Error => true,
            Severity::Note => false,
            Severity::Warning => return None,
        };
        parse_errors.push(StoredError {
            error,
            message: d.message.clone(),
            span: d.primary.span,
            label: d.primary.message.clone(),
            notes: d.notes.clone(),
        });
    }
    let entry = EntryRef {
        module: &lowered.module,
        parse_errors,
    };
    let body = postcard::to_stdvec(&entry).ok()?;
    let mut bytes = Vec::with_capacity(HEADER + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&key.0.to_le_bytes());
    bytes.extend_from_slice(&xxh3_64(&body).to_le_bytes());
    bytes.extend_from_slice(&body);
    Some(bytes)
}

fn decode(bytes: &[u8], key: Key, file: FileId) -> Option<LoweredFile> {
    if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
        return None;
    }
    let (stored_key, rest) = bytes[MAGIC.len()..].split_at(16);
    let (checksum, body) = rest.split_at(8);
    if stored_key != key.0.to_le_bytes() || checksum != xxh3_64(body).to_le_bytes() {
        return None;
    }
    let entry: Entry = with_file(file, || postcard::from_bytes(body).ok())?;
    let parse_errors = entry
        .parse_errors
        .into_iter()
        .map(|e| {
            let severity = if e.error {
                Severity::Error
            } else {
                Severity::Note
            };
            let mut diagnostic = Diagnostic::new(PARSE_ERROR, severity, e.span, e.message);
            diagnostic.primary = Label {
                span: e.span,
                message: e.label,
            };
            diagnostic.notes = e.notes;
            diagnostic
        })
        .collect();
    Some(LoweredFile {
        module: entry.module,
        parse_errors,
        internal_error: None,
    })
}

thread_local! {
    /// While an entry is read: the file its spans are in. Every span of a lowered file is in
    /// that file, so the entry is stored without its file id and given the reader's.
    static LOADING_AS: Cell<Option<FileId>> = const { Cell::new(None) };
}

fn with_file<R>(file: FileId, read: impl FnOnce() -> R) -> R {
    LOADING_AS.with(|f| f.set(Some(file)));
    let result = read();
    LOADING_AS.with(|f| f.set(None));
    result
}

/// A file id is read as the file being loaded (see [`LOADING_AS`]); outside the cache, as
/// written.
impl<'de> Deserialize<'de> for FileId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FileId, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "FileId")]
        struct Written(u32);
        let Written(written) = Written::deserialize(deserializer)?;
        Ok(LOADING_AS.with(Cell::get).unwrap_or(FileId(written)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_round_trips_with_the_readers_file_id() {
        let span = Span {
            file: FileId(7),
            start: 3,
            end: 9,
        };
        let mut module = Module::empty(FileId(7), crate::ir::Language::Python, vec!["m".into()]);
        module.trackers.push("mp".into());
        let lowered = LoweredFile {
            module,
            parse_errors: vec![
                Diagnostic::new(PARSE_ERROR, Severity::Note, span, "bad").with_note("n"),
            ],
            internal_error: None,
        };
        let key = Key(42);
        let bytes = encode(key, &lowered).unwrap();
        let back = decode(&bytes, key, FileId(2)).unwrap();
        assert_eq!(back.module.file, FileId(2));
        assert_eq!(back.module.trackers, vec!["mp".to_string()]);
        assert_eq!(back.parse_errors[0].primary.span.file, FileId(2));
        assert_eq!(back.parse_errors[0].severity, Severity::Note);
        assert_eq!(back.parse_errors[0].notes, vec!["n".to_string()]);
        // Another key, a flipped byte or a cut: a miss.
        assert!(decode(&bytes, Key(43), FileId(2)).is_none());
        for at in [0, HEADER, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[at] ^= 1;
            assert!(decode(&bad, key, FileId(2)).is_none(), "flipped at {at}");
        }
        assert!(decode(&bytes[..bytes.len() - 1], key, FileId(2)).is_none());
    }

    #[test]
    fn pruning_removes_only_entries_unused_for_long() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let shard = cache.entries.join("ab");
        fs::create_dir_all(&shard).unwrap();
        let (old, new) = (shard.join("old"), shard.join("new"));
        fs::write(&old, b"x").unwrap();
        fs::write(&new, b"x").unwrap();
        let long_ago = SystemTime::now() - MAX_UNUSED - DAY;
        fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        cache.prune();
        assert!(!old.exists() && new.exists());
        assert!(dir.path().join("CACHEDIR.TAG").is_file());
        // Pruned today: the next run does not walk the entries again.
        fs::write(&old, b"x").unwrap();
        fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        cache.prune();
        assert!(old.exists());
    }
}
