//! The FTP(S) endpoint, on libunftp.
//!
//! - [`auth`]: partner logins (libunftp's `Authenticator` and `UserDetailProvider`).
//! - [`storage`]: our storage back-end over the partner [`Home`](crate::home::Home); its
//!   `enter()` re-roots every session in the partner's home (libunftp's restrict/rooter
//!   wrappers drop that call, which would silently remove the chroot: STACK.md).
//! - [`errors`]: the one mapping from neutral errors to FTP replies.

mod auth;
mod errors;
mod storage;

use crate::config::{Config, FtpConfig};
use crate::login::Logins;
use crate::shutdown::Shutdown as Signal;
use crate::upload::Uploads;
use libunftp::ServerBuilder;
use libunftp::options::{FtpsRequired, PassiveHost, Shutdown};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

pub use auth::FtpUser;
pub use storage::FtpStorage;

/// A failure to start the FTP endpoint.
#[derive(Debug, thiserror::Error)]
#[error("FTP endpoint on {addr}: {message}")]
pub struct FtpStartError {
    /// The listen address.
    pub addr: String,
    /// Why.
    pub message: String,
}

/// Starts one FTP listener per configured address. Each runs until `shutdown` is triggered —
/// by then the server has already let running transfers finish (server.rs) — and closes the
/// sessions still open.
pub async fn start(
    config: Arc<Config>,
    ftp: &FtpConfig,
    logins: Arc<Logins>,
    uploads: Uploads,
    shutdown: Signal,
) -> Result<Vec<tokio::task::JoinHandle<()>>, FtpStartError> {
    let mut tasks = Vec::new();
    for addr in &ftp.listen {
        let err = |message: String| FtpStartError {
            addr: addr.to_string(),
            message,
        };
        // Bind once here so a busy port is reported at start, not lost in a task.
        std::net::TcpListener::bind(addr).map_err(|e| err(e.to_string()))?;
        let cfg = config.clone();
        let uploads2 = uploads.clone();
        let stop = shutdown.clone();
        let mut builder = ServerBuilder::<FtpStorage, FtpUser>::with_user_detail_provider(
            Box::new(move || FtpStorage::new(cfg.clone(), uploads2.clone())),
            Arc::new(auth::Users::new(config.clone(), logins.clone())),
        )
        .authenticator(Arc::new(auth::PartnerAuth::new(logins.clone())))
        .greeting("Wharf file exchange")
        .passive_ports(ftp.passive_ports.clone())
        .idle_session_timeout(config.limits.idle_timeout.as_secs().max(1))
        .logger(crate::logging::slog_bridge())
        .shutdown_indicator(async move {
            stop.wait().await;
            Shutdown::new().grace_period(Duration::from_secs(1))
        });
        if let (Some(cert), Some(key)) = (&ftp.tls_cert, &ftp.tls_key) {
            // Explicit FTPS (AUTH TLS, RFC 4217); with require_tls, plain logins and plain
            // data connections get a clear refusal.
            builder = builder.ftps(cert.clone(), key.clone());
            if ftp.require_tls {
                builder = builder.ftps_required(FtpsRequired::All, FtpsRequired::All);
            }
        }
        if let Some(IpAddr::V4(v4)) = ftp.passive_host {
            builder = builder.passive_host(PassiveHost::Ip(v4));
        }
        let server = builder.build().map_err(|e| err(e.to_string()))?;
        let bind = addr.to_string();
        tracing::info!(listen = %bind, "FTP listening");
        tasks.push(tokio::spawn(async move {
            if let Err(e) = server.listen(bind.clone()).await {
                tracing::warn!(listen = %bind, error = %e, "FTP listener stopped");
            }
        }));
    }
    Ok(tasks)
}
