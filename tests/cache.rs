//! The on-disk cache of lowered files changes nothing but time: the findings with a cold
//! cache, a warm one, a corrupt one and none are the same; an edit re-lowers the edited file
//! only; a changed configuration does not reuse what was lowered under the old one.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{json, stdout, write};

/// Runs `idlint` in `dir` with the cache where the arguments and `env` say, not the suite's.
fn idlint_own_cache(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_idlint"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("IDLINT_CACHE_DIR")
        .env_remove("IDLINT_NO_CACHE");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("idlint runs")
}

/// The diagnostics of a JSON run (everything but the summary) and its summary's
/// `(parsed, from_cache)`.
fn run(dir: &Path, args: &[&str]) -> (serde_json::Value, u64, u64) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = idlint_own_cache(dir, &all, &[]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{all:?}: {}",
        common::stderr(&output)
    );
    let report = json(&output);
    let summary = &report["summary"];
    (
        report["diagnostics"].clone(),
        summary["parsed"].as_u64().unwrap(),
        summary["from_cache"].as_u64().unwrap(),
    )
}

/// Every fixture folder: the demos, each rule's cases per language, the frontends' constructs
/// (with their syntax errors).
fn every_fixture() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        if path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("demo-")
        {
            cases.push(path);
            continue;
        }
        for case in std::fs::read_dir(&path).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                cases.push(case);
            }
        }
    }
    cases.sort();
    cases
}

fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Every file of every fixture is lowered (`--parse-all`) cold, then read back warm: the
/// report is the one without a cache, parse errors and notes included.
#[test]
fn every_fixture_reports_the_same_cold_warm_and_without_cache() {
    let cache = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = every_fixture();
    assert!(cases.len() > 40, "{cases:?}");
    let mut warm_hits = 0;
    for (i, case) in cases.iter().enumerate() {
        let case = case.to_str().unwrap();
        let dir = cache.path().join(i.to_string());
        let dir = dir.to_str().unwrap();
        let (none, parsed, _) = run(root, &["--parse-all", "--no-cache", case]);
        let (cold, _, cold_hits) = run(root, &["--parse-all", "--cache-dir", dir, case]);
        let (warm, _, hits) = run(root, &["--parse-all", "--cache-dir", dir, case]);
        assert_eq!(cold_hits, 0, "{case}: a new cache has no entries");
        assert_eq!(none, cold, "{case}: a cold cache changed the report");
        assert_eq!(none, warm, "{case}: a warm cache changed the report");
        assert_eq!(hits, parsed, "{case}: every file comes from the warm cache");
        warm_hits += hits;
    }
    assert!(warm_hits > 200, "{warm_hits}");
}

const TRACK: &str = "import mixpanel from 'mixpanel-browser';\n\
export function link(id) { mixpanel.alias(id); }\n";

fn screen(i: usize, twice: bool) -> String {
    let second = if twice { "  link(user.id);\n" } else { "" };
    format!(
        "import mixpanel from 'mixpanel-browser';\nimport {{ link }} from './track';\n\
         export function screen{i}(user) {{\n  mixpanel.track('screen {i}');\n  link(user.id);\n{second}}}\n"
    )
}

/// A project of 20 files that matter and 10 that do not: after one file is edited, a warm
/// run lowers that file alone and reports what the edit changed.
#[test]
fn an_edit_re_lowers_only_the_edited_file() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    write(
        dir,
        "package.json",
        r#"{"dependencies": {"mixpanel-browser": "^2.55.0"}}"#,
    );
    write(dir, "src/track.js", TRACK);
    for i in 0..19 {
        write(dir, &format!("src/screen{i}.js"), &screen(i, false));
    }
    for i in 0..10 {
        write(
            dir,
            &format!("src/util{i}.js"),
            "export const add = (a, b) => a + b;\n",
        );
    }
    let (cold, parsed, hits) = run(dir, &["src"]);
    assert_eq!((parsed, hits), (20, 0));
    assert_eq!(cold, serde_json::json!([]));
    // No configuration file: the cache is in the folder analysed.
    assert!(dir.join("src/.idlint_cache/CACHEDIR.TAG").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.join("src/.idlint_cache/.gitignore")).unwrap(),
        "# Created by idlint.\n*\n"
    );
    let (warm, parsed, hits) = run(dir, &["src"]);
    assert_eq!((parsed, hits), (20, 20));
    assert_eq!(warm, cold);

    write(dir, "src/screen7.js", &screen(7, true));
    let (edited, parsed, hits) = run(dir, &["src"]);
    assert_eq!((parsed, hits), (20, 19), "only screen7.js is lowered again");
    let rules: Vec<&str> = edited
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["alias-twice"], "the edit is seen");
    let (fresh, _, _) = run(dir, &["--no-cache", "src"]);
    assert_eq!(edited, fresh);

    // The pack keeps what the last run used: screen7.js's old entry went with the edit, so
    // its old text back is lowered again (and nothing else is).
    write(dir, "src/screen7.js", &screen(7, false));
    let (reverted, parsed, hits) = run(dir, &["src"]);
    assert_eq!(
        (parsed, hits),
        (20, 19),
        "the old entry of screen7.js was dropped"
    );
    assert_eq!(reverted, cold);
    let (_, parsed, hits) = run(dir, &["src"]);
    assert_eq!((parsed, hits), (20, 20));
}

/// The pack files below a cache folder.
fn packs_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut packs: Vec<_> = files_in(dir)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "pack"))
        .collect();
    packs.sort();
    packs
}

/// The pack truncated, emptied, flipped or replaced by garbage: the same report, every file
/// lowered again and the pack overwritten.
#[test]
fn a_corrupt_cache_is_a_miss_never_a_crash_or_a_wrong_answer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for demo in [
        "fixtures/demo-web",
        "fixtures/demo-python",
        "fixtures/demo-ios",
    ] {
        let cache = tempfile::tempdir().unwrap();
        let cache_dir = cache.path().to_str().unwrap();
        let args = ["--parse-all", "--cache-dir", cache_dir, demo];
        let (expected, parsed, _) = run(root, &["--parse-all", "--no-cache", demo]);
        run(root, &args);
        for damage in ["flip", "truncate", "garbage", "empty"] {
            let packs = packs_in(cache.path());
            assert_eq!(packs.len(), 1, "{demo}: {packs:?}");
            let mut bytes = std::fs::read(&packs[0]).unwrap();
            match damage {
                "truncate" => bytes.truncate(bytes.len() / 2),
                "empty" => bytes.clear(),
                "flip" => {
                    let middle = bytes.len() / 2;
                    bytes[middle] ^= 0x20;
                }
                _ => bytes = b"not a pack at all, just some bytes".repeat(7),
            }
            std::fs::write(&packs[0], bytes).unwrap();
            let (report, _, hits) = run(root, &args);
            assert_eq!(report, expected, "{demo}, {damage}: the report changed");
            assert_eq!(hits, 0, "{demo}, {damage}: a damaged pack was used");
            let (report, _, hits) = run(root, &args);
            assert_eq!(report, expected, "{demo}, {damage}: rewritten pack");
            assert_eq!(hits, parsed, "{demo}, {damage}: the pack was rewritten");
        }
    }
}

/// A warm run that finds every file it lowers in the pack and uses every entry leaves the
/// pack alone: same bytes, same time, same file.
#[test]
fn a_warm_run_without_changes_writes_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    for mode in [&["--parse-all"][..], &[]] {
        let mut args = mode.to_vec();
        args.extend(["--cache-dir", cache_dir, "fixtures/demo-web"]);
        let earlier = packs_in(cache.path());
        let (cold, parsed, _) = run(root, &args);
        assert!(parsed > 0);
        let packs = packs_in(cache.path());
        let pack = packs.iter().find(|p| !earlier.contains(p)).unwrap();
        let before = std::fs::metadata(pack).unwrap();
        let bytes = std::fs::read(pack).unwrap();
        let (warm, _, hits) = run(root, &args);
        assert_eq!((warm, hits), (cold, parsed));
        let after = std::fs::metadata(pack).unwrap();
        assert_eq!(before.modified().unwrap(), after.modified().unwrap());
        assert_eq!(std::fs::read(pack).unwrap(), bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            assert_eq!(before.ino(), after.ino(), "not renamed over");
        }
        assert_eq!(packs_in(cache.path()), packs, "no other pack");
    }
    // The parse mode names the pack: each mode keeps its own.
    assert_eq!(packs_in(cache.path()).len(), 2);
}

/// `--no-cache` and `IDLINT_NO_CACHE=1` leave no folder behind; by default the cache is at
/// the folder of the configuration file, not in the path analysed.
#[test]
fn no_cache_creates_nothing_and_the_default_is_the_project_root() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    write(
        dir,
        "app/signup.py",
        "import mixpanel\nmp = mixpanel.Mixpanel('t')\n\ndef signup(u):\n    mp.alias(u.id, u.anon)\n    mp.alias(u.id, u.anon)\n",
    );
    let output = idlint_own_cache(dir, &["check", "--no-cache", "app"], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let output = idlint_own_cache(dir, &["check", "app"], &[("IDLINT_NO_CACHE", "1")]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(!dir.join("app/.idlint_cache").exists());
    assert!(!dir.join(".idlint_cache").exists());

    // No configuration: the first path's folder.
    idlint_own_cache(dir, &["check", "app"], &[]);
    assert!(dir.join("app/.idlint_cache/CACHEDIR.TAG").is_file());
    std::fs::remove_dir_all(dir.join("app/.idlint_cache")).unwrap();
    // A configuration above it: its folder.
    write(dir, "idlint.toml", "tracker-names = [\"telemetry\"]\n");
    idlint_own_cache(dir, &["check", "app/signup.py"], &[]);
    assert!(dir.join(".idlint_cache/CACHEDIR.TAG").is_file());
    assert!(!dir.join("app/.idlint_cache").exists());
    // `IDLINT_CACHE_DIR` as `--cache-dir`.
    let elsewhere = tempfile::tempdir().unwrap();
    let there = elsewhere.path().join("c");
    idlint_own_cache(
        dir,
        &["check", "app"],
        &[("IDLINT_CACHE_DIR", there.to_str().unwrap())],
    );
    assert!(there.join("CACHEDIR.TAG").is_file());
}

/// A cache folder that cannot be created (a file is in the way) turns the cache off
/// silently: the same report, the same exit code, nothing on stderr.
#[test]
fn an_unwritable_cache_changes_nothing() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    write(
        dir,
        "signup.js",
        &format!("{TRACK}export function s(u) {{ link(u.id); link(u.id); }}\n"),
    );
    write(dir, "blocked", "a file, not a folder");
    let with = idlint_own_cache(dir, &["check", "--cache-dir", "blocked/cache", "."], &[]);
    let without = idlint_own_cache(dir, &["check", "--no-cache", "."], &[]);
    assert_eq!(with.status.code(), Some(1));
    assert_eq!(stdout(&with), stdout(&without));
    assert_eq!(common::stderr(&with), "");
}

/// Lowering depends on the configuration's tracker names: after the configuration names
/// `telemetry`, a file lowered before is lowered again and its calls are identity calls.
#[test]
fn a_changed_configuration_does_not_reuse_entries() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    write(
        dir,
        "package.json",
        r#"{"dependencies": {"mixpanel-browser": "^2.55.0"}}"#,
    );
    write(
        dir,
        "src/signup.js",
        "export function signup(user) {\n  telemetry.alias(user.id);\n  telemetry.alias(user.id);\n}\n",
    );
    write(dir, "idlint.toml", "tracker-names = [\"other\"]\n");
    let (before, parsed, _) = run(dir, &["--parse-all", "src"]);
    assert_eq!(before, serde_json::json!([]));
    let (_, _, hits) = run(dir, &["--parse-all", "src"]);
    assert_eq!(hits, parsed, "warm");

    write(dir, "idlint.toml", "tracker-names = [\"telemetry\"]\n");
    let (after, _, hits) = run(dir, &["--parse-all", "src"]);
    assert_eq!(hits, 0, "lowered under another configuration");
    let rules: Vec<&str> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["alias-twice"]);
}
