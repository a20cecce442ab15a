//! Bad input never crashes idlint: every fixture cut at many points (half-typed code, as the
//! editor server will see it) and random punctuation soup, in every language, must analyse
//! without a panic and report what it could not parse.

use std::path::{Path, PathBuf};

use idlint::driver::{self, Settings};

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            fixture_files(&path, out);
        } else if idlint::frontend::language_of(&path).is_some() {
            out.push(path);
        }
    }
}

/// Cuts `text` at a char boundary near `fraction` of its length.
fn cut(text: &str, fraction: f64) -> &str {
    let mut at = (text.len() as f64 * fraction) as usize;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

#[test]
fn truncated_fixtures_never_crash() {
    let mut files = Vec::new();
    fixture_files(Path::new("fixtures"), &mut files);
    files.sort();
    assert!(files.len() > 50);
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let extension = file.extension().unwrap().to_string_lossy();
        for step in 1..10 {
            let target = dir.path().join(format!("case_{checked}.{extension}"));
            std::fs::write(&target, cut(&text, step as f64 / 10.0)).unwrap();
            let result = driver::check(std::slice::from_ref(&target), &Settings::default());
            assert!(
                result.is_ok(),
                "{} cut at {step}/10: {:?}",
                file.display(),
                result.err()
            );
            std::fs::remove_file(&target).unwrap();
            checked += 1;
        }
    }
    assert!(checked > 400, "only {checked} cases");
}

#[test]
fn punctuation_soup_never_crashes() {
    const ALPHABET: &[u8] = b"(){}[]<>;:,.=!?&|+-*/%^~'\"`#@$\\ \n\tfn def function class if else for while return mixpanel alias identify track reset let const async await";
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let dir = tempfile::tempdir().unwrap();
    for (round, extension) in ["rs", "js", "ts", "tsx", "py"]
        .iter()
        .cycle()
        .take(100)
        .enumerate()
    {
        let mut text = String::new();
        for _ in 0..2_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push(ALPHABET[(seed % ALPHABET.len() as u64) as usize] as char);
        }
        let target = dir.path().join(format!("soup_{round}.{extension}"));
        std::fs::write(&target, &text).unwrap();
        let result = driver::check(std::slice::from_ref(&target), &Settings::default());
        assert!(
            result.is_ok(),
            "round {round} ({extension}): {:?}",
            result.err()
        );
        std::fs::remove_file(&target).unwrap();
    }
}

/// Code after a statement that always leaves (both arms of an `if` return or raise) is
/// unreachable: the freshness analysis walked it with no states and crashed (mypy's and
/// Django's sources have such code).
#[test]
fn unreachable_code_after_an_exit_does_not_crash_the_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "app.py",
            "import uuid\n\ndef pick(flag, user):\n    if flag:\n        return user\n    else:\n        raise ValueError(flag)\n    keep(user, uuid.uuid4())\n",
        ),
        (
            "app.ts",
            "export function pick(flag: boolean, user: string) {\n  if (flag) { return user; } else { throw new Error(user); }\n  keep(user, crypto.randomUUID());\n}\n",
        ),
    ];
    for (name, text) in cases {
        let target = dir.path().join(name);
        std::fs::write(&target, text).unwrap();
        let checked = driver::check(std::slice::from_ref(&target), &Settings::default()).unwrap();
        let internal: Vec<&str> = checked
            .diagnostics
            .iter()
            .filter(|d| d.rule == idlint::diagnostic::INTERNAL_ERROR)
            .map(|d| d.message.as_str())
            .collect();
        assert!(internal.is_empty(), "{name}: {internal:?}");
        std::fs::remove_file(&target).unwrap();
    }
}

/// Code after a `return` is reached by no path; a fresh value used there must not make the
/// freshness dataflow index the (empty) states of that unreachable code.
#[test]
fn fresh_values_after_an_exit_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lock.ts"),
        "export function release(lock: { expiration: number; key: string }) {\n\
           try {\n\
             if (lock.expiration > new Date().getTime()) {\n\
             }\n\
             return false;\n\
             const key = lock.key;\n\
             remove(key);\n\
           } finally {\n\
           }\n\
         }\n\
         declare function remove(key: string): void;\n",
    )
    .unwrap();
    let checked = driver::check(&[dir.path().to_path_buf()], &Settings::default()).unwrap();
    let rules: Vec<&str> = checked.diagnostics.iter().map(|d| d.rule).collect();
    assert!(rules.is_empty(), "{rules:?}");
}
