//! `[store]`: where the order store lives. Absent: the embedded store in the data folder (zero
//! setup). `postgres = "postgres://…"` or `postgres_file = "/path"` (a file holding that URL,
//! password included, read as `password_file` is): a shared PostgreSQL database.
//!
//! With a shared store, several instances may share it and one set of partner folders:
//! `instance` names this one (default `HOSTNAME-PID`), `claim_expiry` is how long a silent
//! instance's claims stay its own (default 15s), `rescan` how often the partner folders are
//! listed for files another instance received or left behind (default 5s; the embedded store
//! serves one process and never rescans).

use std::time::Duration;
use toml::Spanned;

use super::units::parse_duration;

use super::alerts::{Secret, secret_file};
use super::context::Ctx;
use super::raw::RawStore;

/// Which store back-end to open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum StoreConfig {
    /// redb in the data folder.
    #[default]
    Embedded,
    /// A PostgreSQL database: its connection string (URL or `key=value`; may hold a password,
    /// so `Debug` never shows it).
    Postgres(Secret),
}

/// This instance among several on one shared store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// The instance's name; `None`: `HOSTNAME-PID`.
    pub instance: Option<String>,
    /// How long a member's heartbeat (and so its claims) stays valid.
    pub claim_expiry: Duration,
    /// How often a shared store's partner folders are listed again.
    pub rescan: Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            instance: None,
            claim_expiry: crate::store::cluster::DEFAULT_EXPIRY,
            rescan: Duration::from_secs(5),
        }
    }
}

impl StoreConfig {
    /// Whether other instances may share this store (and the partner folders with it).
    pub fn is_shared(&self) -> bool {
        matches!(self, StoreConfig::Postgres(_))
    }
}

/// Checks `[store]`.
pub(crate) fn check_store(raw: Spanned<RawStore>, ctx: &mut Ctx) -> (StoreConfig, ClusterConfig) {
    let section = raw.span();
    let raw = raw.into_inner();
    let cluster = check_cluster(&raw, ctx);
    (check_backend(section, raw, ctx), cluster)
}

fn check_cluster(raw: &RawStore, ctx: &mut Ctx) -> ClusterConfig {
    let mut c = ClusterConfig::default();
    if let Some(name) = &raw.instance {
        let n = name.get_ref().trim();
        if n.is_empty() || n.len() > 64 || !n.chars().all(|ch| ch.is_ascii_graphic()) {
            ctx.error(
                &name.span(),
                "[store] `instance`: 1 to 64 printable ASCII characters, no spaces",
            );
        } else {
            c.instance = Some(n.to_owned());
        }
    }
    for (value, key, slot) in [
        (&raw.claim_expiry, "claim_expiry", &mut c.claim_expiry),
        (&raw.rescan, "rescan", &mut c.rescan),
    ] {
        let Some(value) = value else { continue };
        match parse_duration(value.get_ref()) {
            Ok(d) if d >= Duration::from_secs(1) => *slot = d,
            Ok(_) => ctx.error(&value.span(), format!("[store] `{key}` must be 1s or more")),
            Err(m) => ctx.error(&value.span(), format!("[store] `{key}`: {m}")),
        }
    }
    c
}

fn check_backend(section: std::ops::Range<usize>, raw: RawStore, ctx: &mut Ctx) -> StoreConfig {
    let url = match (&raw.postgres, &raw.postgres_file) {
        (Some(_), Some(_)) => {
            ctx.error(
                &section,
                "[store] give `postgres` or `postgres_file`, not both",
            );
            return StoreConfig::Embedded;
        }
        (Some(url), None) => Some((Secret(url.get_ref().trim().to_owned()), url.span())),
        (None, Some(file)) => {
            secret_file(file, "[store]", "postgres_file", ctx).map(|s| (s, file.span()))
        }
        (None, None) => None,
    };
    let Some((url, span)) = url else {
        return StoreConfig::Embedded;
    };
    if let Err(e) = url.0.parse::<tokio_postgres::Config>() {
        ctx.error(
            &span,
            format!("[store] the PostgreSQL connection string does not parse: {e}"),
        );
        return StoreConfig::Embedded;
    }
    StoreConfig::Postgres(url)
}
