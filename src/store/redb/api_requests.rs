//! Merchant-API requests sent with an `Idempotency-Key`: the first answer to each (API user,
//! key), so a retry with the same key gets that answer again instead of a second run
//! (`api_requests`: `USER␟KEY` → [`RecordedAnswer`] as JSON). Kept for [`KEEP_MS`]; an index
//! by time (`api_requests_by_time`) lets each new record drop the expired ones without a scan.

use super::{RedbStore, RedbTxn, db_err, decode, encode};
use crate::store::{RecordedAnswer, StoreError, api_requests::KEEP_MS};
use ::redb::{ReadableTable, TableDefinition};

const ANSWERS: TableDefinition<&str, &[u8]> = TableDefinition::new("api_requests");
const BY_TIME: TableDefinition<&str, ()> = TableDefinition::new("api_requests_by_time");

fn answer_key(user: &str, key: &str) -> String {
    format!("{user}\u{1f}{key}")
}

impl RedbStore {
    /// The answer recorded for `user`'s `key`, if any and not expired.
    pub fn api_answer(&self, user: &str, key: &str) -> Result<Option<RecordedAnswer>, StoreError> {
        let rtx = self.db.begin_read()?;
        let t = match rtx.open_table(ANSWERS) {
            Ok(t) => t,
            Err(::redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(db_err(e)),
        };
        let k = answer_key(user, key);
        let Some(v) = t.get(k.as_str()).map_err(db_err)? else {
            return Ok(None);
        };
        let rec: RecordedAnswer = decode(&k, v.value())?;
        Ok((rec.at_ms + KEEP_MS > crate::store::now_ms()).then_some(rec))
    }

    /// Records the answer to `user`'s `key` (the first one stays), dropping expired ones.
    pub fn record_api_answer(
        &self,
        user: &str,
        key: &str,
        answer: &RecordedAnswer,
    ) -> Result<(), StoreError> {
        self.write(|t| t.record_api_answer(user, key, answer))
    }
}

impl RedbTxn<'_> {
    fn record_api_answer(
        &mut self,
        user: &str,
        key: &str,
        answer: &RecordedAnswer,
    ) -> Result<(), StoreError> {
        let mut answers = self.wtx.open_table(ANSWERS).map_err(db_err)?;
        let mut by_time = self.wtx.open_table(BY_TIME).map_err(db_err)?;
        let cutoff = format!("{:015}", (answer.at_ms - KEEP_MS).max(0));
        let expired: Vec<String> = by_time
            .range(..cutoff.as_str())
            .map_err(db_err)?
            .filter_map(|r| r.ok().map(|(k, _)| k.value().to_owned()))
            .collect();
        for t in &expired {
            by_time.remove(t.as_str()).map_err(db_err)?;
            if let Some((_, k)) = t.split_once('\u{1e}') {
                answers.remove(k).map_err(db_err)?;
            }
        }
        let k = answer_key(user, key);
        if answers.get(k.as_str()).map_err(db_err)?.is_some() {
            return Ok(());
        }
        let value = encode(&k, answer)?;
        answers
            .insert(k.as_str(), value.as_slice())
            .map_err(db_err)?;
        let t = format!("{:015}\u{1e}{k}", answer.at_ms.max(0));
        by_time.insert(t.as_str(), ()).map_err(db_err)?;
        Ok(())
    }
}
