//! The one place where neutral errors become FTP replies (RFC 959 §4.2, RFC 3659 §5.5 for
//! `REST`): file rules and disk errors, login refusals, data connections, passive ports.

use super::data::DataError;
use super::passive::PassiveError;
use super::reply::Reply;
use crate::home::HomeError;
use crate::login::LoginError;
use crate::policy::Denied;
use crate::upload::UploadError;

/// An error with its one FTP reply.
pub trait ToReply {
    /// The reply.
    fn to_reply(&self) -> Reply;
}

impl ToReply for HomeError {
    fn to_reply(&self) -> Reply {
        home(self)
    }
}

impl ToReply for UploadError {
    fn to_reply(&self) -> Reply {
        upload(self)
    }
}

/// An upload, rename, delete or time change refused or failed (RFC 959 §4.2; `REST` past
/// the end: RFC 3659 §5.5).
pub fn upload(e: &UploadError) -> Reply {
    match e {
        UploadError::Home(h) => home(h),
        UploadError::TooLarge { .. } => Reply::new(552, format!("{}.", capital(&e.to_string()))),
        UploadError::ResumeBeyondEnd { .. } => Reply::new(
            554,
            format!("Requested action not taken: invalid REST parameter ({e})."),
        ),
        UploadError::Busy => Reply::new(450, format!("{}.", capital(&e.to_string()))),
        UploadError::Failed(why) => {
            tracing::warn!(error = %why, "upload failed");
            Reply::new(451, "Local error: the upload could not be saved.")
        }
    }
}

/// A file operation refused or failed.
pub fn home(e: &HomeError) -> Reply {
    match e {
        HomeError::Denied(Denied::Permission(why)) => Reply::new(550, capitalised(why)),
        HomeError::Denied(Denied::BadName(why)) => {
            Reply::new(553, format!("File name not allowed: {why}."))
        }
        HomeError::NotFound => Reply::new(550, "No such file or folder."),
        HomeError::Exists => Reply::new(550, "It already exists."),
        HomeError::Unavailable(why) => Reply::new(550, format!("Not possible here: {why}.")),
        HomeError::NoSpace => Reply::new(452, "Insufficient storage space."),
        HomeError::Io(e) => {
            tracing::warn!(error = %e, "file operation failed");
            Reply::new(451, "Local error in processing.")
        }
    }
}

/// A login refused: the client hears the same for every reason except the two it can act
/// on (the session limit, and a server shutting down), never which names exist.
pub fn login(e: &LoginError) -> Reply {
    match e {
        LoginError::TooManySessions => Reply::new(
            530,
            "Login refused: too many sessions for this partner; try later.",
        ),
        LoginError::ShuttingDown => Reply::new(421, "The server is shutting down."),
        _ => Reply::new(530, "Login incorrect."),
    }
}

/// No data connection.
pub fn data(e: &DataError) -> Reply {
    Reply::new(425, format!("Can't open data connection: {e}."))
}

/// No passive port: the session goes on.
pub fn passive(e: &PassiveError) -> Reply {
    Reply::new(425, format!("Can't open a passive port: {e}."))
}

fn capitalised(s: &str) -> String {
    if s.is_empty() {
        return "Refused.".to_string();
    }
    format!("{}.", capital(s))
}

/// `s` with its first letter in upper case.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}", f.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}
