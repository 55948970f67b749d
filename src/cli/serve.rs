//! `wharf serve` and `wharf check`.

use anyhow::Context;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::process::ExitCode;
use wharf::config::{self, Config, Source};
use wharf::shutdown::Shutdown;

/// Loads the configuration `serve` would use; prints problems and warnings.
fn load(explicit: Option<&Path>) -> Result<Option<Config>, anyhow::Error> {
    match config::locate(explicit) {
        Source::File(path) => match config::load(&path) {
            Ok(loaded) => {
                for w in &loaded.warnings {
                    eprintln!("warning: {w}");
                }
                Ok(Some(loaded.config))
            }
            Err(problems) => {
                eprint!("{problems}");
                if !problems.to_string().ends_with('\n') {
                    eprintln!();
                }
                Ok(None)
            }
        },
        Source::Demo => {
            let data_dir = config::demo::data_dir().context("current folder")?;
            let (cfg, message) =
                config::demo::demo_config(&data_dir, IpAddr::V4(Ipv4Addr::LOCALHOST))
                    .context("starting the demo")?;
            eprintln!("No configuration given and no ./wharf.toml: starting the embedded demo.");
            if let Some(m) = message {
                eprintln!("{m}");
            }
            Ok(Some(cfg))
        }
    }
}

/// `wharf check`.
pub(crate) fn check(explicit: Option<&Path>) -> Result<ExitCode, anyhow::Error> {
    match config::locate(explicit) {
        Source::Demo => {
            eprintln!("no configuration: ./wharf.toml does not exist (serve would start the demo)");
            Ok(ExitCode::FAILURE)
        }
        Source::File(path) => match config::load(&path) {
            Ok(loaded) => {
                for w in &loaded.warnings {
                    eprintln!("warning: {w}");
                }
                outln!(
                    "{}: ok ({} partners)",
                    path.display(),
                    loaded.config.partners.len()
                )?;
                Ok(ExitCode::SUCCESS)
            }
            Err(problems) => {
                outln!("{}", problems.to_string().trim_end_matches('\n'))?;
                Ok(ExitCode::FAILURE)
            }
        },
    }
}

/// `wharf serve`.
pub(crate) fn run(
    explicit: Option<&Path>,
    ready_file: Option<&Path>,
) -> Result<ExitCode, anyhow::Error> {
    wharf::logging::init();
    let Some(config) = load(explicit)? else {
        return Ok(ExitCode::FAILURE);
    };
    let rt = tokio::runtime::Runtime::new().context("starting the runtime")?;
    rt.block_on(async move {
        let shutdown = Shutdown::new();
        let signals = shutdown.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            signals.trigger();
        });
        match wharf::server::serve(config, shutdown, ready_file).await {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e) => {
                tracing::error!(error = %e, "cannot start");
                eprintln!("wharf: {e}");
                Ok(ExitCode::FAILURE)
            }
        }
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {},
                _ = tokio::signal::ctrl_c() => {},
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
