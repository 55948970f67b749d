//! Re-export of the [`anyxml_automata`] crate.
//!
//! For more details, please see the document of [`anyxml_automata`] crate.

pub use anyxml_automata::*;
