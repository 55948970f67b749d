//! The SFTP wire format (`wharf::transport::sftp::wire`): any bytes, as a packet, a stream or
//! an extended request's data, never panic the decoder; a decoded request encodes back (by
//! [`encode_request`], the client's side of the format, written here) to a packet that
//! decodes to the same request; the SSH strings of an extended request re-encode to exactly
//! their input.

use bytes::{BufMut, Bytes, BytesMut};
use wharf::transport::sftp::wire::{Framer, Request, decode, kind, strings};

fn string(b: &mut BytesMut, s: &[u8]) {
    b.put_u32(u32::try_from(s.len()).expect("a string under 4 GiB"));
    b.put_slice(s);
}

/// `request` with id `id` as a packet (type byte first, no length field), as a client sends it.
pub fn encode_request(id: u32, request: &Request) -> Bytes {
    let mut b = BytesMut::new();
    let (k, rest): (u8, &dyn Fn(&mut BytesMut)) = match request {
        Request::Init { version } => {
            b.put_u8(kind::INIT);
            b.put_u32(*version);
            return b.freeze();
        }
        Request::Open { path, flags, attrs } => (kind::OPEN, &move |b| {
            string(b, path.as_bytes());
            b.put_u32(flags.0);
            attrs.write(b);
        }),
        Request::Close { handle } => (kind::CLOSE, &move |b| string(b, handle)),
        Request::Read {
            handle,
            offset,
            len,
        } => (kind::READ, &move |b| {
            string(b, handle);
            b.put_u64(*offset);
            b.put_u32(*len);
        }),
        Request::Write {
            handle,
            offset,
            data,
        } => (kind::WRITE, &move |b| {
            string(b, handle);
            b.put_u64(*offset);
            string(b, data);
        }),
        Request::Lstat { path } => (kind::LSTAT, &move |b| string(b, path.as_bytes())),
        Request::Fstat { handle } => (kind::FSTAT, &move |b| string(b, handle)),
        Request::Setstat { path, attrs } => (kind::SETSTAT, &move |b| {
            string(b, path.as_bytes());
            attrs.write(b);
        }),
        Request::Fsetstat { handle, attrs } => (kind::FSETSTAT, &move |b| {
            string(b, handle);
            attrs.write(b);
        }),
        Request::Opendir { path } => (kind::OPENDIR, &move |b| string(b, path.as_bytes())),
        Request::Readdir { handle } => (kind::READDIR, &move |b| string(b, handle)),
        Request::Remove { path } => (kind::REMOVE, &move |b| string(b, path.as_bytes())),
        Request::Mkdir { path, attrs } => (kind::MKDIR, &move |b| {
            string(b, path.as_bytes());
            attrs.write(b);
        }),
        Request::Rmdir { path } => (kind::RMDIR, &move |b| string(b, path.as_bytes())),
        Request::Realpath { path } => (kind::REALPATH, &move |b| string(b, path.as_bytes())),
        Request::Stat { path } => (kind::STAT, &move |b| string(b, path.as_bytes())),
        Request::Rename { from, to } => (kind::RENAME, &move |b| {
            string(b, from.as_bytes());
            string(b, to.as_bytes());
        }),
        Request::Readlink { path } => (kind::READLINK, &move |b| string(b, path.as_bytes())),
        Request::Symlink { link, target } => (kind::SYMLINK, &move |b| {
            string(b, link.as_bytes());
            string(b, target.as_bytes());
        }),
        Request::Extended { name, data } => (kind::EXTENDED, &move |b| {
            string(b, name.as_bytes());
            b.put_slice(data);
        }),
        Request::Unknown { kind } => (*kind, &|_| {}),
    };
    b.put_u8(k);
    b.put_u32(id);
    rest(&mut b);
    b.freeze()
}

/// SSH strings as an extended request's data.
pub fn ssh_strings(items: &[&str]) -> Bytes {
    let mut b = BytesMut::new();
    for s in items {
        string(&mut b, s.as_bytes());
    }
    b.freeze()
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let packet = Bytes::copy_from_slice(data);
    if let Ok((id, request)) = decode(&packet) {
        let again = encode_request(id, &request);
        assert!(
            again.len() <= packet.len(),
            "{request:?} grew on re-encoding"
        );
        assert_eq!(decode(&again), Ok((id, request.clone())), "{again:?}");
    }
    if let Some(items) = strings(&packet) {
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        assert_eq!(ssh_strings(&items), packet, "parsed {items:?}");
    }
    // The same bytes as a channel stream, cut where its first byte says.
    let mut framer = Framer::default();
    let cut = data.first().map_or(0, |c| usize::from(*c)).min(data.len());
    for part in [&data[..cut], &data[cut..]] {
        framer.push(part);
        while let Ok(Some(p)) = framer.next_packet() {
            let _ = decode(&p);
        }
    }
}
