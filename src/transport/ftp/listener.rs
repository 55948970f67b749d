//! One FTP listener: binds its address (IPv6 sockets IPv6-only, so `0.0.0.0:21` and `[::]:21`
//! can both be listed), accepts connections until shutdown, asks the pre-authentication gate
//! about each (refused: closed before the greeting), and starts a session for the others, which
//! must log in within the gate's login deadline.
//! Each control socket gets `TCP_NODELAY` (a reply is never held back for an ACK) and
//! `SO_OOBINLINE` (the Telnet Synch a client sends with `ABOR` stays in the command stream).

use super::Shared;
use super::control::Control;
use super::state::Session;
use super::tls::Stream;
use crate::login::PreAuth;
use socket2::SockRef;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Accepts connections until shutdown; then waits briefly for the sessions to end (each
/// stops its transfer and says `421`), and cuts those that do not.
pub async fn run(listener: TcpListener, shared: Arc<Shared>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            _ = shared.shutdown.wait() => break,
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((sock, peer)) => match shared.logins.gate().admit(peer.ip()) {
                    Ok(pre) => {
                        if let Some(session) = prepare(sock, peer, pre, &shared) {
                            sessions.spawn(session.run());
                        }
                    }
                    // Refused (and logged) by the gate: closed before a byte is exchanged.
                    Err(_) => drop(sock),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "FTP accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    let all_ended = async { while sessions.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_millis(1500), all_ended)
        .await
        .is_err()
    {
        sessions.abort_all();
        while sessions.join_next().await.is_some() {}
    }
}

/// Socket options and the session for one accepted connection.
fn prepare(
    sock: TcpStream,
    peer: SocketAddr,
    pre: PreAuth,
    shared: &Arc<Shared>,
) -> Option<Session> {
    let local = match sock.local_addr() {
        Ok(a) => a,
        Err(e) => {
            tracing::debug!(%peer, error = %e, "connection gone before it started");
            return None;
        }
    };
    if let Err(e) = sock
        .set_nodelay(true)
        .and_then(|()| SockRef::from(&sock).set_out_of_band_inline(true))
    {
        tracing::debug!(%peer, error = %e, "setting socket options failed");
    }
    let deadline = tokio::time::Instant::now() + shared.logins.gate().login_deadline();
    Some(Session::new(
        shared.clone(),
        Control::new(Stream::Plain(sock)),
        peer,
        local,
        (pre, deadline),
    ))
}
