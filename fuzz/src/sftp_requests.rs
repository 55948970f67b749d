//! The SFTP request handling Wharf owns (`SftpFs`: open/read/write/close, stat/lstat/fstat,
//! setstat/fsetstat, opendir/readdir, remove/mkdir/rmdir, realpath, rename, the OpenSSH
//! extensions), on a real partner home in a temp folder, through the upload life cycle and the
//! folder rules, as the request loop runs it: each request is encoded as the client's packet,
//! decoded by the wire module (which must give back the request meant), and answered by
//! `SftpFs::answer`, whose reply packet is read back. A sequence of
//! requests (structured with `arbitrary`: fuzzed paths from an alphabet of the home's names,
//! links, `..` and raw text; flags, offsets, sizes), from two sessions of the same partner
//! (two SSH connections), with a stand-in for the pipeline taking what the intake queues.
//!
//! After every request:
//! - what the intake was told is right: an input is a complete regular file in `in/` under a
//!   final (not temp) name; an aborted upload sits under a quarantine name (`.NAME.aborted-…`)
//!   in `in/`; an acknowledgment names a file gone from `out/`;
//! - a handle's close that succeeds for an upload under a final name queues that file once,
//!   and only then; a failed close or write of an upload queues it as aborted, never as input;
//! - the handles the client holds are still there, of their kind, until closed (or dropped by
//!   a write past the size limit), and a closed handle is gone;
//! - `realpath` stays inside the home; reads return at most what was asked.
//!
//! When a session ends, its open uploads are aborted: each one under a final name is queued
//! once as aborted, under a quarantine name. After every input: nothing outside the home
//! changed (a canary folder, the other partner's home, the links' targets).

use super::sftp_wire::{encode_request, ssh_strings};
use super::sftp_world::{MAX_UPLOAD, PARTNER, World};
use arbitrary::{Arbitrary, Unstructured};
use bytes::{Buf, Bytes};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tokio::sync::mpsc;
use wharf::intake::{Arrival, Intake, Kind, Queue, Via};
use wharf::layout::names::{is_temp_name, original_name};
use wharf::transport::sftp::fuzzing::{FsParts, Handles, Open, SftpFs};
use wharf::transport::sftp::wire::{Attrs, OpenFlags, Request, decode, kind};
use wharf::upload::Uploads;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Name {
    In,
    Out,
    Archive,
    Error,
    Dot,
    DotDot,
    Empty,
    AXml,
    BXml,
    Filepart,
    Hidden,
    Sub,
    CXml,
    Order1,
    Day,
    OldXml,
    InLink,
    OtherLink,
    AbsLink,
    FileLink,
    Marker,
    Canary,
    Partners,
    Other,
}

#[derive(Arbitrary, Debug)]
enum Part {
    Known(Name),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct FPath {
    absolute: bool,
    parts: Vec<Part>,
}

impl FPath {
    fn text(&self) -> String {
        let parts: Vec<&str> = self
            .parts
            .iter()
            .take(8)
            .map(|p| match p {
                Part::Raw(s) => s.as_str(),
                Part::Known(n) => match n {
                    Name::In => "in",
                    Name::Out => "out",
                    Name::Archive => "archive",
                    Name::Error => "error",
                    Name::Dot => ".",
                    Name::DotDot => "..",
                    Name::Empty => "",
                    Name::AXml => "a.xml",
                    Name::BXml => "b.xml",
                    Name::Filepart => "a.xml.filepart",
                    Name::Hidden => ".a.xml",
                    Name::Sub => "sub",
                    Name::CXml => "c.xml",
                    Name::Order1 => "order_1.json",
                    Name::Day => "2024-01-01",
                    Name::OldXml => "old.xml",
                    Name::InLink => "inlink",
                    Name::OtherLink => "otherlink",
                    Name::AbsLink => "abslink",
                    Name::FileLink => "filelink",
                    Name::Marker => ".b.xml.uploading",
                    Name::Canary => "canary.txt",
                    Name::Partners => "partners",
                    Name::Other => "other",
                },
            })
            .collect();
        let joined = parts.join("/");
        if self.absolute {
            format!("/{joined}")
        } else {
            joined
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Offset {
    Zero,
    Small(u16),
    NearLimit(i16),
    Any(u64),
}

impl Offset {
    fn get(self) -> u64 {
        match self {
            Offset::Zero => 0,
            Offset::Small(n) => u64::from(n),
            Offset::NearLimit(d) => MAX_UPLOAD.saturating_add_signed(i64::from(d)),
            Offset::Any(n) => n,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Ext {
    PosixRename(FPath, FPath),
    Fsync(u8),
    Raw(String, Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Req {
    Init,
    Open {
        path: FPath,
        flags: u8,
    },
    Close {
        h: u8,
    },
    Read {
        h: u8,
        offset: Offset,
        len: u32,
    },
    Write {
        h: u8,
        offset: Offset,
        len: u16,
        byte: u8,
    },
    Lstat {
        path: FPath,
    },
    Stat {
        path: FPath,
    },
    Fstat {
        h: u8,
    },
    SetStat {
        path: FPath,
        size: Option<Offset>,
        mtime: Option<u32>,
        perm: Option<u32>,
    },
    FSetStat {
        h: u8,
        size: Option<Offset>,
        mtime: Option<u32>,
    },
    OpenDir {
        path: FPath,
    },
    ReadDir {
        h: u8,
    },
    Remove {
        path: FPath,
    },
    Mkdir {
        path: FPath,
    },
    Rmdir {
        path: FPath,
    },
    RealPath {
        path: FPath,
    },
    Rename {
        from: FPath,
        to: FPath,
    },
    Extended(Ext),
    ReadLink {
        path: FPath,
    },
    Symlink {
        link: FPath,
        target: FPath,
    },
    /// The session ends (the connection drops); a new one takes its place.
    EndSession,
    /// The pipeline takes what is queued.
    Settle,
}

#[derive(Arbitrary, Debug)]
struct Step {
    second: bool,
    req: Req,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind0 {
    Download,
    Upload,
    Listing,
}

/// A handle the client was given.
#[derive(Debug)]
struct Held {
    handle: String,
    kind: Kind0,
    /// Uploads: the file on disk.
    disk: Option<PathBuf>,
    open: bool,
    /// Uploads: stopped by a size past the limit (`fsetstat`): it can never complete, and
    /// is set aside even under a temp name.
    too_large: bool,
}

struct Session {
    fs: Option<SftpFs>,
    handles: Handles,
    held: Vec<Held>,
    done: mpsc::Receiver<()>,
}

struct Run<'w> {
    w: &'w World,
    uploads: Uploads,
    queue: Queue,
    sessions: [Session; 2],
    /// Arrivals checked and waiting for the stand-in pipeline.
    waiting: Vec<Arrival>,
    /// Files in `archive/` made by the stand-in pipeline.
    settled: u32,
}

fn session(uploads: &Uploads) -> Session {
    let (cleanup, done) = mpsc::channel(1);
    let handles = Handles::default();
    let home = uploads.open_home(PARTNER).expect("open the home");
    let fs = SftpFs::new(FsParts {
        home,
        partner: PARTNER.into(),
        uploads: uploads.clone(),
        span: tracing::Span::none(),
        handles: handles.clone(),
        cleanup,
    });
    Session {
        fs: Some(fs),
        handles,
        held: Vec::new(),
        done,
    }
}

fn kind_of(handles: &Handles, h: &str) -> Option<Kind0> {
    handles
        .with(h, |o| {
            Ok(match o {
                Open::Download(_) => Kind0::Download,
                Open::Upload(_) => Kind0::Upload,
                Open::Listing(_) => Kind0::Listing,
            })
        })
        .ok()
}

fn flags(bits: u8) -> OpenFlags {
    OpenFlags(u32::from(bits & 0x3f))
}

fn attrs(size: Option<Offset>, mtime: Option<u32>, perm: Option<u32>) -> Attrs {
    Attrs {
        size: size.map(Offset::get),
        uid_gid: None,
        permissions: perm,
        times: mtime.map(|m| (m, m)),
    }
}

/// A reply packet, read back.
#[derive(Debug)]
enum Reply {
    Status(u32),
    Handle(String),
    Data(usize),
    Name(Vec<String>),
    Attrs,
    Extended,
}

impl Reply {
    fn ok(&self) -> bool {
        matches!(self, Reply::Status(0))
    }
}

fn reply_string(b: &mut Bytes) -> Bytes {
    assert!(b.remaining() >= 4, "a reply string cut short");
    let n = b.get_u32() as usize;
    assert!(b.remaining() >= n, "a reply string cut short");
    b.split_to(n)
}

/// Reads reply `bytes` (a framed packet) to request `id`.
fn read_reply(id: u32, mut b: Bytes) -> Reply {
    assert!(b.remaining() >= 9, "a reply too short: {b:?}");
    let len = b.get_u32() as usize;
    assert_eq!(len, b.remaining(), "a reply's length field");
    let k = b.get_u8();
    assert_eq!(b.get_u32(), id, "a reply to another request");
    match k {
        kind::STATUS => Reply::Status(b.get_u32()),
        kind::HANDLE => {
            let h = reply_string(&mut b);
            Reply::Handle(String::from_utf8(h.to_vec()).expect("a UTF-8 handle"))
        }
        kind::DATA => Reply::Data(reply_string(&mut b).len()),
        kind::NAME => {
            let n = b.get_u32();
            let mut names = Vec::new();
            for _ in 0..n {
                let f = reply_string(&mut b);
                names.push(String::from_utf8(f.to_vec()).expect("a UTF-8 name"));
                reply_string(&mut b);
                // The attributes: a flags word, then the fields it names (no extended pairs).
                let flags = b.get_u32();
                let len: usize = [(1, 8), (2, 8), (4, 4), (8, 8)]
                    .iter()
                    .filter(|(f, _)| flags & f != 0)
                    .map(|(_, n)| n)
                    .sum();
                assert!(
                    flags & !0xf == 0 && b.remaining() >= len,
                    "attrs {flags:#x}"
                );
                b.advance(len);
            }
            Reply::Name(names)
        }
        kind::ATTRS => Reply::Attrs,
        kind::EXTENDED_REPLY => Reply::Extended,
        other => panic!("reply type {other}"),
    }
}

impl Run<'_> {
    /// Session `s` sends `request`: encoded, decoded by the wire module (to the same request),
    /// answered by the session's file system, the reply read back.
    fn ask(&self, s: usize, request: Request) -> Reply {
        let id = 7;
        let packet = encode_request(id, &request);
        let decoded = decode(&packet).unwrap_or_else(|m| panic!("{request:?}: {m:?}"));
        assert_eq!(decoded, (id, request), "decoded");
        let fs = self.sessions[s].fs.as_ref().expect("a live session");
        read_reply(id, fs.answer(id, decoded.1))
    }

    /// The handle string step `h` names: one the session was given (open or closed), or a
    /// bogus one.
    fn handle(&self, s: usize, h: u8) -> (String, Option<usize>) {
        let held = &self.sessions[s].held;
        if held.is_empty() || h == u8::MAX {
            return (format!("bogus-{h}"), None);
        }
        let i = usize::from(h) % held.len();
        (held[i].handle.clone(), Some(i))
    }

    /// Takes what the intake was told since the last call, checking each arrival.
    fn drain(&mut self) -> Vec<Arrival> {
        let home = self.w.home();
        let mut got = Vec::new();
        while let Some(a) = self.queue.try_next() {
            assert_eq!(a.partner, PARTNER, "{a:?}");
            let folder = if a.kind == Kind::Taken { "out" } else { "in" };
            let under = a
                .path
                .strip_prefix(home.join(folder))
                .unwrap_or_else(|_| panic!("arrival outside {folder}/: {a:?}"));
            let name = a
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let meta = std::fs::symlink_metadata(&a.path);
            match &a.kind {
                Kind::Input => {
                    assert_eq!(under, a.rel, "{a:?}");
                    assert!(!is_temp_name(&name), "a temp name queued as input: {a:?}");
                    assert!(
                        meta.as_ref().is_ok_and(|m| m.is_file()),
                        "queued as input, not a regular file: {a:?} ({meta:?})"
                    );
                }
                Kind::Aborted(reason) => {
                    let original = original_name(&name)
                        .unwrap_or_else(|| panic!("aborted, not under a quarantine name: {a:?}"));
                    assert_eq!(
                        a.rel,
                        under.with_file_name(&original),
                        "aborted upload's name: {a:?}"
                    );
                    assert!(!reason.is_empty());
                    assert!(
                        meta.as_ref().is_ok_and(|m| m.is_file()),
                        "aborted upload set aside, not a regular file: {a:?} ({meta:?})"
                    );
                }
                Kind::Taken => {
                    assert_eq!(under, a.rel, "{a:?}");
                    assert!(meta.is_err(), "acknowledged, still in out/: {a:?}");
                }
            }
            assert_eq!(a.via, Via::Sftp, "{a:?}");
            got.push(a);
        }
        self.waiting.extend(got.iter().cloned());
        got
    }

    /// What the pipeline does with each queued file, in short: an input no longer being
    /// uploaded goes to `archive/`, an aborted upload to `error/`.
    fn settle(&mut self) {
        let uploads = self.uploads.intake().uploads().clone();
        for a in std::mem::take(&mut self.waiting) {
            match a.kind {
                Kind::Taken => {}
                Kind::Input => {
                    if uploads.is_uploading(&a.path) {
                        continue;
                    }
                    match std::fs::symlink_metadata(&a.path) {
                        Ok(m) if m.is_file() => {}
                        _ => continue,
                    }
                    self.settled += 1;
                    let to = self
                        .w
                        .home()
                        .join(format!("archive/settled-{}", self.settled));
                    std::fs::rename(&a.path, to).expect("settle an input");
                }
                Kind::Aborted(_) => {
                    self.settled += 1;
                    let to = self
                        .w
                        .home()
                        .join(format!("error/aborted-{}", self.settled));
                    std::fs::rename(&a.path, to).expect("settle an aborted upload");
                }
            }
        }
    }

    /// The handles the session holds are as the client believes.
    fn check_handles(&self, s: usize) {
        let sess = &self.sessions[s];
        for h in &sess.held {
            let kind = kind_of(&sess.handles, &h.handle);
            if h.open {
                assert_eq!(kind, Some(h.kind), "handle {h:?}");
            } else {
                assert_eq!(kind, None, "closed handle still there: {h:?}");
            }
        }
    }

    async fn end_session(&mut self, s: usize) {
        let sess = &mut self.sessions[s];
        let open_uploads: Vec<(PathBuf, bool)> = sess
            .held
            .iter()
            .filter(|h| h.open && h.kind == Kind0::Upload)
            .filter_map(|h| Some((h.disk.clone()?, h.too_large)))
            .collect();
        drop(sess.fs.take());
        // The clean-up holds its sender until every aborted upload is set aside.
        assert!(sess.done.recv().await.is_none());
        let got = self.drain();
        let inbox = self.w.home().join("in");
        for (disk, too_large) in open_uploads {
            let name = disk
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rel = disk.strip_prefix(&inbox).expect("uploads are in in/");
            let aborted = got
                .iter()
                .filter(|a| matches!(a.kind, Kind::Aborted(_)) && a.rel == rel)
                .count();
            let others_writing = self.uploads.intake().uploads().is_uploading(&disk);
            if is_temp_name(&name) && !too_large {
                assert_eq!(aborted, 0, "a temp name stays to be resumed: {disk:?}");
            } else if !others_writing {
                assert!(aborted <= 1, "{disk:?} aborted {aborted} times");
            }
            assert!(
                !got.iter().any(|a| a.kind == Kind::Input && a.path == disk),
                "an aborted upload queued as input: {disk:?}"
            );
        }
        self.sessions[s] = session(&self.uploads);
    }

    async fn step(&mut self, step: &Step) {
        let s = usize::from(step.second);
        match &step.req {
            Req::EndSession => return self.end_session(s).await,
            Req::Settle => {
                self.drain();
                return self.settle();
            }
            _ => {}
        }
        let mut closed: Option<(usize, bool)> = None;
        let mut wrote: Option<(usize, bool)> = None;
        let home_path = self.w.home();
        let h = |this: &Self, h: u8| {
            let (handle, i) = this.handle(s, h);
            (Bytes::from(handle.into_bytes()), i)
        };
        match &step.req {
            // The request loop's own (no file system): only the wire format.
            Req::Init => {
                let init = Request::Init { version: 3 };
                assert_eq!(decode(&encode_request(0, &init)), Ok((0, init)));
            }
            Req::Open { path, flags: bits } => {
                let text = path.text();
                let f = flags(*bits);
                let r = self.ask(
                    s,
                    Request::Open {
                        path: text.clone(),
                        flags: f,
                        attrs: Attrs::default(),
                    },
                );
                if let Reply::Handle(handle) = r {
                    let upload = f.has(OpenFlags::WRITE) || f.has(OpenFlags::APPEND);
                    let disk = upload.then(|| {
                        let r = wharf::policy::resolve(Path::new(&text))
                            .expect("opened, so it resolves");
                        home_path.join(r.rel)
                    });
                    let sess = &mut self.sessions[s];
                    assert!(
                        sess.held.iter().all(|o| !o.open || o.handle != handle),
                        "handle {handle} given twice"
                    );
                    sess.held.push(Held {
                        handle,
                        kind: if upload {
                            Kind0::Upload
                        } else {
                            Kind0::Download
                        },
                        disk,
                        open: true,
                        too_large: false,
                    });
                } else {
                    assert!(matches!(r, Reply::Status(c) if c != 0), "open: {r:?}");
                }
            }
            Req::Close { h: n } => {
                let (handle, i) = h(self, *n);
                let ok = self.ask(s, Request::Close { handle }).ok();
                if let Some(i) = i {
                    closed = Some((i, ok));
                }
            }
            Req::Read { h: n, offset, len } => {
                let (handle, _) = h(self, *n);
                let r = self.ask(
                    s,
                    Request::Read {
                        handle,
                        offset: offset.get(),
                        len: *len,
                    },
                );
                if let Reply::Data(got) = r {
                    assert!(got <= *len as usize, "read more than asked");
                }
            }
            Req::Write {
                h: n,
                offset,
                len,
                byte,
            } => {
                let (handle, i) = h(self, *n);
                let data = Bytes::from(vec![*byte; usize::from(*len) % 20_000]);
                let ok = self
                    .ask(
                        s,
                        Request::Write {
                            handle,
                            offset: offset.get(),
                            data,
                        },
                    )
                    .ok();
                if let Some(i) = i {
                    wrote = Some((i, ok));
                }
            }
            Req::Lstat { path } => drop(self.ask(s, Request::Lstat { path: path.text() })),
            Req::Stat { path } => drop(self.ask(s, Request::Stat { path: path.text() })),
            Req::Fstat { h: n } => {
                let (handle, _) = h(self, *n);
                drop(self.ask(s, Request::Fstat { handle }));
            }
            Req::SetStat {
                path,
                size,
                mtime,
                perm,
            } => drop(self.ask(
                s,
                Request::Setstat {
                    path: path.text(),
                    attrs: attrs(*size, *mtime, *perm),
                },
            )),
            Req::FSetStat { h: n, size, mtime } => {
                let (handle, i) = h(self, *n);
                let ok = self
                    .ask(
                        s,
                        Request::Fsetstat {
                            handle,
                            attrs: attrs(*size, *mtime, None),
                        },
                    )
                    .ok();
                if let Some(i) = i {
                    wrote = Some((i, ok));
                    if size.is_some_and(|n| n.get() > MAX_UPLOAD) {
                        self.sessions[s].held[i].too_large = true;
                    }
                }
            }
            Req::OpenDir { path } => {
                if let Reply::Handle(handle) = self.ask(s, Request::Opendir { path: path.text() }) {
                    self.sessions[s].held.push(Held {
                        handle,
                        kind: Kind0::Listing,
                        disk: None,
                        open: true,
                        too_large: false,
                    });
                }
            }
            Req::ReadDir { h: n } => {
                let (handle, _) = h(self, *n);
                if let Reply::Name(names) = self.ask(s, Request::Readdir { handle }) {
                    for f in names {
                        assert!(!f.contains('/') && !f.is_empty(), "listed name {f:?}");
                    }
                }
            }
            Req::Remove { path } => drop(self.ask(s, Request::Remove { path: path.text() })),
            Req::Mkdir { path } => drop(self.ask(
                s,
                Request::Mkdir {
                    path: path.text(),
                    attrs: Attrs::default(),
                },
            )),
            Req::Rmdir { path } => drop(self.ask(s, Request::Rmdir { path: path.text() })),
            Req::RealPath { path } => {
                if let Reply::Name(names) = self.ask(s, Request::Realpath { path: path.text() }) {
                    for f in names {
                        let p = Path::new(&f);
                        assert!(
                            p.is_absolute()
                                && p.components()
                                    .all(|c| !matches!(c, std::path::Component::ParentDir)),
                            "realpath {f:?}"
                        );
                    }
                }
            }
            Req::Rename { from, to } => drop(self.ask(
                s,
                Request::Rename {
                    from: from.text(),
                    to: to.text(),
                },
            )),
            Req::Extended(ext) => {
                let (name, data) = match ext {
                    Ext::PosixRename(a, b) => (
                        "posix-rename@openssh.com".to_string(),
                        ssh_strings(&[&a.text(), &b.text()]),
                    ),
                    Ext::Fsync(n) => {
                        let (handle, _) = self.handle(s, *n);
                        ("fsync@openssh.com".to_string(), ssh_strings(&[&handle]))
                    }
                    Ext::Raw(name, data) => (name.clone(), Bytes::from(data.clone())),
                };
                let limits = name == "limits@openssh.com";
                let r = self.ask(s, Request::Extended { name, data });
                match r {
                    Reply::Status(_) => {}
                    Reply::Extended if limits => {}
                    other => panic!("extended: {other:?}"),
                }
            }
            Req::ReadLink { path } => {
                let r = self.ask(s, Request::Readlink { path: path.text() });
                assert!(matches!(r, Reply::Status(c) if c != 0), "readlink: {r:?}");
            }
            Req::Symlink { link, target } => {
                let r = self.ask(
                    s,
                    Request::Symlink {
                        link: link.text(),
                        target: target.text(),
                    },
                );
                assert!(matches!(r, Reply::Status(c) if c != 0), "symlink: {r:?}");
            }
            Req::EndSession | Req::Settle => unreachable!(),
        }

        let got = self.drain();
        let others_writing = |disk: &Path, me: usize, runs: &Run| {
            runs.sessions.iter().enumerate().any(|(k, sess)| {
                sess.held.iter().enumerate().any(|(j, o)| {
                    o.open
                        && o.kind == Kind0::Upload
                        && o.disk.as_deref() == Some(disk)
                        && !(k == s && j == me)
                })
            })
        };
        if let Some((i, ok)) = closed {
            let held = &self.sessions[s].held[i];
            if held.open
                && let (Kind0::Upload, Some(disk)) = (held.kind, held.disk.clone())
            {
                let name = disk
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let inputs = got
                    .iter()
                    .filter(|a| a.kind == Kind::Input && a.path == disk)
                    .count();
                if ok && !is_temp_name(&name) {
                    assert_eq!(inputs, 1, "a closed upload queued {inputs} times: {disk:?}");
                } else {
                    assert_eq!(inputs, 0, "queued as input: {disk:?} (close ok: {ok})");
                }
                if !ok && !others_writing(&disk, i, self) && !is_temp_name(&name) {
                    let rel = disk
                        .strip_prefix(home_path.join("in"))
                        .expect("uploads are in in/");
                    let aborted = got
                        .iter()
                        .filter(|a| matches!(a.kind, Kind::Aborted(_)) && a.rel == rel)
                        .count();
                    assert!(aborted <= 1, "{disk:?}: {aborted} aborted");
                }
            }
            self.sessions[s].held[i].open = false;
        }
        if let Some((i, ok)) = wrote {
            let sess = &mut self.sessions[s];
            let held = &sess.held[i];
            if held.open && held.kind == Kind0::Upload {
                let still = kind_of(&sess.handles, &held.handle).is_some();
                if ok {
                    assert!(still, "a write that succeeded dropped its handle: {held:?}");
                } else if !still {
                    // Past the size limit: set aside at once, the handle is gone.
                    let disk = held.disk.clone().expect("an upload's path");
                    assert!(
                        !got.iter().any(|a| a.kind == Kind::Input && a.path == disk),
                        "a failed upload queued as input: {disk:?}"
                    );
                    sess.held[i].open = false;
                }
            }
        }
        self.check_handles(s);
        self.check_handles(1 - s);
    }
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(World::new)
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

/// Runs one input: the bytes read as a sequence of steps, as libFuzzer's `arbitrary`
/// support reads them (too short or unreadable: nothing to run).
pub fn run(data: &[u8]) {
    if data.len() < <Vec<Step> as Arbitrary>::size_hint(0).0 {
        return;
    }
    let Ok(steps) = Vec::<Step>::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let w = world();
    w.reset_home();
    runtime().block_on(async {
        let (intake, queue) = Intake::new(w.data.join("partners"));
        let uploads = Uploads::new(w.config.clone(), intake);
        let sessions = [session(&uploads), session(&uploads)];
        let mut run = Run {
            w,
            uploads,
            queue,
            sessions,
            waiting: Vec::new(),
            settled: 0,
        };
        for step in steps.iter().take(64) {
            run.step(step).await;
        }
        run.end_session(0).await;
        run.end_session(1).await;
        run.drain();
        run.settle();
    });
    w.assert_outside_untouched();
}
