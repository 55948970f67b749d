//! Data connections (RFC 959 §3.2-3.3, RFC 2428, RFC 4217 §9): how one is set up (a pending
//! passive listener, or an active-mode address), opened for a transfer, and protected.
//!
//! - Passive: the listener accepts as soon as the client connects (the session polls it while
//!   it waits for commands), only from the control connection's own IP (a connection from
//!   elsewhere is closed: no data theft, like vsftpd's `pasv_promiscuous=NO`), within
//!   [`DATA_DEADLINE`]; then the listener closes and its port goes back to the allocator. A session has at most one
//!   pending setup; a new one, a transfer command, `ABOR` or the end of the session drops the
//!   old one with its listener, its port and any connection it accepted.
//! - Active (only with `active_mode = true`): the session connects to the address `PORT`/
//!   `EPRT` named, which the session has already checked is the client's own (no FTP bounce).
//! - Every data socket has `TCP_NODELAY`: the last small segment of a transfer is not held
//!   back waiting for an ACK the client delays (the 44 ms stall of each small transfer).

use super::passive::Lease;
use super::tls::{Acceptor, Stream};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::Instant;

/// How long a client has to connect (passive) or accept (active) a data connection, and to
/// finish its TLS handshake.
pub const DATA_DEADLINE: Duration = Duration::from_secs(30);

/// Why no data connection could be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// No `PASV`/`EPSV`/`PORT`/`EPRT` before the transfer command.
    #[error("use PASV or EPSV first")]
    NoSetup,
    /// The client did not connect (or accept) in time.
    #[error("the data connection was not opened within {}s", DATA_DEADLINE.as_secs())]
    Timeout,
    /// A socket error.
    #[error("data connection: {0}")]
    Io(#[from] std::io::Error),
    /// The TLS handshake on the data connection failed.
    #[error("TLS on the data connection: {0}")]
    Tls(String),
}

/// A passive listener waiting for its client, owned by the session (so dropping it closes the
/// listener and frees the port at once).
#[derive(Debug)]
pub struct Pending {
    lease: Arc<Lease>,
    port: u16,
    listener: Option<TcpListener>,
    accepted: Option<TcpStream>,
    client: IpAddr,
    deadline: Instant,
}

impl Pending {
    /// Starts waiting on `listener` (already listening on the leased port).
    pub fn start(
        listener: std::net::TcpListener,
        lease: Arc<Lease>,
        client: IpAddr,
    ) -> std::io::Result<Pending> {
        Ok(Pending {
            port: lease.port(),
            lease,
            listener: Some(TcpListener::from_std(listener)?),
            accepted: None,
            client,
            deadline: Instant::now() + DATA_DEADLINE,
        })
    }

    /// The port announced to the client.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether the listener still waits for the client.
    pub fn is_waiting(&self) -> bool {
        self.listener.is_some()
    }

    /// Waits for the client's connection (only from its own address) until the deadline, keeps
    /// it, and closes the listener, freeing the port. Cancel-safe: the session polls it while
    /// it waits for commands, so the port is free as soon as the client has connected.
    pub async fn wait(&mut self) -> Result<(), DataError> {
        let Some(listener) = self.listener.as_ref() else {
            return Ok(());
        };
        let client = self.client;
        let accepted = tokio::time::timeout_at(self.deadline, async {
            loop {
                let (sock, from) = listener.accept().await?;
                if same_host(from.ip(), client) {
                    return Ok::<_, std::io::Error>(sock);
                }
                tracing::warn!(%from, "data connection from another address refused");
            }
        })
        .await;
        self.listener = None;
        self.lease.release();
        match accepted {
            Ok(Ok(sock)) => {
                self.accepted = Some(sock);
                Ok(())
            }
            Ok(Err(e)) => Err(DataError::Io(e)),
            Err(_) => Err(DataError::Timeout),
        }
    }

    async fn connection(mut self) -> Result<TcpStream, DataError> {
        self.wait().await?;
        self.accepted.take().ok_or(DataError::Timeout)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.lease.release();
    }
}

/// How the next data connection is made.
#[derive(Debug, Default)]
pub enum Setup {
    /// Nothing yet.
    #[default]
    None,
    /// `PASV`/`EPSV`.
    Passive(Pending),
    /// `PORT`/`EPRT` to this (checked) address.
    Active(SocketAddr),
}

impl Setup {
    /// The pending passive listener still waiting for its client, if any.
    pub fn waiting(&mut self) -> Option<&mut Pending> {
        match self {
            Setup::Passive(p) if p.is_waiting() => Some(p),
            _ => None,
        }
    }
}

/// Opens the data connection of `setup`: the accepted passive connection, or a connection to
/// the active-mode address from `local` (the control connection's own address). Then TLS when
/// `tls` is given (`PROT P`).
pub async fn open(
    setup: Setup,
    local: IpAddr,
    tls: Option<&Acceptor>,
) -> Result<Stream, DataError> {
    let tcp = match setup {
        Setup::None => return Err(DataError::NoSetup),
        Setup::Passive(p) => p.connection().await?,
        Setup::Active(to) => {
            let socket = if to.is_ipv4() {
                TcpSocket::new_v4()?
            } else {
                TcpSocket::new_v6()?
            };
            socket.bind(SocketAddr::new(local, 0))?;
            tokio::time::timeout(DATA_DEADLINE, socket.connect(to))
                .await
                .map_err(|_| DataError::Timeout)??
        }
    };
    tcp.set_nodelay(true)?;
    match tls {
        None => Ok(Stream::Plain(tcp)),
        Some(acceptor) => match tokio::time::timeout(DATA_DEADLINE, acceptor.accept(tcp)).await {
            Ok(Ok(s)) => Ok(Stream::Tls(Box::new(s))),
            Ok(Err(e)) => Err(DataError::Tls(e.to_string())),
            Err(_) => Err(DataError::Timeout),
        },
    }
}

/// Whether two addresses are the same host (an IPv4-mapped IPv6 address equals its IPv4).
pub fn same_host(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}
