//! Checks on the repository itself (no binary run): the architecture page matches the code,
//! and no source file cites a document that is not in the repository.

mod architecture;
mod citations;
