//! A backfill's batches on PostgreSQL, for the batch engine
//! ([`super::batches`]), running the statements of
//! [`crate::dialect::batches::BatchSql`].
//!
//! SQL assignments over a one-column key take one statement per batch (it
//! finds the upper key, updates the rows and records the progress: atomic,
//! one round trip); other backfills take a transaction of a few
//! statements. A Rust transform reads the batch's rows, calls the function
//! on each and writes the values back in one statement.

use postgres::{Client, GenericClient};

use super::batches::{BatchSource, Committed, Resume, call_transform, registered_transform};
use super::postgres_driver::{db_error, from_text, statement_error, to_text};
use super::{ExecError, Progress};
use crate::dialect::Dialect;
use crate::dialect::batches::BatchSql;
use crate::model::{Backfill, TransformSpec};
use crate::schema::Schema;
use crate::transform::{TransformFn, Transforms, Value};

type Param<'a> = &'a (dyn postgres::types::ToSql + Sync);

/// Statements prepared once for a backfill: every batch runs the same few,
/// so each is parsed once, not once a batch. Dropped with the backfill, as
/// the next migration may change the tables they name.
#[derive(Default)]
struct Prepared(std::collections::HashMap<String, postgres::Statement>);

impl Prepared {
    /// The statement for `sql`, prepared on `client` (a connection, or a
    /// transaction on it) the first time.
    fn get(&mut self, client: &mut impl GenericClient, sql: &str) -> Result<postgres::Statement, ExecError> {
        if let Some(statement) = self.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = client.prepare(sql).map_err(|e| statement_error(sql, e))?;
        self.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// One backfill's batches on one connection.
pub(crate) struct PostgresBatches<'a> {
    client: &'a mut Client,
    prepared: Prepared,
    sql: BatchSql,
    namespace: String,
    version: i64,
    phase: i32,
    /// Rows per batch, less one: the upper key's offset after the last one.
    offset: i64,
    /// A Rust transform: its spec and its function.
    transform: Option<(&'a TransformSpec, &'a TransformFn)>,
}

impl<'a> PostgresBatches<'a> {
    /// The statements for `backfill` over its table in `schema`.
    pub(crate) fn new(
        client: &'a mut Client,
        backfill: &'a Backfill,
        schema: &Schema,
        progress: &Progress,
        transforms: &'a Transforms,
    ) -> Result<PostgresBatches<'a>, ExecError> {
        let sql = BatchSql::new(Dialect::Postgres, schema, backfill).map_err(ExecError::Database)?;
        let transform = registered_transform(backfill, transforms)?;
        Ok(PostgresBatches {
            client,
            prepared: Prepared::default(),
            sql,
            namespace: progress.namespace.clone(),
            version: progress.version as i64,
            phase: progress.phase as i32,
            offset: i64::from(backfill.batch_size) - 1,
            transform,
        })
    }

    /// The batch of a backfill in several statements, in one transaction.
    fn general_batch(
        &mut self,
        after: Option<&Vec<String>>,
        rows_done: u64,
        rows_total: u64,
    ) -> Result<Committed<Vec<String>>, ExecError> {
        let lower = after.is_some();
        let upper_sql = self.sql.upper_key(lower);
        let upper_statement = self.prepared.get(self.client, &upper_sql)?;
        let mut tx = self.client.transaction().map_err(db_error)?;
        let mut params: Vec<Param> = after.into_iter().flatten().map(|v| v as Param).collect();
        params.push(&self.offset);
        let upper: Option<Vec<String>> = tx
            .query_opt(&upper_statement, &params)
            .map_err(|e| statement_error(&upper_sql, e))?
            .map(|r| (0..r.len()).map(|i| r.get::<_, String>(i)).collect());
        let values: Vec<&String> = after.into_iter().flatten().chain(upper.iter().flatten()).collect();
        let params: Vec<Param> = values.iter().map(|v| *v as Param).collect();
        let mut changed = 0;
        if let Some(sql) = self.sql.update(lower, upper.is_some()) {
            let statement = self.prepared.get(&mut tx, &sql)?;
            changed = tx.execute(&statement, &params).map_err(|e| statement_error(&sql, e))?;
        }
        if let (Some((spec, function)), Some(read), Some(write)) =
            (&self.transform, self.sql.read_inputs(lower, upper.is_some()), self.sql.write_outputs())
        {
            let statement = self.prepared.get(&mut tx, &read)?;
            let rows = tx.query(&statement, &params).map_err(|e| statement_error(&read, e))?;
            let n = self.sql.key_len();
            let mut columns: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); spec.outputs.len() + n];
            for row in &rows {
                let key: Vec<String> = (0..n).map(|i| row.get::<_, String>(i)).collect();
                let inputs: Vec<Value> = self
                    .sql
                    .input_types()
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| from_text(row.get::<_, Option<String>>(n + i), ty.clone()))
                    .collect();
                let outputs = call_transform(spec, function, inputs, &key)?;
                let texts = outputs.into_iter().map(to_text).chain(key.into_iter().map(Some));
                for (column, value) in columns.iter_mut().zip(texts) {
                    column.push(value);
                }
            }
            if !rows.is_empty() {
                let statement = self.prepared.get(&mut tx, &write)?;
                let params: Vec<Param> = columns.iter().map(|c| c as Param).collect();
                tx.execute(&statement, &params).map_err(|e| statement_error(&write, e))?;
            }
            changed = changed.max(rows.len() as u64);
        }
        let record = self.prepared.get(&mut tx, &self.sql.record_progress())?;
        let done = (rows_done + changed) as i64;
        tx.execute(&record, &[&self.version, &self.phase, &upper, &done, &(rows_total as i64), &self.namespace])
            .map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(Committed { upper, changed })
    }
}

impl BatchSource for PostgresBatches<'_> {
    type Key = Vec<String>;

    fn resume(&mut self) -> Result<Resume<Vec<String>>, ExecError> {
        let saved = self
            .client
            .query_opt(
                "SELECT last_key, rows_done FROM schemaflow_backfills WHERE namespace = $1 AND version = $2 AND phase = $3",
                &[&self.namespace, &self.version, &self.phase],
            )
            .map_err(db_error)?;
        Ok(match saved {
            None => Resume::Start,
            Some(row) => match row.get::<_, Option<Vec<String>>>(0) {
                None => Resume::Finished,
                Some(key) => Resume::After { key, rows_done: row.get::<_, i64>(1) as u64 },
            },
        })
    }

    fn remaining(&mut self, after: Option<&Vec<String>>) -> Result<u64, ExecError> {
        let sql = self.sql.count(after.is_some());
        let params: Vec<Param> = after.into_iter().flatten().map(|v| v as Param).collect();
        let row = self.client.query_one(&sql, &params).map_err(|e| statement_error(&sql, e))?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    fn batch(
        &mut self,
        after: Option<&Vec<String>>,
        rows_done: u64,
        rows_total: u64,
    ) -> Result<Committed<Vec<String>>, ExecError> {
        let Some(sql) = self.sql.one_statement(after.is_some()) else {
            return self.general_batch(after, rows_done, rows_total);
        };
        let statement = self.prepared.get(self.client, &sql)?;
        let (done, total) = (rows_done as i64, rows_total as i64);
        let mut params: Vec<Param> = after.into_iter().flatten().map(|v| v as Param).collect();
        params.extend([&self.offset as Param, &self.version, &self.phase, &done, &total, &self.namespace]);
        let row = self.client.query_one(&statement, &params).map_err(|e| statement_error(&sql, e))?;
        let upper: Option<Vec<String>> = row.get(0);
        let changed = (row.get::<_, i64>(1) as u64).saturating_sub(rows_done);
        Ok(Committed { upper, changed })
    }
}
