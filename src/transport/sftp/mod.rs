//! The SFTP endpoint: SSH from russh, the SFTP server our own (see [`server`]).
//!
//! - [`host_keys`]: persistent host keys, created (0600) when missing.
//! - [`algorithms`]: what the server offers — modern first, then what old Java clients need;
//!   SHA-1 only with `legacy_algorithms`.
//! - [`listener`]: binds every address, asks the login gate about each new connection,
//!   accepts until shutdown, then winds sessions down; [`deadline`] cuts off a connection
//!   that has not logged in within `login_timeout`.
//! - [`session`]: one SSH connection: logins ([`auth`]), only the `sftp` subsystem.
//! - [`server`]: the request loop of the `sftp` channel — many requests in flight, reads and
//!   writes in per-file [`lane`]s, replies as they are ready; [`wire`] is the packet format.
//! - [`fs`]: the SFTP operations over the partner [`Home`](crate::home::Home), with
//!   [`handles`] for what is open, [`upload`] for when an upload counts (or is aborted),
//!   [`attrs`] for listings and [`status`] for the one mapping to SFTP status codes.

mod algorithms;
mod attrs;
mod auth;
mod deadline;
mod fs;
mod handles;
mod host_keys;
mod lane;
mod listener;
mod server;
mod session;
mod status;
mod upload;
pub mod wire;

pub use host_keys::HostKeyError;

/// The SFTP request handling without an SSH session, for the `sftp_requests` fuzz target in
/// `fuzz/` (which builds an [`SftpFs`](fuzzing::SftpFs) over a temp partner home and hands it
/// decoded requests, as the request loop does). Not an API: hidden from the docs, and nothing
/// in Wharf uses it.
#[doc(hidden)]
pub mod fuzzing {
    pub use super::fs::{FsParts, SftpFs};
    pub use super::handles::{Handles, Open};
}

use crate::config::{Config, SftpConfig};
use crate::shutdown::Shutdown;
use crate::upload::Uploads;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// What every connection of a listener shares.
pub struct Shared {
    /// The configuration.
    pub config: Arc<Config>,
    /// The SSH server configuration (host keys, algorithms).
    pub ssh: Arc<russh::server::Config>,
    /// The upload life cycle (and through it, the intake).
    pub uploads: Uploads,
    /// The login policy shared with every transport (lockout, session limits).
    pub logins: Arc<crate::login::Logins>,
    /// The server's shutdown signal.
    pub shutdown: Shutdown,
}

/// A failure to start the SFTP endpoint (nothing of it is left listening).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SftpStartError {
    /// A host key could not be loaded or created.
    #[error("SFTP endpoint: {0}")]
    HostKey(#[from] HostKeyError),
    /// An address could not be listened on.
    #[error("SFTP endpoint on {addr}: {message}")]
    Listen {
        /// The listen address.
        addr: SocketAddr,
        /// Why.
        message: String,
    },
}

/// Loads (or creates) the host keys, binds every `sftp.listen` address, and starts one
/// listener task per address (returned with the address it is bound to). Each runs until `shutdown`, then lets transfers finish within
/// the grace period.
pub async fn start(
    config: Arc<Config>,
    sftp: &SftpConfig,
    logins: Arc<crate::login::Logins>,
    uploads: Uploads,
    shutdown: Shutdown,
) -> Result<Vec<(SocketAddr, JoinHandle<()>)>, SftpStartError> {
    let paths = if sftp.host_keys.is_empty() {
        SftpConfig::default_host_keys(&config.data_dir)
    } else {
        sftp.host_keys.clone()
    };
    let keys = tokio::task::spawn_blocking(move || host_keys::load_or_create(&paths))
        .await
        .map_err(|e| HostKeyError {
            path: config.data_dir.clone(),
            message: e.to_string(),
        })??;
    let ssh = Arc::new(algorithms::server_config(
        keys,
        sftp.legacy_algorithms,
        &config.limits,
    ));
    let mut bound = Vec::new();
    for addr in &sftp.listen {
        let l = super::bind(*addr).map_err(|e| SftpStartError::Listen {
            addr: *addr,
            message: e.to_string(),
        })?;
        bound.push((*addr, l));
    }
    let shared = Arc::new(Shared {
        config,
        ssh,
        uploads,
        logins,
        shutdown,
    });
    let mut tasks = Vec::new();
    for (addr, l) in bound {
        let local = l.local_addr().map_err(|e| SftpStartError::Listen {
            addr,
            message: e.to_string(),
        })?;
        tracing::info!(listen = %local, "SFTP listening");
        tasks.push((local, tokio::spawn(listener::run(l, shared.clone()))));
    }
    Ok(tasks)
}
