//! Files processed side by side: one lane per partner, so a big batch from one cart does not
//! hold back another partner's file.
//!
//! The rule: a partner's files (and the acknowledgments of what it took from its `out/`) are
//! processed one at a time, in the order they arrived; different partners' files run at the
//! same time, at most [`AT_ONCE`] of them (each holds its input and decisions in memory, and
//! the machine has few cores). Order across partners needs no lane of its own: a warehouse can
//! only answer an order it was sent, and the order's file is written after its decision is
//! committed, so a shipment always finds its order.
//!
//! What two files decide at the same time is kept consistent by the store: every rule that
//! reads what another file may write (an order's identity and re-sends, `cust_ref`
//! uniqueness, holds and the catalog, the names of outputs in a shared `out/`) is checked
//! inside the write transaction that records the decision, and the store runs one write
//! transaction at a time.
//!
//! A lane is a task fed by a channel. Its partner's arrivals wait in the channel (paths, not
//! content, as in the intake queue); at its turn the lane takes every arrival waiting (up to a
//! group's worth) and processes them in order, the small fresh ones decided and settled as
//! groups (`group.rs`), so a burst of uploads shares its store commits and fsyncs; [`Lanes::finish`] closes every channel and waits until
//! each lane has processed what it holds, which is how the server drains at shutdown.

use super::Pipeline;
use super::group::GROUP_MAX;
use crate::intake::Arrival;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

/// How many files are processed at the same time, across all lanes.
pub const AT_ONCE: usize = 4;

/// One partner's lane: its waiting arrivals and the task processing them.
#[derive(Debug)]
struct Lane {
    tx: mpsc::UnboundedSender<Arrival>,
    task: JoinHandle<()>,
}

/// The lanes, created as partners' files arrive.
#[derive(Debug)]
pub struct Lanes {
    pipeline: Pipeline,
    lanes: HashMap<String, Lane>,
    at_once: Arc<Semaphore>,
}

impl Lanes {
    /// No lanes yet; files of `pipeline`'s partners get one at their first arrival.
    pub fn new(pipeline: Pipeline) -> Self {
        Lanes {
            pipeline,
            lanes: HashMap::new(),
            at_once: Arc::new(Semaphore::new(AT_ONCE)),
        }
    }

    /// Hands `arrival` to its partner's lane, behind the partner's earlier arrivals.
    pub fn dispatch(&mut self, arrival: Arrival) {
        let partner = arrival.partner.clone();
        let lane = self
            .lanes
            .entry(partner.clone())
            .or_insert_with(|| Lane::start(self.pipeline.clone(), self.at_once.clone()));
        if let Err(mpsc::error::SendError(a)) = lane.tx.send(arrival) {
            // The lane's task ended (it cannot while its sender lives, unless it panicked):
            // a new lane takes the file.
            let fresh = Lane::start(self.pipeline.clone(), self.at_once.clone());
            let _ = fresh.tx.send(a);
            self.lanes.insert(partner, fresh);
        }
    }

    /// Closes every lane and waits until each has processed the arrivals it holds.
    pub async fn finish(self) {
        let tasks: Vec<JoinHandle<()>> = self
            .lanes
            .into_values()
            .map(|Lane { tx, task }| {
                drop(tx);
                task
            })
            .collect();
        for t in tasks {
            if let Err(e) = t.await {
                tracing::warn!(error = %e, "a pipeline lane failed");
            }
        }
    }
}

impl Lane {
    fn start(pipeline: Pipeline, at_once: Arc<Semaphore>) -> Lane {
        let (tx, mut rx) = mpsc::unbounded_channel::<Arrival>();
        let task = tokio::spawn(async move {
            while let Some(arrival) = rx.recv().await {
                let mut batch = vec![arrival];
                // The semaphore is never closed; were it, the files would run unthrottled.
                let _turn = at_once.acquire().await.ok();
                // Everything waiting by the lane's turn goes together.
                while batch.len() < GROUP_MAX {
                    match rx.try_recv() {
                        Ok(a) => batch.push(a),
                        Err(_) => break,
                    }
                }
                pipeline.process_batch_async(batch).await;
            }
        });
        Lane { tx, task }
    }
}
