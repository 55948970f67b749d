//! `wharf host-key sftp://HOST:PORT`: prints an SSH server's host key as an OpenSSH public key
//! line for `host_key` in `[partner.remote]` ([`wharf::transport::remote::sftp::host_key`]).
//! Exit 0 printed, 1 failure, 2 bad URL.

use std::process::ExitCode;

use wharf::config::{RemoteScheme, RemoteUrl};

/// Prints the host key of the server at `url`.
pub(crate) fn run(url: &str) -> Result<ExitCode, anyhow::Error> {
    let url = match RemoteUrl::parse(url) {
        Ok(u) if u.scheme == RemoteScheme::Sftp => u,
        Ok(u) => {
            eprintln!(
                "wharf: host-key is for sftp:// servers ({}:// has no host key); \
                 usage: wharf host-key sftp://HOST:PORT",
                u.scheme.as_str()
            );
            return Ok(ExitCode::from(2));
        }
        Err(message) => {
            eprintln!("wharf: {message}; usage: wharf host-key sftp://HOST:PORT");
            return Ok(ExitCode::from(2));
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match runtime.block_on(wharf::transport::remote::sftp::host_key(&url)) {
        Ok(line) => {
            outln!("{line}")?;
            eprintln!("pin it with: host_key = \"{line}\" in [partner.remote]");
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("wharf: {url}: {message}");
            Ok(ExitCode::FAILURE)
        }
    }
}
