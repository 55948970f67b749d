//! Members and claims in PostgreSQL (the rule is in [`crate::store::cluster`]). Each is one
//! statement: the claim an `INSERT … ON CONFLICT DO UPDATE … WHERE` whose condition (nobody
//! alive holds it, or this run does) is checked on the row locked by the conflict, so two
//! instances claiming at once cannot both be granted. Ages are measured by the database's
//! clock (`clock_timestamp()`).

use super::reads::{Params, Query, col};
use super::{PgStore, db_err, wait};
use crate::store::StoreError;
use crate::store::cluster::{Claimed, ClusterOps, Member, SharedUpdate};
use std::time::Duration;

/// "Its heartbeat is younger than the expiry (`$N`, seconds)", for the member `m`.
fn fresh(param: usize) -> String {
    format!("m.beat_at > clock_timestamp() - make_interval(secs => ${param})")
}

impl PgStore {
    fn execute(&self, sql: &str, params: Params<'_>) -> Result<u64, StoreError> {
        let conn = self.conn()?;
        wait(conn.client()?.execute(sql, params)).map_err(db_err)
    }
}

impl ClusterOps for PgStore {
    fn join(&self, me: &Member) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO members (name, run, beat_at) VALUES ($1, $2, clock_timestamp()) \
             ON CONFLICT (name) DO UPDATE SET run = EXCLUDED.run, beat_at = EXCLUDED.beat_at",
            &[&me.name, &me.run],
        )?;
        Ok(())
    }

    fn heartbeat(&self, me: &Member, expiry: Duration) -> Result<(), StoreError> {
        let n = self.execute(
            "UPDATE members SET beat_at = clock_timestamp() WHERE name = $1 AND run = $2",
            &[&me.name, &me.run],
        )?;
        if n == 0 {
            return Err(StoreError::Db(
                format!(
                    "another process started as instance {:?}: this one is no longer a member",
                    me.name
                )
                .into(),
            ));
        }
        // A dead member's claims are as good as none: clear them away.
        let secs = expiry.as_secs_f64();
        self.execute(
            &format!(
                "DELETE FROM claims c WHERE NOT EXISTS (SELECT 1 FROM members m \
                 WHERE m.name = c.holder AND m.run = c.run AND {})",
                fresh(1)
            ),
            &[&secs],
        )?;
        self.execute(
            "DELETE FROM shared_records WHERE expires_ms <= $1",
            &[&crate::store::now_ms()],
        )?;
        Ok(())
    }

    fn is_alive(&self, who: &Member, expiry: Duration) -> Result<bool, StoreError> {
        let secs = expiry.as_secs_f64();
        Ok(self
            .row(
                &format!(
                    "SELECT 1 FROM members m WHERE m.name = $1 AND m.run = $2 AND {}",
                    fresh(3)
                ),
                &[&who.name, &who.run, &secs],
            )?
            .is_some())
    }

    fn claim(&self, key: &str, me: &Member, expiry: Duration) -> Result<Claimed, StoreError> {
        let secs = expiry.as_secs_f64();
        let sql = format!(
            "INSERT INTO claims AS c (key, holder, run, since) \
             VALUES ($1, $2, $3, clock_timestamp()) \
             ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, run = EXCLUDED.run, \
             since = EXCLUDED.since \
             WHERE (c.holder = EXCLUDED.holder AND c.run = EXCLUDED.run) \
             OR NOT EXISTS (SELECT 1 FROM members m \
                            WHERE m.name = c.holder AND m.run = c.run AND {}) \
             RETURNING c.holder",
            fresh(4)
        );
        if self.row(&sql, &[&key, &me.name, &me.run, &secs])?.is_some() {
            return Ok(Claimed::Granted);
        }
        let holder = self
            .row("SELECT holder FROM claims WHERE key = $1", &[&key])?
            .map(|r| col::<String>(&r, 0))
            .transpose()?;
        Ok(Claimed::HeldBy(
            holder.unwrap_or_else(|| "another instance".into()),
        ))
    }

    fn release(&self, key: &str, me: &Member) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM claims WHERE key = $1 AND holder = $2 AND run = $3",
            &[&key, &me.name, &me.run],
        )?;
        Ok(())
    }

    fn shared_record(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.row(
            "SELECT value FROM shared_records WHERE key = $1 AND expires_ms > $2",
            &[&key, &crate::store::now_ms()],
        )?
        .map(|r| col::<String>(&r, 0))
        .transpose()
    }

    fn update_shared_record(
        &self,
        key: &str,
        update: &mut SharedUpdate<'_>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        conn.in_txn = true;
        let c = conn.client()?;
        let mut step = || -> Result<(), StoreError> {
            // The row's own lock (a missing row cannot be locked): an advisory lock on the key.
            wait(c.batch_execute("BEGIN")).map_err(db_err)?;
            wait(c.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                &[&key],
            ))
            .map_err(db_err)?;
            let old = wait(c.query_opt(
                "SELECT value FROM shared_records WHERE key = $1 AND expires_ms > $2",
                &[&key, &crate::store::now_ms()],
            ))
            .map_err(db_err)?
            .map(|r| col::<String>(&r, 0))
            .transpose()?;
            match update(old) {
                Some((value, expires)) => {
                    let expires = i64::try_from(expires).unwrap_or(i64::MAX);
                    wait(c.execute(
                        "INSERT INTO shared_records (key, value, expires_ms) VALUES ($1, $2, $3) \
                         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, \
                         expires_ms = EXCLUDED.expires_ms",
                        &[&key, &value, &expires],
                    ))
                    .map_err(db_err)?;
                }
                None => {
                    wait(c.execute("DELETE FROM shared_records WHERE key = $1", &[&key]))
                        .map_err(db_err)?;
                }
            }
            wait(c.batch_execute("COMMIT")).map_err(db_err)
        };
        match step() {
            Ok(()) => {
                conn.in_txn = false;
                Ok(())
            }
            Err(e) => {
                if wait(c.batch_execute("ROLLBACK")).is_ok() {
                    conn.in_txn = false;
                }
                Err(e)
            }
        }
    }

    fn alive(&self, expiry: Duration) -> Result<Vec<String>, StoreError> {
        let secs = expiry.as_secs_f64();
        self.rows(
            &format!(
                "SELECT m.name FROM members m WHERE {} ORDER BY m.name",
                fresh(1)
            ),
            &[&secs],
        )?
        .iter()
        .map(|r| col::<String>(r, 0))
        .collect()
    }
}
