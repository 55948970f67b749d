//! Re-export of the [`anyxml_base64`] crate.
//!
//! For more details, please see the document of [`anyxml_base64`] crate.

pub use anyxml_base64::*;
