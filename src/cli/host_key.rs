//! `wharf host-key sftp://HOST:PORT`: connects to an SSH server, prints its host key as an
//! OpenSSH public key line for `host_key` in `[partner.remote]` (pull mode, issue 7), and
//! disconnects without authenticating. Exit 0 printed, 1 failure, 2 bad URL.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::keys::PublicKey;

use crate::config::{RemoteScheme, RemoteUrl};

/// How long connecting and the key exchange may take together.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Prints the host key of the server at `url`.
pub fn run(url: &str) -> Result<ExitCode, anyhow::Error> {
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
    match runtime.block_on(fetch_host_key(&url)) {
        Ok(key) => {
            let line = key.to_openssh()?;
            println!("{line}");
            eprintln!("pin it with: host_key = \"{line}\" in [partner.remote]");
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("wharf: {url}: {message}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Connects, runs the key exchange up to the host key check, and hands the key back.
async fn fetch_host_key(url: &RemoteUrl) -> Result<PublicKey, String> {
    match tokio::time::timeout(TIMEOUT, exchange(url)).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "no SSH host key within {}s (unreachable, filtered, or not an SSH server)",
            TIMEOUT.as_secs()
        )),
    }
}

async fn exchange(url: &RemoteUrl) -> Result<PublicKey, String> {
    let stream = tokio::net::TcpStream::connect((url.host.as_str(), url.port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let seen = Arc::new(Mutex::new(None));
    let handler = RecordKey { seen: seen.clone() };
    let config = Arc::new(russh::client::Config::default());
    let result = russh::client::connect_stream(config, stream, handler).await;
    let key = seen.lock().map(|mut k| k.take()).unwrap_or(None);
    match (key, result) {
        (Some(key), Ok(handle)) => {
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, "", "en")
                .await;
            Ok(key)
        }
        // Refusing the key ends the handshake: that is the normal way out.
        (Some(key), Err(_)) => Ok(key),
        (None, Err(e)) => Err(format!("not an SSH server, or the handshake failed: {e}")),
        (None, Ok(_)) => Err("the server presented no host key".to_owned()),
    }
}

/// A client handler that records the server's host key and refuses to go further.
struct RecordKey {
    seen: Arc<Mutex<Option<PublicKey>>>,
}

impl russh::client::Handler for RecordKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let public = crate::transport::remote::sftp::presented_key(key);
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(public);
        }
        Ok(false)
    }
}
