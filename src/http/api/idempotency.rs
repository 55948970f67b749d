//! `Idempotency-Key`: a POST sent again with the same key (by the same API user) gets the
//! answer the first one got, without running again; the same key with another request is
//! refused. The answers are kept in the store for a day. While a request with a key runs, a
//! second one with that key is refused (`Failure`, try again) rather than run beside it.

use super::answer::Answer;
use crate::http::Shared;
use crate::store::RecordedAnswer;
use axum::http::HeaderMap;
use std::collections::HashSet;
use std::sync::Mutex;

/// The longest key accepted.
const MAX_KEY: usize = 255;

/// Keys whose request is running.
#[derive(Debug, Default)]
pub(super) struct InFlight(Mutex<HashSet<(String, String)>>);

/// A request's claim on its key, released when dropped.
pub(super) struct Claim {
    state: Shared,
    user: String,
    key: String,
    request: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Some(api) = &self.state.api
            && let Ok(mut set) = api.in_flight.0.lock()
        {
            set.remove(&(self.user.clone(), self.key.clone()));
        }
    }
}

/// What to do with a request.
pub(super) enum Start {
    /// No key: just run it.
    Run,
    /// Run it, then [`Claim::record`] the answer.
    RunAndRecord(Claim),
    /// Answer this (the recorded first answer, or a refusal).
    Answer(Answer),
}

/// Looks at the request's `Idempotency-Key`; `what` identifies the request (method, path and
/// body).
pub(super) async fn start(state: &Shared, user: &str, headers: &HeaderMap, what: &[u8]) -> Start {
    let Some(value) = headers.get("idempotency-key") else {
        return Start::Run;
    };
    let Ok(key) = value.to_str() else {
        return Start::Answer(Answer::invalid("Idempotency-Key must be printable ASCII"));
    };
    if key.is_empty() || key.len() > MAX_KEY {
        return Start::Answer(Answer::invalid(format!(
            "Idempotency-Key must be 1 to {MAX_KEY} characters"
        )));
    }
    let Some(api) = &state.api else {
        return Start::Run;
    };
    let request = crate::pipeline::sha256_hex(what);
    let store = state.store.clone();
    let (u, k) = (user.to_owned(), key.to_owned());
    let found = tokio::task::spawn_blocking(move || store.api_answer(&u, &k)).await;
    match found {
        Ok(Ok(Some(rec))) if rec.request == request => {
            return Start::Answer(replay(rec.answer));
        }
        Ok(Ok(Some(_))) => {
            return Start::Answer(Answer::invalid(
                "this Idempotency-Key was used with a different request",
            ));
        }
        Ok(Ok(None)) => {}
        _ => return Start::Answer(Answer::failure("the store could not be read")),
    }
    let claimed = api
        .in_flight
        .0
        .lock()
        .map(|mut s| s.insert((user.to_owned(), key.to_owned())))
        .unwrap_or(false);
    if !claimed {
        return Start::Answer(Answer::failure(
            "a request with this Idempotency-Key is running; try again",
        ));
    }
    Start::RunAndRecord(Claim {
        state: state.clone(),
        user: user.to_owned(),
        key: key.to_owned(),
        request,
    })
}

/// The recorded body as an answer again.
fn replay(body: serde_json::Value) -> Answer {
    if body
        .get("success_code")
        .and_then(serde_json::Value::as_bool)
        == Some(true)
    {
        return Answer::Ok(body.get("response").cloned().unwrap_or_default());
    }
    let message = body
        .get("message")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match body.get("error_code").and_then(serde_json::Value::as_str) {
        Some("Invalid") => Answer::invalid(message),
        _ => Answer::failure(message),
    }
}

impl Claim {
    /// Records `answer` for the key (a `Failure` is not recorded: a retry runs again).
    pub async fn record(self, answer: &Answer) {
        if matches!(
            answer,
            Answer::Err {
                code: super::answer::ErrorCode::Failure,
                ..
            }
        ) {
            return;
        }
        let rec = RecordedAnswer {
            request: self.request.clone(),
            answer: answer.body(),
            at_ms: crate::store::now_ms(),
        };
        let store = self.state.store.clone();
        let (u, k) = (self.user.clone(), self.key.clone());
        let saved =
            tokio::task::spawn_blocking(move || store.record_api_answer(&u, &k, &rec)).await;
        if !matches!(saved, Ok(Ok(()))) {
            tracing::warn!(key = %self.key, "merchant API: could not record the answer of an Idempotency-Key");
        }
        drop(self);
    }
}
