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

use super::command::{Command, parse};
use super::commands;
use super::control::Line;
use super::data::DATA_DEADLINE;
use super::data::Setup;
use super::reply::Reply;
use super::state::{Login, Next, Session};
use super::transfer::{Stop, Stopper, stop_signal};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::Instrument;

/// At shutdown, how long a stopped transfer may take to answer (its upload is set aside and
/// reported before that; the listener cuts sessions that take longer).
const SHUTDOWN_WAIT: Duration = Duration::from_secs(1);

/// Commands read ahead while a transfer runs; the loop stops reading when this many wait.
const MAX_QUEUED: usize = 16;

/// A data transfer running in its own task.
struct Running {
    stop: Stopper,
    task: JoinHandle<Reply>,
    /// The client sent `ABOR`: a `226` follows the transfer's own reply.
    abor: bool,
}

/// What the control loop carries from one turn to the next.
struct Turn {
    /// Command lines read while a transfer runs, to run after it.
    queue: VecDeque<Vec<u8>>,
    /// The transfer running, if any.
    running: Option<Running>,
    /// The idle timeout, and when it strikes next.
    idle: Duration,
    idle_at: Instant,
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
        let mut turn = Turn {
            queue: VecDeque::new(),
            running: None,
            idle,
            idle_at: Instant::now() + idle,
        };
        loop {
            // Commands read ahead run once no transfer is running.
            if turn.running.is_none()
                && let Some(line) = turn.queue.pop_front()
            {
                if !self.run_line(&line, &mut turn).await {
                    break;
                }
                continue;
            }
            let event = self.next_event(&mut turn).await;
            if !self.on_event(event, &mut turn).await {
                break;
            }
        }
        // A transfer still running is stopped (an upload is aborted and set aside).
        if let Some(r) = turn.running.take() {
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

    /// Runs one command line; false when the connection must close.
    async fn run_line(&mut self, line: &[u8], turn: &mut Turn) -> bool {
        match self.command(line).await {
            Some(job) => turn.running = job,
            None => return false,
        }
        turn.idle_at = Instant::now() + turn.idle;
        true
    }

    /// Waits for what happens next: shutdown, the transfer's end, a line, a timeout, or the
    /// pending data connection.
    async fn next_event(&mut self, turn: &mut Turn) -> Event {
        let shutdown = self.shared.shutdown.clone();
        let login_deadline = self.login_deadline.filter(|_| self.user().is_none());
        let transferring = turn.running.is_some();
        let data_waiting = self.setup.waiting().is_some();
        let idle_at = turn.idle_at;
        tokio::select! {
            biased;
            _ = shutdown.wait() => Event::Shutdown,
            r = join(&mut turn.running), if transferring => Event::Transferred(r),
            line = self.control.read_line(), if turn.queue.len() < MAX_QUEUED => Event::Line(line),
            _ = tokio::time::sleep_until(idle_at), if !transferring => Event::Idle,
            _ = sleep_until_opt(login_deadline), if login_deadline.is_some() => Event::LoginTimeout,
            r = accept(&mut self.setup), if data_waiting => Event::DataConnection(r),
        }
    }

    /// Acts on one event; false when the session ends.
    async fn on_event(&mut self, event: Event, turn: &mut Turn) -> bool {
        match event {
            Event::Shutdown => {
                let mut replies = Vec::new();
                if let Some(r) = turn.running.take() {
                    r.stop.stop(Stop::Shutdown);
                    if let Ok(Ok(reply)) = tokio::time::timeout(SHUTDOWN_WAIT, r.task).await {
                        replies.push(reply);
                    }
                }
                replies.push(Reply::new(421, "The server is shutting down."));
                let _ = self.control.send_all(&replies).await;
                false
            }
            Event::Transferred(reply) => {
                let abor = turn.running.take().is_some_and(|r| r.abor);
                let mut replies = vec![reply];
                if abor {
                    replies.push(Reply::new(226, "ABOR successful."));
                }
                if self.control.send_all(&replies).await.is_err() {
                    return false;
                }
                turn.idle_at = Instant::now() + turn.idle;
                true
            }
            Event::Line(Ok(Line::Command(line))) => {
                if let Some(r) = turn.running.as_mut() {
                    // During a transfer only ABOR acts at once; the rest waits its turn.
                    if matches!(parse(&line), Ok(Command::Abor)) {
                        r.abor = true;
                        r.stop.stop(Stop::Abor);
                    } else {
                        turn.queue.push_back(line);
                    }
                    return true;
                }
                self.run_line(&line, turn).await
            }
            Event::Line(Ok(Line::TooLong)) => {
                let r = Reply::new(500, "Command line too long.");
                self.control.send(&r).await.is_ok()
            }
            Event::Line(Ok(Line::Closed)) => {
                tracing::debug!("client closed the control connection");
                false
            }
            Event::Line(Err(e)) => {
                tracing::debug!(error = %e, "control connection failed");
                false
            }
            Event::Idle => {
                tracing::info!(timeout = ?turn.idle, "idle session closed");
                let _ = self
                    .control
                    .send(&Reply::new(421, "Idle timeout: closing the connection."))
                    .await;
                false
            }
            Event::DataConnection(r) => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "passive data connection not made");
                }
                true
            }
            Event::LoginTimeout => {
                tracing::info!("no login in time: connection closed");
                let _ = self
                    .control
                    .send(&Reply::new(421, "Login timeout: closing the connection."))
                    .await;
                false
            }
        }
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
