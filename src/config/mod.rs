//! Configuration: finding it ([`locate`]: `--config`, else `./wharf.toml`, else the embedded
//! demo), loading and checking a TOML file ([`load`]), or building the embedded demo
//! ([`demo::demo_config`]).
//!
//! Loading is two-stage (what was typed, then what it means): `raw` deserializes what the
//! user typed, section by section, with `deny_unknown_fields`; `check` checks it and builds
//! the typed [`Config`]. Every problem is reported as `FILE:LINE: message`, all of them at once.
//! Loading reads files (the config, `password_file`, existence of `dtd` and TLS files) but
//! never writes and never opens sockets, so `wharf check` is [`load`] alone.
//!
//! Secrets are redacted in `Debug`: see [`Credential`].

mod alerts;
mod api;
mod check;
mod context;
mod credential;
pub mod demo;
mod error;
mod http;
mod limits;
mod listeners;
mod login;
mod partner;
mod raw;
mod remote;
mod store;
mod types;
pub mod units;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use alerts::{AlertConfig, AlertRule, Secret, SmtpConfig, Webhook};
pub use api::ApiAccess;
pub use credential::{Credential, hash_password};
pub use error::{ConfigError, ConfigErrors, DataDirError, Problem};
pub use http::{Admin, HttpConfig};
#[cfg(test)]
pub(crate) use limits::parse_startups;
pub use remote::{
    DEFAULT_POLL_EVERY, DROP_OFF_KINDS, DropOff, Remote, RemoteScheme, RemoteSecret, RemoteUrl,
};
pub use store::{ClusterConfig, StoreConfig};
pub use types::{
    Config, DtdMode, FtpConfig, Limits, LogFormat, Partner, Rate, Role, SftpConfig, Startups,
};

/// The name of the configuration file looked for in the current folder.
pub const DEFAULT_FILE: &str = "wharf.toml";

/// The data folder when none is named: `wharf-data` in the configuration file's folder, or in
/// the current folder for the embedded demo.
pub const DEFAULT_DATA_DIR: &str = "wharf-data";

/// A checked configuration and the warnings it raised (e.g. a plain-text password), each as
/// `FILE:LINE: message`.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// Warnings to show the operator; the configuration is usable anyway.
    pub warnings: Vec<String>,
}

/// Reads, parses and checks the configuration file at `path`. Relative paths inside it are
/// resolved against its folder.
pub fn load(path: &Path) -> Result<Loaded, ConfigErrors> {
    let bytes = std::fs::read(path).map_err(|e| whole_file(path, format!("cannot read: {e}")))?;
    load_bytes(&bytes, path)
}

/// Parses and checks `bytes` as the content of the configuration file `path`, which is not
/// read: [`load`] after its one read. Relative paths inside resolve against `path`'s folder,
/// and the files the configuration names are looked at as [`load`] does (a `password_file`
/// read, the others checked to exist); nothing is written. The entry point of the
/// configuration fuzz target.
pub fn load_bytes(bytes: &[u8], path: &Path) -> Result<Loaded, ConfigErrors> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| whole_file(path, "not UTF-8 text (TOML files are UTF-8)".into()))?;
    check::check(text, path)
}

/// A single problem about the whole file.
fn whole_file(path: &Path, message: String) -> ConfigErrors {
    ConfigErrors(vec![Problem {
        file: path.to_path_buf(),
        line: 0,
        message,
    }])
}

/// Where the configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A configuration file.
    File(PathBuf),
    /// The embedded demo (no `--config` and no `./wharf.toml`).
    Demo,
}

impl Source {
    /// The data folder `serve` would use: the file's `data_dir` (the file is loaded and
    /// checked), or the demo's `./wharf-data`.
    pub fn data_dir(&self) -> Result<PathBuf, DataDirError> {
        match self {
            Source::File(path) => load(path)
                .map(|loaded| loaded.config.data_dir)
                .map_err(DataDirError::Config),
            Source::Demo => demo::data_dir().map_err(DataDirError::CurrentFolder),
        }
    }
}

impl Source {
    /// Where the order store lives: the file's `[store]` and `data_dir` (the file is loaded
    /// and checked), or the demo's embedded store in `./wharf-data`.
    pub fn store(&self) -> Result<(StoreConfig, PathBuf), DataDirError> {
        match self {
            Source::File(path) => load(path)
                .map(|loaded| (loaded.config.store, loaded.config.data_dir))
                .map_err(DataDirError::Config),
            Source::Demo => Ok((StoreConfig::Embedded, self.data_dir()?)),
        }
    }
}

/// `explicit` when given (even if it does not exist: loading will say so); else
/// `./wharf.toml` when it exists; else the demo.
pub fn locate(explicit: Option<&Path>) -> Source {
    match explicit {
        Some(path) => Source::File(path.to_path_buf()),
        None if Path::new(DEFAULT_FILE).exists() => Source::File(PathBuf::from(DEFAULT_FILE)),
        None => Source::Demo,
    }
}
