//! Logs: `tracing` to stderr, one line per event, filtered by `WHARF_LOG` (or `RUST_LOG`),
//! default `info`.

use tracing_subscriber::EnvFilter;

/// The filter used when neither `WHARF_LOG` nor `RUST_LOG` is set.
pub const DEFAULT_FILTER: &str = "info";

/// Installs the global subscriber (once; later calls do nothing).
pub fn init() {
    let filter = std::env::var("WHARF_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| DEFAULT_FILTER.to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
