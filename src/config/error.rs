//! Configuration errors: [`Problem`] (one `FILE:LINE: message`), [`ConfigErrors`] (every problem
//! of a load, for `wharf check`), [`ConfigError`] (I/O and hashing failures outside a load), and
//! [`LineIndex`], which turns the byte offsets `toml` reports into 1-based lines.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// One problem in a configuration file, printed as `FILE:LINE: message`.
///
/// `line` is 1-based; `0` means the problem concerns the whole file (it cannot be read), and
/// then it prints as `FILE: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The configuration file, as it was named to [`load`](super::load).
    pub file: PathBuf,
    /// 1-based line, or 0 for the whole file.
    pub line: usize,
    /// What is wrong, and where possible how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        }
    }
}

/// Every problem found while loading a configuration, in file order.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<Problem>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Why the data folder of a configuration cannot be told.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataDirError {
    /// The configuration file has problems.
    #[error("{}", .0.to_string().trim_end())]
    Config(ConfigErrors),
    /// The current folder (where the demo keeps its data) cannot be read.
    #[error("current folder: {0}")]
    CurrentFolder(std::io::Error),
}

/// A failure outside configuration checking: reading or writing a file, hashing a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file exists but its content is unusable (e.g. a damaged demo credentials file).
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Hashing a password failed.
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// Maps byte offsets in a source text to 1-based line numbers.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// Byte offset of the first character of every line after the first.
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub(crate) fn new(text: &str) -> Self {
        let line_starts = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        LineIndex { line_starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) + 1
    }

    /// The 1-based line where `span` starts.
    pub(crate) fn line_of(&self, span: &Range<usize>) -> usize {
        self.line(span.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based_and_count_newlines_before_the_offset() {
        let idx = LineIndex::new("a = 1\nb = 2\n\nc = 3");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(5), 1, "the newline itself belongs to its line");
        assert_eq!(idx.line(6), 2);
        assert_eq!(idx.line(12), 3);
        assert_eq!(idx.line(13), 4);
        assert_eq!(idx.line(100), 4, "past the end stays on the last line");
    }

    #[test]
    fn problems_print_file_line_message() {
        let p = Problem {
            file: PathBuf::from("wharf.toml"),
            line: 12,
            message: "bad".into(),
        };
        assert_eq!(p.to_string(), "wharf.toml:12: bad");
        let whole = Problem {
            line: 0,
            ..p.clone()
        };
        assert_eq!(whole.to_string(), "wharf.toml: bad");
        assert_eq!(
            ConfigErrors(vec![p, whole]).to_string(),
            "wharf.toml:12: bad\nwharf.toml: bad"
        );
    }
}
