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

/// A reader that passes on valid UTF-8 and stops at the first byte that is not.
pub(crate) struct Utf8Check<R> {
    inner: R,
    /// Bytes read but not yet passed on: the head of a sequence cut by a read, or, once a
    /// bad byte was found, nothing more.
    held: Vec<u8>,
    /// Valid bytes waiting to be handed out.
    ready: Vec<u8>,
    line: u64,
    column: u64,
    eof: bool,
    pub(crate) found: Found,
}

impl<R: Read> Utf8Check<R> {
    pub(crate) fn new(inner: R) -> Self {
        Utf8Check {
            inner,
            held: Vec::new(),
            ready: Vec::new(),
            line: 1,
            column: 1,
            eof: false,
            found: Arc::new(Mutex::new(None)),
        }
    }

    fn advance(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
    }

    fn failed(&self) -> bool {
        self.found.lock().map(|f| f.is_some()).unwrap_or(true)
    }

    /// Reads on until some valid bytes are ready, the input ends, or a bad byte is found.
    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        while self.ready.is_empty() && !self.eof && !self.failed() {
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                self.eof = true;
                if let Some(&b) = self.held.first() {
                    self.record(b); // a sequence cut by the end of the file
                }
                return Ok(());
            }
            self.held.extend_from_slice(&chunk[..n]);
            let (good, bad) = match std::str::from_utf8(&self.held) {
                Ok(_) => (self.held.len(), None),
                Err(e) => (
                    e.valid_up_to(),
                    e.error_len().map(|_| self.held[e.valid_up_to()]),
                ),
            };
            let text = std::str::from_utf8(&self.held[..good]).unwrap_or_default();
            let text = text.to_string();
            self.advance(&text);
            self.ready.extend_from_slice(text.as_bytes());
            self.held.drain(..good);
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
        self.held.clear();
    }
}

impl<R: Read> Read for Utf8Check<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ready.is_empty() {
            self.fill()?;
        }
        if self.ready.is_empty() && self.failed() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the file is not valid UTF-8",
            ));
        }
        let n = buf.len().min(self.ready.len());
        buf[..n].copy_from_slice(&self.ready[..n]);
        self.ready.drain(..n);
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
