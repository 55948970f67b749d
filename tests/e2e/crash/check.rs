//! The verdict on a crash trial, from what the partners sent and took and from the store:
//!
//! - every confirmed upload is in `archive/`, byte for byte (a client may have sent it twice
//!   when the kill took its confirmation: both copies are archived); `error/` holds only
//!   uploads cut off by a kill, each a prefix of what was sent, its report saying it was cut
//!   off;
//! - the warehouse took each order exactly once, and none in a skipped stage;
//!   `wharf orders show` lists exactly one "sent to warehouse" per order;
//! - each package shipped became exactly one confirmation in its cart's own format; each DSCO
//!   package exactly one invoice, and no `invoice_id` is billed twice;
//! - each inventory file reached every cart once per time it was processed (archived).
//!
//! A missing thing is "lost", a thing seen twice "duplicated"; anything else wrong is a
//! "problem". The trial is sound when all three lists are empty.

use super::bodies::{Expected, Upload};
use super::clients::Taken;
use super::run::{Trial, files_in};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

#[derive(Debug, Default)]
pub struct Verdict {
    pub lost: Vec<String>,
    pub duplicated: Vec<String>,
    pub problems: Vec<String>,
    /// Uploads cut off by a kill (in `error/` with that reason).
    pub cut: usize,
    /// Orders whose history does not say the warehouse took their file, although it did: the
    /// acknowledgment was lost (it waited in memory when a kill came).
    pub unacknowledged: usize,
}

impl Verdict {
    fn count(&mut self, what: String, n: usize) {
        match n {
            1 => {}
            0 => self.lost.push(what),
            n => self.duplicated.push(format!("{what} ({n} times)")),
        }
    }

    pub fn is_sound(&self) -> bool {
        self.lost.is_empty() && self.duplicated.is_empty() && self.problems.is_empty()
    }
}

/// `u0-0001~2.xml` → `u0-0001.xml` (the name an archived copy was uploaded as).
fn uploaded_name(stored: &str) -> String {
    let n = stored.rsplit('/').next().unwrap_or(stored);
    match n.split_once('~') {
        Some((stem, rest)) => format!("{stem}{}", &rest[rest.find('.').unwrap_or(rest.len())..]),
        None => n.to_string(),
    }
}

pub fn check(t: &Trial) -> Verdict {
    let mut v = Verdict::default();
    let archived = inputs(t, &mut v);
    orders(t, &mut v);
    packages(t, &mut v);
    inventory(t, &archived, &mut v);
    v
}

/// Inputs: archived whole, or cut and reported as cut. Returns the archived copies per name.
fn inputs(t: &Trial, v: &mut Verdict) -> BTreeMap<String, usize> {
    let sent: BTreeMap<(&str, &str), &Upload> = t
        .uploaded
        .iter()
        .map(|u| ((u.partner, u.name.as_str()), u))
        .collect();
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    for partner in ["uc", "ds", "wh"] {
        let home = t.s.g.home(partner);
        for f in files_in(&home.join("archive")) {
            let name = uploaded_name(&f);
            let Some(u) = sent.get(&(partner, name.as_str())) else {
                v.problems
                    .push(format!("{partner}/archive/{f}: never uploaded"));
                continue;
            };
            let got = std::fs::read(home.join("archive").join(&f)).unwrap_or_default();
            if got != u.body.as_bytes() {
                v.problems.push(format!(
                    "{partner}/archive/{f}: {} bytes, not the {} uploaded",
                    got.len(),
                    u.body.len()
                ));
            }
            *copies.entry(name).or_default() += 1;
        }
        for f in files_in(&home.join("error")) {
            if f.ends_with(".error.txt") {
                continue;
            }
            let report = std::fs::read_to_string(home.join("error").join(format!("{f}.error.txt")))
                .unwrap_or_else(|e| format!("(no report: {e})"));
            let got = std::fs::read(home.join("error").join(&f)).unwrap_or_default();
            let name = uploaded_name(&f);
            let prefix = sent
                .get(&(partner, name.as_str()))
                .is_some_and(|u| u.body.as_bytes().starts_with(&got));
            if !report.contains("the upload was cut off when Wharf stopped") {
                v.problems
                    .push(format!("{partner}/error/{f} rejected:\n{report}"));
            } else if !prefix {
                v.problems.push(format!(
                    "{partner}/error/{f}: a cut upload that is not the start of what was sent"
                ));
            } else {
                v.cut += 1;
            }
        }
    }
    for u in &t.uploaded {
        if !copies.contains_key(&u.name) {
            v.lost
                .push(format!("{}/in/{}: never archived", u.partner, u.name));
        }
    }
    copies
}

/// What `partner` took whose name starts with `prefix`.
fn taken<'a>(
    t: &'a Trial,
    partner: &str,
    prefix: &'a str,
) -> impl Iterator<Item = &'a (String, String)> {
    t.taken
        .get(partner)
        .map(|x: &Taken| x.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(move |(n, _)| n.starts_with(prefix))
}

/// Each order taken by the warehouse exactly once; one "sent" in its history.
fn orders(t: &Trial, v: &mut Verdict) {
    let e: &Expected = &t.expected;
    let mut got: BTreeMap<String, usize> = BTreeMap::new();
    for (name, _) in taken(t, "wh", "order_") {
        let r = name
            .trim_start_matches("order_")
            .trim_end_matches(".json")
            .to_string();
        *got.entry(r).or_default() += 1;
    }
    for r in e.sent.keys() {
        v.count(
            format!("order {r} taken by the warehouse"),
            got.get(r).copied().unwrap_or(0),
        );
    }
    for r in got.keys() {
        if !e.sent.contains_key(r) {
            v.problems
                .push(format!("order {r}: sent, but it was never to be sent"));
        }
    }
    // The store, as `wharf orders show` prints it.
    let refs: Vec<&String> = e.sent.keys().chain(&e.skipped).collect();
    let shown = orders_show(&t.s.g.config, &refs);
    for (r, json) in refs.iter().zip(shown) {
        let Some(json) = json else {
            v.lost
                .push(format!("order {r}: `wharf orders show` does not know it"));
            continue;
        };
        let events = |start: &str| {
            json["history"]
                .as_array()
                .map(|h| {
                    h.iter()
                        .filter(|e| e["event"].as_str().is_some_and(|s| s.starts_with(start)))
                        .count()
                })
                .unwrap_or(0)
        };
        let sent = events("sent to warehouse");
        if e.sent.contains_key(*r) {
            v.count(
                format!("order {r}: \"sent to warehouse\" in its history"),
                sent,
            );
            if events("warehouse wh took") == 0 {
                v.unacknowledged += 1;
            }
        } else if sent > 0 || json["order_status"] != "skipped" {
            v.problems.push(format!("order {r}: skipped, yet {json}"));
        }
    }
}

/// `wharf orders show REF` for each ref (four at a time): the parsed JSON, or `None`.
fn orders_show(config: &std::path::Path, refs: &[&String]) -> Vec<Option<serde_json::Value>> {
    let out: Vec<std::sync::Mutex<Option<serde_json::Value>>> =
        refs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(r) = refs.get(i) else { break };
                    let o = Command::new(env!("CARGO_BIN_EXE_wharf"))
                        .args(["orders", "--config"])
                        .arg(config)
                        .args(["show", r])
                        .output()
                        .expect("wharf orders show");
                    if o.status.success() {
                        *out[i].lock().expect("lock") = serde_json::from_slice(&o.stdout).ok();
                    }
                }
            });
        }
    });
    out.into_iter()
        .map(|m| m.into_inner().expect("lock"))
        .collect()
}

/// Each package: one confirmation; each DSCO package: one invoice, no invoice id twice.
fn packages(t: &Trial, v: &mut Verdict) {
    let mut ds_packages = 0;
    for (tracking, cart, cust_ref) in &t.packages {
        let confirmations = if cart == "ds" { "Shipment_" } else { "ship" };
        let n = taken(t, cart, confirmations)
            .filter(|(_, c)| c.contains(tracking.as_str()))
            .count();
        v.count(
            format!("{cart} confirmation of {cust_ref} package {tracking}"),
            n,
        );
        if cart == "ds" {
            ds_packages += 1;
            let n = taken(t, cart, "Invoice_")
                .filter(|(_, c)| c.contains(tracking.as_str()))
                .count();
            v.count(format!("invoice of {cust_ref} package {tracking}"), n);
        }
    }
    // invoice_id → the invoice files carrying it.
    let mut ids: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (name, content) in taken(t, "ds", "Invoice_") {
        for row in content.lines().skip(1) {
            if let Some(id) = row.split(',').next().filter(|id| !id.is_empty()) {
                ids.entry(id.to_string()).or_default().insert(name);
            }
        }
    }
    for (id, files) in &ids {
        if files.len() > 1 {
            v.duplicated.push(format!(
                "invoice_id {id} billed in {} files: {files:?}",
                files.len()
            ));
        }
    }
    if ids.len() != ds_packages {
        v.problems.push(format!(
            "{} invoice ids for {ds_packages} DSCO packages",
            ids.len()
        ));
    }
}

/// Each inventory file: to every cart as many times as it was processed.
fn inventory(t: &Trial, archived: &BTreeMap<String, usize>, v: &mut Verdict) {
    for (name, marker) in &t.expected.inventory {
        let times = archived.get(name).copied().unwrap_or(0);
        if times == 0 {
            continue; // counted lost with the inputs
        }
        for (cart, prefix) in [("uc", "inv"), ("uc2", "inv"), ("ds", "Inventory_")] {
            let n = taken(t, cart, prefix)
                .filter(|(_, c)| {
                    c.contains(&format!("{marker}\"")) || c.contains(&format!("{marker},"))
                })
                .count();
            let what = format!("{cart} inventory from {name} (processed {times} times)");
            match n.cmp(&times) {
                std::cmp::Ordering::Equal => {}
                std::cmp::Ordering::Less => v.lost.push(format!("{what}: {n}")),
                std::cmp::Ordering::Greater => v.duplicated.push(format!("{what}: {n}")),
            }
        }
    }
}
