//! One SFTP listener: binds its address (IPv6 sockets are IPv6-only, so `0.0.0.0:22` and
//! `[::]:22` can both be listed), accepts connections until told to stop — each one only if
//! the login gate admits it, and only until its login deadline unless it logs in — and then
//! stops in order: no new connections; every session is disconnected (the server has already
//! given running transfers their grace period); uploads still open are aborted and set aside
//! before the task ends.

use super::Shared;
use super::deadline::{self, LoginDeadline};
use super::handles::Handles;
use super::session::{SessionParts, SshSession};
use super::upload;
use crate::login::PreAuth;
use russh::Disconnect;
use russh::server::RunningSession;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

/// Accepts connections until shutdown, then winds the sessions down.
pub async fn run(listener: TcpListener, shared: Arc<Shared>) {
    let (cleanup, mut cleaned) = mpsc::channel::<()>(1);
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = shared.shutdown.wait() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((sock, peer)) => match shared.logins.gate().admit(peer.ip()) {
                    Ok(pre) => {
                        conns.spawn(connection(sock, peer, pre, shared.clone(), cleanup.clone()));
                    }
                    // Refused (and logged) by the gate: closed before a byte is exchanged.
                    Err(_) => drop(sock),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "SFTP accept failed");
                    sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    let all_ended = async { while conns.join_next().await.is_some() {} };
    if timeout(Duration::from_secs(1), all_ended).await.is_err() {
        conns.abort_all();
    }
    // Every session's clean-up holds a sender: wait until aborted uploads are set aside.
    drop(cleanup);
    let _ = timeout(Duration::from_millis(500), cleaned.recv()).await;
}

/// One connection, from the SSH version exchange to its end.
/// Until the login, the connection holds its gate place (`pre`, released when the handler
/// is dropped or logs in) and runs against the login deadline.
async fn connection(
    sock: TcpStream,
    peer: SocketAddr,
    pre: PreAuth,
    shared: Arc<Shared>,
    cleanup: mpsc::Sender<()>,
) {
    let ip = canonical(peer.ip());
    let span =
        tracing::info_span!("session", protocol = "sftp", %ip, partner = tracing::field::Empty);
    let (sock, login) = deadline::guard(sock, shared.logins.gate().login_deadline());
    let handles = Handles::default();
    let handler = SshSession::new(SessionParts {
        shared: shared.clone(),
        ip,
        span: span.clone(),
        handles: handles.clone(),
        cleanup: cleanup.clone(),
        pre_auth: Some((pre, login.clone())),
    });
    let started = tokio::select! {
        s = russh::server::run_stream(shared.ssh.clone(), sock, handler) => s,
        _ = shared.shutdown.wait() => return,
    };
    let mut session = match started {
        Ok(s) => s,
        Err(e) => return log_end(&span, &e, &login),
    };
    tokio::select! {
        r = &mut session => end(&span, r, &login),
        _ = shared.shutdown.wait() => {
            wind_down(session, handles, &span, cleanup, &login).await;
        }
    }
}

/// Shutdown: by the time the listeners are told to stop, running transfers have had their
/// grace period (the server waits for the upload registry first). The client is
/// disconnected, and uploads still open are aborted here if the session has not ended by
/// itself (a client that ignores the disconnect cannot hold them).
async fn wind_down(
    mut session: RunningSession<SshSession>,
    handles: Handles,
    span: &tracing::Span,
    cleanup: mpsc::Sender<()>,
    login: &LoginDeadline,
) {
    let _ = session
        .handle()
        .disconnect(
            Disconnect::ByApplication,
            "the server is shutting down".into(),
            "en".into(),
        )
        .await;
    if let Ok(r) = timeout(Duration::from_millis(300), &mut session).await {
        end(span, r, login);
    }
    if let Some(job) = upload::abort_all(handles.take_uploads(None), span.clone(), cleanup) {
        let _ = job.await;
    }
}

fn end(span: &tracing::Span, result: Result<(), russh::Error>, login: &LoginDeadline) {
    match result {
        Ok(()) => span.in_scope(|| tracing::debug!("session closed")),
        Err(e) => log_end(span, &e, login),
    }
}

/// A client that simply goes away ("early eof", a reset) is normal: debug, not warn. One
/// that did not log in within the deadline: info.
fn log_end(span: &tracing::Span, e: &russh::Error, login: &LoginDeadline) {
    if login.expired() {
        return span.in_scope(|| tracing::info!("session closed: no login within login_timeout"));
    }
    use std::io::ErrorKind;
    let normal = match e {
        russh::Error::IO(io) => matches!(
            io.kind(),
            ErrorKind::UnexpectedEof
                | ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
        ),
        russh::Error::HUP | russh::Error::Disconnect => true,
        _ => false,
    };
    span.in_scope(|| match e {
        _ if normal => tracing::debug!(error = %e, "session ended"),
        russh::Error::InactivityTimeout | russh::Error::KeepaliveTimeout => {
            tracing::info!("session closed: idle timeout")
        }
        _ => tracing::warn!(error = %e, "SFTP session failed"),
    });
}

/// An IPv4-mapped IPv6 address as its IPv4 address (for logs and `allowed_ips`).
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}
