//! The running server's side: claims each request in `DATA_DIR/requests/`, carries it out and
//! writes the answer (see the parent module for the exchange).

use super::Request;
use crate::layout::names::{RequestFile, parse_request_file, request_file};
use crate::pipeline::{Done, Pipeline};
use std::io;
use std::path::Path;
use std::time::Duration;
use tracing::{info, warn};

/// An answer nobody read within this time is removed (its command gave up or was killed).
const ANSWER_KEPT: Duration = Duration::from_secs(3600);

/// Whether `dir` holds a request to carry out (waiting or taken before a crash), or an answer
/// left too long. A missing folder holds none.
pub fn has_pending(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        match parse_request_file(&name.to_string_lossy()) {
            Some((_, RequestFile::Request | RequestFile::Taken)) => true,
            Some((_, RequestFile::Answer)) => stale(&e.path()),
            None => false,
        }
    })
}

/// Carries out every request in `dir`, oldest name first; returns how many were answered.
/// Requests taken before a crash are carried out (again) too; their replay is harmless.
pub fn answer_pending(pipeline: &Pipeline, dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut answered = 0;
    for name in &names {
        let Some((id, stage)) = parse_request_file(name) else {
            continue;
        };
        let taken = dir.join(request_file(id, RequestFile::Taken));
        match stage {
            RequestFile::Answer => {
                let path = dir.join(name);
                if stale(&path) {
                    let _ = std::fs::remove_file(&path);
                }
                continue;
            }
            RequestFile::Request => match std::fs::rename(dir.join(name), &taken) {
                Ok(()) => {}
                // Withdrawn by its command in the meantime.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => {
                    warn!(request = %name, error = %e, "cannot take an operator request");
                    continue;
                }
            },
            RequestFile::Taken => {}
        }
        if answer_one(pipeline, dir, id, &taken) {
            answered += 1;
        }
    }
    answered
}

/// Carries out the taken request `id` and answers it; false if it could not be answered (it is
/// tried again at the next look).
fn answer_one(pipeline: &Pipeline, dir: &Path, id: &str, taken: &Path) -> bool {
    let span = tracing::info_span!("operator_request", id);
    let _enter = span.enter();
    let answer_name = request_file(id, RequestFile::Answer);
    if !dir.join(&answer_name).exists() {
        let done = match std::fs::read(taken)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Request>(&b).map_err(|e| e.to_string()))
        {
            Ok(request) => match pipeline.perform(&request) {
                Ok(done) => {
                    info!(?request, ?done, "operator request carried out");
                    done
                }
                Err(e) => {
                    warn!(?request, error = %e, "operator request failed");
                    Done::Refused(format!("failed: {e}"))
                }
            },
            Err(e) => Done::Refused(format!("unreadable request: {e}")),
        };
        let bytes = match serde_json::to_vec(&done) {
            Ok(b) => b,
            Err(e) => {
                warn!(error = %e, "cannot encode an operator answer");
                return false;
            }
        };
        if let Err(e) = crate::durable::write_atomic(dir, &answer_name, &bytes) {
            warn!(error = %e, "cannot write an operator answer; the request is tried again");
            return false;
        }
    }
    if let Err(e) = std::fs::remove_file(taken)
        && e.kind() != io::ErrorKind::NotFound
    {
        warn!(error = %e, "cannot remove an answered operator request");
    }
    true
}

/// Whether an answer has waited longer than [`ANSWER_KEPT`].
fn stale(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > ANSWER_KEPT)
}
