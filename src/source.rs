//! The source files of one run: their display paths, texts and line tables.

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::files::{Error as FilesError, Files};

use crate::ir::{FileId, Span};

#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to users: relative to the working directory when possible.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
    /// Made when first asked: most files of a run are never shown.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, name: String, text: String) -> SourceFile {
        SourceFile {
            name,
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts()
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_index(offset.min(self.text.len()));
        (line + 1, self.column(line, offset))
    }

    /// 1-based column, in characters, of a byte offset on its 0-based `line`. A byte-order
    /// mark is not a character anyone sees: the first line's columns do not count it.
    fn column(&self, line: usize, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let start = self
            .line_starts()
            .get(line)
            .copied()
            .unwrap_or(0)
            .min(offset);
        let start = if start == 0 && self.text.starts_with(BOM) {
            BOM.len_utf8().min(offset)
        } else {
            start
        };
        // An offset inside a character counts that character as reached.
        let characters = self.text.as_bytes()[start..offset]
            .iter()
            .filter(|&&byte| byte & 0xC0 != 0x80)
            .count();
        characters + 1
    }

    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.line_starts().get(line)?;
        let end = self
            .line_starts()
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        Some(start..end)
    }

    pub fn snippet(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

const BOM: char = '\u{feff}';

/// Where each line starts: after each `\n` (so `\r\n` too). The suppression scanner splits
/// lines the same way.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// All files read in one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    /// Puts a new text in place of file `id` (the editor server, after an edit).
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        self.files[id.0 as usize] = file;
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// The name users see for a path: relative to the current directory when it is below it,
/// with `/` separators, and [`printable`] (a file name can hold any byte but `/` and NUL).
pub fn display_path(path: &Path) -> String {
    // Asked once: a run names every file it reads, and idlint never changes directory.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().ok());
    let relative = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let text = printable(&relative.to_string_lossy().replace('\\', "/")).into_owned();
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// `text` safe to print in a report: control characters (a terminal escape sequence, a line
/// break that would fake a report line) and the invisible bidirectional overrides that make
/// text read differently from what it is are written as `\u{..}` escapes. Tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl<'a> Files<'a> for SourceDb {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.files
            .get(id.0 as usize)
            .map(|f| f.name.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.files
            .get(id.0 as usize)
            .map(|f| f.text.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .files
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?
            .line_index(byte_index))
    }

    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        Ok(self
            .files
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?
            .column(line_index, byte_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self
            .files
            .get(id.0 as usize)
            .ok_or(FilesError::FileMissing)?;
        file.line_range(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: file.line_starts().len() - 1,
        })
    }
}
