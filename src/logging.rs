//! Logs: `tracing` to stderr, one line per event, filtered by `WHARF_LOG` (or `RUST_LOG`),
//! default `info`. As text (the default), or with `log_format = "json"` one JSON object per
//! line carrying the fields of the enclosing spans (partner, session, file), for a log
//! collector.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// The filter used when neither `WHARF_LOG` nor `RUST_LOG` is set.
pub const DEFAULT_FILTER: &str = "info";

/// Installs the global subscriber as text (once; later calls do nothing).
pub fn init() {
    init_with(LogFormat::Text);
}

/// Installs the global subscriber in `format` (once; later calls do nothing).
pub fn init_with(format: LogFormat) {
    let filter = std::env::var("WHARF_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| DEFAULT_FILTER.to_string());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
}
