//! Re-export of the [`anyxml_encoding`] crate.
//!
//! For more details, please see the document of [`anyxml_encoding`] crate.

pub use anyxml_encoding::*;
