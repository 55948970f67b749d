//! `wharf passwd`: a password on stdin → its argon2id PHC hash on stdout.

use anyhow::Context;
use std::io::BufRead;
use std::process::ExitCode;

/// Reads one line from stdin and prints its hash.
pub(crate) fn run() -> Result<ExitCode, anyhow::Error> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        anyhow::bail!("empty password: type it on stdin, e.g. `echo -n secret | wharf passwd`");
    }
    let hash = wharf::config::hash_password(password).context("hashing")?;
    outln!("{hash}")?;
    Ok(ExitCode::SUCCESS)
}
