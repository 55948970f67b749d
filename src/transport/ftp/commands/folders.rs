//! `PWD`, `CWD`, `CDUP` (RFC 959 §4.1.1, §4.1.3), `MKD`, `RMD` (RFC 959 §4.1.3). The home is
//! `/`; `..` at the top stays at the top; the folder rules decide the rest.

use super::super::reply::{Reply, quote_path};
use super::super::state::Session;
use super::{Answer, blocking, need_home};
use crate::home::HomeError;
use crate::policy::{self, Op};

/// `PWD`.
pub(super) fn pwd(s: &Session) -> Reply {
    Reply::new(
        257,
        format!("{} is the current directory.", quote_path(&s.cwd)),
    )
}

/// `CWD path` (and `CDUP` as `CWD ..`).
pub(super) async fn cwd(s: &mut Session, arg: &str) -> Answer {
    let home = need_home(s)?;
    let path = s.path(arg);
    s.cwd = blocking(move || {
        policy::check(Op::List, &path).map_err(HomeError::from)?;
        let (r, meta) = home.stat(&path)?;
        if meta.is_dir() {
            Ok(r.virtual_path())
        } else {
            Err(HomeError::Unavailable("not a folder".into()))
        }
    })
    .await?;
    Ok(Reply::new(250, "Directory successfully changed."))
}

/// `MKD path`.
pub(super) async fn mkd(s: &mut Session, arg: &str) -> Answer {
    let home = need_home(s)?;
    let path = s.path(arg);
    let r = blocking(move || home.make_dir(&path)).await?;
    tracing::info!(folder = %r.log_path(), "folder made");
    Ok(Reply::new(
        257,
        format!("{} created.", quote_path(&r.virtual_path())),
    ))
}

/// `RMD path`.
pub(super) async fn rmd(s: &mut Session, arg: &str) -> Answer {
    let home = need_home(s)?;
    let path = s.path(arg);
    let (uploads, span) = (s.shared.uploads.clone(), s.span.clone());
    blocking(move || uploads.remove_dir(&home, &path, &span)).await?;
    Ok(Reply::new(250, "Folder removed."))
}
