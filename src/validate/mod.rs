//! Well-formedness and DTD validity of XML files: `wharf validate`, and every partner file
//! whose partner has a `dtd`.
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

mod check;
mod guard;
mod handler;
mod prolog;
#[cfg(test)]
mod tests;
mod utf8;

pub(crate) use prolog::{Encoding, Utf16ToUtf8, sniff};
pub use utf8::not_utf8;
pub(crate) use utf8::{Found as Utf8Found, Utf8Check};

/// A UTF-16 XML document (BOM or not) transcoded to UTF-8 once, with its XML declaration
/// rewritten to say so (lines and columns unchanged), for readers that take UTF-8 only (the
/// UltraCart decoder, and the validator after it on the same bytes); `None` when the document
/// is not UTF-16.
pub fn utf16_to_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    prolog::utf16_to_utf8(bytes)
}

use std::io::Read;
use std::path::{Path, PathBuf};

use anyxml::uri::URIString;

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
#[non_exhaustive]
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
    check::check(reader, base, opts)
}
