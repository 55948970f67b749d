//! The SFTP file operations (draft-ietf-secsh-filexfer-02 §6) over the partner [`Home`]:
//! every path goes through the folder rules and a cap-std directory rooted at the home, every
//! blocking call through `spawn_blocking`, every error through [`status`]. Paths are the
//! partner's view (`/` is the home; relative paths start there, as `realpath(".")` says).
//!
//! Uploads follow [`upload`](super::upload): registered while their handle is open, handed to
//! the intake when it is closed, set aside as aborted when the session ends first (see the
//! `Drop` impl, which runs however the session ends).

use super::attrs::Facts;
use super::handles::{Download, Handles, Listing, Open};
use super::status;
use super::upload::{self, Abort, Upload, VIA};
use crate::home::{Home, HomeError};
use crate::intake::Intake;
use crate::policy::{self, Op};
use russh_sftp::protocol::{
    Attrs, Data, File, FileAttributes, Handle, Name, OpenFlags, Packet, Status, StatusCode, Version,
};
use russh_sftp::server::StatusReply;
use std::collections::{HashMap, VecDeque};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;
use tracing::Span;

/// `posix-rename@openssh.com`: rename, replacing an existing target.
const POSIX_RENAME: &str = "posix-rename@openssh.com";
/// `fsync@openssh.com`: flush an open file to disk.
const FSYNC: &str = "fsync@openssh.com";
/// Largest read answered at once (clients ask for 32 KiB; the reply must fit their packets).
const MAX_READ: u32 = 64 * 1024;
/// Folder entries per `SSH_FXP_NAME` reply.
const READDIR_BATCH: usize = 100;

static NEXT_SERVER_ID: AtomicU64 = AtomicU64::new(0);

/// One SFTP session's file system.
pub struct SftpFs {
    home: Home,
    partner: String,
    intake: Intake,
    max_upload: u64,
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
    /// Where completed uploads go.
    pub intake: Intake,
    /// `max_upload_size`.
    pub max_upload: u64,
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
            intake: p.intake,
            max_upload: p.max_upload,
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

impl SftpFs {
    async fn open_upload(&self, path: PathBuf, flags: OpenFlags) -> Result<Upload, StatusReply> {
        let (home, intake) = (self.home.clone(), self.intake.clone());
        let create = flags.contains(OpenFlags::CREATE);
        let truncate = flags.contains(OpenFlags::TRUNCATE);
        let exclusive = flags.contains(OpenFlags::EXCLUDE);
        let append = flags.contains(OpenFlags::APPEND);
        let up = blocking(move || {
            policy::check(Op::Write, &path)?;
            let existing = match home.stat(&path) {
                Ok((_, m)) => Some(m.len()),
                Err(HomeError::NotFound) => None,
                Err(e) => return Err(e),
            };
            match existing {
                None if !create => return Err(HomeError::NotFound),
                Some(_) if create && exclusive => return Err(HomeError::Exists),
                _ => {}
            }
            // Without TRUNCATE the content stays: the client resumes at an offset.
            let start = if truncate { 0 } else { existing.unwrap_or(0) };
            let (r, file) = home.open_write(&path, start)?;
            Ok(Upload::begin(&intake, &home, &r, file, start, append))
        })
        .await?;
        self.log(|| tracing::debug!(file = %up.log_path(), start = up.end, "upload started"));
        Ok(up)
    }

    async fn open_download(&self, path: PathBuf) -> Result<Download, StatusReply> {
        let home = self.home.clone();
        let (file, log_path) = blocking(move || {
            let r = policy::check(Op::Read, &path)?;
            Ok((home.open_read(&path, 0)?, r.log_path()))
        })
        .await?;
        Ok(Download {
            file: file.into(),
            log_path,
            sent: 0,
        })
    }

    /// Renames inside `in/` and hands the result to the intake (a folder: every file in it).
    async fn rename_paths(
        &self,
        old: String,
        new: String,
        replace: bool,
    ) -> Result<(), StatusReply> {
        let (from, to) = (PathBuf::from(old), PathBuf::from(new));
        for p in [&from, &to] {
            if let Ok(r) = policy::resolve(p)
                && self.intake.uploads().is_uploading(&self.home.disk_path(&r))
            {
                return Err(status::failure("the file is still open for writing"));
            }
        }
        let (home, intake) = (self.home.clone(), self.intake.clone());
        let (src, target, is_dir) = blocking(move || {
            let (src, _) = policy::check_rename(&from, &to)?;
            if !replace && home.stat(&to).is_ok() {
                return Err(HomeError::Exists);
            }
            let target = home.rename(&from, &to)?;
            let is_dir = home.stat(&to).is_ok_and(|(_, m)| m.is_dir());
            Ok((src, target, is_dir))
        })
        .await?;
        self.log(|| {
            tracing::info!(file = %target.log_path(), from = %src.log_path(), "renamed");
        });
        let disk = self.home.disk_path(&target);
        if is_dir {
            let _ = tokio::task::spawn_blocking(move || {
                crate::intake::scan::scan_in_folder(&intake, &disk)
            })
            .await;
        } else {
            intake.submit(&disk, VIA);
        }
        Ok(())
    }

    async fn fsync(&self, handle: &str) -> Result<(), StatusReply> {
        let file = self.handles.with(handle, |h| match h {
            Open::Upload(u) => Ok(u.file.clone()),
            Open::Download(d) => Ok(d.file.clone()),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        blocking(move || Ok(file.sync_all()?)).await
    }
}

/// The SSH strings of an extended request's data (RFC 4251 §5).
fn ssh_strings(mut data: &[u8]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let len = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as usize;
        let s = data.get(4..4usize.checked_add(len)?)?;
        out.push(String::from_utf8(s.to_vec()).ok()?);
        data = &data[4 + len..];
    }
    Some(out)
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
            Open::Upload(self.open_upload(path, pflags).await?)
        } else {
            Open::Download(self.open_download(path).await?)
        };
        let handle = self.handles.insert(self.server_id, entry);
        Ok(Handle { id, handle })
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, StatusReply> {
        match self.handles.remove(&handle) {
            None => Err(status::bad_handle()),
            Some(Open::Listing(_)) => Ok(ok(id)),
            Some(Open::Download(d)) => {
                self.log(
                    || tracing::info!(file = %d.log_path, bytes = d.sent, "download complete"),
                );
                Ok(ok(id))
            }
            Some(Open::Upload(up)) => {
                let span = self.span.clone();
                match tokio::task::spawn_blocking(move || up.finish(&span)).await {
                    Ok(Ok(_)) => Ok(ok(id)),
                    Ok(Err(reason)) => Err(status::failure(reason)),
                    Err(e) => Err(status::failure(format!("local error: {e}"))),
                }
            }
        }
    }

    async fn read(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        len: u32,
    ) -> Result<Data, StatusReply> {
        let file = self.handles.with(&handle, |h| match h {
            Open::Download(d) => Ok(d.file.clone()),
            Open::Upload(_) => Err(status::denied("the file is open for upload only")),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        let want = len.min(MAX_READ) as usize;
        let data = blocking(move || {
            let mut buf = vec![0u8; want];
            let mut n = 0;
            while n < want {
                match file.read_at(&mut buf[n..], offset + n as u64) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e.into()),
                }
            }
            buf.truncate(n);
            Ok(buf)
        })
        .await?;
        if data.is_empty() && want > 0 {
            return Err(StatusCode::Eof.into());
        }
        let n = data.len() as u64;
        let _ = self.handles.with(&handle, |h| {
            if let Open::Download(d) = h {
                d.sent += n;
            }
            Ok(())
        });
        Ok(Data { id, data })
    }

    async fn write(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, StatusReply> {
        let limit = self.max_upload;
        let len = data.len() as u64;
        let (file, offset, end) = self.handles.with(&handle, |h| match h {
            Open::Upload(up) => {
                if let Some(reason) = &up.failed {
                    return Err(status::failure(reason.clone()));
                }
                let offset = if up.append { up.end } else { offset };
                Ok((up.file.clone(), offset, offset.saturating_add(len)))
            }
            Open::Download(_) => Err(status::denied("the file is open for download only")),
            Open::Listing(_) => Err(status::bad_handle()),
        })?;
        if end > limit {
            if let Some(Open::Upload(up)) = self.handles.remove(&handle) {
                let span = self.span.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    up.abort(&span, Abort::TooLarge(limit));
                })
                .await;
            }
            return Err(status::failure(format!(
                "the file is larger than the upload limit ({limit} bytes)"
            )));
        }
        let written = tokio::task::spawn_blocking(move || file.write_all_at(&data, offset)).await;
        self.handles.with(&handle, |h| {
            let Open::Upload(up) = h else {
                return Err(status::bad_handle());
            };
            match written {
                Ok(Ok(())) => {
                    up.end = up.end.max(end);
                    Ok(ok(id))
                }
                Ok(Err(e)) => {
                    let e = HomeError::from(e);
                    up.failed = Some(e.to_string());
                    Err(status::from_home(e))
                }
                Err(e) => {
                    up.failed = Some(e.to_string());
                    Err(status::failure(format!("local error: {e}")))
                }
            }
        })
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
            Open::Upload(u) => Ok(Ok(u.file.clone())),
            Open::Listing(l) => Ok(Err(l.facts)),
        })?;
        let file = match file {
            Ok(f) => f,
            Err(facts) => {
                return Ok(Attrs {
                    id,
                    attrs: facts.attributes(),
                });
            }
        };
        let m = blocking(move || Ok(file.metadata()?)).await?;
        Ok(Attrs {
            id,
            attrs: Facts::from(&m).attributes(),
        })
    }

    /// Times and permissions are accepted and ignored (`put -p`, lftp), the file must exist.
    async fn setstat(
        &mut self,
        id: u32,
        path: String,
        _attrs: FileAttributes,
    ) -> Result<Status, StatusReply> {
        let home = self.home.clone();
        blocking(move || home.stat(Path::new(&path))).await?;
        Ok(ok(id))
    }

    /// A size on an upload handle truncates or extends it; times and permissions are ignored.
    async fn fsetstat(
        &mut self,
        id: u32,
        handle: String,
        attrs: FileAttributes,
    ) -> Result<Status, StatusReply> {
        let limit = self.max_upload;
        let file = self.handles.with(&handle, |h| match h {
            Open::Upload(up) => Ok(Some(up.file.clone())),
            _ => Ok(None),
        })?;
        if let (Some(file), Some(size)) = (file, attrs.size) {
            if size > limit {
                return Err(status::failure(format!(
                    "the file is larger than the upload limit ({limit} bytes)"
                )));
            }
            blocking(move || Ok(file.set_len(size)?)).await?;
            let _ = self.handles.with(&handle, |h| {
                if let Open::Upload(up) = h {
                    up.end = size;
                }
                Ok(())
            });
        }
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
        let home = self.home.clone();
        let r = blocking(move || home.remove_file(Path::new(&filename))).await?;
        self.log(|| tracing::info!(file = %r.log_path(), "deleted"));
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
        let home = self.home.clone();
        blocking(move || home.remove_dir(Path::new(&path))).await?;
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
        let args = ssh_strings(&data);
        match (request.as_str(), args) {
            (POSIX_RENAME, Some(a)) if a.len() == 2 => {
                let mut a = a.into_iter();
                let (old, new) = (a.next().unwrap_or_default(), a.next().unwrap_or_default());
                self.rename_paths(old, new, true).await?;
                Ok(Packet::Status(ok(id)))
            }
            (FSYNC, Some(a)) if a.len() == 1 => {
                self.fsync(&a[0]).await?;
                Ok(Packet::Status(ok(id)))
            }
            (POSIX_RENAME | FSYNC, _) => Err(StatusCode::BadMessage.into()),
            _ => Err(StatusCode::OpUnsupported.into()),
        }
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

#[cfg(test)]
mod tests {
    use super::ssh_strings;

    #[test]
    fn extended_request_strings() {
        let mut d = Vec::new();
        for s in ["/in/a.filepart", "/in/a.xml"] {
            d.extend_from_slice(&(s.len() as u32).to_be_bytes());
            d.extend_from_slice(s.as_bytes());
        }
        assert_eq!(
            ssh_strings(&d).unwrap(),
            vec!["/in/a.filepart".to_string(), "/in/a.xml".to_string()]
        );
        assert!(ssh_strings(&d[..d.len() - 1]).is_none(), "truncated");
        assert!(ssh_strings(&[0, 0, 0, 9, b'a']).is_none());
    }
}
