//! One FTP session's state: who is logged in, the working folder, the transfer settings, the
//! next data connection; and what a command hands back to the control loop ([`Next`]). The
//! commands (`commands/`) read and change it; the loop (`session.rs`) owns it.

use super::Shared;
use super::command::{DataType, Protection};
use super::control::Control;
use super::data::Setup;
use super::listing::Facts;
use super::reply::Reply;
use super::transfer::StopSignal;
use crate::config::Partner;
use crate::home::Home;
use crate::login::{PreAuth, SessionGuard};
use futures::future::BoxFuture;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::time::Instant;

/// A logged-in partner.
pub(super) struct LoggedIn {
    /// The partner.
    pub partner: Arc<Partner>,
    /// Its home, as its sessions see it.
    pub home: Home,
    /// Its place in the session limits, held while the session lives.
    pub _place: SessionGuard,
}

/// What the session knows about who the client is.
pub(super) enum Login {
    /// Not logged in; the name given by `USER`, if any.
    Pending(Option<String>),
    /// Logged in.
    Done(Box<LoggedIn>),
}

/// What a command asks the loop to do after it ran.
pub(super) enum Next {
    /// Send these replies and go on.
    Reply(Vec<Reply>),
    /// Send the mark (`150`), then run the transfer; its reply comes when it ends.
    Transfer(Reply, Job),
    /// Send `234`, then upgrade the control connection to TLS.
    StartTls,
    /// Send this reply and close.
    Close(Reply),
}

/// A transfer, given its stop signal.
pub(super) type Job = Box<dyn FnOnce(StopSignal) -> BoxFuture<'static, Reply> + Send>;

impl From<Reply> for Next {
    fn from(r: Reply) -> Next {
        Next::Reply(vec![r])
    }
}

/// One session's state.
pub(super) struct Session {
    pub shared: Arc<Shared>,
    pub control: Control,
    pub peer: SocketAddr,
    pub local: SocketAddr,
    pub span: tracing::Span,
    pub login: Login,
    /// The working folder as the client sees it (`/`, `/in/sub`).
    pub cwd: String,
    pub data_type: DataType,
    /// The next data connection.
    pub setup: Setup,
    /// `EPSV ALL` was sent: only EPSV from now on (RFC 2428 §4).
    pub epsv_all: bool,
    /// `REST` offset for the next transfer.
    pub rest: Option<u64>,
    /// `RNFR` path, for the next command (only if it is `RNTO`).
    pub rename_from: Option<PathBuf>,
    /// `PBSZ` was sent (after `AUTH TLS`).
    pub pbsz: bool,
    /// `PROT` in force.
    pub prot: Protection,
    /// The facts `MLST`/`MLSD` show (`OPTS MLST`).
    pub facts: Facts,
    pub failed_logins: u32,
    /// The place this connection holds in the pre-authentication gate, until it logs in.
    pub pre: Option<PreAuth>,
    /// When a not-yet-logged-in connection is closed.
    pub login_deadline: Option<Instant>,
}

impl Session {
    /// A session on an accepted connection.
    pub fn new(
        shared: Arc<Shared>,
        control: Control,
        peer: SocketAddr,
        local: SocketAddr,
        (pre, login_deadline): (PreAuth, Instant),
    ) -> Session {
        let span = tracing::info_span!(
            "session",
            protocol = "ftp",
            ip = %peer.ip().to_canonical(),
            partner = tracing::field::Empty
        );
        Session {
            shared,
            control,
            peer,
            local,
            span,
            login: Login::Pending(None),
            cwd: "/".to_string(),
            data_type: DataType::Ascii,
            setup: Setup::None,
            epsv_all: false,
            rest: None,
            rename_from: None,
            pbsz: false,
            prot: Protection::Clear,
            facts: Facts::all(),
            failed_logins: 0,
            pre: Some(pre),
            login_deadline: Some(login_deadline),
        }
    }

    /// The logged-in partner, if any.
    pub fn user(&self) -> Option<&LoggedIn> {
        match &self.login {
            Login::Done(l) => Some(l),
            Login::Pending(_) => None,
        }
    }
}
