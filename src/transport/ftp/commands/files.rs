//! File commands on the control connection: `SIZE`, `MDTM` (RFC 3659 §3-4), `MFMT`
//! (draft-somers-ftp-mfxx §3), `DELE`, `RNFR`/`RNTO` (RFC 959 §4.1.3). Sizes are byte counts
//! in every `TYPE` (ASCII transfers are binary here), times UTC. A partner's recent upload
//! still answers `SIZE`/`MDTM`/`MFMT` after the pipeline moved it; renaming or deleting a file
//! (or a folder holding one) being uploaded is refused with `450` (the upload life cycle).

use super::super::command::Mtime;
use super::super::listing::time_val;
use super::super::reply::Reply;
use super::super::state::Session;
use super::{Answer, blocking, need_home};
use crate::home::{HomeError, Meta};
use crate::intake::Via;
use crate::policy::{self, Op};
use crate::upload::UploadError;
use std::path::PathBuf;
use std::time::SystemTime;

/// The metadata of a plain file (`550` for a folder).
async fn plain_file(s: &Session, arg: &str) -> Result<Meta, Reply> {
    let home = need_home(s)?;
    let path = s.path(arg);
    let (_, meta) = blocking(move || home.stat(&path)).await?;
    if !meta.is_file() {
        return Err(Reply::new(550, "Not a plain file."));
    }
    Ok(meta)
}

/// `SIZE path`.
pub(super) async fn size(s: &mut Session, arg: &str) -> Answer {
    let meta = plain_file(s, arg).await?;
    Ok(Reply::new(213, meta.len.to_string()))
}

/// `MDTM path`.
pub(super) async fn mdtm(s: &mut Session, arg: &str) -> Answer {
    let meta = plain_file(s, arg).await?;
    Ok(Reply::new(213, time_val(meta.modified)))
}

/// `MFMT time path`.
pub(super) async fn mfmt(s: &mut Session, t: Mtime, arg: &str) -> Answer {
    let when = system_time(t).ok_or_else(|| Reply::new(501, "MFMT: not a valid date."))?;
    let home = need_home(s)?;
    let path = s.path(arg);
    let (uploads, span) = (s.shared.uploads.clone(), s.span.clone());
    blocking(move || {
        let (_, meta) = home.stat(&path)?;
        if !meta.is_file() {
            return Err(UploadError::Home(HomeError::Unavailable(
                "not a plain file".into(),
            )));
        }
        uploads.set_times(&home, &path, when, &span)
    })
    .await?;
    Ok(Reply::new(213, format!("Modify={}; {arg}", time_val(when))))
}

/// The UTC time of an `MFMT` argument (a leap second counts as :59).
fn system_time(t: Mtime) -> Option<SystemTime> {
    let dt = jiff::civil::DateTime::new(
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second.min(59),
        0,
    )
    .ok()?;
    let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(SystemTime::from(ts))
}

/// `DELE path` (in `out/`: the partner's acknowledgment).
pub(super) async fn dele(s: &mut Session, arg: &str) -> Answer {
    let home = need_home(s)?;
    let path = s.path(arg);
    let (uploads, span) = (s.shared.uploads.clone(), s.span.clone());
    blocking(move || uploads.remove_file(&home, &path, Via::Ftp, &span)).await?;
    Ok(Reply::new(250, "File deleted."))
}

/// `RNFR path`: the source must exist and may be renamed.
pub(super) async fn rnfr(s: &mut Session, arg: &str) -> Answer {
    let home = need_home(s)?;
    let path = s.path(arg);
    let p = path.clone();
    blocking(move || {
        policy::check(Op::RenameFrom, &p)?;
        home.stat(&p).map(drop)
    })
    .await?;
    s.rename_from = Some(path);
    Ok(Reply::new(350, "Ready for RNTO."))
}

/// `RNTO path`, right after `RNFR`. An existing target is replaced, as `rename(2)` does.
pub(super) async fn rnto(s: &mut Session, from: Option<PathBuf>, arg: &str) -> Answer {
    let from = from.ok_or_else(|| Reply::new(503, "RNFR first."))?;
    let home = need_home(s)?;
    let to = s.path(arg);
    let (uploads, span) = (s.shared.uploads.clone(), s.span.clone());
    blocking(move || uploads.rename(&home, &from, &to, true, Via::Ftp, &span)).await?;
    Ok(Reply::new(250, "Rename successful."))
}
