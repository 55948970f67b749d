//! What the operator and a restart decide without an input file: `wharf orders release REF`,
//! `wharf orders cancel REF`, and the re-check of held orders at start-up (the cart's aliases
//! may have changed). Each is one transaction that changes the order and records a job whose
//! plan holds the outputs (an order file, a cancellation); the outputs are then written like
//! an input's. The job's key starts with [`OPERATOR_JOB`], which no partner name can (names
//! are `[a-z0-9][a-z0-9_-]*`), so [`Pipeline::recover`] finishes it after a crash instead of
//! forgetting it.

use super::cancels::{self, Origin};
use super::{Pipeline, PipelineError, holds, settle};
use crate::model::{Cancellation, OrderStatus};
use crate::store::{Job, OrderRecord, Plan, PlannedOutput, StoreError, Txn};

/// The first character of an operator job's key.
pub(super) const OPERATOR_JOB: char = '\u{1e}';

/// What an operator command did (also the running server's answer to a request, as JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    /// Done; the words say what, naming the files written.
    Ok(String),
    /// Refused, with the reason (nothing changed).
    Refused(String),
}

impl Pipeline {
    /// `wharf orders release REF`: sends a held order as it is.
    pub fn release(&self, reference: &str) -> Result<Done, PipelineError> {
        let key = format!("{OPERATOR_JOB}release\u{1f}{reference}");
        self.operator_job(&key, |txn, p| {
            let Some(mut rec) = find(txn, reference)? else {
                return Ok(Err(format!("no order {reference:?}")));
            };
            if rec.status != OrderStatus::Held {
                return Ok(Err(format!(
                    "order {} is {}, not held: only a held order is released",
                    rec.cust_ref,
                    rec.status.as_str()
                )));
            }
            let config = p.config();
            let wh = config
                .partner(&rec.source)
                .and_then(|c| c.warehouse.as_deref())
                .and_then(|w| config.partner(w));
            let Some(wh) = wh else {
                return Ok(Err(format!(
                    "order {}: its cart has no warehouse now",
                    rec.cust_ref
                )));
            };
            let wh_out = config.partner_home(&wh.name).out_dir();
            let out = super::orders::send(
                txn,
                &mut rec,
                wh,
                &wh_out,
                "released by the operator: sent",
                "wharf orders release",
            )?;
            txn.put_order(&rec)?;
            Ok(Ok((vec![out], format!("order {} released", rec.cust_ref))))
        })
    }

    /// `wharf orders cancel REF`: cancels an order not yet shipped (a held one is simply
    /// cancelled; one sent is cancelled at the warehouse too).
    pub fn cancel(&self, reference: &str, reason: &str) -> Result<Done, PipelineError> {
        let key = format!("{OPERATOR_JOB}cancel\u{1f}{reference}");
        self.operator_job(&key, |txn, p| {
            let Some(rec) = find(txn, reference)? else {
                return Ok(Err(format!("no order {reference:?}")));
            };
            let c = Cancellation {
                cust_ref: Some(rec.cust_ref.clone()),
                cust_po_no: Some(rec.order_no.clone()),
                reason: Some(reason.to_string()),
                items: None,
            };
            let cust_ref = rec.cust_ref.clone();
            match cancels::from_cart(
                txn,
                p.config(),
                rec,
                &c,
                Origin::Operator,
                "wharf orders cancel",
            )? {
                Ok(out) => Ok(Ok((
                    out.into_iter().collect(),
                    format!("order {cust_ref} canceled"),
                ))),
                Err(why) => Ok(Err(why)),
            }
        })
    }

    /// At start-up: sends the held orders that the catalog or the carts' aliases as configured
    /// now let through. Returns how many were sent.
    pub fn recheck_held(&self) -> Result<usize, PipelineError> {
        let key = format!("{OPERATOR_JOB}recheck");
        let done = self.operator_job(&key, |txn, p| {
            let outs = holds::recheck(txn, p.config(), None, "re-checked at start-up", "start-up")?;
            let n = outs.len();
            Ok(Ok((outs, n.to_string())))
        })?;
        Ok(match done {
            Done::Ok(n) => n.parse().unwrap_or(0),
            Done::Refused(_) => 0,
        })
    }

    /// Decides in one transaction (`f` returns the outputs and what was done, or why not),
    /// recording the outputs as the job `key`, then writes them and forgets the job.
    #[allow(clippy::type_complexity)]
    fn operator_job(
        &self,
        key: &str,
        f: impl FnOnce(
            &mut Txn<'_>,
            &Pipeline,
        ) -> Result<Result<(Vec<PlannedOutput>, String), String>, StoreError>,
    ) -> Result<Done, PipelineError> {
        let decided = self.store().write(|txn| {
            let decided = f(txn, self)?;
            if let Ok((outputs, _)) = &decided {
                txn.put_job(key, &operator_plan(outputs.clone()))?;
            }
            Ok(decided)
        })?;
        match decided {
            Ok((_, what)) => {
                self.finish_operator_job(key)?;
                Ok(Done::Ok(what))
            }
            Err(why) => Ok(Done::Refused(why)),
        }
    }

    /// Writes what an operator job's plan still has to write, then forgets the job.
    pub(super) fn finish_operator_job(&self, key: &str) -> Result<(), PipelineError> {
        if let Some(job) = self.store().job(key)? {
            settle::publish_outputs(self.store(), key, &job.plan)?;
        }
        self.store().write(|t| t.delete_job(key))?;
        Ok(())
    }
}

/// A plan with outputs only: nothing to settle.
fn operator_plan(outputs: Vec<PlannedOutput>) -> Job {
    Job {
        file_hash: String::new(),
        plan: Plan {
            outputs,
            settle_to: Default::default(),
            report: None,
            warnings: None,
            outcome: "operator".to_string(),
        },
        parts: None,
    }
}

/// The order with this `cust_ref`, or the only one with this cart order number.
fn find(txn: &Txn<'_>, reference: &str) -> Result<Option<OrderRecord>, StoreError> {
    if let Some(r) = txn.order_by_ref(reference)? {
        return Ok(Some(r));
    }
    Ok(None)
}
