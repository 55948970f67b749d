//! An operator's `release` and `cancel` while `wharf serve` runs.
//!
//! The store has one writer, and while the server runs that is the server. So the command line
//! does not decide anything itself: it leaves a request in `DATA_DIR/requests/` and waits for
//! the server's answer; the server carries the request out with the same
//! [`Pipeline::perform`] the command runs itself when no server holds the store. One logic,
//! whoever holds the store.
//!
//! The exchange, each step one atomic rename (names in [`crate::layout::names`]):
//! 1. the command writes `ID.request.json` (a temp name, then renamed into place);
//! 2. the server claims it by renaming it `ID.taken.json`, carries it out, writes
//!    `ID.answer.json`, then removes `ID.taken.json`;
//! 3. the command reads the answer and removes it. If no answer comes before its deadline it
//!    removes its request: when that succeeds the server never saw it and nothing was done;
//!    when the request is gone the server has taken it and its outcome is in the order's
//!    history.
//!
//! Why files and not a socket: they need no listener, address or credentials (whoever may
//! write the data folder may operate Wharf), and a request the server took survives a crash:
//! at start-up, after the store's own recovery, a `*.taken.json` without its answer is carried
//! out again. That replay changes nothing the second time: the decision is one store
//! transaction with its outputs recorded in it, so either it committed (the order is no longer
//! held, or already canceled, and the replay is refused with that reason) or it did not (the
//! replay does it once). The server looks at the folder with its worker, between two files,
//! every [`POLL`]: a listing of an almost always empty folder costs nothing, cannot miss an
//! event the way a file watcher can overflow, and serialises operator decisions with the
//! files' own.

mod answer;
mod submit;

pub use answer::{answer_pending, has_pending};
pub use submit::{Submitted, submit};

use super::{Done, Pipeline, PipelineError};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How often the running server looks for requests.
pub const POLL: Duration = Duration::from_millis(200);

/// What an operator asks of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Request {
    /// Send a held order as it is.
    Release {
        /// The order's `cust_ref`.
        reference: String,
    },
    /// Cancel an order not yet shipped.
    Cancel {
        /// The order's `cust_ref`.
        reference: String,
        /// Why, for the history and the warehouse.
        reason: Option<String>,
    },
}

/// The reason of a cancellation the operator gave none for.
const DEFAULT_REASON: &str = "canceled by the operator";

impl Pipeline {
    /// Carries out an operator's request in this pipeline's store: the one entry point of the
    /// command line (server stopped) and of the running server (a request file).
    pub fn perform(&self, request: &Request) -> Result<Done, PipelineError> {
        match request {
            Request::Release { reference } => self.release(reference),
            Request::Cancel { reference, reason } => {
                self.cancel(reference, reason.as_deref().unwrap_or(DEFAULT_REASON))
            }
        }
    }
}
