//! The SFTP request handling Wharf owns (`SftpFs`: open/read/write/close, stat/lstat/fstat,
//! setstat/fsetstat, opendir/readdir, remove/mkdir/rmdir, realpath, rename, the OpenSSH
//! extensions), on a real partner home in a temp folder, through the upload life cycle and the
//! folder rules. russh-sftp parses the packets; this target starts after it: a sequence of
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

use super::sftp_world::{MAX_UPLOAD, PARTNER, World};
use arbitrary::{Arbitrary, Unstructured};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tokio::sync::mpsc;
use wharf::intake::{Arrival, Intake, Kind, Queue, Via};
use wharf::layout::names::{is_temp_name, original_name};
use wharf::transport::sftp::fuzzing::russh_sftp::protocol::{FileAttributes, OpenFlags, Packet};
use wharf::transport::sftp::fuzzing::russh_sftp::server::Handler;
use wharf::transport::sftp::fuzzing::{FsParts, Handles, Open, SftpFs};
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
    OpenFlags::from_bits_truncate(u32::from(bits & 0x3f))
}

fn attrs(size: Option<Offset>, mtime: Option<u32>, perm: Option<u32>) -> FileAttributes {
    let mut a = FileAttributes::empty();
    a.size = size.map(Offset::get);
    a.mtime = mtime;
    a.atime = mtime;
    a.permissions = perm;
    a
}

impl Run<'_> {
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
        let id = 7;
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
        let fs = self.sessions[s].fs.as_mut().expect("a live session");
        match &step.req {
            Req::Init => drop(fs.init(3, HashMap::new()).await),
            Req::Open { path, flags: bits } => {
                let text = path.text();
                let f = flags(*bits);
                if let Ok(h) = fs.open(id, text.clone(), f, FileAttributes::empty()).await {
                    let upload = f.intersects(OpenFlags::WRITE | OpenFlags::APPEND);
                    let disk = upload.then(|| {
                        let r = wharf::policy::resolve(Path::new(&text))
                            .expect("opened, so it resolves");
                        home_path.join(r.rel)
                    });
                    let sess = &mut self.sessions[s];
                    assert!(
                        sess.held.iter().all(|o| !o.open || o.handle != h.handle),
                        "handle {} given twice",
                        h.handle
                    );
                    sess.held.push(Held {
                        handle: h.handle,
                        kind: if upload {
                            Kind0::Upload
                        } else {
                            Kind0::Download
                        },
                        disk,
                        open: true,
                        too_large: false,
                    });
                }
            }
            Req::Close { h } => {
                let (handle, i) = self.handle(s, *h);
                let fs = self.sessions[s].fs.as_mut().expect("a live session");
                let ok = fs.close(id, handle).await.is_ok();
                if let Some(i) = i {
                    closed = Some((i, ok));
                }
            }
            Req::Read { h, offset, len } => {
                let (handle, _) = self.handle(s, *h);
                let fs = self.sessions[s].fs.as_mut().expect("a live session");
                if let Ok(d) = fs.read(id, handle, offset.get(), *len).await {
                    assert!(d.data.len() <= *len as usize, "read more than asked");
                }
            }
            Req::Write {
                h,
                offset,
                len,
                byte,
            } => {
                let (handle, i) = self.handle(s, *h);
                let data = vec![*byte; usize::from(*len) % 20_000];
                let fs = self.sessions[s].fs.as_mut().expect("a live session");
                let ok = fs.write(id, handle, offset.get(), data).await.is_ok();
                if let Some(i) = i {
                    wrote = Some((i, ok));
                }
            }
            Req::Lstat { path } => drop(fs.lstat(id, path.text()).await),
            Req::Stat { path } => drop(fs.stat(id, path.text()).await),
            Req::Fstat { h } => {
                let (handle, _) = self.handle(s, *h);
                let fs = self.sessions[s].fs.as_mut().expect("a live session");
                drop(fs.fstat(id, handle).await);
            }
            Req::SetStat {
                path,
                size,
                mtime,
                perm,
            } => drop(
                fs.setstat(id, path.text(), attrs(*size, *mtime, *perm))
                    .await,
            ),
            Req::FSetStat { h, size, mtime } => {
                let (handle, i) = self.handle(s, *h);
                let fs = self.sessions[s].fs.as_mut().expect("a live session");
                let ok = fs
                    .fsetstat(id, handle, attrs(*size, *mtime, None))
                    .await
                    .is_ok();
                if let Some(i) = i {
                    wrote = Some((i, ok));
                    if size.is_some_and(|n| n.get() > MAX_UPLOAD) {
                        self.sessions[s].held[i].too_large = true;
                    }
                }
            }
            Req::OpenDir { path } => {
                if let Ok(h) = fs.opendir(id, path.text()).await {
                    self.sessions[s].held.push(Held {
                        handle: h.handle,
                        kind: Kind0::Listing,
                        disk: None,
                        open: true,
                        too_large: false,
                    });
                }
            }
            Req::ReadDir { h } => {
                let (handle, _) = self.handle(s, *h);
                let fs = self.sessions[s].fs.as_mut().expect("a live session");
                if let Ok(names) = fs.readdir(id, handle).await {
                    for f in names.files {
                        assert!(
                            !f.filename.contains('/') && !f.filename.is_empty(),
                            "listed name {:?}",
                            f.filename
                        );
                    }
                }
            }
            Req::Remove { path } => drop(fs.remove(id, path.text()).await),
            Req::Mkdir { path } => drop(fs.mkdir(id, path.text(), FileAttributes::empty()).await),
            Req::Rmdir { path } => drop(fs.rmdir(id, path.text()).await),
            Req::RealPath { path } => {
                if let Ok(n) = fs.realpath(id, path.text()).await {
                    for f in n.files {
                        let p = Path::new(&f.filename);
                        assert!(
                            p.is_absolute()
                                && p.components()
                                    .all(|c| !matches!(c, std::path::Component::ParentDir)),
                            "realpath {:?}",
                            f.filename
                        );
                    }
                }
            }
            Req::Rename { from, to } => drop(fs.rename(id, from.text(), to.text()).await),
            Req::Extended(ext) => {
                let (name, data) = match ext {
                    Ext::PosixRename(a, b) => (
                        "posix-rename@openssh.com".to_string(),
                        ssh_strings(&[a.text(), b.text()]),
                    ),
                    Ext::Fsync(h) => {
                        let (handle, _) = self.handle(s, *h);
                        ("fsync@openssh.com".to_string(), ssh_strings(&[handle]))
                    }
                    Ext::Raw(name, data) => (name.clone(), data.clone()),
                };
                let fs = self.sessions[s].fs.as_mut().expect("a live session");
                if let Ok(p) = fs.extended(id, name, data).await {
                    assert!(matches!(p, Packet::Status(_)), "{p:?}");
                }
            }
            Req::ReadLink { path } => {
                assert!(
                    fs.readlink(id, path.text()).await.is_err(),
                    "readlink answered"
                );
            }
            Req::Symlink { link, target } => {
                assert!(
                    fs.symlink(id, link.text(), target.text()).await.is_err(),
                    "symlink made"
                );
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

fn ssh_strings(items: &[String]) -> Vec<u8> {
    let mut d = Vec::new();
    for s in items {
        d.extend_from_slice(&(s.len() as u32).to_be_bytes());
        d.extend_from_slice(s.as_bytes());
    }
    d
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
