//! Test support: a gateway process with its own data folder and ports, real clients, and
//! waiting on conditions with deadlines (never sleep-and-hope).

#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

pub const CART_PASSWORD: &str = "cart-Secret-42";
pub const CART2_PASSWORD: &str = "cart2-Secret-43";
pub const WH_PASSWORD: &str = "wh-Secret-44";

/// Polls `cond` until it is true or `secs` pass; panics with `what` on timeout.
pub fn wait_for(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("timed out after {secs}s waiting for: {what}");
}

/// Skips a test (returns true) with the reason printed — except under `CI`, where everything a
/// test needs is provided (`.ci/run`) and a skipped test would hide one that never ran: there
/// it fails.
pub fn skip(why: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!("{why}: required in CI (.ci/run provides it)");
    }
    eprintln!("skipped: {why}");
    true
}

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server this test does not own (a
/// remote partner's) or one that must refuse connections. Wharf's own listeners bind port 0
/// and report their ports (`--ready-file`).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

static NEXT_RANGE: AtomicU16 = AtomicU16::new(0);

/// Where passive ranges are taken from: below Linux's ephemeral ports (32768–60999, where the
/// system picks the local port of outgoing connections and of port-0 listeners, which could
/// take a passive port at any moment).
const PASSIVE_SPAN: (u16, u16) = (10_000, 32_000);

/// A range of `n` free consecutive ports for passive FTP, outside the ephemeral range.
pub fn free_range(n: u16) -> (u16, u16) {
    let pid = std::process::id() as u16;
    let (lo, hi) = PASSIVE_SPAN;
    loop {
        let k = NEXT_RANGE.fetch_add(1, Ordering::SeqCst);
        let base = lo + ((pid.wrapping_mul(97).wrapping_add(k.wrapping_mul(n + 3))) % (hi - lo));
        if (base..base + n).all(|p| TcpListener::bind(("127.0.0.1", p)).is_ok()) {
            return (base, base + n - 1);
        }
    }
}

/// What `wharf serve --ready-file` wrote, once it exists and parses.
pub fn read_ready(path: &Path) -> Option<wharf::server::Ready> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Waits until `child` has written its ready file; panics (with the log) if it exits first.
pub fn wait_ready(child: &mut Child, ready: &Path, log: &Path) -> wharf::server::Ready {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(r) = read_ready(ready) {
            return r;
        }
        if let Some(status) = child.try_wait().expect("wait") {
            panic!(
                "wharf exited ({status}) before it listened:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            Instant::now() < deadline,
            "wharf did not write {} within 60s",
            ready.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A running gateway. Its listeners bind port 0; the ports it got are read from its ready
/// file at every start (so they change when it restarts).
pub struct Gateway {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub ftp_port: u16,
    /// The SFTP port, when the configuration has `[sftp]`.
    pub sftp_port: Option<u16>,
    pub child: Option<Child>,
    pub log: PathBuf,
    pub extra: String,
    /// Temp folders that must live as long as the gateway (certificates…).
    pub keep: Vec<tempfile::TempDir>,
    /// Environment variables for the next (re)start of the process (debug fault requests).
    pub env: Vec<(String, String)>,
}

impl Gateway {
    /// A gateway with partners `uc` (UltraCart cart), `uc2` (a second cart) and `wh` (warehouse),
    /// plus `extra` TOML appended (more partners, or keys inside the last table).
    pub fn start() -> Gateway {
        Self::start_with("", "")
    }

    pub fn start_with(cart_extra: &str, extra: &str) -> Gateway {
        Self::start_custom("", cart_extra, extra)
    }

    /// As [`Gateway::start_with`], with extra `[limits]` keys.
    pub fn start_custom(limits: &str, cart_extra: &str, extra: &str) -> Gateway {
        Self::start_full("", limits, cart_extra, extra)
    }

    /// With extra keys in the `[ftp]` table.
    pub fn start_ftp_extra(ftp_extra: &str) -> Gateway {
        Self::start_full(ftp_extra, "", "", "")
    }

    /// Every knob: extra `[ftp]` keys, `[limits]` keys, cart keys, trailing TOML.
    pub fn start_full(ftp_extra: &str, limits: &str, cart_extra: &str, extra: &str) -> Gateway {
        Self::start_passive(8, ftp_extra, limits, cart_extra, extra)
    }

    /// As [`Gateway::start_full`], with a passive range of `ports` ports.
    pub fn start_passive(
        ports: u16,
        ftp_extra: &str,
        limits: &str,
        cart_extra: &str,
        extra: &str,
    ) -> Gateway {
        let dir = tempfile::tempdir().expect("temp dir");
        let (lo, hi) = free_range(ports);
        let hash = |p: &str| wharf::config::hash_password(p).expect("hash");
        let toml = format!(
            r#"data_dir = "data"

[ftp]
listen = "127.0.0.1:0"
passive_ports = "{lo}-{hi}"
{ftp_extra}

[limits]
shutdown_grace = "2s"
{limits}

[[partner]]
name = "uc"
role = "cart"
format = "ultracart"
password_hash = "{h1}"
warehouse = "wh"
{cart_extra}

[[partner]]
name = "uc2"
role = "cart"
format = "ultracart"
password_hash = "{h2}"
warehouse = "wh"

[[partner]]
name = "wh"
role = "warehouse"
format = "canonical"
password_hash = "{h3}"
{extra}
"#,
            h1 = hash(CART_PASSWORD),
            h2 = hash(CART2_PASSWORD),
            h3 = hash(WH_PASSWORD),
        );
        Gateway::spawn_in(dir, &toml)
    }

    /// Writes `toml` as the configuration in `dir` and starts `serve` on it.
    pub fn spawn_in(dir: tempfile::TempDir, toml: &str) -> Gateway {
        let config = dir.path().join("wharf.toml");
        std::fs::write(&config, toml).expect("config");
        let log = dir.path().join("wharf.log");
        let mut g = Gateway {
            dir,
            config,
            ftp_port: 0,
            sftp_port: None,
            child: None,
            log,
            extra: String::new(),
            keep: Vec::new(),
            env: Vec::new(),
        };
        g.spawn();
        g
    }

    /// The ready file `serve` writes once it listens.
    pub fn ready_file(&self) -> PathBuf {
        self.dir.path().join("ready.json")
    }

    /// Starts (or restarts) the process and waits until every listener listens; the ports it
    /// bound are in `ftp_port` and `sftp_port`.
    pub fn spawn(&mut self) {
        self.spawn_process();
        let file = self.ready_file();
        let ready = wait_ready(self.child.as_mut().expect("started"), &file, &self.log);
        self.ftp_port = ready.ftp.first().expect("an FTP listener").port();
        self.sftp_port = ready.sftp.first().map(|a| a.port());
    }

    /// Starts (or restarts) the process without waiting for anything (it may die at once).
    pub fn spawn_process(&mut self) {
        let _ = std::fs::remove_file(self.ready_file());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        // WHARF_BIN runs another build of the binary (a release build, for timing figures).
        let bin = std::env::var_os("WHARF_BIN")
            .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_wharf")), PathBuf::from);
        let child = Command::new(bin)
            .args(["serve", "--config"])
            .arg(&self.config)
            .arg("--ready-file")
            .arg(self.ready_file())
            .env("WHARF_LOG", "info,wharf=debug")
            .envs(self.env.iter().cloned())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start wharf");
        self.child = Some(child);
    }

    /// Waits until the process ends by itself (a crash); returns its exit status.
    pub fn wait_exit(&mut self, secs: u64) -> std::process::ExitStatus {
        let mut status = None;
        let child = self.child.as_mut().expect("running");
        wait_for(secs, "the process to end", || {
            status = child.try_wait().expect("wait");
            status.is_some()
        });
        self.child = None;
        status.expect("exited")
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn home(&self, partner: &str) -> PathBuf {
        self.data().join("partners").join(partner)
    }

    pub fn url(&self, user: &str, pass: &str, path: &str) -> String {
        format!(
            "ftp://{user}:{pass}@127.0.0.1:{}/{}",
            self.ftp_port,
            path.trim_start_matches('/')
        )
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM and wait for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        self.terminate_within(Duration::from_secs(30))
    }

    /// SIGTERM and wait up to `limit` for the exit status (a clean stop first works through
    /// the files already queued).
    pub fn terminate_within(&mut self, limit: Duration) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + limit;
        loop {
            if let Some(st) = child.try_wait().expect("wait") {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "wharf did not exit within {limit:?} after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, as a crash.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Files under a partner folder (relative paths), sorted.
    pub fn files(&self, partner: &str, folder: &str) -> Vec<String> {
        let base = self.home(partner).join(folder);
        let mut out = Vec::new();
        walk(&base, &base, &mut out);
        out.sort();
        out
    }

    /// Waits until `in/` of `partner` is empty (everything processed).
    pub fn wait_in_empty(&self, partner: &str) {
        wait_for(30, &format!("{partner}/in to be empty"), || {
            self.files(partner, "in").is_empty()
        });
    }

    /// Waits for `error/NAME.error.txt` of `partner` and returns it (the input may be in
    /// `archive/`, with some of its orders refused, or move to `error/` just after).
    pub fn error_report(&self, partner: &str, name: &str) -> String {
        let p = self
            .home(partner)
            .join("error")
            .join(format!("{name}.error.txt"));
        self.wait_file(&p);
        std::fs::read_to_string(&p).expect("the report")
    }

    /// Waits until a file exists.
    pub fn wait_file(&self, path: &Path) {
        wait_for(30, &format!("{} to exist", path.display()), || {
            path.exists()
        });
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(base, &p, out);
        } else {
            out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// Runs a command and returns its output.
pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run command")
}

/// Uploads `content` with curl to `url`; returns curl's output.
pub fn curl_upload(url: &str, content: &[u8]) -> Output {
    let mut child = Command::new("curl")
        .args(["-sS", "--ftp-pasv", "-T", "-", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("curl");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(content)
        .expect("write");
    child.wait_with_output().expect("curl output")
}

/// Downloads with curl; returns the output (stdout = the file).
pub fn curl_get(url: &str) -> Output {
    run(Command::new("curl").args(["-sS", "--ftp-pasv", url]))
}

/// Runs lftp commands as `user` against the gateway.
pub fn lftp(g: &Gateway, user: &str, pass: &str, script: &str) -> Output {
    let full = format!(
        "set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 10; set ftp:passive-mode yes; open -u {user},{pass} -p {} 127.0.0.1; {script}",
        g.ftp_port
    );
    run(Command::new("lftp").args(["-c", &full]))
}

/// Skips (returns true) when a client program is missing, printing why; fails under `CI`.
pub fn missing(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    !found && skip(&format!("{program} is not installed"))
}

/// An UltraCart order element (the required elements, in the order UltraCart's export writes them).
pub fn uc_order(order_id: &str, stage: &str, items: &[(&str, u32, &str)], total: &str) -> String {
    let mut item_xml = String::new();
    for (i, (sku, qty, cost)) in items.iter().enumerate() {
        item_xml.push_str(&format!(
            "<item><merchant_id>TEST</merchant_id><order_id>{order_id}</order_id><item_id>{sku}</item_id><item_index>{}</item_index><quantity>{qty}</quantity><description>Item {sku}</description><cost>{cost}</cost><unit_cost_with_discount>{cost}</unit_cost_with_discount><total_cost_with_discount>{cost}</total_cost_with_discount><cogs/><actual_cogs/><item_weight>1 LB</item_weight><tax_free>false</tax_free><special_product_type/><free_shipping>false</free_shipping><accounting_code>{sku}</accounting_code><discount>0.00</discount><distribution_center_code>DFLT</distribution_center_code><kit>N</kit><kit_component>N</kit_component></item>\n",
            i + 1
        ));
    }
    format!(
        r#"<order><merchant_id>TEST</merchant_id><order_id>{order_id}</order_id><order_date>17 DEC 2025 08:37:38</order_date><order_type>credit card</order_type><current_stage>{stage}</current_stage><payment_status>Processed</payment_status>
<bill_to_company/><bill_to_title/><bill_to_first_name>Ada</bill_to_first_name><bill_to_last_name>Lovelace</bill_to_last_name><bill_to_address1>1 Main St</bill_to_address1><bill_to_address2/><bill_to_city>Cary</bill_to_city><bill_to_state>NC</bill_to_state><bill_to_zip>27513</bill_to_zip><bill_to_country>United States</bill_to_country><tax_county/>
<ship_to_company/><ship_to_title/><ship_to_first_name>Ada</ship_to_first_name><ship_to_last_name>Lovelace</ship_to_last_name><ship_to_address1>1 Main St</ship_to_address1><ship_to_address2/><ship_to_city>Cary</ship_to_city><ship_to_state>NC</ship_to_state><ship_to_zip>27513</ship_to_zip><ship_to_country>United States</ship_to_country>
<shipping_method>USPS: First Class</shipping_method><lift_gate>N</lift_gate><gift>no</gift><email>ada@example.com</email><mailing_list>N</mailing_list><day_phone>555-0100</day_phone><evening_phone/><fax/><payment_method>Credit Card</payment_method>
{item_xml}<weight>1 LB</weight><subtotal>{total}</subtotal><tax_rate>0.00000</tax_rate><tax>0.00</tax><shipping_handling_total>0.00</shipping_handling_total><shipping_handling_total_discount>0.00</shipping_handling_total_discount><surcharge_transaction_fee>0.00</surcharge_transaction_fee><surcharge_transaction_percentage>0.0000</surcharge_transaction_percentage><surcharge>0.00</surcharge><total>{total}</total><currency_code>USD</currency_code><actual_profit_analyzed>N</actual_profit_analyzed><actual_profit_review>N</actual_profit_review><special_instructions/><merchant_notes/><subtotal_discount>0.00</subtotal_discount><gift_charge_accounting_code/><gift_wrap_accounting_code/><surcharge_accounting_code/><shipping_method_accounting_code/><payment_method_accounting_code/><payment_method_deposit_to_account/><tax_country_accounting_code/><tax_state_accounting_code/><tax_county_accounting_code/><tax_city_accounting_code/><tax_postal_code_accounting_code/><screen_branding_theme_code>DFLT</screen_branding_theme_code></order>
"#
    )
}

/// An UltraCart export file holding `orders`.
pub fn uc_export(orders: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export>\n<export_location>unknown</export_location>\n{}</export>\n",
        orders.concat()
    )
}

/// One SD order with one item.
pub fn uc_sd(order_id: &str) -> String {
    uc_export(&[uc_order(order_id, "SD", &[("SKU-1", 2, "12.50")], "25.00")])
}

/// Logs in with the Rust FTP client, binary transfers.
pub async fn ftp_login(g: &Gateway, user: &str, pass: &str) -> suppaftp::tokio::AsyncFtpStream {
    let mut ftp = suppaftp::tokio::AsyncFtpStream::connect(("127.0.0.1", g.ftp_port))
        .await
        .expect("connect");
    ftp.login(user, pass).await.expect("login");
    ftp.transfer_type(suppaftp::types::FileType::Binary)
        .await
        .expect("TYPE I");
    ftp
}

/// Downloads a file with the Rust FTP client.
pub async fn ftp_get(
    ftp: &mut suppaftp::tokio::AsyncFtpStream,
    path: &str,
) -> Result<Vec<u8>, String> {
    use tokio::io::AsyncReadExt;
    let mut s = ftp.retr_as_stream(path).await.map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.map_err(|e| e.to_string())?;
    s.finish().await.map_err(|e| e.to_string())?;
    Ok(buf)
}

// ---------------------------------------------------------------------------------------------
// SFTP (tests/e2e/sftp.rs): a gateway with an `[sftp]` listener, and the OpenSSH clients.
// ---------------------------------------------------------------------------------------------

/// A gateway with an `[sftp]` listener.
pub struct SftpGateway {
    pub g: Gateway,
}

/// OpenSSH options for tests: no user config, no known_hosts, quiet.
pub const SSH_TEST_OPTS: [&str; 10] = [
    "-F",
    "/dev/null",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "ConnectTimeout=10",
];

impl SftpGateway {
    /// Partners `uc`, `uc2`, `wh` as [`Gateway::start`], plus SFTP.
    pub fn start() -> SftpGateway {
        Self::start_with("", "", "")
    }

    /// With extra `[limits]` keys, keys for the cart `uc`, and keys for `[sftp]`.
    pub fn start_with(limits: &str, cart_extra: &str, sftp_extra: &str) -> SftpGateway {
        Self::start_with_partners(limits, cart_extra, "", sftp_extra)
    }

    /// As [`SftpGateway::start_with`], with more `[[partner]]` tables before `[sftp]`.
    pub fn start_with_partners(
        limits: &str,
        cart_extra: &str,
        partners: &str,
        sftp_extra: &str,
    ) -> SftpGateway {
        Self::start_passive(8, limits, cart_extra, partners, sftp_extra)
    }

    /// As [`SftpGateway::start_with_partners`], with a passive range of `ports` ports.
    pub fn start_passive(
        ports: u16,
        limits: &str,
        cart_extra: &str,
        partners: &str,
        sftp_extra: &str,
    ) -> SftpGateway {
        let sftp = format!("{partners}\n[sftp]\nlisten = \"127.0.0.1:0\"\n{sftp_extra}\n");
        let g = Gateway::start_passive(ports, "", limits, cart_extra, &sftp);
        SftpGateway { g }
    }

    /// The SFTP port of the running process.
    pub fn port(&self) -> u16 {
        self.g.sftp_port.expect("an SFTP listener")
    }

    /// Stops the gateway (SIGTERM) and starts it again on the same folder (new ports).
    pub fn restart(&mut self) {
        self.g.terminate();
        self.g.spawn();
    }

    /// Writes an sftp batch file into the test folder.
    fn batch(&self, commands: &str) -> PathBuf {
        static N: AtomicU16 = AtomicU16::new(0);
        let p = self
            .g
            .dir
            .path()
            .join(format!("batch-{}.sftp", N.fetch_add(1, Ordering::SeqCst)));
        std::fs::write(&p, commands).expect("batch file");
        p
    }

    /// `sftp -b` as `user` with a password (through `sshpass`, `-o BatchMode=no` first).
    pub fn sftp_password(&self, user: &str, pass: &str, commands: &str) -> Output {
        self.sftp_password_args(user, pass, &[], commands)
    }

    /// [`SftpGateway::sftp_password`] with extra `sftp` options (`-B 32768 -R 64`).
    pub fn sftp_password_args(
        &self,
        user: &str,
        pass: &str,
        args: &[&str],
        commands: &str,
    ) -> Output {
        let batch = self.batch(commands);
        run(Command::new("sshpass")
            .arg("-e")
            .env("SSHPASS", pass)
            .arg("sftp")
            .args(["-o", "BatchMode=no", "-o", "PubkeyAuthentication=no"])
            .args(SSH_TEST_OPTS)
            .args(args)
            .args(["-P", &self.port().to_string(), "-b"])
            .arg(&batch)
            .arg(format!("{user}@127.0.0.1")))
    }

    /// The `sftp -b` command as `user` with a private key and extra `-o` options (not
    /// started).
    pub fn sftp_key_command(
        &self,
        user: &str,
        key: &Path,
        opts: &[&str],
        commands: &str,
    ) -> Command {
        let batch = self.batch(commands);
        let mut cmd = Command::new("sftp");
        cmd.args([
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "PasswordAuthentication=no",
        ])
        .args(SSH_TEST_OPTS);
        for o in opts {
            cmd.args(["-o", o]);
        }
        cmd.arg("-i")
            .arg(key)
            .args(["-P", &self.port().to_string(), "-b"])
            .arg(&batch)
            .arg(format!("{user}@127.0.0.1"));
        cmd
    }

    /// `sftp -b` as `user` with a private key.
    pub fn sftp_key(&self, user: &str, key: &Path, commands: &str) -> Output {
        run(&mut self.sftp_key_command(user, key, &[], commands))
    }

    /// An `sftp://` URL for curl (`..` kept as typed with `--path-as-is`).
    pub fn url(&self, path: &str) -> String {
        format!(
            "sftp://127.0.0.1:{}/{}",
            self.port(),
            path.trim_start_matches('/')
        )
    }
}

/// A new Ed25519 key pair in `dir` (`ssh-keygen`); returns the private key path and the public
/// key line.
pub fn ssh_keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let out = run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key));
    assert!(out.status.success(), "ssh-keygen: {out:?}");
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    (key, public.trim().to_string())
}

/// Output as text (stdout and stderr), for assertions.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A folder of `../shared/samples`, or `None` (with the reason printed) where `../shared` is
/// absent; a failure under `CI` (`.ci/run` checks the folders the tests read).
pub fn shared_samples(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/samples")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(&format!("{} is absent", dir.display()));
        None
    }
}
