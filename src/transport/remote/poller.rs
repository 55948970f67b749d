//! One polling task per remote (pull-mode) partner: picks up the files waiting on the
//! partner's server into its `in/`, and drops off the files in its `out/`.
//!
//! A remote file is fetched once its size is the same in two listings in a row, and only once:
//! a small ledger (`DATA_DIR/remote/<partner>.json`, keyed by path, size and mtime) records each
//! fetch before the remote copy is deleted. A failed poll is retried with a growing delay.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::conn::{self, Conn};
use super::sftp;
use crate::config::Config;
use crate::config::{DropOff, Remote};
use crate::intake::{Intake, Via};
use crate::layout::names::{download_temp_name, is_temp_name};
use crate::layout::{self, HomeLayout, free_name};
use crate::shutdown::Shutdown;

/// Starts a poller for every partner with a `[partner.remote]` (sftp://, ftp:// or ftps://).
pub fn start(config: Arc<Config>, intake: Intake, shutdown: Shutdown) -> Vec<JoinHandle<()>> {
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
            ledger_dir: config.data_dir.join("remote"),
            intake: intake.clone(),
            previous: HashMap::new(),
            warned_kinds: HashSet::new(),
        };
        info!(partner = %p.name, url = %remote.url, every = ?remote.poll_every, "pull mode: polling the partner's server");
        tasks.push(tokio::spawn(poller.run(shutdown.clone())));
    }
    tasks
}

/// The files already fetched, and the confirmations delivered but not yet taken by the cart.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Ledger {
    fetched: BTreeSet<(String, u64, u32)>,
    /// Remote path of each delivered file -> its path under the partner's `out/`. Once the
    /// remote no longer lists it, the cart took it: the order can become `confirmed`.
    #[serde(default)]
    delivered: BTreeMap<String, String>,
}

struct Poller {
    partner: String,
    remote: Remote,
    home: HomeLayout,
    in_dir: PathBuf,
    out_dir: PathBuf,
    ledger_dir: PathBuf,
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

/// The kind of an output file, from its name.
pub fn kind_of(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("invoice_") {
        Some("invoice")
    } else if lower.starts_with("ship") {
        Some("shipment")
    } else if lower.starts_with("inv") {
        Some("inventory")
    } else if lower.starts_with("order_") {
        Some("order")
    } else {
        None
    }
}

impl Poller {
    async fn run(mut self, shutdown: Shutdown) {
        let every = self.remote.poll_every;
        let mut failures = 0u32;
        loop {
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
                _ = shutdown.wait() => return,
            }
        }
    }

    fn ledger_path(&self) -> PathBuf {
        self.ledger_dir.join(format!("{}.json", self.partner))
    }

    fn load_ledger(&self) -> Ledger {
        std::fs::read(self.ledger_path())
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save_ledger(&self, ledger: &Ledger) -> Result<(), String> {
        let bytes = serde_json::to_vec(ledger).map_err(|e| e.to_string())?;
        crate::durable::write_atomic(&self.ledger_dir, &format!("{}.json", self.partner), &bytes)
            .map(|_| ())
            .map_err(|e| format!("writing the pick-up ledger: {e}"))
    }

    async fn poll_once(&mut self) -> Result<(), String> {
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

    async fn pick_up(&mut self, session: &mut Conn) -> Result<(), String> {
        let dir = self.remote.pick_up.clone();
        let listed = session.list(&dir).await?;
        let mut ledger = self.load_ledger();
        let before = ledger.fetched.len();
        // Forget entries for files no longer on the server.
        let present: HashSet<String> = listed.iter().map(|f| sftp::join(&dir, &f.name)).collect();
        ledger.fetched.retain(|(p, _, _)| present.contains(p));
        let previous = std::mem::take(&mut self.previous);
        for f in &listed {
            self.previous.insert(f.name.clone(), (f.size, f.mtime));
        }
        if ledger.fetched.len() != before {
            self.save_ledger(&ledger)?;
        }
        for f in listed {
            if is_temp_name(&f.name) || f.name.contains('/') {
                continue;
            }
            let path = sftp::join(&dir, &f.name);
            let key = (path.clone(), f.size, f.mtime);
            if ledger.fetched.contains(&key) {
                // Fetched before, but its remote delete failed (or Wharf stopped before it).
                if self.remote.delete_after_pick_up {
                    session.remove(&path).await?;
                    info!(partner = %self.partner, remote = %path, "deleted a file picked up earlier");
                }
                continue;
            }
            if previous.get(&f.name) != Some(&(f.size, f.mtime)) {
                continue; // not stable yet: wait for the next listing
            }
            std::fs::create_dir_all(&self.in_dir)
                .map_err(|e| format!("creating {}: {e}", self.in_dir.display()))?;
            let tmp = self.in_dir.join(download_temp_name(&f.name));
            if let Err(e) = session.download(&path, &tmp).await {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            let name = free_name(&self.in_dir, &f.name, |_| false);
            let target = self.in_dir.join(&name);
            std::fs::rename(&tmp, &target)
                .map_err(|e| format!("moving {} into place: {e}", tmp.display()))?;
            let _ = crate::durable::sync_dir(&self.in_dir);
            ledger.fetched.insert(key);
            self.save_ledger(&ledger)?;
            info!(partner = %self.partner, remote = %path, file = %target.display(), size = f.size, "picked up a file from the partner's server");
            self.intake.submit(&target, Via::Watcher);
            if self.remote.delete_after_pick_up {
                session.remove(&path).await?;
            }
        }
        Ok(())
    }

    /// Acknowledges each delivered file the remote no longer lists: the cart took it.
    async fn check_taken(&mut self, session: &mut Conn) -> Result<(), String> {
        let mut ledger = self.load_ledger();
        if ledger.delivered.is_empty() {
            return Ok(());
        }
        let mut by_folder: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for remote_path in ledger.delivered.keys() {
            let (dir, _) = split_remote(remote_path);
            by_folder
                .entry(dir.to_owned())
                .or_default()
                .push(remote_path.clone());
        }
        let mut changed = false;
        for (dir, paths) in by_folder {
            let listed: HashSet<String> = session
                .list(&dir)
                .await?
                .into_iter()
                .map(|f| f.name)
                .collect();
            for remote_path in paths {
                let (_, name) = split_remote(&remote_path);
                if listed.contains(name) {
                    continue;
                }
                if let Some(rel) = ledger.delivered.remove(&remote_path) {
                    changed = true;
                    info!(partner = %self.partner, remote = %remote_path, "the partner took a delivered file");
                    self.intake
                        .submit_taken(&self.out_dir.join(&rel), Via::Watcher);
                }
            }
        }
        if changed {
            self.save_ledger(&ledger)?;
        }
        Ok(())
    }

    async fn drop_off(&mut self, session: &mut Conn) -> Result<(), String> {
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
            let folder = match &self.remote.drop_off {
                DropOff::Folder(f) => f.clone(),
                DropOff::ByKind(map) => {
                    let kind = kind_of(&name);
                    match kind.and_then(|k| map.get(k)) {
                        Some(f) => f.clone(),
                        None => {
                            let k = kind.unwrap_or("unknown");
                            if self.warned_kinds.insert(k) {
                                warn!(partner = %self.partner, file = %name, kind = k, "no drop_off folder for this kind of file: left in out/");
                            }
                            continue;
                        }
                    }
                }
            };
            session.upload(&path, &folder, &name).await?;
            let dir = self.home.sent_day(&layout::today());
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("creating {}: {e}", dir.display()))?;
            let free = free_name(&dir, &name, |_| false);
            crate::durable::move_file(&path, &dir.join(&free))
                .map_err(|e| format!("archiving {}: {e}", path.display()))?;
            let remote_path = sftp::join(&folder, &name);
            info!(partner = %self.partner, file = %name, remote = %remote_path, "dropped off a file on the partner's server");
            // Taken (and the order confirmed) once the remote no longer lists it.
            let mut ledger = self.load_ledger();
            ledger.delivered.insert(remote_path, name.clone());
            self.save_ledger(&ledger)?;
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
    fn kinds_from_names() {
        assert_eq!(kind_of("Shipment_1.csv"), Some("shipment"));
        assert_eq!(kind_of("ship20261120.csv"), Some("shipment"));
        assert_eq!(kind_of("Inventory_x.csv"), Some("inventory"));
        assert_eq!(kind_of("inv1.csv"), Some("inventory"));
        assert_eq!(kind_of("Invoice_3.xml"), Some("invoice"));
        assert_eq!(kind_of("order_R-1.json"), Some("order"));
        assert_eq!(kind_of("readme.txt"), None);
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
