//! A backfill's batches on SQLite, for the batch engine
//! ([`super::batches`]), running the statements of
//! [`crate::dialect::batches::BatchSql`].
//!
//! Each batch is a `BEGIN IMMEDIATE` transaction: the upper key (the
//! batch size-th key after the last one), the `UPDATE` of the range, a
//! Rust transform's reads and writes row by row (in-process, so no round
//! trips), and the progress record, whose `last_key` is the key as JSON.
//! The statements are compiled once and kept.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params};

use super::batches::{BatchSource, Committed, Resume, call_transform, registered_transform};
use super::sqlite_driver::{db_error, statement_error};
use super::{ExecError, Progress};
use crate::dialect::Dialect;
use crate::dialect::batches::BatchSql;
use crate::model::{Backfill, TransformSpec};
use crate::schema::Schema;
use crate::transform::{TransformFn, Transforms, Value};

/// The `last_key` of a backfill whose last batch has committed.
const FINISHED: &str = "\"finished\"";

pub(super) fn from_sqlite(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::Int(*i),
        SqlValue::Real(f) => Value::Float(*f),
        SqlValue::Text(t) => Value::Text(t.clone()),
        SqlValue::Blob(b) => Value::Bytes(b.clone()),
    }
}

pub(super) fn to_sqlite(v: Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(b)),
        Value::Int(i) => SqlValue::Integer(i),
        Value::Float(f) => SqlValue::Real(f),
        Value::Text(t) => SqlValue::Text(t),
        Value::Bytes(b) => SqlValue::Blob(b),
    }
}

/// A key as JSON: `[42]`, `["a", 3]`.
fn encode_key(key: &[SqlValue]) -> String {
    let values: Vec<serde_json::Value> = key
        .iter()
        .map(|v| match v {
            SqlValue::Integer(i) => serde_json::json!(i),
            SqlValue::Real(f) => serde_json::json!(f),
            SqlValue::Text(t) => serde_json::json!(t),
            SqlValue::Null | SqlValue::Blob(_) => serde_json::Value::Null,
        })
        .collect();
    serde_json::Value::Array(values).to_string()
}

fn decode_key(text: &str) -> Result<Vec<SqlValue>, ExecError> {
    let bad = || ExecError::Database(format!("schemaflow_backfills holds an unreadable key `{text}`"));
    let serde_json::Value::Array(items) = serde_json::from_str(text).map_err(|_| bad())? else { return Err(bad()) };
    items
        .into_iter()
        .map(|v| match v {
            serde_json::Value::Number(n) if n.is_i64() => Ok(SqlValue::Integer(n.as_i64().unwrap_or_default())),
            serde_json::Value::Number(n) => Ok(SqlValue::Real(n.as_f64().unwrap_or_default())),
            serde_json::Value::String(s) => Ok(SqlValue::Text(s)),
            _ => Err(bad()),
        })
        .collect()
}

/// One backfill's batches on one connection.
pub(crate) struct SqliteBatches<'a> {
    conn: &'a Connection,
    sql: BatchSql,
    namespace: String,
    version: i64,
    phase: i64,
    /// Rows per batch, less one: the upper key's offset after the last one.
    offset: i64,
    transform: Option<(&'a TransformSpec, &'a TransformFn)>,
}

impl<'a> SqliteBatches<'a> {
    /// The statements for `backfill` over its table in `schema` (the
    /// progress table exists: the phase's start created it).
    pub(crate) fn new(
        conn: &'a Connection,
        backfill: &'a Backfill,
        schema: &Schema,
        progress: &Progress,
        transforms: &'a Transforms,
    ) -> Result<SqliteBatches<'a>, ExecError> {
        let sql = BatchSql::new(Dialect::Sqlite, schema, backfill).map_err(ExecError::Database)?;
        let transform = registered_transform(backfill, transforms)?;
        Ok(SqliteBatches {
            conn,
            sql,
            namespace: progress.namespace.clone(),
            version: progress.version as i64,
            phase: i64::from(progress.phase),
            offset: i64::from(backfill.batch_size) - 1,
            transform,
        })
    }

    /// The statements of one batch, inside its transaction.
    fn batch_in_transaction(
        &self,
        after: Option<&Vec<SqlValue>>,
        rows_done: u64,
        rows_total: u64,
    ) -> Result<Committed<Vec<SqlValue>>, ExecError> {
        let (lower, n) = (after.is_some(), self.sql.key_len());
        let upper_sql = self.sql.upper_key(lower);
        let mut args: Vec<SqlValue> = after.cloned().unwrap_or_default();
        args.push(SqlValue::Integer(self.offset));
        let upper: Option<Vec<SqlValue>> = self
            .conn
            .prepare_cached(&upper_sql)
            .and_then(|mut stmt| {
                stmt.query_row(rusqlite::params_from_iter(args), |r| (0..n).map(|i| r.get::<_, SqlValue>(i)).collect())
                    .optional()
            })
            .map_err(|e| statement_error(&upper_sql, e))?;
        let args: Vec<&SqlValue> = after.into_iter().flatten().chain(upper.iter().flatten()).collect();
        let mut changed = 0;
        if let Some(sql) = self.sql.update(lower, upper.is_some()) {
            changed = self
                .conn
                .prepare_cached(&sql)
                .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(&args)))
                .map_err(|e| statement_error(&sql, e))?;
        }
        if let (Some((spec, f)), Some(read), Some(write)) =
            (self.transform, self.sql.read_inputs(lower, upper.is_some()), self.sql.write_outputs())
        {
            let rows: Vec<Vec<SqlValue>> = {
                let mut stmt = self.conn.prepare_cached(&read).map_err(|e| statement_error(&read, e))?;
                stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                    (0..n + spec.inputs.len()).map(|i| r.get::<_, SqlValue>(i)).collect()
                })
                .map_err(|e| statement_error(&read, e))?
                .collect::<Result<_, _>>()
                .map_err(|e| statement_error(&read, e))?
            };
            let mut write_stmt = self.conn.prepare_cached(&write).map_err(|e| statement_error(&write, e))?;
            for row in &rows {
                let (key, inputs) = row.split_at(n);
                let values = call_transform(spec, f, inputs.iter().map(from_sqlite).collect(), &key)?;
                let values: Vec<SqlValue> = values.into_iter().map(to_sqlite).chain(key.iter().cloned()).collect();
                write_stmt.execute(rusqlite::params_from_iter(values)).map_err(|e| statement_error(&write, e))?;
            }
            changed = changed.max(rows.len());
        }
        let done_key = upper.as_ref().map_or_else(|| FINISHED.to_owned(), |k| encode_key(k));
        let done = (rows_done + changed as u64) as i64;
        let record = self.sql.record_progress();
        self.conn
            .prepare_cached(&record)
            .and_then(|mut stmt| {
                stmt.execute(params![self.version, self.phase, done_key, done, rows_total as i64, self.namespace])
            })
            .map_err(db_error)?;
        Ok(Committed { upper, changed: changed as u64 })
    }
}

impl BatchSource for SqliteBatches<'_> {
    type Key = Vec<SqlValue>;

    fn resume(&mut self) -> Result<Resume<Vec<SqlValue>>, ExecError> {
        let saved: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT last_key, rows_done FROM schemaflow_backfills WHERE namespace = ?1 AND version = ?2 AND phase = ?3",
                params![self.namespace, self.version, self.phase],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db_error)?;
        Ok(match saved {
            None => Resume::Start,
            Some((text, _)) if text == FINISHED => Resume::Finished,
            Some((text, rows)) => Resume::After { key: decode_key(&text)?, rows_done: rows as u64 },
        })
    }

    fn remaining(&mut self, after: Option<&Vec<SqlValue>>) -> Result<u64, ExecError> {
        let sql = self.sql.count(after.is_some());
        let count: i64 = self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(after.into_iter().flatten()), |r| r.get(0))
            .map_err(|e| statement_error(&sql, e))?;
        Ok(count as u64)
    }

    fn batch(
        &mut self,
        after: Option<&Vec<SqlValue>>,
        rows_done: u64,
        rows_total: u64,
    ) -> Result<Committed<Vec<SqlValue>>, ExecError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db_error)?;
        match self.batch_in_transaction(after, rows_done, rows_total) {
            Ok(committed) => {
                self.conn.execute_batch("COMMIT").map_err(db_error)?;
                Ok(committed)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}
