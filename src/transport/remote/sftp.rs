//! An SFTP client session to a partner's server: the server's host key must match the pinned
//! `host_key`; login with a password or a key file. Every step is bounded by [`STEP_TIMEOUT`].

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use russh::keys::PublicKey;
use russh_sftp::client::SftpSession;
use tokio::io::AsyncWriteExt;

use super::error::{RemoteError, STEP_TIMEOUT, step};
use crate::config::{Remote, RemoteSecret};

/// One remote file seen in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    /// The name inside the listed folder.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time (seconds since the epoch; 0 if unknown).
    pub mtime: u32,
}

/// The public key a server presented (a certificate's own key for a certificate).
fn presented_key(key: &russh::keys::PublicKeyOrCertificate) -> PublicKey {
    match key {
        russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
        russh::keys::PublicKeyOrCertificate::Certificate(cert) => {
            PublicKey::from(cert.public_key().clone())
        }
    }
}

/// How long connecting and the key exchange may take together when only the host key is
/// wanted ([`host_key`]).
pub const HOST_KEY_TIMEOUT: Duration = Duration::from_secs(10);

/// The host key of the SSH server at `url`, as one OpenSSH public key line (`ssh-ed25519
/// AAAA...`), to pin as `host_key`: connects, runs the key exchange up to the host key check,
/// refuses to go further and disconnects, within [`HOST_KEY_TIMEOUT`]. Never authenticates.
pub async fn host_key(url: &crate::config::RemoteUrl) -> Result<String, RemoteError> {
    let key = match tokio::time::timeout(HOST_KEY_TIMEOUT, exchange_for_key(url)).await {
        Ok(result) => result?,
        Err(_) => {
            return Err(RemoteError::NoHostKey(format!(
                "no SSH host key within {}s (unreachable, filtered, or not an SSH server)",
                HOST_KEY_TIMEOUT.as_secs()
            )));
        }
    };
    key.to_openssh().map_err(|e| {
        RemoteError::NoHostKey(format!(
            "the server's key cannot be written as an OpenSSH line: {e}"
        ))
    })
}

async fn exchange_for_key(url: &crate::config::RemoteUrl) -> Result<PublicKey, RemoteError> {
    let stream = tokio::net::TcpStream::connect((url.host.as_str(), url.port))
        .await
        .map_err(RemoteError::local("cannot connect"))?;
    let seen = Arc::new(std::sync::Mutex::new(None));
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
        (None, Err(e)) => Err(RemoteError::NoHostKey(format!(
            "not an SSH server, or the handshake failed: {e}"
        ))),
        (None, Ok(_)) => Err(RemoteError::NoHostKey(
            "the server presented no host key".to_owned(),
        )),
    }
}

/// A client handler that records the server's host key and refuses to go further.
struct RecordKey {
    seen: Arc<std::sync::Mutex<Option<PublicKey>>>,
}

impl russh::client::Handler for RecordKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(presented_key(key));
        }
        Ok(false)
    }
}

/// Checks the server's key against the pinned one.
struct PinnedKey {
    expected: PublicKey,
    /// The key presented, when it was not the pinned one.
    mismatch: Arc<std::sync::Mutex<Option<String>>>,
}

impl russh::client::Handler for PinnedKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let public = presented_key(key);
        if public.key_data() == self.expected.key_data() {
            return Ok(true);
        }
        let seen = public
            .to_openssh()
            .map(|s| s.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| public.algorithm().to_string());
        if let Ok(mut m) = self.mismatch.lock() {
            *m = Some(seen);
        }
        Ok(false)
    }
}

/// A logged-in SFTP session.
pub struct Session {
    ssh: russh::client::Handle<PinnedKey>,
    sftp: SftpSession,
}

/// Connects to `remote`, checks its host key and logs in.
pub async fn connect(remote: &Remote) -> Result<Session, RemoteError> {
    let host_key = remote.host_key.as_deref().ok_or_else(|| {
        RemoteError::Settings("no `host_key` pinned for this sftp:// server".into())
    })?;
    let expected = PublicKey::from_openssh(host_key.trim()).map_err(|e| {
        RemoteError::Settings(format!(
            "the pinned `host_key` is not an OpenSSH public key: {e}"
        ))
    })?;
    let mismatch = Arc::new(std::sync::Mutex::new(None));
    let handler = PinnedKey {
        expected,
        mismatch: mismatch.clone(),
    };
    let url = &remote.url;
    let stream = step(
        format!("connecting to {url}"),
        tokio::net::TcpStream::connect((url.host.as_str(), url.port)),
    )
    .await?;
    let config = Arc::new(russh::client::Config {
        inactivity_timeout: Some(Duration::from_secs(120)),
        ..Default::default()
    });
    let connected = step(
        format!("SSH handshake with {url}"),
        russh::client::connect_stream(config, stream, handler),
    )
    .await;
    let presented = mismatch.lock().ok().and_then(|mut m| m.take());
    let mut ssh = match (connected, presented) {
        (Ok(ssh), _) => ssh,
        (Err(RemoteError::Step { .. }), Some(presented)) => {
            return Err(RemoteError::HostKeyMismatch { presented });
        }
        (Err(e), _) => return Err(e),
    };
    let user = remote.username.clone();
    let auth = match &remote.secret {
        RemoteSecret::Password(password) => {
            step(
                "password login",
                ssh.authenticate_password(user, password.clone()),
            )
            .await?
        }
        RemoteSecret::KeyFile(path) => {
            let key = russh::keys::load_secret_key(path, None).map_err(|e| {
                RemoteError::Settings(format!("reading the key file {}: {e}", path.display()))
            })?;
            let hash = step(
                "asking the server's signature algorithms",
                ssh.best_supported_rsa_hash(),
            )
            .await?
            .flatten();
            let key = russh::keys::PrivateKeyWithHashAlg::new(Arc::new(key), hash);
            step("key login", ssh.authenticate_publickey(user, key)).await?
        }
    };
    if !auth.success() {
        return Err(RemoteError::LoginRefused {
            url: url.to_string(),
            user: remote.username.clone(),
        });
    }
    let channel = step("opening a session channel", ssh.channel_open_session()).await?;
    step(
        "starting the sftp subsystem",
        channel.request_subsystem(true, "sftp"),
    )
    .await?;
    let sftp = step("starting SFTP", SftpSession::new(channel.into_stream())).await?;
    sftp.set_timeout(STEP_TIMEOUT.as_secs());
    Ok(Session { ssh, sftp })
}

/// `dir/name` on the remote side.
pub fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

impl Session {
    /// The regular files in `dir`.
    pub async fn list(&self, dir: &str) -> Result<Vec<RemoteFile>, RemoteError> {
        let entries = step(format!("listing {dir}"), self.sftp.read_dir(dir)).await?;
        Ok(entries
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let m = e.metadata();
                RemoteFile {
                    name: e.file_name(),
                    size: m.size.unwrap_or(0),
                    mtime: m.mtime.unwrap_or(0),
                }
            })
            .collect())
    }

    /// Downloads `remote` into the local file `local` (created, written and fsynced).
    pub async fn download(&self, remote: &str, local: &Path) -> Result<u64, RemoteError> {
        let mut src = step(format!("opening {remote}"), self.sftp.open(remote)).await?;
        let mut dst = tokio::fs::File::create(local)
            .await
            .map_err(RemoteError::local(format!("creating {}", local.display())))?;
        let n = step(
            format!("downloading {remote}"),
            tokio::io::copy(&mut src, &mut dst),
        )
        .await?;
        dst.sync_all()
            .await
            .map_err(RemoteError::local(format!("syncing {}", local.display())))?;
        let _ = src.shutdown().await;
        Ok(n)
    }

    /// Uploads the local file to `dir/.<name>.part` ([`remote_temp_name`](crate::layout::names::remote_temp_name)),
    /// then renames it to `dir/<name>`.
    pub async fn upload(&self, local: &Path, dir: &str, name: &str) -> Result<(), RemoteError> {
        let tmp = join(dir, &crate::layout::names::remote_temp_name(name));
        let target = join(dir, name);
        let mut src = tokio::fs::File::open(local)
            .await
            .map_err(RemoteError::local(format!("opening {}", local.display())))?;
        let mut dst = step(format!("creating {tmp}"), self.sftp.create(tmp.clone())).await?;
        step(
            format!("uploading {tmp}"),
            tokio::io::copy(&mut src, &mut dst),
        )
        .await?;
        step(format!("closing {tmp}"), dst.shutdown()).await?;
        if step("rename", self.sftp.rename(tmp.clone(), target.clone()))
            .await
            .is_err()
        {
            // SFTP v3 servers refuse to rename over an existing file.
            let _ = step("removing", self.sftp.remove_file(target.clone())).await;
            step(
                format!("renaming {tmp} to {target}"),
                self.sftp.rename(tmp, target.clone()),
            )
            .await?;
        }
        Ok(())
    }

    /// Deletes a remote file.
    pub async fn remove(&self, path: &str) -> Result<(), RemoteError> {
        step(format!("deleting {path}"), self.sftp.remove_file(path)).await
    }

    /// Ends the session politely.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.sftp.close()).await;
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            self.ssh
                .disconnect(russh::Disconnect::ByApplication, "", "en"),
        )
        .await;
    }
}
