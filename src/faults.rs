//! Fault injection for tests, compiled into debug builds only (the test suite's binary): a
//! partner file can ask to make the parser panic, the process die, or the carrying out of its
//! plan pause, so the tests can prove that none of these traps the file, takes the server down
//! for good, or sends anything twice. Release builds contain none of this.
//!
//! The requests are processing instructions in the file's first bytes, looked for as bytes
//! whatever the format (a JSON or CSV file carries one inside a field value):
//! - `<?wharf-test-panic?>`: a panic inside the parser's callbacks;
//! - `<?wharf-test-abort?>`: the process aborts, as a stack overflow or an out-of-memory kill
//!   would end it;
//! - `<?wharf-test-hold MS?>`: each step of carrying out the file's recorded plan waits MS
//!   milliseconds first, and logs the step it holds before — a window wide enough for a test
//!   to kill the process in the middle of a plan, at a step of its choosing;
//!   `<?wharf-test-hold MS LATE?>` waits LATE milliseconds instead before each step that comes
//!   once the outputs are out (report, input move, forgetting the job), long enough for the
//!   partner to take an output before the kill — the kill a replay must not send again;
//! - `<?wharf-test-parts N?>`: a batch of more than N orders is decided in parts of N orders
//!   rather than of hundreds, so that a test's small batch has parts to stop between.
//!
//! One request comes from the environment instead, as a partner's delete carries no content:
//! `WHARF_TEST_HOLD_ACK_MS=MS` makes each acknowledgment of a taken file wait MS milliseconds
//! (after logging that it holds) before it is recorded — a window for a test to kill the process
//! between the partner's delete and its record ([`hold_acknowledgment`]).
//!
//! Unit tests also stop a plan before a given step, as a crash there would ([`stop_before`]):
//! each step of a plan has a number, so every boundary can be tried in turn, whatever steps a
//! plan is made of.

use std::cell::Cell;
use std::time::Duration;

/// The processing instruction that panics inside the parser.
pub const PANIC: &str = "wharf-test-panic";
/// The processing instruction that aborts the process.
pub const ABORT: &str = "wharf-test-abort";
/// The processing instruction that holds each step of the plan: `<?wharf-test-hold MS?>`.
pub const HOLD: &str = "wharf-test-hold";
/// The processing instruction that has a batch decided in parts of N orders:
/// `<?wharf-test-parts N?>`.
pub const PARTS: &str = "wharf-test-parts";

/// The environment variable that holds each acknowledgment: `WHARF_TEST_HOLD_ACK_MS=MS`.
pub const HOLD_ACK_ENV: &str = "WHARF_TEST_HOLD_ACK_MS";

/// Waits as long as [`HOLD_ACK_ENV`] asks, if it does, before an acknowledgment is recorded.
pub fn hold_acknowledgment() {
    let Some(ms) = std::env::var(HOLD_ACK_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return;
    };
    tracing::warn!(
        ms,
        "{HOLD_ACK_ENV}: holding the acknowledgment before it is recorded"
    );
    std::thread::sleep(Duration::from_millis(ms));
}

/// How far into a file its requests are looked for.
const HEAD: usize = 4096;

thread_local! {
    /// The hold asked for by the file processed on this thread.
    static HELD: Cell<Option<Hold>> = const { Cell::new(None) };
    /// The part size asked for by the file processed on this thread.
    static PART_ORDERS: Cell<Option<usize>> = const { Cell::new(None) };
    /// The step a unit test stops plans before, on this thread.
    static STOP: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Called by the parsers with each processing instruction's target.
pub fn processing_instruction(target: &str) {
    if target == PANIC {
        panic!("injected parser panic ({PANIC})");
    }
}

/// Called by the pipeline with the first bytes of each input, once its processing has begun.
pub fn processing(head: &[u8]) {
    let marker = format!("<?{ABORT}?>");
    if find(head, marker.as_bytes()).is_some() {
        tracing::warn!("{ABORT}: aborting the process as a crash would");
        std::process::abort();
    }
}

/// The requests of one file, in force on this thread until the value is dropped.
#[must_use]
pub struct FileFaults(());

impl Drop for FileFaults {
    fn drop(&mut self) {
        HELD.set(None);
        PART_ORDERS.set(None);
    }
}

/// Reads the requests in `head` (a file's first bytes) for the time the file is processed.
pub fn for_file(head: &[u8]) -> FileFaults {
    let head = &head[..head.len().min(HEAD)];
    HELD.set(hold_in(head));
    PART_ORDERS.set(numbers_in(head, PARTS).and_then(|n| match n[..] {
        [n] if n > 0 => usize::try_from(n).ok(),
        _ => None,
    }));
    FileFaults(())
}

/// The part size the file processed on this thread asked for, if it did.
pub fn part_orders() -> Option<usize> {
    PART_ORDERS.get()
}

/// The numbers of `<?TARGET N ...?>` in `head`.
fn numbers_in(head: &[u8], target: &str) -> Option<Vec<u64>> {
    let open = format!("<?{target} ");
    let at = find(head, open.as_bytes())? + open.len();
    let rest = &head[at..];
    let end = find(rest, b"?>")?;
    std::str::from_utf8(&rest[..end])
        .ok()?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()
}

/// How long the steps of a held plan wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hold {
    /// Before each step.
    each: Duration,
    /// Before each step once the outputs are out.
    late: Duration,
}

/// `<?wharf-test-hold MS?>` or `<?wharf-test-hold MS LATE?>` in `head`.
fn hold_in(head: &[u8]) -> Option<Hold> {
    let ms = numbers_in(head, HOLD)?;
    match ms[..] {
        [each] => Some(Hold {
            each: Duration::from_millis(each),
            late: Duration::from_millis(each),
        }),
        [each, late] => Some(Hold {
            each: Duration::from_millis(each),
            late: Duration::from_millis(late),
        }),
        _ => None,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A plan stopped before a step, as a crash there would have stopped it.
#[derive(Debug)]
pub struct Stopped;

/// Called before step `n` (counted from 0) of carrying out a plan, `step` saying what it
/// does and `outputs_out` whether the plan's outputs are all out by then: holds it when the
/// file asked for a hold, stops it when a test asked to stop there.
pub fn before_step(
    n: usize,
    step: &dyn std::fmt::Display,
    outputs_out: bool,
) -> Result<(), Stopped> {
    if let Some(hold) = HELD.get() {
        if outputs_out {
            tracing::info!(step = n, what = %step, "{HOLD}: holding, the outputs out, before this step");
            std::thread::sleep(hold.late);
        } else {
            tracing::info!(step = n, what = %step, "{HOLD}: holding before this step");
            std::thread::sleep(hold.each);
        }
    }
    if STOP.get() == Some(n) {
        return Err(Stopped);
    }
    Ok(())
}

/// Plans carried out on this thread stop before step `n` until the guard is dropped.
pub fn stop_before(n: usize) -> StopGuard {
    STOP.set(Some(n));
    StopGuard(())
}

/// Ends a [`stop_before`] request when dropped.
#[must_use]
pub struct StopGuard(());

impl Drop for StopGuard {
    fn drop(&mut self) {
        STOP.set(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_is_read_from_any_format() {
        let ms = Duration::from_millis;
        assert_eq!(
            hold_in(b"<x><?wharf-test-hold 40?></x>"),
            Some(Hold {
                each: ms(40),
                late: ms(40)
            })
        );
        assert_eq!(
            hold_in(br#"{"note":"<?wharf-test-hold 5 300?>","a":1}"#),
            Some(Hold {
                each: ms(5),
                late: ms(300)
            })
        );
        assert_eq!(hold_in(b"<?wharf-test-hold?>"), None);
        assert_eq!(hold_in(b"<?wharf-test-hold x?>"), None);
        assert_eq!(hold_in(b"<?wharf-test-hold 1 2 3?>"), None);
        assert_eq!(hold_in(b"no request"), None);
    }

    #[test]
    fn a_stop_holds_for_its_step_only_while_asked() {
        let guard = stop_before(2);
        assert!(before_step(0, &"a", false).is_ok());
        assert!(before_step(2, &"c", false).is_err());
        drop(guard);
        assert!(before_step(2, &"c", false).is_ok());
    }
}
