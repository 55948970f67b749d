//! A throwaway PostgreSQL cluster for tests, from Debian's server binaries
//! (`/usr/lib/postgresql/*/bin`): `initdb` in a fresh folder, trust authentication, listening
//! only on a Unix socket in that folder, one per test process, with a fresh database per test
//! ([`PgCluster::database`]). The server gets the parent-death signal, so it stops when the test
//! process ends, however it ends; the next run removes folders such servers left.
//!
//! Shared by the library's tests (the store on both back-ends) and the end-to-end tests, which
//! include this file.

#![allow(dead_code)]
// Test support only: the user lookup, a liveness check and the parent-death signal are libc
// calls (each with its SAFETY note).
#![allow(unsafe_code)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The running cluster.
pub struct PgCluster {
    /// Its folder: `data/` (the cluster) and `sock/` (its socket).
    pub dir: PathBuf,
    bin: PathBuf,
    user: Option<(u32, u32)>,
}

const PORT: u16 = 5432;
const PREFIX: &str = "wharf-test-pg-";

/// The Debian server binaries' folder, newest version first.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("postgres").is_file())
        .collect();
    found.sort();
    found.pop()
}

/// PostgreSQL refuses to run as root: then the server runs as the `postgres` user the Debian
/// package creates.
fn server_user() -> Result<Option<(u32, u32)>, String> {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        return Ok(None);
    }
    let name = c"postgres";
    // SAFETY: a NUL-terminated name; the result is read at once, before any other call.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return Err("running as root and there is no `postgres` user to run the server".into());
    }
    // SAFETY: non-null, as returned by getpwnam.
    let (uid, gid) = unsafe { ((*pw).pw_uid, (*pw).pw_gid) };
    Ok(Some((uid, gid)))
}

/// Skips (printing why) or, under `CI`, fails.
fn unavailable(why: &str) -> Option<&'static PgCluster> {
    if std::env::var_os("CI").is_some() {
        panic!("PostgreSQL: {why}: required in CI (.ci/run installs it)");
    }
    eprintln!("skipped on PostgreSQL: {why}");
    None
}

/// Removes the folders of clusters whose test process is gone.
fn sweep_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only checks whether the process exists.
        if unsafe { libc::kill(pid, 0) } != 0 {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl PgCluster {
    /// The cluster of this test process, started at the first call; `None` (printed) when
    /// PostgreSQL is not installed — a failure under `CI`.
    pub fn shared() -> Option<&'static PgCluster> {
        static CLUSTER: OnceLock<Result<PgCluster, String>> = OnceLock::new();
        match CLUSTER.get_or_init(PgCluster::start) {
            Ok(c) => Some(c),
            Err(why) => unavailable(why),
        }
    }

    fn start() -> Result<PgCluster, String> {
        let bin = bin_dir().ok_or("no server binaries under /usr/lib/postgresql")?;
        let user = server_user()?;
        sweep_stale();
        let dir = std::env::temp_dir().join(format!("{PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sock = dir.join("sock");
        std::fs::create_dir_all(&sock).map_err(|e| format!("{}: {e}", sock.display()))?;
        for d in [&dir, &sock] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| e.to_string())?;
            if let Some((uid, gid)) = user {
                std::os::unix::fs::chown(d, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
            }
        }
        let cluster = PgCluster { dir, bin, user };
        let out = cluster
            .command("initdb")
            .args(["-D"])
            .arg(cluster.dir.join("data"))
            .args(["-U", "wharf", "--auth=trust", "--no-sync", "-E", "UTF8"])
            .args(["--locale=C.UTF-8", "--no-instructions"])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        cluster.spawn_server()?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = cluster
                .command("pg_isready")
                .arg("-h")
                .arg(cluster.socket_dir())
                .args(["-p", &PORT.to_string(), "-U", "wharf", "-q"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(cluster);
            }
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(cluster.dir.join("server.log")).unwrap_or_default();
                return Err(format!("the server did not start within 60 s:\n{log}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The socket's folder.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.join("sock")
    }

    /// A command of the server's binaries, run as the server's user.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        cmd.stdin(Stdio::null());
        if let Some((uid, gid)) = self.user {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    /// Starts `postgres` from a thread that lives as long as the process: the server gets
    /// SIGQUIT (immediate stop) when that thread, so the process, ends.
    fn spawn_server(&self) -> Result<(), String> {
        let log = std::fs::File::create(self.dir.join("server.log")).map_err(|e| e.to_string())?;
        let mut cmd = self.command("postgres");
        cmd.arg("-D")
            .arg(self.dir.join("data"))
            .arg("-k")
            .arg(self.socket_dir())
            .args(["-p", &PORT.to_string()])
            .args(["-c", "listen_addresses=", "-c", "fsync=off"])
            .args(["-c", "max_connections=300", "-c", "synchronous_commit=off"])
            .stdout(Stdio::null())
            .stderr(log);
        // SAFETY: prctl is async-signal-safe; nothing else runs in the forked child.
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("postgres-parent".into())
            .spawn(move || {
                let child = cmd.spawn();
                let ok = child.is_ok();
                let _ = tx.send(child.map(|_| ()).map_err(|e| format!("postgres: {e}")));
                if ok {
                    loop {
                        std::thread::park();
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        rx.recv().map_err(|e| e.to_string())?
    }

    /// A new, empty database; its connection string (`key=value` form).
    pub fn database(&self) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!("t{}", N.fetch_add(1, Ordering::SeqCst));
        let out = self
            .command("createdb")
            .arg("-h")
            .arg(self.socket_dir())
            .args(["-p", &PORT.to_string(), "-U", "wharf", &name])
            .output()
            .expect("createdb");
        assert!(
            out.status.success(),
            "createdb {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!(
            "host={} port={PORT} user=wharf dbname={name}",
            self.socket_dir().display()
        )
    }

    /// A new, empty database; its `postgres://` URL (the socket folder percent-encoded as the
    /// host).
    pub fn database_url(&self) -> String {
        let kv = self.database();
        let name = kv.rsplit("dbname=").next().unwrap_or_default().to_owned();
        let host: String = self
            .socket_dir()
            .display()
            .to_string()
            .replace('%', "%25")
            .replace('/', "%2F");
        format!("postgres://wharf@{host}:{PORT}/{name}")
    }
}
