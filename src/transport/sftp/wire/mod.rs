//! The SFTP version 3 wire format (draft-ietf-secsh-filexfer-02), as pure functions: no I/O,
//! no state beyond a [`Framer`]'s buffer, no panic on any input (a fuzz target feeds it
//! arbitrary bytes).
//!
//! - [`Framer`] cuts the channel's byte stream into packets (`uint32 length`, then that many
//!   bytes), refusing any longer than [`MAX_PACKET`].
//! - [`decode`] turns one packet into a [`Request`]; a write's data stays a slice of the
//!   packet (no copy).
//! - [`encode`] builds the replies.
//!
//! Written by hand rather than taken from russh-sftp, whose server answers one request at a
//! time and copies every write's data: the request loop here needs the requests as values it
//! can queue and run side by side, and the data as shared slices.

mod attrs;
mod decode;
pub mod encode;

pub use attrs::Attrs;
pub use decode::{Request, decode, strings};

use bytes::{Buf, Bytes, BytesMut};

/// The largest packet accepted (its length field), as OpenSSH's `sftp-server`: room for a
/// write of [`MAX_DATA`] bytes with its header.
pub const MAX_PACKET: u32 = 256 * 1024;
/// The largest read answered and write accepted, advertised in `limits@openssh.com`.
pub const MAX_DATA: u32 = MAX_PACKET - 1024;

/// Request and reply types (draft §3, §7).
pub mod kind {
    /// `SSH_FXP_INIT`.
    pub const INIT: u8 = 1;
    /// `SSH_FXP_VERSION`.
    pub const VERSION: u8 = 2;
    /// `SSH_FXP_OPEN`.
    pub const OPEN: u8 = 3;
    /// `SSH_FXP_CLOSE`.
    pub const CLOSE: u8 = 4;
    /// `SSH_FXP_READ`.
    pub const READ: u8 = 5;
    /// `SSH_FXP_WRITE`.
    pub const WRITE: u8 = 6;
    /// `SSH_FXP_LSTAT`.
    pub const LSTAT: u8 = 7;
    /// `SSH_FXP_FSTAT`.
    pub const FSTAT: u8 = 8;
    /// `SSH_FXP_SETSTAT`.
    pub const SETSTAT: u8 = 9;
    /// `SSH_FXP_FSETSTAT`.
    pub const FSETSTAT: u8 = 10;
    /// `SSH_FXP_OPENDIR`.
    pub const OPENDIR: u8 = 11;
    /// `SSH_FXP_READDIR`.
    pub const READDIR: u8 = 12;
    /// `SSH_FXP_REMOVE`.
    pub const REMOVE: u8 = 13;
    /// `SSH_FXP_MKDIR`.
    pub const MKDIR: u8 = 14;
    /// `SSH_FXP_RMDIR`.
    pub const RMDIR: u8 = 15;
    /// `SSH_FXP_REALPATH`.
    pub const REALPATH: u8 = 16;
    /// `SSH_FXP_STAT`.
    pub const STAT: u8 = 17;
    /// `SSH_FXP_RENAME`.
    pub const RENAME: u8 = 18;
    /// `SSH_FXP_READLINK`.
    pub const READLINK: u8 = 19;
    /// `SSH_FXP_SYMLINK`.
    pub const SYMLINK: u8 = 20;
    /// `SSH_FXP_STATUS`.
    pub const STATUS: u8 = 101;
    /// `SSH_FXP_HANDLE`.
    pub const HANDLE: u8 = 102;
    /// `SSH_FXP_DATA`.
    pub const DATA: u8 = 103;
    /// `SSH_FXP_NAME`.
    pub const NAME: u8 = 104;
    /// `SSH_FXP_ATTRS`.
    pub const ATTRS: u8 = 105;
    /// `SSH_FXP_EXTENDED`.
    pub const EXTENDED: u8 = 200;
    /// `SSH_FXP_EXTENDED_REPLY`.
    pub const EXTENDED_REPLY: u8 = 201;
}

/// `SSH_FXF_*` open flags (draft §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenFlags(pub u32);

impl OpenFlags {
    /// `SSH_FXF_READ`.
    pub const READ: u32 = 0x01;
    /// `SSH_FXF_WRITE`.
    pub const WRITE: u32 = 0x02;
    /// `SSH_FXF_APPEND`.
    pub const APPEND: u32 = 0x04;
    /// `SSH_FXF_CREAT`.
    pub const CREATE: u32 = 0x08;
    /// `SSH_FXF_TRUNC`.
    pub const TRUNCATE: u32 = 0x10;
    /// `SSH_FXF_EXCL`.
    pub const EXCLUSIVE: u32 = 0x20;

    /// Whether `flag` is set.
    pub fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}

/// `SSH_FX_*` status codes (draft §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusCode {
    /// `SSH_FX_OK`.
    Ok = 0,
    /// `SSH_FX_EOF`.
    Eof = 1,
    /// `SSH_FX_NO_SUCH_FILE`.
    NoSuchFile = 2,
    /// `SSH_FX_PERMISSION_DENIED`.
    PermissionDenied = 3,
    /// `SSH_FX_FAILURE`.
    Failure = 4,
    /// `SSH_FX_BAD_MESSAGE`.
    BadMessage = 5,
    /// `SSH_FX_OP_UNSUPPORTED`.
    OpUnsupported = 8,
}

impl StatusCode {
    /// The default message for a status without one of its own.
    pub fn text(self) -> &'static str {
        match self {
            StatusCode::Ok => "Success",
            StatusCode::Eof => "End of file",
            StatusCode::NoSuchFile => "No such file",
            StatusCode::PermissionDenied => "Permission denied",
            StatusCode::Failure => "Failure",
            StatusCode::BadMessage => "Bad message",
            StatusCode::OpUnsupported => "Operation unsupported",
        }
    }
}

/// Why the byte stream cannot be cut into packets (the session must end: what follows cannot
/// be framed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A length field past [`MAX_PACKET`] (or zero: a packet holds at least its type).
    #[error("bad SFTP packet length {0}")]
    BadLength(u32),
}

/// Cuts the incoming byte stream into packets. Holds at most one partial packet.
#[derive(Debug, Default)]
pub struct Framer {
    buf: BytesMut,
}

impl Framer {
    /// Appends bytes received from the channel.
    pub fn push(&mut self, data: &[u8]) {
        if self.buf.is_empty() {
            // A fresh buffer (the last one may still be shared with packets in use), sized for
            // the whole packet that starts here: one allocation, never copied to grow.
            let want = data.get(..4).map_or(0, |h| {
                let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]).min(MAX_PACKET);
                4 + len as usize
            });
            self.buf = BytesMut::with_capacity(data.len().max(want).max(64));
        }
        self.buf.extend_from_slice(data);
    }

    /// The next complete packet (type byte first, length field removed), if one is buffered.
    pub fn next_packet(&mut self) -> Result<Option<Bytes>, FrameError> {
        let Some(head) = self.buf.get(..4) else {
            return Ok(None);
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        if len == 0 || len > MAX_PACKET {
            return Err(FrameError::BadLength(len));
        }
        let total = 4 + len as usize;
        if self.buf.len() < total {
            // Room for the whole packet at once: one allocation, no regrowth.
            self.buf.reserve(total - self.buf.len());
            return Ok(None);
        }
        let mut packet = self.buf.split_to(total);
        packet.advance(4);
        if self.buf.is_empty() {
            self.buf = BytesMut::new();
        }
        Ok(Some(packet.freeze()))
    }

    /// Bytes held (a partial packet).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn packets_split_anywhere_come_out_whole() {
        let mut stream = framed(&[kind::INIT, 0, 0, 0, 3]);
        stream.extend(framed(&[kind::REALPATH, 0, 0, 0, 7, 0, 0, 0, 1, b'.']));
        for cut in 0..stream.len() {
            let mut f = Framer::default();
            let mut got = Vec::new();
            for part in [&stream[..cut], &stream[cut..]] {
                f.push(part);
                while let Some(p) = f.next_packet().unwrap() {
                    got.push(p);
                }
            }
            assert_eq!(got.len(), 2, "cut at {cut}");
            assert_eq!(&got[0][..], &[kind::INIT, 0, 0, 0, 3]);
            assert_eq!(got[1][0], kind::REALPATH);
            assert_eq!(f.buffered(), 0);
        }
    }

    #[test]
    fn oversized_or_empty_packets_are_refused() {
        let mut f = Framer::default();
        f.push(&(MAX_PACKET + 1).to_be_bytes());
        assert_eq!(f.next_packet(), Err(FrameError::BadLength(MAX_PACKET + 1)));
        let mut f = Framer::default();
        f.push(&[0, 0, 0, 0]);
        assert_eq!(f.next_packet(), Err(FrameError::BadLength(0)));
        // The largest allowed length waits for its bytes.
        let mut f = Framer::default();
        f.push(&MAX_PACKET.to_be_bytes());
        assert_eq!(f.next_packet(), Ok(None));
    }
}
