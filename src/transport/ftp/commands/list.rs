//! Listings: `LIST`, `NLST` (RFC 959 §4.1.3) and `MLSD` (RFC 3659 §7) over a data connection;
//! `MLST` (RFC 3659 §7) and `STAT path` (RFC 959 §4.1.3) on the control connection. A listing
//! is built whole (a folder of a partner home is small) and sent in one write.

use super::super::listing::{Item, list_line, mlsx_line};
use super::super::reply::Reply;
use super::super::state::{Job, Next, Session};
use super::super::transfer;
use super::{Answer, Started, blocking, need_home, open_data, transfer_ready, transfer_reply};
use crate::home::{Home, HomeError};
use std::path::Path;
use std::time::SystemTime;

/// Which listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `LIST`: `ls -l` lines.
    List,
    /// `NLST`: names.
    Nlst,
    /// `MLSD`: facts and names.
    Mlsd,
}

/// The items at `path`: a folder's entries, or the file itself (`dir` false).
fn items(home: &Home, path: &Path) -> Result<(Vec<Item>, bool), HomeError> {
    let (r, meta) = home.stat(path)?;
    let shown = r.virtual_path();
    if !meta.is_dir() {
        let name = r
            .rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok((vec![Item::new(name, shown, &meta)], false));
    }
    let base = shown.trim_end_matches('/').to_string();
    let entries = home.list(path)?;
    Ok((
        entries
            .into_iter()
            .map(|e| {
                let p = format!("{base}/{}", e.name);
                Item::new(e.name, p, &e.meta)
            })
            .collect(),
        true,
    ))
}

/// `LIST`, `NLST`, `MLSD`.
pub(super) async fn transfer(s: &mut Session, arg: Option<String>, kind: Kind) -> Started {
    s.rest = None;
    let (setup, tls, home) = transfer_ready(s)?;
    let path = s.path(arg.as_deref().unwrap_or("."));
    let (items, is_dir) = blocking(move || items(&home, &path)).await?;
    if kind == Kind::Mlsd && !is_dir {
        return Err(Reply::new(501, "MLSD needs a folder; use MLST for a file."));
    }
    let now = SystemTime::now();
    // NLST of a named folder gives paths under that name, as vsftpd does.
    let prefix = match (&arg, is_dir) {
        (Some(a), true) => format!("{}/", a.trim_end_matches('/')),
        _ => String::new(),
    };
    let mut body = String::new();
    for item in &items {
        match kind {
            Kind::List => body.push_str(&list_line(item, now)),
            Kind::Nlst if is_dir => body.push_str(&format!("{prefix}{}\r\n", item.name)),
            Kind::Nlst => body.push_str(&format!("{}\r\n", arg.as_deref().unwrap_or(&item.name))),
            Kind::Mlsd => {
                body.push_str(&mlsx_line(item, s.facts, &item.name));
                body.push_str("\r\n");
            }
        }
    }
    let local = s.local.ip();
    let idle = s.shared.config.limits.idle_timeout;
    let job: Job = Box::new(move |mut stop| {
        Box::pin(async move {
            let stream = match open_data(setup, local, tls, &mut stop).await {
                Ok(st) => st,
                Err(r) => return r,
            };
            let ended = transfer::send_bytes(stream, body.into_bytes(), idle, &mut stop).await;
            transfer_reply(&ended, "Directory send OK.")
        })
    });
    Ok(Next::Transfer(
        Reply::new(150, "Here comes the directory listing."),
        job,
    ))
}

/// `MLST [path]`: the facts of one file or folder, on the control connection.
pub(super) async fn mlst(s: &mut Session, arg: Option<String>) -> Answer {
    let home = need_home(s)?;
    let path = s.path(arg.as_deref().unwrap_or("."));
    let item = blocking(move || {
        let (r, meta) = home.stat(&path)?;
        let shown = r.virtual_path();
        Ok::<_, HomeError>(Item::new(shown.clone(), shown, &meta))
    })
    .await?;
    let line = format!(" {}", mlsx_line(&item, s.facts, &item.path));
    Ok(Reply::multi(
        250,
        format!("Listing {}", item.path),
        vec![line],
        "End",
    ))
}

/// `STAT path`: a `LIST` of the path on the control connection.
pub(super) async fn stat(s: &mut Session, arg: &str) -> Answer {
    let home = need_home(s)?;
    let path = s.path(arg);
    let (items, _) = blocking(move || items(&home, &path)).await?;
    let now = SystemTime::now();
    let lines = items
        .iter()
        .map(|i| format!(" {}", list_line(i, now).trim_end()))
        .collect();
    Ok(Reply::multi(
        213,
        format!("Status of {arg}:"),
        lines,
        "End of status",
    ))
}
