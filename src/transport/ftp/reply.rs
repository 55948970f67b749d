//! FTP replies (RFC 959 §4.2): a code and one or more lines, encoded into one buffer so the
//! session writes each reply with one write (with `TCP_NODELAY`, one segment: no small write
//! waits for a delayed ACK).

use std::fmt::Write as _;

/// One reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit code.
    pub code: u16,
    /// The text lines (at least one). Multi-line replies (RFC 959 §4.2) put the first line
    /// after `code-`, the middle ones indented by a space, and the last after `code `.
    lines: Vec<String>,
    /// For listings sent over the control connection (FEAT, MLST, STAT): the middle lines
    /// are given as they are, with their leading space.
    raw_middle: bool,
}

impl Reply {
    /// A one-line reply.
    pub fn new(code: u16, text: impl Into<String>) -> Reply {
        Reply {
            code,
            lines: vec![text.into()],
            raw_middle: false,
        }
    }

    /// A multi-line reply: `first`, then each of `middle` (written as given: start them with a
    /// space), then `last`.
    pub fn multi(code: u16, first: impl Into<String>, middle: Vec<String>, last: &str) -> Reply {
        let mut lines = Vec::with_capacity(middle.len() + 2);
        lines.push(first.into());
        lines.extend(middle);
        lines.push(last.to_string());
        Reply {
            code,
            lines,
            raw_middle: true,
        }
    }

    /// Appends the wire form to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let mut s = String::new();
        let n = self.lines.len();
        for (i, line) in self.lines.iter().enumerate() {
            let line = clean(line);
            if n == 1 {
                let _ = write!(s, "{} {line}\r\n", self.code);
            } else if i == 0 {
                let _ = write!(s, "{}-{line}\r\n", self.code);
            } else if i + 1 == n {
                let _ = write!(s, "{} {line}\r\n", self.code);
            } else if self.raw_middle && line.starts_with(' ') {
                let _ = write!(s, "{line}\r\n");
            } else {
                // A middle line must not look like the last one (RFC 959 §4.2).
                let _ = write!(s, " {line}\r\n");
            }
        }
        out.extend_from_slice(s.as_bytes());
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode(&mut v);
        v
    }
}

/// A reply line never carries CR or LF of its own (a name with one cannot split a reply).
fn clean(line: &str) -> std::borrow::Cow<'_, str> {
    if line.contains(['\r', '\n']) {
        std::borrow::Cow::Owned(line.replace(['\r', '\n'], " "))
    } else {
        std::borrow::Cow::Borrowed(line)
    }
}

/// A path inside a `257` reply: quoted, with quotes doubled (RFC 959 Appendix II).
pub fn quote_path(path: &str) -> String {
    format!("\"{}\"", path.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line() {
        assert_eq!(Reply::new(200, "ok").to_bytes(), b"200 ok\r\n");
    }

    #[test]
    fn multi_line_and_injected_line_breaks() {
        let r = Reply::multi(
            211,
            "Features:",
            vec![" SIZE".into(), " MDTM".into()],
            "End",
        );
        assert_eq!(
            r.to_bytes(),
            b"211-Features:\r\n SIZE\r\n MDTM\r\n211 End\r\n"
        );
        let r = Reply::new(550, "no such file: a\r\n230 fake");
        assert_eq!(r.to_bytes(), b"550 no such file: a  230 fake\r\n");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_path("/in/a\"b"), "\"/in/a\"\"b\"");
    }
}
