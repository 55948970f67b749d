//! Re-export of the [`anyxml_uri`] crate.
//!
//! For more details, please see the document of [`anyxml_uri`] crate.

pub use anyxml_uri::uri::*;
pub use anyxml_uri::*;
