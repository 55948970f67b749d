//! The embedded demo: what `wharf serve` runs with no `--config` and no
//! `./wharf.toml`. Three partners whose passwords are generated on first start, kept in
//! `DATA_DIR/demo-credentials.toml` (mode 0600, `name = "password"` lines) and reused later.
//! The only place in `config` that writes to disk.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::Rng;
use rand::distr::Alphanumeric;

use crate::formats::{Format, KitMode};

use super::listeners::DEFAULT_PASSIVE_PORTS;
use super::partner::DEFAULT_CUST_REF_MAX_LEN;
use super::{
    Admin, Config, ConfigError, Credential, DtdMode, FtpConfig, HttpConfig, Limits, LogFormat,
    Partner, Role, SftpConfig,
};

/// The demo's FTP port.
pub const DEMO_FTP_PORT: u16 = 2121;
/// The demo's SFTP port.
pub const DEMO_SFTP_PORT: u16 = 2222;
/// The demo's HTTP port (the console, `/healthz`, `/metrics`).
pub const DEMO_HTTP_PORT: u16 = 8080;
/// The demo console's admin account, its password kept with the partners' in the
/// credentials file.
pub const DEMO_ADMIN: &str = "admin";
/// The file holding the demo passwords, in the data folder.
pub const CREDENTIALS_FILE: &str = "demo-credentials.toml";
/// The warehouse both demo carts send to.
const WAREHOUSE: &str = "demo-warehouse";
/// The demo partners: name, role, format.
const PARTNERS: [(&str, Role, Format); 3] = [
    ("demo-ultracart", Role::Cart, Format::UltraCart),
    ("demo-dsco", Role::Cart, Format::Dsco),
    (WAREHOUSE, Role::Warehouse, Format::Canonical),
];
/// Length of a generated password.
const PASSWORD_LEN: usize = 20;

/// The demo's data folder: `wharf-data` in the current folder.
pub fn data_dir() -> std::io::Result<PathBuf> {
    Ok(std::env::current_dir()?.join(super::DEFAULT_DATA_DIR))
}

/// The demo configuration with data in `data_dir` (returned as given) and listeners on
/// `listen_host`. Creates `data_dir` and the credentials file when missing; the message is
/// the partner names and passwords to print once, `Some` only when passwords were just
/// generated.
pub fn demo_config(
    data_dir: &Path,
    listen_host: IpAddr,
) -> Result<(Config, Option<String>), ConfigError> {
    std::fs::create_dir_all(data_dir).map_err(|source| ConfigError::Io {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let file = data_dir.join(CREDENTIALS_FILE);
    let (passwords, generated) = demo_passwords(&file)?;

    let partners = PARTNERS
        .iter()
        .map(|(name, role, format)| {
            let password = passwords.get(*name).cloned().unwrap_or_default();
            Arc::new(Partner {
                name: (*name).to_owned(),
                role: *role,
                format: *format,
                credential: Credential::Plain(password.clone()),
                authorized_keys: Vec::new(),
                allowed_ips: Vec::new(),
                warehouse: (*role == Role::Cart).then(|| WAREHOUSE.to_owned()),
                dtd: (*format == Format::UltraCart).then(shipped_dtd).flatten(),
                distribution_center: None,
                dtd_mode: DtdMode::Reject,
                kits: KitMode::default(),
                sku_aliases: BTreeMap::new(),
                ship_methods: BTreeMap::new(),
                cust_ref_max_len: DEFAULT_CUST_REF_MAX_LEN,
                accept_orders_since: None,
                check_skus: false,
                remote: None,
                // The demo warehouse may also use the merchant API, with its name and password.
                api: (*role == Role::Warehouse).then(|| crate::config::ApiAccess {
                    user: (*name).to_owned(),
                    key: Credential::Plain(password),
                }),
            })
        })
        .collect();

    let config = Config {
        file: None,
        data_dir: data_dir.to_path_buf(),
        xml_catalog: None,
        ftp: Some(FtpConfig {
            listen: vec![SocketAddr::new(listen_host, DEMO_FTP_PORT)],
            passive_ports: DEFAULT_PASSIVE_PORTS,
            passive_ports_per_partner: DEFAULT_PASSIVE_PORTS.count().div_ceil(2),
            passive_host: None,
            tls_cert: None,
            tls_key: None,
            require_tls: false,
            active_mode: false,
        }),
        sftp: Some(SftpConfig {
            listen: vec![SocketAddr::new(listen_host, DEMO_SFTP_PORT)],
            host_keys: SftpConfig::default_host_keys(data_dir),
            legacy_algorithms: false,
        }),
        limits: Limits::default(),
        partners,
        http: Some(HttpConfig {
            listen: vec![SocketAddr::new(listen_host, DEMO_HTTP_PORT)],
            tls_cert: None,
            tls_key: None,
            admins: vec![Admin {
                name: DEMO_ADMIN.to_owned(),
                credential: Credential::Plain(
                    passwords.get(DEMO_ADMIN).cloned().unwrap_or_default(),
                ),
            }],
        }),
        alerts: Vec::new(),
        smtp: None,
        store: super::StoreConfig::Embedded,
        cluster: super::ClusterConfig::default(),
        log_format: LogFormat::Text,
    };
    let message = generated.then(|| announcement(&file, &passwords));
    Ok((config, message))
}

/// The UltraCart DTD shipped with Wharf, `dtd/ultracart-export.dtd` under the working folder,
/// when it is there (the demo runs from any folder; without it, no DTD check).
fn shipped_dtd() -> Option<PathBuf> {
    let path = std::env::current_dir()
        .ok()?
        .join("dtd")
        .join("ultracart-export.dtd");
    path.is_file().then_some(path)
}

/// The demo passwords from `file`, generating (and saving) those missing. The flag is true when
/// any was generated.
fn demo_passwords(file: &Path) -> Result<(BTreeMap<String, String>, bool), ConfigError> {
    let mut passwords = match std::fs::read_to_string(file) {
        Ok(text) => {
            toml::from_str::<BTreeMap<String, String>>(&text).map_err(|e| ConfigError::Invalid {
                path: file.to_path_buf(),
                message: format!(
                    "not `name = \"password\"` lines ({}); fix it or delete it to generate new \
                     passwords",
                    e.message()
                ),
            })?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(source) => {
            return Err(ConfigError::Io {
                path: file.to_path_buf(),
                source,
            });
        }
    };
    let mut generated = false;
    for name in PARTNERS.iter().map(|(n, _, _)| *n).chain([DEMO_ADMIN]) {
        let entry = passwords.entry(name.to_owned()).or_default();
        if entry.is_empty() {
            *entry = random_password();
            generated = true;
        }
    }
    if generated {
        write_private(file, &render(&passwords))?;
    }
    Ok((passwords, generated))
}

/// A random alphanumeric password.
fn random_password() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(PASSWORD_LEN)
        .map(char::from)
        .collect()
}

/// The credentials file: one `name = "password"` line per partner, demo partners first.
fn render(passwords: &BTreeMap<String, String>) -> String {
    let demo_names: Vec<&str> = PARTNERS
        .iter()
        .map(|(name, _, _)| *name)
        .chain([DEMO_ADMIN])
        .collect();
    let ordered = demo_names
        .iter()
        .filter_map(|name| passwords.get_key_value(*name))
        .chain(
            passwords
                .iter()
                .filter(|(name, _)| !demo_names.contains(&name.as_str())),
        );
    let mut out = String::new();
    for (name, password) in ordered {
        let line = toml::Table::from_iter([(name.clone(), toml::Value::from(password.clone()))]);
        out.push_str(&line.to_string());
    }
    out
}

/// Writes `content` to `path` with mode 0600, replacing it atomically (temporary file in the
/// same folder, then rename).
fn write_private(path: &Path, content: &str) -> Result<(), ConfigError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ConfigError::Io { path, source }
    };
    let tmp = crate::layout::names::private_temp_name(path);
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_err(&tmp)(e)),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(&tmp).map_err(io_err(&tmp))?;
    out.write_all(content.as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(io_err(&tmp))?;
    drop(out);
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

/// The message printed once when passwords were generated.
fn announcement(file: &Path, passwords: &BTreeMap<String, String>) -> String {
    let mut text = format!(
        "Demo partners (passwords saved in {}; delete it to generate new ones):",
        file.display()
    );
    for (name, _, _) in PARTNERS {
        if let Some(password) = passwords.get(name) {
            text.push_str(&format!("\n  {name:<16} {password}"));
        }
    }
    if let Some(password) = passwords.get(DEMO_ADMIN) {
        text.push_str(&format!(
            "\nWeb console: http://{}:{DEMO_HTTP_PORT}/ as {DEMO_ADMIN} / {password}",
            std::net::Ipv4Addr::LOCALHOST
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn first_start_creates_the_credentials_and_later_starts_reuse_them() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("wharf-data");
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);

        let (config, message) = demo_config(&data, localhost).unwrap();
        let message = message.expect("passwords were just generated");
        let file = data.join(CREDENTIALS_FILE);
        #[cfg(unix)]
        assert_eq!(mode(&file), 0o600);
        let saved: BTreeMap<String, String> =
            toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(saved.len(), 4);
        let admin = saved.get(DEMO_ADMIN).expect("the console admin's password");
        let http = config.http.as_ref().expect("the demo console");
        assert_eq!(http.listen, vec!["127.0.0.1:8080".parse().unwrap()]);
        assert!(http.admins[0].credential.verify(admin));
        assert!(message.contains(admin));
        for (name, password) in saved.iter().filter(|(n, _)| *n != DEMO_ADMIN) {
            assert!(password.len() >= 16 && password.chars().all(|c| c.is_ascii_alphanumeric()));
            assert!(message.contains(name) && message.contains(password));
            let partner = config.partner(name).unwrap();
            assert!(partner.credential.verify(password), "{name}");
        }
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.lines()
                .all(|l| (l.starts_with("demo-") || l.starts_with("admin ")) && l.contains(" = \"")),
            "{text}"
        );

        assert_eq!(config.file, None);
        assert_eq!(config.data_dir, data);
        let ftp = config.ftp.as_ref().unwrap();
        assert_eq!(ftp.listen, vec!["127.0.0.1:2121".parse().unwrap()]);
        assert_eq!(ftp.passive_ports, 30000..=30100);
        let sftp = config.sftp.as_ref().unwrap();
        assert_eq!(sftp.listen, vec!["127.0.0.1:2222".parse().unwrap()]);
        assert_eq!(sftp.host_keys[0], data.join("ssh_host_ed25519_key"));
        let uc = config.partner("demo-ultracart").unwrap();
        assert_eq!((uc.role, uc.format), (Role::Cart, Format::UltraCart));
        assert_eq!(uc.warehouse.as_deref(), Some("demo-warehouse"));
        let shipped = std::env::current_dir()
            .unwrap()
            .join("dtd/ultracart-export.dtd");
        assert_eq!(
            uc.dtd,
            shipped.is_file().then_some(shipped),
            "the shipped DTD, if here"
        );
        let dsco = config.partner("demo-dsco").unwrap();
        assert_eq!((dsco.role, dsco.format), (Role::Cart, Format::Dsco));
        assert_eq!(dsco.warehouse.as_deref(), Some("demo-warehouse"));
        assert_eq!(dsco.dtd, None);
        let wh = config.partner("demo-warehouse").unwrap();
        assert_eq!((wh.role, wh.format), (Role::Warehouse, Format::Canonical));
        assert_eq!(wh.warehouse, None);

        let (again, message) = demo_config(&data, localhost).unwrap();
        assert!(message.is_none(), "nothing new to announce");
        for (name, password) in saved.iter().filter(|(n, _)| *n != DEMO_ADMIN) {
            assert!(again.partner(name).unwrap().credential.verify(password));
        }
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            text,
            "file untouched"
        );
    }

    #[test]
    fn a_missing_entry_is_generated_and_the_others_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join(CREDENTIALS_FILE);
        std::fs::write(&file, "demo-dsco = \"chosen-by-hand\"\n").unwrap();
        let (config, message) = demo_config(tmp.path(), "::1".parse().unwrap()).unwrap();
        assert!(message.is_some());
        assert!(
            config
                .partner("demo-dsco")
                .unwrap()
                .credential
                .verify("chosen-by-hand")
        );
        assert_eq!(
            config.ftp.unwrap().listen,
            vec!["[::1]:2121".parse().unwrap()]
        );
        #[cfg(unix)]
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn a_damaged_credentials_file_is_an_error_not_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join(CREDENTIALS_FILE);
        std::fs::write(&file, "this is not toml").unwrap();
        let err = demo_config(tmp.path(), IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap_err();
        assert!(err.to_string().contains("delete it"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "this is not toml");
    }
}
