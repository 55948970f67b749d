//! `AUTH TLS`, `PBSZ`, `PROT`, `CCC` (RFC 2228 §3, RFC 4217 §4, §8-9, §12).
//!
//! - `AUTH TLS` before login only, once; the session then answers `234` and the control
//!   connection turns TLS (anything the client sent after `AUTH` in the clear is dropped);
//! - `PBSZ 0` after `AUTH` (`200 PBSZ=0`, whatever size was asked: TLS is a stream);
//! - `PROT P` turns the data connections TLS; `PROT C` keeps them clear, unless
//!   `require_tls`, which refuses it (`534`) — and a transfer without `PROT P` then gets `521`;
//! - `CCC` is refused: the control connection stays protected once it is.

use super::super::command::Protection;
use super::super::reply::Reply;
use super::super::state::{Next, Session};

/// `AUTH TLS`.
pub(super) fn auth(s: &mut Session) -> Next {
    if s.shared.tls.is_none() {
        return Reply::new(502, "TLS is not configured on this server.").into();
    }
    if s.control.is_tls() {
        return Reply::new(503, "The control connection is already protected.").into();
    }
    if s.user().is_some() {
        return Reply::new(503, "AUTH TLS must come before login.").into();
    }
    Next::StartTls
}

/// `PBSZ n`.
pub(super) fn pbsz(s: &mut Session, _size: u64) -> Reply {
    if !s.control.is_tls() {
        return Reply::new(503, "PBSZ needs AUTH TLS first.");
    }
    s.pbsz = true;
    Reply::new(200, "PBSZ=0")
}

/// `PROT level`.
pub(super) fn prot(s: &mut Session, level: Protection) -> Reply {
    if !s.control.is_tls() {
        return Reply::new(503, "PROT needs AUTH TLS first.");
    }
    match level {
        Protection::Private => {
            s.prot = Protection::Private;
            Reply::new(200, "Data connections will be protected (PROT P).")
        }
        Protection::Clear if s.shared.ftp.require_tls => Reply::new(
            534,
            "This server requires protected data connections: use PROT P.",
        ),
        Protection::Clear => {
            s.prot = Protection::Clear;
            Reply::new(200, "Data connections will be clear (PROT C).")
        }
        Protection::Unsupported => Reply::new(536, "Only PROT C and PROT P are supported."),
    }
}

/// `CCC`.
pub(super) fn ccc() -> Reply {
    Reply::new(534, "CCC refused: the control connection stays protected.")
}
