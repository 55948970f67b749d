//! One FTP session: the control loop, from the greeting to the end, however it ends.
//!
//! The loop reads command lines and runs them one at a time. A data transfer runs as its own
//! task so the loop keeps reading: `ABOR` stops it at once (RFC 959 §4.1.3: `426` for the
//! transfer, then `226`), other commands wait in a short queue and run after it (`QUIT`
//! included: the transfer's reply comes first). Everything the session holds — its place in
//! the session limits, its control and data connections, its passive listener and port, a
//! running transfer — is owned here and released when `run` returns: `QUIT`, a reset, the
//! idle timeout, a TLS failure, or shutdown. An upload still running then is aborted (the
//! control connection gone is an aborted upload, never a complete one).

use super::Shared;
use super::command::{Command, DataType, Protection, parse};
use super::commands;
use super::control::{Control, Line};
use super::data::DATA_DEADLINE;
use super::data::Setup;
use super::listing::Facts;
use super::reply::Reply;
use super::transfer::{Stop, StopSignal, Stopper, stop_signal};
use crate::config::Partner;
use crate::home::Home;
use crate::login::{PreAuth, SessionGuard};
use futures::future::BoxFuture;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::Instrument;

/// At shutdown, how long a stopped transfer may take to answer (its upload is set aside and
/// reported before that; the listener cuts sessions that take longer).
const SHUTDOWN_WAIT: Duration = Duration::from_secs(1);

/// Commands read ahead while a transfer runs; the loop stops reading when this many wait.
const MAX_QUEUED: usize = 16;

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

/// A data transfer running in its own task.
struct Running {
    stop: Stopper,
    task: JoinHandle<Reply>,
    /// The client sent `ABOR`: a `226` follows the transfer's own reply.
    abor: bool,
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

/// The result of one loop turn.
enum Event {
    Shutdown,
    Transferred(Reply),
    Line(std::io::Result<Line>),
    Idle,
    LoginTimeout,
    /// The pending passive listener accepted its client (or gave up).
    DataConnection(Result<(), super::data::DataError>),
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

    /// Runs the session to its end.
    pub async fn run(self) {
        let span = self.span.clone();
        self.run_inner().instrument(span).await;
    }

    async fn run_inner(mut self) {
        if self
            .control
            .send(&Reply::new(220, "Wharf file exchange"))
            .await
            .is_err()
        {
            return;
        }
        let idle = self.shared.config.limits.idle_timeout;
        let mut queue: VecDeque<Vec<u8>> = VecDeque::new();
        let mut running: Option<Running> = None;
        let mut idle_at = Instant::now() + idle;
        loop {
            // Commands read ahead run once no transfer is running.
            if running.is_none()
                && let Some(line) = queue.pop_front()
            {
                match self.command(&line).await {
                    Some(job) => running = job,
                    None => break,
                }
                idle_at = Instant::now() + idle;
                continue;
            }
            let shutdown = self.shared.shutdown.clone();
            let login_deadline = self.login_deadline.filter(|_| self.user().is_none());
            let transferring = running.is_some();
            let data_waiting = self.setup.waiting().is_some();
            let event = tokio::select! {
                biased;
                _ = shutdown.wait() => Event::Shutdown,
                r = join(&mut running), if transferring => Event::Transferred(r),
                line = self.control.read_line(), if queue.len() < MAX_QUEUED => Event::Line(line),
                _ = tokio::time::sleep_until(idle_at), if !transferring => Event::Idle,
                _ = sleep_until_opt(login_deadline), if login_deadline.is_some() => Event::LoginTimeout,
                r = accept(&mut self.setup), if data_waiting => Event::DataConnection(r),
            };
            match event {
                Event::Shutdown => {
                    let mut replies = Vec::new();
                    if let Some(r) = running.take() {
                        r.stop.stop(Stop::Shutdown);
                        if let Ok(Ok(reply)) = tokio::time::timeout(SHUTDOWN_WAIT, r.task).await {
                            replies.push(reply);
                        }
                    }
                    replies.push(Reply::new(421, "The server is shutting down."));
                    let _ = self.control.send_all(&replies).await;
                    break;
                }
                Event::Transferred(reply) => {
                    let abor = running.take().is_some_and(|r| r.abor);
                    let mut replies = vec![reply];
                    if abor {
                        replies.push(Reply::new(226, "ABOR successful."));
                    }
                    if self.control.send_all(&replies).await.is_err() {
                        break;
                    }
                    idle_at = Instant::now() + idle;
                }
                Event::Line(Ok(Line::Command(line))) => {
                    if let Some(r) = running.as_mut() {
                        // During a transfer only ABOR acts at once; the rest waits its turn.
                        if matches!(parse(&line), Ok(Command::Abor)) {
                            r.abor = true;
                            r.stop.stop(Stop::Abor);
                        } else {
                            queue.push_back(line);
                        }
                        continue;
                    }
                    match self.command(&line).await {
                        Some(job) => running = job,
                        None => break,
                    }
                    idle_at = Instant::now() + idle;
                }
                Event::Line(Ok(Line::TooLong)) => {
                    let r = Reply::new(500, "Command line too long.");
                    if self.control.send(&r).await.is_err() {
                        break;
                    }
                }
                Event::Line(Ok(Line::Closed)) => {
                    tracing::debug!("client closed the control connection");
                    break;
                }
                Event::Line(Err(e)) => {
                    tracing::debug!(error = %e, "control connection failed");
                    break;
                }
                Event::Idle => {
                    tracing::info!(timeout = ?idle, "idle session closed");
                    let _ = self
                        .control
                        .send(&Reply::new(421, "Idle timeout: closing the connection."))
                        .await;
                    break;
                }
                Event::DataConnection(r) => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "passive data connection not made");
                    }
                }
                Event::LoginTimeout => {
                    tracing::info!("no login in time: connection closed");
                    let _ = self
                        .control
                        .send(&Reply::new(421, "Login timeout: closing the connection."))
                        .await;
                    break;
                }
            }
        }
        // A transfer still running is stopped (an upload is aborted and set aside).
        if let Some(r) = running.take() {
            r.stop.stop(Stop::SessionEnded);
            let _ = tokio::time::timeout(Duration::from_secs(5), r.task).await;
        }
        // The session's place and passive port go first: a client that sees the connection
        // close may log in again at once.
        self.setup = Setup::None;
        self.login = Login::Pending(None);
        self.control.close().await;
        tracing::debug!("session ended");
    }

    /// Parses and runs one line. `None`: the connection must close; `Some(job)`: a transfer
    /// started (or `Some(None)`: nothing running).
    async fn command(&mut self, line: &[u8]) -> Option<Option<Running>> {
        match commands::run(self, line).await {
            Next::Reply(replies) => {
                self.control.send_all(&replies).await.ok()?;
                Some(None)
            }
            Next::Close(reply) => {
                let _ = self.control.send(&reply).await;
                None
            }
            Next::StartTls => {
                let acceptor = self.shared.tls.clone()?;
                self.control
                    .send(&Reply::new(234, "AUTH TLS successful."))
                    .await
                    .ok()?;
                // Before login, the handshake counts against the login deadline too.
                let within = self.login_deadline.map_or(DATA_DEADLINE, |at| {
                    at.saturating_duration_since(Instant::now())
                        .min(DATA_DEADLINE)
                });
                match self.control.upgrade(&acceptor, within).await {
                    Ok(()) => Some(None),
                    Err(e) => {
                        tracing::info!(error = %e, "TLS handshake on the control connection failed");
                        None
                    }
                }
            }
            Next::Transfer(mark, job) => {
                self.control.send(&mark).await.ok()?;
                let (stop, signal) = stop_signal();
                let task = tokio::spawn(job(signal).instrument(self.span.clone()));
                Some(Some(Running {
                    stop,
                    task,
                    abor: false,
                }))
            }
        }
    }
}

/// The pending passive listener's client, once it connects.
async fn accept(setup: &mut Setup) -> Result<(), super::data::DataError> {
    match setup.waiting() {
        Some(p) => p.wait().await,
        None => std::future::pending().await,
    }
}

/// The running transfer's reply, once it ends.
async fn join(running: &mut Option<Running>) -> Reply {
    match running {
        Some(r) => (&mut r.task)
            .await
            .unwrap_or_else(|_| Reply::new(451, "Transfer failed: local error.")),
        None => std::future::pending().await,
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
