//! The checking context of one configuration file: the file (for messages), its folder
//! (relative paths in the file resolve against it), and every problem and warning found so
//! far, each at its line. Every check of stage two reports through it, so nothing stops at the
//! first problem.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::error::LineIndex;
use super::{ConfigErrors, Problem};

/// Where problems and warnings are collected while one file is checked.
pub(crate) struct Ctx {
    /// The file as named by the caller (for messages).
    file: PathBuf,
    /// Its folder, absolute: relative paths in the file are resolved against it.
    dir: PathBuf,
    lines: LineIndex,
    problems: Vec<Problem>,
    warnings: Vec<(usize, String)>,
}

impl Ctx {
    pub(crate) fn new(text: &str, file: &Path) -> Self {
        let parent = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let dir = std::path::absolute(&parent).unwrap_or(parent);
        Ctx {
            file: file.to_path_buf(),
            dir,
            lines: LineIndex::new(text),
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The 1-based line where `span` starts.
    pub(crate) fn line(&self, span: &Range<usize>) -> usize {
        self.lines.line_of(span)
    }

    /// Records a problem at `span`.
    pub(crate) fn error(&mut self, span: &Range<usize>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.clone(),
            line: self.line(span),
            message: message.into(),
        });
    }

    /// Records a warning at `span`.
    pub(crate) fn warn(&mut self, span: &Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.warnings.push((line, message.into()));
    }

    /// How many problems have been recorded so far.
    pub(crate) fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// `value` as a path resolved against the config file's folder; an empty string is a
    /// problem.
    pub(crate) fn path(&mut self, value: &Spanned<String>, key: &str) -> Option<PathBuf> {
        if value.get_ref().trim().is_empty() {
            self.error(&value.span(), format!("`{key}` must not be empty"));
            return None;
        }
        Some(self.dir.join(value.get_ref()))
    }

    /// Like [`Ctx::path`], and the file must exist.
    pub(crate) fn existing_file(&mut self, value: &Spanned<String>, key: &str) -> Option<PathBuf> {
        let path = self.path(value, key)?;
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => Some(path),
            Ok(_) => {
                self.error(
                    &value.span(),
                    format!("`{key}`: {} is not a file", path.display()),
                );
                None
            }
            Err(e) => {
                self.error(
                    &value.span(),
                    format!("`{key}`: cannot read {}: {e}", path.display()),
                );
                None
            }
        }
    }

    /// The config file's folder, absolute.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The problems, in file order.
    pub(crate) fn into_problems(self) -> ConfigErrors {
        let mut problems = self.problems;
        problems.sort_by_key(|p| p.line);
        ConfigErrors(problems)
    }

    /// The file and its warnings as `FILE:LINE: message` in file order, or every problem.
    pub(crate) fn finish(self) -> Result<(PathBuf, Vec<String>), ConfigErrors> {
        if !self.problems.is_empty() {
            return Err(self.into_problems());
        }
        let mut warnings = self.warnings;
        warnings.sort_by_key(|(line, _)| *line);
        let file_name = self.file.display().to_string();
        let warnings = warnings
            .into_iter()
            .map(|(line, message)| format!("{file_name}:{line}: {message}"))
            .collect();
        Ok((self.file, warnings))
    }
}
