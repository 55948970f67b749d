//! The SFTP file operations (draft-ietf-secsh-filexfer-02 §6) over the partner [`Home`]:
//! every path goes through the folder rules and a cap-std directory rooted at the home, every
//! blocking call through `spawn_blocking`, every error through [`status`]. Paths are the
//! partner's view (`/` is the home; relative paths start there, as `realpath(".")` says).
//!
//! - [`transfer`]: opening, reading, writing and closing files. Uploads follow
//!   [`upload`](super::upload): registered while their handle is open, handed to the intake
//!   when it is closed, set aside as aborted when the session ends first (see the `Drop` impl
//!   here, which runs however the session ends).
//! - [`rename`]: renames and the OpenSSH extensions.
//!
//! This file holds the session state, the protocol entry points, metadata and folders.

mod rename;
mod transfer;

use super::attrs::Facts;
use super::handles::{Handles, Listing, Open};
use super::status;
use super::upload;
use crate::home::{Home, HomeError};
use crate::policy;
use crate::upload::Uploads;
pub use rename::ssh_strings;
use rename::{FSYNC, POSIX_RENAME};
use russh_sftp::protocol::{
    Attrs, Data, File, FileAttributes, Handle, Name, OpenFlags, Packet, Status, StatusCode, Version,
};
use russh_sftp::server::StatusReply;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;
use tracing::Span;

/// Folder entries per `SSH_FXP_NAME` reply.
const READDIR_BATCH: usize = 100;

static NEXT_SERVER_ID: AtomicU64 = AtomicU64::new(0);

/// One SFTP session's file system.
pub struct SftpFs {
    home: Home,
    partner: String,
    uploads: Uploads,
    span: Span,
    handles: Handles,
    /// This server's id in the connection's handle table.
    server_id: u64,
    initialized: bool,
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
            home: p.home,
            partner: p.partner,
            uploads: p.uploads,
            span: p.span,
            handles: p.handles,
            server_id: NEXT_SERVER_ID.fetch_add(1, Ordering::Relaxed),
            initialized: false,
            cleanup: p.cleanup,
        }
    }

    fn log(&self, f: impl FnOnce()) {
        self.span.in_scope(f);
    }
}

fn ok(id: u32) -> Status {
    Status {
        id,
        status_code: StatusCode::Ok,
        error_message: "Ok".into(),
        language_tag: "en-US".into(),
    }
}

/// Runs a blocking home operation off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, HomeError> + Send + 'static,
) -> Result<T, StatusReply> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(status::from_home),
        Err(e) => Err(status::failure(format!("local error: {e}"))),
    }
}

impl russh_sftp::server::Handler for SftpFs {
    type Error = StatusReply;

    fn unimplemented(&self) -> StatusReply {
        StatusCode::OpUnsupported.into()
    }

    async fn init(
        &mut self,
        version: u32,
        _extensions: HashMap<String, String>,
    ) -> Result<Version, StatusReply> {
        if self.initialized {
            return Err(status::failure("the session is already initialised"));
        }
        self.initialized = true;
        self.log(|| tracing::debug!(client_version = version, "sftp session started"));
        let mut v = Version::new();
        v.extensions.insert(POSIX_RENAME.into(), "1".into());
        v.extensions.insert(FSYNC.into(), "1".into());
        Ok(v)
    }

    async fn open(
        &mut self,
        id: u32,
        filename: String,
        pflags: OpenFlags,
        _attrs: FileAttributes,
    ) -> Result<Handle, StatusReply> {
        if self.handles.is_full() {
            return Err(status::failure("too many open handles"));
        }
        let path = PathBuf::from(filename);
        let entry = if pflags.intersects(OpenFlags::WRITE | OpenFlags::APPEND) {
            Open::Upload(Box::new(self.open_upload(path, pflags).await?))
        } else {
            Open::Download(self.open_download(path).await?)
        };
        let handle = self.handles.insert(self.server_id, entry);
        Ok(Handle { id, handle })
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, StatusReply> {
        self.close_handle(id, handle).await
    }

    async fn read(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        len: u32,
    ) -> Result<Data, StatusReply> {
        self.read_handle(id, handle, offset, len).await
    }

    async fn write(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, StatusReply> {
        self.write_handle(id, handle, offset, data).await
    }

    async fn lstat(&mut self, id: u32, path: String) -> Result<Attrs, StatusReply> {
        let home = self.home.clone();
        let (_, m) = blocking(move || home.stat(Path::new(&path))).await?;
        Ok(Attrs {
            id,
            attrs: Facts::from(&m).attributes(),
        })
    }

    async fn stat(&mut self, id: u32, path: String) -> Result<Attrs, StatusReply> {
        self.lstat(id, path).await
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, StatusReply> {
        let file = self.handles.with(&handle, |h| match h {
            Open::Download(d) => Ok(Ok(d.file.clone())),
            Open::Upload(u) => Ok(Err(Ok(u.writer.clone()))),
            Open::Listing(l) => Ok(Err(Err(l.facts))),
        })?;
        let m = match file {
            Ok(file) => blocking(move || Ok(crate::home::Meta::from(&file.metadata()?))).await?,
            Err(Ok(writer)) => tokio::task::spawn_blocking(move || writer.meta())
                .await
                .map_err(|e| status::failure(format!("local error: {e}")))?
                .map_err(status::from_upload)?,
            Err(Err(facts)) => {
                return Ok(Attrs {
                    id,
                    attrs: facts.attributes(),
                });
            }
        };
        Ok(Attrs {
            id,
            attrs: Facts::from(&m).attributes(),
        })
    }

    /// A modification time goes through the upload life cycle (a client setting the time of
    /// the file it just uploaded must not fail, even once the file was processed); permissions
    /// and owners are accepted and ignored (`put -p`, lftp), the file must exist. In
    /// `archive/` and `error/` every change is refused.
    async fn setstat(
        &mut self,
        id: u32,
        path: String,
        attrs: FileAttributes,
    ) -> Result<Status, StatusReply> {
        policy::check(policy::Op::SetAttributes, Path::new(&path))
            .map_err(|d| status::from_home(d.into()))?;
        let (home, uploads, span) = (self.home.clone(), self.uploads.clone(), self.span.clone());
        let mtime = attrs
            .mtime
            .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(s)));
        tokio::task::spawn_blocking(move || match mtime {
            Some(t) => uploads.set_times(&home, Path::new(&path), t, &span),
            None => home.stat(Path::new(&path)).map(drop).map_err(Into::into),
        })
        .await
        .map_err(|e| status::failure(format!("local error: {e}")))?
        .map_err(status::from_upload)?;
        Ok(ok(id))
    }

    /// On an upload handle, a size truncates or extends the file and a modification time is
    /// set on it; permissions are ignored. A download from `archive/` or `error/` is refused;
    /// on other handles nothing changes.
    async fn fsetstat(
        &mut self,
        id: u32,
        handle: String,
        attrs: FileAttributes,
    ) -> Result<Status, StatusReply> {
        self.handles.with(&handle, |h| match h {
            Open::Download(d) => policy::check(policy::Op::SetAttributes, Path::new(&d.log_path))
                .map(drop)
                .map_err(|e| status::from_home(e.into())),
            _ => Ok(()),
        })?;
        let writer = self.handles.with(&handle, |h| match h {
            Open::Upload(up) => Ok(Some(up.writer.clone())),
            _ => Ok(None),
        })?;
        let Some(writer) = writer else {
            return Ok(ok(id));
        };
        let mtime = attrs
            .mtime
            .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(s)));
        tokio::task::spawn_blocking(move || {
            if let Some(size) = attrs.size {
                writer.set_len(size)?;
            }
            if let Some(t) = mtime {
                writer.set_modified(t)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| status::failure(format!("local error: {e}")))?
        .map_err(status::from_upload)?;
        Ok(ok(id))
    }

    async fn opendir(&mut self, id: u32, path: String) -> Result<Handle, StatusReply> {
        if self.handles.is_full() {
            return Err(status::failure("too many open handles"));
        }
        let (home, owner) = (self.home.clone(), self.partner.clone());
        let listing = blocking(move || {
            let path = Path::new(&path);
            let (_, meta) = home.stat(path)?;
            if !meta.is_dir() {
                return Err(HomeError::Unavailable("not a folder".into()));
            }
            let entries = home.list(path)?;
            let here = Facts::from(&meta);
            let mut files = VecDeque::with_capacity(entries.len() + 2);
            files.push_back(here.entry(".", &owner));
            files.push_back(here.entry("..", &owner));
            for e in entries {
                files.push_back(Facts::from(&e.meta).entry(&e.name, &owner));
            }
            Ok(Listing {
                entries: files,
                facts: here,
            })
        })
        .await?;
        let handle = self.handles.insert(self.server_id, Open::Listing(listing));
        Ok(Handle { id, handle })
    }

    async fn readdir(&mut self, id: u32, handle: String) -> Result<Name, StatusReply> {
        self.handles.with(&handle, |h| {
            let Open::Listing(l) = h else {
                return Err(status::bad_handle());
            };
            if l.entries.is_empty() {
                return Err(StatusCode::Eof.into());
            }
            let n = l.entries.len().min(READDIR_BATCH);
            let files: Vec<File> = l.entries.drain(..n).collect();
            Ok(Name { id, files })
        })
    }

    async fn remove(&mut self, id: u32, filename: String) -> Result<Status, StatusReply> {
        let (home, uploads, span) = (self.home.clone(), self.uploads.clone(), self.span.clone());
        tokio::task::spawn_blocking(move || {
            uploads.remove_file(&home, Path::new(&filename), upload::VIA, &span)
        })
        .await
        .map_err(|e| status::failure(format!("local error: {e}")))?
        .map_err(status::from_upload)?;
        Ok(ok(id))
    }

    async fn mkdir(
        &mut self,
        id: u32,
        path: String,
        _attrs: FileAttributes,
    ) -> Result<Status, StatusReply> {
        let home = self.home.clone();
        let r = blocking(move || home.make_dir(Path::new(&path))).await?;
        self.log(|| tracing::info!(file = %r.log_path(), "folder made"));
        Ok(ok(id))
    }

    async fn rmdir(&mut self, id: u32, path: String) -> Result<Status, StatusReply> {
        let (home, uploads, span) = (self.home.clone(), self.uploads.clone(), self.span.clone());
        tokio::task::spawn_blocking(move || uploads.remove_dir(&home, Path::new(&path), &span))
            .await
            .map_err(|e| status::failure(format!("local error: {e}")))?
            .map_err(status::from_upload)?;
        Ok(ok(id))
    }

    /// Normalised inside the home: `..` never climbs above `/`.
    async fn realpath(&mut self, id: u32, path: String) -> Result<Name, StatusReply> {
        let r = policy::resolve(Path::new(&path)).map_err(|d| status::from_home(d.into()))?;
        Ok(Name {
            id,
            files: vec![File::dummy(r.virtual_path())],
        })
    }

    /// Plain SFTP rename: the target must not exist (draft §6.5).
    async fn rename(
        &mut self,
        id: u32,
        oldpath: String,
        newpath: String,
    ) -> Result<Status, StatusReply> {
        self.rename_paths(oldpath, newpath, false).await?;
        Ok(ok(id))
    }

    async fn readlink(&mut self, _id: u32, _path: String) -> Result<Name, StatusReply> {
        Err(status::denied("symbolic links are not available"))
    }

    async fn symlink(
        &mut self,
        _id: u32,
        _linkpath: String,
        _targetpath: String,
    ) -> Result<Status, StatusReply> {
        Err(status::denied("symbolic links are not available"))
    }

    async fn extended(
        &mut self,
        id: u32,
        request: String,
        data: Vec<u8>,
    ) -> Result<Packet, StatusReply> {
        self.extended_request(id, request, data).await
    }
}

/// However the session ends (disconnect, EOF, error, shutdown), uploads still open are
/// aborted: fsynced, set aside and reported, off the async threads.
impl Drop for SftpFs {
    fn drop(&mut self) {
        let uploads = self.handles.take_uploads(Some(self.server_id));
        self.handles.drop_owner(self.server_id);
        let _ = upload::abort_all(uploads, self.span.clone(), self.cleanup.clone());
    }
}
