//! One packet into one [`Request`] (draft §4-§6, §8). Every read is checked: a short or
//! inconsistent packet is [`Malformed`], never a panic. Bytes after the last field are
//! ignored, as OpenSSH's `sftp-server` does.

use super::attrs::Attrs;
use super::{OpenFlags, kind};
use bytes::Bytes;

/// A request from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `SSH_FXP_INIT` (its extension pairs are ignored).
    Init {
        /// The client's protocol version.
        version: u32,
    },
    /// `SSH_FXP_OPEN`.
    Open {
        /// The file.
        path: String,
        /// `SSH_FXF_*` flags.
        flags: OpenFlags,
        /// Attributes for a new file.
        attrs: Attrs,
    },
    /// `SSH_FXP_CLOSE`.
    Close {
        /// The handle.
        handle: Bytes,
    },
    /// `SSH_FXP_READ`.
    Read {
        /// The handle.
        handle: Bytes,
        /// Where to read.
        offset: u64,
        /// How much, at most.
        len: u32,
    },
    /// `SSH_FXP_WRITE`.
    Write {
        /// The handle.
        handle: Bytes,
        /// Where to write.
        offset: u64,
        /// The bytes (a slice of the packet).
        data: Bytes,
    },
    /// `SSH_FXP_LSTAT`.
    Lstat {
        /// The path.
        path: String,
    },
    /// `SSH_FXP_FSTAT`.
    Fstat {
        /// The handle.
        handle: Bytes,
    },
    /// `SSH_FXP_SETSTAT`.
    Setstat {
        /// The path.
        path: String,
        /// What to change.
        attrs: Attrs,
    },
    /// `SSH_FXP_FSETSTAT`.
    Fsetstat {
        /// The handle.
        handle: Bytes,
        /// What to change.
        attrs: Attrs,
    },
    /// `SSH_FXP_OPENDIR`.
    Opendir {
        /// The folder.
        path: String,
    },
    /// `SSH_FXP_READDIR`.
    Readdir {
        /// The handle.
        handle: Bytes,
    },
    /// `SSH_FXP_REMOVE`.
    Remove {
        /// The file.
        path: String,
    },
    /// `SSH_FXP_MKDIR`.
    Mkdir {
        /// The folder.
        path: String,
        /// Its attributes (ignored).
        attrs: Attrs,
    },
    /// `SSH_FXP_RMDIR`.
    Rmdir {
        /// The folder.
        path: String,
    },
    /// `SSH_FXP_REALPATH`.
    Realpath {
        /// The path.
        path: String,
    },
    /// `SSH_FXP_STAT`.
    Stat {
        /// The path.
        path: String,
    },
    /// `SSH_FXP_RENAME`.
    Rename {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `SSH_FXP_READLINK`.
    Readlink {
        /// The link.
        path: String,
    },
    /// `SSH_FXP_SYMLINK`.
    Symlink {
        /// The link to make.
        link: String,
        /// What it points to.
        target: String,
    },
    /// `SSH_FXP_EXTENDED`.
    Extended {
        /// The extension's name.
        name: String,
        /// Its request data (the rest of the packet).
        data: Bytes,
    },
    /// A request type this version does not define (answered `SSH_FX_OP_UNSUPPORTED`).
    Unknown {
        /// Its type byte.
        kind: u8,
    },
}

impl Request {
    /// The handle the request works on, if it is one of the handle requests.
    pub fn handle(&self) -> Option<&Bytes> {
        match self {
            Request::Close { handle }
            | Request::Read { handle, .. }
            | Request::Write { handle, .. }
            | Request::Fstat { handle }
            | Request::Fsetstat { handle, .. }
            | Request::Readdir { handle } => Some(handle),
            _ => None,
        }
    }
}

/// A packet that is not a well-formed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed {
    /// The request id, when the packet was long enough to hold one (the client then gets an
    /// `SSH_FX_BAD_MESSAGE` status for it).
    pub id: Option<u32>,
}

/// Decodes one packet (type byte first). Returns the request id (0 for `SSH_FXP_INIT`, which
/// has none) and the request.
pub fn decode(packet: &Bytes) -> Result<(u32, Request), Malformed> {
    let mut r = Reader::new(packet);
    let no_id = Malformed { id: None };
    let kind = r.u8().ok_or(no_id)?;
    if kind == kind::INIT {
        let version = r.u32().ok_or(no_id)?;
        return Ok((0, Request::Init { version }));
    }
    let id = r.u32().ok_or(no_id)?;
    let request = body(kind, &mut r).ok_or(Malformed { id: Some(id) })?;
    Ok((id, request))
}

fn body(kind: u8, r: &mut Reader) -> Option<Request> {
    Some(match kind {
        kind::OPEN => Request::Open {
            path: r.string()?,
            flags: OpenFlags(r.u32()?),
            attrs: Attrs::read(r)?,
        },
        kind::CLOSE => Request::Close { handle: r.bytes()? },
        kind::READ => Request::Read {
            handle: r.bytes()?,
            offset: r.u64()?,
            len: r.u32()?,
        },
        kind::WRITE => Request::Write {
            handle: r.bytes()?,
            offset: r.u64()?,
            data: r.bytes()?,
        },
        kind::LSTAT => Request::Lstat { path: r.string()? },
        kind::FSTAT => Request::Fstat { handle: r.bytes()? },
        kind::SETSTAT => Request::Setstat {
            path: r.string()?,
            attrs: Attrs::read(r)?,
        },
        kind::FSETSTAT => Request::Fsetstat {
            handle: r.bytes()?,
            attrs: Attrs::read(r)?,
        },
        kind::OPENDIR => Request::Opendir { path: r.string()? },
        kind::READDIR => Request::Readdir { handle: r.bytes()? },
        kind::REMOVE => Request::Remove { path: r.string()? },
        kind::MKDIR => Request::Mkdir {
            path: r.string()?,
            attrs: Attrs::read(r)?,
        },
        kind::RMDIR => Request::Rmdir { path: r.string()? },
        kind::REALPATH => Request::Realpath { path: r.string()? },
        kind::STAT => Request::Stat { path: r.string()? },
        kind::RENAME => Request::Rename {
            from: r.string()?,
            to: r.string()?,
        },
        kind::READLINK => Request::Readlink { path: r.string()? },
        kind::SYMLINK => Request::Symlink {
            link: r.string()?,
            target: r.string()?,
        },
        kind::EXTENDED => Request::Extended {
            name: r.string()?,
            data: r.rest(),
        },
        other => Request::Unknown { kind: other },
    })
}

/// Checked reads from a packet; string data comes out as slices of it.
#[derive(Debug)]
pub struct Reader<'a> {
    packet: &'a Bytes,
    at: usize,
}

impl<'a> Reader<'a> {
    /// Reads `packet` from its start.
    pub fn new(packet: &'a Bytes) -> Reader<'a> {
        Reader { packet, at: 0 }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.packet.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    /// A byte.
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// A `uint32`.
    pub fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `uint64`.
    pub fn u64(&mut self) -> Option<u64> {
        let hi = u64::from(self.u32()?);
        let lo = u64::from(self.u32()?);
        Some(hi << 32 | lo)
    }

    /// An SSH string's bytes (RFC 4251 §5), as a slice of the packet.
    pub fn bytes(&mut self) -> Option<Bytes> {
        let len = self.u32()? as usize;
        let start = self.at;
        self.take(len)?;
        Some(self.packet.slice(start..start + len))
    }

    /// An SSH string that must be UTF-8.
    pub fn string(&mut self) -> Option<String> {
        let len = self.u32()? as usize;
        let b = self.take(len)?;
        String::from_utf8(b.to_vec()).ok()
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> Bytes {
        let start = self.at.min(self.packet.len());
        self.at = self.packet.len();
        self.packet.slice(start..)
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.at >= self.packet.len()
    }
}

/// The SSH strings of an extended request's data, each UTF-8 (RFC 4251 §5); `None` when the
/// data is not exactly a sequence of them.
pub fn strings(data: &Bytes) -> Option<Vec<String>> {
    let mut r = Reader::new(data);
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(r.string()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::{BufMut, BytesMut};

    fn packet(kind: u8, id: u32, fields: impl FnOnce(&mut BytesMut)) -> Bytes {
        let mut b = BytesMut::new();
        b.put_u8(kind);
        b.put_u32(id);
        fields(&mut b);
        b.freeze()
    }

    fn string(b: &mut BytesMut, s: &[u8]) {
        b.put_u32(s.len() as u32);
        b.put_slice(s);
    }

    #[test]
    fn requests_decode_with_their_fields() {
        let p = packet(kind::WRITE, 9, |b| {
            string(b, b"1");
            b.put_u64(1 << 40);
            string(b, b"hello");
        });
        let (id, r) = decode(&p).unwrap();
        assert_eq!(id, 9);
        let Request::Write {
            handle,
            offset,
            data,
        } = r
        else {
            panic!("{r:?}")
        };
        assert_eq!(
            (&handle[..], offset, &data[..]),
            (&b"1"[..], 1 << 40, &b"hello"[..])
        );

        let p = packet(kind::OPEN, 3, |b| {
            string(b, b"/in/a.xml");
            b.put_u32(OpenFlags::WRITE | OpenFlags::CREATE);
            b.put_u32(0);
        });
        assert_eq!(
            decode(&p).unwrap(),
            (
                3,
                Request::Open {
                    path: "/in/a.xml".into(),
                    flags: OpenFlags(OpenFlags::WRITE | OpenFlags::CREATE),
                    attrs: Attrs::default(),
                }
            )
        );

        let init = Bytes::from_static(&[kind::INIT, 0, 0, 0, 3]);
        assert_eq!(decode(&init).unwrap(), (0, Request::Init { version: 3 }));
        let odd = packet(99, 4, |_| {});
        assert_eq!(decode(&odd).unwrap(), (4, Request::Unknown { kind: 99 }));
    }

    #[test]
    fn malformed_packets_say_whether_an_id_was_read() {
        assert_eq!(decode(&Bytes::new()), Err(Malformed { id: None }));
        assert_eq!(
            decode(&Bytes::from_static(&[kind::STAT, 0, 0])),
            Err(Malformed { id: None })
        );
        // A string longer than the packet.
        let p = packet(kind::STAT, 5, |b| b.put_u32(1000));
        assert_eq!(decode(&p), Err(Malformed { id: Some(5) }));
        // A path that is not UTF-8.
        let p = packet(kind::STAT, 6, |b| string(b, &[0xff, 0xfe]));
        assert_eq!(decode(&p), Err(Malformed { id: Some(6) }));
        // A length that overflows the offset.
        let p = packet(kind::CLOSE, 7, |b| b.put_u32(u32::MAX));
        assert_eq!(decode(&p), Err(Malformed { id: Some(7) }));
    }

    #[test]
    fn every_truncation_of_every_request_is_handled() {
        let mut all = Vec::new();
        for k in 0..=210u8 {
            all.push(packet(k, 1, |b| {
                string(b, b"/in/x");
                b.put_u64(5);
                b.put_u32(0x8000_000f);
                string(b, b"abc");
            }));
        }
        for p in all {
            for cut in 0..=p.len() {
                let _ = decode(&p.slice(..cut));
            }
        }
    }

    #[test]
    fn extended_request_strings() {
        let mut d = BytesMut::new();
        for s in ["/in/a.filepart", "/in/a.xml"] {
            string(&mut d, s.as_bytes());
        }
        let d = d.freeze();
        assert_eq!(
            strings(&d).unwrap(),
            vec!["/in/a.filepart".to_string(), "/in/a.xml".to_string()]
        );
        assert!(strings(&d.slice(..d.len() - 1)).is_none(), "truncated");
        assert!(strings(&Bytes::from_static(&[0, 0, 0, 9, b'a'])).is_none());
    }
}
