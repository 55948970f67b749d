//! Pull mode (issue 7): Wharf logs into a partner's own server, picks up the files waiting
//! there and drops off the partner's outputs. SFTP only for now.

pub mod poller;
pub mod sftp;
