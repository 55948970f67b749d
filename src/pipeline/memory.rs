//! Giving memory back after a big file.
//!
//! A big input is held whole while it is decoded, with its orders and outputs beside it; when
//! it is done, glibc keeps most of those pages in its arenas (measured: 363–464 MB stayed
//! resident after big inputs, for as long as the process lived). `malloc_trim` returns the
//! free pages of every arena to the system. It walks the heap, so it runs only after files of
//! [`TRIM_AFTER`] or more, where it costs little next to the file's processing.

/// Inputs at least this big are followed by a trim.
pub(super) const TRIM_AFTER: u64 = 4 * 1024 * 1024;

/// Returns free heap memory to the system after an input of `len` bytes, when it was big.
pub(super) fn after_file(len: u64) {
    if len >= TRIM_AFTER {
        trim();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: malloc_trim takes a plain integer, touches only the allocator's own free lists,
    // and is thread-safe (each arena is locked while it is trimmed).
    let released = unsafe { libc::malloc_trim(0) };
    tracing::debug!(
        released = released != 0,
        "gave free memory back after a big file"
    );
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
