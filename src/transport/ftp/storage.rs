//! Our libunftp storage back-end: every call goes through the partner [`Home`] (policy first,
//! then cap-std); uploads, renames and deletes go through the upload life cycle
//! ([`crate::upload`]): fsynced before they count, an upload that fails is set aside and goes
//! to `error/`, and a completed upload is handed to the intake.

use super::auth::FtpUser;
use super::errors::to_ftp;
use crate::config::Config;
use crate::home::{Home, HomeError};
use crate::intake::Via;
use crate::upload::{Abort, Start, UploadError, Uploads, Writer};
use async_trait::async_trait;
use std::fmt::Debug;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::io::AsyncReadExt;
use unftp_core::storage::{
    Error, ErrorKind, FEATURE_RESTART, Fileinfo, Metadata, Permissions, Result, StorageBackend,
};

/// Copy buffer for uploads and downloads: large writes keep the data path fast.
const BUF: usize = 256 * 1024;

/// One session's view of the file system.
pub struct FtpStorage {
    uploads: Uploads,
    home: Option<Home>,
    span: tracing::Span,
}

impl Debug for FtpStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FtpStorage")
    }
}

impl FtpStorage {
    pub(super) fn new(_config: Arc<Config>, uploads: Uploads) -> Self {
        FtpStorage {
            uploads,
            home: None,
            span: tracing::Span::none(),
        }
    }

    /// The session's home; nothing is reachable before login.
    fn home(&self) -> Result<Home> {
        self.home
            .clone()
            .ok_or_else(|| Error::from(ErrorKind::PermissionDenied))
    }
}

/// Runs a blocking upload-life-cycle operation off the async threads.
async fn lifecycle<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, UploadError> + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(upload_to_ftp),
        Err(e) => Err(Error::new(ErrorKind::LocalError, e)),
    }
}

fn upload_to_ftp(e: UploadError) -> Error {
    match e {
        UploadError::Home(h) => to_ftp(h),
        UploadError::TooLarge { .. } => Error::new(ErrorKind::ExceededStorageAllocationError, e),
        UploadError::Busy => Error::new(ErrorKind::TransientFileNotAvailable, e),
        other => Error::new(ErrorKind::PermanentFileNotAvailable, other),
    }
}

/// Runs a blocking home operation off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, HomeError> + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(to_ftp),
        Err(e) => Err(Error::new(ErrorKind::LocalError, e)),
    }
}

/// File metadata for libunftp's listings.
#[derive(Debug)]
pub struct Meta(crate::home::Meta);

impl Metadata for Meta {
    fn len(&self) -> u64 {
        self.0.len
    }
    fn is_dir(&self) -> bool {
        self.0.is_dir()
    }
    fn is_file(&self) -> bool {
        self.0.is_file()
    }
    fn is_symlink(&self) -> bool {
        self.0.is_symlink()
    }
    fn modified(&self) -> Result<SystemTime> {
        Ok(self.0.modified)
    }
    fn gid(&self) -> u32 {
        0
    }
    fn uid(&self) -> u32 {
        0
    }
    fn permissions(&self) -> Permissions {
        Permissions(if self.0.is_dir() { 0o755 } else { 0o644 })
    }
}

#[async_trait]
impl StorageBackend<FtpUser> for FtpStorage {
    type Metadata = Meta;

    fn enter(&mut self, user: &FtpUser) -> io::Result<()> {
        self.home = Some(self.uploads.open_home(&user.partner.name)?);
        self.span = tracing::info_span!("session", protocol = "ftp", partner = %user.partner.name);
        Ok(())
    }

    fn supported_features(&self) -> u32 {
        FEATURE_RESTART
    }

    async fn metadata<P: AsRef<Path> + Send + Debug>(&self, _u: &FtpUser, path: P) -> Result<Meta> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        blocking(move || home.stat(&p)).await.map(|(_, m)| Meta(m))
    }

    async fn list<P: AsRef<Path> + Send + Debug>(
        &self,
        _u: &FtpUser,
        path: P,
    ) -> Result<Vec<Fileinfo<PathBuf, Meta>>> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        let entries = blocking(move || home.list(&p)).await?;
        Ok(entries
            .into_iter()
            .map(|e| Fileinfo {
                path: PathBuf::from(e.name),
                metadata: Meta(e.meta),
            })
            .collect())
    }

    async fn get<P: AsRef<Path> + Send + Debug>(
        &self,
        _u: &FtpUser,
        path: P,
        start_pos: u64,
    ) -> Result<Box<dyn tokio::io::AsyncRead + Send + Sync + Unpin>> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        let f = blocking(move || home.open_read(&p, start_pos)).await?;
        Ok(Box::new(Tracked {
            inner: tokio::io::BufReader::with_capacity(BUF, tokio::fs::File::from_std(f)),
            _guard: self.uploads.begin_download(),
        }))
    }

    async fn put<
        P: AsRef<Path> + Send + Debug,
        R: tokio::io::AsyncRead + Send + Sync + Unpin + 'static,
    >(
        &self,
        _u: &FtpUser,
        input: R,
        path: P,
        start_pos: u64,
    ) -> Result<u64> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        let start = if start_pos > 0 {
            Start::Resume(start_pos)
        } else {
            Start::New
        };
        let upload = {
            let (uploads, span) = (self.uploads.clone(), self.span.clone());
            lifecycle(move || uploads.begin(&home, &p, start, Via::Ftp, &span)).await?
        };
        let vpath = upload.log_path();
        let received = receive(input, upload.writer()).await;
        let result = match received {
            Ok(()) => lifecycle(move || upload.finish()).await,
            Err(e) => {
                let why = describe(&e);
                self.span.in_scope(|| {
                    tracing::warn!(file = %vpath, bytes = upload.len(), error = %why, "upload failed");
                });
                let _ = tokio::task::spawn_blocking(move || {
                    upload.abort(Abort::ConnectionLost(why));
                })
                .await;
                Err(e)
            }
        };
        result.map(|n| n - start_pos)
    }

    async fn del<P: AsRef<Path> + Send + Debug>(&self, _u: &FtpUser, path: P) -> Result<()> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        let (uploads, span) = (self.uploads.clone(), self.span.clone());
        lifecycle(move || uploads.remove_file(&home, &p, Via::Ftp, &span))
            .await
            .map(drop)
    }

    async fn mkd<P: AsRef<Path> + Send + Debug>(&self, _u: &FtpUser, path: P) -> Result<()> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        blocking(move || home.make_dir(&p)).await.map(drop)
    }

    async fn rename<P: AsRef<Path> + Send + Debug>(
        &self,
        _u: &FtpUser,
        from: P,
        to: P,
    ) -> Result<()> {
        let home = self.home()?;
        let (f, t) = (from.as_ref().to_path_buf(), to.as_ref().to_path_buf());
        let (uploads, span) = (self.uploads.clone(), self.span.clone());
        lifecycle(move || uploads.rename(&home, &f, &t, true, Via::Ftp, &span))
            .await
            .map(drop)
    }

    async fn rmd<P: AsRef<Path> + Send + Debug>(&self, _u: &FtpUser, path: P) -> Result<()> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        let (uploads, span) = (self.uploads.clone(), self.span.clone());
        lifecycle(move || uploads.remove_dir(&home, &p, &span))
            .await
            .map(drop)
    }

    async fn cwd<P: AsRef<Path> + Send + Debug>(&self, _u: &FtpUser, path: P) -> Result<()> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        let (_, meta) = blocking(move || {
            crate::policy::check(crate::policy::Op::List, &p)?;
            home.stat(&p)
        })
        .await?;
        if meta.is_dir() {
            Ok(())
        } else {
            Err(Error::from(ErrorKind::PermanentDirectoryNotAvailable))
        }
    }
}

/// A download's reader, counted as a running transfer until libunftp drops it.
struct Tracked<R> {
    inner: R,
    _guard: crate::intake::DownloadGuard,
}

impl<R: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Tracked<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

/// An error with its cause (libunftp's own text is only the reply code).
fn describe(e: &Error) -> String {
    match std::error::Error::source(e) {
        Some(cause) => format!("{cause}"),
        None => e.to_string(),
    }
}

/// Longest a received byte waits in memory before it is handed to the disk (a slow upload
/// still grows on disk, so it can be resumed and watched).
const FLUSH_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// Reads up to [`CHUNK`] bytes, or what arrives within [`FLUSH_AFTER`]; says whether the
/// input ended.
async fn fill_chunk<R: tokio::io::AsyncRead + Unpin>(
    input: &mut R,
) -> (Vec<u8>, io::Result<()>, bool) {
    let mut chunk = Vec::with_capacity(CHUNK);
    let deadline = tokio::time::Instant::now() + FLUSH_AFTER;
    while chunk.len() < CHUNK {
        match tokio::time::timeout_at(deadline, input.read_buf(&mut chunk)).await {
            Err(_) => return (chunk, Ok(()), false),
            Ok(Ok(0)) => return (chunk, Ok(()), true),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return (chunk, Err(e), true),
        }
    }
    (chunk, Ok(()), false)
}

/// Size of the chunks handed to the disk writer.
const CHUNK: usize = 1 << 20;
/// Chunks that may wait for the disk: the network read goes on while the disk writes.
const IN_FLIGHT: usize = 4;

/// Copies the data connection into the upload: the network side fills 1 MiB chunks and a
/// blocking writer writes them, so reading and writing overlap and the disk sees large
/// writes (libunftp's own back-end writes 4 KiB at a time through `tokio::fs`). A write past
/// `max_upload_size` stops the upload (its `finish` then sets it aside).
async fn receive<R: tokio::io::AsyncRead + Unpin>(
    mut input: R,
    writer: Writer,
) -> std::result::Result<(), Error> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(IN_FLIGHT);
    let disk = tokio::task::spawn_blocking(move || -> std::result::Result<(), UploadError> {
        while let Some(chunk) = rx.blocking_recv() {
            writer.write(None, &chunk)?;
        }
        Ok(())
    });
    let mut failure: Option<Error> = None;
    loop {
        let (chunk, read, at_end) = fill_chunk(&mut input).await;
        if !chunk.is_empty() && tx.send(chunk).await.is_err() {
            break; // the writer stopped: its error is reported below
        }
        if let Err(e) = read {
            failure = Some(Error::from(e));
            break;
        }
        if at_end {
            break;
        }
    }
    drop(tx);
    match disk.await {
        Ok(Err(UploadError::TooLarge { .. })) => Ok(()), // finish() sets it aside
        Ok(Err(e)) => Err(Error::new(ErrorKind::LocalError, e)),
        Err(e) => Err(Error::new(ErrorKind::LocalError, e)),
        Ok(Ok(())) => failure.map_or(Ok(()), Err),
    }
}
