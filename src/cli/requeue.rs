//! `wharf requeue`: files from a partner's `error/` or `archive/` back into its `in/`
//! ([`wharf::intake::requeue`]).

use std::path::PathBuf;
use std::process::ExitCode;

/// Requeues each path; stops at the first that is not a requeueable file.
pub(crate) fn run(paths: &[PathBuf]) -> Result<ExitCode, anyhow::Error> {
    for p in paths {
        let dest = wharf::intake::requeue::requeue(p)?;
        outln!("{} -> {}", p.display(), dest.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
