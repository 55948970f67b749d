//! `[store]`: where the order store lives. Absent: the embedded store in the data folder (zero
//! setup). `postgres = "postgres://…"` or `postgres_file = "/path"` (a file holding that URL,
//! password included, read as `password_file` is): a shared PostgreSQL database.

use toml::Spanned;

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

/// Checks `[store]`.
pub(crate) fn check_store(raw: Spanned<RawStore>, ctx: &mut Ctx) -> StoreConfig {
    let section = raw.span();
    let raw = raw.into_inner();
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
