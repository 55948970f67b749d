//! Configuration (INTERFACE §3 and §4): finding it ([`locate`]), loading and checking a TOML
//! file ([`load`]), or building the embedded demo ([`demo::demo_config`]).
//!
//! Loading is two-stage (STYLE item 6): `raw` deserializes what the user typed, section by
//! section, with `deny_unknown_fields`; `validate` checks it and builds the typed
//! [`Config`]. Every problem is reported as `FILE:LINE: message`, all of them at once.
//! Loading reads files (the config, `password_file`, existence of `dtd` and TLS files) but
//! never writes and never opens sockets, so `wharf check` is [`load`] alone.
//!
//! Secrets are redacted in `Debug` (STYLE item 7): see [`Credential`].

mod credential;
pub mod demo;
mod error;
mod limits;
mod login;
mod partner;
mod raw;
mod remote;
mod types;
pub mod units;
mod validate;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use credential::{Credential, hash_password};
pub use error::{ConfigError, ConfigErrors, Problem};
#[cfg(test)]
pub(crate) use limits::parse_startups;
pub use remote::{
    DEFAULT_POLL_EVERY, DROP_OFF_KINDS, DropOff, Remote, RemoteScheme, RemoteSecret, RemoteUrl,
};
pub use types::{Config, DtdMode, FtpConfig, Limits, Partner, Rate, Role, SftpConfig, Startups};

/// The name of the configuration file looked for in the current folder.
pub const DEFAULT_FILE: &str = "wharf.toml";

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
    validate::validate(text, path)
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
    /// The embedded demo (INTERFACE §3).
    Demo,
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
