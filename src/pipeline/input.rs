//! Reading an input, with a bound: the pipeline holds a whole file in memory (the decoders work
//! on bytes), so a file over [`MAX_INPUT_BYTES`] is never read — it goes to `error/` with that
//! reason. A sparse file counts at its apparent size (`REST 2000000000` + an empty `STOR` makes
//! a 2 GB file of no blocks that would still be 2 GB in memory). The hash is computed while
//! the file is read, in the same pass.

use super::{PipelineError, io_err};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The largest input processed: 256 MiB, five times the largest real batch seen (50 MB), so
/// that one file can never take the process near the memory of a small server.
pub(crate) const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// An input as read.
#[derive(Debug)]
pub(super) struct Input {
    /// The file's identity for its job: SHA-256 of its bytes, or for a file too large to read,
    /// its size and change time.
    pub hash: String,
    /// The bytes; `None` when the file is over the bound.
    pub bytes: Option<Vec<u8>>,
    /// The file's size.
    pub len: u64,
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
