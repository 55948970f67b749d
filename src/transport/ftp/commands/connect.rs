//! Data connection setup: `PASV` (RFC 959 §4.1.2), `EPSV` (RFC 2428 §3), `PORT` (RFC 959
//! §4.1.2), `EPRT` (RFC 2428 §2).
//!
//! Passive: a port from the process-wide allocator, one pending listener per session (a new
//! `PASV`/`EPSV` first frees the old one), `425` when no port is free — the session goes on.
//! Active (`PORT`/`EPRT`) is refused (`502`) unless `active_mode = true`, and then only to the
//! control connection's own address and a port ≥ 1024 (`504` otherwise, RFC 2577 §3): the
//! server never connects anywhere a client names (no FTP bounce).

use super::super::command::Epsv;
use super::super::data::{Pending, Setup, same_host};
use super::super::errors;
use super::super::reply::Reply;
use super::super::state::Session;
use std::net::{IpAddr, SocketAddr};

/// `PASV`.
pub(super) fn pasv(s: &mut Session) -> Reply {
    if s.epsv_all {
        return Reply::new(503, "EPSV ALL is in force: use EPSV.");
    }
    // The address announced: `passive_host`, else the address the client reached us on.
    let announced = match s.shared.ftp.passive_host {
        Some(IpAddr::V4(v4)) => Some(v4),
        _ => match s.local.ip().to_canonical() {
            IpAddr::V4(v4) => Some(v4),
            IpAddr::V6(_) => None,
        },
    };
    let Some(ip) = announced else {
        return Reply::new(425, "PASV cannot announce an IPv6 address: use EPSV.");
    };
    match listen(s) {
        Ok(port) => {
            let [a, b, c, d] = ip.octets();
            Reply::new(
                227,
                format!(
                    "Entering Passive Mode ({a},{b},{c},{d},{},{}).",
                    port >> 8,
                    port & 0xff
                ),
            )
        }
        Err(r) => r,
    }
}

/// `EPSV [1|2|ALL]`.
pub(super) fn epsv(s: &mut Session, arg: Epsv) -> Reply {
    let ours = if s.local.ip().to_canonical().is_ipv4() {
        1
    } else {
        2
    };
    match arg {
        Epsv::All => {
            s.epsv_all = true;
            return Reply::new(200, "EPSV ALL ok.");
        }
        Epsv::Protocol(p) if p != ours => {
            return Reply::new(
                522,
                format!("Network protocol not supported, use ({ours})."),
            );
        }
        _ => {}
    }
    match listen(s) {
        Ok(port) => Reply::new(229, format!("Entering Extended Passive Mode (|||{port}|).")),
        Err(r) => r,
    }
}

/// A new pending passive listener (the old one and its port are freed first).
fn listen(s: &mut Session) -> Result<u16, Reply> {
    s.setup = Setup::None;
    let partner = s.partner();
    let (lease, listener) = s
        .shared
        .passive
        .listen(&partner, s.local.ip())
        .map_err(|e| {
            tracing::info!(error = %e, "no passive port");
            errors::passive(&e)
        })?;
    let pending = Pending::start(listener, lease, s.peer.ip()).map_err(|e| {
        tracing::warn!(error = %e, "passive listener failed");
        Reply::new(425, "Can't open a passive port: local error.")
    })?;
    let port = pending.port();
    s.setup = Setup::Passive(pending);
    Ok(port)
}

/// `PORT` / `EPRT`.
pub(super) fn active(s: &mut Session, to: SocketAddr) -> Reply {
    s.setup = Setup::None;
    if s.epsv_all {
        return Reply::new(503, "EPSV ALL is in force: use EPSV.");
    }
    if !s.shared.ftp.active_mode {
        return Reply::new(
            502,
            "Active mode (PORT/EPRT) is disabled on this server: use passive mode (PASV/EPSV).",
        );
    }
    if !same_host(to.ip(), s.peer.ip()) {
        tracing::warn!(target_addr = %to, "PORT/EPRT to another address refused (FTP bounce)");
        return Reply::new(
            504,
            "PORT/EPRT may only name your own address (no FTP bounce).",
        );
    }
    if to.port() < 1024 {
        return Reply::new(504, "PORT/EPRT to a port below 1024 is refused.");
    }
    s.setup = Setup::Active(to);
    Reply::new(200, "PORT command successful. Consider using EPSV.")
}
