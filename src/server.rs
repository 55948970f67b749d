//! `wharf serve`: prepares the data folder, opens the store, starts the pipeline, the intake
//! sources and the listeners, and shuts them down in order (stop accepting, let transfers
//! finish within the grace period, drain the pipeline).

use crate::config::Config;
use crate::intake::{Intake, scan, watcher};
use crate::layout::{self, Folder};
use crate::pipeline::{Lanes, Pipeline, requests};
use crate::shutdown::Shutdown;
use crate::store::Store;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::{info, warn};

/// Why the server could not start (nothing is left listening).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The SFTP listener could not start.
    #[error(transparent)]
    Sftp(#[from] crate::transport::sftp::SftpStartError),
    /// The watcher could not start.
    #[error("watching the in/ folders: {0}")]
    Watch(#[from] notify::Error),
    /// The HTTP listener could not start.
    #[error(transparent)]
    Http(#[from] crate::http::HttpStartError),
    /// The ready file could not be written.
    #[error("writing the ready file {path}: {source}")]
    ReadyFile {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// What `--ready-file` holds once every listener listens: the addresses actually bound, so a
/// caller that asked for port 0 learns the ports the system chose.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ready {
    /// The FTP listeners' addresses (empty without `[ftp]`).
    pub ftp: Vec<SocketAddr>,
    /// The SFTP listeners' addresses (empty without `[sftp]`).
    pub sftp: Vec<SocketAddr>,
}

/// Writes `ready` to `path` atomically (a temporary name renamed into place): a reader that
/// sees the file sees all of it.
fn write_ready_file(path: &Path, ready: &Ready) -> Result<(), ServeError> {
    let err = |source| ServeError::ReadyFile {
        path: path.to_path_buf(),
        source,
    };
    let json = serde_json::to_vec_pretty(ready).map_err(|e| err(std::io::Error::other(e)))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| err(std::io::Error::other("not a file name")))?
        .to_string_lossy()
        .into_owned();
    crate::durable::write_atomic(dir, &name, &json).map_err(err)?;
    Ok(())
}

/// How old a temporary file must be to be removed at start-up when other instances may be
/// writing it.
const TEMP_AGE_SHARED: std::time::Duration = std::time::Duration::from_secs(3600);

/// Creates the data folder and every partner home with its four folders, and removes the
/// temporary files of outputs and reports a crash cut short.
pub fn prepare_homes(config: &Config) -> Result<(), ServeError> {
    // With a shared store other instances may be writing in the same folders: only what no
    // write can still be busy with goes.
    let temp_age = if config.store.is_shared() {
        TEMP_AGE_SHARED
    } else {
        std::time::Duration::ZERO
    };
    let requests = layout::requests_dir(&config.data_dir);
    if crate::durable::remove_temps_older(&requests, temp_age) > 0 {
        info!("removed operator requests a crash cut short while they were written");
    }
    for p in &config.partners {
        let home = config.partner_home(&p.name);
        for f in Folder::ALL {
            let dir = home.folder(f);
            std::fs::create_dir_all(&dir)
                .map_err(|source| ServeError::DataDir { path: dir, source })?;
        }
        for f in [Folder::Out, Folder::Error, Folder::Archive] {
            let n = crate::durable::remove_temps_older(&home.folder(f), temp_age);
            if n > 0 {
                info!(partner = %p.name, folder = f.name(), files = n, "removed temporary files left by a crash");
            }
        }
    }
    Ok(())
}

/// Runs the gateway until `shutdown` is triggered. Once every listener listens, writes the
/// bound addresses to `ready_file` when one is given (see [`Ready`]).
pub async fn serve(
    config: Config,
    shutdown: Shutdown,
    ready_file: Option<&Path>,
) -> Result<(), ServeError> {
    let config = Arc::new(config);
    let me = crate::store::Member::init(config.cluster.instance.as_deref());
    crate::store::cluster::set_expiry(config.cluster.claim_expiry);
    prepare_homes(&config)?;
    let store = Arc::new(Store::open_configured(&config.store, &config.data_dir)?);
    let shared = config.store.is_shared();
    if shared {
        store.join()?;
        info!(instance = %me.name, run = %me.run, "joined the instances sharing the store");
    }
    let heartbeat = shared.then(|| {
        tokio::spawn(keep_alive(
            store.clone(),
            config.cluster.claim_expiry,
            shutdown.clone(),
        ))
    });
    let (intake, mut queue) = Intake::new(layout::partners_dir(&config.data_dir));
    let pipeline = Pipeline::new(config.clone(), store.clone(), intake.uploads().clone());
    let health = crate::ops::health::Health::new(store.clone());
    crate::ops::metrics::install_for(shared.then_some(me.name.as_str()));
    let purged = pipeline.recover()?;
    pipeline.found_taken_at_start()?;
    let sent = pipeline.recheck_held()?;
    if sent > 0 {
        info!(
            orders = sent,
            "held orders sent: the catalog or the carts' aliases know their SKUs now"
        );
    }
    if purged > 0 {
        info!(
            jobs = purged,
            "forgot jobs of inputs settled before the last stop"
        );
    }

    let in_dirs: Vec<PathBuf> = config
        .partners
        .iter()
        .map(|p| config.partner_home(&p.name).in_dir())
        .collect();
    let _watcher = watcher::watch(intake.clone(), in_dirs.iter().map(PathBuf::as_path))?;
    let found = scan_in_folders(&intake, &in_dirs, shared.then_some(&*store));
    if found > 0 {
        info!(files = found, "start-up scan queued files waiting in in/");
    }
    let rescan = shared.then(|| {
        tokio::spawn(rescan_shared(
            pipeline.clone(),
            intake.clone(),
            store.clone(),
            in_dirs.clone(),
            config.cluster.rescan,
            shutdown.clone(),
        ))
    });

    let sweeper = tokio::spawn(sweep_temp_files(in_dirs.clone(), shutdown.clone()));
    let logins = crate::login::Logins::new(config.clone());
    if shared {
        logins.share_lockouts(store.clone());
    }
    let uploads = crate::upload::Uploads::new(config.clone(), intake.clone());
    // The listeners stop once running transfers are done (or the grace period is over).
    let stop_listeners = Shutdown::new();
    let mut listeners = Vec::new();
    let mut ready = Ready::default();
    if let Some(ftp) = &config.ftp {
        for (addr, task) in crate::transport::ftp::start(
            config.clone(),
            ftp,
            logins.clone(),
            uploads.clone(),
            stop_listeners.clone(),
        )
        .await?
        {
            ready.ftp.push(addr);
            listeners.push(task);
        }
    }
    if let Some(sftp) = &config.sftp {
        for (addr, task) in crate::transport::sftp::start(
            config.clone(),
            sftp,
            logins.clone(),
            uploads.clone(),
            stop_listeners.clone(),
        )
        .await?
        {
            ready.sftp.push(addr);
            listeners.push(task);
        }
    }
    if let Some(path) = ready_file {
        write_ready_file(path, &ready)?;
    }

    let listeners: Vec<_> = listeners
        .into_iter()
        .enumerate()
        .map(|(i, l)| health.watch(format!("listener {i}"), l))
        .collect();
    // HTTP stops last: /healthz answers 503 through the whole shutdown.
    let stop_http = Shutdown::new();
    let http = match &config.http {
        Some(h) => {
            let api = crate::http::api::ApiState::new(
                logins.clone(),
                uploads.clone(),
                pipeline.waiters().clone(),
            );
            let state = crate::http::AppState::new(
                config.clone(),
                store.clone(),
                health.clone(),
                Some(api),
            );
            crate::http::start(h, state, stop_http.clone()).await?
        }
        None => Vec::new(),
    };
    let alerts = crate::alerts::start(config.clone(), store.clone(), shutdown.clone());

    // The worker hands each file to its partner's lane (partners' files run side by side, each
    // partner's in arrival order) and answers the operator's requests (the first look is at
    // once: requests left before a stop).
    let worker = {
        let mut lanes = Lanes::new(pipeline.clone());
        let pipeline = pipeline.clone();
        let stop = shutdown.clone();
        let requests = layout::requests_dir(&config.data_dir);
        tokio::spawn(async move {
            let mut look = tokio::time::interval(requests::POLL);
            look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    next = queue.next() => match next {
                        Some(a) => lanes.dispatch(a),
                        None => break,
                    },
                    _ = look.tick() => answer_requests(&pipeline, &requests).await,
                    _ = stop.wait() => break,
                }
            }
            (queue, lanes)
        })
    };
    let pollers = crate::transport::remote::poller::start(
        config.clone(),
        store.clone(),
        intake.clone(),
        shutdown.clone(),
    );
    info!(data_dir = %config.data_dir.display(), partners = config.partners.len(), "wharf is running");

    shutdown.wait().await;
    health.shutting_down();
    let grace = config.limits.shutdown_grace;
    info!(
        transfers = intake.uploads().running(),
        "shutting down: no new logins; running transfers get {grace:?} to finish"
    );
    logins.close();
    if tokio::time::timeout(grace, intake.uploads().idle())
        .await
        .is_err()
    {
        warn!(
            transfers = intake.uploads().running(),
            "grace period over: aborting the transfers still running"
        );
    }
    stop_listeners.trigger();
    for l in listeners {
        if tokio::time::timeout(std::time::Duration::from_secs(2), l)
            .await
            .is_err()
        {
            warn!("a listener did not stop in time");
        }
    }
    sweeper.abort();
    if let Some(r) = rescan {
        let _ = r.await;
    }
    for p in pollers {
        if tokio::time::timeout(std::time::Duration::from_secs(2), p)
            .await
            .is_err()
        {
            warn!("a pull-mode poller did not stop in time");
        }
    }
    match worker.await {
        Ok((mut queue, lanes)) => Pipeline::drain(lanes, &mut queue).await,
        Err(e) => warn!(error = %e, "pipeline worker failed"),
    }
    if let Some(a) = alerts {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), a).await;
    }
    stop_http.trigger();
    for h in http {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(6), h).await;
    }
    if let Some(h) = heartbeat {
        h.abort();
    }
    info!("stopped");
    Ok(())
}

/// Carries out the operator's requests waiting in `dir`, if any, on the blocking pool.
async fn answer_requests(pipeline: &Pipeline, dir: &Path) {
    if !requests::has_pending(dir) {
        return;
    }
    let (pipeline, dir) = (pipeline.clone(), dir.to_path_buf());
    if let Err(e) =
        tokio::task::spawn_blocking(move || requests::answer_pending(&pipeline, &dir)).await
    {
        warn!(error = %e, "answering the operator's requests failed");
    }
}

/// Removes stale client temp files at start-up and every hour.
async fn sweep_temp_files(in_dirs: Vec<PathBuf>, shutdown: Shutdown) {
    use crate::intake::sweep::{STALE_AFTER, remove_stale_temp};
    loop {
        let dirs = in_dirs.clone();
        let _ = tokio::task::spawn_blocking(move || {
            dirs.iter()
                .map(|d| remove_stale_temp(d, STALE_AFTER))
                .sum::<usize>()
        })
        .await;
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
            _ = shutdown.wait() => return,
        }
    }
}

/// Queues the files waiting in `in_dirs`. With a shared store (`Some`), an upload another live
/// instance is receiving is left to it.
fn scan_in_folders(intake: &Intake, in_dirs: &[PathBuf], shared: Option<&Store>) -> usize {
    in_dirs
        .iter()
        .map(|d| match shared {
            None => scan::scan_in_folder(intake, d),
            Some(store) => scan::scan_shared_folder(intake, d, &|owner, age| match owner {
                // Unknown (the store unreachable): alive, so nothing is cut by mistake.
                Some(m) => store.member_alive(m).unwrap_or(true),
                // A marker not written yet, or not by Wharf: its writer had an expiry's time.
                None => age < crate::store::cluster::expiry(),
            }),
        })
        .sum()
}

/// With a shared store: lists the partner folders every `every` (files received by another
/// instance, or left by one that died) and finishes the jobs nobody alive holds. What another
/// instance is working on is claimed by it and left alone.
async fn rescan_shared(
    pipeline: Pipeline,
    intake: Intake,
    store: Arc<Store>,
    in_dirs: Vec<PathBuf>,
    every: std::time::Duration,
    shutdown: Shutdown,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait() => return,
        }
        let (p, i, s, d) = (
            pipeline.clone(),
            intake.clone(),
            store.clone(),
            in_dirs.clone(),
        );
        let done = tokio::task::spawn_blocking(move || {
            let recovered = p.recover();
            (recovered, scan_in_folders(&i, &d, Some(&s)))
        })
        .await;
        match done {
            Ok((Ok(jobs), files)) if jobs > 0 || files > 0 => {
                tracing::debug!(jobs, files, "rescan: jobs finished, files queued")
            }
            Ok((Err(e), _)) => warn!(error = %e, "rescan: cannot finish the jobs left behind"),
            _ => {}
        }
    }
}

/// With a shared store: renews this instance's heartbeat three times per `expiry`. An
/// instance that could not renew it for a whole `expiry` stops at once: the others may have
/// taken over its claims, and two instances must never work on one file (the crash-safe
/// pipeline finishes what it left at the next start).
async fn keep_alive(store: Arc<Store>, expiry: std::time::Duration, shutdown: Shutdown) {
    let mut last_ok = std::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(expiry / 3) => {}
            _ = shutdown.wait() => return,
        }
        let s = store.clone();
        match tokio::task::spawn_blocking(move || s.heartbeat()).await {
            Ok(Ok(())) => last_ok = std::time::Instant::now(),
            Ok(Err(e)) => warn!(error = %e, "cannot renew this instance's heartbeat"),
            Err(e) => warn!(error = %e, "heartbeat task failed"),
        }
        if last_ok.elapsed() >= expiry {
            tracing::error!(
                "no heartbeat for {expiry:?}: other instances may take over this one's files; stopping now"
            );
            std::process::exit(75);
        }
    }
}
