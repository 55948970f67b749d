//! The SFTP extended-request parser (the SSH strings of `posix-rename@openssh.com` and
//! `fsync@openssh.com`): no panic, and what it returns re-encodes to exactly its input.

use wharf::transport::sftp::fuzzing::ssh_strings;

/// Runs one input.
pub fn run(data: &[u8]) {
    if let Some(strings) = ssh_strings(data) {
        let mut again = Vec::with_capacity(data.len());
        for s in &strings {
            again.extend_from_slice(&(s.len() as u32).to_be_bytes());
            again.extend_from_slice(s.as_bytes());
        }
        assert_eq!(again, data, "parsed {strings:?}");
    }
}
