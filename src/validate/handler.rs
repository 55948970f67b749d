//! The SAX handler: collects problems, resolves entities under the mode's policy, and keeps
//! enough of the element structure to say what a content model expected.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyxml::error::{XMLError, XMLErrorLevel};
use anyxml::sax::error::SAXParseError;
use anyxml::sax::{
    Attributes, ContentSpec, EntityResolver, ErrorHandler, InputSource, Locator, SAXHandler,
};
use anyxml::uri::{URIStr, URIString};

use super::prolog::{self, Encoding};
use super::{Limits, Problem, ValidateError};

/// What the resolver may load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Local files (relative to the referring entity, or through the catalog); no network.
    LocalFiles,
    /// Only the configured DTD, as the external subset.
    OnlyDtd,
}

/// An open element, as far as a content-model message needs it. The slots are reused from
/// element to element (their strings keep their capacity): no allocation per element.
#[derive(Default)]
struct Open {
    name: String,
    /// The first children's names: `children[..shown]` (the rest are stale slots).
    children: Vec<String>,
    shown: usize,
    text: bool,
}

pub(crate) struct Handler {
    policy: Policy,
    dtd: Option<PathBuf>,
    limits: Limits,
    pub(crate) document_uri: Option<String>,
    pub(crate) problems: Vec<Problem>,
    /// A DTD that cannot be read: the whole validation fails (exit 2).
    pub(crate) fatal: Option<ValidateError>,
    locator: Option<Arc<Locator>>,
    models: HashMap<String, String>,
    /// The open elements are `stack[..depth]`; slots past it are kept for reuse.
    stack: Vec<Open>,
    depth: usize,
    /// The slot of the element closed last, until the slot is reused.
    last_closed: Option<usize>,
    seen_fatal: bool,
    /// A problem other than a DTD validity error was recorded (not well-formed, a refused
    /// load, a limit).
    pub(crate) blocking: bool,
    /// No DOCTYPE: validity errors mean nothing, only well-formedness is reported.
    pub(crate) no_dtd: bool,
    /// Entities open in content, and the text they produced (a second bound behind `guard`).
    entity_depth: u32,
    expanded: u64,
    /// Problems recorded inside the start tag being parsed (attribute errors come before
    /// `start_element`): they get the element's name when it arrives.
    in_start_tag: Vec<usize>,
    /// The catalog, for measuring the entities of DTDs found through it before the parse.
    peek_catalog: Option<std::cell::RefCell<anyxml::catalog::Catalog>>,
}

/// The payload with which the handler unwinds out of a parse it stops: entity expansion past
/// the limit, elements nested past the limit, or the first fatal error (anyxml goes on parsing,
/// and recursing, after one, without telling the handler about elements). anyxml offers no
/// way to stop a parse; `validate_reader` catches it.
pub(crate) struct Stop;

/// Unwinds out of the parse. Not a panic: `resume_unwind` skips the panic hook (no message on
/// stderr).
fn stop_parse() -> ! {
    std::panic::resume_unwind(Box::new(Stop))
}

const MAX_CHILDREN_SHOWN: usize = 40;

impl Handler {
    pub(crate) fn new(policy: Policy, dtd: Option<PathBuf>, limits: Limits) -> Self {
        Handler {
            policy,
            dtd,
            limits,
            document_uri: None,
            problems: Vec::new(),
            fatal: None,
            locator: None,
            models: HashMap::new(),
            stack: Vec::new(),
            depth: 0,
            last_closed: None,
            seen_fatal: false,
            blocking: false,
            no_dtd: false,
            entity_depth: 0,
            expanded: 0,
            in_start_tag: Vec::new(),
            peek_catalog: None,
        }
    }

    pub(crate) fn last_line(&self) -> u64 {
        self.locator.as_ref().map_or(1, |l| l.line() as u64)
    }

    pub(crate) fn last_column(&self) -> u64 {
        self.locator.as_ref().map_or(1, |l| l.column() as u64)
    }

    fn here(&self, message: String) -> Problem {
        Problem {
            line: self.last_line(),
            column: self.last_column(),
            message,
        }
    }

    pub(crate) fn set_peek_catalog(&mut self, entry: anyxml::catalog::CatalogEntryFile) {
        let mut c = anyxml::catalog::Catalog::default();
        c.add(entry);
        self.peek_catalog = Some(std::cell::RefCell::new(c));
    }

    /// Where the catalog maps an external identifier, if anywhere.
    fn catalog_path(&self, public: Option<&str>, system: Option<&str>) -> Option<PathBuf> {
        let cat = self.peek_catalog.as_ref()?;
        let sys = system.and_then(|s| URIString::parse_system_id(s).ok());
        let uri = cat.try_borrow_mut().ok()?.resolve_external_id(
            public,
            sys.as_deref(),
            anyxml::catalog::PreferMode::default(),
        )?;
        local_path(&uri)
    }

    /// A file's size and (when small enough) decoded text, for measuring its entities.
    pub(crate) fn peek_file(&self, path: &Path) -> Option<(u64, Option<Arc<str>>)> {
        let len = std::fs::metadata(path).ok()?.len();
        if len > self.limits.max_expansion_bytes {
            return Some((len, None));
        }
        let bytes = std::fs::read(path).ok()?;
        Some((len, Some(decode_all(&bytes).into())))
    }

    /// An external entity named by `system` in a text at `base`, for measuring.
    pub(crate) fn peek_entity(&self, base: &Path, system: &str) -> Option<(u64, Option<Arc<str>>)> {
        if self.policy == Policy::OnlyDtd {
            return None;
        }
        if let Some(p) = self.catalog_path(None, Some(system)) {
            return self.peek_file(&p);
        }
        let base = URIString::parse_file_path(base).ok()?;
        let sys = URIString::parse_system_id(system).ok()?;
        let path = local_path(&base.resolve(&sys))?;
        self.peek_file(&path)
    }

    /// The local file a DOCTYPE's external identifier names, if any.
    pub(crate) fn doctype_system_path(&self, decl: &[u8], base: &Path) -> Option<PathBuf> {
        let text = String::from_utf8_lossy(decl);
        let literal = |s: &str| -> Option<String> {
            let s = s.trim_start();
            let q = s.chars().next().filter(|&c| c == '"' || c == '\'')?;
            let end = s[1..].find(q)?;
            Some(s[1..1 + end].to_string())
        };
        let public = text.split_once("PUBLIC").and_then(|(_, r)| literal(r));
        let system = match text.split_once("SYSTEM") {
            Some((_, r)) => literal(r),
            None => text.split_once("PUBLIC").and_then(|(_, r)| {
                let r = r.trim_start();
                let q = r.chars().next()?;
                let end = r[1..].find(q)?;
                literal(&r[end + 2..])
            }),
        };
        if let Some(p) = self.catalog_path(public.as_deref(), system.as_deref()) {
            return Some(p);
        }
        let (_, after) = text.split_once("SYSTEM").or_else(|| {
            text.split_once("PUBLIC").map(|(a, b)| {
                let b = b.trim_start();
                let q = b.chars().next().unwrap_or('"');
                let rest = b.get(1..).and_then(|r| r.find(q).map(|e| &r[e + 1..]));
                (a, rest.unwrap_or(""))
            })
        })?;
        let after = after.trim_start();
        let q = after.chars().next().filter(|&c| c == '"' || c == '\'')?;
        let end = after[1..].find(q)?;
        self.peek_entity_path(base, &after[1..1 + end])
    }

    fn peek_entity_path(&self, base: &Path, system: &str) -> Option<PathBuf> {
        let base = URIString::parse_file_path(base).ok()?;
        let sys = URIString::parse_system_id(system).ok()?;
        local_path(&base.resolve(&sys))
    }

    fn count_expansion(&mut self, len: usize) {
        if self.entity_depth == 0 {
            return;
        }
        self.expanded = self.expanded.saturating_add(len as u64);
        if self.expanded > self.limits.max_expansion_bytes {
            self.blocking = true;
            let p = self.here(format!(
                "entity expansion exceeds the limit: entities expanded to more than {} bytes of text; stopped",
                self.limits.max_expansion_bytes
            ));
            self.problems.push(p);
            stop_parse();
        }
    }

    fn refuse(&mut self, message: String) -> XMLError {
        self.blocking = true;
        let p = self.here(message.clone());
        self.problems.push(p);
        std::io::Error::new(std::io::ErrorKind::PermissionDenied, message).into()
    }

    fn record(&mut self, e: SAXParseError) {
        if self.no_dtd && e.domain == anyxml::error::XMLErrorDomain::DTDValid {
            return;
        }
        if e.level != XMLErrorLevel::Error || e.domain != anyxml::error::XMLErrorDomain::DTDValid {
            self.blocking = true;
        }
        if self.seen_fatal {
            return; // after the first fatal error the parser only reports its consequences
        }
        if e.level == XMLErrorLevel::FatalError {
            self.seen_fatal = true;
            if e.message.starts_with("Unrecoverable error")
                && !self.problems.is_empty()
                && matches!(e.error, XMLError::IOError(_))
            {
                return;
            }
        }
        let mut message = e.message.to_string();
        if let Some(rest) = message.strip_prefix("The content of element '")
            && let Some(name) = rest.strip_suffix("' does not match to its content model.")
        {
            let name = name.to_string();
            let open = self.stack[..self.depth]
                .iter()
                .rev()
                .find(|o| o.name == name)
                .or(self
                    .last_closed
                    .and_then(|i| self.stack.get(i))
                    .filter(|o| o.name == name));
            let got = match open {
                Some(o) => {
                    let mut parts: Vec<&str> =
                        o.children[..o.shown].iter().map(String::as_str).collect();
                    if o.text {
                        parts.insert(0, "#PCDATA");
                    }
                    if o.shown >= MAX_CHILDREN_SHOWN {
                        parts.push("...");
                    }
                    format!("({})", parts.join(","))
                }
                None => "?".into(),
            };
            let expecting = self
                .models
                .get(&name)
                .cloned()
                .unwrap_or_else(|| "?".into());
            message = format!(
                "element {name}: content does not follow the DTD: expecting {expecting}, got {got}"
            );
        }
        let here = e.system_id.as_escaped_str();
        if self.document_uri.as_deref() != Some(here) {
            let file = e
                .system_id
                .as_unescaped_str()
                .map(|s| s.to_string())
                .unwrap_or_else(|| here.to_string());
            let file = file.strip_prefix("file://").unwrap_or(&file).to_string();
            message = format!("{message} (in {file}, line {} column {})", e.line, e.column);
        }
        if message.contains("attribute") {
            self.in_start_tag.push(self.problems.len());
        }
        self.problems.push(Problem {
            line: e.line as u64,
            column: e.column as u64,
            message,
        });
    }
}

/// The local path of a `file:` (or scheme-less) URI; None for any other scheme.
fn local_path(uri: &URIStr) -> Option<PathBuf> {
    match uri.scheme() {
        None => {}
        Some(s) if s.eq_ignore_ascii_case("file") => {}
        Some(_) => return None,
    }
    if let Some(host) = uri.host()
        && !host.is_empty()
        && host != "localhost"
    {
        return None;
    }
    let path = uri.path();
    let path = anyxml::uri::unescape(path).ok()?;
    Some(PathBuf::from(path.as_ref()))
}

/// Decodes a whole (small) file to text: BOM or UTF-16 detected, else UTF-8 (lossy).
fn decode_all(bytes: &[u8]) -> String {
    match prolog::sniff(bytes) {
        (Encoding::Utf16 { big_endian }, bom) => {
            let mut out = String::new();
            let _ = prolog::Utf16ToUtf8::new(&bytes[bom..], big_endian).read_to_string(&mut out);
            out
        }
        (_, bom) => String::from_utf8_lossy(&bytes[bom..]).to_string(),
    }
}

impl EntityResolver for Handler {
    fn resolve_entity(
        &mut self,
        name: &str,
        _public_id: Option<&str>,
        base_uri: &URIStr,
        system_id: &URIStr,
    ) -> Result<InputSource<'static>, XMLError> {
        let mut uri = base_uri.resolve(system_id);
        uri.normalize();
        let shown = system_id.as_escaped_str().to_string();
        let Some(path) = local_path(&uri) else {
            return Err(self.refuse(format!(
                "refused to load '{shown}' ({}): only local files are read, never the network (map it to a local copy with --catalog)",
                entity_label(name)
            )));
        };
        if self.policy == Policy::OnlyDtd {
            let allowed = name == anyxml::sax::EXTERNAL_DTD_SUBSET_ENTITY_NAME
                && self.dtd.as_deref() == Some(path.as_path());
            if !allowed {
                return Err(self.refuse(format!(
                    "refused to load '{shown}' ({}): partner files may not load any file (external entities are not allowed)",
                    entity_label(name)
                )));
            }
        }
        let is_dtd = name == anyxml::sax::EXTERNAL_DTD_SUBSET_ENTITY_NAME;
        let opened = std::fs::File::open(&path).and_then(|f| {
            let m = f.metadata()?;
            if m.is_dir() {
                return Err(std::io::Error::other("is a directory"));
            }
            Ok((f, m.len()))
        });
        let (file, len) = match opened {
            Ok(x) => x,
            Err(source) => {
                if is_dtd {
                    self.fatal = Some(ValidateError::Dtd {
                        path: path.clone(),
                        source,
                    });
                }
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("cannot read {}", path.display()),
                )
                .into());
            }
        };
        if len > self.limits.max_file_bytes {
            return Err(self.refuse(format!(
                "refused to load '{shown}': {len} bytes, over the limit of {}",
                self.limits.max_file_bytes
            )));
        }
        let mut source = if len <= 64 * 1024 * 1024 {
            let mut bytes = Vec::with_capacity(len as usize);
            let mut file = file;
            file.read_to_end(&mut bytes)?;
            match prolog::sniff(&bytes) {
                (Encoding::Other(n), _) => {
                    let enc = anyxml::encoding::find_decoder(&n).map(|_| n);
                    InputSource::from_reader(std::io::Cursor::new(bytes), enc.as_deref())?
                }
                (_, _) => InputSource::from_content(&utf8_entity_text(&bytes)),
            }
        } else {
            InputSource::from_reader(file, None)?
        };
        source.set_system_id(uri);
        Ok(source)
    }
}

/// An external entity's text as UTF-8, a well-formed text declaration blanked out (anyxml
/// cannot switch encodings on text it was handed decoded; the lines and columns stay).
fn utf8_entity_text(bytes: &[u8]) -> String {
    let text = decode_all(bytes);
    match text_decl_end(&text) {
        Some(end) => {
            let mut out: String = text[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' })
                .collect();
            out.push_str(&text[end..]);
            out
        }
        None => text,
    }
}

/// The end of a well-formed text declaration (`<?xml version? encoding ?>`) at the start.
fn text_decl_end(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let ws = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\r' | b'\n') {
            *i += 1;
        }
        *i > s
    };
    let pseudo = |i: &mut usize, name: &str, ok: &dyn Fn(&[u8]) -> bool| -> bool {
        if !t[*i..].starts_with(name) {
            return false;
        }
        *i += name.len();
        ws(i);
        if b.get(*i) != Some(&b'=') {
            return false;
        }
        *i += 1;
        ws(i);
        let Some(&q) = b.get(*i).filter(|&&q| q == b'"' || q == b'\'') else {
            return false;
        };
        let Some(len) = b[*i + 1..].iter().position(|&c| c == q) else {
            return false;
        };
        let v = &b[*i + 1..*i + 1 + len];
        *i += len + 2;
        ok(v)
    };
    if !t.starts_with("<?xml") {
        return None;
    }
    let mut i = 5;
    if !ws(&mut i) {
        return None;
    }
    if t[i..].starts_with("version") {
        if !pseudo(&mut i, "version", &|v| v == b"1.0") {
            return None;
        }
        if !ws(&mut i) {
            return None;
        }
    }
    let enc_ok = |v: &[u8]| {
        v.first().is_some_and(u8::is_ascii_alphabetic)
            && v.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
    };
    if !pseudo(&mut i, "encoding", &enc_ok) {
        return None;
    }
    ws(&mut i);
    t[i..].starts_with("?>").then_some(i + 2)
}

fn entity_label(name: &str) -> String {
    match name {
        "[dtd]" => "the external DTD subset".into(),
        "[document]" => "the document".into(),
        n if n.starts_with('%') => format!("parameter entity {n}"),
        n => format!("entity {n}"),
    }
}

impl ErrorHandler for Handler {
    fn error(&mut self, error: SAXParseError) {
        self.record(error);
    }

    fn fatal_error(&mut self, error: SAXParseError) {
        self.record(error);
        // Everything after the first fatal error is its consequence, and anyxml keeps
        // recursing into elements it no longer reports: stop here.
        stop_parse();
    }

    fn warning(&mut self, _error: SAXParseError) {}
}

impl SAXHandler for Handler {
    fn set_document_locator(&mut self, locator: Arc<Locator>) {
        self.locator = Some(locator);
    }

    fn element_decl(&mut self, name: &str, contentspec: &ContentSpec) {
        self.models
            .entry(name.to_string())
            .or_insert_with(|| contentspec.to_string());
    }

    fn start_element(
        &mut self,
        _namespace_name: Option<&str>,
        _local_name: Option<&str>,
        qname: &str,
        _atts: &Attributes,
    ) {
        for i in std::mem::take(&mut self.in_start_tag) {
            if let Some(p) = self.problems.get_mut(i)
                && !p.message.contains(&format!("'{qname}'"))
            {
                p.message = format!("element {qname}: {}", p.message);
            }
        }
        if self.depth >= self.limits.max_nesting_depth as usize {
            self.blocking = true;
            let what = format!("element <{qname}>");
            let p = self.here(super::too_deep(self.limits.max_nesting_depth, &what));
            self.problems.push(p);
            stop_parse();
        }
        if let Some(parent) = self
            .depth
            .checked_sub(1)
            .and_then(|i| self.stack.get_mut(i))
            && parent.shown < MAX_CHILDREN_SHOWN
        {
            match parent.children.get_mut(parent.shown) {
                Some(slot) => {
                    slot.clear();
                    slot.push_str(qname);
                }
                None => parent.children.push(qname.to_string()),
            }
            parent.shown += 1;
        }
        if self.depth == self.stack.len() {
            self.stack.push(Open::default());
        }
        if self.last_closed == Some(self.depth) {
            self.last_closed = None;
        }
        if let Some(open) = self.stack.get_mut(self.depth) {
            open.name.clear();
            open.name.push_str(qname);
            open.shown = 0;
            open.text = false;
        }
        self.depth += 1;
    }

    fn end_element(
        &mut self,
        _namespace_name: Option<&str>,
        _local_name: Option<&str>,
        _qname: &str,
    ) {
        self.in_start_tag.clear();
        self.last_closed = self.depth.checked_sub(1);
        self.depth = self.depth.saturating_sub(1);
    }

    fn end_dtd(&mut self) {
        self.in_start_tag.clear();
    }

    fn start_entity(&mut self, _name: &str) {
        self.entity_depth += 1;
    }

    fn end_entity(&mut self) {
        self.entity_depth = self.entity_depth.saturating_sub(1);
    }

    fn ignorable_whitespace(&mut self, data: &str) {
        self.count_expansion(data.len());
    }

    #[cfg(debug_assertions)]
    fn processing_instruction(&mut self, target: &str, _data: Option<&str>) {
        crate::faults::processing_instruction(target);
    }

    fn characters(&mut self, data: &str) {
        self.count_expansion(data.len());
        if let Some(top) = self
            .depth
            .checked_sub(1)
            .and_then(|i| self.stack.get_mut(i))
            && !data.trim().is_empty()
        {
            top.text = true;
        }
    }
}
