//! Hostile input, end to end through the binary: empty, huge, deep, many, oddly encoded and
//! oddly named files, and file-system traps. Bad input never crashes idlint or hangs it, and
//! is never dropped silently: each problem gets a message, the rest of the tree is still
//! analysed, and the exit code says what happened (0 clean, 1 findings or a file not
//! analysed, 2 usage or internal error). Every input is generated in a temporary directory.
//!
//! The largest inputs run at a reduced size by default, to keep `cargo test` (a debug build)
//! quick; the `#[ignore]`d `*_full_size` tests run them at full size:
//! `cargo test --release --test hostile -- --ignored`.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{check_json, findings, idlint_within, skipped, stdout, write};

/// Long enough for the slowest input here in a debug build, short enough to call a hang one.
const LIMIT: Duration = Duration::from_secs(300);

const LANGUAGES: [&str; 5] = ["rs", "js", "ts", "tsx", "py"];

/// A program that aliases the same user twice, in the language of `extension`, and the line
/// and column of the finding (the second `alias`).
fn double_alias(extension: &str) -> (&'static str, i64, i64) {
    match extension {
        "rs" => (
            "use mixpanel_rs::Mixpanel;\npub async fn signup(mp: &Mixpanel, anon: &str, id: &str) {\n    mp.alias(anon, id).await.ok();\n    mp.alias(anon, id).await.ok();\n}\n",
            4,
            8,
        ),
        "js" => (
            "import mixpanel from 'mixpanel-browser';\nexport function signup(user) {\n  mixpanel.alias(user.id);\n  mixpanel.alias(user.id);\n}\n",
            4,
            3,
        ),
        "ts" | "tsx" => (
            "import mixpanel from 'mixpanel-browser';\nexport function signup(user: User) {\n  mixpanel.alias(user.id);\n  mixpanel.alias(user.id);\n}\n",
            4,
            3,
        ),
        "py" => (
            "from mixpanel import Mixpanel\nmp = Mixpanel('token')\n\ndef signup(user):\n    mp.alias(user.id, user.anon)\n    mp.alias(user.id, user.anon)\n",
            6,
            5,
        ),
        other => panic!("no program for .{other}"),
    }
}

/// Writes `{stem}.{ext}` with [`double_alias`] for each of `extensions` and returns the
/// findings they must produce, as [`findings`] lists them.
fn write_double_aliases(
    dir: &Path,
    stem: &str,
    extensions: &[&str],
) -> Vec<(String, String, i64, i64)> {
    extensions
        .iter()
        .map(|extension| {
            let (text, line, column) = double_alias(extension);
            let path = format!("{stem}.{extension}");
            write(dir, &path, text);
            ("alias-twice".to_owned(), path, line, column)
        })
        .collect()
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

#[test]
fn empty_and_blank_files_in_every_language_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    for extension in LANGUAGES {
        write(dir.path(), &format!("empty.{extension}"), "");
        write(dir.path(), &format!("bom_only.{extension}"), "\u{feff}");
        write(dir.path(), &format!("blank.{extension}"), "\n\r\n \t \n");
    }
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(findings(&report), []);
    assert_eq!(skipped(&report), []);
    assert_eq!(report["summary"]["files"], 15);
    assert_eq!(report["summary"]["functions"], 0);
}

#[test]
fn a_50_mb_file_is_skipped_with_its_size_and_the_rest_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let expected = write_double_aliases(dir.path(), "app", &["py"]);
    let line = "# generated padding, nothing to see here, just a very long file\n";
    let size = 50 * 1024 * 1024;
    write(dir.path(), "generated.py", &line.repeat(size / line.len()));
    let bytes = std::fs::metadata(dir.path().join("generated.py"))
        .unwrap()
        .len();
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(1), "an unanalysed file fails the run");
    assert_eq!(
        skipped(&report),
        [(
            "generated.py".to_owned(),
            format!("is {bytes} bytes, larger than the 8388608-byte limit")
        )]
    );
    assert_eq!(findings(&report), expected);
    assert_eq!(report["summary"]["files"], 1);
}

/// 100,000 files, a thousand per folder: every one is read, the one that aliases twice is
/// found among them, and the files that name nothing identity-related are not parsed.
#[test]
fn a_hundred_thousand_files_are_all_read() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..100_000 {
        let folder = dir.path().join(format!("src/d{}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&folder).unwrap();
        }
        std::fs::write(
            folder.join(format!("m{i}.js")),
            format!("export function f{i}(a) {{ return a + {i}; }}\n"),
        )
        .unwrap();
    }
    let expected = write_double_aliases(dir.path(), "app", &["js"]);
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&report), expected);
    assert_eq!(report["summary"]["files"], 100_001);
    assert_eq!(report["summary"]["parsed"], 1);
}

/// `depth` functions in a chain, f0 calls f1 … the last one aliases; the entry point calls f0
/// twice, so the finding's call chain is `depth + 1` long.
fn call_chain(extension: &str, depth: usize) {
    let dir = tempfile::tempdir().unwrap();
    let last = depth - 1;
    let text = match extension {
        "rs" => {
            let mut text = String::from(
                "use mixpanel_rs::Mixpanel;\npub async fn top(mp: &Mixpanel, id: &str) { f0(mp, id); f0(mp, id); }\n",
            );
            for i in 0..last {
                text.push_str(&format!(
                    "fn f{i}(mp: &Mixpanel, id: &str) {{ f{}(mp, id); }}\n",
                    i + 1
                ));
            }
            text + &format!("fn f{last}(mp: &Mixpanel, id: &str) {{ mp.alias(ANON, id); }}\n")
        }
        "js" | "ts" => {
            let mut text = String::from(
                "import mixpanel from 'mixpanel-browser';\nexport function top(id) { f0(id); f0(id); }\n",
            );
            for i in 0..last {
                text.push_str(&format!("function f{i}(id) {{ f{}(id); }}\n", i + 1));
            }
            text + &format!("function f{last}(id) {{ mixpanel.alias(id); }}\n")
        }
        "py" => {
            let mut text = String::from(
                "from mixpanel import Mixpanel\nmp = Mixpanel('token')\n\ndef top(id):\n    f0(id)\n    f0(id)\n",
            );
            for i in 0..last {
                text.push_str(&format!("def f{i}(id):\n    f{}(id)\n", i + 1));
            }
            text + &format!("def f{last}(id):\n    mp.alias(id, id.anon)\n")
        }
        other => panic!("no chain for .{other}"),
    };
    let name = format!("chain.{extension}");
    let line = text.lines().count() as i64;
    write(dir.path(), &name, &text);
    let (code, report) = check_json(dir.path(), &[&name], LIMIT);
    assert_eq!(code, Some(1), "{extension}");
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{extension}: {found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].2),
        ("alias-twice", line),
        "{extension}"
    );
    let chain = report["diagnostics"][0]["call_chain"].as_array().unwrap();
    assert_eq!(chain.len(), depth + 1, "{extension}");
    assert_eq!(chain[0]["function"], "top", "{extension}");
}

/// 100,000-deep chains take 25–45 s per language in a debug build, so the default run uses
/// 10,000 (nothing on the way recurses per call, so depth does not change the outcome);
/// `call_chains_full_size` runs 100,000.
#[test]
fn a_ten_thousand_deep_call_chain_in_every_language() {
    for extension in ["rs", "js", "ts", "py"] {
        call_chain(extension, 10_000);
    }
}

/// A switch of falling-through cases was lowered by copying every following case into each:
/// quadratic, 24 GB for 20,000 cases. The first case's alias falls through to the last one.
#[test]
fn a_switch_of_ten_thousand_falling_through_cases() {
    let dir = tempfile::tempdir().unwrap();
    let cases: String = (0..10_000)
        .map(|i| format!("    case {i}: step{i}();\n"))
        .collect();
    let text = format!(
        "import mixpanel from 'mixpanel-browser';\nexport function f(x, user) {{\n  switch (x) {{\n    case -1: mixpanel.alias(user.id);\n{cases}    case -2: mixpanel.alias(user.id);\n  }}\n}}\n"
    );
    let line = text.lines().count() as i64 - 2;
    write(dir.path(), "switch.js", &text);
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        [("alias-twice".into(), "switch.js".into(), line, 14)]
    );
    assert_eq!(report["diagnostics"][0]["related"][0]["line"], 4);
}

/// CRLF line endings and a byte-order mark, in every language: a finding on the BOM's line
/// and one after non-ASCII text, at the right line and column (columns count characters).
#[test]
fn crlf_and_a_byte_order_mark_keep_lines_and_columns_right() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, [&str; 5]); 5] = [
        (
            "bom.rs",
            [
                "pub async fn a(mp: &Mixpanel, anon: &str, id: &str) { mp.alias(anon, id).await.ok(); mp.alias(anon, id).await.ok(); }",
                "",
                "pub async fn b(mp: &Mixpanel, anon: &str, id: &str) {",
                "    mp.alias(anon, id).await.ok();",
                "    let _é = \"日本\"; mp.alias(anon, id).await.ok(); }",
            ],
        ),
        (
            "bom.js",
            [
                "import mixpanel from 'mixpanel-browser'; export function a(u) { mixpanel.alias(u.id); mixpanel.alias(u.id); }",
                "",
                "export function b(u) {",
                "  mixpanel.alias(u.id);",
                "  const é = '日本'; mixpanel.alias(u.id); }",
            ],
        ),
        (
            "bom.ts",
            [
                "import mixpanel from 'mixpanel-browser'; export function a(u: U) { mixpanel.alias(u.id); mixpanel.alias(u.id); }",
                "",
                "export function b(u: U) {",
                "  mixpanel.alias(u.id);",
                "  const é: string = '日本'; mixpanel.alias(u.id); }",
            ],
        ),
        (
            "bom.tsx",
            [
                "import mixpanel from 'mixpanel-browser'; export function a(u: U) { mixpanel.alias(u.id); mixpanel.alias(u.id); }",
                "",
                "export function b(u: U) {",
                "  mixpanel.alias(u.id);",
                "  const é = <p>日本</p>; mixpanel.alias(u.id); }",
            ],
        ),
        (
            "bom.py",
            [
                "def a(user, mp): mp.alias(user.id, user.anon); mp.alias(user.id, user.anon)",
                "",
                "def b(user, mp):",
                "    mp.alias(user.id, user.anon)",
                "    é = '日本'; mp.alias(user.id, user.anon)",
            ],
        ),
    ];
    for (name, lines) in &files {
        write(
            dir.path(),
            name,
            &format!("\u{feff}{}\r\n", lines.join("\r\n")),
        );
    }
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(1));
    // (path, line, column, related line, related column), counted by hand from the lines
    // above: the BOM is not a column, `é` and `日本` are one column per character.
    let expected = [
        ("bom.js", 1, 87, 1, 65),
        ("bom.js", 5, 19, 4, 3),
        ("bom.py", 1, 48, 1, 18),
        ("bom.py", 5, 15, 4, 5),
        ("bom.rs", 1, 89, 1, 58),
        ("bom.rs", 5, 23, 4, 8),
        ("bom.ts", 1, 90, 1, 68),
        ("bom.ts", 5, 27, 4, 3),
        ("bom.tsx", 1, 90, 1, 68),
        ("bom.tsx", 5, 24, 4, 3),
    ];
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let got: Vec<(&str, i64, i64, i64, i64)> = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d["rule"], "alias-twice", "{d:#}");
            (
                d["path"].as_str().unwrap(),
                d["line"].as_i64().unwrap(),
                d["column"].as_i64().unwrap(),
                d["related"][0]["line"].as_i64().unwrap(),
                d["related"][0]["column"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    // The human header agrees with the JSON.
    let human = stdout(&idlint_within(dir.path(), &["check", "bom.rs"], LIMIT));
    assert!(human.contains("┌─ bom.rs:1:89"), "{human}");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_listed_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let expected = write_double_aliases(dir.path(), "src/app", &["py"]);
    std::os::unix::fs::symlink("..", dir.path().join("src/up")).unwrap();
    std::os::unix::fs::symlink("me", dir.path().join("src/me")).unwrap();
    std::os::unix::fs::symlink("ping.py", dir.path().join("src/pong.py")).unwrap();
    std::os::unix::fs::symlink("pong.py", dir.path().join("src/ping.py")).unwrap();
    let (code, report) = check_json(dir.path(), &["src"], LIMIT);
    assert_eq!(code, Some(1), "the finding; links are notes");
    assert_eq!(findings(&report), expected);
    let notes = skipped(&report);
    let reason = |path: &str| {
        notes
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, reason)| reason.as_str())
    };
    assert_eq!(
        reason("src/up"),
        Some(
            "left out: a symbolic link to a directory (links inside directories are not followed)"
        )
    );
    assert!(
        reason("src/ping.py").is_some_and(|r| r.contains("cannot be followed")),
        "{notes:?}"
    );
    assert!(reason("src/pong.py").is_some(), "{notes:?}");
    assert_eq!(reason("src/me"), None, "not source code, not a directory");
    assert_eq!(report["summary"]["files"], 1);

    // Named on the command line, a link is followed: `src/up` is the tree again, walked once.
    let (code, report) = check_json(dir.path(), &["src/up"], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(
        findings(&report),
        [(
            "alias-twice".into(),
            "src/up/src/app.py".into(),
            expected[0].2,
            expected[0].3
        )]
    );
    // A loop named on the command line cannot be read: named, exit 1.
    let (code, report) = check_json(dir.path(), &["src/ping.py"], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(skipped(&report).len(), 1);
    assert!(skipped(&report)[0].1.contains("cannot be followed"));
}

#[cfg(unix)]
#[test]
fn dangling_links_unreadable_files_and_pipes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let expected = write_double_aliases(dir.path(), "src/app", &["js"]);
    std::os::unix::fs::symlink("gone.js", dir.path().join("src/dangling.js")).unwrap();
    // Walking the tree: the dangling link is a note, the finding still fails the run.
    let (code, report) = check_json(dir.path(), &["src"], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&report), expected);
    assert_eq!(
        skipped(&report),
        [(
            "src/dangling.js".to_owned(),
            "left out: a broken symbolic link (what it points to does not exist)".to_owned()
        )]
    );
    // Named on the command line it is a file that cannot be read: exit 1 on its own.
    let (code, report) = check_json(dir.path(), &["src/dangling.js"], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(
        skipped(&report),
        [(
            "src/dangling.js".to_owned(),
            "is a broken symbolic link (what it points to does not exist)".to_owned()
        )]
    );

    // A named pipe must not be opened (reading it would block forever).
    let pipe = dir.path().join("src/pipe.js");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    if made.is_ok_and(|status| status.success()) {
        let (code, report) = check_json(dir.path(), &["src/pipe.js"], LIMIT);
        assert_eq!(code, Some(1));
        assert_eq!(
            skipped(&report),
            [(
                "src/pipe.js".to_owned(),
                "is not a regular file or a directory (a pipe, socket or device)".to_owned()
            )]
        );
        let (code, report) = check_json(dir.path(), &["src"], LIMIT);
        assert_eq!(code, Some(1));
        assert_eq!(
            findings(&report),
            expected,
            "a pipe in a tree is not source"
        );
        std::fs::remove_file(&pipe).unwrap();
    }

    // An unreadable file. Tests usually run as root here, and root reads it anyway: then
    // there is nothing to test, and this part is skipped.
    use std::os::unix::fs::PermissionsExt;
    std::fs::remove_file(dir.path().join("src/dangling.js")).unwrap();
    write(dir.path(), "src/secret.js", "export const x = 1;\n");
    let secret = dir.path().join("src/secret.js");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_err() {
        let (code, report) = check_json(dir.path(), &["src"], LIMIT);
        assert_eq!(code, Some(1));
        assert_eq!(findings(&report), expected);
        let notes = skipped(&report);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].0, "src/secret.js");
        assert!(notes[0].1.starts_with("could not be read: "), "{notes:?}");
    }
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn paths_with_spaces_and_non_ascii_names_are_reported_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for (stem, extension) in [
        ("my app/sign up", "py"),
        ("my app/é/café", "js"),
        ("my app/日本 dir/日本", "ts"),
        ("my app/src/a b é 日本", "rs"),
    ] {
        expected.extend(write_double_aliases(dir.path(), stem, &[extension]));
    }
    let (code, report) = check_json(dir.path(), &["my app"], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(sorted(findings(&report)), sorted(expected));
    // A file named on the command line, with spaces and non-ASCII characters.
    let (code, report) = check_json(dir.path(), &["my app/日本 dir/日本.ts"], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&report)[0].1, "my app/日本 dir/日本.ts");
    // The human and short formats print them as they are too.
    let short = stdout(&idlint_within(
        dir.path(),
        &["check", "--format", "short", "my app"],
        LIMIT,
    ));
    assert!(
        short.contains("my app/é/café.js:4:3: error[alias-twice]"),
        "{short}"
    );
}

/// A file name can hold any byte but `/` and NUL: a terminal escape sequence or a line break
/// in one must not reach the terminal or fake a report line, and a name that is not UTF-8
/// is still analysed.
#[cfg(unix)]
#[test]
fn control_characters_and_invalid_utf8_in_file_names_are_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let (text, line, column) = double_alias("py");
    write(dir.path(), "evil\u{1b}[2J\nname.py", text);
    let invalid = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    std::fs::write(dir.path().join(invalid), text).unwrap();
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        [
            ("alias-twice".into(), "caf\u{fffd}.py".into(), line, column),
            (
                "alias-twice".into(),
                "evil\\u{1b}[2J\\u{a}name.py".into(),
                line,
                column
            ),
        ]
    );
    let short = stdout(&idlint_within(
        dir.path(),
        &["check", "--format", "short", "."],
        LIMIT,
    ));
    assert!(!short.contains('\u{1b}'), "{short:?}");
    assert_eq!(short.lines().count(), 2, "{short:?}");
}

/// A line of code the human report quotes can hold a terminal escape sequence or a
/// bidirectional override: it is shown as `?`s, and the finding stays at its column.
#[test]
fn control_characters_in_quoted_source_lines_are_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let (text, line, column) = double_alias("js");
    let evil = text.replace(
        "  mixpanel.alias(user.id);\n}",
        "  mixpanel.alias(user.id); // \u{1b}[2J\u{202e}gnp.exe\n}",
    );
    write(dir.path(), "app.js", &evil);
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        [("alias-twice".into(), "app.js".into(), line, column)]
    );
    let human = stdout(&idlint_within(
        dir.path(),
        &["check", "--format", "human", "--color", "never", "."],
        LIMIT,
    ));
    assert!(human.contains("error[alias-twice]"), "{human}");
    assert!(!human.contains('\u{1b}'), "{human:?}");
    assert!(!human.contains('\u{202e}'), "{human:?}");
    assert!(human.contains("// ?[2J???gnp.exe"), "{human}");
}

/// Objective-C: a 10,000-deep chain of messages to `self` ends in the SDK's alias, reached twice
/// from the top; and a file of 20,000 unclosed macro calls (which sends the frontend to its
/// macro reading, as any file the grammar fails on) is read in linear time and reported.
#[test]
fn objective_c_deep_chains_and_unclosed_macros() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 10_000;
    let last = depth - 1;
    let mut text = String::from(
        "#import <Mixpanel/Mixpanel.h>\n@implementation Chain\n\
         - (void)top:(NSString *)id { [self f0:id]; [self f0:id]; }\n",
    );
    for i in 0..last {
        text.push_str(&format!(
            "- (void)f{i}:(NSString *)id {{ [self f{}:id]; }}\n",
            i + 1
        ));
    }
    text.push_str(&format!(
        "- (void)f{last}:(NSString *)id {{ [[Mixpanel sharedInstance] createAlias:id forDistinctID:[Mixpanel sharedInstance].distinctId]; }}\n@end\n"
    ));
    let line = text.lines().count() as i64 - 1;
    write(dir.path(), "Chain.m", &text);
    write(
        dir.path(),
        "Unclosed.m",
        &format!(
            "#import <Mixpanel/Mixpanel.h>\n{}",
            "FOO(a, b\n".repeat(20_000)
        ),
    );
    let started = std::time::Instant::now();
    let (code, report) = check_json(dir.path(), &["."], LIMIT);
    assert_eq!(code, Some(1));
    let found = findings(&report);
    let rules: Vec<(&str, &str)> = found
        .iter()
        .map(|(rule, path, _, _)| (rule.as_str(), path.as_str()))
        .collect();
    assert_eq!(
        rules,
        [("alias-twice", "Chain.m"), ("parse-error", "Unclosed.m")],
        "{found:?}"
    );
    assert_eq!(found[0].2, line);
    let chain = report["diagnostics"][0]["call_chain"].as_array().unwrap();
    assert_eq!(chain.len(), depth + 1);
    assert!(started.elapsed() < LIMIT);
}
