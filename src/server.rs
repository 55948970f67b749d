//! `wharf serve`: prepares the data folder, opens the store, starts the pipeline, the intake
//! sources and the listeners, and shuts them down in order (stop accepting, let transfers
//! finish within the grace period, drain the pipeline).

use crate::config::Config;
use crate::intake::{Intake, scan, watcher};
use crate::pipeline::Pipeline;
use crate::policy::FOLDERS;
use crate::shutdown::Shutdown;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use tracing::{info, warn};

/// Why the server could not start (nothing is left listening).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data folder could not be prepared.
    #[error("preparing {path}: {source}")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The pipeline's recovery failed.
    #[error(transparent)]
    Pipeline(#[from] crate::pipeline::PipelineError),
    /// A listener could not start.
    #[error(transparent)]
    Ftp(#[from] crate::transport::ftp::FtpStartError),
    /// The watcher could not start.
    #[error("watching the in/ folders: {0}")]
    Watch(#[from] notify::Error),
}

/// The store file inside the data folder.
pub fn store_path(config: &Config) -> PathBuf {
    config.data_dir.join("wharf.redb")
}

/// Creates the data folder and every partner home with its four folders.
pub fn prepare_homes(config: &Config) -> Result<(), ServeError> {
    for p in &config.partners {
        let home = config.partner_home(&p.name);
        for f in FOLDERS {
            let dir = home.join(f);
            std::fs::create_dir_all(&dir)
                .map_err(|source| ServeError::DataDir { path: dir, source })?;
        }
    }
    Ok(())
}

/// Runs the gateway until `shutdown` is triggered.
pub async fn serve(config: Config, shutdown: Shutdown) -> Result<(), ServeError> {
    let config = Arc::new(config);
    prepare_homes(&config)?;
    let store = Arc::new(Store::open(&store_path(&config))?);
    let (intake, mut queue) = Intake::new(config.data_dir.join("partners"));
    let pipeline = Pipeline::new(config.clone(), store, intake.uploads().clone());
    let purged = pipeline.recover()?;
    if purged > 0 {
        info!(
            jobs = purged,
            "forgot jobs of inputs settled before the last stop"
        );
    }

    let in_dirs: Vec<PathBuf> = config
        .partners
        .iter()
        .map(|p| config.partner_home(&p.name).join("in"))
        .collect();
    let _watcher = watcher::watch(intake.clone(), in_dirs.iter().map(PathBuf::as_path))?;
    let found: usize = in_dirs
        .iter()
        .map(|d| scan::scan_in_folder(&intake, d))
        .sum();
    if found > 0 {
        info!(files = found, "start-up scan queued files waiting in in/");
    }

    let mut listeners = Vec::new();
    if let Some(ftp) = &config.ftp {
        listeners.extend(
            crate::transport::ftp::start(config.clone(), ftp, intake.clone(), shutdown.clone())
                .await?,
        );
    }

    let worker = {
        let pipeline = pipeline.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    next = queue.next() => match next {
                        Some(a) => pipeline.process_async(a).await,
                        None => break,
                    },
                    _ = stop.wait() => break,
                }
            }
            queue
        })
    };
    info!(data_dir = %config.data_dir.display(), partners = config.partners.len(), "wharf is running");

    shutdown.wait().await;
    info!(
        "shutting down: no new sessions; transfers get {:?} to finish",
        config.limits.shutdown_grace
    );
    for l in listeners {
        let grace = config.limits.shutdown_grace + std::time::Duration::from_secs(1);
        if tokio::time::timeout(grace, l).await.is_err() {
            warn!("a listener did not stop within the grace period");
        }
    }
    match worker.await {
        Ok(mut queue) => pipeline.drain(&mut queue).await,
        Err(e) => warn!(error = %e, "pipeline worker failed"),
    }
    info!("stopped");
    Ok(())
}
