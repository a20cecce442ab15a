//! Arbitrary UTF-8 through the configuration parser, as each file it reads a configuration
//! from (the first byte picks which); a configuration it accepts must also render, turn
//! into frontend options and answer which files it admits.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

const FILES: [&str; 3] = [
    "/project/idlint.toml",
    "/project/pyproject.toml",
    "/project/Cargo.toml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let path = Path::new(FILES[usize::from(which) % FILES.len()]);
    match idlint::config::parse(path, text) {
        Ok(Some(config)) => {
            let _ = config.render();
            let _ = idlint::frontend::Options::with_config(&config);
            for file in [
                "/project/src/app.py",
                "/project/web/a b/é.ts",
                "/elsewhere/x.rs",
            ] {
                let _ = config.admits(Path::new(file));
            }
            for rule in idlint::rules::RULES {
                let _ = config.severity(rule.id, idlint::diagnostic::Severity::Error);
            }
        }
        Ok(None) => {}
        Err(error) => assert!(error.line >= 1, "{error:?}"),
    }
});
