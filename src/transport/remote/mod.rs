//! Pull mode (issue 7): Wharf logs into a partner's own server, picks up the files waiting
//! there and drops off the partner's outputs. Over SFTP, FTP and FTPS (explicit TLS).

pub mod conn;
pub mod ftp;
pub mod poller;
pub mod sftp;
