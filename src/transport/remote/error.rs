//! Why talking to a partner's server failed, whatever the protocol, and the one helper that
//! bounds every network step ([`step`]).

use std::future::Future;
use std::time::Duration;

/// The limit on connecting and on each later step.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// A pull-mode failure: the poll is abandoned and retried later.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// A step on the partner's server failed (`what` names it: `listing /out`).
    #[error("{what}: {source}")]
    Step {
        /// The step.
        what: String,
        /// The protocol library's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A step got no answer in time.
    #[error("{what}: no answer within {}s", limit.as_secs())]
    Timeout {
        /// The step.
        what: String,
        /// The limit it exceeded.
        limit: Duration,
    },
    /// A local file operation failed (`what` names it and the file).
    #[error("{what}: {source}")]
    Local {
        /// The operation and its file.
        what: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// The partner's `[partner.remote]` settings cannot be used as they are (no pinned host
    /// key, a key that is not OpenSSH, a password missing, an unreadable `ca_file`).
    #[error("{0}")]
    Settings(String),
    /// The server's host key is not the pinned one.
    #[error(
        "the server's host key does not match the pinned `host_key` (it presented {presented}); refusing to connect"
    )]
    HostKeyMismatch {
        /// The key it presented (algorithm and base64).
        presented: String,
    },
    /// The server refused the login.
    #[error("{url}: login as {user:?} refused")]
    LoginRefused {
        /// The server.
        url: String,
        /// The user name.
        user: String,
    },
    /// No host key could be read from the server (`wharf host-key`).
    #[error("{0}")]
    NoHostKey(String),
    /// The pull-mode ledger in the order store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl RemoteError {
    /// A local file operation's failure, named by `what`.
    pub fn local(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> RemoteError {
        let what = what.into();
        move |source| RemoteError::Local { what, source }
    }
}

/// Runs one network step within [`STEP_TIMEOUT`], naming `what` when it fails or times out.
pub async fn step<T, E>(
    what: impl Into<String>,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, RemoteError>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match tokio::time::timeout(STEP_TIMEOUT, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(RemoteError::Step {
            what: what.into(),
            source: Box::new(e),
        }),
        Err(_) => Err(RemoteError::Timeout {
            what: what.into(),
            limit: STEP_TIMEOUT,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_step_is_named_and_keeps_its_source() {
        let e = step("listing /out", async {
            Err::<(), _>(std::io::Error::other("refused"))
        })
        .await
        .unwrap_err();
        assert_eq!(e.to_string(), "listing /out: refused");
        assert!(std::error::Error::source(&e).is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_step_without_answer_times_out() {
        let e = step(
            "connecting",
            std::future::pending::<Result<(), std::io::Error>>(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, RemoteError::Timeout { .. }));
        assert_eq!(e.to_string(), "connecting: no answer within 30s");
    }
}
