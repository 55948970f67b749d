//! Tests of [`load`]: a full configuration read back, then one failing configuration per rule,
//! each asserting the reported line and a fragment of the message. Configurations are written
//! as arrays of lines so that line numbers can be read off the index (comments give them).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use tempfile::TempDir;

use super::*;
use crate::config::DtdMode;
use crate::formats::{Format, KitMode};

/// A configuration file in a fresh folder, with extra files beside it.
struct Case {
    dir: TempDir,
    path: PathBuf,
}

fn case(lines: &[&str], files: &[(&str, &str)]) -> Case {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    let path = dir.path().join("wharf.toml");
    std::fs::write(&path, lines.join("\n")).unwrap();
    Case { dir, path }
}

fn load_ok(lines: &[&str], files: &[(&str, &str)]) -> (Case, Loaded) {
    let c = case(lines, files);
    match load(&c.path) {
        Ok(loaded) => (c, loaded),
        Err(errors) => panic!("expected a valid configuration, got:\n{errors}"),
    }
}

fn problems_with(lines: &[&str], files: &[(&str, &str)]) -> Vec<Problem> {
    let c = case(lines, files);
    match load(&c.path) {
        Ok(loaded) => panic!("expected problems, got {:#?}", loaded.config),
        Err(ConfigErrors(problems)) => {
            for p in &problems {
                assert_eq!(p.file, c.path, "problems name the file as given");
            }
            problems
        }
    }
}

fn problems(lines: &[&str]) -> Vec<Problem> {
    problems_with(lines, &[])
}

/// Asserts that loading reports a problem at `line` whose message contains `fragment`.
fn assert_problem_with(lines: &[&str], files: &[(&str, &str)], line: usize, fragment: &str) {
    let found = problems_with(lines, files);
    assert!(
        found
            .iter()
            .any(|p| p.line == line && p.message.contains(fragment)),
        "expected line {line} with {fragment:?}; got:\n{}",
        ConfigErrors(found.clone())
    );
}

fn assert_problem(lines: &[&str], line: usize, fragment: &str) {
    assert_problem_with(lines, &[], line, fragment);
}

/// An argon2 hash of "wh-secret", computed once.
fn wh_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("wh-secret").unwrap())
}

/// A valid warehouse partner, to append to configurations (5 lines).
const WAREHOUSE: [&str; 5] = [
    "[[partner]]",
    "name = \"wh\"",
    "role = \"warehouse\"",
    "format = \"canonical\"",
    "password = \"wh-pw\"",
];

/// `lines` followed by [`WAREHOUSE`].
fn with_wh(lines: &[&str]) -> Vec<String> {
    lines
        .iter()
        .copied()
        .chain(WAREHOUSE)
        .map(str::to_owned)
        .collect()
}

fn refs(lines: &[String]) -> Vec<&str> {
    lines.iter().map(String::as_str).collect()
}

const ED25519_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@acme";

#[test]
fn a_full_configuration_reads_back() {
    let hash = wh_hash();
    let hash_line = format!("password_hash = \"{hash}\"");
    let lines = [
        "data_dir = \"data\"",                                    // 1
        "xml_catalog = \"catalog.xml\"",                          // 2
        "",                                                       // 3
        "[ftp]",                                                  // 4
        "listen = [\"0.0.0.0:21\", \"[::]:21\"]",                 // 5
        "passive_ports = \"40000-40010\"",                        // 6
        "passive_host = \"203.0.113.7\"",                         // 7
        "tls_cert = \"tls/cert.pem\"",                            // 8
        "tls_key = \"/ABS/tls/key.pem\"",                         // 9 (made absolute below)
        "require_tls = true",                                     // 10
        "active_mode = false",                                    // 11
        "",                                                       // 12
        "[sftp]",                                                 // 13
        "listen = \"[::1]:2222\"",                                // 14
        "host_keys = [\"keys/ed25519\"]",                         // 15
        "legacy_algorithms = true",                               // 16
        "",                                                       // 17
        "[limits]",                                               // 18
        "max_sessions = 50",                                      // 19
        "max_sessions_per_partner = 4",                           // 20
        "idle_timeout = \"90s\"",                                 // 21
        "max_upload_size = \"500MB\"",                            // 22
        "lockout_failures = 3",                                   // 23
        "lockout_window = \"1h30m\"",                             // 24
        "lockout_duration = \"24h\"",                             // 25
        "shutdown_grace = \"500ms\"",                             // 26
        "",                                                       // 27
        "[[partner]]",                                            // 28
        "name = \"main-wh\"",                                     // 29
        "role = \"warehouse\"",                                   // 30
        "format = \"canonical\"",                                 // 31
        &hash_line,                                               // 32
        "cust_ref_max_len = 12",                                  // 33
        "",                                                       // 34
        "[[partner]]",                                            // 35
        "name = \"acme-ultracart\"",                              // 36
        "role = \"cart\"",                                        // 37
        "format = \"ultracart\"",                                 // 38
        "password_file = \"secrets/acme\"",                       // 39
        &format!("authorized_keys = [\"{ED25519_KEY}\"]"),        // 40
        "allowed_ips = [\"198.51.100.0/24\", \"2001:db8::1\"]",   // 41
        "warehouse = \"main-wh\"",                                // 42
        "dtd = \"dtd/ultracart.dtd\"",                            // 43
        "distribution_center = \"DFLT\"",                         // 44
        "kits = \"kit\"",                                         // 45
        "sku_aliases = { \"G1\" = \"GREEN-COFFEE-1M\" }",         // 46
        "ship_methods = { \"USPS: First Class\" = \"USPS_FC\" }", // 47
        "",                                                       // 48
        "[[partner]]",                                            // 49
        "name = \"shop_2\"",                                      // 50
        "role = \"cart\"",                                        // 51
        "format = \"dsco\"",                                      // 52
        "password_file = \"secrets/shop2\"",                      // 53
        "warehouse = \"main-wh\"",                                // 54
        "",                                                       // 55
        "[[partner]]",                                            // 56
        "name = \"9keys\"",                                       // 57
        "role = \"cart\"",                                        // 58
        "format = \"dsco\"",                                      // 59
        &format!("authorized_keys = [\"{ED25519_KEY}\"]"),        // 60
        "warehouse = \"main-wh\"",                                // 61
        "",                                                       // 62
        "[[partner]]",                                            // 63
        "name = \"legacy\"",                                      // 64
        "role = \"cart\"",                                        // 65
        "format = \"dsco\"",                                      // 66
        "password = \"in-the-clear\"",                            // 67
        "warehouse = \"main-wh\"",                                // 68
    ];
    let abs_dir = tempfile::tempdir().unwrap();
    let abs_key = abs_dir.path().join("tls/key.pem");
    std::fs::create_dir_all(abs_key.parent().unwrap()).unwrap();
    std::fs::write(&abs_key, "key").unwrap();
    let line9 = format!("tls_key = \"{}\"", abs_key.display());
    let mut lines = lines.to_vec();
    lines[8] = &line9;
    let acme_hash = hash_password("acme-secret").unwrap();
    let (c, loaded) = load_ok(
        &lines,
        &[
            ("catalog.xml", "<catalog/>"),
            ("tls/cert.pem", "cert"),
            ("secrets/acme", &format!("{acme_hash}\n")),
            ("secrets/shop2", "  shop2-secret \n"),
            ("dtd/ultracart.dtd", "<!ELEMENT export ANY>"),
        ],
    );
    let dir = c.dir.path();
    let config = &loaded.config;

    assert_eq!(config.file.as_deref(), Some(c.path.as_path()));
    assert_eq!(config.data_dir, dir.join("data"));
    assert_eq!(config.xml_catalog, Some(dir.join("catalog.xml")));

    let ftp = config.ftp.as_ref().unwrap();
    assert_eq!(
        ftp.listen,
        vec!["0.0.0.0:21".parse().unwrap(), "[::]:21".parse().unwrap()]
    );
    assert_eq!(ftp.passive_ports, 40000..=40010);
    assert_eq!(ftp.passive_host, Some("203.0.113.7".parse().unwrap()));
    assert_eq!(ftp.tls_cert, Some(dir.join("tls/cert.pem")));
    assert_eq!(ftp.tls_key, Some(abs_key.clone()), "absolute paths stay");
    assert!(ftp.require_tls && !ftp.active_mode);

    let sftp = config.sftp.as_ref().unwrap();
    assert_eq!(sftp.listen, vec!["[::1]:2222".parse().unwrap()]);
    assert_eq!(sftp.host_keys, vec![dir.join("keys/ed25519")]);
    assert!(sftp.legacy_algorithms);

    assert_eq!(
        config.limits,
        Limits {
            max_sessions: 50,
            max_sessions_per_partner: 4,
            idle_timeout: Duration::from_secs(90),
            max_upload_size: 500_000_000,
            lockout_failures: 3,
            lockout_window: Duration::from_secs(5400),
            lockout_duration: Duration::from_secs(86400),
            shutdown_grace: Duration::from_millis(500),
            ..Limits::default()
        }
    );

    let names: Vec<&str> = config.partners.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["main-wh", "acme-ultracart", "shop_2", "9keys", "legacy"]
    );

    let wh = config.partner("main-wh").unwrap();
    assert_eq!((wh.role, wh.format), (Role::Warehouse, Format::Canonical));
    assert!(matches!(&wh.credential, Credential::Hash(h) if h == hash));
    assert!(wh.credential.verify("wh-secret"));
    assert_eq!(wh.cust_ref_max_len, 12);
    assert_eq!(wh.warehouse, None);

    let acme = config.partner("acme-ultracart").unwrap();
    assert_eq!((acme.role, acme.format), (Role::Cart, Format::UltraCart));
    assert!(matches!(&acme.credential, Credential::Hash(h) if *h == acme_hash));
    assert!(acme.credential.verify("acme-secret"));
    assert_eq!(acme.authorized_keys, vec![ED25519_KEY.to_owned()]);
    assert_eq!(
        acme.allowed_ips,
        vec![
            "198.51.100.0/24".parse::<ipnet::IpNet>().unwrap(),
            "2001:db8::1/128".parse().unwrap()
        ]
    );
    assert_eq!(acme.warehouse.as_deref(), Some("main-wh"));
    assert_eq!(acme.dtd, Some(dir.join("dtd/ultracart.dtd")));
    assert_eq!(acme.distribution_center.as_deref(), Some("DFLT"));
    assert_eq!(acme.kits, KitMode::Kit);
    assert_eq!(acme.sku_aliases["G1"], "GREEN-COFFEE-1M");
    assert_eq!(acme.ship_methods["USPS: First Class"], "USPS_FC");
    assert_eq!(acme.cust_ref_max_len, 20);
    let opts = acme.decode_options();
    assert_eq!(opts.source, "acme-ultracart");
    assert_eq!(opts.distribution_center.as_deref(), Some("DFLT"));
    assert_eq!(opts.kits, KitMode::Kit);
    assert_eq!(opts.sku_aliases, acme.sku_aliases);
    assert_eq!(opts.ship_methods, acme.ship_methods);

    let shop2 = config.partner("shop_2").unwrap();
    assert!(
        matches!(&shop2.credential, Credential::Plain(p) if p == "shop2-secret"),
        "a password file without a hash holds the password, trimmed"
    );
    let keys_only = config.partner("9keys").unwrap();
    assert!(keys_only.credential.is_none());
    assert!(!keys_only.credential.verify(""));
    assert!(config.partner("nobody").is_none());
    assert_eq!(
        config.partner_home("shop_2"),
        dir.join("data").join("partners").join("shop_2")
    );

    assert_eq!(
        loaded.warnings,
        vec![format!(
            "{}:67: partner 'legacy' has a plain-text password; use password_hash (wharf passwd)",
            c.path.display()
        )]
    );
}

#[test]
fn defaults_apply_when_keys_are_omitted() {
    let mut lines = vec!["[sftp]", "listen = \"127.0.0.1:0\""];
    lines.extend(WAREHOUSE);
    let (c, loaded) = load_ok(&lines, &[]);
    let config = loaded.config;
    let data = c.dir.path().join("wharf-data");
    assert_eq!(config.data_dir, data, "default data_dir beside the config");
    assert!(config.ftp.is_none(), "no [ftp] table, no FTP");
    let sftp = config.sftp.unwrap();
    assert_eq!(
        sftp.host_keys,
        vec![
            data.join("ssh_host_ed25519_key"),
            data.join("ssh_host_ecdsa_key"),
            data.join("ssh_host_rsa_key"),
        ]
    );
    assert!(!sftp.legacy_algorithms);
    assert_eq!(config.limits, Limits::default());
    assert_eq!(config.limits.max_upload_size, 2 * 1024 * 1024 * 1024);
    let wh = &config.partners[0];
    assert_eq!(wh.cust_ref_max_len, 20);
    assert_eq!(wh.kits, KitMode::Components);
    assert!(wh.allowed_ips.is_empty() && wh.authorized_keys.is_empty());
}

#[test]
fn ftp_defaults() {
    let mut lines = vec!["[ftp]", "listen = \"127.0.0.1:2121\""];
    lines.extend(WAREHOUSE);
    let (_c, loaded) = load_ok(&lines, &[]);
    let ftp = loaded.config.ftp.unwrap();
    assert_eq!(ftp.passive_ports, 30000..=30100);
    assert_eq!(ftp.passive_ports_per_partner, 51, "half the range");
    assert_eq!(ftp.passive_host, None);
    assert_eq!((ftp.tls_cert, ftp.tls_key), (None, None));
    assert!(!ftp.require_tls && !ftp.active_mode);
    assert!(loaded.config.sftp.is_none());
}

#[test]
fn unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.toml");
    let ConfigErrors(found) = load(&path).unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 0);
    assert!(found[0].message.contains("cannot read"), "{}", found[0]);
    assert!(
        found[0]
            .to_string()
            .starts_with(&format!("{}: ", path.display()))
    );
}

#[test]
fn toml_syntax_error_has_its_line() {
    assert_problem(
        &["data_dir = \"x\"", "[ftp", "listen = 1"],
        2,
        "TOML syntax",
    );
}

// ---- unknown keys -------------------------------------------------------------------------

#[test]
fn unknown_top_level_key() {
    let lines = with_wh(&["data_dir = \"x\"", "datadir = \"y\""]);
    assert_problem(&refs(&lines), 2, "unknown key `datadir`");
}

#[test]
fn unknown_key_in_ftp() {
    let mut lines = vec!["[ftp]", "listen = \"127.0.0.1:21\"", "pasv_ports = \"1-2\""];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 3, "[ftp]: unknown key `pasv_ports`");
}

#[test]
fn unknown_key_in_limits() {
    let mut lines = vec!["[limits]", "max_session = 5"];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 2, "[limits]: unknown key `max_session`");
}

#[test]
fn unknown_key_in_partner() {
    let mut lines = WAREHOUSE.to_vec();
    lines.push("passwd = \"x\""); // 6
    assert_problem(&lines, 6, "partner 'wh': unknown key `passwd`");
}

#[test]
fn wrong_type_is_reported_at_the_value() {
    let mut lines = vec![
        "[ftp]",
        "listen = \"127.0.0.1:21\"",
        "require_tls = \"yes\"",
    ];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 3, "invalid type");
}

// ---- [ftp] / [sftp] -----------------------------------------------------------------------

#[test]
fn ftp_without_listen_points_at_the_table() {
    let mut lines = vec!["", "[ftp]", "active_mode = false"];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 2, "[ftp] needs `listen`");
}

#[test]
fn active_mode_can_be_enabled() {
    // PORT/EPRT then connect only to the client's own address: no FTP bounce.
    let mut lines = vec!["[ftp]", "listen = \"127.0.0.1:21\"", "active_mode = true"];
    lines.extend(WAREHOUSE);
    let (_c, loaded) = load_ok(&lines, &[]);
    assert!(loaded.config.ftp.unwrap().active_mode);
}

#[test]
fn passive_ports_per_partner() {
    let mut lines = vec![
        "[ftp]",
        "listen = \"127.0.0.1:21\"",
        "passive_ports = \"40000-40004\"",
        "passive_ports_per_partner = 2",
    ];
    lines.extend(WAREHOUSE);
    let (_c, loaded) = load_ok(&lines, &[]);
    assert_eq!(loaded.config.ftp.unwrap().passive_ports_per_partner, 2);
    lines[3] = "";
    let (_c, loaded) = load_ok(&lines, &[]);
    assert_eq!(
        loaded.config.ftp.unwrap().passive_ports_per_partner,
        3,
        "half of 5, up"
    );
    lines[3] = "passive_ports_per_partner = 0";
    assert_problem(&lines, 4, "at least 1");
}

#[test]
fn bad_listen_address() {
    let mut lines = vec![
        "[sftp]",
        "listen = [",
        "  \"[::]:22\",",
        "  \"localhost:22\",",
        "]",
    ];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 4, "is not IP:PORT");
}

#[test]
fn empty_listen() {
    let mut lines = vec!["[sftp]", "listen = []"];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 2, "`listen` is empty");
}

#[test]
fn the_same_address_twice() {
    let mut lines = vec![
        "[ftp]",
        "listen = \"0.0.0.0:2121\"",
        "[sftp]",
        "listen = \"0.0.0.0:2121\"",
    ];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 4, "already used by [ftp] (line 2)");
}

#[test]
fn passive_ports_rules() {
    let cases = [
        ("\"50100-50000\"", "above", "low above high"),
        ("\"0-10\"", "port 0", "port 0"),
        ("\"50000\"", "LOW-HIGH", "not a range"),
        ("\"1-70000\"", "not a port number", "out of range"),
        ("\"a-b\"", "not a port number", "not numbers"),
    ];
    for (value, fragment, why) in cases {
        let line = format!("passive_ports = {value}");
        let mut lines = vec!["[ftp]", "listen = \"127.0.0.1:21\"", &line];
        lines.extend(WAREHOUSE);
        let found = problems(&lines);
        assert!(
            found
                .iter()
                .any(|p| p.line == 3 && p.message.contains(fragment)),
            "{why}: {}",
            ConfigErrors(found.clone())
        );
    }
}

#[test]
fn passive_host_must_be_an_ip() {
    let mut lines = vec![
        "[ftp]",
        "listen = \"127.0.0.1:21\"",
        "passive_host = \"ftp.example.com\"",
    ];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 3, "not an IP address");
}

#[test]
fn tls_cert_and_key_go_together() {
    let mut lines = vec![
        "[ftp]",
        "listen = \"127.0.0.1:21\"",
        "tls_cert = \"cert.pem\"",
    ];
    lines.extend(WAREHOUSE);
    assert_problem_with(&lines, &[("cert.pem", "x")], 3, "needs `tls_key`");
}

#[test]
fn require_tls_needs_a_certificate() {
    let mut lines = vec!["[ftp]", "listen = \"127.0.0.1:21\"", "require_tls = true"];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 3, "needs `tls_cert` and `tls_key`");
}

#[test]
fn tls_files_must_exist() {
    let mut lines = vec![
        "[ftp]",
        "listen = \"127.0.0.1:21\"",
        "tls_cert = \"cert.pem\"",
        "tls_key = \"missing.pem\"",
    ];
    lines.extend(WAREHOUSE);
    assert_problem_with(&lines, &[("cert.pem", "x")], 4, "cannot read");
}

#[test]
fn empty_host_keys() {
    let mut lines = vec!["[sftp]", "listen = \"127.0.0.1:22\"", "host_keys = []"];
    lines.extend(WAREHOUSE);
    assert_problem(&lines, 3, "`host_keys` is empty");
}

// ---- [limits] -----------------------------------------------------------------------------

#[test]
fn limits_rules() {
    let cases = [
        (
            "idle_timeout = \"10\"",
            "no unit",
            "a duration needs a unit",
        ),
        (
            "idle_timeout = \"0s\"",
            "must not be zero",
            "zero idle timeout",
        ),
        (
            "lockout_window = \"5 minutes\"",
            "unknown duration unit",
            "long unit names",
        ),
        (
            "max_upload_size = \"2 gigs\"",
            "unknown size unit",
            "bad size unit",
        ),
        ("max_upload_size = 0", "must not be zero", "zero size"),
        ("max_upload_size = -1", "negative", "negative size"),
        ("max_sessions = 0", "between 1 and", "no sessions at all"),
        ("lockout_failures = -3", "between 1 and", "negative count"),
        (
            "shutdown_grace = 10",
            "invalid type",
            "a duration is a string",
        ),
        (
            "login_timeout = \"0s\"",
            "must not be zero",
            "no time to log in",
        ),
        (
            "max_unauthenticated = \"100:30:10\"",
            "start must not be above full",
            "start:rate:full out of order",
        ),
        (
            "max_unauthenticated = \"10:130:100\"",
            "rate is a percentage",
            "rate over 100%",
        ),
        (
            "max_unauthenticated = 0",
            "at least 1",
            "no unauthenticated connection at all",
        ),
        (
            "max_unauthenticated = true",
            "invalid type",
            "neither a number nor a string",
        ),
        (
            "max_unauthenticated_per_source = 0",
            "between 1 and",
            "zero per source",
        ),
        (
            "connection_rate_per_source = \"10\"",
            "expected a rate like",
            "a rate needs a period",
        ),
        (
            "connection_rate_per_source = \"1/0s\"",
            "must not be zero",
            "zero period",
        ),
        (
            "connection_burst_per_source = -1",
            "between 1 and",
            "negative burst",
        ),
        (
            "per_source_exempt = [\"203.0.113.300\"]",
            "not an IP address or CIDR",
            "bad exempt address",
        ),
    ];
    for (line, fragment, why) in cases {
        let mut lines = vec!["[limits]", line];
        lines.extend(WAREHOUSE);
        let found = problems(&lines);
        assert!(
            found
                .iter()
                .any(|p| p.line == 2 && p.message.contains(fragment)),
            "{why}: {}",
            ConfigErrors(found.clone())
        );
    }
}

#[test]
fn limits_before_login_read_back() {
    let mut lines = vec![
        "[limits]",
        "login_timeout = \"45s\"",
        "max_unauthenticated = \"10:30:100\"",
        "max_unauthenticated_per_source = 4",
        "connection_rate_per_source = \"30/m\"",
        "connection_burst_per_source = 8",
        "per_source_exempt = [\"203.0.113.7\", \"198.51.100.0/24\", \"2001:db8::/48\"]",
    ];
    lines.extend(WAREHOUSE);
    let (_c, loaded) = load_ok(&lines, &[]);
    let l = &loaded.config.limits;
    assert_eq!(l.login_timeout, Duration::from_secs(45));
    assert_eq!(
        l.max_unauthenticated,
        Startups {
            start: 10,
            rate: 30,
            full: 100
        }
    );
    assert_eq!(l.max_unauthenticated_per_source, 4);
    assert_eq!(
        l.connection_rate_per_source,
        Rate {
            count: 30,
            per: Duration::from_secs(60)
        }
    );
    assert_eq!(l.connection_burst_per_source, 8);
    let exempt: Vec<String> = l.per_source_exempt.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        exempt,
        ["203.0.113.7/32", "198.51.100.0/24", "2001:db8::/48"]
    );

    // A plain number is a hard cap (OpenSSH's `MaxStartups 100`).
    let mut lines = vec!["[limits]", "max_unauthenticated = 100"];
    lines.extend(WAREHOUSE);
    let (_c, loaded) = load_ok(&lines, &[]);
    assert_eq!(
        loaded.config.limits.max_unauthenticated,
        Startups {
            start: 100,
            rate: 100,
            full: 100
        }
    );
}

#[test]
fn limits_accept_plain_byte_counts_and_zero_grace() {
    let mut lines = vec![
        "[limits]",
        "max_upload_size = 1024",
        "shutdown_grace = \"0s\"",
    ];
    lines.extend(WAREHOUSE);
    let (_c, loaded) = load_ok(&lines, &[]);
    assert_eq!(loaded.config.limits.max_upload_size, 1024);
    assert_eq!(loaded.config.limits.shutdown_grace, Duration::ZERO);
}

// ---- partners -----------------------------------------------------------------------------

#[test]
fn at_least_one_partner() {
    assert_problem(&["data_dir = \"x\""], 1, "no partners");
}

#[test]
fn partner_must_be_an_array_of_tables() {
    assert_problem(
        &["[partner]", "name = \"wh\""],
        1,
        "write each partner as [[partner]]",
    );
}

#[test]
fn partner_name_rules() {
    let cases = [
        ("\"Acme\"", "must match", "upper case"),
        ("\"-acme\"", "must match", "leading dash"),
        ("\"acme corp\"", "must match", "space"),
        ("\"\"", "must match", "empty"),
        ("\"../etc\"", "must match", "path traversal"),
    ];
    for (value, fragment, why) in cases {
        let name = format!("name = {value}");
        let lines = [
            "[[partner]]",
            &name,
            "role = \"warehouse\"",
            "format = \"canonical\"",
            "password = \"x\"",
        ];
        let found = problems(&lines);
        assert!(
            found
                .iter()
                .any(|p| p.line == 2 && p.message.contains(fragment)),
            "{why}: {}",
            ConfigErrors(found.clone())
        );
    }
    let long = format!("name = \"{}\"", "a".repeat(65));
    let lines = [
        "[[partner]]",
        &long,
        "role = \"warehouse\"",
        "format = \"canonical\"",
        "password = \"x\"",
    ];
    assert_problem(&lines, 2, "longer than 64");
}

#[test]
fn partner_without_name_points_at_its_header() {
    let mut lines = WAREHOUSE.to_vec();
    lines.extend([
        "",
        "[[partner]]",
        "role = \"warehouse\"",
        "format = \"canonical\"",
        "password = \"x\"",
    ]);
    assert_problem(&lines, 7, "partner #2 has no `name`");
}

#[test]
fn partner_names_are_unique() {
    let mut lines = WAREHOUSE.to_vec();
    lines.push("");
    lines.extend(WAREHOUSE); // header on line 7, name on line 8
    assert_problem(&lines, 8, "partner name 'wh' is already used (line 2)");
}

#[test]
fn role_rules() {
    assert_problem(
        &[
            "[[partner]]",
            "name = \"wh\"",
            "role = \"store\"",
            "format = \"canonical\"",
            "password = \"x\"",
        ],
        3,
        "role must be \"cart\" or \"warehouse\"",
    );
    assert_problem(
        &[
            "",
            "[[partner]]",
            "name = \"wh\"",
            "format = \"canonical\"",
            "password = \"x\"",
        ],
        2,
        "has no `role`",
    );
}

#[test]
fn format_rules() {
    assert_problem(
        &[
            "[[partner]]",
            "name = \"wh\"",
            "role = \"warehouse\"",
            "format = \"xml\"",
            "password = \"x\"",
        ],
        4,
        "unknown format `xml`",
    );
    assert_problem(
        &[
            "[[partner]]",
            "name = \"wh\"",
            "role = \"warehouse\"",
            "password = \"x\"",
        ],
        1,
        "has no `format`",
    );
    assert_problem(
        &[
            "[[partner]]",
            "name = \"wh\"",
            "role = \"warehouse\"",
            "format = \"ultracart\"",
            "password = \"x\"",
        ],
        4,
        "a warehouse uses format \"canonical\"",
    );
    let lines = with_wh(&[
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"canonical\"", // 4
        "password = \"x\"",
        "warehouse = \"wh\"",
    ]);
    assert_problem(
        &refs(&lines),
        4,
        "a cart uses format \"ultracart\" or \"dsco\"",
    );
}

#[test]
fn cart_needs_a_warehouse() {
    let lines = with_wh(&[
        "[[partner]]", // 1
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"dsco\"",
        "password = \"x\"",
    ]);
    assert_problem(&refs(&lines), 1, "a cart needs `warehouse`");
}

#[test]
fn cart_warehouse_must_exist() {
    let lines = with_wh(&[
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"dsco\"",
        "password = \"x\"",
        "warehouse = \"main\"", // 6
    ]);
    assert_problem(
        &refs(&lines),
        6,
        "warehouse 'main' is not a configured partner",
    );
}

#[test]
fn cart_warehouse_must_be_a_warehouse() {
    let lines = [
        "[[partner]]",
        "name = \"a\"",
        "role = \"cart\"",
        "format = \"dsco\"",
        "password = \"x\"",
        "warehouse = \"b\"", // 6
        "[[partner]]",
        "name = \"b\"",
        "role = \"cart\"",
        "format = \"dsco\"",
        "password = \"x\"",
        "warehouse = \"a\"", // 12
    ];
    let found = problems(&lines);
    assert!(
        found
            .iter()
            .any(|p| p.line == 6 && p.message.contains("'b' is a cart, not a warehouse"))
    );
    assert!(
        found
            .iter()
            .any(|p| p.line == 12 && p.message.contains("'a' is a cart"))
    );
}

#[test]
fn warehouse_has_no_warehouse() {
    let mut lines = WAREHOUSE.to_vec();
    lines.push("warehouse = \"wh\""); // 6
    assert_problem(&lines, 6, "`warehouse` is for carts");
}

// ---- credentials ----------------------------------------------------------------------------

#[test]
fn a_credential_is_required_unless_keys_are_given() {
    let lines = [
        "",
        "[[partner]]",
        "name = \"wh\"",
        "role = \"warehouse\"",
        "format = \"canonical\"",
    ];
    assert_problem(&lines, 2, "partner 'wh' has no credential");
}

#[test]
fn only_one_credential() {
    let hash = format!("password_hash = \"{}\"", wh_hash());
    let lines = [
        "[[partner]]",
        "name = \"wh\"",
        "role = \"warehouse\"",
        "format = \"canonical\"",
        &hash,
        "password = \"x\"", // 6
    ];
    assert_problem(&lines, 6, "`password` conflicts with `password_hash`");
}

#[test]
fn password_hash_must_be_argon2_phc() {
    let cases = [
        "\"$argon2id$v=19$garbage\"",
        "\"secret\"",
        "\"$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA\"",
    ];
    for value in cases {
        let line = format!("password_hash = {value}");
        let lines = [
            "[[partner]]",
            "name = \"wh\"",
            "role = \"warehouse\"",
            "format = \"canonical\"",
            &line,
        ];
        assert_problem(&lines, 5, "wharf passwd");
    }
}

#[test]
fn password_file_rules() {
    let base = [
        "[[partner]]",
        "name = \"wh\"",
        "role = \"warehouse\"",
        "format = \"canonical\"",
    ];
    let with = |line: &'static str| {
        let mut lines = base.to_vec();
        lines.push(line);
        lines
    };
    assert_problem(
        &with("password_file = \"nope\""),
        5,
        "cannot read password_file",
    );
    assert_problem_with(
        &with("password_file = \"pw\""),
        &[("pw", " \n")],
        5,
        "is empty",
    );
    assert_problem_with(
        &with("password_file = \"pw\""),
        &[("pw", "$argon2id$broken\n")],
        5,
        "holds a hash that is not a valid argon2 PHC string",
    );
}

#[cfg(unix)]
#[test]
fn a_shared_password_file_is_a_warning() {
    let c = case(
        &[
            "[[partner]]",
            "name = \"wh\"",
            "role = \"warehouse\"",
            "format = \"canonical\"",
            "password_file = \"pw\"",
        ],
        &[("pw", "secret\n")],
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        c.dir.path().join("pw"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let loaded = load(&c.path).unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert!(
        loaded.warnings[0].contains(":5: partner 'wh': password_file"),
        "{:?}",
        loaded.warnings
    );
    assert!(loaded.warnings[0].contains("chmod 600"));
}

#[test]
fn empty_plain_password() {
    let lines = [
        "[[partner]]",
        "name = \"wh\"",
        "role = \"warehouse\"",
        "format = \"canonical\"",
        "password = \"\"",
    ];
    assert_problem(&lines, 5, "`password` is empty");
}

#[test]
fn authorized_keys_must_look_like_openssh_keys() {
    let cases = [
        (
            "\"AAAAC3NzaC1lZDI1NTE5\"",
            "expected an OpenSSH public key line",
        ),
        ("\"ssh-dss AAAAB3NzaC1kc3M\"", "unsupported key type"),
        ("\"ssh-ed25519 not*base64\"", "not base64"),
    ];
    for (value, fragment) in cases {
        let lines = [
            "[[partner]]",
            "name = \"wh\"",
            "role = \"warehouse\"",
            "format = \"canonical\"",
            "authorized_keys = [",
            &format!("  \"{ED25519_KEY}\","),
            &format!("  {value},"), // 7
            "]",
        ];
        assert_problem(&lines, 7, fragment);
    }
}

// ---- addresses ------------------------------------------------------------------------------

#[test]
fn allowed_ips_entries_are_checked_one_by_one() {
    let mut lines = WAREHOUSE.to_vec();
    lines.extend([
        "allowed_ips = [",
        "  \"10.0.0.0/8\",",
        "  \"10.0.0.300\",",
        "]",
    ]);
    assert_problem(
        &lines,
        8,
        "\"10.0.0.300\" is not an IP address or CIDR network",
    );
    let mut lines = WAREHOUSE.to_vec();
    lines.push("allowed_ips = []");
    assert_problem(&lines, 6, "`allowed_ips` is empty");
}

#[test]
fn ip_allowed() {
    let mut lines = WAREHOUSE.to_vec();
    lines.push("allowed_ips = [\"198.51.100.7/24\", \"2001:db8::/32\", \"192.0.2.1\"]");
    let (_c, loaded) = load_ok(&lines, &[]);
    let wh = &loaded.config.partners[0];
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert_eq!(
        wh.allowed_ips[0].to_string(),
        "198.51.100.0/24",
        "host bits dropped"
    );
    assert!(wh.ip_allowed(ip("198.51.100.200")));
    assert!(wh.ip_allowed(ip("::ffff:198.51.100.9")), "IPv4-mapped IPv6");
    assert!(wh.ip_allowed(ip("2001:db8:1::5")));
    assert!(wh.ip_allowed(ip("192.0.2.1")));
    assert!(!wh.ip_allowed(ip("192.0.2.2")));
    assert!(!wh.ip_allowed(ip("::ffff:203.0.113.1")));
    assert!(!wh.ip_allowed(ip("2001:db9::1")));

    let (_c, loaded) = load_ok(&WAREHOUSE, &[]);
    assert!(
        loaded.config.partners[0].ip_allowed(ip("203.0.113.1")),
        "empty list = any"
    );
}

// ---- format-specific keys ---------------------------------------------------------------------

/// A dsco cart routed to `wh`, then `extra` on line 7, then the warehouse.
fn dsco_cart_with(extra: &str) -> Vec<String> {
    let mut lines: Vec<String> = [
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"dsco\"",
        "password = \"x\"",
        "warehouse = \"wh\"",
        extra,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    lines.extend(WAREHOUSE.iter().map(|s| (*s).to_owned()));
    lines
}

#[test]
fn ultracart_only_keys() {
    let cases = [
        (
            "kits = \"kit\"",
            "`kits` applies to format \"ultracart\" only, not \"dsco\"",
        ),
        (
            "distribution_center = \"DFLT\"",
            "`distribution_center` applies to format \"ultracart\"",
        ),
        ("dtd = \"x.dtd\"", "`dtd` applies to format \"ultracart\""),
    ];
    for (extra, fragment) in cases {
        assert_problem(&refs(&dsco_cart_with(extra)), 7, fragment);
    }
    let mut lines = WAREHOUSE.to_vec();
    lines.push("kits = \"components\"");
    assert_problem(&lines, 6, "not \"canonical\"");
}

#[test]
fn kits_value() {
    let lines = with_wh(&[
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"ultracart\"",
        "password = \"x\"",
        "warehouse = \"wh\"",
        "kits = \"bundle\"", // 7
    ]);
    assert_problem(&refs(&lines), 7, "unknown kits mode `bundle`");
}

/// An UltraCart cart with a DTD and `extra` on line 8.
fn cart_with_dtd(extra: &str) -> Vec<String> {
    with_wh(&[
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"ultracart\"",
        "password = \"x\"",
        "warehouse = \"wh\"",
        "dtd = \"uc.dtd\"",
        extra, // 8
    ])
}

const A_DTD: (&str, &str) = ("uc.dtd", "<!ELEMENT export ANY>");

#[test]
fn dtd_mode_values() {
    for (line, want) in [
        ("", DtdMode::Reject),
        ("dtd_mode = \"reject\"", DtdMode::Reject),
        ("dtd_mode = \"report\"", DtdMode::Report),
    ] {
        let lines = cart_with_dtd(line);
        let (_c, loaded) = load_ok(&refs(&lines), &[A_DTD]);
        assert_eq!(
            loaded.config.partner("shop").unwrap().dtd_mode,
            want,
            "{line}"
        );
    }
    for (bad, says) in [
        ("dtd_mode = \"lenient\"", "unknown dtd_mode `lenient`"),
        ("dtd_mode = \"Report\"", "unknown dtd_mode `Report`"),
        ("dtd_mode = 1", "expected a string"),
    ] {
        let lines = cart_with_dtd(bad);
        let found = problems_with(&refs(&lines), &[A_DTD]);
        assert!(
            found
                .iter()
                .any(|p| p.line == 8 && p.message.contains(says)),
            "{bad}: {}",
            ConfigErrors(found.clone())
        );
    }
}

#[test]
fn dtd_mode_needs_an_ultracart_dtd() {
    let lines = with_wh(&[
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"ultracart\"",
        "password = \"x\"",
        "warehouse = \"wh\"",
        "dtd_mode = \"report\"", // 7
    ]);
    assert_problem(&refs(&lines), 7, "`dtd_mode` applies only with `dtd`");
    assert_problem(
        &refs(&dsco_cart_with("dtd_mode = \"report\"")),
        7,
        "`dtd_mode` applies to format \"ultracart\"",
    );
}

#[test]
fn dtd_must_exist() {
    let lines = with_wh(&[
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"ultracart\"",
        "password = \"x\"",
        "warehouse = \"wh\"",
        "dtd = \"dtd/missing.dtd\"", // 7
    ]);
    assert_problem(&refs(&lines), 7, "`dtd`: cannot read");
}

#[test]
fn cust_ref_max_len_rules() {
    assert_problem(
        &refs(&dsco_cart_with("cust_ref_max_len = 20")),
        7,
        "for warehouses only",
    );
    for bad in [
        "cust_ref_max_len = 7",
        "cust_ref_max_len = 65",
        "cust_ref_max_len = -1",
    ] {
        let mut lines = WAREHOUSE.to_vec();
        lines.push(bad);
        assert_problem(&lines, 6, "must be between 8 and 64");
    }
    let mut lines = WAREHOUSE.to_vec();
    lines.push("cust_ref_max_len = 8");
    let (_c, loaded) = load_ok(&lines, &[]);
    assert_eq!(loaded.config.partners[0].cust_ref_max_len, 8);
}

#[test]
fn mapping_tables() {
    assert_problem(
        &refs(&dsco_cart_with("sku_aliases = { \"G1\" = 5 }")),
        7,
        "invalid type",
    );
    assert_problem(
        &refs(&dsco_cart_with("ship_methods = { \"Ground\" = \"\" }")),
        7,
        "maps \"Ground\" to an empty value",
    );
    let mut lines = WAREHOUSE.to_vec();
    lines.push("sku_aliases = { \"A\" = \"B\" }");
    assert_problem(&lines, 6, "`sku_aliases` is for carts only");
}

// ---- [partner.remote] (pull mode) ------------------------------------------------------------

/// [`WAREHOUSE`] followed by a `[partner.remote]` table (line 6) holding `keys` (line 7 on).
fn wh_remote(keys: &[&str]) -> Vec<String> {
    WAREHOUSE
        .iter()
        .copied()
        .chain(["[partner.remote]"])
        .chain(keys.iter().copied())
        .map(str::to_owned)
        .collect()
}

const HOST_KEY_LINE: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

#[test]
fn a_full_remote_table_reads_back() {
    let host_key = format!("host_key = \"{ED25519_KEY}\"");
    let lines = wh_remote(&[
        "url = \"sftp://sftp.example.com:2200\"",
        "username = \"wharf\"",
        "key_file = \"keys/id_ed25519\"",
        &host_key,
        "pick_up = \"/out\"",
        "drop_off = { shipment = \"/in/shipment\", inventory = \"/in/inventory\", invoice = \"/in/invoice\" }",
        "poll_every = \"5m\"",
        "delete_after_pick_up = false",
    ]);
    let (c, loaded) = load_ok(&refs(&lines), &[("keys/id_ed25519", "key")]);
    let remote = loaded.config.partners[0].remote.clone().expect("a remote");
    assert_eq!(
        remote.url,
        RemoteUrl {
            scheme: RemoteScheme::Sftp,
            host: "sftp.example.com".into(),
            port: 2200
        }
    );
    assert_eq!(remote.username, "wharf");
    assert_eq!(
        remote.secret,
        RemoteSecret::KeyFile(
            std::path::absolute(c.dir.path())
                .unwrap()
                .join("keys/id_ed25519")
        )
    );
    assert_eq!(
        remote.host_key.as_deref(),
        Some(HOST_KEY_LINE),
        "comment dropped"
    );
    assert_eq!(remote.pick_up, "/out");
    let by_kind = [
        ("inventory", "/in/inventory"),
        ("invoice", "/in/invoice"),
        ("shipment", "/in/shipment"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert_eq!(
        remote.drop_off,
        DropOff::ByKind(by_kind.into_iter().collect())
    );
    assert_eq!(remote.poll_every, Duration::from_secs(300));
    assert!(!remote.delete_after_pick_up);
}

#[test]
fn remote_defaults_and_ftp_ports() {
    let lines = wh_remote(&[
        "url = \"ftps://ftp.partner.example\"",
        "username = \"acme\"",
        "password = \"remote-secret\"",
        "drop_off = \"/incoming\"",
    ]);
    let (_c, loaded) = load_ok(&refs(&lines), &[]);
    let remote = loaded.config.partners[0].remote.clone().expect("a remote");
    assert_eq!(remote.url.scheme, RemoteScheme::Ftps);
    assert_eq!(remote.url.port, 21);
    assert_eq!(
        remote.secret,
        RemoteSecret::Password("remote-secret".into())
    );
    assert_eq!(remote.host_key, None);
    assert_eq!(remote.pick_up, "/");
    assert_eq!(remote.drop_off, DropOff::Folder("/incoming".into()));
    assert_eq!(remote.poll_every, DEFAULT_POLL_EVERY);
    assert!(remote.delete_after_pick_up);

    assert_eq!(RemoteUrl::parse("ftp://h").unwrap().port, 21);
    assert_eq!(RemoteUrl::parse("sftp://h/").unwrap().port, 22);
    let v6 = RemoteUrl::parse("sftp://[2001:db8::1]:2222").unwrap();
    assert_eq!((v6.host.as_str(), v6.port), ("2001:db8::1", 2222));
    assert_eq!(v6.to_string(), "sftp://[2001:db8::1]:2222");
    assert!(RemoteUrl::parse("sftp://h:0").is_err());
    assert!(RemoteUrl::parse("sftp://user@h").is_err());
    assert!(RemoteUrl::parse("sftp://h/in").is_err());
}

#[test]
fn sftp_remote_needs_a_host_key_and_names_the_command() {
    let lines = wh_remote(&[
        "url = \"sftp://sftp.example.com:2200\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "drop_off = \"/in\"",
    ]);
    assert_problem(
        &refs(&lines),
        7,
        "run `wharf host-key sftp://sftp.example.com:2200`",
    );
    let lines = wh_remote(&[
        "url = \"sftp://sftp.example.com\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "host_key = \"not a key\"",
        "drop_off = \"/in\"",
    ]);
    assert_problem(
        &refs(&lines),
        10,
        "remote `host_key`: expected an OpenSSH public key",
    );
}

#[test]
fn remote_url_must_be_ftp_ftps_or_sftp() {
    let lines = wh_remote(&[
        "url = \"http://example.com\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "drop_off = \"/in\"",
    ]);
    assert_problem(&refs(&lines), 7, "unsupported URL scheme \"http\"");
    let lines = wh_remote(&[
        "username = \"wharf\"",
        "password = \"pw\"",
        "drop_off = \"/in\"",
    ]);
    assert_problem(&refs(&lines), 6, "[partner.remote] has no `url`");
}

#[test]
fn remote_key_file_must_exist_and_is_for_sftp_only() {
    let host_key = format!("host_key = \"{HOST_KEY_LINE}\"");
    let lines = wh_remote(&[
        "url = \"sftp://h\"",
        "username = \"wharf\"",
        "key_file = \"keys/missing\"", // 9
        &host_key,
        "drop_off = \"/in\"",
    ]);
    assert_problem(&refs(&lines), 9, "remote `key_file`:");
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "username = \"wharf\"",
        "key_file = \"id\"", // 9
        "drop_off = \"/in\"",
    ]);
    assert_problem_with(
        &refs(&lines),
        &[("id", "k")],
        9,
        "`key_file` is for sftp:// only",
    );
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "username = \"wharf\"",
        "drop_off = \"/in\"",
    ]);
    assert_problem(&refs(&lines), 6, "needs `password` or `key_file`");
}

#[test]
fn remote_ca_file_must_exist_and_is_for_ftps_only() {
    let lines = wh_remote(&[
        "url = \"ftps://h\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "ca_file = \"certs/missing.pem\"", // 10
        "drop_off = \"/in\"",
    ]);
    assert_problem(&refs(&lines), 10, "remote `ca_file`:");
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "ca_file = \"ca.pem\"", // 10
        "drop_off = \"/in\"",
    ]);
    assert_problem_with(
        &refs(&lines),
        &[("ca.pem", "c")],
        10,
        "`ca_file` is for ftps:// only",
    );
}

#[test]
fn remote_unknown_keys_kinds_and_bad_values_are_errors() {
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "drop_off = \"/in\"",
        "poll_evry = \"5m\"", // 11
    ]);
    assert_problem(&refs(&lines), 11, "unknown key `poll_evry`");
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "drop_off = { shipment = \"/s\", orders = \"/o\" }", // 10
    ]);
    assert_problem(&refs(&lines), 10, "unknown kind \"orders\"");
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "username = \"wharf\"",
        "password = \"pw\"",
        "drop_off = \"/in\"",
        "poll_every = \"500ms\"", // 11
    ]);
    assert_problem(&refs(&lines), 11, "`poll_every` must be at least 1s");
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "password = \"pw\"",
        "drop_off = \"/in\"",
    ]);
    assert_problem(&refs(&lines), 6, "has no `username`");
}

#[test]
fn a_remote_password_never_shows() {
    let lines = wh_remote(&[
        "url = \"ftp://h\"",
        "username = \"wharf\"",
        "password = \"hunter2-remote\"",
        "drop_off = \"/in\"",
    ]);
    let (_c, loaded) = load_ok(&refs(&lines), &[]);
    let debug = format!("{:?}", loaded.config.partners[0]);
    assert!(debug.contains("Password(***)"), "{debug}");
    assert!(!debug.contains("hunter2-remote"), "{debug}");
    // A problem elsewhere in the table does not echo the password either.
    let lines = wh_remote(&[
        "url = \"gopher://h\"",
        "username = \"wharf\"",
        "password = \"hunter2-remote\"",
        "drop_off = \"/in\"",
    ]);
    let found = problems(&refs(&lines));
    assert!(!ConfigErrors(found).to_string().contains("hunter2-remote"));
}

// ---- several problems at once ---------------------------------------------------------------

#[test]
fn every_problem_is_reported_in_file_order() {
    let lines = [
        "data_dir = \"data\"",
        "[ftp]",
        "listen = \"nowhere\"", // 3: bad address
        "[limits]",
        "idle_timeout = \"forever\"", // 5: bad duration
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"ultracart\"",
        "password = \"x\"",
        "warehouse = \"wh\"",
        "kits = \"kit\"",
        "cust_ref_max_len = 9", // 13: carts have none
        "[[partner]]",
        "name = \"wh\"",
        "role = \"warehouse\"",
        "format = \"canonical\"",
        "password = \"x\"",
        "colour = \"blue\"", // 19: unknown key
    ];
    let found = problems(&lines);
    let lines_reported: Vec<usize> = found.iter().map(|p| p.line).collect();
    assert_eq!(
        lines_reported,
        [3, 5, 13, 19],
        "{}",
        ConfigErrors(found.clone())
    );
    let text = ConfigErrors(found).to_string();
    assert_eq!(text.lines().count(), 4);
    assert!(text.lines().all(|l| l.contains("wharf.toml:")), "{text}");
}

#[test]
fn a_broken_partner_does_not_make_its_references_fail() {
    let lines = [
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"dsco\"",
        "password = \"x\"",
        "warehouse = \"wh\"",
        "[[partner]]",
        "name = \"wh\"",
        "role = \"warehouse\"",
        "format = \"canonical\"",
        "password = \"x\"",
        "typo = 1", // 12
    ];
    let found = problems(&lines);
    assert_eq!(found.len(), 1, "{}", ConfigErrors(found.clone()));
    assert_eq!(found[0].line, 12);
}

// ---- secrets ----------------------------------------------------------------------------------

#[test]
fn debug_never_shows_passwords_or_hashes() {
    let hash = format!("password_hash = \"{}\"", wh_hash());
    let lines = [
        "[[partner]]",
        "name = \"wh\"",
        "role = \"warehouse\"",
        "format = \"canonical\"",
        &hash,
        "[[partner]]",
        "name = \"shop\"",
        "role = \"cart\"",
        "format = \"dsco\"",
        "password = \"very-secret-password\"",
        "warehouse = \"wh\"",
    ];
    let (_c, loaded) = load_ok(&lines, &[]);
    for text in [
        format!("{:?}", loaded),
        format!("{:#?}", loaded.config),
        format!("{:?}", loaded.config.partners[0]),
        format!("{:?}", loaded.config.partners[1]),
    ] {
        assert!(!text.contains("very-secret-password"), "{text}");
        assert!(!text.contains(wh_hash()), "{text}");
        assert!(!text.contains("$argon2"), "{text}");
        assert!(text.contains("***"), "{text}");
    }
}

// ---- locate -----------------------------------------------------------------------------------

#[test]
fn an_explicit_path_wins() {
    let path = Path::new("/nonexistent/wharf.toml");
    assert_eq!(locate(Some(path)), Source::File(path.to_path_buf()));
}

#[test]
fn go_live_and_sku_check_keys() {
    assert_problem(
        &refs(&dsco_cart_with("accept_orders_since = \"2026-13-01\"")),
        7,
        "must be a date like \"2026-11-01\"",
    );
    assert_problem(
        &refs(&dsco_cart_with("check_skus = true")),
        7,
        "`check_skus` is for warehouses only",
    );
    let mut lines = WAREHOUSE.to_vec();
    lines.push("accept_orders_since = \"2026-11-01\"");
    assert_problem(&lines, 6, "`accept_orders_since` is for carts only");
    let (_c, loaded) = load_ok(
        &refs(&dsco_cart_with("accept_orders_since = \"2026-11-01\"")),
        &[],
    );
    let cart = loaded.config.partner("shop").expect("the cart");
    assert_eq!(
        cart.accept_orders_since.map(|d| d.to_string()).as_deref(),
        Some("2026-11-01")
    );
    let mut lines = WAREHOUSE.to_vec();
    lines.push("check_skus = true");
    let (_c, loaded) = load_ok(&lines, &[]);
    assert!(loaded.config.partners[0].check_skus);
}

#[test]
fn the_store_is_embedded_unless_store_names_postgres() {
    let (_c, loaded) = load_ok(&refs(&with_wh(&[])), &[]);
    assert_eq!(loaded.config.store, crate::config::StoreConfig::Embedded);
    let (_c, loaded) = load_ok(
        &refs(&with_wh(&[
            "[store]",
            "postgres = \"postgres://wharf:s3cret@db.example:5432/wharf\"",
        ])),
        &[],
    );
    let crate::config::StoreConfig::Postgres(url) = &loaded.config.store else {
        panic!("{:?}", loaded.config.store);
    };
    assert_eq!(url.0, "postgres://wharf:s3cret@db.example:5432/wharf");
    assert!(
        !format!("{:?}", loaded.config).contains("s3cret"),
        "the password never shows"
    );
    let (_c, loaded) = load_ok(
        &refs(&with_wh(&["[store]", "postgres_file = \"db-url\""])),
        &[("db-url", "host=/run/postgresql dbname=wharf password=x\n")],
    );
    assert_eq!(
        loaded.config.store,
        crate::config::StoreConfig::Postgres(crate::config::Secret(
            "host=/run/postgresql dbname=wharf password=x".into()
        ))
    );
}

#[test]
fn a_wrong_store_table_is_refused() {
    let both = with_wh(&[
        "[store]",
        "postgres = \"postgres://h/db\"",
        "postgres_file = \"f\"",
    ]);
    assert_problem_with(&refs(&both), &[("f", "postgres://h/db")], 1, "not both");
    assert_problem(
        &refs(&with_wh(&["[store]", "postgres_file = \"missing\""])),
        2,
        "postgres_file",
    );
    assert_problem_with(
        &refs(&with_wh(&["[store]", "postgres_file = \"empty\""])),
        &[("empty", " \n")],
        2,
        "is empty",
    );
    assert_problem(
        &refs(&with_wh(&[
            "[store]",
            "postgres = \"postgres://h:notaport/db\"",
        ])),
        2,
        "does not parse",
    );
    assert_problem(
        &refs(&with_wh(&["[store]", "redb = \"x\""])),
        2,
        "unknown key `redb`",
    );
}
