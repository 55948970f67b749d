//! UTF-8 checked on the way to the parser, with the place of the first bad byte.
//!
//! anyxml reports bytes that are not UTF-8 as `1:1: Unrecoverable error: DecodeError(Malformed
//! …)`, wherever they are. [`Utf8Check`] sees the document's bytes before the parser does,
//! passes on everything up to the first bad byte, then fails the read and keeps the line and
//! column (in characters) of that byte, so the problem can be told in plain words.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

/// The reason for bytes that are not UTF-8, by every XML reader alike.
pub fn not_utf8(byte: u8) -> String {
    format!("the file is not valid UTF-8 (byte 0x{byte:02X})")
}

/// Where the first bad byte was: line, column, the byte.
pub(crate) type Found = Arc<Mutex<Option<(u64, u64, u8)>>>;

/// How much is read from the inner reader at a time.
const CHUNK: usize = 64 * 1024;

/// A reader that passes on valid UTF-8 and stops at the first byte that is not.
///
/// One buffer, no per-read copies beyond the one into the caller's slice: `buf[pos..good]`
/// is checked and waiting to be handed out, `buf[good..end]` the head of a sequence cut by a
/// read (moved to the front before the next read). Lines and columns are counted a chunk at
/// a time (newlines, and bytes that start a character), not character by character.
pub(crate) struct Utf8Check<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    good: usize,
    end: usize,
    line: u64,
    column: u64,
    eof: bool,
    bad: bool,
    pub(crate) found: Found,
}

impl<R: Read> Utf8Check<R> {
    pub(crate) fn new(inner: R) -> Self {
        Utf8Check {
            inner,
            buf: Vec::new(),
            pos: 0,
            good: 0,
            end: 0,
            line: 1,
            column: 1,
            eof: false,
            bad: false,
            found: Arc::new(Mutex::new(None)),
        }
    }

    /// Reads on until some valid bytes are ready, the input ends, or a bad byte is found.
    fn fill(&mut self) -> io::Result<()> {
        while self.pos == self.good && !self.eof && !self.bad {
            self.buf.copy_within(self.good..self.end, 0);
            self.end -= self.good;
            self.pos = 0;
            self.good = 0;
            if self.buf.len() < self.end + CHUNK {
                self.buf.resize(self.end + CHUNK, 0);
            }
            let n = self.inner.read(&mut self.buf[self.end..])?;
            if n == 0 {
                self.eof = true;
                if self.end > 0 {
                    self.record(self.buf[0]); // a sequence cut by the end of the file
                }
                return Ok(());
            }
            self.end += n;
            let (good, bad) = match std::str::from_utf8(&self.buf[..self.end]) {
                Ok(_) => (self.end, None),
                Err(e) => (
                    e.valid_up_to(),
                    e.error_len().map(|_| self.buf[e.valid_up_to()]),
                ),
            };
            self.good = good;
            advance(&mut self.line, &mut self.column, &self.buf[..good]);
            if let Some(b) = bad {
                self.record(b);
            }
        }
        Ok(())
    }

    fn record(&mut self, byte: u8) {
        if let Ok(mut f) = self.found.lock() {
            *f = Some((self.line, self.column, byte));
        }
        self.bad = true;
        self.end = self.good;
    }
}

/// Moves `line` and `column` past `text` (valid UTF-8; a column counts characters).
fn advance(line: &mut u64, column: &mut u64, text: &[u8]) {
    let chars = |t: &[u8]| t.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64;
    match text.iter().rposition(|&b| b == b'\n') {
        Some(last) => {
            // Counted in blocks of 255 into a byte, which the compiler vectorizes.
            *line += text
                .chunks(255)
                .map(|c| u64::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
                .sum::<u64>();
            *column = 1 + chars(&text[last + 1..]);
        }
        None => *column += chars(text),
    }
}

impl<R: Read> Read for Utf8Check<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.good {
            self.fill()?;
        }
        if self.pos == self.good && self.bad {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the file is not valid UTF-8",
            ));
        }
        let n = out.len().min(self.good - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads in chunks of `step` bytes, as a parser asking for little at a time would.
    fn run(bytes: &[u8], step: usize) -> (Vec<u8>, Option<(u64, u64, u8)>) {
        let mut r = Utf8Check::new(bytes);
        let found = r.found.clone();
        let mut out = Vec::new();
        let mut buf = vec![0u8; step];
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let f = *found.lock().unwrap();
        (out, f)
    }

    #[test]
    fn valid_text_passes_whole_and_a_bad_byte_is_placed() {
        let good = "<r>caf\u{e9} \u{65e5}\u{672c}\n</r>\n".as_bytes();
        for step in [1, 2, 3, 7, 4096] {
            assert_eq!(run(good, step), (good.to_vec(), None), "step {step}");
        }
        let mut bad = b"<r>\nab caf".to_vec();
        bad.push(0xE9); // Latin-1 \u{e9} in a UTF-8 file
        bad.extend_from_slice(b"</r>");
        for step in [1, 3, 4096] {
            let (out, f) = run(&bad, step);
            assert_eq!(out, b"<r>\nab caf", "step {step}");
            assert_eq!(f, Some((2, 7, 0xE9)), "step {step}");
        }
        // A sequence cut by the end of the file.
        let (_, f) = run(&"\u{65e5}".as_bytes()[..2], 1);
        assert_eq!(f, Some((1, 1, 0xE6)));
    }
}
