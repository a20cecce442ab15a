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
//! pack per run root, `<dir>/v<FORMAT>/<32 hex digits>.pack` (see [`pack_name`]), holding
//! the entries of every file that root's last run lowered. A run reads its pack once, when it
//! opens the cache, and indexes it (key → bytes); a lookup decodes only its entry, from any
//! worker. What a run lowers is collected in memory, and [`Cache::finish`], once lowering is
//! over, writes a new pack of the entries the run used (hits, copied as bytes, and new
//! ones) to a temporary file in the same folder, renamed over the old pack: concurrent runs
//! and a run killed half-way leave a whole pack (the last writer's) or the old one. A warm
//! run that found everything and used everything writes nothing.
//!
//! Why one pack and not one file per entry: creating a file costs about 0.4 ms of system
//! time on a common ext4 disk, so writing 2,460 entries tripled a cold run (BENCHMARKS.md).
//! Why "used by this run" is what is kept: it is what the next run of the same root will look
//! up, and it bounds the pack without pruning by age (an edited file's old entry goes at the
//! next write). Packs of roots no longer analysed are removed when another pack is written
//! after [`MAX_UNUSED`] without being rewritten.
//!
//! A pack holds a magic number, [`FORMAT`], its entry count and a checksum of everything
//! after the header: a corrupt, truncated or foreign pack is empty (every lookup misses) and
//! is overwritten at the end of the run.
//!
//! The cache is an optimisation only: a directory that cannot be created turns it off for the
//! run, a pack that cannot be written is not written, silently, and the run is the same.
//!
//! **Invariant:** a run's findings are the same with a cold cache, a warm one, a corrupt one
//! and none (`tests/cache.rs`).

use std::cell::Cell;
use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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

/// Bump when the IR or the pack layout changes in a way the version does not show.
pub const FORMAT: u32 = 2;

/// A pack not rewritten for this long, whose root no run may analyse any more, is removed
/// when a run writes another pack in the same folder.
pub const MAX_UNUSED: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// A temporary file older than this was left by a killed run.
const LEFT_BEHIND: Duration = Duration::from_secs(24 * 60 * 60);

/// `idlint`, then `P` for pack and the layout's version.
const MAGIC: &[u8; 8] = b"idlintP\x02";
/// The magic number, [`FORMAT`], the entry count and the checksum of the records.
const HEADER: usize = MAGIC.len() + 4 + 4 + 8;
/// A record: its key, the length of its body, then the body.
const RECORD_HEADER: usize = 16 + 4;

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

/// An open cache directory and this run's pack.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    /// This run's pack: where it was read from and where it is written.
    pack: PathBuf,
    /// The pack as read; empty when there was none or it was not a valid pack.
    bytes: Vec<u8>,
    /// Key → position in `records`.
    index: HashMap<u128, usize>,
    /// Each record of `bytes`, whole (key, length, body).
    records: Vec<Range<usize>>,
    /// Which records this run has used.
    used: Vec<AtomicBool>,
    /// A file was there but not a valid pack: overwrite it even if nothing else changed.
    rejected: bool,
    /// Records of what this run lowered, in the pack's layout.
    new: Mutex<Vec<(u128, Vec<u8>)>>,
}

impl Cache {
    /// Opens (creating it if needed) the cache at `dir` and reads the pack of a run over
    /// `roots` (see [`pack_name`]); `None` when the folder cannot be created.
    pub fn open(dir: &Path, roots: &[PathBuf], parse_all: bool) -> Option<Cache> {
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
        let packs = dir.join(format!("v{FORMAT}"));
        fs::create_dir_all(&packs).ok()?;
        let pack = packs.join(pack_name(roots, parse_all));
        // One read; a pack that cannot be read is as good as none.
        let bytes = fs::read(&pack).unwrap_or_default();
        let (index, records, rejected) = match index_pack(&bytes) {
            Some((index, records)) => (index, records, false),
            None => (HashMap::new(), Vec::new(), true),
        };
        let bytes = if records.is_empty() {
            Vec::new()
        } else {
            bytes
        };
        Some(Cache {
            root: dir.to_path_buf(),
            pack,
            bytes,
            used: records.iter().map(|_| AtomicBool::new(false)).collect(),
            index,
            records,
            rejected,
            new: Mutex::new(Vec::new()),
        })
    }

    /// The folder of the cache.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// The lowering stored under `key`, its spans in `file`; `None` when there is none or it
    /// cannot be read whole.
    pub fn load(&self, key: Key, file: FileId) -> Option<LoweredFile> {
        let &at = self.index.get(&key.0)?;
        let record = &self.bytes[self.records[at].clone()];
        let entry = decode(&record[RECORD_HEADER..], file)?;
        self.used[at].store(true, Ordering::Relaxed);
        Some(entry)
    }

    /// Keeps `lowered` under `key` for the pack [`finish`](Cache::finish) writes, unless it
    /// records a panic.
    pub fn store(&self, key: Key, lowered: &LoweredFile) {
        if lowered.internal_error.is_some() {
            return;
        }
        let Some(body) = encode(lowered) else {
            return;
        };
        let Ok(length) = u32::try_from(body.len()) else {
            return;
        };
        let mut record = Vec::with_capacity(RECORD_HEADER + body.len());
        record.extend_from_slice(&key.0.to_le_bytes());
        record.extend_from_slice(&length.to_le_bytes());
        record.extend_from_slice(&body);
        let mut new = self.new.lock().unwrap_or_else(|e| e.into_inner());
        new.push((key.0, record));
    }

    /// Once lowering is over: when the run lowered something, left an entry unused or found
    /// a damaged pack, writes the pack of the entries it used and those it lowered. Failing
    /// to write is not an error: the next run finds the old pack, or none.
    pub fn finish(self) {
        let new = self.new.into_inner().unwrap_or_else(|e| e.into_inner());
        let unused = self.used.iter().any(|u| !u.load(Ordering::Relaxed));
        if new.is_empty() && !unused && !self.rejected {
            return;
        }
        let mut records: Vec<(u128, &[u8])> = self
            .records
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| used.load(Ordering::Relaxed))
            .map(|(range, _)| {
                let record = &self.bytes[range.clone()];
                (key_of_record(record), record)
            })
            .chain(new.iter().map(|(key, record)| (*key, record.as_slice())))
            .collect();
        // The same text in the same context twice is one entry; sorted, a pack's bytes depend
        // on its entries only.
        records.sort_unstable_by_key(|(key, _)| *key);
        records.dedup_by_key(|(key, _)| *key);
        let folder = self.pack.parent().unwrap_or(Path::new("."));
        if write_pack(folder, &self.pack, &records).is_ok() {
            remove_unused_packs(folder, &self.pack);
        }
    }
}

/// The pack of a run: a hash of the canonical paths it was given (sorted, so their order
/// does not matter) and of whether it parses every file.
///
/// One pack per root, as ruff keeps one cache file per package: `idlint check src` and
/// `idlint check .` lower different files, and each keeps what it uses without dropping the
/// other's. The parse mode is in the name because a run on demand lowers a subset of what
/// `--parse-all` lowers: sharing one pack, each would drop the other's extra entries and
/// rewrite the pack, so alternating the two (a pre-commit hook and a full check) would make
/// every run partly cold. Two packs cost some disk (the on-demand one is mostly a subset);
/// each stays unwritten while nothing changes.
pub fn pack_name(roots: &[PathBuf], parse_all: bool) -> String {
    let mut canonical: Vec<PathBuf> = roots
        .iter()
        .map(|root| fs::canonicalize(root).unwrap_or_else(|_| root.clone()))
        .collect();
    canonical.sort();
    canonical.dedup();
    let mut hasher = Xxh3::new();
    for root in &canonical {
        let bytes = root.as_os_str().as_encoded_bytes();
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher.update(if parse_all {
        b"parse-all"
    } else {
        b"on-demand"
    });
    format!("{:032x}.pack", hasher.digest128())
}

fn key_of_record(record: &[u8]) -> u128 {
    let mut key = [0; 16];
    key.copy_from_slice(&record[..16]);
    u128::from_le_bytes(key)
}

/// The records of a pack by key; `None` when `bytes` is not a whole pack of this format.
/// No pack (no bytes) is an empty one.
#[allow(clippy::type_complexity)]
fn index_pack(bytes: &[u8]) -> Option<(HashMap<u128, usize>, Vec<Range<usize>>)> {
    if bytes.is_empty() {
        return Some((HashMap::new(), Vec::new()));
    }
    if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
        return None;
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let format = word(MAGIC.len());
    let count = word(MAGIC.len() + 4) as usize;
    let checksum = &bytes[MAGIC.len() + 8..HEADER];
    if format != FORMAT || checksum != xxh3_64(&bytes[HEADER..]).to_le_bytes() {
        return None;
    }
    // The count is outside the checksum: never trust it for an allocation.
    let capacity = count.min(bytes.len() / RECORD_HEADER);
    let mut index = HashMap::with_capacity(capacity);
    let mut records = Vec::with_capacity(capacity);
    let mut at = HEADER;
    while at < bytes.len() {
        let body = at
            .checked_add(RECORD_HEADER)
            .filter(|&b| b <= bytes.len())?;
        let length = word(at + 16) as usize;
        let end = body.checked_add(length).filter(|&e| e <= bytes.len())?;
        index.insert(key_of_record(&bytes[at..]), records.len());
        records.push(at..end);
        at = end;
    }
    (records.len() == count).then_some((index, records))
}

fn write_pack(folder: &Path, path: &Path, records: &[(u128, &[u8])]) -> std::io::Result<()> {
    let count = u32::try_from(records.len()).map_err(std::io::Error::other)?;
    let mut checksum = Xxh3::new();
    for (_, record) in records {
        checksum.update(record);
    }
    let file = tempfile::NamedTempFile::new_in(folder)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    out.write_all(MAGIC)?;
    out.write_all(&FORMAT.to_le_bytes())?;
    out.write_all(&count.to_le_bytes())?;
    out.write_all(&checksum.digest().to_le_bytes())?;
    for (_, record) in records {
        out.write_all(record)?;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Removes the other packs of `folder` not written for [`MAX_UNUSED`] (their roots' runs,
/// if any, start cold once) and temporary files that killed runs left behind.
fn remove_unused_packs(folder: &Path, kept: &Path) {
    let Ok(files) = fs::read_dir(folder) else {
        return;
    };
    for file in files.flatten() {
        let path = file.path();
        let name = file.file_name();
        let name = name.to_string_lossy();
        let limit = if name.ends_with(".pack") {
            MAX_UNUSED
        } else if name.starts_with(".tmp") {
            LEFT_BEHIND
        } else {
            continue;
        };
        let old = file
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > limit);
        if old && path != kept {
            let _ = fs::remove_file(path);
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

fn encode(lowered: &LoweredFile) -> Option<Vec<u8>> {
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
    postcard::to_stdvec(&entry).ok()
}

fn decode(body: &[u8], file: FileId) -> Option<LoweredFile> {
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

    fn lowered(file: u32, tracker: &str) -> LoweredFile {
        let mut module = Module::empty(FileId(file), crate::ir::Language::Python, vec!["m".into()]);
        module.trackers.push(tracker.into());
        LoweredFile {
            module,
            parse_errors: Vec::new(),
            internal_error: None,
        }
    }

    #[test]
    fn an_entry_round_trips_with_the_readers_file_id() {
        let span = Span {
            file: FileId(7),
            start: 3,
            end: 9,
        };
        let mut entry = lowered(7, "mp");
        entry.parse_errors =
            vec![Diagnostic::new(PARSE_ERROR, Severity::Note, span, "bad").with_note("n")];
        let back = decode(&encode(&entry).unwrap(), FileId(2)).unwrap();
        assert_eq!(back.module.file, FileId(2));
        assert_eq!(back.module.trackers, vec!["mp".to_string()]);
        assert_eq!(back.parse_errors[0].primary.span.file, FileId(2));
        assert_eq!(back.parse_errors[0].severity, Severity::Note);
        assert_eq!(back.parse_errors[0].notes, vec!["n".to_string()]);
    }

    fn packs(dir: &Path) -> Vec<PathBuf> {
        let mut packs: Vec<PathBuf> = fs::read_dir(dir.join(format!("v{FORMAT}")))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        packs.sort();
        packs
    }

    /// A run keeps what it used and what it lowered, and nothing else; a run that used
    /// everything and lowered nothing writes nothing.
    #[test]
    fn a_pack_keeps_the_entries_its_last_run_used() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [dir.path().to_path_buf()];
        let open = || Cache::open(dir.path(), &roots, false).unwrap();
        let cache = open();
        assert!(cache.records.is_empty() && !cache.rejected);
        cache.store(Key(1), &lowered(0, "a"));
        cache.store(Key(2), &lowered(1, "b"));
        cache.store(Key(2), &lowered(1, "b"));
        cache.finish();
        let [pack] = &packs(dir.path())[..] else {
            panic!("one pack")
        };
        let written = fs::metadata(pack).unwrap().modified().unwrap();

        let cache = open();
        assert_eq!(cache.records.len(), 2, "one entry per key");
        assert_eq!(
            cache.load(Key(2), FileId(5)).unwrap().module.trackers,
            ["b"]
        );
        assert_eq!(
            cache.load(Key(1), FileId(0)).unwrap().module.file,
            FileId(0)
        );
        assert!(cache.load(Key(3), FileId(0)).is_none());
        cache.finish();
        assert_eq!(fs::metadata(pack).unwrap().modified().unwrap(), written);

        // Key 1 unused, key 3 new: the pack holds 2 and 3.
        let cache = open();
        cache.load(Key(2), FileId(0)).unwrap();
        cache.store(Key(3), &lowered(0, "c"));
        cache.finish();
        let cache = open();
        let mut keys: Vec<u128> = cache.index.keys().copied().collect();
        keys.sort();
        assert_eq!(keys, [2, 3]);
        // Another root, or the same one parsing every file: another pack.
        assert!(
            Cache::open(dir.path(), &roots, true)
                .unwrap()
                .records
                .is_empty()
        );
        let elsewhere = [PathBuf::from("elsewhere")];
        assert!(
            Cache::open(dir.path(), &elsewhere, false)
                .unwrap()
                .records
                .is_empty()
        );
    }

    /// A flipped byte anywhere, a cut, another format: the pack is empty and rewritten.
    #[test]
    fn a_damaged_pack_is_empty_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [dir.path().to_path_buf()];
        let open = || Cache::open(dir.path(), &roots, false).unwrap();
        let cache = open();
        cache.store(Key(1), &lowered(0, "a"));
        cache.store(Key(2), &lowered(1, "b"));
        cache.finish();
        let pack = packs(dir.path()).remove(0);
        let good = fs::read(&pack).unwrap();
        assert_eq!(open().records.len(), 2);
        let mut damaged: Vec<Vec<u8>> = (0..good.len())
            .map(|at| {
                let mut bad = good.clone();
                bad[at] ^= 1;
                bad
            })
            .collect();
        let mut huge_count = good.clone();
        huge_count[MAGIC.len() + 7] = 0xff;
        damaged.push(huge_count);
        damaged.push(good[..good.len() - 1].to_vec());
        damaged.push(good[..HEADER].to_vec());
        damaged.push([good.clone(), good.clone()].concat());
        for bad in damaged {
            fs::write(&pack, &bad).unwrap();
            let cache = open();
            assert!(cache.rejected && cache.load(Key(1), FileId(0)).is_none());
            cache.finish();
            let rewritten = open();
            assert!(
                !rewritten.rejected && rewritten.records.is_empty(),
                "an empty pack"
            );
            fs::write(&pack, &good).unwrap();
        }
    }

    /// Writing a pack removes other packs not written for a month and old temporary files.
    #[test]
    fn writing_a_pack_removes_packs_unused_for_long() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), &[dir.path().to_path_buf()], false).unwrap();
        let folder = dir.path().join(format!("v{FORMAT}"));
        let (old, recent, temp) = (
            folder.join("old.pack"),
            folder.join("recent.pack"),
            folder.join(".tmpXYZ"),
        );
        for file in [&old, &recent, &temp] {
            fs::write(file, b"x").unwrap();
        }
        let long_ago = SystemTime::now() - MAX_UNUSED - LEFT_BEHIND;
        for file in [&old, &temp] {
            fs::File::options()
                .write(true)
                .open(file)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        cache.store(Key(1), &lowered(0, "a"));
        cache.finish();
        assert!(!old.exists() && !temp.exists() && recent.exists());
        assert_eq!(packs(dir.path()).len(), 2);
        assert!(dir.path().join("CACHEDIR.TAG").is_file());
    }
}
