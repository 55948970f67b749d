//! Fault injection for tests, compiled into debug builds only (the test suite's binary): a
//! partner file can ask to make the parser panic or the process die while it is processed, so
//! the tests can prove that neither traps the file nor takes the server down for good.
//!
//! The request is a processing instruction in the file, `<?wharf-test-panic?>` (a panic inside
//! the parser's callbacks) or `<?wharf-test-abort?>` (the process aborts, as a stack overflow
//! or an out-of-memory kill would end it). Release builds contain none of this.

/// The processing instruction that panics inside the parser.
pub const PANIC: &str = "wharf-test-panic";
/// The processing instruction that aborts the process.
pub const ABORT: &str = "wharf-test-abort";

/// Called by the parsers with each processing instruction's target.
pub fn processing_instruction(target: &str) {
    if target == PANIC {
        panic!("injected parser panic ({PANIC})");
    }
}

/// Called by the pipeline with the first bytes of each input, once its processing has begun.
pub fn processing(head: &[u8]) {
    let marker = format!("<?{ABORT}?>");
    if head.windows(marker.len()).any(|w| w == marker.as_bytes()) {
        tracing::warn!("{ABORT}: aborting the process as a crash would");
        std::process::abort();
    }
}
