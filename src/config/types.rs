//! The checked configuration: what [`load`](super::load) and
//! [`demo_config`](super::demo::demo_config) build and the rest of Wharf reads. Every value
//! here has passed validation; paths are already resolved against the config file's folder.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use crate::formats::Role;
use crate::formats::{DecodeOptions, Format, KitMode};
use crate::layout::HomeLayout;

use super::Credential;
use super::remote::Remote;

/// The whole configuration: where the data lives, the listeners, the limits, the partners.
#[derive(Debug, Clone)]
pub struct Config {
    /// The configuration file, `None` for the embedded demo.
    pub file: Option<PathBuf>,
    /// Where Wharf keeps its data (partner folders, store, host keys).
    pub data_dir: PathBuf,
    /// OASIS XML catalog mapping DTD identifiers to local files.
    pub xml_catalog: Option<PathBuf>,
    /// The FTP/FTPS listener, `None` when `[ftp]` is absent.
    pub ftp: Option<FtpConfig>,
    /// The SFTP listener, `None` when `[sftp]` is absent.
    pub sftp: Option<SftpConfig>,
    /// Session, upload and lockout limits.
    pub limits: Limits,
    /// Every partner, in file order.
    pub partners: Vec<Arc<Partner>>,
    /// The HTTP listener (console, `/healthz`, `/metrics`), `None` when `[http]` is absent.
    pub http: Option<super::HttpConfig>,
    /// Every `[[alert]]`, in file order.
    pub alerts: Vec<super::AlertConfig>,
    /// The relay e-mail alerts go through.
    pub smtp: Option<super::SmtpConfig>,
    /// Where the order store lives (`[store]`).
    pub store: super::StoreConfig,
    /// This instance among several on one shared store (`[store] instance`, `claim_expiry`,
    /// `rescan`).
    pub cluster: super::ClusterConfig,
    /// How log lines are written.
    pub log_format: LogFormat,
}

/// `log_format`: how each log line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable text (the default).
    #[default]
    Text,
    /// One JSON object per line, with the fields of the enclosing spans.
    Json,
}

impl LogFormat {
    /// Reads `log_format` (absent: text).
    pub(crate) fn check(
        value: Option<&toml::Spanned<String>>,
        ctx: &mut super::context::Ctx,
    ) -> LogFormat {
        match value.map(|v| (v, v.get_ref().as_str())) {
            None | Some((_, "text")) => LogFormat::Text,
            Some((_, "json")) => LogFormat::Json,
            Some((v, other)) => {
                ctx.error(
                    &v.span(),
                    format!("`log_format` {other:?}: expected \"text\" or \"json\""),
                );
                LogFormat::Text
            }
        }
    }
}

impl Config {
    /// The partner named `name` (login names are exact, lower-case).
    pub fn partner(&self, name: &str) -> Option<&Arc<Partner>> {
        self.partners.iter().find(|p| p.name == name)
    }

    /// A partner's home folder, `DATA_DIR/partners/NAME`, and its folders.
    pub fn partner_home(&self, name: &str) -> HomeLayout {
        HomeLayout::new(&self.data_dir, name)
    }
}

/// `[ftp]`: the FTP listener, with explicit FTPS (AUTH TLS) when a certificate is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtpConfig {
    /// Addresses to listen on (at least one).
    pub listen: Vec<SocketAddr>,
    /// Ports offered for passive data connections (default 30000-30100).
    pub passive_ports: RangeInclusive<u16>,
    /// Passive ports one partner may hold at a time (default: half the range, at least 1).
    pub passive_ports_per_partner: usize,
    /// Address announced in PASV replies, when not the control connection's local address.
    pub passive_host: Option<IpAddr>,
    /// PEM certificate chain for FTPS; set together with `tls_key`.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for FTPS.
    pub tls_key: Option<PathBuf>,
    /// Refuse USER/PASS and data transfers before AUTH TLS.
    pub require_tls: bool,
    /// Allow PORT/EPRT (only to the client's own address and a port of 1024 or more).
    pub active_mode: bool,
}

/// `[sftp]`: the SFTP listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SftpConfig {
    /// Addresses to listen on (at least one).
    pub listen: Vec<SocketAddr>,
    /// Host key files; created (mode 0600) when missing.
    pub host_keys: Vec<PathBuf>,
    /// Also offer ssh-rsa (SHA-1) and diffie-hellman-group14-sha1.
    pub legacy_algorithms: bool,
}

impl SftpConfig {
    /// The default host keys: `ssh_host_ed25519_key`, `ssh_host_ecdsa_key`,
    /// `ssh_host_rsa_key` in `data_dir`.
    pub fn default_host_keys(data_dir: &Path) -> Vec<PathBuf> {
        [
            "ssh_host_ed25519_key",
            "ssh_host_ecdsa_key",
            "ssh_host_rsa_key",
        ]
        .iter()
        .map(|name| data_dir.join(name))
        .collect()
    }
}

/// `[limits]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Concurrent sessions, all partners and transports together.
    pub max_sessions: usize,
    /// Concurrent sessions of one partner.
    pub max_sessions_per_partner: usize,
    /// A session idle this long is closed.
    pub idle_timeout: Duration,
    /// Largest file a partner may upload, in bytes.
    pub max_upload_size: u64,
    /// Failed logins from one IP for one partner...
    pub lockout_failures: u32,
    /// ...within this window...
    pub lockout_window: Duration,
    /// ...block that (IP, partner) pair this long.
    pub lockout_duration: Duration,
    /// How long shutdown waits for transfers to finish.
    pub shutdown_grace: Duration,
    /// How long a connection may take from accept to a successful login.
    pub login_timeout: Duration,
    /// Unauthenticated connections in total, with random early drop.
    pub max_unauthenticated: Startups,
    /// Unauthenticated connections from one source.
    pub max_unauthenticated_per_source: usize,
    /// New connections from one source that do not log in, sustained...
    pub connection_rate_per_source: Rate,
    /// ...and at once.
    pub connection_burst_per_source: u32,
    /// Sources the per-source limits do not apply to (a NAT or proxy many partners share).
    pub per_source_exempt: Vec<ipnet::IpNet>,
}

/// `max_unauthenticated`, OpenSSH's `MaxStartups start:rate:full`: below `start`
/// unauthenticated connections every new one is accepted; from `start` on a new one is refused
/// with probability `rate`%, rising linearly to 100% at `full`. A plain number `N` is
/// `N:100:N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Startups {
    /// Where random early drop begins.
    pub start: usize,
    /// The drop probability at `start`, in percent (1..=100).
    pub rate: u32,
    /// Where every new connection is refused.
    pub full: usize,
}

/// A rate, `count` per `per` (`"1/s"`, `"30/m"`, `"1/5s"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many...
    pub count: u32,
    /// ...per this long (never zero).
    pub per: Duration,
}

impl Rate {
    /// Events per second.
    pub fn per_second(&self) -> f64 {
        f64::from(self.count) / self.per.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

impl Default for Limits {
    /// The defaults a configuration without `[limits]` gets.
    fn default() -> Self {
        Limits {
            max_sessions: 500,
            max_sessions_per_partner: 20,
            idle_timeout: Duration::from_secs(10 * 60),
            max_upload_size: 2 << 30,
            lockout_failures: 5,
            lockout_window: Duration::from_secs(5 * 60),
            lockout_duration: Duration::from_secs(15 * 60),
            shutdown_grace: Duration::from_secs(10),
            login_timeout: Duration::from_secs(30),
            max_unauthenticated: Startups {
                start: 64,
                rate: 30,
                full: 256,
            },
            max_unauthenticated_per_source: 20,
            connection_rate_per_source: Rate {
                count: 1,
                per: Duration::from_secs(1),
            },
            connection_burst_per_source: 20,
            per_source_exempt: Vec::new(),
        }
    }
}

/// What a partner's file that fails its DTD check becomes (`dtd_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DtdMode {
    /// The file goes to `error/` with every validity error (the default).
    #[default]
    Reject,
    /// A well-formed file that the decoder can read is processed all the same; its validity
    /// errors go to `archive/DAY/NAME.warnings.txt` beside it, and a WARN line is logged.
    Report,
}

/// One `[[partner]]`.
#[derive(Debug, Clone)]
pub struct Partner {
    /// Login name and folder name (`[a-z0-9][a-z0-9_-]*`).
    pub name: String,
    /// Cart or warehouse.
    pub role: Role,
    /// The partner's file format (carts: ultracart or dsco; warehouses: canonical).
    pub format: Format,
    /// Password credential (redacted in `Debug`).
    pub credential: Credential,
    /// OpenSSH public key lines (`TYPE BASE64 [comment]`) accepted for SFTP.
    pub authorized_keys: Vec<String>,
    /// Networks the partner may connect from; empty = any.
    pub allowed_ips: Vec<ipnet::IpNet>,
    /// Carts: the warehouse partner their orders go to.
    pub warehouse: Option<String>,
    /// DTD every incoming XML file is validated against.
    pub dtd: Option<PathBuf>,
    /// What a file failing the DTD check becomes.
    pub dtd_mode: DtdMode,
    /// UltraCart: only items for this distribution center.
    pub distribution_center: Option<String>,
    /// UltraCart: send kits or their components.
    pub kits: KitMode,
    /// Cart SKU → warehouse SKU.
    pub sku_aliases: BTreeMap<String, String>,
    /// Cart shipping method → warehouse `ship_code`.
    pub ship_methods: BTreeMap<String, String>,
    /// Warehouses: the longest order number (`cust_ref`) they accept.
    pub cust_ref_max_len: usize,
    /// Carts: the go-live date; an order placed before it is skipped.
    pub accept_orders_since: Option<jiff::civil::Date>,
    /// Warehouses: hold an order whose SKU is not in the warehouse's catalog.
    pub check_skus: bool,
    /// Pull mode: the partner's own server Wharf logs into (not dialled yet).
    pub remote: Option<Remote>,
    /// Warehouses: their merchant-API account (`api_user`), when they have one.
    pub api: Option<super::ApiAccess>,
}

impl Partner {
    /// What a decoder needs to read this partner's files.
    pub fn decode_options(&self) -> DecodeOptions {
        DecodeOptions {
            source: self.name.clone(),
            distribution_center: self.distribution_center.clone(),
            kits: self.kits,
            sku_aliases: self.sku_aliases.clone(),
            ship_methods: self.ship_methods.clone(),
            accept_orders_since: self.accept_orders_since,
        }
    }

    /// Whether the partner may connect from `ip` (an IPv4-mapped IPv6 address counts as its
    /// IPv4 address).
    pub fn ip_allowed(&self, ip: IpAddr) -> bool {
        if self.allowed_ips.is_empty() {
            return true;
        }
        let mapped = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        self.allowed_ips
            .iter()
            .any(|net| net.contains(&ip) || mapped.is_some_and(|v4| net.contains(&v4)))
    }
}
