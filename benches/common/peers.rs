//! The servers a bench starts side by side on 127.0.0.1: Wharf itself (release binary, FTP and
//! SFTP listeners, a cart `uc` and a warehouse `wh`), OpenSSH's `sshd` (with `sftp-server` or
//! `internal-sftp`) and vsftpd with a password login. Every server is stopped, with whatever it
//! started, when its value is dropped; the system user vsftpd logs in is deleted then too.

use super::procfs::{alive, descendants, signal};
use super::{PASSWORD, env_wants, free_port, free_range, is_root, on_path, run_ok, set_mode, tail};
use anyhow::{Context, Result, anyhow, bail};
use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SSHD: &str = "/usr/sbin/sshd";
pub const SFTP_SERVER: &str = "/usr/lib/openssh/sftp-server";
pub const VSFTPD: &str = "/usr/sbin/vsftpd";
/// Wharf's cart (UltraCart) and its warehouse (canonical JSON).
pub const CART: &str = "uc";
/// A second cart with the same login secrets, sending to the same warehouse (a file of its own
/// while [`CART`]'s batch runs).
pub const CART2: &str = "uc2";
pub const WAREHOUSE: &str = "wh";

/// Which comparisons a bench can run.
pub struct Protocols {
    pub ftp: bool,
    pub sftp: bool,
}

/// The comparisons to run: every client in `clients` installed (else none), then per protocol
/// wanted by `WHARF_BENCH_PROTOCOLS` (both by default) the reference server present — sshd with
/// `subsystem`; vsftpd, and root to make its user. Prints why one is left out; `None` when
/// nothing is left.
pub fn protocols(clients: &[&str], subsystem: Subsystem) -> Option<Protocols> {
    for tool in clients {
        if !on_path(tool) {
            println!("skipped: the client `{tool}` is not installed");
            return None;
        }
    }
    let wants = |p: &str| env_wants("WHARF_BENCH_PROTOCOLS", p);
    if !wants("sftp") || !wants("ftp") {
        println!(
            "protocols: {}",
            std::env::var("WHARF_BENCH_PROTOCOLS").unwrap_or_default()
        );
    }
    let have_sshd = Path::new(SSHD).exists()
        && (subsystem == Subsystem::Internal || Path::new(SFTP_SERVER).exists());
    let have_vsftpd = Path::new(VSFTPD).exists() && is_root();
    if wants("sftp") && !have_sshd {
        println!(
            "skipped: {SSHD} or {SFTP_SERVER} is missing (apt-get install -y openssh-server); \
             no SFTP comparison"
        );
    }
    if wants("ftp") && !have_vsftpd {
        println!(
            "skipped: {VSFTPD} is missing or not running as root (apt-get install -y vsftpd); \
             no FTP comparison"
        );
    }
    let p = Protocols {
        ftp: have_vsftpd && wants("ftp"),
        sftp: have_sshd && wants("sftp"),
    };
    (p.ftp || p.sftp).then_some(p)
}

/// A child process stopped (with everything it started) when dropped.
pub struct Guard {
    name: String,
    pub child: Child,
}

impl Guard {
    pub fn spawn(name: &str, cmd: &mut Command) -> Result<Guard> {
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {name}: {cmd:?}"))?;
        Ok(Guard {
            name: name.to_string(),
            child,
        })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = self.child.id();
        let tree = descendants(pid);
        signal(pid, libc::SIGTERM);
        for p in &tree {
            signal(*p, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut rest = descendants(pid);
        rest.extend(tree);
        for p in rest {
            if Path::new(&format!("/proc/{p}")).exists() {
                signal(p, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("stopped {} (pid {pid})", self.name);
    }
}

/// A long-lived server with its log file.
pub struct Server {
    pub name: &'static str,
    guard: Guard,
    pub log: PathBuf,
}

impl Server {
    pub fn start(name: &'static str, cmd: &mut Command, log: PathBuf) -> Result<Server> {
        let f = File::create(&log)?;
        cmd.stdin(Stdio::null()).stdout(f.try_clone()?).stderr(f);
        let guard = Guard::spawn(name, cmd)?;
        Ok(Server { name, guard, log })
    }

    pub fn pid(&self) -> u32 {
        self.guard.child.id()
    }

    pub fn alive(&self) -> bool {
        alive(self.pid())
    }

    /// An error with the log's tail when the server has gone.
    pub fn check_alive(&self) -> Result<()> {
        if !self.alive() {
            bail!("{} exited; log:\n{}", self.name, tail(&self.log));
        }
        Ok(())
    }

    /// Waits until every port accepts connections (the process still running).
    pub fn wait_ports(&mut self, ports: &[u16]) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        for &port in ports {
            loop {
                if let Some(st) = self.guard.child.try_wait()? {
                    bail!("{} exited ({st}); log:\n{}", self.name, tail(&self.log));
                }
                if let Ok(mut probe) = TcpStream::connect(("127.0.0.1", port)) {
                    // Read the greeting before closing, so the server sees an orderly close
                    // rather than a reset (which Wharf would log as a warning).
                    let _ = probe.set_read_timeout(Some(Duration::from_millis(500)));
                    let _ = probe.read(&mut [0u8; 256]);
                    break;
                }
                if Instant::now() > deadline {
                    bail!(
                        "{} does not accept connections on {port}; log:\n{}",
                        self.name,
                        tail(&self.log)
                    );
                }
                std::thread::sleep(Duration::from_millis(25));
            }
        }
        Ok(())
    }
}

/// What a bench sets in Wharf's configuration.
pub struct WharfOptions {
    /// `[limits] max_upload_size` (Wharf's default when `None`).
    pub max_upload: Option<u64>,
    /// How many passive FTP ports.
    pub passive_ports: u16,
    /// More `[limits]` lines (`key = value`, one a line).
    pub limits: &'static str,
}

/// Wharf (the release build of this checkout): one process, FTP and SFTP, the carts [`CART`]
/// and [`CART2`] (password [`PASSWORD`] and the bench's SSH key) sending to the warehouse
/// [`WAREHOUSE`].
pub struct Wharf {
    pub server: Server,
    pub data: PathBuf,
    pub ftp_port: u16,
    pub sftp_port: u16,
    pub log: PathBuf,
}

impl Wharf {
    pub fn start(t: &Path, public_key: &str, opts: &WharfOptions) -> Result<Wharf> {
        let dir = t.join("wharf");
        std::fs::create_dir_all(&dir)?;
        let ftp_port = free_port()?;
        let sftp_port = free_port()?;
        let (lo, hi) = free_range(opts.passive_ports)?;
        let hash = wharf::config::hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
        let mut limits = match opts.max_upload {
            Some(n) => format!("max_upload_size = {n}\n"),
            None => String::new(),
        };
        limits.push_str(opts.limits);
        if !limits.is_empty() {
            limits = format!("[limits]\n{limits}\n");
        }
        let toml = format!(
            r#"data_dir = "data"

[ftp]
listen = "127.0.0.1:{ftp_port}"
passive_ports = "{lo}-{hi}"

[sftp]
listen = "127.0.0.1:{sftp_port}"

{limits}
[[partner]]
name = "{CART}"
role = "cart"
format = "ultracart"
password_hash = "{hash}"
warehouse = "{WAREHOUSE}"
authorized_keys = ["{public_key}"]

[[partner]]
name = "{CART2}"
role = "cart"
format = "ultracart"
password_hash = "{hash}"
warehouse = "{WAREHOUSE}"
authorized_keys = ["{public_key}"]

[[partner]]
name = "{WAREHOUSE}"
role = "warehouse"
format = "canonical"
password_hash = "{hash}"
"#
        );
        let config = dir.join("wharf.toml");
        std::fs::write(&config, toml)?;
        let log = dir.join("wharf.log");
        let mut server = Server::start(
            "wharf",
            Command::new(env!("CARGO_BIN_EXE_wharf"))
                .args(["serve", "--config"])
                .arg(&config)
                .current_dir(&dir)
                .env("WHARF_LOG", "info"),
            log.clone(),
        )?;
        server.wait_ports(&[ftp_port, sftp_port])?;
        let data = dir.join("data");
        let deadline = Instant::now() + Duration::from_secs(10);
        for p in [CART, WAREHOUSE] {
            let out = data.join("partners").join(p).join("out");
            while !out.is_dir() {
                if Instant::now() > deadline {
                    bail!("{} was not created; log:\n{}", out.display(), tail(&log));
                }
                std::thread::sleep(Duration::from_millis(25));
            }
        }
        println!(
            "wharf: pid {}, FTP {ftp_port} (passive {lo}-{hi}), SFTP {sftp_port}",
            server.pid()
        );
        Ok(Wharf {
            server,
            data,
            ftp_port,
            sftp_port,
            log,
        })
    }

    pub fn pid(&self) -> u32 {
        self.server.pid()
    }

    /// A partner's home folder.
    pub fn home(&self, partner: &str) -> PathBuf {
        self.data.join("partners").join(partner)
    }

    /// Prints how many WARN/ERROR lines the log holds, and the first ten.
    pub fn print_warnings(&self) {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let bad: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("WARN") || l.contains("ERROR"))
            .collect();
        if !bad.is_empty() {
            println!(
                "Wharf logged {} warnings/errors, the first ones:",
                bad.len()
            );
            for l in bad.iter().take(10) {
                println!("  {l}");
            }
        }
    }
}

/// What answers OpenSSH's `sftp` subsystem.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Subsystem {
    /// `/usr/lib/openssh/sftp-server`, a process per session started through the user's shell.
    SftpServer,
    /// `internal-sftp`, inside sshd's own session process.
    Internal,
}

impl Subsystem {
    /// The session process whose VmHWM a table shows.
    pub fn session_process(self) -> &'static str {
        match self {
            Subsystem::SftpServer => "sftp-server",
            Subsystem::Internal => "sshd",
        }
    }
}

/// Debian's OpenSSH `sshd`, key login only (the bench's key for the current user).
pub struct Sshd {
    pub server: Server,
    pub port: u16,
    pub subsystem: Subsystem,
}

impl Sshd {
    pub fn start(t: &Path, public_key: &str, root: bool, subsystem: Subsystem) -> Result<Sshd> {
        let dir = t.join(match subsystem {
            Subsystem::SftpServer => "sshd",
            Subsystem::Internal => "sshd-internal",
        });
        std::fs::create_dir_all(&dir)?;
        let host_key = dir.join("ssh_host_ed25519_key");
        run_ok(
            Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", "bench-host", "-f"])
                .arg(&host_key),
        )?;
        // The session's shell (`$SHELL -c sftp-server`) gets an empty HOME, so a heavy
        // ~/.bashrc (pyenv, …) does not run inside the timed session start.
        let home = dir.join("home");
        std::fs::create_dir_all(&home)?;
        let authorized = dir.join("authorized_keys");
        std::fs::write(&authorized, format!("{public_key}\n"))?;
        // sshd insists on its privilege separation folder.
        let privsep = Path::new("/run/sshd");
        if root && !privsep.is_dir() {
            std::fs::create_dir_all(privsep).context("creating /run/sshd")?;
            set_mode(privsep, 0o755)?;
        }
        let port = free_port()?;
        let config = dir.join("sshd_config");
        let sub = match subsystem {
            Subsystem::SftpServer => SFTP_SERVER,
            Subsystem::Internal => "internal-sftp",
        };
        std::fs::write(
            &config,
            format!(
                "ListenAddress 127.0.0.1\n\
                 HostKey {hk}\n\
                 PidFile {pid}\n\
                 AuthorizedKeysFile {ak}\n\
                 PermitRootLogin {prl}\n\
                 StrictModes no\n\
                 UsePAM no\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PubkeyAuthentication yes\n\
                 PrintMotd no\n\
                 UseDNS no\n\
                 LogLevel INFO\n\
                 MaxStartups 100\n\
                 SetEnv HOME={home}\n\
                 Subsystem sftp {sub}\n",
                hk = host_key.display(),
                pid = dir.join("sshd.pid").display(),
                ak = authorized.display(),
                home = home.display(),
                prl = if root { "yes" } else { "no" },
            ),
        )?;
        let name = match subsystem {
            Subsystem::SftpServer => "sshd",
            Subsystem::Internal => "sshd (internal-sftp)",
        };
        let mut server = Server::start(
            name,
            Command::new(SSHD)
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .args(["-p", &port.to_string()]),
            dir.join("sshd.log"),
        )?;
        server.wait_ports(&[port])?;
        println!("{name}: pid {}, port {port}", server.pid());
        Ok(Sshd {
            server,
            port,
            subsystem,
        })
    }
}

/// A local system user with the password [`PASSWORD`], for vsftpd's `local_enable` login (the
/// counterpart of Wharf's password login); deleted when dropped. Needs root. Its name carries
/// the bench's pid; users left by a bench that was killed are deleted at the next start.
pub struct FtpUser {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

const USER_PREFIX: &str = "wbench";

impl FtpUser {
    pub fn create(home: &Path) -> Result<FtpUser> {
        Self::remove_stale();
        let name = format!("{USER_PREFIX}{}", std::process::id());
        if passwd_entry(&name).is_some() {
            run_ok(Command::new("userdel").arg(&name))?;
        }
        run_ok(
            Command::new("useradd")
                .args(["-M", "-s", "/bin/sh", "-d"])
                .arg(home)
                .arg(&name),
        )
        .context("creating the vsftpd bench user")?;
        let mut user = FtpUser {
            uid: 0,
            gid: 0,
            name,
        };
        // From here on, dropping `user` deletes it.
        let mut chpasswd = Command::new("chpasswd")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("chpasswd")?;
        chpasswd
            .stdin
            .take()
            .context("chpasswd stdin")?
            .write_all(format!("{}:{PASSWORD}\n", user.name).as_bytes())?;
        let out = chpasswd.wait_with_output()?;
        if !out.status.success() {
            bail!("chpasswd failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let fields = passwd_entry(&user.name).context("the new user is not in /etc/passwd")?;
        user.uid = fields.get(2).and_then(|s| s.parse().ok()).context("uid")?;
        user.gid = fields.get(3).and_then(|s| s.parse().ok()).context("gid")?;
        println!(
            "vsftpd user: {} (uid {}), password login",
            user.name, user.uid
        );
        Ok(user)
    }

    /// Gives the user a folder to write into.
    pub fn own(&self, path: &Path) -> Result<()> {
        std::os::unix::fs::chown(path, Some(self.uid), Some(self.gid))
            .with_context(|| format!("chown {}", path.display()))
    }

    /// Deletes `wbenchPID` users whose bench process is gone.
    fn remove_stale() {
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        for line in passwd.lines() {
            let name = line.split(':').next().unwrap_or("");
            let Some(pid) = name
                .strip_prefix(USER_PREFIX)
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = run_ok(Command::new("userdel").arg(name));
                eprintln!("deleted the stale bench user {name}");
            }
        }
    }
}

impl Drop for FtpUser {
    fn drop(&mut self) {
        match run_ok(Command::new("userdel").arg(&self.name)) {
            Ok(()) => eprintln!("deleted the bench user {}", self.name),
            Err(e) => eprintln!("could not delete the bench user {}: {e}", self.name),
        }
    }
}

fn passwd_entry(name: &str) -> Option<Vec<String>> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .map(|l| l.split(':').map(str::to_string).collect::<Vec<_>>())
        .find(|f| f.first().map(String::as_str) == Some(name))
}

/// Debian's vsftpd 3.0.3: the local user `user` logs in with a password and is chrooted to
/// `root` (which must not be writable by it; give it a folder inside with [`FtpUser::own`]).
pub struct Vsftpd {
    pub server: Server,
    pub port: u16,
}

impl Vsftpd {
    pub fn start(t: &Path, root: &Path, user: &FtpUser, passive_ports: u16) -> Result<Vsftpd> {
        let dir = t.join("vsftpd");
        let empty = dir.join("empty");
        std::fs::create_dir_all(&empty)?;
        set_mode(&empty, 0o755)?;
        let port = free_port()?;
        let (lo, hi) = free_range(passive_ports)?;
        let config = dir.join("vsftpd.conf");
        std::fs::write(
            &config,
            format!(
                "listen=YES\n\
                 listen_ipv6=NO\n\
                 listen_address=127.0.0.1\n\
                 listen_port={port}\n\
                 background=NO\n\
                 pasv_enable=YES\n\
                 pasv_min_port={lo}\n\
                 pasv_max_port={hi}\n\
                 anonymous_enable=NO\n\
                 local_enable=YES\n\
                 write_enable=YES\n\
                 local_umask=022\n\
                 chroot_local_user=YES\n\
                 local_root={root}\n\
                 userlist_enable=NO\n\
                 pam_service_name=vsftpd\n\
                 secure_chroot_dir={empty}\n\
                 seccomp_sandbox=NO\n\
                 xferlog_enable=YES\n\
                 vsftpd_log_file={log}\n\
                 syslog_enable=NO\n\
                 dirmessage_enable=NO\n\
                 use_localtime=YES\n",
                root = root.display(),
                empty = empty.display(),
                log = dir.join("vsftpd-transfers.log").display(),
            ),
        )?;
        let mut server = Server::start(
            "vsftpd",
            Command::new(VSFTPD).arg(&config),
            dir.join("vsftpd.log"),
        )?;
        server.wait_ports(&[port])?;
        println!(
            "vsftpd: pid {}, port {port} (passive {lo}-{hi}), user {}",
            server.pid(),
            user.name
        );
        Ok(Vsftpd { server, port })
    }
}

/// The reference servers of a bench, side by side: `sshd` for SFTP, vsftpd and its user for
/// FTP (as `protocols` says). They share `t/peer/` (vsftpd's chroot, which its user must not be
/// able to write); uploads land in `t/peer/up/`, owned by vsftpd's user. Dropped in field
/// order: vsftpd goes before its user.
pub struct References {
    pub sshd: Option<Sshd>,
    pub vsftpd: Option<Vsftpd>,
    pub ftp_user: Option<FtpUser>,
    /// `t/peer/`.
    pub root: PathBuf,
    /// `t/peer/up/`.
    pub up: PathBuf,
}

impl References {
    pub fn start(
        t: &Path,
        public_key: &str,
        protocols: &Protocols,
        subsystem: Subsystem,
        passive_ports: u16,
    ) -> Result<References> {
        let root = t.join("peer");
        let up = root.join("up");
        std::fs::create_dir_all(&up)?;
        set_mode(&root, 0o755)?;
        set_mode(&up, 0o755)?;
        let sshd = if protocols.sftp {
            Some(Sshd::start(t, public_key, is_root(), subsystem)?)
        } else {
            None
        };
        let ftp_user = if protocols.ftp {
            let u = FtpUser::create(&root)?;
            u.own(&up)?;
            Some(u)
        } else {
            None
        };
        let vsftpd = match &ftp_user {
            Some(u) => Some(Vsftpd::start(t, &root, u, passive_ports)?),
            None => None,
        };
        Ok(References {
            sshd,
            vsftpd,
            ftp_user,
            root,
            up,
        })
    }

    pub fn sshd(&self) -> Result<&Sshd> {
        self.sshd.as_ref().context("sshd was not started")
    }

    pub fn vsftpd(&self) -> Result<&Vsftpd> {
        self.vsftpd.as_ref().context("vsftpd was not started")
    }

    /// vsftpd's login.
    pub fn ftp_user(&self) -> Result<&str> {
        self.ftp_user
            .as_ref()
            .map(|u| u.name.as_str())
            .context("no vsftpd user")
    }
}
