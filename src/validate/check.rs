//! One document checked, step by step: the configured DTD must be readable; the input's
//! encoding is sniffed (UTF-16 transcoded, UTF-8 checked on the way in); the prolog is read
//! into memory (bounded) and, for a partner file, held to its rules (no internal subset, a
//! DOCTYPE that can be delimited); the catalog is loaded; every entity is measured from its
//! declaration before anything is expanded; then the parse streams the rest, and its
//! problems are gathered, a parser panic among them.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyxml::catalog::CatalogEntryFile;
use anyxml::sax::{ParserOption, XMLReader};
use anyxml::uri::URIString;

use super::handler::{self, Handler, Policy};
use super::prolog::{self, Encoding, Prolog, Scan};
use super::{
    Checked, Limits, Mode, Options, Problem, ValidateError, absolute, file_uri, guard, not_utf8,
    panic_text, too_deep, utf8,
};

/// Why a check stops before the parse: the document is refused with one problem, or cannot
/// be checked at all.
enum Halt {
    /// Refused: this is what is wrong.
    Refused(Problem),
    /// The document, its DTD or the catalog cannot be read.
    Failed(ValidateError),
}

impl From<ValidateError> for Halt {
    fn from(e: ValidateError) -> Self {
        Halt::Failed(e)
    }
}

/// A problem at the start of the document.
fn at_start(message: String) -> Problem {
    Problem {
        line: 1,
        column: 1,
        message,
    }
}

/// Checks one document (see the module doc for the steps).
pub(super) fn check(
    reader: impl Read,
    base: &Path,
    opts: &Options,
) -> Result<Checked, ValidateError> {
    match prepare(reader, base, opts) {
        Ok(ready) => ready.parse(opts),
        Err(Halt::Refused(problem)) => Ok(Checked::blocking(vec![problem])),
        Err(Halt::Failed(e)) => Err(e),
    }
}

/// Everything the parse needs, once the steps before it have passed.
struct Ready<'r> {
    input: Input<'r>,
    /// The prolog's bytes (and whatever was read past it).
    buf: Vec<u8>,
    prolog: Prolog,
    partner: bool,
    dtd: Option<PathBuf>,
    doc_uri: URIString,
    handler: Handler,
    catalog: Option<CatalogEntryFile>,
    entities: guard::Table,
}

/// The steps before the parse.
fn prepare<'r>(reader: impl Read + 'r, base: &Path, opts: &Options) -> Result<Ready<'r>, Halt> {
    let read_err = |source| ValidateError::Read {
        path: base.to_path_buf(),
        source,
    };
    let dtd = configured_dtd(&opts.mode)?;
    let mut input = Input::open(reader).map_err(read_err)?;
    if let Some(problem) = input.unknown_encoding.take() {
        return Err(Halt::Refused(problem));
    }
    let prolog_cap = opts.limits.max_expansion_bytes.max(1024 * 1024);
    let (buf, prolog) = input.read_prolog(prolog_cap, &read_err)?;
    let partner = matches!(opts.mode, Mode::Partner(_));
    // A DOCTYPE the prolog scan could not delimit.
    let unread_doctype =
        prolog.doctype.is_none() && buf[prolog.end.min(buf.len())..].starts_with(b"<!DOCTYPE");
    if partner {
        partner_prolog_rules(&buf, &prolog, unread_doctype)?;
    }
    let doc_uri = file_uri(base).ok_or_else(|| read_err(std::io::Error::other("bad path")))?;
    let policy = if partner {
        Policy::OnlyDtd
    } else {
        Policy::LocalFiles
    };
    let mut handler = Handler::new(policy, dtd.clone(), opts.limits);
    let catalog = match opts.catalog.as_deref().filter(|_| !partner) {
        Some(cat) => Some(load_catalog(cat, &mut handler)?),
        None => None,
    };
    let measuring = Measuring {
        buf: &buf,
        prolog: &prolog,
        unread_doctype,
        base,
        dtd: dtd.as_deref(),
        limits: &opts.limits,
    };
    let entities = measuring.measure(&handler)?;
    Ok(Ready {
        input,
        buf,
        prolog,
        partner,
        dtd,
        doc_uri,
        handler,
        catalog,
        entities,
    })
}

/// The DTD the options name, which must be readable whatever the document says (the CLI
/// exits 2 otherwise), as a normalized path (the resolver compares normalized paths: no `..`
/// or symlinks left).
fn configured_dtd(mode: &Mode) -> Result<Option<PathBuf>, ValidateError> {
    match mode {
        Mode::Document => Ok(None),
        Mode::AgainstDtd(d) | Mode::Partner(d) => {
            let d = absolute(d);
            std::fs::File::open(&d).map_err(|source| ValidateError::Dtd {
                path: d.clone(),
                source,
            })?;
            Ok(Some(std::fs::canonicalize(&d).unwrap_or(d)))
        }
    }
}

/// The document as the parser will read it: UTF-8 (checked on the way in, the first bad
/// byte kept in `utf8_found`), UTF-16 transcoded, or another encoding passed by name.
struct Input<'r> {
    reader: Box<dyn Read + 'r>,
    utf8_found: Option<utf8::Found>,
    /// UTF-16, transcoded here.
    transcoded: bool,
    /// The encoding to tell the parser.
    parser_encoding: Option<String>,
    /// The declared encoding has no decoder: the document is refused at its name, in plain
    /// words, before the parser sees it. (The parser read the declaration as UTF-8 until it
    /// met the name, and a byte that is not UTF-8 there made it panic.)
    unknown_encoding: Option<Problem>,
}

impl<'r> Input<'r> {
    /// Sniffs the encoding from the first bytes.
    fn open(mut reader: impl Read + 'r) -> std::io::Result<Self> {
        let mut head = Vec::with_capacity(512);
        (&mut reader).take(512).read_to_end(&mut head)?;
        let (encoding, bom) = prolog::sniff(&head);
        let chained = Cursor::new(head[bom..].to_vec()).chain(reader);
        let mut utf8_found = None;
        let reader: Box<dyn Read + 'r> = match encoding {
            Encoding::Utf16 { big_endian } => {
                Box::new(prolog::Utf16ToUtf8::new(chained, big_endian))
            }
            Encoding::Utf8 => {
                let checked = utf8::Utf8Check::new(chained);
                utf8_found = Some(checked.found.clone());
                Box::new(checked)
            }
            Encoding::Other(_) => Box::new(chained),
        };
        let parser_encoding = match &encoding {
            Encoding::Other(name) if anyxml::encoding::find_decoder(name).is_some() => {
                Some(name.clone())
            }
            Encoding::Other(_) => None,
            _ => Some("UTF-8".to_string()),
        };
        let unknown_encoding = match (&encoding, &parser_encoding) {
            (Encoding::Other(name), None) => {
                let text = &head[bom..];
                let at = prolog::decl_encoding(text).map_or(0, |(s, _)| s);
                let (line, column) = prolog::line_col(text, at);
                Some(Problem {
                    line,
                    column,
                    message: format!(
                        "the XML declaration names an encoding that cannot be read: {name:?}"
                    ),
                })
            }
            _ => None,
        };
        Ok(Input {
            reader,
            utf8_found,
            transcoded: matches!(encoding, Encoding::Utf16 { .. }),
            parser_encoding,
            unknown_encoding,
        })
    }

    /// Reads until the prolog is complete (at most `cap` bytes of it): the bytes read, and
    /// where the prolog's parts are.
    fn read_prolog(
        &mut self,
        cap: u64,
        read_err: &dyn Fn(std::io::Error) -> ValidateError,
    ) -> Result<(Vec<u8>, Prolog), Halt> {
        let mut buf: Vec<u8> = Vec::new();
        let mut eof = false;
        loop {
            if !eof {
                let want = buf.len().max(8192);
                let got = match (&mut self.reader).take(want as u64).read_to_end(&mut buf) {
                    Ok(n) => n,
                    Err(e) => {
                        return Err(match bad_utf8(&self.utf8_found) {
                            Some(problem) => Halt::Refused(problem),
                            None => Halt::Failed(read_err(e)),
                        });
                    }
                };
                eof = got < want;
            }
            match prolog::scan(&buf, eof) {
                Scan::Done(p) => return Ok((buf, p)),
                Scan::NeedMore if buf.len() as u64 > cap => {
                    return Err(Halt::Refused(at_start(format!(
                        "the prolog (DOCTYPE and internal subset) is over {cap} bytes"
                    ))));
                }
                Scan::NeedMore => {}
            }
        }
    }
}

/// The first byte that is not UTF-8, as a problem at its place.
fn bad_utf8(found: &Option<utf8::Found>) -> Option<Problem> {
    let (line, column, byte) = (*found.as_ref()?.lock().ok()?)?;
    Some(Problem {
        line,
        column,
        message: not_utf8(byte),
    })
}

/// A partner file's prolog: no internal subset, and read up to the root element (a partner
/// file must not reach the parser with a DOCTYPE unchecked; a scan that stops short means the
/// document is not well-formed).
fn partner_prolog_rules(buf: &[u8], p: &Prolog, unread_doctype: bool) -> Result<(), Halt> {
    if let Some((s, _)) = p.internal_subset {
        let (line, column) = prolog::line_col(buf, s - 1);
        return Err(Halt::Refused(Problem {
            line,
            column,
            message: "DOCTYPE: an internal DTD subset is not allowed in partner files (its declarations could loosen the validation against the partner DTD or load other files); remove the [...] part".to_string(),
        }));
    }
    if p.root_start.is_none() || unread_doctype {
        let (line, column) = prolog::line_col(buf, p.end);
        return Err(Halt::Refused(Problem {
            line,
            column,
            message: "not well-formed: the prolog (XML declaration, comments, DOCTYPE) cannot be read up to the root element".to_string(),
        }));
    }
    Ok(())
}

/// Loads the OASIS catalog at `cat` and lets the handler peek through it.
fn load_catalog(cat: &Path, handler: &mut Handler) -> Result<CatalogEntryFile, ValidateError> {
    let bad = |message: String| ValidateError::Catalog {
        path: cat.to_path_buf(),
        message,
    };
    let uri = file_uri(cat).ok_or_else(|| bad("bad path".into()))?;
    if !cat.is_file() {
        return Err(bad("no such file".into()));
    }
    let entry = CatalogEntryFile::parse_uri(&uri, None, None::<anyxml::sax::DefaultSAXHandler>)
        .map_err(|e| bad(format!("{e:?}")))?;
    handler.set_peek_catalog(entry.clone());
    Ok(entry)
}

/// What measuring the entities looks at: the internal subset (or an undelimited DOCTYPE's
/// declarations) and the external DTD, before anything is expanded.
struct Measuring<'a> {
    buf: &'a [u8],
    prolog: &'a Prolog,
    unread_doctype: bool,
    base: &'a Path,
    dtd: Option<&'a Path>,
    limits: &'a Limits,
}

impl Measuring<'_> {
    /// Every entity's size and depth, refused when a content-model group nests too deep or
    /// the expansion would exceed the limit.
    fn measure(&self, handler: &Handler) -> Result<guard::Table, Halt> {
        let (buf, p) = (self.buf, self.prolog);
        let max_depth = self.limits.max_nesting_depth;
        let mut table = guard::Table::default();
        let mut dtd_texts: Vec<String> = Vec::new();
        let base_dir = absolute(self.base);
        let internal = match (p.internal_subset, self.unread_doctype) {
            (Some((s, e)), _) => {
                if let Some(at) =
                    guard::too_deep_in_dtd(&String::from_utf8_lossy(&buf[s..e]), max_depth)
                {
                    let (line, column) = prolog::line_col(buf, s + at);
                    return Err(Halt::Refused(too_deep_group(max_depth, line, column, None)));
                }
                Some(String::from_utf8_lossy(&buf[s..e]).to_string())
            }
            // A DOCTYPE the scan could not delimit: measure whatever declarations it holds.
            (None, true) => Some(String::from_utf8_lossy(&buf[p.end..]).to_string()),
            (None, false) => None,
        };
        if let Some(text) = internal {
            table.scan(&text, &mut |sys| handler.peek_entity(&base_dir, sys), 0);
            dtd_texts.push(text);
        }
        let ext_dtd: Option<PathBuf> = match (self.dtd, p.doctype) {
            (Some(d), _) => Some(d.to_path_buf()),
            (None, Some((s, e))) => handler.doctype_system_path(&buf[s..e], &base_dir),
            _ => None,
        };
        if let Some(d) = &ext_dtd
            && let Some((_, Some(text))) = handler.peek_file(d)
        {
            if let Some(at) = guard::too_deep_in_dtd(&text, max_depth) {
                let (line, column) = prolog::line_col(text.as_bytes(), at);
                return Err(Halt::Refused(too_deep_group(
                    max_depth,
                    line,
                    column,
                    Some(d),
                )));
            }
            table.scan(&text, &mut |sys| handler.peek_entity(d, sys), 0);
            dtd_texts.push(text.to_string());
        }
        match self.exceeded(&table, &dtd_texts) {
            None => Ok(table),
            Some(message) => {
                let (line, column) = prolog::line_col(buf, p.doctype.map_or(0, |d| d.0));
                Err(Halt::Refused(Problem {
                    line,
                    column,
                    message,
                }))
            }
        }
    }

    /// Why the measured entities exceed the limits, if they do.
    fn exceeded(&self, table: &guard::Table, dtd_texts: &[String]) -> Option<String> {
        let max = self.limits.max_expansion_bytes;
        if let Err(e) = table.check(max, self.limits.max_entity_depth) {
            return Some(e.message);
        }
        let growth: u64 = dtd_texts
            .iter()
            .map(|t| table.growth_outside_values(t))
            .sum();
        (growth > max).then(|| {
            format!(
                "entity expansion exceeds the limit: the DTD's attribute defaults expand to more than {max} bytes"
            )
        })
    }
}

/// A content-model group or conditional section nested deeper than `max`, at `line:column`
/// of the document, or of the DTD `file`.
fn too_deep_group(max: u32, line: u64, column: u64, file: Option<&Path>) -> Problem {
    let message = too_deep(max, "a content-model group or conditional section");
    match file {
        None => Problem {
            line,
            column,
            message,
        },
        Some(f) => at_start(format!(
            "{message} (in {}, line {line} column {column})",
            f.display()
        )),
    }
}

/// What the entity counter found when it stopped the parse.
struct Tripped {
    flag: Arc<AtomicBool>,
    message: Arc<Mutex<(String, u64, u64)>>,
}

impl Ready<'_> {
    /// Streams the document through the validating parser and gathers what it found.
    fn parse(self, opts: &Options) -> Result<Checked, ValidateError> {
        let Ready {
            input,
            buf,
            prolog: p,
            partner,
            dtd,
            doc_uri,
            mut handler,
            catalog,
            entities,
        } = self;
        // The input as the parser sees it: the (rewritten) prolog, then the rest, counted.
        let dtd_uri = dtd
            .as_deref()
            .and_then(file_uri)
            .map(|u| u.as_escaped_str().to_string());
        let new_prolog = prolog::rewrite(&buf, &p, dtd_uri.as_deref(), !partner, input.transcoded);
        let Input {
            reader,
            utf8_found,
            parser_encoding,
            ..
        } = input;
        let rest = Cursor::new(buf[p.end..].to_vec()).chain(reader);
        let counter = guard::RefCounter::new(
            rest,
            entities.general_sizes(),
            opts.limits.max_expansion_bytes,
            prolog::line_col(&buf, p.end),
        );
        let tripped = Tripped {
            flag: counter.tripped.clone(),
            message: counter.message.clone(),
        };
        let source = Cursor::new(new_prolog).chain(counter);
        let mut builder = XMLReader::builder()
            .enable_option(ParserOption::Validation)
            .disable_option(ParserOption::Namespaces);
        if opts.catalog.is_some() && !partner {
            builder = builder.enable_option(ParserOption::Catalogs);
        }
        handler.document_uri = Some(doc_uri.as_escaped_str().to_string());
        // Document mode without a DOCTYPE: nothing to validate against (xmllint: "no DTD
        // found"); the document is still checked for well-formedness.
        if opts.mode == Mode::Document && p.doctype.is_none() && p.root_start.is_some() {
            let (line, column) = prolog::line_col(&buf, p.root_start.unwrap_or(0));
            handler.no_dtd = true;
            handler.problems.push(Problem {
                line,
                column,
                message: "validation failed: no DTD found (the document has no DOCTYPE; name a DTD with --dtd)".into(),
            });
        }
        let mut parser = builder.set_handler(handler).build();
        if let Some(entry) = catalog {
            parser.add_catalog_entry_file(entry);
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            parser.parse_reader(source, parser_encoding.as_deref(), Some(&doc_uri))
        }));
        let (result, failed) = match result {
            Ok(r) => (r, None),
            Err(payload) if payload.is::<handler::Stop>() => (Ok(()), None),
            Err(payload) => (Ok(()), Some(panic_text(payload.as_ref()))),
        };
        gather(
            parser.handler,
            result,
            failed,
            &tripped,
            bad_utf8(&utf8_found),
        )
    }
}

/// What the parse found: the handler's problems, plus a parser panic (`failed`), the entity
/// counter's stop, a bad UTF-8 byte, or the parser's own error when nothing else was said.
fn gather<E: std::fmt::Debug>(
    mut handler: Handler,
    result: Result<(), E>,
    failed: Option<String>,
    tripped: &Tripped,
    bad_utf8: Option<Problem>,
) -> Result<Checked, ValidateError> {
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
    let was_tripped = tripped.flag.load(Ordering::SeqCst);
    if was_tripped {
        let (message, line, column) = tripped
            .message
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
    if let Some(problem) = bad_utf8 {
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
    Ok(Checked {
        problems: handler.problems,
        only_validity: !handler.blocking && !was_tripped,
    })
}
