//! Unexpanded macros. idlint does not run the preprocessor, and some macros stand where the
//! grammar expects a declaration: React Native's bridge (`@interface RCT_EXTERN_MODULE(Name,
//! NSObject)`, `RCT_EXTERN_METHOD(selector…)`, `RCT_EXPORT_METHOD(selector…) { body }`),
//! Foundation's `NS_ASSUME_NONNULL_BEGIN` and `typedef NS_ENUM(NSInteger, Name) { … }`.
//!
//! When the grammar fails on a file, these forms — at the file level only, where no statement
//! can be — are rewritten in place into what they declare, byte for byte the same length so
//! every span still points into the file as written:
//!
//! - a class named by a macro is that class: `@interface RCT_EXTERN_MODULE(Bridge, NSObject)`
//!   reads `@interface Bridge : NSObject`;
//! - a macro followed by a body defines a method whose selector is its last argument:
//!   `RCT_EXPORT_METHOD(identify:(NSString *)distinctId) { … }` reads `- identify:(NSString
//!   *)distinctId { … }`, and its body is lowered like any other;
//! - an enumeration macro is an enumeration: `NS_ENUM(NSInteger, Name)` reads
//!   `enum Name : NSInteger`;
//! - a macro whose arguments hold no code (no block, message, call, assignment or statement)
//!   declares at most and cannot make or reach a call: it is blanked, as is a lone macro word
//!   on a line of its own (`NS_ASSUME_NONNULL_BEGIN`).
//!
//! Preprocessor conditionals that split a construct are read one way:
//!
//! - a branch taken only in C++ (`#ifdef __cplusplus` around `extern "C" {` and around its
//!   `}`) is dead in Objective-C, which is how idlint reads `.m` and `.h` files: it is blanked;
//! - a conditional whose branch opens a class, category or protocol without closing it
//!   (`#if X` `@interface A ()` `#else` `@interface A () <P>` `#endif`) keeps its first branch.
//!
//! Anything else stays as written, and its syntax error is reported.

/// The file with its file-level macros rewritten, when there were any.
pub(super) fn rewrite(text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let mut changed = false;
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if let Some(end) = skip_literal_or_comment(&bytes, i) {
            i = end;
            continue;
        }
        match byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        if depth == 0
            && is_macro_start(&bytes, i)
            && let Some(end) = rewrite_at(&mut bytes, i, line_start)
        {
            changed = true;
            line_start = false;
            i = end;
            continue;
        }
        if !byte.is_ascii_whitespace() {
            line_start = false;
        }
        i += 1;
    }
    changed |= rewrite_conditionals(&mut bytes);
    // Only ASCII was replaced by ASCII, so the text is still UTF-8.
    changed.then(|| String::from_utf8(bytes).ok()).flatten()
}

/// One `#if…#endif`: the lines of its directives, in order (`#if`, each `#elif`
/// or `#else`, `#endif`).
struct Conditional {
    directives: Vec<usize>,
}

/// Reads split constructs' conditionals one way (see the module's documentation); returns
/// whether anything changed.
fn rewrite_conditionals(bytes: &mut [u8]) -> bool {
    // At any depth: a C++ branch is dead in a function body too, and no body opens a class.
    let lines = line_starts(bytes);
    let text_of = |bytes: &[u8], line: usize| -> String {
        let end = lines.get(line + 1).copied().unwrap_or(bytes.len());
        String::from_utf8_lossy(&bytes[lines[line]..end])
            .trim()
            .to_owned()
    };
    let mut open: Vec<Conditional> = Vec::new();
    let mut closed: Vec<Conditional> = Vec::new();
    for line in 0..lines.len() {
        let text = text_of(bytes, line);
        let directive = text
            .strip_prefix('#')
            .map(|d| d.split_whitespace().next().unwrap_or(""));
        match directive {
            Some("if" | "ifdef" | "ifndef") => open.push(Conditional {
                directives: vec![line],
            }),
            Some("elif" | "else") => {
                if let Some(conditional) = open.last_mut() {
                    conditional.directives.push(line);
                }
            }
            Some("endif") => {
                if let Some(mut conditional) = open.pop() {
                    conditional.directives.push(line);
                    closed.push(conditional);
                }
            }
            _ => {}
        }
    }
    let mut changed = false;
    for conditional in closed {
        let branches: Vec<String> = conditional
            .directives
            .windows(2)
            .map(|w| (w[0] + 1..w[1]).map(|l| text_of(bytes, l) + "\n").collect())
            .collect();
        let first = text_of(bytes, conditional.directives[0]);
        let kept = match cplusplus_branch(&first) {
            // The C++ branch is dead: keep the other one (the `#else`), if any.
            Some(true) => 1,
            Some(false) => 0,
            None if branches.iter().any(|b| opens_container(b)) => 0,
            None => continue,
        };
        for (index, window) in conditional.directives.windows(2).enumerate() {
            // The kept branch loses only its directive line.
            let to = if index == kept {
                window[0] + 1
            } else {
                window[1]
            };
            blank_lines(bytes, &lines, window[0], to);
        }
        let last = *conditional.directives.last().unwrap_or(&0);
        blank_lines(bytes, &lines, last, last + 1);
        changed = true;
    }
    changed
}

/// `Some(true)` when the first branch of `#if…` is taken only in C++, `Some(false)` when only
/// outside it (`#ifndef __cplusplus`), `None` when it does not depend on C++.
fn cplusplus_branch(directive: &str) -> Option<bool> {
    if !directive.contains("__cplusplus") {
        return None;
    }
    let negated = directive.contains("ifndef") || directive.contains('!');
    Some(!negated)
}

/// Whether a branch opens `@interface`, `@implementation` or `@protocol` without its `@end`.
fn opens_container(branch: &str) -> bool {
    let opened = branch.lines().any(|l| {
        let l = l.trim_start();
        (l.starts_with("@interface")
            || l.starts_with("@implementation")
            || l.starts_with("@protocol"))
            && !l.trim_end().ends_with(';')
    });
    opened && !branch.lines().any(|l| l.trim() == "@end")
}

/// The byte offset where each line starts.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|&start| start < bytes.len())
        .collect()
}

/// Blanks the lines `from..to`.
fn blank_lines(bytes: &mut [u8], lines: &[usize], from: usize, to: usize) {
    let start = lines.get(from).copied().unwrap_or(bytes.len());
    let end = lines.get(to).copied().unwrap_or(bytes.len());
    blank(bytes, start, end);
}

/// Where a string, character literal or comment starting at `i` ends.
fn skip_literal_or_comment(bytes: &[u8], i: usize) -> Option<usize> {
    match (bytes[i], bytes.get(i + 1)) {
        (b'/', Some(b'/')) => Some(find_from(bytes, i, b"\n").unwrap_or(bytes.len())),
        (b'/', Some(b'*')) => Some(find_from(bytes, i + 2, b"*/").map_or(bytes.len(), |e| e + 2)),
        (b'"' | b'\'', _) => {
            let quote = bytes[i];
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            Some((j + 1).min(bytes.len()))
        }
        _ => None,
    }
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// A macro's name: an upper-case identifier (`RCT_EXTERN_METHOD`, `NS_ENUM`), at a word start.
fn is_macro_start(bytes: &[u8], i: usize) -> bool {
    let before_ok = i == 0 || !is_identifier_byte(bytes[i - 1]);
    before_ok && bytes[i].is_ascii_uppercase() && macro_name_end(bytes, i) >= i + 3
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The end of an all-upper-case identifier starting at `i` (or `i` if it has lower case).
fn macro_name_end(bytes: &[u8], i: usize) -> usize {
    let end = (i..bytes.len())
        .find(|&j| !is_identifier_byte(bytes[j]))
        .unwrap_or(bytes.len());
    let upper = bytes[i..end]
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
    if upper { end } else { i }
}

/// Rewrites the macro at `start` if it has one of the forms this module reads; returns where
/// scanning goes on.
fn rewrite_at(bytes: &mut [u8], start: usize, line_start: bool) -> Option<usize> {
    let name_end = macro_name_end(bytes, start);
    let name = std::str::from_utf8(&bytes[start..name_end])
        .ok()?
        .to_owned();
    let Some((open, close)) = arguments_at(bytes, name_end) else {
        // A lone word on its own line: `NS_ASSUME_NONNULL_BEGIN`.
        let rest = line_rest(bytes, name_end);
        if line_start && rest.iter().all(u8::is_ascii_whitespace) {
            blank(bytes, start, name_end);
            return Some(name_end);
        }
        return None;
    };
    let arguments = split_arguments(&bytes[open + 1..close]);
    if preceded_by(bytes, start, b"@interface") {
        return class_named_by_macro(bytes, start, close, &arguments);
    }
    if ENUM_MACROS.contains(&name.as_str()) {
        return enumeration(bytes, start, close, &arguments);
    }
    if !line_start {
        return None;
    }
    let after = skip_whitespace(bytes, close + 1);
    if bytes.get(after) == Some(&b'{') {
        return method_by_macro(bytes, start, open, close);
    }
    if holds_code(&bytes[open + 1..close]) {
        return None;
    }
    let end = if bytes.get(after) == Some(&b';') {
        after + 1
    } else {
        close + 1
    };
    blank(bytes, start, end);
    Some(end)
}

/// Macros that declare an enumeration: `typedef NS_ENUM(NSInteger, Name) { … };`.
const ENUM_MACROS: &[&str] = &[
    "NS_ENUM",
    "NS_OPTIONS",
    "NS_CLOSED_ENUM",
    "NS_ERROR_ENUM",
    "CF_ENUM",
    "CF_OPTIONS",
    "CF_CLOSED_ENUM",
];

/// Macro arguments longer than this are not read: an unclosed `(` would otherwise be
/// scanned to the end of the file from every macro name before it (quadratic).
const MAX_ARGUMENTS: usize = 16 * 1024;

/// `(…)` right after a macro's name (spaces allowed): its opening and closing parenthesis.
fn arguments_at(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let open = skip_whitespace(bytes, from);
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let mut i = open;
    let end = bytes.len().min(open + MAX_ARGUMENTS);
    while i < end {
        if let Some(end) = skip_literal_or_comment(bytes, i) {
            i = end;
            continue;
        }
        match bytes[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, i));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The top-level comma-separated arguments, as byte ranges relative to the argument text.
fn split_arguments(arguments: &[u8]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, byte) in arguments.iter().enumerate() {
        match byte {
            b'(' | b'<' | b'[' | b'{' => depth += 1,
            b')' | b'>' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, arguments.len()));
    parts
}

/// `@interface RCT_EXTERN_MODULE(Bridge, NSObject)` → `@interface Bridge : NSObject`: the
/// last two arguments are the class and its superclass.
fn class_named_by_macro(
    bytes: &mut [u8],
    start: usize,
    close: usize,
    arguments: &[(usize, usize)],
) -> Option<usize> {
    let open = (start..close).find(|&i| bytes[i] == b'(')?;
    let words = argument_words(bytes, open, arguments)?;
    let [.., class, superclass] = words.as_slice() else {
        return None;
    };
    let replacement = format!("{class} : {superclass}");
    replace(bytes, start, close + 1, &replacement)
}

/// `NS_ENUM(NSInteger, Name)` → `enum Name : NSInteger`.
fn enumeration(
    bytes: &mut [u8],
    start: usize,
    close: usize,
    arguments: &[(usize, usize)],
) -> Option<usize> {
    let open = (start..close).find(|&i| bytes[i] == b'(')?;
    let words = argument_words(bytes, open, arguments)?;
    let [base, .., name] = words.as_slice() else {
        return None;
    };
    let replacement = format!("enum {name} : {base}");
    let end = replace(bytes, start, close + 1, &replacement)?;
    // `typedef enum Name : T { … };` would name no type: the enumeration declares `Name`.
    let before = bytes[..start].trim_ascii_end();
    if before.ends_with(b"typedef") {
        blank(bytes, before.len() - "typedef".len(), before.len());
    }
    Some(end)
}

/// The arguments when each is one identifier.
fn argument_words(bytes: &[u8], open: usize, arguments: &[(usize, usize)]) -> Option<Vec<String>> {
    arguments
        .iter()
        .map(|&(a, b)| {
            let word = std::str::from_utf8(&bytes[open + 1 + a..open + 1 + b])
                .ok()?
                .trim();
            let identifier = !word.is_empty() && word.bytes().all(is_identifier_byte);
            identifier.then(|| word.to_owned())
        })
        .collect()
}

/// `RCT_EXPORT_METHOD(selector:(T)arg …) { … }` → `- selector:(T)arg … { … }`; with more
/// than one argument (`RCT_REMAP_METHOD(jsName, selector…)`) the selector is the last one.
fn method_by_macro(bytes: &mut [u8], start: usize, open: usize, close: usize) -> Option<usize> {
    let arguments = split_arguments(&bytes[open + 1..close]);
    let &(selector_start, _) = arguments.last()?;
    let selector_start = open + 1 + selector_start;
    let selector = std::str::from_utf8(&bytes[selector_start..close])
        .ok()?
        .trim();
    let reads_as_selector = selector
        .split(':')
        .next()
        .is_some_and(|first| !first.is_empty() && first.bytes().all(is_identifier_byte));
    if !reads_as_selector {
        return None;
    }
    blank(bytes, start, selector_start);
    bytes[start] = b'-';
    bytes[close] = b' ';
    Some(close + 1)
}

/// Whether macro arguments could hold code that runs: a block or statement (`{`, `;`), a
/// message (`[`), an assignment (`=`) or a call (a name directly followed by `(`).
fn holds_code(arguments: &[u8]) -> bool {
    arguments
        .iter()
        .any(|b| matches!(b, b'{' | b'[' | b';' | b'='))
        || arguments
            .windows(2)
            .any(|w| is_identifier_byte(w[0]) && w[1] == b'(')
}

fn preceded_by(bytes: &[u8], start: usize, keyword: &[u8]) -> bool {
    let before = bytes[..start].trim_ascii_end();
    before.ends_with(keyword)
}

fn skip_whitespace(bytes: &[u8], from: usize) -> usize {
    (from..bytes.len())
        .find(|&i| !bytes[i].is_ascii_whitespace())
        .unwrap_or(bytes.len())
}

fn line_rest(bytes: &[u8], from: usize) -> &[u8] {
    let end = find_from(bytes, from, b"\n").unwrap_or(bytes.len());
    let rest = &bytes[from..end];
    match find_from(rest, 0, b"//") {
        Some(comment) => &rest[..comment],
        None => rest,
    }
}

/// Spaces for `start..end`, line breaks kept (lines and columns stay where they were).
fn blank(bytes: &mut [u8], start: usize, end: usize) {
    for byte in &mut bytes[start..end] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

/// `replacement` over `start..end`, padded with spaces; `None` when it does not fit.
fn replace(bytes: &mut [u8], start: usize, end: usize, replacement: &str) -> Option<usize> {
    if replacement.len() > end - start {
        return None;
    }
    blank(bytes, start, end);
    bytes[start..start + replacement.len()].copy_from_slice(replacement.as_bytes());
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn conditionals_that_split_a_construct_are_read_one_way() {
        let guard = "#ifdef __cplusplus\nextern \"C\" {\n#endif\nvoid f(void);\n#ifdef __cplusplus\n}\n#endif\n";
        let rewritten = rewrite(guard).unwrap();
        assert_eq!(rewritten.len(), guard.len());
        assert_eq!(
            rewritten.split_whitespace().collect::<Vec<_>>(),
            ["void", "f(void);"]
        );
        let split = "#if A\n@interface M ()\n#else\n@interface M () <P>\n#endif\n@end\n";
        let rewritten = rewrite(split).unwrap();
        assert_eq!(
            rewritten.split_whitespace().collect::<Vec<_>>(),
            ["@interface", "M", "()", "@end"]
        );
        // A conditional around whole declarations is read in every branch.
        let whole = "#if A\n- (void)f {}\n#else\n- (void)g {}\n#endif\n";
        assert_eq!(rewrite(whole), None);
    }

    #[test]
    fn bridge_macros_read_as_what_they_declare() {
        let text = "@interface RCT_EXTERN_MODULE(Bridge, NSObject)\n\
                    RCT_EXTERN_METHOD(identify:(NSString *)token distinctId:(NSString *)id)\n\
                    @end\n";
        let rewritten = rewrite(text).unwrap();
        assert_eq!(rewritten.len(), text.len());
        assert!(rewritten.starts_with("@interface Bridge : NSObject "));
        assert_eq!(rewritten.lines().nth(1).unwrap().trim(), "");
    }

    #[test]
    fn a_macro_with_a_body_is_a_method() {
        let text = "RCT_EXPORT_METHOD(identify:(NSString *)id)\n{ [mp identify:id]; }\n";
        let rewritten = rewrite(text).unwrap();
        assert!(rewritten.starts_with("-                 identify:(NSString *)id \n"));
        let remap = "RCT_REMAP_METHOD(link, alias:(NSString *)a) {}";
        assert!(
            rewrite(remap)
                .unwrap()
                .trim_start_matches(['-', ' '])
                .starts_with("alias:")
        );
    }

    #[test]
    fn a_macro_that_may_run_code_stays() {
        assert_eq!(rewrite("FOO(bar(1))\n"), None);
        assert_eq!(rewrite("FOO([x y])\n"), None);
        assert_eq!(rewrite("- (void)f {\n  NSAssert(x, @\"y\");\n}\n"), None);
        assert_eq!(
            rewrite("typedef NS_ENUM(NSInteger, Kind) {\n  A,\n};\n").unwrap(),
            "        enum Kind : NSInteger    {\n  A,\n};\n"
        );
        assert_eq!(
            rewrite("NS_ASSUME_NONNULL_BEGIN\n").unwrap(),
            "                       \n"
        );
    }
}
