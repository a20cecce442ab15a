//! What the Swift, Objective-C, Kotlin and Java frontends make of each construct: the IR of every file under
//! `fixtures/frontend/<language>/`, rendered compactly and snapshotted (`cargo insta review`),
//! and modern syntax (`fixtures/frontend/<language>/modern/`) parsed without a single error.

use std::path::{Path, PathBuf};

use common::ir_render::{lower, position, render};
use idlint::ir::Language;

mod common;

const LANGUAGES: &[(&str, &str, Language)] = &[
    ("swift", "swift", Language::Swift),
    ("objc", "m", Language::ObjectiveC),
    ("kotlin", "kt", Language::Kotlin),
    ("java", "java", Language::Java),
];

fn files(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

#[test]
fn every_construct_lowers_as_snapshotted() {
    for (folder, extension, language) in LANGUAGES {
        let root = Path::new("fixtures/frontend").join(folder);
        let mut found = Vec::new();
        files(&root, extension, &mut found);
        found.retain(|f| !f.starts_with(root.join("modern")));
        assert!(found.len() >= 4, "{found:?}");
        for file in found {
            let name = format!("{folder}__{}", file.file_stem().unwrap().to_string_lossy());
            insta::assert_snapshot!(name, render(&file, *language));
        }
    }
}

#[test]
fn modern_syntax_parses_without_errors() {
    for (folder, extension, language) in LANGUAGES {
        let mut found = Vec::new();
        files(
            &Path::new("fixtures/frontend").join(folder).join("modern"),
            extension,
            &mut found,
        );
        assert!(found.len() >= 5, "{found:?}");
        for file in found {
            let (text, lowered) = lower(&file, *language);
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
}
