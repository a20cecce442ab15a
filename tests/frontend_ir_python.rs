//! What the Python frontend makes of each construct: the IR of every file under
//! `fixtures/frontend/python/`, rendered compactly and snapshotted (`cargo insta review`), and
//! modern syntax (`fixtures/frontend/python/modern/`) parsed without a single error.

use std::path::{Path, PathBuf};

use common::ir_render::position;
use idlint::ir::Language;

mod common;

const ROOT: &str = "fixtures/frontend/python";

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// The snapshot name of a fixture: its path below the root, `/` and `.py` dropped.
fn snapshot_name(path: &Path) -> String {
    path.strip_prefix(ROOT)
        .unwrap()
        .with_extension("")
        .to_string_lossy()
        .replace(['/', '\\'], "__")
}

#[test]
fn every_construct_lowers_as_snapshotted() {
    let mut files = Vec::new();
    python_files(Path::new(ROOT), &mut files);
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| !f.starts_with(Path::new(ROOT).join("modern")))
        .collect();
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        insta::assert_snapshot!(
            snapshot_name(&file),
            common::ir_render::render(&file, Language::Python)
        );
    }
}

#[test]
fn modern_syntax_parses_without_errors() {
    let mut files = Vec::new();
    python_files(&Path::new(ROOT).join("modern"), &mut files);
    assert!(files.len() >= 8, "{files:?}");
    for file in files {
        let (text, lowered) = common::ir_render::lower(&file, Language::Python);
        let errors: Vec<String> = lowered
            .errors
            .iter()
            .map(|e| format!("{}: {}", position(&text, e.span.start), e.message))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
        assert!(
            !lowered.module.functions.is_empty(),
            "{}: nothing lowered",
            file.display()
        );
    }
}
