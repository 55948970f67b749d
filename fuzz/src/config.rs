//! The configuration loader (`wharf check`) on any bytes, as the content of a `wharf.toml` in
//! a temp folder that holds the files the README's examples name (`dtd/...`, `secrets/...`,
//! TLS and host-key files), so paths resolve and `password_file` is read. No panic, and:
//!
//! - refused: at least one problem, each naming the file and a line of the text (0 for the
//!   whole file);
//! - accepted: partner names are `[a-z0-9][a-z0-9_-]*` and unique, each home is one folder
//!   under `DATA_DIR/partners`, a cart's `warehouse` is a configured warehouse, a `dtd` is an
//!   existing file.

use std::path::{Component, PathBuf};
use std::sync::OnceLock;
use wharf::config::{Role, load_bytes};

/// The folder the fuzzed `wharf.toml` lives in (made once, kept for the run).
fn base() -> &'static PathBuf {
    static BASE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BASE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let root = dir.path().to_path_buf();
            let put = |rel: &str, content: &[u8]| {
                let p = root.join(rel);
                std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
                std::fs::write(&p, content).expect("write");
            };
            let dtd = std::fs::read(super::repo_path("dtd/ultracart-export.dtd"))
                .expect("the UltraCart DTD");
            put("dtd/ultracart-export.dtd", &dtd);
            let hash = wharf::config::hash_password("fuzz").expect("hash");
            put("secrets/acme.pw", hash.as_bytes());
            put("secrets/plain.pw", b"a plain password\n");
            put("secrets/empty.pw", b"");
            for f in ["cert.pem", "key.pem", "catalog.xml", "ssh_host_ed25519_key"] {
                put(f, b"not checked at load\n");
            }
            (dir, root.join("wharf.toml"))
        })
        .1
}

/// Runs one input.
pub fn run(data: &[u8]) {
    let path = base();
    match load_bytes(data, path) {
        Err(errors) => {
            assert!(!errors.0.is_empty(), "refused without a problem");
            let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
            for p in &errors.0 {
                assert_eq!(&p.file, path, "{p}");
                assert!(p.line <= lines, "{p}: line past the end ({lines} lines)");
                assert!(!p.message.is_empty(), "a problem without a message");
            }
        }
        Ok(loaded) => {
            let config = &loaded.config;
            let partners_dir = config.data_dir.join("partners");
            for (i, p) in config.partners.iter().enumerate() {
                let name_ok = p.name.bytes().enumerate().all(|(j, b)| {
                    b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || (j > 0 && (b == b'_' || b == b'-'))
                }) && !p.name.is_empty();
                assert!(name_ok, "partner name {:?}", p.name);
                assert!(
                    config.partners[..i].iter().all(|q| q.name != p.name),
                    "partner {:?} twice",
                    p.name
                );
                let home = config.partner_home(&p.name);
                let rel = home
                    .strip_prefix(&partners_dir)
                    .expect("home under partners/");
                assert!(
                    matches!(
                        rel.components().collect::<Vec<_>>().as_slice(),
                        [Component::Normal(_)]
                    ),
                    "home {} of {:?}",
                    home.display(),
                    p.name
                );
                if p.role == Role::Cart
                    && let Some(wh) = &p.warehouse
                {
                    assert!(
                        config
                            .partner(wh)
                            .is_some_and(|w| w.role == Role::Warehouse),
                        "cart {:?} sends to {wh:?}, not a warehouse",
                        p.name
                    );
                }
                if let Some(dtd) = &p.dtd {
                    assert!(dtd.is_file(), "dtd {} of {:?}", dtd.display(), p.name);
                }
            }
        }
    }
}
