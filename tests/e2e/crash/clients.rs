//! The partners' clients in a crash trial, as real ones behave: each keeps one session (FTP
//! with suppaftp, SFTP with russh), and when the server dies under it, logs in again at the
//! server's new ports and sends the same file again under the same name until it is confirmed.
//! The consumers take (download, then delete) every file in their `out/`, recording each once:
//! a file counts as taken when its delete succeeded, or when the next listing no longer shows
//! it (the delete went through but its reply was lost with the server).

use super::super::clients::AcceptHostKey;
use super::super::support::{CART_PASSWORD, WH_PASSWORD};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::time::Duration;
use suppaftp::tokio::AsyncFtpStream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The DSCO cart's password.
pub const DS_PASSWORD: &str = "ds-Secret-45";

/// Each network call's deadline: a server that died is noticed at once (the connection is
/// reset); this only bounds a hang.
const CALL: Duration = Duration::from_secs(20);

/// The server's current ports (they change at every restart).
#[derive(Debug, Default)]
pub struct Ports {
    pub ftp: AtomicU16,
    pub sftp: AtomicU16,
}

/// A partner's password.
pub fn password(partner: &str) -> &'static str {
    match partner {
        "wh" => WH_PASSWORD,
        "ds" => DS_PASSWORD,
        "uc2" => super::super::support::CART2_PASSWORD,
        _ => CART_PASSWORD,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Ftp,
    Sftp,
}

/// One logged-in session.
pub enum Conn {
    Ftp(Box<AsyncFtpStream>),
    Sftp(
        Box<russh::client::Handle<AcceptHostKey>>,
        Box<russh_sftp::client::SftpSession>,
    ),
}

async fn deadline<T, E: std::fmt::Display>(
    what: &str,
    f: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(CALL, f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(format!("{what}: {e}")),
        Err(_) => Err(format!("{what}: no answer in {CALL:?}")),
    }
}

impl Conn {
    /// Logs `partner` in over `proto` at the current ports.
    pub async fn open(ports: &Ports, proto: Proto, partner: &str) -> Result<Conn, String> {
        let pass = password(partner);
        match proto {
            Proto::Ftp => {
                let port = ports.ftp.load(Ordering::SeqCst);
                let mut ftp =
                    deadline("connect", AsyncFtpStream::connect(("127.0.0.1", port))).await?;
                deadline("login", ftp.login(partner, pass)).await?;
                deadline(
                    "TYPE I",
                    ftp.transfer_type(suppaftp::types::FileType::Binary),
                )
                .await?;
                Ok(Conn::Ftp(Box::new(ftp)))
            }
            Proto::Sftp => {
                let port = ports.sftp.load(Ordering::SeqCst);
                let config = Arc::new(russh::client::Config::default());
                let mut ssh = deadline(
                    "ssh connect",
                    russh::client::connect(config, ("127.0.0.1", port), AcceptHostKey),
                )
                .await?;
                let auth = deadline("ssh login", ssh.authenticate_password(partner, pass)).await?;
                if !auth.success() {
                    return Err(format!("{partner}: password refused"));
                }
                let channel = deadline("channel", ssh.channel_open_session()).await?;
                deadline("subsystem", channel.request_subsystem(true, "sftp")).await?;
                let sftp = deadline(
                    "sftp init",
                    russh_sftp::client::SftpSession::new(channel.into_stream()),
                )
                .await?;
                Ok(Conn::Sftp(Box::new(ssh), Box::new(sftp)))
            }
        }
    }

    /// Uploads `body` to `path`, pausing `pause` halfway (an upload a kill can cut).
    pub async fn put(&mut self, path: &str, body: &[u8], pause: Duration) -> Result<(), String> {
        let half = body.len() / 2;
        match self {
            Conn::Ftp(ftp) => {
                let mut up = deadline("STOR", ftp.put_with_stream(path)).await?;
                deadline("write", up.write_all(&body[..half])).await?;
                deadline("flush", up.flush()).await?;
                tokio::time::sleep(pause).await;
                deadline("write", up.write_all(&body[half..])).await?;
                deadline("226", up.finish()).await
            }
            Conn::Sftp(_, sftp) => {
                let mut f = deadline("open", sftp.create(path)).await?;
                deadline("write", f.write_all(&body[..half])).await?;
                deadline("flush", f.flush()).await?;
                tokio::time::sleep(pause).await;
                deadline("write", f.write_all(&body[half..])).await?;
                deadline("close", f.shutdown()).await
            }
        }
    }

    /// The names in a folder.
    pub async fn list(&mut self, dir: &str) -> Result<Vec<String>, String> {
        let mut names: Vec<String> = match self {
            Conn::Ftp(ftp) => deadline("NLST", ftp.nlst(Some(dir)))
                .await?
                .into_iter()
                .map(|n| n.rsplit('/').next().unwrap_or(&n).to_string())
                .collect(),
            Conn::Sftp(_, sftp) => deadline("readdir", sftp.read_dir(dir))
                .await?
                .map(|e| e.file_name())
                .collect(),
        };
        names.retain(|n| n != "." && n != "..");
        names.sort();
        Ok(names)
    }

    pub async fn get(&mut self, path: &str) -> Result<Vec<u8>, String> {
        match self {
            Conn::Ftp(ftp) => {
                let mut s = deadline("RETR", ftp.retr_as_stream(path)).await?;
                let mut buf = Vec::new();
                deadline("read", s.read_to_end(&mut buf)).await?;
                deadline("226", s.finish()).await?;
                Ok(buf)
            }
            Conn::Sftp(_, sftp) => deadline("read", sftp.read(path)).await,
        }
    }

    pub async fn delete(&mut self, path: &str) -> Result<(), String> {
        match self {
            Conn::Ftp(ftp) => deadline("DELE", ftp.rm(path)).await,
            Conn::Sftp(_, sftp) => deadline("remove", sftp.remove_file(path)).await,
        }
    }

    pub async fn close(self) {
        match self {
            Conn::Ftp(mut ftp) => {
                let _ = tokio::time::timeout(CALL, ftp.quit()).await;
            }
            Conn::Sftp(ssh, sftp) => {
                let _ = tokio::time::timeout(CALL, sftp.close()).await;
                let _ = tokio::time::timeout(
                    CALL,
                    ssh.disconnect(russh::Disconnect::ByApplication, "", "en"),
                )
                .await;
            }
        }
    }
}

/// A session that logs in again (at the current ports) whenever the last call failed.
pub struct Session {
    pub proto: Proto,
    pub partner: &'static str,
    conn: Option<Conn>,
    ports: Arc<Ports>,
    /// Calls that failed (the server was killed under them, or was down).
    pub failures: usize,
}

impl Session {
    pub fn new(ports: Arc<Ports>, proto: Proto, partner: &'static str) -> Session {
        Session {
            proto,
            partner,
            conn: None,
            ports,
            failures: 0,
        }
    }

    /// A live connection, logging in when there is none.
    async fn conn(&mut self) -> Result<&mut Conn, String> {
        if self.conn.is_none() {
            self.conn = Some(Conn::open(&self.ports, self.proto, self.partner).await?);
        }
        Ok(self.conn.as_mut().expect("just opened"))
    }

    /// Runs `f` on the connection; on failure drops it (the next call logs in again).
    async fn call<T>(
        &mut self,
        f: impl AsyncFnOnce(&mut Conn) -> Result<T, String>,
    ) -> Result<T, String> {
        let result = match self.conn().await {
            Ok(c) => f(c).await,
            Err(e) => Err(e),
        };
        if result.is_err() {
            self.failures += 1;
            self.conn = None;
        }
        result
    }

    /// Uploads until the server confirms it (`226`, or the SFTP close answered), as a client
    /// retrying after a failure does: same name, same bytes.
    pub async fn put_until_done(&mut self, path: &str, body: &[u8], pause: Duration) {
        let started = std::time::Instant::now();
        loop {
            match self.call(async |c| c.put(path, body, pause).await).await {
                Ok(()) => return,
                Err(e) => {
                    assert!(
                        started.elapsed() < Duration::from_secs(180),
                        "{} {path} never uploaded: {e}",
                        self.partner
                    );
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }

    pub async fn close(&mut self) {
        if let Some(c) = self.conn.take() {
            c.close().await;
        }
    }
}

/// What a consumer took from one partner's `out/`: (name, content), in the order taken.
pub type Taken = Vec<(String, String)>;

/// Takes every file in `partner`'s `out/` until `stop` is set and a pass found nothing;
/// `on_taken` sees each file as it is counted. Alternates FTP and SFTP at each new login.
pub async fn consume(
    ports: Arc<Ports>,
    partner: &'static str,
    stop: Arc<AtomicBool>,
    mut on_taken: impl FnMut(&str, &str),
) -> Taken {
    let mut taken = Taken::new();
    let mut pending: BTreeMap<String, String> = BTreeMap::new();
    let mut proto = Proto::Ftp;
    let mut session = Session::new(ports.clone(), proto, partner);
    let mut commit = |name: &str, content: String, taken: &mut Taken| {
        on_taken(name, &content);
        taken.push((name.to_string(), content));
    };
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        let names = match session.call(async |c| c.list("/out").await).await {
            Ok(n) => n,
            Err(_) => {
                proto = if proto == Proto::Ftp {
                    Proto::Sftp
                } else {
                    Proto::Ftp
                };
                session = Session::new(ports.clone(), proto, partner);
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        // Downloaded earlier, delete unconfirmed, no longer listed: the delete went through.
        let gone: Vec<String> = pending
            .keys()
            .filter(|n| !names.contains(n))
            .cloned()
            .collect();
        for n in gone {
            let content = pending.remove(&n).expect("pending");
            commit(&n, content, &mut taken);
        }
        if names.is_empty() && pending.is_empty() && stopping {
            break;
        }
        for name in names {
            let path = format!("/out/{name}");
            let Ok(bytes) = session.call(async |c| c.get(&path).await).await else {
                break;
            };
            pending.insert(name.clone(), String::from_utf8_lossy(&bytes).into_owned());
            if session.call(async |c| c.delete(&path).await).await.is_ok() {
                let content = pending.remove(&name).expect("pending");
                commit(&name, content, &mut taken);
            } else {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    session.close().await;
    taken
}
