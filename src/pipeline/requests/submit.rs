//! The command line's side: leaves a request for the running server and waits for its answer
//! (see the parent module for the exchange).

use super::Request;
use crate::layout::names::{RequestFile, request_file};
use crate::pipeline::Done;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

/// How often the command looks for the answer.
const WAIT_STEP: Duration = Duration::from_millis(50);

/// What became of a request left for the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// The server carried it out (or refused it) and said so.
    Answered(Done),
    /// No answer in time, and the request was withdrawn before the server saw it: nothing
    /// was done.
    Withdrawn,
    /// No answer in time, but the server has taken the request: it is (being) carried out and
    /// its outcome will be in the order's history.
    Taken,
}

/// Leaves `request` in `dir` (`DATA_DIR/requests/`) and waits up to `wait` for the answer.
pub fn submit(dir: &Path, request: &Request, wait: Duration) -> io::Result<Submitted> {
    let id = fresh_id();
    let bytes = serde_json::to_vec(request).map_err(io::Error::other)?;
    let request_name = request_file(&id, RequestFile::Request);
    crate::durable::write_atomic(dir, &request_name, &bytes)?;
    let answer = dir.join(request_file(&id, RequestFile::Answer));
    let deadline = Instant::now() + wait;
    loop {
        if let Some(done) = read_answer(&answer)? {
            return Ok(Submitted::Answered(done));
        }
        if Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(WAIT_STEP.min(deadline.saturating_duration_since(Instant::now())));
    }
    match std::fs::remove_file(dir.join(&request_name)) {
        Ok(()) => Ok(Submitted::Withdrawn),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(match read_answer(&answer)? {
            Some(done) => Submitted::Answered(done),
            None => Submitted::Taken,
        }),
        Err(e) => Err(e),
    }
}

/// The answer at `path`, removed once read; `None` while there is none.
fn read_answer(path: &Path) -> io::Result<Option<Done>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let done = serde_json::from_slice(&bytes).map_err(io::Error::other)?;
    std::fs::remove_file(path)?;
    Ok(Some(done))
}

/// A request id no other command picks: the time in nanoseconds and this process's id. Ids
/// sort by time, so the server carries requests out in the order they were made.
fn fresh_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:020}-{}", std::process::id())
}
