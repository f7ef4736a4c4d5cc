//! A backfill's statements on PostgreSQL, for the batch engine
//! ([`super::batches`]).
//!
//! Keys travel as text (`key::text`) and are cast back to the key columns'
//! types in the statements, so any primary key works, composite or not.
//! SQL assignments over a one-column key take one statement per batch (it
//! finds the upper key, updates the rows and records the progress: atomic,
//! one round trip); other backfills take a transaction of a few
//! statements. A Rust transform reads the batch's rows, calls the function
//! on each and writes the values back in one statement (a column array per
//! output and per key column, joined on the key).

use postgres::Client;

use super::batches::{BatchSource, Committed, Resume};
use super::postgres::{db_error, statement_error};
use super::{ExecError, Progress};
use crate::dialect::{self, Dialect, ident};
use crate::model::{Backfill, ColumnType, TransformSpec};
use crate::schema::Schema;
use crate::transform::{TransformFn, Transforms, Value};

type Param<'a> = &'a (dyn postgres::types::ToSql + Sync);

/// Statements prepared once for a backfill: every batch runs the same few,
/// so each is parsed once, not once a batch. Dropped with the backfill, as
/// the next migration may change the tables they name.
#[derive(Default)]
struct Prepared(std::collections::HashMap<String, postgres::Statement>);

impl Prepared {
    fn get(&mut self, client: &mut Client, sql: &str) -> Result<postgres::Statement, ExecError> {
        if let Some(statement) = self.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = client.prepare(sql).map_err(|e| statement_error(sql, e))?;
        self.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// A Rust transform with its columns' types.
struct Transform<'a> {
    spec: &'a TransformSpec,
    function: &'a TransformFn,
    input_types: Vec<ColumnType>,
    /// Writes the batch's values back: `UPDATE … FROM unnest(…)`.
    write: String,
}

/// One backfill's batches on one connection.
pub(crate) struct PostgresBatches<'a> {
    client: &'a mut Client,
    prepared: Prepared,
    version: i64,
    phase: i32,
    /// Rows per batch, less one: the upper key's offset after the last one.
    offset: i64,
    table: String,
    key_types: Vec<ColumnType>,
    /// `("k1", "k2")`.
    key_row: String,
    /// `"k1", "k2"`.
    order: String,
    /// The key columns as text, aliased (`"k1"::text AS sf_key_0`), so that
    /// `ORDER BY` names the columns, not their text.
    key_as_text: String,
    /// The SQL assignments, `"col" = value`.
    sets: Vec<String>,
    /// ` AND (where)`, or nothing.
    predicate: String,
    transform: Option<Transform<'a>>,
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
        let table = schema
            .table(&backfill.table)
            .ok_or_else(|| ExecError::Database(format!("table `{}` does not exist", backfill.table)))?;
        let key: Vec<_> = table
            .primary_key()
            .ok_or_else(|| ExecError::Database(format!("table `{}` has no primary key to batch on", backfill.table)))?
            .iter()
            .filter_map(|k| table.column(k))
            .collect();
        let names: Vec<String> = key.iter().map(|c| ident(&c.name)).collect();
        let t = ident(&backfill.table);
        let types = |cols: &[String]| -> Vec<ColumnType> {
            cols.iter().map(|c| table.column(c).map_or(ColumnType::Text, |c| c.ty)).collect()
        };
        let transform = match &backfill.transform {
            Some(spec) => {
                let function = transforms.get(&spec.function).ok_or_else(|| {
                    ExecError::Database(format!("the transform `{}` is not registered in this build", spec.function))
                })?;
                let sets: Vec<String> = spec
                    .outputs
                    .iter()
                    .zip(types(&spec.outputs))
                    .enumerate()
                    .map(|(i, (c, ty))| format!("{} = v.o{i}::{}", ident(c), dialect::postgres::column_type(ty)))
                    .collect();
                let columns: Vec<String> = (0..spec.outputs.len())
                    .map(|i| format!("o{i}"))
                    .chain((0..key.len()).map(|i| format!("k{i}")))
                    .collect();
                let arrays: Vec<String> = (1..=columns.len()).map(|i| format!("${i}::text[]")).collect();
                let matches: Vec<String> = key
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{t}.{} = v.k{i}::{}", ident(&c.name), dialect::postgres::column_type(c.ty)))
                    .collect();
                let write = format!(
                    "UPDATE {t} SET {} FROM unnest({}) AS v({}) WHERE {}",
                    sets.join(", "),
                    arrays.join(", "),
                    columns.join(", "),
                    matches.join(" AND ")
                );
                Some(Transform { spec, function, input_types: types(&spec.inputs), write })
            }
            None => None,
        };
        Ok(PostgresBatches {
            client,
            prepared: Prepared::default(),
            version: progress.version as i64,
            phase: progress.phase as i32,
            offset: i64::from(backfill.batch_size) - 1,
            key_types: key.iter().map(|c| c.ty).collect(),
            key_row: format!("({})", names.join(", ")),
            order: names.join(", "),
            key_as_text: names
                .iter()
                .enumerate()
                .map(|(i, k)| format!("{k}::text AS sf_key_{i}"))
                .collect::<Vec<_>>()
                .join(", "),
            sets: backfill
                .assignments
                .iter()
                .map(|a| format!("{} = {}", ident(&a.column), Dialect::Postgres.value(&a.value)))
                .collect(),
            predicate: backfill.predicate.as_ref().map(|p| format!(" AND ({p})")).unwrap_or_default(),
            table: t,
            transform,
        })
    }

    /// A key as parameters from `$from` on, each cast from text to its
    /// column's type: `($1::text::bigint, $2::text::text)`.
    fn key_params(&self, from: usize) -> String {
        let casts: Vec<String> = self
            .key_types
            .iter()
            .enumerate()
            .map(|(i, ty)| format!("${}::text::{}", from + i, dialect::postgres::column_type(*ty)))
            .collect();
        format!("({})", casts.join(", "))
    }

    /// The batch's rows: after the lower key (`$1…`) when there is one, up
    /// to the upper key (the next parameters) when there is one.
    fn range(&self, lower: bool, upper: bool) -> String {
        let mut conditions = vec!["true".to_owned()];
        if lower {
            conditions.push(format!("{} > {}", self.key_row, self.key_params(1)));
        }
        if upper {
            let from = if lower { self.key_types.len() + 1 } else { 1 };
            conditions.push(format!("{} <= {}", self.key_row, self.key_params(from)));
        }
        format!("{}{}", conditions.join(" AND "), self.predicate)
    }

    /// One statement for SQL assignments over a one-column key: the batch's
    /// upper key, the update and the progress record. COALESCE keeps the
    /// upper bound a plain value, so the UPDATE is an index range scan.
    fn one_statement(&self, after: bool) -> String {
        let (t, k, offset_param) = (&self.table, &self.order, if after { 2 } else { 1 });
        let ty = dialect::postgres::column_type(self.key_types[0]);
        let lower = if after { format!(" AND {k} > $1::text::{ty}") } else { String::new() };
        let p = |i: usize| format!("${}", offset_param + i);
        format!(
            "WITH bound AS (
                SELECT {k} AS upper_key FROM {t} WHERE true{lower} ORDER BY {k} OFFSET {offset}::bigint LIMIT 1
             ), changed AS (
                UPDATE {t} SET {sets}
                WHERE true{lower} AND {k} <= COALESCE((SELECT upper_key FROM bound), (SELECT max({k}) FROM {t})){predicate}
                RETURNING 1
             )
             INSERT INTO schemaflow_backfills (version, phase, last_key, rows_done, rows_total)
             VALUES ({v}, {ph}, (SELECT ARRAY[upper_key::text] FROM bound), {done}::bigint + (SELECT count(*) FROM changed), {total})
             ON CONFLICT (version, phase) DO UPDATE SET last_key = excluded.last_key,
                rows_done = excluded.rows_done, rows_total = excluded.rows_total
             RETURNING last_key, rows_done",
            offset = p(0),
            sets = self.sets.join(", "),
            predicate = self.predicate,
            v = p(1),
            ph = p(2),
            done = p(3),
            total = p(4),
        )
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, ExecError> {
        self.prepared.get(self.client, sql)
    }

    /// The batch of a backfill in several statements, in one transaction.
    fn general_batch(
        &mut self,
        after: Option<&Vec<String>>,
        rows_done: u64,
        rows_total: u64,
    ) -> Result<Committed<Vec<String>>, ExecError> {
        let (t, order, key_as_text) = (self.table.clone(), self.order.clone(), self.key_as_text.clone());
        // Both ranges, as whether the batch has an upper key is known only
        // inside the transaction.
        let ranges = [self.range(after.is_some(), false), self.range(after.is_some(), true)];
        let update_sql = (!self.sets.is_empty()).then(|| format!("UPDATE {t} SET {} WHERE ", self.sets.join(", ")));
        let upper_sql = match after {
            Some(_) => format!(
                "SELECT {key_as_text} FROM {t} WHERE {} > {} ORDER BY {order} OFFSET ${}::bigint LIMIT 1",
                self.key_row,
                self.key_params(1),
                self.key_types.len() + 1
            ),
            None => format!("SELECT {key_as_text} FROM {t} ORDER BY {order} OFFSET $1::bigint LIMIT 1"),
        };
        let upper_statement = self.statement(&upper_sql)?;
        let mut tx = self.client.transaction().map_err(db_error)?;
        let mut params: Vec<Param> = after.into_iter().flatten().map(|v| v as Param).collect();
        params.push(&self.offset);
        let upper: Option<Vec<String>> = tx
            .query_opt(&upper_statement, &params)
            .map_err(|e| statement_error(&upper_sql, e))?
            .map(|r| (0..r.len()).map(|i| r.get::<_, String>(i)).collect());
        let range = &ranges[usize::from(upper.is_some())];
        let values: Vec<&String> = after.into_iter().flatten().chain(upper.iter().flatten()).collect();
        let params: Vec<Param> = values.iter().map(|v| *v as Param).collect();
        let mut changed = 0;
        if let Some(update) = &update_sql {
            let sql = format!("{update}{range}");
            let statement = self.prepared.get_in(&mut tx, &sql)?;
            changed = tx.execute(&statement, &params).map_err(|e| statement_error(&sql, e))?;
        }
        if let Some(transform) = &self.transform {
            let spec = transform.spec;
            let inputs: Vec<String> =
                spec.inputs.iter().enumerate().map(|(i, c)| format!("{}::text AS sf_input_{i}", ident(c))).collect();
            let select = format!("SELECT {key_as_text}, {} FROM {t} WHERE {range} ORDER BY {order}", inputs.join(", "));
            let statement = self.prepared.get_in(&mut tx, &select)?;
            let rows = tx.query(&statement, &params).map_err(|e| statement_error(&select, e))?;
            let n = self.key_types.len();
            let mut columns: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); spec.outputs.len() + n];
            let failed = |message: String| ExecError::Statement {
                sql: format!("{}({})", spec.function, spec.inputs.join(", ")),
                message,
            };
            for row in &rows {
                let key: Vec<String> = (0..n).map(|i| row.get::<_, String>(i)).collect();
                let inputs: Vec<Value> = transform
                    .input_types
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| super::postgres::from_text(row.get::<_, Option<String>>(n + i), *ty))
                    .collect();
                let outputs = (transform.function)(inputs)
                    .map_err(|why| failed(format!("the transform failed on the row with key {key:?}: {why}")))?;
                if outputs.len() != spec.outputs.len() {
                    return Err(failed(format!(
                        "the transform returned {} values for the {} columns it sets",
                        outputs.len(),
                        spec.outputs.len()
                    )));
                }
                let texts = outputs.into_iter().map(super::postgres::to_text).chain(key.into_iter().map(Some));
                for (column, value) in columns.iter_mut().zip(texts) {
                    column.push(value);
                }
            }
            if !rows.is_empty() {
                let statement = self.prepared.get_in(&mut tx, &transform.write)?;
                let params: Vec<Param> = columns.iter().map(|c| c as Param).collect();
                tx.execute(&statement, &params).map_err(|e| statement_error(&transform.write, e))?;
            }
            changed = changed.max(rows.len() as u64);
        }
        let record = self.prepared.get_in(
            &mut tx,
            "INSERT INTO schemaflow_backfills (version, phase, last_key, rows_done, rows_total) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (version, phase) DO UPDATE SET last_key = excluded.last_key,
                rows_done = excluded.rows_done, rows_total = excluded.rows_total",
        )?;
        let done = (rows_done + changed) as i64;
        tx.execute(&record, &[&self.version, &self.phase, &upper, &done, &(rows_total as i64)]).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        Ok(Committed { upper, changed })
    }
}

impl Prepared {
    /// [`Prepared::get`] inside a transaction.
    fn get_in(&mut self, tx: &mut postgres::Transaction, sql: &str) -> Result<postgres::Statement, ExecError> {
        if let Some(statement) = self.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = tx.prepare(sql).map_err(|e| statement_error(sql, e))?;
        self.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

impl BatchSource for PostgresBatches<'_> {
    type Key = Vec<String>;

    fn resume(&mut self) -> Result<Resume<Vec<String>>, ExecError> {
        let saved = self
            .client
            .query_opt(
                "SELECT last_key, rows_done FROM schemaflow_backfills WHERE version = $1 AND phase = $2",
                &[&self.version, &self.phase],
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
        let sql = format!("SELECT count(*) FROM {} WHERE {}", self.table, self.range(after.is_some(), false));
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
        if self.transform.is_some() || self.key_types.len() != 1 {
            return self.general_batch(after, rows_done, rows_total);
        }
        let sql = self.one_statement(after.is_some());
        let statement = self.statement(&sql)?;
        let (done, total) = (rows_done as i64, rows_total as i64);
        let mut params: Vec<Param> = after.into_iter().flatten().map(|v| v as Param).collect();
        params.extend([&self.offset as Param, &self.version, &self.phase, &done, &total]);
        let row = self.client.query_one(&statement, &params).map_err(|e| statement_error(&sql, e))?;
        let upper: Option<Vec<String>> = row.get(0);
        let changed = (row.get::<_, i64>(1) as u64).saturating_sub(rows_done);
        Ok(Committed { upper, changed })
    }
}
