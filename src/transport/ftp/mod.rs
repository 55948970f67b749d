//! The FTP/FTPS endpoint: our own server, on tokio and tokio-rustls.
//!
//! FTP is one of Wharf's two core transports, and what partners and hostile clients need could
//! not be expressed on top of libunftp (0.24), which we used before. Reading its source and
//! measuring it against vsftpd found: no `TCP_NODELAY` on control or data sockets (every small
//! transfer stalled ~44 ms on a delayed ACK: 23 files/s where vsftpd did 702); a busy passive
//! port (`listen()` failing with EADDRINUSE) dropped the whole control connection; each PASV
//! held a listener for 15 s, so one session could take the range, and only the first session
//! got the bind hook; unused data connections sat in CLOSE-WAIT for minutes holding the
//! session's place (twenty failed downloads locked a partner out); `ABOR` during `STOR`
//! reported the upload complete, so a cut file was processed; `REST` past the end made sparse
//! files bigger than `max_upload_size`, and an overflowing `REST` closed the connection;
//! `PORT` connected anywhere (FTP bounce). Each is a rule of this module now, with a test.
//!
//! Layout:
//! - [`listener`]: accept, socket options, one [`session`] per connection;
//! - [`session`]: the control loop (commands, transfers as tasks, `ABOR`, idle timeout,
//!   shutdown, releasing everything at the end);
//! - [`command`]: the pure command-line parser (fuzzable); [`reply`]: reply encoding;
//! - [`commands`]: one file per group of commands;
//! - [`passive`]: the process-wide passive port allocator; [`data`]: data connections;
//!   [`transfer`]: moving bytes (sendfile for clear downloads, overlapped disk writes for
//!   uploads); [`listing`]: `LIST`/`MLSD` formats; [`tls`]: FTPS; [`errors`]: the one mapping
//!   from neutral errors to FTP replies.

pub mod command;
mod commands;
mod control;
mod data;
mod errors;
mod listener;
mod listing;
mod passive;
mod reply;
mod session;
mod state;
mod tls;
mod transfer;

use crate::config::{Config, FtpConfig};
use crate::login::Logins;
use crate::shutdown::Shutdown;
use crate::upload::Uploads;
use std::net::SocketAddr;
use std::sync::Arc;

/// A failure to start the FTP endpoint.
#[derive(Debug, thiserror::Error)]
#[error("FTP endpoint on {addr}: {message}")]
pub struct FtpStartError {
    /// The listen address.
    pub addr: String,
    /// Why.
    pub message: String,
}

/// What every FTP session shares.
pub(crate) struct Shared {
    /// The configuration.
    pub config: Arc<Config>,
    /// `[ftp]`.
    pub ftp: FtpConfig,
    /// The login policy shared with SFTP.
    pub logins: Arc<Logins>,
    /// The upload life cycle (and through it, the intake).
    pub uploads: Uploads,
    /// The passive ports of the whole process.
    pub passive: passive::PassivePorts,
    /// FTPS, when configured.
    pub tls: Option<tls::Acceptor>,
    /// The listeners' stop signal (by then running transfers had their grace period).
    pub shutdown: Shutdown,
}

/// Starts one FTP listener per configured address; returns each with the address it is bound
/// to (port 0 in the configuration: the port the system chose). Each runs until `shutdown` is
/// triggered — by then the server has already let running transfers finish (server.rs) — and
/// then ends its sessions: a transfer still running is aborted, the client hears `421`.
pub async fn start(
    config: Arc<Config>,
    ftp: &FtpConfig,
    logins: Arc<Logins>,
    uploads: Uploads,
    shutdown: Shutdown,
) -> Result<Vec<(SocketAddr, tokio::task::JoinHandle<()>)>, FtpStartError> {
    let first = ftp
        .listen
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let tls = match (&ftp.tls_cert, &ftp.tls_key) {
        (Some(cert), Some(key)) => {
            Some(tls::acceptor(cert, key).map_err(|message| FtpStartError {
                addr: first.clone(),
                message,
            })?)
        }
        _ => None,
    };
    let shared = Arc::new(Shared {
        passive: passive::PassivePorts::new(
            ftp.passive_ports.clone(),
            ftp.passive_ports_per_partner,
        ),
        config,
        ftp: ftp.clone(),
        logins,
        uploads,
        tls,
        shutdown,
    });
    let mut bound = Vec::new();
    for addr in &ftp.listen {
        let l = super::bind(*addr).map_err(|e| FtpStartError {
            addr: addr.to_string(),
            message: e.to_string(),
        })?;
        bound.push((addr.to_string(), l));
    }
    let mut tasks = Vec::new();
    for (addr, l) in bound {
        let local = l.local_addr().map_err(|e| FtpStartError {
            addr: addr.clone(),
            message: e.to_string(),
        })?;
        tracing::info!(listen = %local, "FTP listening");
        tasks.push((local, tokio::spawn(listener::run(l, shared.clone()))));
    }
    Ok(tasks)
}
