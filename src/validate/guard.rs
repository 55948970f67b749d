//! Entity expansion bound (anyxml has none: a "billion laughs" keeps it busy for minutes, and a
//! parameter-entity variant grows its memory without end).
//!
//! Before the parser runs, every DTD text the document will use (its internal subset, the
//! external subset, external parameter entities) is scanned lexically for entity declarations,
//! and each entity's fully expanded size and nesting depth are computed without expanding
//! anything. A document is refused when one entity is too big or too deep. While the parser
//! runs, [`RefCounter`] sees the document's bytes before the parser does and adds up what its
//! entity references will expand to, stopping the input once the total passes the limit.

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Reads an external entity for measuring: its size, and its text when small enough.
pub(crate) type Loader<'a> = dyn FnMut(&str) -> Option<(u64, Option<Arc<str>>)> + 'a;

/// The declared entities, by kind and name.
#[derive(Debug, Default)]
pub(crate) struct Table {
    general: HashMap<String, Vec<Def>>,
    parameter: HashMap<String, Vec<Def>>,
}

#[derive(Debug, Clone)]
enum Def {
    /// The literal value (as written, references unexpanded).
    Internal(String),
    /// An external entity, with the size and text of its file when it could be read.
    External { len: u64, text: Option<Arc<str>> },
}

/// An entity too big or too deep.
#[derive(Debug)]
pub(crate) struct Exceeded {
    pub message: String,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.' | '\u{B7}') || (c as u32) > 0x7F
}

/// Replaces numeric character references by their characters (one level).
fn decode_char_refs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find("&#") {
        out.push_str(&rest[..p]);
        let after = &rest[p + 2..];
        let (radix, digits) = match after.strip_prefix('x') {
            Some(h) => (16, h),
            None => (10, after),
        };
        let end = digits.find(';');
        match end.and_then(|e| {
            u32::from_str_radix(&digits[..e], radix)
                .ok()
                .map(|v| (e, v))
        }) {
            Some((e, v)) => {
                out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
                rest = &digits[e + 1..];
            }
            None => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Entity references (`&name;` and `%name;`, not character references) in a text.
fn references(s: &str) -> impl Iterator<Item = (bool, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if (b == b'&' || b == b'%') && i < bytes.len() && bytes[i] != b'#' {
                let start = i;
                let rest = &s[start..];
                let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                if len > 0 && rest[len..].starts_with(';') {
                    i = start + len + 1;
                    return Some((b == b'%', &s[start..start + len]));
                }
            }
        }
        None
    })
}

impl Table {
    /// Records the entity declarations found in `text` (a DTD or an internal subset), also
    /// those written inside other entities' values. `load` reads an external entity's file
    /// (system id relative to the declaring text), returning its size and text.
    pub(crate) fn scan(&mut self, text: &str, load: &mut Loader<'_>, nesting: u32) {
        if nesting > 4 {
            return;
        }
        let mut from = 0;
        while let Some(p) = text[from..].find("<!ENTITY") {
            let at = from + p + 8;
            from = at;
            let rest = text[at..].trim_start();
            let (pe, rest) = match rest.strip_prefix('%') {
                Some(r) if r.starts_with(|c: char| c.is_whitespace()) => (true, r.trim_start()),
                _ => (false, rest),
            };
            let nlen = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
            if nlen == 0 {
                continue;
            }
            let name = rest[..nlen].to_string();
            let rest = rest[nlen..].trim_start();
            let def = if let Some(q) = rest.chars().next().filter(|&c| c == '"' || c == '\'') {
                let Some(end) = rest[1..].find(q) else {
                    continue;
                };
                let value = &rest[1..1 + end];
                let decoded = decode_char_refs(value);
                if decoded.contains("<!ENTITY") {
                    self.scan(&decoded, load, nesting + 1);
                }
                Def::Internal(value.to_string())
            } else if let Some(r) = rest.strip_prefix("SYSTEM").or_else(|| {
                rest.strip_prefix("PUBLIC")
                    .map(|r| skip_literal(r.trim_start()))
            }) {
                let r = r.trim_start();
                let Some(q) = r.chars().next().filter(|&c| c == '"' || c == '\'') else {
                    continue;
                };
                let Some(end) = r[1..].find(q) else { continue };
                let system = &r[1..1 + end];
                let after = r[1 + end + 1..].trim_start();
                if after.starts_with("NDATA") {
                    continue; // unparsed: never expanded
                }
                let (len, text) = load(system).unwrap_or((0, None));
                if pe && let Some(t) = &text {
                    self.scan(t, load, nesting + 1);
                }
                Def::External { len, text }
            } else {
                continue;
            };
            let map = if pe {
                &mut self.parameter
            } else {
                &mut self.general
            };
            map.entry(name).or_default().push(def);
        }
    }

    /// Checks every entity against the limits.
    pub(crate) fn check(&self, max_bytes: u64, max_depth: u32) -> Result<(), Exceeded> {
        let mut memo = HashMap::new();
        for (pe, map) in [(false, &self.general), (true, &self.parameter)] {
            for name in map.keys() {
                let (size, depth) = self.measure(pe, name, &mut memo, &mut Vec::new());
                let sigil = if pe { "%" } else { "&" };
                if size > max_bytes {
                    return Err(Exceeded {
                        message: format!(
                            "entity expansion exceeds the limit: {sigil}{name}; expands to {size} bytes (limit {max_bytes}); refused without expanding it"
                        ),
                    });
                }
                if depth > max_depth {
                    return Err(Exceeded {
                        message: format!(
                            "entity expansion exceeds the nesting limit: {sigil}{name}; nests {depth} entities deep (limit {max_depth})"
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// Expanded size (saturating) and nesting depth of an entity.
    fn measure(
        &self,
        pe: bool,
        name: &str,
        memo: &mut HashMap<(bool, String), (u64, u32)>,
        stack: &mut Vec<(bool, String)>,
    ) -> (u64, u32) {
        let key = (pe, name.to_string());
        if let Some(&m) = memo.get(&key) {
            return m;
        }
        if stack.contains(&key) || stack.len() > 64 {
            return (0, 0); // recursion: the parser reports it
        }
        let map = if pe { &self.parameter } else { &self.general };
        let Some(defs) = map.get(name) else {
            return (0, 0);
        };
        stack.push(key.clone());
        let mut best = (0u64, 0u32);
        for def in defs {
            let (base, text): (u64, Option<&str>) = match def {
                Def::Internal(v) => (v.len() as u64, Some(v)),
                Def::External { len, text } => (*len, text.as_deref()),
            };
            let mut size = base;
            let mut depth = 0;
            if let Some(text) = text {
                for (rpe, rname) in references(text) {
                    let (s, d) = self.measure(rpe, rname, memo, stack);
                    size = size.saturating_add(s);
                    depth = depth.max(d);
                }
            }
            best = (best.0.max(size), best.1.max(depth + 1));
        }
        stack.pop();
        memo.insert(key, best);
        best
    }

    /// The expanded size of each general entity, for [`RefCounter`] (predefined names left
    /// out: they expand to one character).
    pub(crate) fn general_sizes(&self) -> HashMap<Vec<u8>, u64> {
        let mut memo = HashMap::new();
        self.general
            .keys()
            .filter(|n| !matches!(n.as_str(), "amp" | "lt" | "gt" | "apos" | "quot"))
            .map(|n| {
                let (s, _) = self.measure(false, n, &mut memo, &mut Vec::new());
                (n.as_bytes().to_vec(), s)
            })
            .filter(|(n, s)| *s > n.len() as u64 + 2)
            .collect()
    }

    /// The total growth of the references in a DTD text outside entity values (attribute
    /// defaults are expanded once, at their declaration).
    pub(crate) fn growth_outside_values(&self, text: &str) -> u64 {
        let sizes = self.general_sizes();
        let mut total = 0u64;
        let outside = without_entity_decls(text);
        for (pe, name) in references(&outside) {
            if !pe && let Some(&s) = sizes.get(name.as_bytes()) {
                total = total.saturating_add(s.saturating_sub(name.len() as u64 + 2));
            }
        }
        total
    }
}

/// `text` with its `<!ENTITY ...>` declarations left out (quoted values skipped whole).
fn without_entity_decls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find("<!ENTITY") {
        out.push_str(&rest[..p]);
        let mut quote = None;
        let mut end = rest.len();
        for (i, c) in rest[p..].char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = p + i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn skip_literal(s: &str) -> &str {
    let Some(q) = s.chars().next().filter(|&c| c == '"' || c == '\'') else {
        return s;
    };
    match s[1..].find(q) {
        Some(e) => &s[e + 2..],
        None => "",
    }
}

/// Adds up, over the document's bytes as they stream to the parser, how much its general
/// entity references will grow the text, and fails the read (setting `tripped`) before the
/// reference that would pass `limit` reaches the parser.
pub(crate) struct RefCounter<R> {
    inner: R,
    sizes: HashMap<Vec<u8>, u64>,
    limit: u64,
    total: u64,
    /// Bytes of a reference cut by the read boundary (`&` and the name so far).
    partial: Option<Vec<u8>>,
    pub(crate) tripped: Arc<AtomicBool>,
    pub(crate) message: Arc<std::sync::Mutex<(String, u64, u64)>>,
    line: u64,
    column: u64,
    ref_at: (u64, u64),
}

impl<R: Read> RefCounter<R> {
    /// `at`: the line and column of the first byte `inner` yields.
    pub(crate) fn new(inner: R, sizes: HashMap<Vec<u8>, u64>, limit: u64, at: (u64, u64)) -> Self {
        RefCounter {
            inner,
            sizes,
            limit,
            total: 0,
            partial: None,
            tripped: Arc::new(AtomicBool::new(false)),
            message: Arc::new(std::sync::Mutex::new((String::new(), at.0, at.1))),
            line: at.0,
            column: at.1,
            ref_at: at,
        }
    }

    fn count(&mut self, name: &[u8]) -> bool {
        if let Some(&s) = self.sizes.get(name) {
            self.total = self
                .total
                .saturating_add(s.saturating_sub(name.len() as u64 + 2));
            if self.total > self.limit {
                if let Ok(mut m) = self.message.lock() {
                    *m = (
                        format!(
                            "entity expansion exceeds the limit: the references to &{}; and others expand to more than {} bytes; refused without expanding them",
                            String::from_utf8_lossy(name),
                            self.limit
                        ),
                        self.ref_at.0,
                        self.ref_at.1,
                    );
                }
                self.tripped.store(true, Ordering::SeqCst);
                return false;
            }
        }
        true
    }
}

impl<R: Read> Read for RefCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.tripped.load(Ordering::SeqCst) {
            return Err(io::Error::other("entity expansion exceeds the limit"));
        }
        let n = self.inner.read(buf)?;
        if self.sizes.is_empty() {
            return Ok(n);
        }
        for &b in &buf[..n] {
            let (line, column) = (self.line, self.column);
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
            match &mut self.partial {
                Some(p) => {
                    if b == b';' {
                        let name = std::mem::take(p);
                        self.partial = None;
                        if !self.count(&name) {
                            return Err(io::Error::other("entity expansion exceeds the limit"));
                        }
                    } else if b == b'&' {
                        p.clear();
                        self.ref_at = (line, column);
                    } else if p.len() > 256
                        || matches!(
                            b,
                            b' ' | b'<' | b'>' | b'"' | b'\'' | b'\n' | b'\t' | b'\r' | b'#'
                        )
                    {
                        self.partial = None;
                    } else {
                        p.push(b);
                    }
                }
                None if b == b'&' => {
                    self.partial = Some(Vec::new());
                    self.ref_at = (line, column);
                }
                None => {}
            }
        }
        Ok(n)
    }
}

/// Where, in a DTD text, content-model groups `(…)` or conditional sections `<![…[…]]>`
/// first nest deeper than `max` (anyxml parses both recursively, so a deep enough nest would
/// overflow the stack). A lexical scan: comments, processing instructions and quoted literals
/// are skipped; groups built by parameter entities are not seen here (entity nesting has its
/// own bound).
pub(crate) fn too_deep_in_dtd(text: &str, max: u32) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut groups, mut sections) = (0usize, 0u32, 0u32);
    let mut in_decl = false;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            i = find_from(b, i + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<?") {
            i = find_from(b, i + 2, b"?>").map_or(b.len(), |e| e + 2);
            continue;
        }
        if rest.starts_with(b"<![") {
            sections += 1;
            if sections > max {
                return Some(i);
            }
            i += 3;
            continue;
        }
        if rest.starts_with(b"]]>") {
            sections = sections.saturating_sub(1);
            i += 3;
            continue;
        }
        match b[i] {
            b'<' if rest.get(1) == Some(&b'!') => in_decl = true,
            b'>' if in_decl => {
                in_decl = false;
                groups = 0;
            }
            b'"' | b'\'' if in_decl => {
                let q = b[i];
                i = b[i + 1..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(b.len(), |e| i + 1 + e);
            }
            b'(' if in_decl => {
                groups += 1;
                if groups > max {
                    return Some(i);
                }
            }
            b')' if in_decl => groups = groups.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn find_from(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}
