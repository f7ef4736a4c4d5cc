//! The catch-up of an online change whose sides are computed by Rust
//! functions (see [`crate::dialect::sync_log`]): in batches, the oldest
//! keys of the change log; for each row, the function for the side its
//! last logged write changed, its result written to the other side, and
//! the keys' log entries deleted, in one transaction. A catch-up stopped
//! anywhere resumes from the log as it stands.
//!
//! As a phase of its own ([`postgres_phase`], [`sqlite_phase`]) each batch
//! commits, with the pause between batches; inside the contract's
//! transaction ([`postgres_drain`], [`sqlite_drain`]) it runs until the log
//! is empty, while no app can write (PostgreSQL: the table is locked in
//! EXCLUSIVE mode; SQLite: the transaction holds the write lock).

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

#[cfg(feature = "postgres")]
use postgres::GenericClient;
#[cfg(feature = "sqlite")]
use rusqlite::Connection;
#[cfg(feature = "sqlite")]
use rusqlite::types::Value as SqlValue;

use super::batches::call_transform;
#[cfg(feature = "postgres")]
use super::postgres_driver::{from_text, to_text};
#[cfg(feature = "sqlite")]
use super::sqlite_batches::{from_sqlite, to_sqlite};
use super::{BatchDone, ExecError, between_batches};
use crate::dialect::Dialect;
use crate::dialect::sync_log::LogSql;
use crate::model::{Backfill, CatchUpRun, SyncSide, TransformSpec};
use crate::transform::{TransformFn, Transforms, Value};

#[cfg(feature = "postgres")]
type Param<'a> = &'a (dyn postgres::types::ToSql + Sync);

/// A catch-up's statements, functions and column names.
struct CatchUp<'a> {
    sql: LogSql,
    run: &'a CatchUpRun,
    forward: (&'a TransformSpec, &'a TransformFn),
    back: (&'a TransformSpec, &'a TransformFn),
    batch_size: i64,
}

impl<'a> CatchUp<'a> {
    fn new(dialect: Dialect, backfill: &'a Backfill, transforms: &'a Transforms) -> Result<CatchUp<'a>, ExecError> {
        let run = backfill.catch_up.as_deref().ok_or_else(|| ExecError::Database("not a catch-up".into()))?;
        let functions = run
            .sync
            .functions
            .as_ref()
            .ok_or_else(|| ExecError::Database(format!("the sync `{}` has no functions", run.sync.name)))?;
        let registered = |spec: &'a TransformSpec| -> Result<(&'a TransformSpec, &'a TransformFn), ExecError> {
            let function = transforms.get(&spec.function).ok_or_else(|| {
                ExecError::Database(format!("the transform `{}` is not registered in this build", spec.function))
            })?;
            Ok((spec, function))
        };
        Ok(CatchUp {
            sql: LogSql::new(dialect, backfill).map_err(ExecError::Database)?,
            run,
            forward: registered(&functions.forward)?,
            back: registered(&functions.back)?,
            batch_size: i64::from(backfill.batch_size),
        })
    }

    /// The column names of the retired side, then the added side, in the
    /// order the statements read them.
    fn names(&self) -> impl Iterator<Item = &str> {
        self.run.sync.retired.iter().chain(&self.run.sync.added).map(|c| c.column.as_str())
    }

    /// The side to write and its values, computed from a row (its values
    /// by column name) whose last write changed `written`; `None` when the
    /// written side is all NULL (nothing to compute from).
    fn compute(
        &self,
        written: SyncSide,
        row: &BTreeMap<&str, Value>,
        key: &dyn std::fmt::Debug,
    ) -> Result<Option<(SyncSide, Vec<Value>)>, ExecError> {
        let ((spec, function), target) = match written {
            SyncSide::Old => (self.forward, SyncSide::New),
            SyncSide::New => (self.back, SyncSide::Old),
        };
        let inputs: Vec<Value> =
            spec.inputs.iter().map(|c| row.get(c.as_str()).cloned().unwrap_or(Value::Null)).collect();
        if inputs.iter().all(|v| *v == Value::Null) {
            return Ok(None);
        }
        let outputs = call_transform(spec, function, inputs, key)?;
        // In the order of the side's columns, as the write takes them.
        let columns = match target {
            SyncSide::Old => &self.run.sync.retired,
            SyncSide::New => &self.run.sync.added,
        };
        let values = columns
            .iter()
            .map(|c| spec.outputs.iter().position(|o| *o == c.column).map_or(Value::Null, |i| outputs[i].clone()))
            .collect();
        Ok(Some((target, values)))
    }

    #[cfg(feature = "postgres")]
    fn types(&self) -> Vec<crate::model::ColumnType> {
        self.sql.retired.iter().chain(&self.sql.added).map(|(_, ty)| ty.clone()).collect()
    }
}

fn side_of(text: &str) -> SyncSide {
    if text == "new" { SyncSide::New } else { SyncSide::Old }
}

#[cfg(feature = "postgres")]
/// One batch on PostgreSQL, in the caller's transaction: the number of
/// keys it took from the log up to entry `last` (0 when none is left).
fn postgres_batch(client: &mut impl GenericClient, c: &CatchUp, last: i64) -> Result<usize, ExecError> {
    use super::postgres_driver::statement_error;
    let n = c.sql.key.len();
    // Until the commit, this transaction's writes are not the apps'.
    let quiet = crate::dialect::sync_log::QUIET_SETTING;
    client.batch_execute(quiet).map_err(|e| statement_error(quiet, e))?;
    let picked = client.query(&c.sql.pick(), &[&c.batch_size, &last]).map_err(|e| statement_error(&c.sql.pick(), e))?;
    let mut seen = HashSet::new();
    let keys: Vec<Vec<String>> = picked
        .iter()
        .map(|r| (0..n).map(|i| r.get::<_, String>(i)).collect::<Vec<String>>())
        .filter(|k| seen.insert(k.clone()))
        .collect();
    if keys.is_empty() {
        return Ok(0);
    }
    let arrays: Vec<Vec<String>> = (0..n).map(|i| keys.iter().map(|k| k[i].clone()).collect()).collect();
    let params: Vec<Param> = arrays.iter().map(|a| a as Param).collect();
    // Lock the rows first: their last logged write is then the last write.
    let read = c.sql.read_rows();
    let rows = client.query(&read, &params).map_err(|e| statement_error(&read, e))?;
    let sides_sql = c.sql.last_sides();
    let sides: BTreeMap<Vec<String>, SyncSide> = client
        .query(&sides_sql, &params)
        .map_err(|e| statement_error(&sides_sql, e))?
        .iter()
        .map(|r| ((0..n).map(|i| r.get::<_, String>(i)).collect(), side_of(&r.get::<_, String>(n))))
        .collect();
    let types = c.types();
    let names: Vec<&str> = c.names().collect();
    // Per side written: a text array per column, then per key column.
    type Columns = Vec<Vec<Option<String>>>;
    let mut writes: BTreeMap<&'static str, (SyncSide, Columns)> = BTreeMap::new();
    for row in &rows {
        let key: Vec<String> = (0..n).map(|i| row.get::<_, String>(i)).collect();
        let Some(written) = sides.get(&key) else { continue };
        let values: BTreeMap<&str, Value> = names
            .iter()
            .zip(&types)
            .enumerate()
            .map(|(i, (name, ty))| (*name, from_text(row.get::<_, Option<String>>(n + i), ty.clone())))
            .collect();
        let Some((target, outputs)) = c.compute(*written, &values, &key)? else { continue };
        let width = c.sql.side(target).len() + n;
        let (_, columns) = writes.entry(target.as_str()).or_insert_with(|| (target, vec![Vec::new(); width]));
        let texts = outputs.into_iter().map(to_text).chain(key.into_iter().map(Some));
        for (column, value) in columns.iter_mut().zip(texts) {
            column.push(value);
        }
    }
    for (target, columns) in writes.values() {
        let write = c.sql.write(*target);
        let params: Vec<Param> = columns.iter().map(|col| col as Param).collect();
        client.execute(&write, &params).map_err(|e| statement_error(&write, e))?;
    }
    let forget = c.sql.forget();
    client.execute(&forget, &params).map_err(|e| statement_error(&forget, e))?;
    Ok(keys.len())
}

#[cfg(feature = "sqlite")]
/// One batch on SQLite, in the caller's transaction, up to entry `last`.
fn sqlite_batch(conn: &Connection, c: &CatchUp, last: i64) -> Result<usize, ExecError> {
    use super::sqlite_driver::statement_error;
    use rusqlite::OptionalExtension;
    let n = c.sql.key.len();
    let pick = c.sql.pick();
    let mut stmt = conn.prepare_cached(&pick).map_err(|e| statement_error(&pick, e))?;
    let picked: Vec<Vec<SqlValue>> = stmt
        .query_map([c.batch_size, last], |r| (0..n).map(|i| r.get::<_, SqlValue>(i)).collect())
        .and_then(|rows| rows.collect())
        .map_err(|e| statement_error(&pick, e))?;
    let mut seen = HashSet::new();
    let keys: Vec<Vec<SqlValue>> = picked.into_iter().filter(|k| seen.insert(format!("{k:?}"))).collect();
    let names: Vec<&str> = c.names().collect();
    let (read, sides, forget) = (c.sql.read_rows(), c.sql.last_sides(), c.sql.forget());
    for key in &keys {
        let params = rusqlite::params_from_iter(key.iter());
        let row: Option<Vec<SqlValue>> = conn
            .prepare_cached(&read)
            .and_then(|mut s| {
                s.query_row(params, |r| (0..n + names.len()).map(|i| r.get::<_, SqlValue>(i)).collect()).optional()
            })
            .map_err(|e| statement_error(&read, e))?;
        if let Some(row) = row {
            let written: Option<String> = conn
                .prepare_cached(&sides)
                .and_then(|mut s| s.query_row(rusqlite::params_from_iter(key.iter()), |r| r.get(0)).optional())
                .map_err(|e| statement_error(&sides, e))?;
            let values: BTreeMap<&str, Value> =
                names.iter().zip(&row[n..]).map(|(name, v)| (*name, from_sqlite(v))).collect();
            if let Some(written) = written
                && let Some((target, outputs)) = c.compute(side_of(&written), &values, key)?
            {
                let write = c.sql.write(target);
                let values: Vec<SqlValue> = outputs.into_iter().map(to_sqlite).chain(key.iter().cloned()).collect();
                conn.prepare_cached(&write)
                    .and_then(|mut s| s.execute(rusqlite::params_from_iter(values.iter())))
                    .map_err(|e| statement_error(&write, e))?;
            }
        }
        // The key's entries, the one the write above just logged included.
        conn.prepare_cached(&forget)
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(key.iter())))
            .map_err(|e| statement_error(&forget, e))?;
    }
    Ok(keys.len())
}

#[cfg(feature = "postgres")]
/// Entries logged, for the progress figures, and the last one: a pass
/// works through these.
fn postgres_logged(client: &mut impl GenericClient, c: &CatchUp) -> Result<(u64, i64), ExecError> {
    use super::postgres_driver::statement_error;
    let (count, last) = (c.sql.count(), c.sql.last_entry());
    let n = client.query_one(&count, &[]).map_err(|e| statement_error(&count, e))?.get::<_, i64>(0);
    let last = client.query_one(&last, &[]).map_err(|e| statement_error(&last, e))?.get::<_, i64>(0);
    Ok((n as u64, last))
}

#[cfg(feature = "sqlite")]
fn sqlite_logged(conn: &Connection, c: &CatchUp) -> Result<(u64, i64), ExecError> {
    use super::sqlite_driver::statement_error;
    let (count, last) = (c.sql.count(), c.sql.last_entry());
    let n = conn.query_row(&count, [], |r| r.get::<_, i64>(0)).map_err(|e| statement_error(&count, e))?;
    let last = conn.query_row(&last, [], |r| r.get::<_, i64>(0)).map_err(|e| statement_error(&last, e))?;
    Ok((n as u64, last))
}

/// A phase's batches, each committed by `batch` (the number of keys it
/// took), until one takes nothing: each reported against the `total`
/// logged when the pass began, with the pause between them.
fn committed_batches(
    backfill: &Backfill,
    total: u64,
    on_batch: &mut dyn FnMut(BatchDone),
    mut batch: impl FnMut() -> Result<usize, ExecError>,
) -> Result<(), ExecError> {
    let mut done = 0;
    loop {
        let started = Instant::now();
        let taken = batch()?;
        if taken == 0 {
            return Ok(());
        }
        done += taken as u64;
        on_batch(BatchDone {
            table: backfill.table.clone(),
            rows_done: done,
            rows_total: total.max(done),
            took: started.elapsed(),
        });
        between_batches(backfill.pause_ms)?;
    }
}

#[cfg(feature = "postgres")]
/// The catch-up as a phase of its own on PostgreSQL: each batch commits.
pub(crate) fn postgres_phase(
    client: &mut postgres::Client,
    backfill: &Backfill,
    transforms: &Transforms,
    on_batch: &mut dyn FnMut(BatchDone),
) -> Result<(), ExecError> {
    use super::postgres_driver::{db_error, statement_error};
    let c = CatchUp::new(Dialect::Postgres, backfill, transforms)?;
    if let Some(side) = c.run.fill_from {
        let seed = c.sql.seed(side);
        client.batch_execute(&seed).map_err(|e| statement_error(&seed, e))?;
    }
    let (total, last) = postgres_logged(client, &c)?;
    committed_batches(backfill, total, on_batch, || {
        let mut tx = client.transaction().map_err(db_error)?;
        let taken = postgres_batch(&mut tx, &c, last)?;
        tx.commit().map_err(db_error)?;
        Ok(taken)
    })
}

#[cfg(feature = "postgres")]
/// The last catch-up, inside the caller's transaction, on PostgreSQL.
pub(crate) fn postgres_drain(
    client: &mut impl GenericClient,
    backfill: &Backfill,
    transforms: &Transforms,
) -> Result<(), ExecError> {
    let c = CatchUp::new(Dialect::Postgres, backfill, transforms)?;
    // No app writes meanwhile: everything logged.
    while postgres_batch(client, &c, i64::MAX)? > 0 {}
    Ok(())
}

#[cfg(feature = "sqlite")]
/// The catch-up as a phase of its own on SQLite: each batch commits.
pub(crate) fn sqlite_phase(
    conn: &Connection,
    backfill: &Backfill,
    transforms: &Transforms,
    on_batch: &mut dyn FnMut(BatchDone),
) -> Result<(), ExecError> {
    use super::sqlite_driver::statement_error;
    let c = CatchUp::new(Dialect::Sqlite, backfill, transforms)?;
    if let Some(side) = c.run.fill_from {
        let seed = c.sql.seed(side);
        immediate(conn, || conn.execute_batch(&seed).map_err(|e| statement_error(&seed, e)))?;
    }
    let (total, last) = sqlite_logged(conn, &c)?;
    committed_batches(backfill, total, on_batch, || immediate(conn, || sqlite_batch(conn, &c, last)))
}

#[cfg(feature = "sqlite")]
/// Runs `body` in a `BEGIN IMMEDIATE` transaction: committed when it
/// succeeds, rolled back when it fails.
fn immediate<T>(conn: &Connection, body: impl FnOnce() -> Result<T, ExecError>) -> Result<T, ExecError> {
    use super::sqlite_driver::db_error;
    conn.execute_batch("BEGIN IMMEDIATE").map_err(db_error)?;
    match body() {
        Ok(value) => {
            conn.execute_batch("COMMIT").map_err(db_error)?;
            Ok(value)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

#[cfg(feature = "sqlite")]
/// The last catch-up, inside the caller's transaction, on SQLite.
pub(crate) fn sqlite_drain(conn: &Connection, backfill: &Backfill, transforms: &Transforms) -> Result<(), ExecError> {
    let c = CatchUp::new(Dialect::Sqlite, backfill, transforms)?;
    while sqlite_batch(conn, &c, i64::MAX)? > 0 {}
    Ok(())
}
