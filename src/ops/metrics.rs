//! The Prometheus metrics (`GET /metrics`), through the `metrics` facade and its Prometheus
//! exporter: nothing here formats exposition text by hand.
//!
//! Events are counted where they happen, each by one call of a function below. Values that
//! are a state rather than an event (orders by status, each partner's last file, files in
//! `error/`) are read when scraped: the order counts are kept by the store in the
//! transactions that change orders, so a scrape reads eight numbers, never the orders
//! themselves; the `error/` folders are listed (their size is what an operator must bring
//! down, so it stays small).

use crate::config::Config;
use crate::intake::Via;
use crate::store::Store;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Buckets of `wharf_pipeline_seconds`, from a small file to a large batch.
const PIPELINE_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's metrics recorder (once) and returns the handle that renders it.
pub fn install() -> PrometheusHandle {
    install_for(None)
}

/// As [`install`]; with several instances on one shared store every series carries the label
/// `instance` (this instance's name), so that series of different instances never mix once
/// collected together. The first call installs.
pub fn install_for(instance: Option<&str>) -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let mut builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("wharf_pipeline_seconds".into()),
                    PIPELINE_BUCKETS,
                )
                .unwrap_or_else(|_| PrometheusBuilder::new());
            if let Some(name) = instance {
                builder = builder.add_global_label("instance", name);
            }
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed: /metrics stays empty");
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "wharf_logins_total",
        "Login attempts, by protocol and result"
    );
    describe_gauge!("wharf_sessions", "Logged-in sessions now, by protocol");
    describe_counter!("wharf_uploads_total", "Completed uploads, by protocol");
    describe_counter!(
        "wharf_upload_bytes_total",
        "Bytes of completed uploads, by protocol"
    );
    describe_counter!(
        "wharf_files_processed_total",
        "Input files settled, by partner and outcome (archived, partial, rejected)"
    );
    describe_gauge!("wharf_orders", "Orders in the store, by status");
    describe_gauge!(
        "wharf_partner_last_file_seconds",
        "Unix time of the partner's last input file"
    );
    describe_gauge!(
        "wharf_error_files",
        "Files now in the partner's error/ folder"
    );
    describe_histogram!(
        "wharf_pipeline_seconds",
        "Seconds from the end of an upload to the file settled in archive/ or error/"
    );
    describe_gauge!(
        "wharf_remote_up",
        "1 when the pull-mode partner's server answered the last poll, else 0"
    );
}

/// A login was decided: `Ok(partner)` or the reason it was refused.
pub fn login(protocol: &'static str, result: Result<&str, &crate::login::LoginError>) {
    let label = match result {
        Ok(partner) => {
            super::board::board().logged_in(partner, protocol);
            "ok"
        }
        Err(e) => {
            use crate::login::LoginError as E;
            match e {
                E::UnknownUser => "unknown_user",
                E::AddressNotAllowed => "address_not_allowed",
                E::BadPassword => "bad_password",
                E::LockedOut => "locked_out",
                E::TooManySessions => "too_many_sessions",
                E::ShuttingDown => "shutting_down",
            }
        }
    };
    counter!("wharf_logins_total", "protocol" => protocol, "result" => label).increment(1);
}

/// A console login was decided (counted under `protocol="http"`).
pub fn console_login(ok: bool) {
    let result = if ok { "ok" } else { "bad_password" };
    counter!("wharf_logins_total", "protocol" => "http", "result" => result).increment(1);
}

/// Counts one logged-in session of `protocol` while it lives.
#[derive(Debug)]
pub struct LiveSession(&'static str);

impl LiveSession {
    /// A session opened.
    pub fn open(protocol: &'static str) -> LiveSession {
        gauge!("wharf_sessions", "protocol" => protocol).increment(1.0);
        LiveSession(protocol)
    }
}

impl Drop for LiveSession {
    fn drop(&mut self) {
        gauge!("wharf_sessions", "protocol" => self.0).decrement(1.0);
    }
}

/// An upload completed.
pub fn upload(via: Via, bytes: u64) {
    let protocol = via.as_str();
    counter!("wharf_uploads_total", "protocol" => protocol).increment(1);
    counter!("wharf_upload_bytes_total", "protocol" => protocol).increment(bytes);
}

/// An input settled (`outcome`: archived, partial, rejected); `arrived` is when its upload
/// ended (or it was found).
pub fn file_settled(partner: &str, outcome: &str, arrived: Instant) {
    counter!("wharf_files_processed_total", "partner" => partner.to_owned(), "outcome" => outcome.to_owned())
        .increment(1);
    histogram!("wharf_pipeline_seconds").record(arrived.elapsed().as_secs_f64());
}

/// A pull-mode partner's server answered a poll (`up`) or did not.
pub fn remote_polled(partner: &str, up: bool) {
    super::board::board().remote_polled(partner, up);
    gauge!("wharf_remote_up", "partner" => partner.to_owned()).set(if up { 1.0 } else { 0.0 });
}

/// The exposition text: the state gauges read now, then everything rendered. Blocks (store
/// reads, folder listings): call it off the async threads.
pub fn render(handle: &PrometheusHandle, config: &Config, store: &Store) -> String {
    if let Ok(counts) = store.order_counts() {
        for (status, n) in counts {
            gauge!("wharf_orders", "status" => status.as_str()).set(n as f64);
        }
    }
    let activity = store.activity().unwrap_or_default();
    for p in &config.partners {
        let last = activity
            .iter()
            .find(|(name, _)| name == &p.name)
            .and_then(|(_, a)| a.last_in.as_ref())
            .map_or(0.0, |f| f.at_ms as f64 / 1000.0);
        gauge!("wharf_partner_last_file_seconds", "partner" => p.name.clone()).set(last);
        let errors = super::errors::count(config, &p.name);
        gauge!("wharf_error_files", "partner" => p.name.clone()).set(errors as f64);
    }
    handle.run_upkeep();
    handle.render()
}
