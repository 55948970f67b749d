//! Pull mode: Wharf logs into a partner's own server, picks up the files waiting there and
//! drops off the partner's outputs, over SFTP, FTP and FTPS (explicit TLS). The poller
//! ([`poller`]) knows no protocol: it drives one [`conn::Conn`], whose steps are each bounded
//! and fail with a [`RemoteError`].

pub mod conn;
pub mod error;
pub mod ftp;
mod legacy;
pub mod poller;
pub mod sftp;

pub use error::RemoteError;
