//! The SFTP file operations (draft-ietf-secsh-filexfer-02 §6) over the partner [`Home`]:
//! every path goes through the folder rules and a cap-std directory rooted at the home, every
//! error through [`status`]. Paths are the partner's view (`/` is the home; relative paths
//! start there, as `realpath(".")` says).
//!
//! Every operation blocks (disk, fsync): the request loop ([`server`](super::server)) calls
//! them on the blocking pool, and decides which may run side by side.
//!
//! - [`transfer`]: opening, reading, writing and closing files. Uploads follow
//!   [`upload`](super::upload): registered while their handle is open, handed to the intake
//!   when it is closed, set aside as aborted when the session ends first (see the `Drop` impl
//!   here, which runs however the session ends, once the last request of the session is done).
//! - [`rename`]: renames and the OpenSSH extensions.
//!
//! This file holds the session state, the dispatch of one request, metadata and folders.

mod rename;
mod transfer;

use super::attrs::Facts;
use super::handles::{Handles, Listing, Open};
use super::status::{self, Status, ok};
use super::upload;
use super::wire::encode::{self, NameEntry};
use super::wire::{Attrs, Request, StatusCode};
use crate::home::{Home, HomeError};
use crate::policy;
use crate::upload::Uploads;
use bytes::Bytes;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;
use tracing::Span;

pub use rename::{FSYNC, LIMITS, POSIX_RENAME};

/// Folder entries per `SSH_FXP_NAME` reply.
const READDIR_BATCH: usize = 100;

static NEXT_SERVER_ID: AtomicU64 = AtomicU64::new(0);

/// One SFTP session's file system (cheap to clone: the request loop hands a clone to every
/// request it runs).
#[derive(Clone)]
pub struct SftpFs {
    inner: Arc<Inner>,
}

struct Inner {
    home: Home,
    partner: String,
    uploads: Uploads,
    span: Span,
    handles: Handles,
    /// This server's id in the connection's handle table.
    server_id: u64,
    /// Held until this session's aborted uploads are set aside (shutdown waits for it).
    cleanup: mpsc::Sender<()>,
}

/// What a session's file system needs from the connection.
pub struct FsParts {
    /// The partner's home, opened once.
    pub home: Home,
    /// The partner's name (shown as owner in listings).
    pub partner: String,
    /// The upload life cycle.
    pub uploads: Uploads,
    /// The session's span.
    pub span: Span,
    /// The connection's handle table.
    pub handles: Handles,
    /// See [`SftpFs`].
    pub cleanup: mpsc::Sender<()>,
}

impl SftpFs {
    /// A file system for one session.
    pub fn new(p: FsParts) -> Self {
        SftpFs {
            inner: Arc::new(Inner {
                home: p.home,
                partner: p.partner,
                uploads: p.uploads,
                span: p.span,
                handles: p.handles,
                server_id: NEXT_SERVER_ID.fetch_add(1, Ordering::Relaxed),
                cleanup: p.cleanup,
            }),
        }
    }

    fn log(&self, f: impl FnOnce()) {
        self.inner.span.in_scope(f);
    }

    fn home(&self) -> &Home {
        &self.inner.home
    }

    fn handles(&self) -> &Handles {
        &self.inner.handles
    }

    /// The connection's handle table.
    pub fn handle_table(&self) -> &Handles {
        &self.inner.handles
    }

    /// Answers one request (blocking: call it off the async threads). `SSH_FXP_INIT` is the
    /// request loop's, not this.
    pub fn answer(&self, id: u32, request: Request) -> Bytes {
        let r = match request {
            Request::Open { path, flags, .. } => {
                self.open(&path, flags).map(|h| encode::handle(id, &h))
            }
            Request::Close { handle } => handle_str(&handle)
                .and_then(|h| self.close(h))
                .map(|()| ok(id)),
            Request::Read {
                handle,
                offset,
                len,
            } => handle_str(&handle).and_then(|h| self.read(id, h, offset, len)),
            Request::Write {
                handle,
                offset,
                data,
            } => handle_str(&handle)
                .and_then(|h| self.write(h, offset, &data))
                .map(|()| ok(id)),
            Request::Lstat { path } | Request::Stat { path } => {
                self.stat(&path).map(|a| encode::attrs(id, &a))
            }
            Request::Fstat { handle } => handle_str(&handle)
                .and_then(|h| self.fstat(h))
                .map(|a| encode::attrs(id, &a)),
            Request::Setstat { path, attrs } => self.setstat(&path, &attrs).map(|()| ok(id)),
            Request::Fsetstat { handle, attrs } => handle_str(&handle)
                .and_then(|h| self.fsetstat(h, &attrs))
                .map(|()| ok(id)),
            Request::Opendir { path } => self.opendir(&path).map(|h| encode::handle(id, &h)),
            Request::Readdir { handle } => handle_str(&handle)
                .and_then(|h| self.readdir(h))
                .map(|files| encode::name(id, &files)),
            Request::Remove { path } => self.remove(&path).map(|()| ok(id)),
            Request::Mkdir { path, .. } => self.mkdir(&path).map(|()| ok(id)),
            Request::Rmdir { path } => self.rmdir(&path).map(|()| ok(id)),
            Request::Realpath { path } => Ok(realpath(id, &path)),
            // Plain SFTP rename: the target must not exist (draft §6.5).
            Request::Rename { from, to } => self.rename(&from, &to, false).map(|()| ok(id)),
            Request::Readlink { .. } | Request::Symlink { .. } => {
                Err(status::denied("symbolic links are not available"))
            }
            Request::Extended { name, data } => self.extended(id, &name, &data),
            Request::Init { .. } | Request::Unknown { .. } => Err(StatusCode::OpUnsupported.into()),
        };
        r.unwrap_or_else(|s| s.reply(id))
    }

    /// `SSH_FXP_STAT` / `SSH_FXP_LSTAT` (links are never followed: both are the same).
    pub fn stat(&self, path: &str) -> Result<Attrs, Status> {
        let (_, m) = self
            .home()
            .stat(Path::new(path))
            .map_err(status::from_home)?;
        Ok(Facts::from(&m).attributes())
    }

    /// `SSH_FXP_FSTAT`.
    pub fn fstat(&self, handle: &str) -> Result<Attrs, Status> {
        let file = self.handles().with(handle, |h| match h {
            Open::Download(d) => Ok(Ok(d.file.clone())),
            Open::Upload(u) => Ok(Err(Ok(u.writer.clone()))),
            Open::Listing(l) => Ok(Err(Err(l.facts))),
        })?;
        let m = match file {
            Ok(file) => {
                crate::home::Meta::from(&file.metadata().map_err(|e| status::from_home(e.into()))?)
            }
            Err(Ok(writer)) => writer.meta().map_err(status::from_upload)?,
            Err(Err(facts)) => return Ok(facts.attributes()),
        };
        Ok(Facts::from(&m).attributes())
    }

    /// `SSH_FXP_SETSTAT`. A modification time goes through the upload life cycle (a client
    /// setting the time of the file it just uploaded must not fail, even once the file was
    /// processed); permissions and owners are accepted and ignored (`put -p`, lftp), the file
    /// must exist. In `archive/` and `error/` every change is refused.
    pub fn setstat(&self, path: &str, attrs: &Attrs) -> Result<(), Status> {
        let path = Path::new(path);
        policy::check(policy::Op::SetAttributes, path).map_err(|d| status::from_home(d.into()))?;
        let i = &self.inner;
        match attrs.mtime().map(to_time) {
            Some(t) => i.uploads.set_times(&i.home, path, t, &i.span),
            None => i.home.stat(path).map(drop).map_err(Into::into),
        }
        .map_err(status::from_upload)
    }

    /// `SSH_FXP_FSETSTAT`. On an upload handle, a size truncates or extends the file and a
    /// modification time is set on it; permissions are ignored. A download from `archive/` or
    /// `error/` is refused; on other handles nothing changes.
    pub fn fsetstat(&self, handle: &str, attrs: &Attrs) -> Result<(), Status> {
        let writer = self.handles().with(handle, |h| match h {
            Open::Download(d) => policy::check(policy::Op::SetAttributes, Path::new(&d.log_path))
                .map(|_| None)
                .map_err(|e| status::from_home(e.into())),
            Open::Upload(up) => Ok(Some(up.writer.clone())),
            Open::Listing(_) => Ok(None),
        })?;
        let Some(writer) = writer else {
            return Ok(());
        };
        if let Some(size) = attrs.size {
            writer.set_len(size).map_err(status::from_upload)?;
        }
        if let Some(t) = attrs.mtime() {
            writer
                .set_modified(to_time(t))
                .map_err(status::from_upload)?;
        }
        Ok(())
    }

    /// `SSH_FXP_OPENDIR`: the listing is read at once, then handed out in batches.
    pub fn opendir(&self, path: &str) -> Result<String, Status> {
        if self.handles().is_full() {
            return Err(status::failure("too many open handles"));
        }
        let (home, owner) = (self.home(), &self.inner.partner);
        let path = Path::new(path);
        let listing = (|| {
            let (_, meta) = home.stat(path)?;
            if !meta.is_dir() {
                return Err(HomeError::Unavailable("not a folder".into()));
            }
            let entries = home.list(path)?;
            let here = Facts::from(&meta);
            let mut files = VecDeque::with_capacity(entries.len() + 2);
            files.push_back(here.entry(".", owner));
            files.push_back(here.entry("..", owner));
            for e in entries {
                files.push_back(Facts::from(&e.meta).entry(&e.name, owner));
            }
            Ok(Listing {
                entries: files,
                facts: here,
            })
        })()
        .map_err(status::from_home)?;
        Ok(self
            .handles()
            .insert(self.inner.server_id, Open::Listing(listing)))
    }

    /// `SSH_FXP_READDIR`: the next batch, `SSH_FX_EOF` when all were sent.
    pub fn readdir(&self, handle: &str) -> Result<Vec<NameEntry>, Status> {
        self.handles().with(handle, |h| {
            let Open::Listing(l) = h else {
                return Err(status::bad_handle());
            };
            if l.entries.is_empty() {
                return Err(StatusCode::Eof.into());
            }
            let n = l.entries.len().min(READDIR_BATCH);
            Ok(l.entries.drain(..n).collect())
        })
    }

    /// `SSH_FXP_REMOVE` (in `out/`: the acknowledgment).
    pub fn remove(&self, path: &str) -> Result<(), Status> {
        let i = &self.inner;
        i.uploads
            .remove_file(&i.home, Path::new(path), upload::VIA, &i.span)
            .map(drop)
            .map_err(status::from_upload)
    }

    /// `SSH_FXP_MKDIR`.
    pub fn mkdir(&self, path: &str) -> Result<(), Status> {
        let r = self
            .home()
            .make_dir(Path::new(path))
            .map_err(status::from_home)?;
        self.log(|| tracing::info!(file = %r.log_path(), "folder made"));
        Ok(())
    }

    /// `SSH_FXP_RMDIR`.
    pub fn rmdir(&self, path: &str) -> Result<(), Status> {
        let i = &self.inner;
        i.uploads
            .remove_dir(&i.home, Path::new(path), &i.span)
            .map(drop)
            .map_err(status::from_upload)
    }
}

/// The reply to `SSH_FXP_REALPATH` request `id`: the path normalised inside the home, `..`
/// never climbing above `/`. Pure: needs no disk, so the request loop answers it at once.
pub fn realpath(id: u32, path: &str) -> Bytes {
    match policy::resolve(Path::new(path)) {
        Ok(r) => {
            let p = r.virtual_path();
            encode::name(
                id,
                &[NameEntry {
                    longname: p.clone(),
                    filename: p,
                    attrs: Attrs::default(),
                }],
            )
        }
        Err(d) => status::from_home(d.into()).reply(id),
    }
}

/// A handle as this server hands them out (decimal text); anything else is unknown.
fn handle_str(handle: &Bytes) -> Result<&str, Status> {
    std::str::from_utf8(handle).map_err(|_| status::bad_handle())
}

fn to_time(secs: u32) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(secs))
}

/// However the session ends (disconnect, EOF, error, shutdown), uploads still open are
/// aborted: fsynced, set aside and reported, off the async threads. This runs when the last
/// clone is gone: the request loop has ended and no request of the session is still running.
impl Drop for Inner {
    fn drop(&mut self) {
        let uploads = self.handles.take_uploads(Some(self.server_id));
        self.handles.drop_owner(self.server_id);
        let _ = upload::abort_all(uploads, self.span.clone(), self.cleanup.clone());
    }
}
