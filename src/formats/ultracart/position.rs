//! Positions in the file: byte offsets as 1-based `LINE:COL` (columns in characters), the
//! form every error and `place` in this format uses.

use std::fmt;

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Loc {
    pub(super) line: u64,
    pub(super) column: u64,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Turns byte offsets into [`Loc`]s, counting newlines incrementally: offsets asked for in
/// increasing order (as the reader produces them) cost one pass over the file in total.
pub(super) struct LineCursor<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    line_start: usize,
}

impl<'a> LineCursor<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        LineCursor {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The location of byte offset `pos` (clamped to the text).
    pub(super) fn locate(&mut self, pos: usize) -> Loc {
        let pos = pos.min(self.text.len());
        if pos < self.pos {
            // Rare (only for errors): start again from the top.
            *self = LineCursor::new(self.text);
        }
        let bytes = self.text.as_bytes();
        for (i, b) in bytes[self.pos..pos].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.pos + i + 1;
            }
        }
        self.pos = pos;
        let column = match self.text.get(self.line_start..pos) {
            Some(prefix) => prefix.chars().count(),
            None => pos - self.line_start,
        };
        Loc {
            line: self.line,
            column: column as u64 + 1,
        }
    }
}
