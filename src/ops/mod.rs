//! Operating Wharf: what an operator watches and does besides the folders and the log.
//!
//! - [`metrics`]: the Prometheus metrics. Each event is counted where it already happens (a
//!   login in `login/`, a session in `login/sessions.rs`, an upload in the upload life cycle,
//!   a settled file in the pipeline, a poll in the remote poller) by a one-line call here.
//! - [`board`]: live observations of this process that the store does not keep (each
//!   partner's last login, each pull-mode partner's server up or down).
//! - [`health`]: whether the listeners are up and the store accepts writes (`/healthz`).
//!
//! What must survive a restart or be shared by several instances (each partner's last file,
//! order counts, alert state) lives in the [`store`](crate::store) instead.

pub mod board;
pub mod errors;
pub mod health;
pub mod metrics;
