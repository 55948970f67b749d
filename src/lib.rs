//! Wharf: an embedded FTP/FTPS/SFTP file-exchange gateway for e-commerce order integration.
//!
//! A file moves one way: a transport (`transport/`) reports a completed upload, the
//! [`intake`] queues it, the [`pipeline`] decodes it with a format from [`formats`], applies
//! it to the [`store`], writes outputs with the [`durable`] file helpers, and settles the input in
//! `archive/` or `error/`. The [`policy`] layer decides who may do what where, for every
//! transport alike.

#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
pub mod durable;
#[cfg(debug_assertions)]
pub mod faults;
pub mod formats;
pub mod home;
pub mod intake;
pub mod layout;
pub mod logging;
pub mod login;
pub mod model;
pub mod pipeline;
pub mod policy;
pub mod server;
pub mod shutdown;
pub mod store;
pub mod transport;
pub mod upload;
pub mod validate;
