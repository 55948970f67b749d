//! Transports: speak a protocol, authenticate through [`login`](crate::login), enforce the
//! [`policy`](crate::policy) through [`Home`](crate::home::Home), and report completed uploads
//! to the [`intake`](crate::intake). None of them parses an order file.

pub mod ftp;
pub mod remote;
pub mod sftp;
