//! Why a partner's file cannot be read, kept as its reader said it (a [`DecodeError`] with its
//! kind and place, the DTD check's problems, a reader that failed) until the report is
//! written: the report is the one place it becomes text.

use super::contain::Panicked;
use crate::formats::DecodeError;
use std::fmt;

/// A file that cannot be read, and why.
#[derive(Debug)]
pub(super) enum Unreadable {
    /// A cart's decoder refused the file.
    CartFile(DecodeError),
    /// A cart's decoder refused the file, and the DTD check found validity errors too
    /// (`dtd_mode = "report"`): both are reported.
    CartFileAndDtd(DecodeError, String),
    /// The DTD check refused the file: the reason, every problem as `LINE:COL: message`.
    Dtd(String),
    /// A warehouse file's decoder refused it; `what` names what it was reading (`the
    /// shipments`).
    WarehouseFile {
        /// What was being read.
        what: &'static str,
        /// Why it could not be.
        error: DecodeError,
    },
    /// The reader failed (panicked) on the file.
    ReaderFailed(Panicked),
}

/// `cannot read the file at LINE:COL: ...` where the error has a place in the text (XML,
/// JSON), `cannot read the file: ...` otherwise.
fn cart_reason(e: &DecodeError) -> String {
    match e {
        DecodeError::Xml { .. } | DecodeError::Json { .. } => {
            format!("cannot read the file at {e}")
        }
        other => format!("cannot read the file: {other}"),
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::CartFile(e) => f.write_str(&cart_reason(e)),
            Unreadable::CartFileAndDtd(e, dtd) => write!(f, "{}\n{dtd}", cart_reason(e)),
            Unreadable::Dtd(reason) => f.write_str(reason),
            Unreadable::WarehouseFile { what, error } => write!(f, "cannot read {what}: {error}"),
            Unreadable::ReaderFailed(p) => write!(f, "{p}"),
        }
    }
}

impl From<Panicked> for Unreadable {
    fn from(p: Panicked) -> Self {
        Unreadable::ReaderFailed(p)
    }
}
