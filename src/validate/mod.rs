//! Well-formedness and DTD validity of XML files (INTERFACE §2 `validate`, §6 partner files).
//!
//! [anyxml](https://crates.io/crates/anyxml) does the parsing and validating (content models,
//! mixed content, attribute types and defaults, ID/IDREF, entities, conditional sections,
//! notations), streaming, in bounded memory. Around it, this module adds what a gateway needs:
//!
//! - **no network, ever**: the entity resolver serves local files only; any other URL scheme
//!   is refused with a message (an OASIS catalog, `Options::catalog`, maps public or remote
//!   identifiers to local files);
//! - **no XXE in partner files** ([`Mode::Partner`]): the configured DTD is the only file read,
//!   and an internal DTD subset is refused (it could declare entities or loosen the rules);
//! - **bounded entity expansion** ([`Limits`]): entities are measured from their declarations
//!   before the parse, and the document's references are totted up as it streams in, so a
//!   "billion laughs" is refused in milliseconds without being expanded;
//! - **bounded nesting** ([`Limits::max_nesting_depth`]): anyxml recurses once per element
//!   level (and per content-model group), so the parse is stopped at the bound, and at the
//!   first fatal error (after which anyxml goes on recursing without reporting elements);
//! - **no panic escapes**: a panic inside the parser becomes the problem "the XML parser
//!   failed on this file";
//! - **encodings**: UTF-16 is transcoded here; other encodings are passed to the parser by name;
//!   UTF-8 is checked on the way in, so a bad byte is reported at its line and column.

mod guard;
mod handler;
mod prolog;
#[cfg(test)]
mod tests;
mod utf8;

pub use utf8::not_utf8;

/// A UTF-16 XML document (BOM or not) transcoded to UTF-8 once, with its XML declaration
/// rewritten to say so (lines and columns unchanged), for readers that take UTF-8 only (the
/// UltraCart decoder, and the validator after it on the same bytes); `None` when the document
/// is not UTF-16.
pub fn utf16_to_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    prolog::utf16_to_utf8(bytes)
}

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyxml::catalog::CatalogEntryFile;
use anyxml::sax::{ParserOption, XMLReader};
use anyxml::uri::URIString;

use handler::{Handler, Policy};
use prolog::{Encoding, Scan};

/// One problem found in a document: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the validated file (or in the named DTD/entity, see the message).
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// What is wrong: names the element or attribute and, for content models, what was
    /// expected and what was found.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Which DTD the document is validated against, and what it may load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Like `xmllint --valid --nonet`: the DOCTYPE's external subset and external entities
    /// resolve from the local file system relative to the referring file (`../` allowed) or
    /// through the catalog; never the network.
    Document,
    /// Like `xmllint --dtdvalid FILE`: validate against this DTD whatever the DOCTYPE says
    /// (the document's internal subset, if any, still applies).
    AgainstDtd(PathBuf),
    /// The pipeline's partner mode: validate against this DTD whatever the DOCTYPE says; the
    /// document may load NO other file (any external entity or external subset reference is
    /// refused with a message — no XXE), and an internal DTD subset is refused with a clear
    /// reason (it could loosen the validation).
    Partner(PathBuf),
}

/// How to validate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which DTD, and what may be loaded.
    pub mode: Mode,
    /// An OASIS XML catalog mapping public/system identifiers to local files (not used in
    /// [`Mode::Partner`], which loads nothing but its DTD).
    pub catalog: Option<PathBuf>,
    /// Resource limits.
    pub limits: Limits,
}

impl Options {
    /// Options for `mode`, no catalog, default limits.
    pub fn new(mode: Mode) -> Self {
        Options {
            mode,
            catalog: None,
            limits: Limits::default(),
        }
    }
}

/// Resource limits of one validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How deep entities may nest in one another (default 16; real DTDs use 2 or 3, a
    /// "billion laughs" needs about 10).
    pub max_entity_depth: u32,
    /// How much entity expansion may add to a document, in bytes: every single entity's
    /// expanded size, and the growth of all the document's references together (default
    /// 10 MiB; a reference to an entity counts its expanded size minus the reference itself).
    pub max_expansion_bytes: u64,
    /// The largest file validated, and the largest DTD or external entity loaded (a DTD or
    /// entity is held to `max_expansion_bytes` too). Default 2 GiB, like `max_upload_size`.
    pub max_file_bytes: u64,
    /// How deep elements may nest, and content-model groups and conditional sections in a
    /// DTD (default [`MAX_NESTING_DEPTH`]). anyxml recurses once per level: about 1.4 KiB of
    /// stack each, so 1,500 levels overflowed a 2 MiB thread stack and killed the process.
    pub max_nesting_depth: u32,
}

/// The default nesting bound for every XML reader of partner files (real UltraCart exports
/// nest 5 deep).
pub const MAX_NESTING_DEPTH: u32 = 256;

/// The reason given for an element nested past `limit`, by every XML reader alike.
pub fn too_deep(limit: u32, what: &str) -> String {
    format!("nesting deeper than {limit}: {what} is not read (the file is refused)")
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entity_depth: 16,
            max_expansion_bytes: 10 * 1024 * 1024,
            max_file_bytes: 2 * 1024 * 1024 * 1024,
            max_nesting_depth: MAX_NESTING_DEPTH,
        }
    }
}

/// The document or a DTD cannot be read at all (the CLI exits 2); everything about its
/// content is a [`Problem`].
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// The document cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The document.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The DTD (given, or named by the DOCTYPE) cannot be read.
    #[error("cannot read the DTD {}: {source}", path.display())]
    Dtd {
        /// The DTD's path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The catalog cannot be read or parsed.
    #[error("cannot read the catalog {}: {message}", path.display())]
    Catalog {
        /// The catalog's path.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Validates the file at `path`. An empty result: well-formed and valid.
pub fn validate_file(path: &Path, opts: &Options) -> Result<Vec<Problem>, ValidateError> {
    let read_err = |source| ValidateError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if meta.is_dir() {
        return Err(read_err(std::io::Error::other("is a directory")));
    }
    if meta.len() > opts.limits.max_file_bytes {
        return Ok(vec![Problem {
            line: 1,
            column: 1,
            message: format!(
                "the file is {} bytes, over the limit of {} bytes",
                meta.len(),
                opts.limits.max_file_bytes
            ),
        }]);
    }
    validate_reader(
        std::io::BufReader::with_capacity(64 * 1024, file),
        path,
        opts,
    )
}

/// The message a panic carried, for a report.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn file_uri(p: &Path) -> Option<URIString> {
    URIString::parse_file_path(absolute(p)).ok()
}

/// Validates a document read from `reader`; `base` is the document's own path (or any path in
/// its folder), against which relative system identifiers resolve.
pub fn validate_reader(
    reader: impl Read,
    base: &Path,
    opts: &Options,
) -> Result<Vec<Problem>, ValidateError> {
    check_reader(reader, base, opts).map(|c| c.problems)
}

/// What one validation found, telling DTD validity errors from everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Every problem, in document order (empty: well-formed and valid).
    pub problems: Vec<Problem>,
    /// True when every problem is a validity error against the DTD (an undeclared element,
    /// content out of order...): the document itself is well-formed, loads nothing it may not,
    /// and stays within the limits. False as soon as one problem is anything else.
    pub only_validity: bool,
}

impl Checked {
    /// Problems that are not (only) validity errors.
    fn blocking(problems: Vec<Problem>) -> Self {
        Checked {
            problems,
            only_validity: false,
        }
    }
}

/// As [`validate_reader`], also telling whether the problems are validity errors only.
pub fn check_reader(
    reader: impl Read,
    base: &Path,
    opts: &Options,
) -> Result<Checked, ValidateError> {
    let mut reader = reader;
    let read_err = |source| ValidateError::Read {
        path: base.to_path_buf(),
        source,
    };
    // The configured DTD must be readable (exit 2 otherwise), whatever the document says.
    let dtd = match &opts.mode {
        Mode::Document => None,
        Mode::AgainstDtd(d) | Mode::Partner(d) => {
            let d = absolute(d);
            std::fs::File::open(&d).map_err(|source| ValidateError::Dtd {
                path: d.clone(),
                source,
            })?;
            // The resolver compares normalized paths: no `..` or symlinks left here.
            Some(std::fs::canonicalize(&d).unwrap_or(d))
        }
    };

    // Encoding: sniff the first bytes.
    let mut head = Vec::with_capacity(512);
    (&mut reader)
        .take(512)
        .read_to_end(&mut head)
        .map_err(read_err)?;
    let (encoding, bom) = prolog::sniff(&head);
    let chained = Cursor::new(head[bom..].to_vec()).chain(reader);
    let mut utf8_found: Option<utf8::Found> = None;
    let mut input: Box<dyn Read> = match encoding {
        Encoding::Utf16 { big_endian } => Box::new(prolog::Utf16ToUtf8::new(chained, big_endian)),
        Encoding::Utf8 => {
            let checked = utf8::Utf8Check::new(chained);
            utf8_found = Some(checked.found.clone());
            Box::new(checked)
        }
        Encoding::Other(_) => Box::new(chained),
    };
    let bad_utf8 = |found: &Option<utf8::Found>| -> Option<Problem> {
        let (line, column, byte) = (*found.as_ref()?.lock().ok()?)?;
        Some(Problem {
            line,
            column,
            message: not_utf8(byte),
        })
    };
    let transcoded = matches!(encoding, Encoding::Utf16 { .. });
    let parser_encoding = match &encoding {
        Encoding::Other(name) if anyxml::encoding::find_decoder(name).is_some() => {
            Some(name.clone())
        }
        Encoding::Other(_) => None,
        _ => Some("UTF-8".to_string()),
    };
    // An encoding no decoder is known for is refused here, in plain words, at its name. (The
    // parser would read the declaration as UTF-8 until it met the name, and a byte that is not
    // UTF-8 inside the declaration made it panic.)
    if let (Encoding::Other(name), None) = (&encoding, &parser_encoding) {
        let text = &head[bom..];
        let at = prolog::decl_encoding(text).map_or(0, |(s, _)| s);
        let (line, column) = prolog::line_col(text, at);
        return Ok(Checked::blocking(vec![Problem {
            line,
            column,
            message: format!("the XML declaration names an encoding that cannot be read: {name:?}"),
        }]));
    }

    // The prolog, into memory (bounded).
    let prolog_cap = opts.limits.max_expansion_bytes.max(1024 * 1024);
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = false;
    let p = loop {
        if !eof {
            let want = buf.len().max(8192);
            let got = match (&mut input).take(want as u64).read_to_end(&mut buf) {
                Ok(n) => n,
                Err(e) => match bad_utf8(&utf8_found) {
                    Some(problem) => return Ok(Checked::blocking(vec![problem])),
                    None => return Err(read_err(e)),
                },
            };
            eof = got < want;
        }
        match prolog::scan(&buf, eof) {
            Scan::Done(p) => break p,
            Scan::NeedMore if buf.len() as u64 > prolog_cap => {
                return Ok(Checked::blocking(vec![Problem {
                    line: 1,
                    column: 1,
                    message: format!(
                        "the prolog (DOCTYPE and internal subset) is over {prolog_cap} bytes"
                    ),
                }]));
            }
            Scan::NeedMore => {}
        }
    };

    let partner = matches!(opts.mode, Mode::Partner(_));
    if partner && let Some((s, _)) = p.internal_subset {
        let (line, column) = prolog::line_col(&buf, s - 1);
        return Ok(Checked::blocking(vec![Problem {
            line,
            column,
            message: "DOCTYPE: an internal DTD subset is not allowed in partner files (its declarations could loosen the validation against the partner DTD or load other files); remove the [...] part".to_string(),
        }]));
    }
    // The prolog scan stopped short of the root element: the document is not well-formed (or
    // the scan is wrong). A partner file must not reach the parser with a DOCTYPE unchecked.
    let unread_doctype =
        p.doctype.is_none() && buf[p.end.min(buf.len())..].starts_with(b"<!DOCTYPE");
    if partner && (p.root_start.is_none() || unread_doctype) {
        let (line, column) = prolog::line_col(&buf, p.end);
        return Ok(Checked::blocking(vec![Problem {
            line,
            column,
            message: "not well-formed: the prolog (XML declaration, comments, DOCTYPE) cannot be read up to the root element".to_string(),
        }]));
    }

    let doc_uri = file_uri(base).ok_or_else(|| read_err(std::io::Error::other("bad path")))?;
    let policy = match &opts.mode {
        Mode::Partner(_) => Policy::OnlyDtd,
        _ => Policy::LocalFiles,
    };
    let mut handler = Handler::new(policy, dtd.clone(), opts.limits);
    let catalog_entry = match opts.catalog.as_deref().filter(|_| !partner) {
        Some(cat) => {
            let uri = file_uri(cat).ok_or_else(|| ValidateError::Catalog {
                path: cat.to_path_buf(),
                message: "bad path".into(),
            })?;
            if !cat.is_file() {
                return Err(ValidateError::Catalog {
                    path: cat.to_path_buf(),
                    message: "no such file".into(),
                });
            }
            let entry =
                CatalogEntryFile::parse_uri(&uri, None, None::<anyxml::sax::DefaultSAXHandler>)
                    .map_err(|e| ValidateError::Catalog {
                        path: cat.to_path_buf(),
                        message: format!("{e:?}"),
                    })?;
            handler.set_peek_catalog(entry.clone());
            Some(entry)
        }
        None => None,
    };

    // Measure the entities before anything is expanded.
    let mut table = guard::Table::default();
    let mut dtd_texts: Vec<String> = Vec::new();
    let max_depth = opts.limits.max_nesting_depth;
    let deep_group = |at: (u64, u64), file: Option<&Path>| {
        let message = too_deep(max_depth, "a content-model group or conditional section");
        let (line, column) = at;
        match file {
            None => Problem {
                line,
                column,
                message,
            },
            Some(f) => Problem {
                line: 1,
                column: 1,
                message: format!(
                    "{message} (in {}, line {line} column {column})",
                    f.display()
                ),
            },
        }
    };
    if let Some((s, e)) = p.internal_subset {
        if let Some(at) = guard::too_deep_in_dtd(&String::from_utf8_lossy(&buf[s..e]), max_depth) {
            return Ok(Checked::blocking(vec![deep_group(
                prolog::line_col(&buf, s + at),
                None,
            )]));
        }
        let text = String::from_utf8_lossy(&buf[s..e]).to_string();
        let base_dir = absolute(base);
        table.scan(&text, &mut |sys| handler.peek_entity(&base_dir, sys), 0);
        dtd_texts.push(text);
    } else if unread_doctype {
        // A DOCTYPE the scan could not delimit: measure whatever declarations it holds.
        let text = String::from_utf8_lossy(&buf[p.end..]).to_string();
        let base_dir = absolute(base);
        table.scan(&text, &mut |sys| handler.peek_entity(&base_dir, sys), 0);
        dtd_texts.push(text);
    }
    let ext_dtd: Option<PathBuf> = match (&dtd, p.doctype) {
        (Some(d), _) => Some(d.clone()),
        (None, Some((s, e))) => handler.doctype_system_path(&buf[s..e], &absolute(base)),
        _ => None,
    };
    if let Some(d) = &ext_dtd
        && let Some((_, Some(text))) = handler.peek_file(d)
    {
        if let Some(at) = guard::too_deep_in_dtd(&text, max_depth) {
            let at = prolog::line_col(text.as_bytes(), at);
            return Ok(Checked::blocking(vec![deep_group(at, Some(d))]));
        }
        table.scan(&text, &mut |sys| handler.peek_entity(d, sys), 0);
        dtd_texts.push(text.to_string());
    }
    let exceeded = table
        .check(opts.limits.max_expansion_bytes, opts.limits.max_entity_depth)
        .err()
        .map(|e| e.message)
        .or_else(|| {
            let growth: u64 = dtd_texts
                .iter()
                .map(|t| table.growth_outside_values(t))
                .sum();
            (growth > opts.limits.max_expansion_bytes).then(|| {
                format!(
                    "entity expansion exceeds the limit: the DTD's attribute defaults expand to more than {} bytes",
                    opts.limits.max_expansion_bytes
                )
            })
        });
    if let Some(message) = exceeded {
        let at = p.doctype.map_or(0, |d| d.0);
        let (line, column) = prolog::line_col(&buf, at);
        return Ok(Checked::blocking(vec![Problem {
            line,
            column,
            message,
        }]));
    }

    // The input as the parser sees it: the (rewritten) prolog, then the rest, counted.
    let dtd_uri = dtd
        .as_deref()
        .and_then(file_uri)
        .map(|u| u.as_escaped_str().to_string());
    let new_prolog = prolog::rewrite(&buf, &p, dtd_uri.as_deref(), !partner, transcoded);
    let rest = Cursor::new(buf[p.end..].to_vec()).chain(input);
    let counter = guard::RefCounter::new(
        rest,
        table.general_sizes(),
        opts.limits.max_expansion_bytes,
        prolog::line_col(&buf, p.end),
    );
    let tripped = counter.tripped.clone();
    let trip_message = counter.message.clone();
    let source = Cursor::new(new_prolog).chain(counter);

    let mut builder = XMLReader::builder()
        .enable_option(ParserOption::Validation)
        .disable_option(ParserOption::Namespaces);
    if opts.catalog.is_some() && !partner {
        builder = builder.enable_option(ParserOption::Catalogs);
    }
    handler.document_uri = Some(doc_uri.as_escaped_str().to_string());
    // Document mode without a DOCTYPE: nothing to validate against (xmllint: "no DTD found");
    // the document is still checked for well-formedness.
    let no_dtd = opts.mode == Mode::Document && p.doctype.is_none() && p.root_start.is_some();
    if no_dtd {
        let (line, column) = prolog::line_col(&buf, p.root_start.unwrap_or(0));
        handler.no_dtd = true;
        handler.problems.push(Problem {
            line,
            column,
            message: "validation failed: no DTD found (the document has no DOCTYPE; name a DTD with --dtd)".into(),
        });
    }
    let mut parser = builder.set_handler(handler).build();
    if let Some(entry) = catalog_entry {
        parser.add_catalog_entry_file(entry);
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parser.parse_reader(source, parser_encoding.as_deref(), Some(&doc_uri))
    }));
    let mut failed = None;
    let result = match result {
        Ok(r) => r,
        Err(payload) if payload.is::<handler::Stop>() => Ok(()),
        Err(payload) => {
            failed = Some(panic_text(payload.as_ref()));
            Ok(())
        }
    };
    let mut handler = parser.handler;
    if let Some(why) = failed {
        // A bug in the parser (or in our handler) must not trap the file or end the process:
        // the file is refused with the reason, like any file that cannot be read.
        tracing::error!(error = %why, "the XML parser failed (panicked) on a file");
        handler.blocking = true;
        handler.problems.push(Problem {
            line: handler.last_line(),
            column: handler.last_column(),
            message: format!("the XML parser failed on this file (internal error: {why})"),
        });
    }
    if tripped.load(Ordering::SeqCst) {
        let (message, line, column) = trip_message
            .lock()
            .map(|m| m.clone())
            .unwrap_or_else(|_| ("entity expansion exceeds the limit".into(), 1, 1));
        handler
            .problems
            .retain(|p| !p.message.contains("Unrecoverable error"));
        handler.problems.push(Problem {
            line,
            column,
            message,
        });
    }
    if let Some(problem) = bad_utf8(&utf8_found) {
        // The read failed there: what the parser said about it ("Unrecoverable error") goes.
        handler
            .problems
            .retain(|p| !p.message.contains("Unrecoverable error"));
        handler.problems.push(problem);
        handler.blocking = true;
    }
    if let Some(e) = handler.fatal.take() {
        return Err(e);
    }
    if result.is_err() && handler.problems.is_empty() {
        handler.blocking = true;
        handler.problems.push(Problem {
            line: handler.last_line(),
            column: handler.last_column(),
            message: format!("not well-formed: {:?}", result.err()),
        });
    }
    let only_validity = !handler.blocking && !tripped.load(Ordering::SeqCst);
    let _ = Arc::strong_count(&tripped);
    Ok(Checked {
        problems: handler.problems,
        only_validity,
    })
}
