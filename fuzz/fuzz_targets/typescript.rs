//! Arbitrary UTF-8 through the TypeScript frontend, as a `.ts` and as a `.tsx` file (two
//! grammars).
#![no_main]

use idlint::ir::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    idlint_fuzz::lower(Language::TypeScript, "app.ts", data);
    idlint_fuzz::lower(Language::TypeScript, "App.tsx", data);
});
