//! Test data on disk: random bytes, byte-for-byte comparison.

use anyhow::Result;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

/// `size` bytes of xorshift64* output: incompressible, and fast to make.
pub fn write_random(path: &Path, size: u64) -> Result<()> {
    let mut f = File::create(path)?;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for chunk in buf.chunks_exact_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            chunk.copy_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        let n = left.min(buf.len() as u64) as usize;
        f.write_all(&buf[..n])?;
        left -= n as u64;
    }
    f.sync_all()?;
    Ok(())
}

/// How long the disk under `dir` takes to make a small new file durable now: the median
/// seconds of `n` rounds of (create a new file, write 4 KB, fsync), as an upload does. Wharf
/// fsyncs several times per file, so when other work keeps the disk busy its end-to-end time
/// follows this.
pub fn fsync_probe(dir: &Path, n: usize) -> Result<f64> {
    let block = [0x5au8; 4096];
    let mut times = Vec::with_capacity(n);
    let paths: Vec<_> = (0..n)
        .map(|i| dir.join(format!("fsync-probe-{i}")))
        .collect();
    for path in &paths {
        let start = std::time::Instant::now();
        let mut f = File::create_new(path)?;
        f.write_all(&block)?;
        f.sync_all()?;
        times.push(start.elapsed().as_secs_f64());
    }
    for path in &paths {
        std::fs::remove_file(path)?;
    }
    Ok(super::stats::median(times))
}

/// Whether two files hold the same bytes.
pub fn same_content(a: &Path, b: &Path) -> Result<bool> {
    let (mut fa, mut fb) = (File::open(a)?, File::open(b)?);
    if fa.metadata()?.len() != fb.metadata()?.len() {
        return Ok(false);
    }
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let n = read_full(&mut fa, &mut ba)?;
        let m = read_full(&mut fb, &mut bb)?;
        if n != m || ba[..n] != bb[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full(f: &mut File, buf: &mut [u8]) -> Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        let n = f.read(&mut buf[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    Ok(got)
}
