//! An FTP client session to a partner's server: `ftp://` plain, `ftps://` explicit TLS (AUTH
//! TLS, then protected data connections); passive mode, binary type. The server's certificate
//! must be valid for its host name against the system's CAs or the partner's `ca_file`. Every
//! step is bounded by [`STEP_TIMEOUT`].

use std::path::Path;
use std::str::FromStr;

use std::sync::Arc;

use suppaftp::tokio::{AsyncRustlsConnector, AsyncRustlsFtpStream};
use suppaftp::types::FileType;
use tokio::io::AsyncWriteExt;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;

use super::error::{RemoteError, step};
use super::sftp::{RemoteFile, join};
use crate::config::{Remote, RemoteScheme, RemoteSecret};

/// A logged-in FTP session.
pub struct Session {
    ftp: AsyncRustlsFtpStream,
}

/// The TLS client settings: the system's CAs and the partner's `ca_file`.
fn tls_config(remote: &Remote) -> Result<rustls::ClientConfig, RemoteError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = &remote.ca_file {
        let bad = |e: &dyn std::fmt::Display| {
            RemoteError::Settings(format!("reading the ca_file {}: {e}", path.display()))
        };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(&e))?
            .collect::<Result<_, _>>()
            .map_err(|e| bad(&e))?;
        if certs.is_empty() {
            return Err(RemoteError::Settings(format!(
                "the ca_file {} holds no certificate",
                path.display()
            )));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| {
                RemoteError::Settings(format!("the ca_file {}: {e}", path.display()))
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| RemoteError::Settings(format!("TLS settings: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Connects to `remote` and logs in (password only).
pub async fn connect(remote: &Remote) -> Result<Session, RemoteError> {
    let url = &remote.url;
    let RemoteSecret::Password(password) = &remote.secret else {
        return Err(RemoteError::Settings(format!(
            "{url}: FTP needs a `password`, not a key file"
        )));
    };
    let mut ftp = step(
        format!("connecting to {url}"),
        AsyncRustlsFtpStream::connect((url.host.as_str(), url.port)),
    )
    .await?;
    if url.scheme == RemoteScheme::Ftps {
        let connector = tokio_rustls::TlsConnector::from(Arc::new(tls_config(remote)?));
        ftp = step(
            format!("TLS with {url}"),
            ftp.into_secure(AsyncRustlsConnector::from(connector), &url.host),
        )
        .await?;
    }
    step(
        "FTP login",
        ftp.login(remote.username.as_str(), password.as_str()),
    )
    .await?;
    step("setting binary type", ftp.transfer_type(FileType::Binary)).await?;
    Ok(Session { ftp })
}

impl Session {
    /// The regular files in `dir`.
    pub async fn list(&mut self, dir: &str) -> Result<Vec<RemoteFile>, RemoteError> {
        let lines = step(format!("listing {dir}"), self.ftp.list(Some(dir))).await?;
        Ok(lines
            .iter()
            .filter_map(|l| suppaftp::list::File::from_str(l).ok())
            .filter(|f| f.is_file())
            .map(|f| RemoteFile {
                name: f.name().to_owned(),
                size: f.size() as u64,
                mtime: f
                    .modified()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as u32)
                    .unwrap_or(0),
            })
            .collect())
    }

    /// Downloads `remote` into the local file `local` (created, written and fsynced).
    pub async fn download(&mut self, remote: &str, local: &Path) -> Result<u64, RemoteError> {
        let mut src = step(format!("opening {remote}"), self.ftp.retr_as_stream(remote)).await?;
        let mut dst = tokio::fs::File::create(local)
            .await
            .map_err(RemoteError::local(format!("creating {}", local.display())))?;
        let n = step(
            format!("downloading {remote}"),
            tokio::io::copy(&mut src, &mut dst),
        )
        .await?;
        step(format!("finishing {remote}"), src.finish()).await?;
        dst.sync_all()
            .await
            .map_err(RemoteError::local(format!("syncing {}", local.display())))?;
        Ok(n)
    }

    /// Uploads the local file to `dir/.<name>.part` ([`remote_temp_name`](crate::layout::names::remote_temp_name)),
    /// then renames it to `dir/<name>`.
    pub async fn upload(&mut self, local: &Path, dir: &str, name: &str) -> Result<(), RemoteError> {
        let tmp = join(dir, &crate::layout::names::remote_temp_name(name));
        let target = join(dir, name);
        let mut src = tokio::fs::File::open(local)
            .await
            .map_err(RemoteError::local(format!("opening {}", local.display())))?;
        let mut dst = step(
            format!("creating {tmp}"),
            self.ftp.put_with_stream(tmp.as_str()),
        )
        .await?;
        step(
            format!("uploading {tmp}"),
            tokio::io::copy(&mut src, &mut dst),
        )
        .await?;
        step(format!("flushing {tmp}"), dst.flush()).await?;
        step(format!("finishing {tmp}"), dst.finish()).await?;
        if step("rename", self.ftp.rename(tmp.as_str(), target.as_str()))
            .await
            .is_err()
        {
            let _ = step("removing", self.ftp.rm(target.as_str())).await;
            step(
                format!("renaming {tmp} to {target}"),
                self.ftp.rename(tmp.as_str(), target.as_str()),
            )
            .await?;
        }
        Ok(())
    }

    /// Deletes a remote file.
    pub async fn remove(&mut self, path: &str) -> Result<(), RemoteError> {
        step(format!("deleting {path}"), self.ftp.rm(path)).await
    }

    /// Ends the session politely.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.ftp.quit()).await;
    }
}
