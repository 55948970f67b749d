//! Re-export of the [`anyxml_mediatype`] crate.
//!
//! For more details, please see the document of [`anyxml_mediatype`] crate.

pub use anyxml_mediatype::*;
