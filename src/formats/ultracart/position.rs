//! Positions in the file: byte offsets as 1-based `LINE:COL` (columns in characters), the
//! form every error and `place` in this format uses.

use std::fmt;
use std::io::BufRead;

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

/// A reader that counts lines and columns of the bytes it hands out, so that byte offsets
/// become [`Loc`]s without the file being held: the bytes read but not yet located are kept
/// until [`Tracked::locate`] passes them (the scanner locates every event's start, so that is
/// about one event's bytes).
pub(super) struct Tracked<R> {
    inner: R,
    /// Bytes handed out from offset `base` on, not yet located.
    window: Vec<u8>,
    base: u64,
    line: u64,
    /// Characters from the start of the line to `base`.
    column: u64,
}

impl<R: std::io::BufRead> Tracked<R> {
    pub(super) fn new(inner: R) -> Self {
        Tracked {
            inner,
            window: Vec::new(),
            base: 0,
            line: 1,
            column: 0,
        }
    }

    /// The location of byte offset `pos`: offsets are asked for in increasing order (as the
    /// reader produces them); one before the last asked gives the last's location, one past
    /// the bytes read the end's.
    pub(super) fn locate(&mut self, pos: u64) -> Loc {
        let upto = usize::try_from(pos.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .min(self.window.len());
        for &b in &self.window[..upto] {
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else if b & 0xC0 != 0x80 {
                // Not a UTF-8 continuation byte: a character starts here.
                self.column += 1;
            }
        }
        self.window.drain(..upto);
        self.base += upto as u64;
        Loc {
            line: self.line,
            column: self.column + 1,
        }
    }
}

impl<R: std::io::BufRead> Tracked<R> {
    /// Reads the rest of the input without keeping it (an error ended the scan; the reader
    /// below may still have something to find).
    pub(super) fn skip_rest(&mut self) {
        let _ = std::io::copy(&mut self.inner, &mut std::io::sink());
    }
}

impl<R: std::io::BufRead> std::io::Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let have = self.fill_buf()?;
            let n = have.len().min(buf.len());
            buf[..n].copy_from_slice(&have[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(have) = self.inner.fill_buf() {
            let n = amount.min(have.len());
            self.window.extend_from_slice(&have[..n]);
        }
        self.inner.consume(amount);
    }
}
