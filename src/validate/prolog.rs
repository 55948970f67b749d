//! The document's encoding and prolog, read before the parser sees anything.
//!
//! Everything up to the root element (the XML declaration, comments, PIs and the DOCTYPE with
//! its internal subset) is read into memory and scanned lexically, so that
//! - the entity declarations can be measured before any is expanded (see `guard`),
//! - `--dtd` / partner mode can swap the DOCTYPE for one naming the configured DTD,
//! - an internal subset can be refused in partner mode,
//!
//! and the encoding is settled: UTF-16 is transcoded to UTF-8 here, and any other encoding is
//! handed to the parser by name (which also keeps anyxml in its bounded "compact" buffering).

use std::io::{self, Read};

/// The document's encoding as far as the first bytes tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 (or US-ASCII, or no declaration).
    Utf8,
    /// UTF-16, transcoded to UTF-8 by [`Utf16ToUtf8`]; `true` = big-endian.
    Utf16 { big_endian: bool },
    /// Another encoding, by the name the XML declaration gives.
    Other(String),
}

/// Looks at the first bytes: BOM, UTF-16 without BOM, or the declared encoding.
/// Returns the encoding and how many BOM bytes to skip.
pub(crate) fn sniff(head: &[u8]) -> (Encoding, usize) {
    match head {
        [0xEF, 0xBB, 0xBF, ..] => (declared(&head[3..]), 3),
        [0xFE, 0xFF, ..] => (Encoding::Utf16 { big_endian: true }, 2),
        [0xFF, 0xFE, ..] => (Encoding::Utf16 { big_endian: false }, 2),
        [0x00, 0x3C, 0x00, 0x3F, ..] => (Encoding::Utf16 { big_endian: true }, 0),
        [0x3C, 0x00, 0x3F, 0x00, ..] => (Encoding::Utf16 { big_endian: false }, 0),
        _ => (declared(head), 0),
    }
}

fn declared(head: &[u8]) -> Encoding {
    match decl_encoding(head) {
        Some((s, e)) => {
            let name = String::from_utf8_lossy(&head[s..e]).to_string();
            let lower = name.to_ascii_lowercase();
            if lower == "utf-8" || lower == "us-ascii" || lower == "ascii" {
                Encoding::Utf8
            } else {
                Encoding::Other(name)
            }
        }
        None => Encoding::Utf8,
    }
}

/// The byte range of the encoding name inside an XML declaration at the start of `buf`.
pub(crate) fn decl_encoding(buf: &[u8]) -> Option<(usize, usize)> {
    if !buf.starts_with(b"<?xml") || !buf.get(5).is_some_and(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let end = find(buf, 0, b"?>")?;
    let decl = &buf[..end];
    let at = find(decl, 0, b"encoding")?;
    let mut i = at + 8;
    while i < decl.len() && (decl[i].is_ascii_whitespace() || decl[i] == b'=') {
        i += 1;
    }
    let q = *decl.get(i)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let close = decl[i + 1..].iter().position(|&b| b == q)? + i + 1;
    Some((i + 1, close))
}

/// A reader that decodes UTF-16 and yields UTF-8. Unpaired surrogates become U+FFFD.
pub(crate) struct Utf16ToUtf8<R> {
    inner: R,
    big_endian: bool,
    pending: Vec<u8>,
    raw: Vec<u8>,
    high: Option<u16>,
    eof: bool,
}

impl<R: Read> Utf16ToUtf8<R> {
    pub(crate) fn new(inner: R, big_endian: bool) -> Self {
        Utf16ToUtf8 {
            inner,
            big_endian,
            pending: Vec::new(),
            raw: Vec::new(),
            high: None,
            eof: false,
        }
    }

    fn push_char(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.pending
            .extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 16384];
        while self.pending.is_empty() && !self.eof {
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                self.eof = true;
                if self.high.take().is_some() || !self.raw.is_empty() {
                    self.push_char(char::REPLACEMENT_CHARACTER);
                }
                break;
            }
            self.raw.extend_from_slice(&chunk[..n]);
            let units = self.raw.len() / 2;
            for k in 0..units {
                let pair = [self.raw[2 * k], self.raw[2 * k + 1]];
                let u = if self.big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                };
                match (self.high.take(), u) {
                    (None, 0xD800..=0xDBFF) => self.high = Some(u),
                    (None, 0xDC00..=0xDFFF) => self.push_char(char::REPLACEMENT_CHARACTER),
                    (None, u) => self.push_char(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}')),
                    (Some(h), 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                        self.push_char(char::from_u32(c).unwrap_or('\u{FFFD}'));
                    }
                    (Some(_), 0xD800..=0xDBFF) => {
                        self.push_char(char::REPLACEMENT_CHARACTER);
                        self.high = Some(u);
                    }
                    (Some(_), u) => {
                        self.push_char(char::REPLACEMENT_CHARACTER);
                        self.push_char(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'));
                    }
                }
            }
            self.raw.drain(..units * 2);
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.fill()?;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// Where the parts of the prolog are, as byte ranges of the buffer.
#[derive(Debug, Default, Clone)]
pub(crate) struct Prolog {
    /// The XML declaration, `<?xml ... ?>`.
    pub xml_decl: Option<(usize, usize)>,
    /// The whole DOCTYPE declaration, `<!DOCTYPE ... >`.
    pub doctype: Option<(usize, usize)>,
    /// The DOCTYPE's name.
    pub doctype_name: Option<String>,
    /// The internal subset, between `[` and `]` (exclusive).
    pub internal_subset: Option<(usize, usize)>,
    /// Where the root element's start tag begins (None: not reached, e.g. not well-formed).
    pub root_start: Option<usize>,
    /// The root element's name.
    pub root_name: Option<String>,
    /// Where scanning stopped: everything before belongs to the prolog.
    pub end: usize,
}

/// What scanning a buffer found.
pub(crate) enum Scan {
    /// The prolog is complete (or the scan gave up on something not well-formed; the parser
    /// reports that).
    Done(Prolog),
    /// The buffer ends inside the prolog.
    NeedMore,
}

fn find(buf: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from > buf.len() {
        return None;
    }
    buf[from..]
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_name_byte(b: u8) -> bool {
    !is_ws(b)
        && !matches!(
            b,
            b'>' | b'/' | b'[' | b'=' | b'"' | b'\'' | b'<' | b'%' | b';'
        )
}

fn name_at(buf: &[u8], mut i: usize) -> Option<(String, usize)> {
    let start = i;
    while i < buf.len() && is_name_byte(buf[i]) {
        i += 1;
    }
    if i == buf.len() {
        return None; // may continue in the next chunk
    }
    Some((String::from_utf8_lossy(&buf[start..i]).to_string(), i))
}

/// Scans `buf` (the document from its first byte, BOM removed) for the prolog. `eof` says the
/// buffer holds the whole document.
pub(crate) fn scan(buf: &[u8], eof: bool) -> Scan {
    let more = |p: Prolog| if eof { Scan::Done(p) } else { Scan::NeedMore };
    let mut p = Prolog::default();
    let mut i = 0;
    if buf.starts_with(b"<?xml") && buf.get(5).is_some_and(|&b| is_ws(b)) {
        match find(buf, 0, b"?>") {
            Some(e) => {
                p.xml_decl = Some((0, e + 2));
                i = e + 2;
            }
            None => return more(p),
        }
    } else if buf.len() < 6 && !eof {
        return Scan::NeedMore;
    }
    loop {
        while i < buf.len() && is_ws(buf[i]) {
            i += 1;
        }
        p.end = i;
        let rest = &buf[i..];
        if rest.len() < 9 && !eof {
            return Scan::NeedMore;
        }
        if rest.starts_with(b"<!--") {
            match find(buf, i + 4, b"-->") {
                Some(e) => i = e + 3,
                None => return more(p),
            }
        } else if rest.starts_with(b"<?") {
            match find(buf, i + 2, b"?>") {
                Some(e) => i = e + 2,
                None => return more(p),
            }
        } else if rest.starts_with(b"<!DOCTYPE") && p.doctype.is_none() {
            match scan_doctype(buf, i, &mut p) {
                Some(true) => i = p.doctype.map_or(i, |d| d.1),
                Some(false) => return Scan::Done(p),
                None => return more(p),
            }
        } else if rest.len() > 1 && rest[0] == b'<' && is_name_byte(rest[1]) && rest[1] != b'!' {
            match name_at(buf, i + 1) {
                Some((name, _)) => {
                    p.root_start = Some(i);
                    p.root_name = Some(name);
                    p.end = i;
                    return Scan::Done(p);
                }
                None => return more(p),
            }
        } else {
            return Scan::Done(p);
        }
    }
}

/// Scans `<!DOCTYPE ...>` at `start`. Some(true): complete; Some(false): not well-formed (the
/// parser will say so); None: needs more input.
fn scan_doctype(buf: &[u8], start: usize, p: &mut Prolog) -> Option<bool> {
    let mut i = start + 9;
    while i < buf.len() && is_ws(buf[i]) {
        i += 1;
    }
    let (name, mut i) = name_at(buf, i)?;
    if name.is_empty() {
        return Some(false);
    }
    p.doctype_name = Some(name);
    loop {
        while i < buf.len() && is_ws(buf[i]) {
            i += 1;
        }
        let b = *buf.get(i)?;
        match b {
            b'>' => {
                p.doctype = Some((start, i + 1));
                return Some(true);
            }
            b'"' | b'\'' => {
                let close = buf[i + 1..].iter().position(|&c| c == b)? + i + 1;
                i = close + 1;
            }
            b'[' => {
                let s = i + 1;
                let e = scan_subset(buf, s)?;
                match e {
                    Some(e) => {
                        p.internal_subset = Some((s, e));
                        i = e + 1;
                    }
                    None => return Some(false),
                }
            }
            _ if is_name_byte(b) => {
                let (_, e) = name_at(buf, i)?;
                i = e;
            }
            _ => return Some(false),
        }
    }
}

/// Scans an internal subset from `s`; Some(Some(e)): `]` at e; Some(None): not well-formed;
/// None: needs more input.
fn scan_subset(buf: &[u8], s: usize) -> Option<Option<usize>> {
    let mut i = s;
    loop {
        while i < buf.len() && is_ws(buf[i]) {
            i += 1;
        }
        let rest = &buf[i..];
        if rest.len() < 4 {
            if rest.first() == Some(&b']') {
                return Some(Some(i));
            }
            return None;
        }
        if rest[0] == b']' {
            return Some(Some(i));
        } else if rest.starts_with(b"<!--") {
            i = find(buf, i + 4, b"-->")? + 3;
        } else if rest.starts_with(b"<?") {
            i = find(buf, i + 2, b"?>")? + 2;
        } else if rest.starts_with(b"<!") {
            let mut j = i + 2;
            loop {
                let c = *buf.get(j)?;
                match c {
                    b'"' | b'\'' => j = buf[j + 1..].iter().position(|&x| x == c)? + j + 2,
                    b'>' => break,
                    b'<' => return Some(None),
                    _ => j += 1,
                }
            }
            i = j + 1;
        } else if rest[0] == b'%' {
            let e = buf[i..]
                .iter()
                .position(|&c| c == b';' || is_ws(c) || c == b'<')?;
            if buf[i + e] != b';' {
                return Some(None);
            }
            i += e + 1;
        } else {
            return Some(None);
        }
    }
}

/// Line and column (1-based, columns in characters) of byte offset `at`.
pub(crate) fn line_col(buf: &[u8], at: usize) -> (u64, u64) {
    let at = at.min(buf.len());
    let before = &buf[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

/// Builds the prolog with the DOCTYPE replaced by one naming `dtd_uri` (keeping the internal
/// subset when `keep_subset`), padded so that every line and column after it stays where it
/// was. Also rewrites a declared encoding to UTF-8 when `utf8_decl` (the input was
/// transcoded). Returns the new prolog bytes (to be followed by `buf[p.end..]`).
pub(crate) fn rewrite(
    buf: &[u8],
    p: &Prolog,
    dtd_uri: Option<&str>,
    keep_subset: bool,
    utf8_decl: bool,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.end + 128);
    let mut pos = 0;
    if let Some((ds, de)) = p.xml_decl {
        let decl = &buf[ds..de];
        if utf8_decl {
            declare_utf8(decl, &mut out);
        } else {
            out.extend_from_slice(decl);
        }
        pos = de;
    }
    let Some(uri) = dtd_uri else {
        out.extend_from_slice(&buf[pos..p.end]);
        return out;
    };
    match p.doctype {
        Some((s, e)) => {
            out.extend_from_slice(&buf[pos..s]);
            let name = p.doctype_name.as_deref().unwrap_or("_");
            let mut d = format!("<!DOCTYPE {name} SYSTEM \"{uri}\"").into_bytes();
            if keep_subset && let Some((ss, se)) = p.internal_subset {
                d.extend_from_slice(b" [");
                d.extend_from_slice(&buf[ss..se]);
                d.push(b']');
            }
            let (want_line, want_col) = line_col(&buf[s..e], e - s - 1);
            let have_lines = d.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            d.extend(std::iter::repeat_n(
                b'\n',
                want_line.saturating_sub(have_lines) as usize,
            ));
            let (_, have_col) = line_col(&d, d.len());
            d.extend(std::iter::repeat_n(
                b' ',
                want_col.saturating_sub(have_col) as usize,
            ));
            d.push(b'>');
            out.extend_from_slice(&d);
            out.extend_from_slice(&buf[e..p.end]);
        }
        None => {
            if let Some(root) = &p.root_name {
                out.extend_from_slice(format!("<!DOCTYPE {root} SYSTEM \"{uri}\">").as_bytes());
            }
            out.extend_from_slice(&buf[pos..p.end]);
        }
    }
    out
}

/// Appends the XML declaration `decl` (the start of a document) with its encoding named
/// UTF-8, padded so that every column after it stays where it was.
fn declare_utf8(decl: &[u8], out: &mut Vec<u8>) {
    match decl_encoding(decl) {
        Some((s, e)) => {
            out.extend_from_slice(&decl[..s]);
            out.extend_from_slice(b"UTF-8");
            out.push(decl[e]);
            // the closing quote moves left, spaces fill in
            out.extend(std::iter::repeat_n(b' ', (e - s).saturating_sub(5)));
            out.extend_from_slice(&decl[e + 1..]);
        }
        None => out.extend_from_slice(decl),
    }
}

/// A UTF-16 document (with or without a BOM) as UTF-8, its XML declaration naming UTF-8 and
/// every line and column where it was; `None` when the document is not UTF-16. (Unpaired
/// surrogates become U+FFFD, as in [`Utf16ToUtf8`].)
pub(crate) fn utf16_to_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    let (Encoding::Utf16 { big_endian }, bom) = sniff(bytes) else {
        return None;
    };
    let mut text = Vec::with_capacity(bytes.len());
    Utf16ToUtf8::new(&bytes[bom..], big_endian)
        .read_to_end(&mut text)
        .ok()?;
    let decl_end = match (text.starts_with(b"<?xml"), find(&text, 0, b"?>")) {
        (true, Some(e)) => e + 2,
        _ => return Some(text),
    };
    let mut out = Vec::with_capacity(text.len());
    declare_utf8(&text[..decl_end], &mut out);
    out.extend_from_slice(&text[decl_end..]);
    Some(out)
}
