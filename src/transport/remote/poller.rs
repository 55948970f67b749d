//! One polling task per remote (pull-mode) partner: picks up the files waiting on the
//! partner's server into its `in/`, and drops off the files in its `out/`.
//!
//! A remote file is fetched once its size is the same in two listings in a row, and only once:
//! the order store's pull-mode ledger records each fetch (path, size and mtime) before the
//! remote copy is deleted, and each drop-off until the partner takes it. A file's drop-off
//! folder follows the kind of output it is, as the store recorded it when it was planned. A
//! failed poll is retried with a growing delay.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::conn::{self, Conn};
use super::error::RemoteError;
use super::legacy;
use super::sftp;
use crate::config::Config;
use crate::config::{DropOff, Remote};
use crate::intake::{Intake, Via};
use crate::layout::names::{download_temp_name, is_temp_name};
use crate::layout::{self, HomeLayout, free_name};
use crate::shutdown::Shutdown;
use crate::store::{RemoteSeen, Store, delivery_key};

/// Starts a poller for every partner with a `[partner.remote]` (sftp://, ftp:// or ftps://).
pub fn start(
    config: Arc<Config>,
    store: Arc<Store>,
    intake: Intake,
    shutdown: Shutdown,
) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    for p in &config.partners {
        let Some(remote) = &p.remote else { continue };
        let home = config.partner_home(&p.name);
        let poller = Poller {
            partner: p.name.clone(),
            remote: remote.clone(),
            in_dir: home.in_dir(),
            out_dir: home.out_dir(),
            home,
            store: store.clone(),
            intake: intake.clone(),
            previous: HashMap::new(),
            warned_kinds: HashSet::new(),
        };
        if let Err(e) = legacy::import(&config.data_dir, &p.name, &store) {
            warn!(partner = %p.name, error = %e, "pull mode: the old pick-up ledger could not be imported");
        }
        info!(partner = %p.name, url = %remote.url, every = ?remote.poll_every, "pull mode: polling the partner's server");
        tasks.push(tokio::spawn(poller.run(shutdown.clone())));
    }
    tasks
}

struct Poller {
    partner: String,
    remote: Remote,
    home: HomeLayout,
    in_dir: PathBuf,
    out_dir: PathBuf,
    store: Arc<Store>,
    intake: Intake,
    /// Size and mtime of each remote file at the previous listing.
    previous: HashMap<String, (u64, u32)>,
    /// Kinds without a drop-off folder already warned about.
    warned_kinds: HashSet<&'static str>,
}

/// The delay before the next poll after `failures` failed polls in a row.
pub fn backoff(every: Duration, failures: u32) -> Duration {
    let factor = 1u32 << failures.min(4);
    (every * factor).min(every * 10)
}

impl Poller {
    async fn run(mut self, shutdown: Shutdown) {
        let every = self.remote.poll_every;
        let mut failures = 0u32;
        // One instance polls a partner at a time: the one holding its lease in the store
        // (renewed before each poll; a dead holder's lease ends with its heartbeat, and the next
        // instance to try takes it: within the claim expiry plus one interval).
        let lease = format!("remote\u{1f}{}", self.partner);
        let mut polling = true;
        loop {
            match self.store.lease(&lease) {
                Ok(Ok(())) => {
                    if !polling {
                        info!(partner = %self.partner, "pull mode: this instance polls the partner's server now");
                        polling = true;
                        self.previous.clear();
                    }
                }
                Ok(Err(holder)) => {
                    if polling {
                        info!(partner = %self.partner, holder = %holder, "pull mode: another instance polls the partner's server");
                        polling = false;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(every) => continue,
                        _ = shutdown.wait() => return,
                    }
                }
                Err(e) => {
                    warn!(partner = %self.partner, error = %e, "pull mode: cannot renew the lease to poll; not polling");
                    polling = false;
                    tokio::select! {
                        _ = tokio::time::sleep(every) => continue,
                        _ = shutdown.wait() => return,
                    }
                }
            }
            let result = tokio::select! {
                r = self.poll_once() => r,
                _ = shutdown.wait() => return,
            };
            match result {
                Ok(()) => {
                    crate::ops::metrics::remote_polled(&self.partner, true);
                    tracing::debug!(partner = %self.partner, "poll done");
                    if failures > 0 {
                        info!(partner = %self.partner, url = %self.remote.url, "the partner's server works again");
                    }
                    failures = 0;
                }
                Err(e) => {
                    crate::ops::metrics::remote_polled(&self.partner, false);
                    tracing::debug!(partner = %self.partner, "poll failed");
                    if failures == 0 {
                        warn!(partner = %self.partner, url = %self.remote.url, error = %e, "pull mode: polling the partner's server failed; retrying with backoff");
                    }
                    failures = failures.saturating_add(1);
                }
            }
            let delay = if failures == 0 {
                every
            } else {
                backoff(every, failures)
            };
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = shutdown.wait() => break,
            }
        }
        if polling && let Err(e) = self.store.end_lease(&lease) {
            tracing::debug!(error = %e, "pull mode: the lease ends with this run");
        }
    }

    async fn poll_once(&mut self) -> Result<(), RemoteError> {
        let mut session = conn::connect(&self.remote).await?;
        let result = async {
            self.pick_up(&mut session).await?;
            self.check_taken(&mut session).await?;
            self.drop_off(&mut session).await
        }
        .await;
        session.close().await;
        result
    }

    async fn pick_up(&mut self, session: &mut Conn) -> Result<(), RemoteError> {
        let dir = self.remote.pick_up.clone();
        let listed = session.list(&dir).await?;
        // Forget entries for files no longer on the server.
        let present: HashSet<String> = listed.iter().map(|f| sftp::join(&dir, &f.name)).collect();
        self.store
            .write(|t| t.forget_fetched_except(&self.partner, &present))?;
        let previous = std::mem::take(&mut self.previous);
        for f in &listed {
            self.previous.insert(f.name.clone(), (f.size, f.mtime));
        }
        for f in listed {
            if is_temp_name(&f.name) || f.name.contains('/') {
                continue;
            }
            let seen = RemoteSeen {
                path: sftp::join(&dir, &f.name),
                size: f.size,
                mtime: f.mtime,
            };
            if self.store.was_fetched(&self.partner, &seen)? {
                // Fetched before, but its remote delete failed (or Wharf stopped before it).
                if self.remote.delete_after_pick_up {
                    session.remove(&seen.path).await?;
                    info!(partner = %self.partner, remote = %seen.path, "deleted a file picked up earlier");
                }
                continue;
            }
            if previous.get(&f.name) != Some(&(f.size, f.mtime)) {
                continue; // not stable yet: wait for the next listing
            }
            self.fetch(session, &f.name, &seen).await?;
            if self.remote.delete_after_pick_up {
                session.remove(&seen.path).await?;
            }
        }
        Ok(())
    }

    /// Downloads one stable remote file into `in/` (a hidden temp name, then its own name),
    /// records the fetch, and hands the file to the pipeline.
    async fn fetch(
        &mut self,
        session: &mut Conn,
        name: &str,
        seen: &RemoteSeen,
    ) -> Result<(), RemoteError> {
        std::fs::create_dir_all(&self.in_dir).map_err(RemoteError::local(format!(
            "creating {}",
            self.in_dir.display()
        )))?;
        let tmp = self.in_dir.join(download_temp_name(name));
        if let Err(e) = session.download(&seen.path, &tmp).await {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        let target = self.in_dir.join(free_name(&self.in_dir, name, |_| false));
        // Into place before the ledger records it: a crash in between fetches it again (an
        // identical re-send, absorbed), never loses it.
        self.intake
            .submit_renamed(&tmp, &target, Via::Remote)
            .map_err(RemoteError::local(format!(
                "moving {} into place",
                tmp.display()
            )))?;
        let _ = crate::durable::sync_dir(&self.in_dir);
        self.store
            .write(|t| t.record_fetched(&self.partner, seen))?;
        info!(partner = %self.partner, remote = %seen.path, file = %target.display(), size = seen.size, "picked up a file from the partner's server");
        Ok(())
    }

    /// Acknowledges each delivered file the remote no longer lists: the cart took it.
    async fn check_taken(&mut self, session: &mut Conn) -> Result<(), RemoteError> {
        let dropped = self.store.dropped(&self.partner)?;
        let mut by_folder: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (name, remote_path) in dropped {
            let (dir, _) = split_remote(&remote_path);
            by_folder
                .entry(dir.to_owned())
                .or_default()
                .push((name, remote_path));
        }
        for (dir, files) in by_folder {
            let listed: HashSet<String> = session
                .list(&dir)
                .await?
                .into_iter()
                .map(|f| f.name)
                .collect();
            for (name, remote_path) in files {
                if listed.contains(split_remote(&remote_path).1) {
                    continue;
                }
                // The ledger entry goes when the pipeline records the delivery as taken.
                info!(partner = %self.partner, remote = %remote_path, "the partner took a delivered file");
                self.intake
                    .submit_taken(&self.out_dir.join(&name), Via::Remote);
            }
        }
        Ok(())
    }

    /// The remote folder for `out/<name>`: the one folder, or the one for its kind of output
    /// (as the store recorded it); `None` (warned once per kind) when there is none.
    fn drop_off_folder(&mut self, name: &str) -> Result<Option<String>, RemoteError> {
        let map = match &self.remote.drop_off {
            DropOff::Folder(f) => return Ok(Some(f.clone())),
            DropOff::ByKind(map) => map,
        };
        let kind = self
            .store
            .delivery(&delivery_key(&self.partner, name))?
            .map(|d| d.kind.drop_off_key());
        if let Some(f) = kind.and_then(|k| map.get(k)) {
            return Ok(Some(f.clone()));
        }
        let k = kind.unwrap_or("unknown");
        if self.warned_kinds.insert(k) {
            warn!(partner = %self.partner, file = %name, kind = k, "no drop_off folder for this kind of file: left in out/");
        }
        Ok(None)
    }

    async fn drop_off(&mut self, session: &mut Conn) -> Result<(), RemoteError> {
        let Ok(entries) = std::fs::read_dir(&self.out_dir) else {
            return Ok(());
        };
        let mut files: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_owned();
                (!name.starts_with('.')).then(|| (name, e.path()))
            })
            .collect();
        files.sort();
        for (name, path) in files {
            let Some(folder) = self.drop_off_folder(&name)? else {
                continue;
            };
            session.upload(&path, &folder, &name).await?;
            let dir = self.home.sent_day(&layout::today());
            std::fs::create_dir_all(&dir)
                .map_err(RemoteError::local(format!("creating {}", dir.display())))?;
            let free = free_name(&dir, &name, |_| false);
            crate::durable::move_file(&path, &dir.join(&free))
                .map_err(RemoteError::local(format!("archiving {}", path.display())))?;
            let remote_path = sftp::join(&folder, &name);
            info!(partner = %self.partner, file = %name, remote = %remote_path, "dropped off a file on the partner's server");
            // Taken (and the order confirmed) once the remote no longer lists it.
            self.store
                .write(|t| t.record_dropped(&self.partner, &name, &remote_path))?;
        }
        Ok(())
    }
}

/// Splits a remote path into its folder and its name.
fn split_remote(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(0) => ("/", &path[1..]),
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (".", path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_paths_split() {
        assert_eq!(split_remote("/in/ship_1.csv"), ("/in", "ship_1.csv"));
        assert_eq!(split_remote("/ship_1.csv"), ("/", "ship_1.csv"));
        assert_eq!(split_remote("ship_1.csv"), (".", "ship_1.csv"));
    }

    #[test]
    fn every_output_kind_has_a_drop_off_key() {
        for kind in crate::store::OutputKind::ALL {
            assert!(
                crate::config::DROP_OFF_KINDS.contains(&kind.drop_off_key()),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_ten_times() {
        let s = Duration::from_secs(1);
        assert_eq!(backoff(s, 1), Duration::from_secs(2));
        assert_eq!(backoff(s, 2), Duration::from_secs(4));
        assert_eq!(backoff(s, 3), Duration::from_secs(8));
        assert_eq!(backoff(s, 4), Duration::from_secs(10));
        assert_eq!(backoff(s, 40), Duration::from_secs(10));
    }
}
