//! The envelope of every merchant-API answer, as CartRover's: HTTP 200 with
//! `{"success_code": true, "response": …}`, or `{"success_code": false, "error_code":
//! "Invalid"|"Failure"|"RateLimit", "message": "…"}`. A rate-limited answer also carries
//! `Retry-After`.

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub enum ErrorCode {
    /// The request is wrong (credentials, parameters, body): sending it again will not help.
    Invalid,
    /// Wharf could not do it now (the store, a timeout): the same request may succeed later.
    Failure,
    /// Too many requests: wait `Retry-After` seconds.
    RateLimit,
}

/// A failed request's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Always false.
    pub success_code: bool,
    /// What kind of failure.
    pub error_code: ErrorCode,
    /// What went wrong, in words (a rejected body: the same text as a file's report).
    pub message: String,
}

/// Every answer: `response` on success, `error_code` and `message` otherwise. (For the
/// document, as one generic type so each endpoint names only what its `response` is; `body`
/// writes it.)
#[derive(ToSchema)]
pub struct Envelope<T> {
    /// True on success (false: `error_code` and `message` instead of `response`).
    pub success_code: bool,
    /// On success: what was asked for.
    #[schema(inline = false)]
    pub response: Option<T>,
    /// On failure: Invalid, Failure or RateLimit.
    pub error_code: Option<ErrorCode>,
    /// On failure: why (a refused body: the same text as a file's report).
    pub message: Option<String>,
}

/// An answer: the response, or an error.
#[derive(Debug)]
pub enum Answer {
    /// `success_code: true` with this `response`.
    Ok(serde_json::Value),
    /// `success_code: false`.
    Err {
        /// The kind.
        code: ErrorCode,
        /// The message.
        message: String,
        /// Seconds to wait (rate limit).
        retry_after: Option<u64>,
    },
}

impl Answer {
    /// A success with `response`.
    pub fn ok(response: impl Serialize) -> Answer {
        match serde_json::to_value(response) {
            Ok(v) => Answer::Ok(v),
            Err(e) => Answer::failure(format!("cannot write the answer: {e}")),
        }
    }

    /// An `Invalid` error.
    pub fn invalid(message: impl Into<String>) -> Answer {
        Answer::Err {
            code: ErrorCode::Invalid,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A `Failure` error.
    pub fn failure(message: impl Into<String>) -> Answer {
        Answer::Err {
            code: ErrorCode::Failure,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A `RateLimit` error: retry after `secs`.
    pub fn rate_limited(secs: u64) -> Answer {
        Answer::Err {
            code: ErrorCode::RateLimit,
            message: format!("too many requests: retry after {secs} s"),
            retry_after: Some(secs),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        match self {
            Answer::Ok(v) => serde_json::json!({"success_code": true, "response": v}),
            Answer::Err { code, message, .. } => serde_json::json!({
                "success_code": false,
                "error_code": code,
                "message": message,
            }),
        }
    }

    /// Whether it is a success.
    pub fn is_ok(&self) -> bool {
        matches!(self, Answer::Ok(_))
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let retry = match &self {
            Answer::Err { retry_after, .. } => *retry_after,
            Answer::Ok(_) => None,
        };
        let mut r = Json(self.body()).into_response();
        if let Some(s) = retry
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}
