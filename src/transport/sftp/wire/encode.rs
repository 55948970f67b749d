//! Replies (draft §7), each a complete framed packet ready for the channel.

use super::attrs::Attrs;
use super::{MAX_DATA, MAX_PACKET, StatusCode, kind};
use bytes::{BufMut, Bytes, BytesMut};

/// A packet being built: its length field is filled in by [`Builder::finish`].
struct Builder(BytesMut);

impl Builder {
    fn new(kind: u8, capacity: usize) -> Builder {
        let mut b = BytesMut::with_capacity(capacity + 5);
        b.put_u32(0);
        b.put_u8(kind);
        Builder(b)
    }

    fn with_id(kind: u8, id: u32, capacity: usize) -> Builder {
        let mut b = Builder::new(kind, capacity + 4);
        b.0.put_u32(id);
        b
    }

    fn string(&mut self, s: &[u8]) {
        self.0.put_u32(u32::try_from(s.len()).unwrap_or(u32::MAX));
        self.0.put_slice(s);
    }

    fn finish(mut self) -> Bytes {
        let len = u32::try_from(self.0.len() - 4).unwrap_or(u32::MAX);
        self.0[..4].copy_from_slice(&len.to_be_bytes());
        self.0.freeze()
    }
}

/// `SSH_FXP_VERSION` 3 with the extensions the server offers (name, revision).
pub fn version(extensions: &[(&str, &str)]) -> Bytes {
    let mut b = Builder::new(kind::VERSION, 64);
    b.0.put_u32(3);
    for (name, rev) in extensions {
        b.string(name.as_bytes());
        b.string(rev.as_bytes());
    }
    b.finish()
}

/// `SSH_FXP_STATUS`.
pub fn status(id: u32, code: StatusCode, message: &str) -> Bytes {
    let mut b = Builder::with_id(kind::STATUS, id, 16 + message.len());
    b.0.put_u32(code as u32);
    b.string(message.as_bytes());
    b.string(b"en-US");
    b.finish()
}

/// `SSH_FXP_HANDLE`.
pub fn handle(id: u32, handle: &str) -> Bytes {
    let mut b = Builder::with_id(kind::HANDLE, id, 4 + handle.len());
    b.string(handle.as_bytes());
    b.finish()
}

/// `SSH_FXP_ATTRS`.
pub fn attrs(id: u32, attrs: &Attrs) -> Bytes {
    let mut b = Builder::with_id(kind::ATTRS, id, 40);
    attrs.write(&mut b.0);
    b.finish()
}

/// One entry of an `SSH_FXP_NAME` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameEntry {
    /// The name.
    pub filename: String,
    /// The `ls -l` style line.
    pub longname: String,
    /// Its attributes.
    pub attrs: Attrs,
}

/// `SSH_FXP_NAME`.
pub fn name(id: u32, entries: &[NameEntry]) -> Bytes {
    let size: usize = entries
        .iter()
        .map(|e| 48 + e.filename.len() + e.longname.len())
        .sum();
    let mut b = Builder::with_id(kind::NAME, id, 4 + size);
    b.0.put_u32(u32::try_from(entries.len()).unwrap_or(u32::MAX));
    for e in entries {
        b.string(e.filename.as_bytes());
        b.string(e.longname.as_bytes());
        e.attrs.write(&mut b.0);
    }
    b.finish()
}

/// `SSH_FXP_DATA` of at most `len` bytes (capped at [`MAX_DATA`]), filled by `fill` straight
/// into the reply (no copy): `fill` gets the room and returns how much it filled.
pub fn data<E>(
    id: u32,
    len: u32,
    fill: impl FnOnce(&mut [u8]) -> Result<usize, E>,
) -> Result<Bytes, E> {
    let want = len.min(MAX_DATA) as usize;
    let mut b = Builder::with_id(kind::DATA, id, 4 + want);
    b.0.put_u32(0);
    let start = b.0.len();
    b.0.resize(start + want, 0);
    let n = fill(&mut b.0[start..])?.min(want);
    b.0.truncate(start + n);
    let n32 = u32::try_from(n).unwrap_or(0);
    b.0[start - 4..start].copy_from_slice(&n32.to_be_bytes());
    Ok(b.finish())
}

/// The `limits@openssh.com` reply: largest packet, read, write, and open handles.
pub fn limits(id: u32, max_open: u64) -> Bytes {
    let mut b = Builder::with_id(kind::EXTENDED_REPLY, id, 32);
    b.0.put_u64(u64::from(MAX_PACKET));
    b.0.put_u64(u64::from(MAX_DATA));
    b.0.put_u64(u64::from(MAX_DATA));
    b.0.put_u64(max_open);
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::sftp::wire::Framer;

    fn body(packet: Bytes) -> Bytes {
        let mut f = Framer::default();
        f.push(&packet);
        let b = f.next_packet().unwrap().unwrap();
        assert_eq!(
            f.buffered(),
            0,
            "the length field covers the packet exactly"
        );
        b
    }

    #[test]
    fn replies_are_framed_with_their_fields() {
        let s = body(status(7, StatusCode::NoSuchFile, "gone"));
        assert_eq!(
            &s[..],
            &[
                kind::STATUS,
                0,
                0,
                0,
                7,
                0,
                0,
                0,
                2,
                0,
                0,
                0,
                4,
                b'g',
                b'o',
                b'n',
                b'e',
                0,
                0,
                0,
                5,
                b'e',
                b'n',
                b'-',
                b'U',
                b'S'
            ][..]
        );
        let h = body(handle(1, "12"));
        assert_eq!(
            &h[..],
            &[kind::HANDLE, 0, 0, 0, 1, 0, 0, 0, 2, b'1', b'2'][..]
        );
        let v = body(version(&[("a", "1")]));
        assert_eq!(
            &v[..],
            &[
                kind::VERSION,
                0,
                0,
                0,
                3,
                0,
                0,
                0,
                1,
                b'a',
                0,
                0,
                0,
                1,
                b'1'
            ][..]
        );
        let l = body(limits(2, 256));
        assert_eq!(l.len(), 1 + 4 + 32);
    }

    #[test]
    fn data_is_filled_in_place_and_cut_to_what_was_read() {
        let d = body(
            data::<()>(5, 10, |room| {
                assert_eq!(room.len(), 10);
                room[..3].copy_from_slice(b"abc");
                Ok(3)
            })
            .unwrap(),
        );
        assert_eq!(
            &d[..],
            &[kind::DATA, 0, 0, 0, 5, 0, 0, 0, 3, b'a', b'b', b'c'][..]
        );
        // A request past the limit gets at most MAX_DATA bytes of room.
        let d = data::<()>(1, u32::MAX, |room| Ok(room.len())).unwrap();
        assert_eq!(d.len(), 4 + 1 + 4 + 4 + MAX_DATA as usize);
        assert!(data(1, 4, |_| Err("disk")).is_err());
    }
}
