//! Our libunftp storage back-end: every call goes through the partner [`Home`] (policy first,
//! then cap-std), uploads are fsynced before they count, and an upload that fails is reported
//! to the intake as aborted (its partial file goes to `error/`).

use super::auth::FtpUser;
use super::errors::to_ftp;
use crate::config::Config;
use crate::home::{Home, HomeError};
use crate::intake::{Intake, Via, is_temp_name, quarantine_name};
use async_trait::async_trait;
use std::fmt::Debug;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::io::AsyncReadExt;
use tracing::Instrument;
use unftp_core::storage::{
    Error, ErrorKind, FEATURE_RESTART, Fileinfo, Metadata, Permissions, Result, StorageBackend,
};

/// Copy buffer for uploads and downloads: large writes keep the data path fast.
const BUF: usize = 256 * 1024;

/// One session's view of the file system.
pub struct FtpStorage {
    config: Arc<Config>,
    intake: Intake,
    home: Option<Home>,
    span: tracing::Span,
}

impl Debug for FtpStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FtpStorage")
    }
}

impl FtpStorage {
    pub(super) fn new(config: Arc<Config>, intake: Intake) -> Self {
        FtpStorage {
            config,
            intake,
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
pub struct Meta(cap_std::fs::Metadata);

impl Metadata for Meta {
    fn len(&self) -> u64 {
        self.0.len()
    }
    fn is_dir(&self) -> bool {
        self.0.is_dir()
    }
    fn is_file(&self) -> bool {
        self.0.is_file()
    }
    fn is_symlink(&self) -> bool {
        self.0.file_type().is_symlink()
    }
    fn modified(&self) -> Result<SystemTime> {
        self.0
            .modified()
            .map(cap_std::time::SystemTime::into_std)
            .map_err(Error::from)
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
        self.home = Some(Home::open(&user.home)?);
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
            _guard: self.intake.uploads().begin_download(),
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
        // Opened and registered (with its on-disk upload marker) off the async threads.
        let (resolved, file, guard) = {
            let (home, uploads) = (home.clone(), self.intake.uploads().clone());
            blocking(move || {
                let (r, f) = home.open_write(&p, start_pos)?;
                let guard = uploads.begin(&home.disk_path(&r));
                Ok((r, f, guard))
            })
            .await?
        };
        let disk = home.disk_path(&resolved);
        let vpath = resolved.log_path();
        let limit = self.config.limits.max_upload_size;
        let result = async {
            let r = receive(input, file, start_pos, limit).await;
            match &r {
                Ok(n) => tracing::info!(file = %vpath, bytes = n, "upload complete"),
                Err((n, e)) => {
                    tracing::warn!(file = %vpath, bytes = n, error = %describe(e), "upload failed");
                    let reason = format!("FTP upload failed after {n} bytes: {}", describe(e));
                    quarantine(&self.intake, &disk, reason).await;
                }
            }
            drop(guard);
            r
        }
        .instrument(self.span.clone())
        .await;
        result.map(|n| n - start_pos).map_err(|(_, e)| e)
    }

    async fn del<P: AsRef<Path> + Send + Debug>(&self, _u: &FtpUser, path: P) -> Result<()> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        let r = {
            let home = home.clone();
            blocking(move || home.remove_file(&p)).await?
        };
        self.span
            .in_scope(|| tracing::info!(file = %r.log_path(), "deleted"));
        self.intake.submit_taken(&home.disk_path(&r), Via::Ftp);
        Ok(())
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
        let r = blocking(move || home.rename(&f, &t)).await?;
        self.span
            .in_scope(|| tracing::info!(file = %r.log_path(), "renamed"));
        Ok(())
    }

    async fn rmd<P: AsRef<Path> + Send + Debug>(&self, _u: &FtpUser, path: P) -> Result<()> {
        let home = self.home()?;
        let p = path.as_ref().to_path_buf();
        blocking(move || home.remove_dir(&p)).await.map(drop)
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

/// Moves a failed upload out of the way (while it is still registered as uploading) and
/// reports it; a client temp name stays for the client to resume.
async fn quarantine(intake: &Intake, disk: &Path, reason: String) {
    let Some(name) = disk.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    if is_temp_name(&name) {
        return;
    }
    let hidden = disk.with_file_name(quarantine_name(&name));
    match tokio::fs::rename(disk, &hidden).await {
        Ok(()) => {
            intake.submit_aborted(&hidden, Via::Ftp, reason);
        }
        Err(e) => tracing::warn!(error = %e, "could not set a failed upload aside"),
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

/// Copies the data connection into the file, fsyncs it, and returns the file's final size;
/// on failure, the bytes received so far and the error. The network side fills 1 MiB chunks
/// and a blocking writer writes them, so reading and writing overlap and the disk sees large
/// writes (libunftp's own back-end writes 4 KiB at a time through `tokio::fs`).
async fn receive<R: tokio::io::AsyncRead + Unpin>(
    mut input: R,
    file: std::fs::File,
    start: u64,
    limit: u64,
) -> std::result::Result<u64, (u64, Error)> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(IN_FLIGHT);
    let writer = tokio::task::spawn_blocking(move || -> io::Result<()> {
        use std::io::Write;
        let mut file = file;
        while let Some(chunk) = rx.blocking_recv() {
            file.write_all(&chunk)?;
        }
        file.sync_all()
    });
    let mut total = start;
    let mut failure: Option<Error> = None;
    loop {
        let (mut chunk, read, at_end) = fill_chunk(&mut input).await;
        let room = usize::try_from(limit.saturating_sub(total)).unwrap_or(usize::MAX);
        if chunk.len() > room {
            chunk.truncate(room);
            failure = Some(Error::new(
                ErrorKind::ExceededStorageAllocationError,
                io::Error::other(format!(
                    "the file is larger than max_upload_size ({limit} bytes)"
                )),
            ));
        }
        let n = chunk.len();
        if n > 0 && tx.send(chunk).await.is_err() {
            break; // the writer failed: its error is reported below
        }
        total += n as u64;
        if let Err(e) = read {
            failure.get_or_insert(Error::from(e));
        }
        if failure.is_some() || at_end {
            break;
        }
    }
    drop(tx);
    let written = writer
        .await
        .unwrap_or_else(|e| Err(io::Error::other(e.to_string())));
    match (failure, written) {
        (_, Err(e)) => Err((total, Error::from(e))),
        (Some(e), Ok(())) => Err((total, e)),
        (None, Ok(())) => Ok(total),
    }
}
