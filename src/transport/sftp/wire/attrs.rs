//! File attributes on the wire (draft §5): a flags word, then only the fields it names.

use super::decode::Reader;
use bytes::{BufMut, BytesMut};

const SIZE: u32 = 0x0000_0001;
const UIDGID: u32 = 0x0000_0002;
const PERMISSIONS: u32 = 0x0000_0004;
const ACMODTIME: u32 = 0x0000_0008;
const EXTENDED: u32 = 0x8000_0000;

/// Extended attribute pairs read at most from one request (each needs two strings).
const MAX_EXTENDED: u32 = 1024;

/// The attributes a request carries or a reply shows; `None` = not present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attrs {
    /// Size in bytes.
    pub size: Option<u64>,
    /// Owner and group ids.
    pub uid_gid: Option<(u32, u32)>,
    /// Type and permission bits (`st_mode`).
    pub permissions: Option<u32>,
    /// Access and modification times, seconds since 1970.
    pub times: Option<(u32, u32)>,
}

impl Attrs {
    /// The modification time, if given.
    pub fn mtime(&self) -> Option<u32> {
        self.times.map(|(_, m)| m)
    }

    /// Reads attributes; extended pairs are read and dropped (none is supported).
    pub(super) fn read(r: &mut Reader) -> Option<Attrs> {
        let flags = r.u32()?;
        let mut a = Attrs::default();
        if flags & SIZE != 0 {
            a.size = Some(r.u64()?);
        }
        if flags & UIDGID != 0 {
            a.uid_gid = Some((r.u32()?, r.u32()?));
        }
        if flags & PERMISSIONS != 0 {
            a.permissions = Some(r.u32()?);
        }
        if flags & ACMODTIME != 0 {
            a.times = Some((r.u32()?, r.u32()?));
        }
        if flags & EXTENDED != 0 {
            let count = r.u32()?;
            if count > MAX_EXTENDED {
                return None;
            }
            for _ in 0..count {
                r.bytes()?;
                r.bytes()?;
            }
        }
        Some(a)
    }

    /// Appends the attributes.
    pub fn write(&self, b: &mut BytesMut) {
        let mut flags = 0;
        flags |= if self.size.is_some() { SIZE } else { 0 };
        flags |= if self.uid_gid.is_some() { UIDGID } else { 0 };
        flags |= if self.permissions.is_some() {
            PERMISSIONS
        } else {
            0
        };
        flags |= if self.times.is_some() { ACMODTIME } else { 0 };
        b.put_u32(flags);
        if let Some(s) = self.size {
            b.put_u64(s);
        }
        if let Some((u, g)) = self.uid_gid {
            b.put_u32(u);
            b.put_u32(g);
        }
        if let Some(p) = self.permissions {
            b.put_u32(p);
        }
        if let Some((at, mt)) = self.times {
            b.put_u32(at);
            b.put_u32(mt);
        }
    }

    /// Whether these attributes describe a folder.
    pub fn is_dir(&self) -> bool {
        self.permissions.is_some_and(|p| p & 0o170_000 == 0o040_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn attributes_round_trip_and_extended_pairs_are_skipped() {
        let a = Attrs {
            size: Some(7),
            uid_gid: None,
            permissions: Some(0o100_644),
            times: Some((1, 2)),
        };
        let mut b = BytesMut::new();
        a.write(&mut b);
        let bytes = Bytes::from(b.to_vec());
        let mut r = Reader::new(&bytes);
        assert_eq!(Attrs::read(&mut r), Some(a));
        assert!(r.is_empty());

        // Flags with EXTENDED: one pair, then a trailing byte the caller sees.
        let mut b = BytesMut::new();
        b.put_u32(EXTENDED | UIDGID);
        b.put_u32(10);
        b.put_u32(20);
        b.put_u32(1);
        for s in ["name", "value"] {
            b.put_u32(s.len() as u32);
            b.put_slice(s.as_bytes());
        }
        b.put_u8(9);
        let bytes = Bytes::from(b.to_vec());
        let mut r = Reader::new(&bytes);
        let got = Attrs::read(&mut r).unwrap();
        assert_eq!(got.uid_gid, Some((10, 20)));
        assert_eq!(r.u8(), Some(9));

        // Truncated fields and absurd pair counts are refused.
        let short = bytes.slice(..10);
        let mut r = Reader::new(&short);
        assert_eq!(Attrs::read(&mut r), None);
        let mut b = BytesMut::new();
        b.put_u32(EXTENDED);
        b.put_u32(u32::MAX);
        let bytes = Bytes::from(b.to_vec());
        assert_eq!(Attrs::read(&mut Reader::new(&bytes)), None);
    }
}
