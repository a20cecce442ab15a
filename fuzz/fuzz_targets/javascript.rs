//! Arbitrary UTF-8 through the JavaScript frontend.
#![no_main]

use idlint::ir::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| idlint_fuzz::lower(Language::JavaScript, "app.js", data));
