//! Logs: `tracing` to stderr, one line per event, filtered by `WHARF_LOG` (or `RUST_LOG`),
//! default `info`. libunftp logs through `slog`; [`slog_bridge`] forwards its records into the
//! same subscriber (its info chatter at debug), and its own tracing spans — which Debug-print
//! the server builder — are filtered out below `warn`.

use slog::Drain;
use tracing_subscriber::EnvFilter;

/// The filter used when neither `WHARF_LOG` nor `RUST_LOG` is set.
pub const DEFAULT_FILTER: &str = "info,libunftp=warn,unftp_sbe_fs=warn,unftp_core=warn";

/// Installs the global subscriber (once; later calls do nothing).
pub fn init() {
    let filter = std::env::var("WHARF_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| DEFAULT_FILTER.to_string());
    let filter = format!("{filter},libunftp=warn");
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// A slog logger whose records go to `tracing` with target `ftp`.
pub fn slog_bridge() -> slog::Logger {
    slog::Logger::root(SlogToTracing.fuse(), slog::o!())
}

struct SlogToTracing;

impl Drain for SlogToTracing {
    type Ok = ();
    type Err = slog::Never;

    fn log(
        &self,
        record: &slog::Record<'_>,
        _values: &slog::OwnedKVList,
    ) -> Result<(), slog::Never> {
        let msg = record.msg().to_string();
        match record.level() {
            slog::Level::Critical | slog::Level::Error => {
                tracing::error!(target: "ftp", "{msg}")
            }
            slog::Level::Warning => tracing::warn!(target: "ftp", "{msg}"),
            slog::Level::Info | slog::Level::Debug => tracing::debug!(target: "ftp", "{msg}"),
            slog::Level::Trace => tracing::trace!(target: "ftp", "{msg}"),
        }
        Ok(())
    }
}
