//! Running one command: parse it, check the session's sequence rules (logged in, `RNFR` then
//! `RNTO`), and hand it to its group:
//!
//! - [`login`]: `USER`, `PASS` (RFC 959 §4.1.1);
//! - [`security`]: `AUTH TLS`, `PBSZ`, `PROT`, `CCC` (RFC 2228, RFC 4217);
//! - [`info`]: `SYST`, `FEAT`, `OPTS`, `HELP`, `STAT`, `TYPE`, `MODE`, `STRU`, `ALLO`
//!   (RFC 959 §4.1.2-3, RFC 2389);
//! - [`folders`]: `PWD`, `CWD`, `CDUP`, `MKD`, `RMD` (RFC 959 §4.1.1, §4.1.3);
//! - [`connect`]: `PASV`, `EPSV`, `PORT`, `EPRT` (RFC 959 §4.1.2, RFC 2428);
//! - [`list`]: `LIST`, `NLST`, `MLSD`, `MLST` (RFC 959 §4.1.3, RFC 3659 §7);
//! - [`files`]: `SIZE`, `MDTM`, `MFMT`, `DELE`, `RNFR`, `RNTO` (RFC 3659 §3-4,
//!   draft-somers-ftp-mfxx, RFC 959 §4.1.3);
//! - [`download`] and [`upload`]: `RETR`, `STOR`, `APPE`, `REST` (RFC 959 §4.1.3,
//!   RFC 3659 §5).
//!
//! `QUIT`, `NOOP`, `ABOR` (when nothing runs), `SITE` are answered here.

mod connect;
mod download;
mod files;
mod folders;
mod info;
mod list;
mod login;
mod security;
mod upload;

use super::command::{Command, parse};
use super::data::Setup;
use super::errors::ToReply;
use super::reply::Reply;
use super::state::{Next, Session};
use crate::home::Home;
use std::path::PathBuf;

/// Parses `line` and runs it.
pub(super) async fn run(s: &mut Session, line: &[u8]) -> Next {
    let cmd = match parse(line) {
        Ok(c) => c,
        Err(e) => {
            s.rename_from = None;
            return Reply::new(
                e.code(),
                format!("{}.", super::errors::capital(&e.to_string())),
            )
            .into();
        }
    };
    tracing::trace!(verb = cmd.verb(), "command");
    // RNTO must come right after RNFR (RFC 959 §4.1.3).
    let rename_from = s.rename_from.take();
    if s.user().is_none() && !before_login(&cmd) {
        return Reply::new(530, "Please log in with USER and PASS.").into();
    }
    match cmd {
        Command::User(name) => login::user(s, name),
        Command::Pass(secret) => login::pass(s, secret).await,
        Command::Quit => Next::Close(Reply::new(221, "Goodbye.")),
        Command::Noop => Reply::new(200, "NOOP ok.").into(),
        Command::Syst => Reply::new(215, "UNIX Type: L8").into(),
        Command::Feat => info::feat(s).into(),
        Command::Opts(o) => info::opts(s, o).into(),
        Command::Help => info::help().into(),
        Command::Type(t) => info::data_type(s, t).into(),
        Command::Mode => Reply::new(200, "Mode set to S.").into(),
        Command::Stru => Reply::new(200, "Structure set to F.").into(),
        Command::Allo => Reply::new(202, "ALLO is not needed here.").into(),
        Command::Site => Reply::new(502, "SITE commands are not supported.").into(),
        Command::Abor => {
            s.setup = Setup::None;
            Reply::new(226, "No transfer to abort.").into()
        }
        Command::AuthTls => security::auth(s),
        Command::Pbsz(n) => security::pbsz(s, n).into(),
        Command::Prot(p) => security::prot(s, p).into(),
        Command::Ccc => security::ccc().into(),
        Command::Pwd => folders::pwd(s).into(),
        Command::Cwd(p) => answer(folders::cwd(s, &p).await),
        Command::Cdup => answer(folders::cwd(s, "..").await),
        Command::Mkd(p) => answer(folders::mkd(s, &p).await),
        Command::Rmd(p) => answer(folders::rmd(s, &p).await),
        Command::Pasv => connect::pasv(s).into(),
        Command::Epsv(e) => connect::epsv(s, e).into(),
        Command::Port(a) | Command::Eprt(a) => connect::active(s, a).into(),
        Command::List(p) => started(list::transfer(s, p, list::Kind::List).await),
        Command::Nlst(p) => started(list::transfer(s, p, list::Kind::Nlst).await),
        Command::Mlsd(p) => started(list::transfer(s, p, list::Kind::Mlsd).await),
        Command::Mlst(p) => answer(list::mlst(s, p).await),
        Command::Stat(None) => info::status(s).into(),
        Command::Stat(Some(p)) => answer(list::stat(s, &p).await),
        Command::Size(p) => answer(files::size(s, &p).await),
        Command::Mdtm(p) => answer(files::mdtm(s, &p).await),
        Command::Mfmt(t, p) => answer(files::mfmt(s, t, &p).await),
        Command::Dele(p) => answer(files::dele(s, &p).await),
        Command::Rnfr(p) => answer(files::rnfr(s, &p).await),
        Command::Rnto(p) => answer(files::rnto(s, rename_from, &p).await),
        Command::Rest(n) => download::rest(s, n).into(),
        Command::Retr(p) => started(download::retr(s, &p).await),
        Command::Stor(p) => started(upload::stor(s, &p, false).await),
        Command::Appe(p) => started(upload::stor(s, &p, true).await),
    }
}

/// A command's reply, or its refusal (both are replies; `?` stops at the first refusal).
pub(super) type Answer = Result<Reply, Reply>;

/// A transfer command: the transfer to start, or its refusal.
pub(super) type Started = Result<Next, Reply>;

fn answer(a: Answer) -> Next {
    a.unwrap_or_else(|refused| refused).into()
}

fn started(s: Started) -> Next {
    s.unwrap_or_else(Next::from)
}

/// Commands allowed before login (RFC 959 §5.4 and the security extensions).
fn before_login(c: &Command) -> bool {
    matches!(
        c,
        Command::User(_)
            | Command::Pass(_)
            | Command::Quit
            | Command::Noop
            | Command::Syst
            | Command::Feat
            | Command::Opts(_)
            | Command::Help
            | Command::AuthTls
            | Command::Pbsz(_)
            | Command::Prot(_)
            | Command::Ccc
            | Command::Abor
    )
}

impl Session {
    /// The client's path joined to the working folder (the policy normalises `..`).
    pub(super) fn path(&self, arg: &str) -> PathBuf {
        if arg.starts_with('/') {
            PathBuf::from(arg)
        } else {
            PathBuf::from(format!("{}/{arg}", self.cwd.trim_end_matches('/')))
        }
    }

    /// The logged-in partner's home (commands after login only).
    pub(super) fn home(&self) -> Option<Home> {
        self.user().map(|u| u.home.clone())
    }

    /// The logged-in partner's name, or empty.
    pub(super) fn partner(&self) -> String {
        self.user()
            .map(|u| u.partner.name.clone())
            .unwrap_or_default()
    }
}

/// Runs a blocking home or upload operation off the async threads; errors become replies.
pub(super) async fn blocking<T: Send + 'static, E: ToReply + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, Reply> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_reply()),
        Err(e) => {
            tracing::warn!(error = %e, "file operation failed");
            Err(Reply::new(451, "Local error in processing."))
        }
    }
}

/// The home, or the reply for a command that needs one (never reached: commands after login
/// only).
pub(super) fn need_home(s: &Session) -> Result<Home, Reply> {
    s.home()
        .ok_or_else(|| Reply::new(530, "Please log in with USER and PASS."))
}

/// What a transfer command needs before its `150`: the data connection setup (taken from the
/// session — a transfer command always consumes it, so its listener and port never outlive
/// the command), the TLS acceptor when `PROT P`, and the home. Refused with `425` without a
/// setup and with `521` when TLS is required and the data connection would be clear.
pub(super) fn transfer_ready(
    s: &mut Session,
) -> Result<(Setup, Option<super::tls::Acceptor>, Home), Reply> {
    let setup = std::mem::take(&mut s.setup);
    if matches!(setup, Setup::None) {
        return Err(Reply::new(425, "Use PASV or EPSV first."));
    }
    let private = s.prot == super::command::Protection::Private;
    if s.shared.ftp.require_tls && !private {
        return Err(Reply::new(
            521,
            "Data connection cannot be opened with this PROT setting: this server requires PROT P.",
        ));
    }
    let tls = if private { s.shared.tls.clone() } else { None };
    Ok((setup, tls, need_home(s)?))
}

/// Opens the data connection for a transfer whose `150` is sent; `ABOR` (or the session's
/// end) while the client has not connected yet stops the wait.
pub(super) async fn open_data(
    setup: Setup,
    local: std::net::IpAddr,
    tls: Option<super::tls::Acceptor>,
    stop: &mut super::transfer::StopSignal,
) -> Result<super::tls::Stream, Reply> {
    tokio::select! {
        biased;
        why = stop.stopped() => Err(transfer_reply(&super::transfer::Ended::Stopped(why, 0), "")),
        r = super::data::open(setup, local, tls.as_ref()) => r.map_err(|e| {
            tracing::info!(error = %e, "data connection failed");
            super::errors::data(&e)
        }),
    }
}

/// The reply that ends a download or a listing.
pub(super) fn transfer_reply(ended: &super::transfer::Ended, done: &str) -> Reply {
    use super::transfer::{Ended, Stop};
    match ended {
        Ended::Done(_) => Reply::new(226, done),
        Ended::Stopped(Stop::Shutdown, _) => {
            Reply::new(426, "Transfer aborted: the server is shutting down.")
        }
        Ended::Stopped(_, _) => Reply::new(426, "Transfer aborted."),
        Ended::Lost(why, _) => {
            tracing::info!(error = %why, "data connection lost");
            Reply::new(426, format!("Connection closed; transfer aborted: {why}."))
        }
        Ended::Local(why, _) => {
            tracing::warn!(error = %why, "transfer failed");
            Reply::new(451, "Transfer failed: local error.")
        }
    }
}
