//! `USER` and `PASS` (RFC 959 §4.1.1) through the login policy shared with SFTP: argon2 on its
//! own threads, `allowed_ips`, the (address, name) lockout, the session limits, no new logins
//! during shutdown. One log line per login (the policy writes it), never a password. With
//! `require_tls`, both are refused until the control connection is protected (RFC 4217 §11).

use super::super::command::Secret;
use super::super::errors;
use super::super::reply::Reply;
use super::super::state::{LoggedIn, Login, Next, Session};

/// Failed passwords on one connection before it is closed (the lockout counts across
/// connections; this only keeps one connection from trying forever).
const MAX_FAILED: u32 = 3;

/// `USER name`.
pub(super) fn user(s: &mut Session, name: String) -> Next {
    if s.user().is_some() {
        return Reply::new(
            530,
            "Already logged in; open a new connection to change user.",
        )
        .into();
    }
    if let Some(r) = tls_required(s) {
        return r.into();
    }
    s.login = Login::Pending(Some(name));
    Reply::new(331, "Please specify the password.").into()
}

/// `PASS password`.
pub(super) async fn pass(s: &mut Session, secret: Secret) -> Next {
    if s.user().is_some() {
        return Reply::new(230, "Already logged in.").into();
    }
    let name = match &mut s.login {
        Login::Pending(name) => name.take(),
        Login::Done(_) => None,
    };
    let Some(name) = name else {
        return Reply::new(503, "Send USER first.").into();
    };
    if let Some(r) = tls_required(s) {
        return r.into();
    }
    let shared = s.shared.clone();
    let ip = s.peer.ip().to_canonical();
    let refused = match shared.logins.password("ftp", &name, &secret.0, ip).await {
        Ok(partner) => match shared.logins.open_session("ftp", &partner) {
            Ok(place) => match shared.uploads.open_home(&partner.name) {
                Ok(home) => {
                    s.span.record("partner", partner.name.as_str());
                    s.login = Login::Done(Box::new(LoggedIn {
                        partner,
                        home,
                        _place: place,
                    }));
                    s.login_deadline = None;
                    if let Some(pre) = s.pre.take() {
                        pre.authenticated();
                    }
                    return Reply::new(230, "Login successful.").into();
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the partner's home cannot be opened");
                    return Reply::new(421, "The partner's folder is not available.").into();
                }
            },
            Err(e) => e,
        },
        Err(e) => e,
    };
    let reply = errors::login(&refused);
    if reply.code == 421 {
        return Next::Close(reply);
    }
    s.failed_logins += 1;
    if s.failed_logins >= MAX_FAILED {
        return Next::Close(reply);
    }
    reply.into()
}

/// The refusal when TLS is required and the control connection is in the clear.
fn tls_required(s: &Session) -> Option<Reply> {
    (s.shared.ftp.require_tls && !s.control.is_tls()).then(|| {
        Reply::new(
            530,
            "This server requires TLS: send AUTH TLS before USER (explicit FTPS).",
        )
    })
}
