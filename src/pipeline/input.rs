//! Reading an input, with a bound. Most decoders work on bytes, so the pipeline holds such a
//! file whole in memory, and a file over [`MAX_INPUT_BYTES`] is never read — it goes to
//! `error/` with that reason. A file whose format has a streaming decoder (a cart's batch of
//! orders) is not held: it is hashed, and kept open for the passes that read it from that open
//! file ([`Source::File`]); its bound, [`MAX_STREAMED_BYTES`], is one of time, not memory. A
//! sparse file counts at its apparent size (`REST 2000000000` + an empty `STOR` makes a 2 GB
//! file of no blocks that would still be 2 GB in memory). The hash is computed while the file
//! is read, in the same pass.

use super::{PipelineError, io_err};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The largest input processed: 256 MiB, five times the largest real batch seen (50 MB), so
/// that one file can never take the process near the memory of a small server.
pub(crate) const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The largest input read as a stream: 16 GiB, which takes minutes to read, not memory.
pub(crate) const MAX_STREAMED_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// An input as read.
#[derive(Debug)]
pub(super) struct Input {
    /// The file's identity for its job: SHA-256 of its bytes, or for a file too large to read,
    /// its size and change time.
    pub hash: String,
    /// The bytes; `None` when the file is over the bound or read as a stream.
    pub bytes: Option<Vec<u8>>,
    /// The file, open, when it is read as a stream.
    pub file: Option<std::fs::File>,
    /// The file's size.
    pub len: u64,
}

impl Input {
    /// Where the decoders read it from; `None` when it is over its bound.
    pub fn source(&self) -> Option<Source<'_>> {
        match (&self.bytes, &self.file) {
            (Some(bytes), _) => Some(Source::Bytes(bytes)),
            (None, Some(file)) => Some(Source::File(file)),
            (None, None) => None,
        }
    }

    /// The file's first `n` bytes (fewer when it is shorter), for the test hooks.
    #[cfg(debug_assertions)]
    pub fn head(&self, n: usize) -> Vec<u8> {
        let mut head = Vec::new();
        if let Some(source) = self.source() {
            let _ = source.reader().take(n as u64).read_to_end(&mut head);
        }
        head
    }
}

/// Where an input's content is read from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Source<'a> {
    /// Held whole.
    Bytes(&'a [u8]),
    /// The file, open: each pass reads it from its start (an upload that replaces the file by
    /// name does not change what this open file reads).
    File(&'a std::fs::File),
}

impl<'a> Source<'a> {
    /// A reader of the content from its start.
    pub fn reader(self) -> Box<dyn Read + 'a> {
        match self {
            Source::Bytes(bytes) => Box::new(bytes),
            Source::File(file) => Box::new(std::io::BufReader::with_capacity(
                64 * 1024,
                FileFrom { file, at: 0 },
            )),
        }
    }
}

/// Reads an open file from an offset on, leaving the file's own position alone (so that
/// several passes can read the same open file).
struct FileFrom<'a> {
    file: &'a std::fs::File,
    at: u64,
}

impl Read for FileFrom<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = self.file.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// Opens `path` and hashes it, keeping it open to be read as a stream, if it holds at most
/// [`MAX_STREAMED_BYTES`].
pub(super) fn open_stream(path: &Path) -> Result<Input, PipelineError> {
    let what = || format!("reading {}", path.display());
    let file = std::fs::File::open(path).map_err(io_err(what()))?;
    let meta = file.metadata().map_err(io_err(what()))?;
    if meta.len() > MAX_STREAMED_BYTES {
        return Ok(too_large(&meta));
    }
    let mut hasher = Sha256::new();
    let mut len = 0u64;
    let mut reader = Source::File(&file).reader();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).map_err(io_err(what()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    drop(reader);
    Ok(Input {
        hash: super::hex(&hasher.finalize()),
        bytes: None,
        file: Some(file),
        len,
    })
}

/// Reads `path` whole if it holds at most `max` bytes, hashing as it goes.
pub(super) fn read(path: &Path, max: u64) -> Result<Input, PipelineError> {
    let what = || format!("reading {}", path.display());
    let mut file = std::fs::File::open(path).map_err(io_err(what()))?;
    let meta = file.metadata().map_err(io_err(what()))?;
    if meta.len() > max {
        return Ok(too_large(&meta));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte more than the bound tells a file that grew while it was read.
    (&mut file)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err(what()))?;
    if bytes.len() as u64 > max {
        return Ok(too_large(&meta));
    }
    Ok(Input {
        hash: super::sha256_hex(&bytes),
        len: bytes.len() as u64,
        bytes: Some(bytes),
        file: None,
    })
}

/// The identity [`read`] gives the file at `path`, computed in bounded memory (for matching
/// recorded jobs at start-up); `None` when it cannot be read.
pub(super) fn identity(path: &Path, max: u64) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if meta.len() > max {
        return Some(too_large(&meta).hash);
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Some(super::hex(&hasher.finalize()))
}

fn too_large(meta: &std::fs::Metadata) -> Input {
    use std::os::unix::fs::MetadataExt;
    Input {
        hash: format!(
            "too-large:{}:{}:{}.{}",
            meta.len(),
            meta.ino(),
            meta.mtime(),
            meta.mtime_nsec()
        ),
        bytes: None,
        file: None,
        len: meta.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_the_bound_is_read_and_hashed_like_its_bytes() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.xml");
        std::fs::write(&p, b"hello").unwrap();
        let i = read(&p, 5).unwrap();
        assert_eq!(i.bytes.as_deref(), Some(&b"hello"[..]));
        assert_eq!(i.hash, super::super::sha256_hex(b"hello"));
        assert_eq!(identity(&p, 5), Some(i.hash));
    }

    #[test]
    fn a_sparse_file_over_the_bound_is_not_read() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sparse.xml");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(40_000_000_000).unwrap(); // 40 GB of nothing, as REST + empty STOR made
        let i = read(&p, MAX_INPUT_BYTES).unwrap();
        assert!(i.bytes.is_none());
        assert_eq!(i.len, 40_000_000_000);
        assert!(i.hash.starts_with("too-large:40000000000:"), "{}", i.hash);
        assert_eq!(identity(&p, MAX_INPUT_BYTES), Some(i.hash));
    }
}
