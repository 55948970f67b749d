//! Re-export of the [`anyxml_datetime`] crate.
//!
//! For more details, please see the document of [`anyxml_datetime`] crate.

pub use anyxml_datetime::*;
