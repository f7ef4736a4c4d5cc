//! The PostgreSQL backend: runs plans through the `postgres` crate (no TLS)
//! in one schema, and reads the live schema back from the catalogs.
//!
//! A session-level advisory lock keeps a second runner out while one
//! migrates (the second polls for it, so it never holds a transaction open
//! that a concurrent index build would wait for); each phase also checks and updates the bookkeeping row in its
//! own transaction (`SELECT … FOR UPDATE`). Statements that must run
//! outside a transaction (`CREATE INDEX CONCURRENTLY`) run on their own,
//! after an INVALID index left by a failed build is dropped, and the
//! progress is recorded right after them. A statement that cannot get its
//! lock within `lock_timeout` fails with SQLSTATE 55P03, which the runner
//! turns into a retry of the phase.

use std::time::Duration;

use postgres::{Client, NoTls};

use super::batches;
use super::postgres_batches::PostgresBatches;
use super::postgres_driver::{db_error, message, statement_error};
use super::{
    AppliedMigration, BACKUPS_TABLE, BOOKKEEPING_TABLE, Backend, BackfillProgress, BatchDone, ExecError, OBJECTS_TABLE,
    Progress,
};
use crate::dialect::{self, Dialect, Phase, Plan, Statement, ident};
use crate::model::{Column, ColumnType, Constraint, ConstraintKind, DefaultValue, FkAction, Generated, Index, Table};
use crate::schema::Schema;
use crate::transform::Transforms;

/// How often a waiting runner asks for the advisory lock again.
const LOCK_POLL: Duration = Duration::from_millis(200);

/// A PostgreSQL database, migrated in one schema.
pub struct PostgresBackend {
    client: Client,
    /// The URL it connected with, for `pg_dump`.
    url: String,
    schema: String,
    /// The session statements last run on this connection.
    session: Vec<String>,
    locked: bool,
    /// Whose history this backend reads and records.
    namespace: String,
}

impl PostgresBackend {
    /// Connects to `url` and works in `schema` (created by [`Self::prepare`]).
    pub fn connect(url: &str, schema: &str) -> Result<PostgresBackend, ExecError> {
        let client = Client::connect(url, NoTls).map_err(|e| {
            ExecError::Database(format!("cannot connect to {}: {}", crate::database_url::redact(url), message(&e)))
        })?;
        let mut backend = PostgresBackend {
            client,
            url: url.to_owned(),
            schema: schema.to_owned(),
            session: Vec::new(),
            locked: false,
            namespace: String::new(),
        };
        // Literals are written the standard way (a quote doubled, a
        // backslash as itself); a server or database configured with
        // `standard_conforming_strings = off` would read a backslash as an
        // escape, so that a value could end its string early. pg_dump sets
        // it the same way.
        let set = format!("SET standard_conforming_strings = on; SET search_path TO {}", ident(schema));
        backend.client.batch_execute(&set).map_err(db_error)?;
        Ok(backend)
    }

    /// Creates the schema and the bookkeeping tables when they are
    /// missing, and brings tables of one history per database to one per
    /// namespace (their rows becoming this namespace's: they were the only
    /// crate's), in one transaction.
    pub fn prepare(&mut self) -> Result<(), ExecError> {
        let mut tx = self.client.transaction().map_err(db_error)?;
        let legacy: Vec<String> = tx
            .query(
                "SELECT t.tablename::text FROM pg_tables t WHERE t.schemaname = $1
                   AND t.tablename IN ('schemaflow_migrations', 'schemaflow_backfills')
                   AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                                   WHERE c.table_schema = t.schemaname AND c.table_name = t.tablename AND c.column_name = 'namespace')",
                &[&self.schema],
            )
            .map_err(db_error)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for table in legacy {
            let sql = format!(
                "ALTER TABLE {schema}.{table} ADD COLUMN namespace TEXT NOT NULL DEFAULT '';
                 UPDATE {schema}.{table} SET namespace = {namespace};
                 ALTER TABLE {schema}.{table} DROP CONSTRAINT {pkey};
                 ALTER TABLE {schema}.{table} ADD PRIMARY KEY ({key})",
                schema = ident(&self.schema),
                namespace = dialect::literal(&self.namespace),
                pkey = ident(&format!("{table}_pkey")),
                key = if table == BOOKKEEPING_TABLE { "namespace, version" } else { "namespace, version, phase" },
            );
            tx.batch_execute(&sql).map_err(|e| statement_error(&sql, e))?;
        }
        let sql = format!(
            "CREATE SCHEMA IF NOT EXISTS {schema};
             CREATE TABLE IF NOT EXISTS {schema}.{BOOKKEEPING_TABLE} (
                namespace TEXT NOT NULL DEFAULT '',
                version BIGINT NOT NULL,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                duration_ms BIGINT NOT NULL,
                state TEXT NOT NULL,
                phases_done INTEGER NOT NULL,
                phases_total INTEGER NOT NULL,
                PRIMARY KEY (namespace, version)
             );
             CREATE TABLE IF NOT EXISTS {schema}.schemaflow_backfills (
                namespace TEXT NOT NULL DEFAULT '',
                version BIGINT NOT NULL,
                phase INTEGER NOT NULL,
                last_key TEXT[],
                rows_done BIGINT NOT NULL,
                rows_total BIGINT NOT NULL,
                PRIMARY KEY (namespace, version, phase)
             );
             CREATE TABLE IF NOT EXISTS {schema}.{OBJECTS_TABLE} (
                namespace TEXT NOT NULL,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                PRIMARY KEY (namespace, kind, name)
             );
             CREATE TABLE IF NOT EXISTS {schema}.{BACKUPS_TABLE} (
                namespace TEXT NOT NULL,
                taken_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                path TEXT NOT NULL,
                head BIGINT NOT NULL
             )",
            schema = ident(&self.schema)
        );
        tx.batch_execute(&sql).map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    /// Whether a bookkeeping table has the `namespace` column (a table of
    /// one history per database, not yet brought up to date by a `run`,
    /// holds this namespace's rows only).
    fn has_namespace(&mut self, table: &str) -> Result<bool, ExecError> {
        let row = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'namespace')",
                &[&self.schema, &table],
            )
            .map_err(db_error)?;
        Ok(row.get(0))
    }

    /// ` WHERE namespace = $1`, or a condition true for every row of a
    /// table without namespaces.
    fn namespace_filter(&mut self, table: &str) -> Result<&'static str, ExecError> {
        Ok(if self.has_namespace(table)? { " WHERE namespace = $1" } else { " WHERE $1::text IS NOT NULL" })
    }

    /// The client, for tests and tools that inspect the data.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Whether the table `name` exists in the migrated schema.
    fn table_exists(&mut self, name: &str) -> Result<bool, ExecError> {
        let row = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2)",
                &[&self.schema, &name],
            )
            .map_err(db_error)?;
        Ok(row.get(0))
    }

    fn lock_key(&self) -> i64 {
        // FNV-1a of the schema name: one lock per migrated schema.
        let hash = format!("schemaflow:{}", self.schema)
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        hash as i64
    }

    /// Runs the plan's session settings unless they are already in force
    /// (each migration may set its own timeouts).
    fn session(&mut self, plan: &Plan) -> Result<(), ExecError> {
        let wanted: Vec<String> = plan.session.iter().map(|s| s.sql.clone()).collect();
        if wanted != self.session {
            self.client.batch_execute("RESET statement_timeout").map_err(db_error)?;
            for sql in &wanted {
                self.client.batch_execute(sql).map_err(|e| statement_error(sql, e))?;
            }
            self.session = wanted;
        }
        Ok(())
    }

    /// Runs `body` in a transaction that first checks the bookkeeping row
    /// (locking it) and ends by recording `progress` (see
    /// [`checked_transaction`]).
    fn in_transaction(
        &mut self,
        progress: &Progress,
        body: impl FnOnce(&mut Client) -> Result<(), ExecError>,
    ) -> Result<(), ExecError> {
        checked_transaction(&mut self.client, progress, None, body, &record_sql(progress))
    }

    /// Drops an INVALID index of this name, left behind by a failed
    /// concurrent build, so that `CREATE INDEX CONCURRENTLY IF NOT EXISTS`
    /// builds it again instead of keeping the broken one.
    fn drop_invalid_index(&mut self, name: &str) -> Result<(), ExecError> {
        let invalid = self
            .client
            .query_opt(
                "SELECT 1 FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
                 WHERE n.nspname = $1 AND i.relname = $2 AND NOT ix.indisvalid",
                &[&self.schema, &name],
            )
            .map_err(db_error)?;
        if invalid.is_some() {
            let sql = format!("DROP INDEX CONCURRENTLY IF EXISTS {}.{}", ident(&self.schema), ident(name));
            self.client.batch_execute(&sql).map_err(|e| statement_error(&sql, e))?;
        }
        Ok(())
    }

    /// Runs `body` (a backfill's batches) with commits not waiting for the
    /// WAL flush (`synchronous_commit = off`), unless the server replicates
    /// synchronously (then a standby's acknowledgement keeps throttling the
    /// batches). A batch and its progress record commit together, so a
    /// server crash loses the last few batches only with their records, and
    /// a resumed run does them again: every row is still changed once. The
    /// phase's final commit waits for the flush, which makes every batch
    /// before it durable.
    fn with_relaxed_commits<T>(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<T, ExecError>,
    ) -> Result<T, ExecError> {
        let standbys: String =
            self.client.query_one("SELECT current_setting('synchronous_standby_names')", &[]).map_err(db_error)?.get(0);
        if !standbys.trim().is_empty() {
            return body(self);
        }
        self.client.batch_execute("SET synchronous_commit = off").map_err(db_error)?;
        let result = body(self);
        let reset = self.client.batch_execute("RESET synchronous_commit").map_err(db_error);
        result.and_then(|value| reset.map(|()| value))
    }
}

/// The SQLSTATE [`raising_check_sql`] raises when the phase is no longer to do.
const ALREADY_DONE: &str = "SF001";

/// The check that a phase is still to do (another runner may have done
/// it): locks the migration's bookkeeping row and raises SQLSTATE
/// [`ALREADY_DONE`] unless the row is in the state the phase follows (the
/// same conditions as [`Progress::follows`]), so that what comes after it
/// in the same message does not run.
pub(super) fn raising_check_sql(progress: &Progress) -> String {
    use super::{APPLIED, APPLYING, Direction, EXPANDED, ROLLING_BACK};
    let is = |state: &str| dialect::literal(state);
    let k = progress.phase;
    // The row a phase follows: the one the phase before left, or the one
    // this phase recorded when it started (`Progress::started_state`).
    let follows = match progress.direction {
        Direction::Up => {
            let under_way =
                format!("FOUND AND r.state IN ({}, {}) AND r.phases_done = {k}", is(APPLYING), is(EXPANDED));
            if k == 0 { format!("NOT FOUND OR ({under_way})") } else { under_way }
        }
        Direction::Down => {
            let under_way = format!("FOUND AND r.state = {} AND r.phases_done = {k}", is(ROLLING_BACK));
            if k == 0 {
                format!("(FOUND AND r.state IN ({}, {})) OR ({under_way})", is(APPLIED), is(EXPANDED))
            } else {
                under_way
            }
        }
    };
    format!(
        "DO $schemaflow$ DECLARE r record; BEGIN SELECT state, phases_done INTO r FROM {BOOKKEEPING_TABLE} WHERE namespace = {} AND version = {} FOR UPDATE; IF NOT ({follows}) THEN RAISE EXCEPTION USING ERRCODE = '{ALREADY_DONE}', MESSAGE = 'another runner did this phase first'; END IF; END $schemaflow$",
        dialect::literal(&progress.namespace),
        progress.version
    )
}

/// What records `p` as done: the row's new state, or (the last phase of a
/// rollback) no row and no batch progress that a later run could take for
/// its own.
fn record_sql(p: &Progress) -> String {
    match p.recorded_state() {
        Some((state, done)) => state_sql(p, state, done),
        None => {
            let condition = format!("WHERE namespace = {} AND version = {}", dialect::literal(&p.namespace), p.version);
            format!("DELETE FROM {BOOKKEEPING_TABLE} {condition}; DELETE FROM schemaflow_backfills {condition}")
        }
    }
}

/// Checks the bookkeeping and records that the phase has started, in one
/// committed transaction, before a phase whose work does not commit with
/// its record.
fn mark_started(client: &mut Client, progress: &Progress) -> Result<(), ExecError> {
    let (state, done) = progress.started_state();
    checked_transaction(client, progress, None, |_| Ok(()), &state_sql(progress, state, done))
}

/// `BEGIN` with the check that `progress`'s phase is still to do and, when
/// given, the phase's one statement, in one message; then `body`; then
/// `record` with the `COMMIT`; rolled back on any error. A phase of one
/// statement so costs two round trips, one fewer than a script that sends
/// `BEGIN`, the statement and `COMMIT` one by one.
fn checked_transaction(
    client: &mut Client,
    progress: &Progress,
    along: Option<&Statement>,
    body: impl FnOnce(&mut Client) -> Result<(), ExecError>,
    record: &str,
) -> Result<(), ExecError> {
    let result = (|| {
        let mut first = format!("BEGIN; {}", raising_check_sql(progress));
        if let Some(s) = along {
            first.push_str("; ");
            first.push_str(&s.sql);
        }
        client.batch_execute(&first).map_err(|e| {
            if e.code() == Some(&postgres::error::SqlState::from_code(ALREADY_DONE)) {
                ExecError::AlreadyDone
            } else {
                match along {
                    Some(s) => statement_error(&s.sql, e),
                    None => db_error(e),
                }
            }
        })?;
        body(client)?;
        client.batch_execute(&format!("{record}; COMMIT")).map_err(db_error)
    })();
    if result.is_err() {
        // Also after a failed COMMIT, when no transaction is left (a notice).
        let _ = client.batch_execute("ROLLBACK");
    }
    result
}

/// The bookkeeping row of `p` in `state`, `done` phases done, as SQL with
/// its values written out (so that it travels in one message with the
/// `COMMIT`).
fn state_sql(p: &Progress, state: &str, done: u32) -> String {
    format!(
        "INSERT INTO {BOOKKEEPING_TABLE} (version, name, checksum, applied_at, duration_ms, state, phases_done, phases_total, namespace)
         VALUES ({}, {}, {}, now(), {}, {}, {done}, {}, {})
         ON CONFLICT (namespace, version) DO UPDATE SET applied_at = excluded.applied_at, duration_ms = excluded.duration_ms,
            state = excluded.state, phases_done = excluded.phases_done, phases_total = excluded.phases_total",
        p.version,
        dialect::literal(&p.name),
        dialect::literal(&p.checksum),
        p.started.elapsed().as_millis(),
        dialect::literal(state),
        p.phases_total,
        dialect::literal(&p.namespace),
    )
}

fn run_statements(client: &mut Client, statements: &[Statement], transforms: &Transforms) -> Result<(), ExecError> {
    for s in statements {
        match &s.drains {
            Some(backfill) => super::catch_up::postgres_drain(client, backfill, transforms)?,
            None => client.batch_execute(&s.sql).map_err(|e| statement_error(&s.sql, e))?,
        }
    }
    Ok(())
}

impl Backend for PostgresBackend {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn acquire_lock(&mut self, on_wait: &mut dyn FnMut()) -> Result<(), ExecError> {
        if self.locked {
            return Ok(());
        }
        // Poll rather than block in pg_advisory_lock: a waiting statement
        // is an open transaction, which the holder's CREATE INDEX
        // CONCURRENTLY would wait for in turn (a deadlock).
        let key = self.lock_key();
        let mut waited = false;
        loop {
            let got: bool = self.client.query_one("SELECT pg_try_advisory_lock($1)", &[&key]).map_err(db_error)?.get(0);
            if got {
                break;
            }
            if !waited {
                on_wait();
                waited = true;
            }
            std::thread::sleep(LOCK_POLL);
        }
        self.locked = true;
        self.prepare()
    }

    fn release_lock(&mut self) {
        if self.locked {
            let _ = self.client.query_one("SELECT pg_advisory_unlock($1)", &[&self.lock_key()]);
            self.locked = false;
        }
    }

    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn set_namespace(&mut self, namespace: &str) {
        namespace.clone_into(&mut self.namespace);
    }

    fn others(&mut self) -> Result<super::Others, ExecError> {
        let mut others = super::Others::default();
        if !self.table_exists(BOOKKEEPING_TABLE)? || !self.has_namespace(BOOKKEEPING_TABLE)? {
            return Ok(others);
        }
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT namespace, version, checksum FROM {BOOKKEEPING_TABLE} WHERE namespace <> $1 ORDER BY namespace, version"
                ),
                &[&self.namespace],
            )
            .map_err(db_error)?;
        for r in rows {
            others.histories.entry(r.get(0)).or_default().push((r.get::<_, i64>(1) as u64, r.get(2)));
        }
        let rows = if self.table_exists(OBJECTS_TABLE)? {
            self.client
                .query(
                    &format!("SELECT name, namespace FROM {OBJECTS_TABLE} WHERE namespace <> $1"),
                    &[&self.namespace],
                )
                .map_err(db_error)?
        } else {
            Vec::new()
        };
        for r in rows {
            others.objects.insert(r.get(0), r.get(1));
        }
        Ok(others)
    }

    fn claim(&mut self, schema: &Schema) -> Result<(), ExecError> {
        let mut tx = self.client.transaction().map_err(db_error)?;
        tx.execute(&format!("DELETE FROM {OBJECTS_TABLE} WHERE namespace = $1"), &[&self.namespace])
            .map_err(db_error)?;
        // One statement for all of them: a round trip per object would cost
        // more than the run itself on a long history.
        let (kinds, names): (Vec<&str>, Vec<&String>) =
            schema.tables.keys().map(|t| ("table", t)).chain(schema.indexes.keys().map(|i| ("index", i))).unzip();
        tx.execute(
            &format!(
                "INSERT INTO {OBJECTS_TABLE} (namespace, kind, name) SELECT $1, kind, name FROM unnest($2::text[], $3::text[]) AS o(kind, name)"
            ),
            &[&self.namespace, &kinds, &names],
        )
        .map_err(db_error)?;
        tx.commit().map_err(db_error)
    }

    fn backup(&mut self, dest: &std::path::Path) -> Result<(), ExecError> {
        super::backup::pg_dump(&self.url, dest)
    }

    fn record_backup(&mut self, path: &str, head: u64) -> Result<(), ExecError> {
        self.client
            .execute(
                &format!("INSERT INTO {BACKUPS_TABLE} (namespace, path, head) VALUES ($1, $2, $3)"),
                &[&self.namespace, &path, &(head as i64)],
            )
            .map(|_| ())
            .map_err(db_error)
    }

    fn backups(&mut self) -> Result<Vec<super::Backup>, ExecError> {
        if !self.table_exists(BACKUPS_TABLE)? {
            return Ok(Vec::new());
        }
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT path, to_char(taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), head
                     FROM {BACKUPS_TABLE} WHERE namespace = $1 ORDER BY taken_at DESC"
                ),
                &[&self.namespace],
            )
            .map_err(db_error)?;
        Ok(rows
            .iter()
            .map(|r| super::Backup { path: r.get(0), taken_at: r.get(1), head: r.get::<_, i64>(2) as u64 })
            .collect())
    }

    fn applied(&mut self) -> Result<Vec<AppliedMigration>, ExecError> {
        if !self.table_exists(BOOKKEEPING_TABLE)? {
            return Ok(Vec::new());
        }
        let filter = self.namespace_filter(BOOKKEEPING_TABLE)?;
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                            duration_ms, state, phases_done, phases_total
                     FROM {BOOKKEEPING_TABLE}{filter} ORDER BY version"
                ),
                &[&self.namespace],
            )
            .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                super::RawRow {
                    version: r.get(0),
                    name: r.get(1),
                    checksum: r.get(2),
                    applied_at: r.get(3),
                    duration_ms: r.get(4),
                    state: r.get(5),
                    phases_done: i64::from(r.get::<_, i32>(6)),
                    phases_total: i64::from(r.get::<_, i32>(7)),
                }
                .check()
            })
            .collect()
    }

    fn run_phase(
        &mut self,
        plan: &Plan,
        phase: usize,
        schema: &Schema,
        progress: &Progress,
        transforms: &Transforms,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<(), ExecError> {
        self.session(plan)?;
        match plan.phases.get(phase) {
            None | Some(Phase::Deploy(_)) => self.in_transaction(progress, |_| Ok(())),
            Some(Phase::Transaction(statements)) => match statements.as_slice() {
                [only] if only.drains.is_none() => {
                    checked_transaction(&mut self.client, progress, Some(only), |_| Ok(()), &record_sql(progress))
                }
                _ => self.in_transaction(progress, |tx| run_statements(tx, statements, transforms)),
            },
            Some(Phase::Outside(statement)) => {
                // Check first, so a runner that lost the race runs nothing.
                mark_started(&mut self.client, progress)?;
                if let Some(index) = &statement.builds_index {
                    self.drop_invalid_index(index)?;
                }
                self.client.batch_execute(&statement.sql).map_err(|e| statement_error(&statement.sql, e))?;
                self.in_transaction(progress, |_| Ok(()))
            }
            Some(Phase::Backfill(backfill)) if backfill.catch_up.is_some() => {
                mark_started(&mut self.client, progress)?;
                super::catch_up::postgres_phase(&mut self.client, backfill, transforms, on_batch)?;
                self.in_transaction(progress, |_| Ok(()))
            }
            Some(Phase::Backfill(backfill)) => {
                mark_started(&mut self.client, progress)?;
                self.with_relaxed_commits(|me| {
                    let mut batches = PostgresBatches::new(&mut me.client, backfill, schema, progress, transforms)?;
                    batches::run(&mut batches, backfill, on_batch)
                })?;
                let (version, phase) = (progress.version as i64, progress.phase as i32);
                self.in_transaction(progress, |tx| {
                    tx.execute(
                        "DELETE FROM schemaflow_backfills WHERE namespace = $1 AND version = $2 AND phase = $3",
                        &[&progress.namespace, &version, &phase],
                    )
                    .map(|_| ())
                    .map_err(db_error)
                })
            }
        }
    }

    fn catch_up(
        &mut self,
        backfill: &crate::model::Backfill,
        transforms: &Transforms,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<(), ExecError> {
        super::catch_up::postgres_phase(&mut self.client, backfill, transforms, on_batch)
    }

    fn introspect(&mut self) -> Result<Schema, ExecError> {
        introspect(&mut self.client, &self.schema).map(|(schema, _)| schema)
    }

    fn count_rows(&mut self, table: &str, predicate: Option<&str>) -> Result<Option<u64>, ExecError> {
        if !self.table_exists(table)? {
            return Ok(None);
        }
        let filter = predicate.map(|p| format!(" WHERE {p}")).unwrap_or_default();
        let sql = format!("SELECT count(*) FROM {}{filter}", ident(table));
        // A predicate on a column a pending migration adds cannot be counted yet.
        Ok(self.client.query_one(&sql, &[]).ok().map(|r| r.get::<_, i64>(0) as u64))
    }

    fn estimate_rows(&mut self, table: &str) -> Result<Option<u64>, ExecError> {
        let row = self
            .client
            .query_opt(
                "SELECT c.reltuples::float8, c.relpages::int8, pg_relation_size(c.oid)::int8,
                        current_setting('block_size')::int8
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'",
                &[&self.schema, &table],
            )
            .map_err(db_error)?;
        // Not a plain table (a partitioned one keeps its rows in its
        // partitions): unknown rather than a wrong figure.
        let Some(row) = row else { return Ok(None) };
        let (tuples, pages, bytes, block): (f64, i64, i64, i64) = (row.get(0), row.get(1), row.get(2), row.get(3));
        let pages_now = bytes / block.max(1);
        // As the planner does: the density last measured, times the pages
        // there are now. Never measured (-1, or no pages then) and small:
        // counting is cheap; large: unknown.
        if tuples >= 0.0 && pages > 0 {
            Ok(Some((tuples / pages as f64 * pages_now as f64).round() as u64))
        } else if pages_now == 0 {
            Ok(Some(0))
        } else if bytes < 100 * 1024 * 1024 {
            self.count_rows(table, None)
        } else {
            Ok(None)
        }
    }

    fn adoption(&mut self) -> Result<super::Adoption, ExecError> {
        let (schema, _) = introspect(&mut self.client, &self.schema)?;
        let mut adoption = super::Adoption { schema, ..super::Adoption::default() };
        // What the model does not cover, in the order a replay needs it.
        let queries: [(&str, &str); 7] = [
            (
                "extension",
                "SELECT e.extname::text, format('CREATE EXTENSION IF NOT EXISTS %I', e.extname)
                 FROM pg_extension e WHERE e.extname <> 'plpgsql' AND $1::text IS NOT NULL ORDER BY e.extname",
            ),
            (
                "type",
                "SELECT t.typname::text,
                        format('CREATE TYPE %I AS ENUM (%s)', t.typname,
                               (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY t.typname",
            ),
            (
                "function",
                "SELECT p.proname::text, pg_get_functiondef(p.oid)
                 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
                 ORDER BY p.proname",
            ),
            (
                "index",
                "SELECT i.relname::text, pg_get_indexdef(ix.indexrelid)
                 FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
                 WHERE n.nspname = $1 AND (ix.indexprs IS NOT NULL OR am.amname <> 'btree')
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
                 ORDER BY i.relname",
            ),
            (
                "view",
                "SELECT c.relname::text, format('CREATE VIEW %I AS %s', c.relname, pg_get_viewdef(c.oid))
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY c.oid",
            ),
            (
                "materialized view",
                "SELECT c.relname::text, format('CREATE MATERIALIZED VIEW %I AS %s', c.relname, pg_get_viewdef(c.oid))
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relkind = 'm' ORDER BY c.oid",
            ),
            (
                "trigger",
                "SELECT t.tgname::text, pg_get_triggerdef(t.oid)
                 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY c.relname, t.tgname",
            ),
        ];
        for (kind, sql) in queries {
            for row in self.client.query(sql, &[&self.schema]).map_err(|e| statement_error(sql, e))? {
                let (name, sql): (String, String) = (row.get(0), row.get(1));
                if kind == "index" {
                    adoption.schema.indexes.remove(&name);
                }
                adoption.raw.push(super::RawObject { kind: kind.to_owned(), name, sql });
            }
        }
        for tool in &super::TOOLS {
            if !self.table_exists(tool.table)? {
                continue;
            }
            let mut read = |sql: &str| -> Result<Vec<String>, ExecError> {
                Ok(self.client.query(sql, &[]).map_err(|e| statement_error(sql, e))?.iter().map(|r| r.get(0)).collect())
            };
            let applied = read(tool.applied)?;
            let failed = tool.failed.map(&mut read).transpose()?.unwrap_or_default();
            adoption.histories.push(super::ToolHistory {
                tool: tool.name.to_owned(),
                table: tool.table.to_owned(),
                applied,
                failed,
            });
        }
        Ok(adoption)
    }

    fn backfills(&mut self) -> Result<Vec<BackfillProgress>, ExecError> {
        if !self.table_exists("schemaflow_backfills")? {
            return Ok(Vec::new());
        }
        let filter = self.namespace_filter("schemaflow_backfills")?;
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT version, phase, rows_done, rows_total FROM schemaflow_backfills{filter} ORDER BY version, phase"
                ),
                &[&self.namespace],
            )
            .map_err(db_error)?;
        Ok(rows
            .iter()
            .map(|r| BackfillProgress {
                version: r.get::<_, i64>(0) as u64,
                phase: r.get::<_, i32>(1) as u32,
                rows_done: r.get::<_, i64>(2) as u64,
                rows_total: r.get::<_, i64>(3) as u64,
            })
            .collect())
    }

    fn drift(
        &mut self,
        expected: &Schema,
        foreign: &std::collections::BTreeMap<String, String>,
    ) -> Result<Vec<String>, ExecError> {
        let (mut actual, mut notes) = introspect(&mut self.client, &self.schema)?;
        actual.forget(foreign);
        notes.retain(|note| !super::mentions_any(note, foreign));
        let mut out =
            crate::diff::diff(&normalize(expected), &normalize(&actual), &crate::diff::Words::drift(Dialect::Postgres));
        out.append(&mut notes);
        Ok(out)
    }
}

fn column_type(data_type: &str, length: Option<i32>, precision: Option<i32>, scale: Option<i32>) -> Option<ColumnType> {
    Some(match data_type {
        "boolean" => ColumnType::Bool,
        "smallint" => ColumnType::I16,
        "integer" => ColumnType::I32,
        "bigint" => ColumnType::I64,
        "real" => ColumnType::F32,
        "double precision" => ColumnType::F64,
        "numeric" => ColumnType::Decimal { precision: precision? as u32, scale: scale? as u32 },
        "text" => ColumnType::Text,
        "character varying" => ColumnType::Varchar(length? as u32),
        "bytea" => ColumnType::Bytes,
        "date" => ColumnType::Date,
        "time without time zone" => ColumnType::Time,
        "timestamp without time zone" => ColumnType::Timestamp,
        "timestamp with time zone" => ColumnType::TimestampTz,
        "uuid" => ColumnType::Uuid,
        "jsonb" => ColumnType::Json,
        _ => return None,
    })
}

/// A type as `format_type` names it, for the types `information_schema`
/// calls `ARRAY` or `USER-DEFINED`: arrays of the model's types, `citext`
/// and enums.
fn formatted_type(formatted: &str, enums: &std::collections::BTreeMap<String, Vec<String>>) -> Option<ColumnType> {
    let formatted = formatted.trim();
    if let Some(element) = formatted.strip_suffix("[]") {
        return match formatted_type(element, enums)? {
            ColumnType::Array(_) | ColumnType::Bytes => None,
            inner => Some(ColumnType::Array(Box::new(inner))),
        };
    }
    let name = formatted.trim_matches('"');
    if enums.contains_key(name) {
        return Some(ColumnType::Enum(name.to_owned()));
    }
    let args = |prefix: &str| -> Option<Vec<u32>> {
        let inner = formatted.strip_prefix(prefix)?.strip_prefix('(')?.strip_suffix(')')?;
        inner.split(',').map(|n| n.trim().parse().ok()).collect()
    };
    if let Some([n]) = args("character varying").as_deref() {
        return Some(ColumnType::Varchar(*n));
    }
    if let Some([p, s]) = args("numeric").as_deref() {
        return Some(ColumnType::Decimal { precision: *p, scale: *s });
    }
    // Spelled as the raw SQL reader spells what `CHAR(36)` declares.
    if let Some(length) = formatted.strip_prefix("character(") {
        return Some(ColumnType::Sql(format!("char({length}")));
    }
    match formatted {
        "citext" => Some(ColumnType::Citext),
        "character varying" => Some(ColumnType::Text),
        other => column_type(other, None, None, None),
    }
}

fn fk_action(code: i8) -> FkAction {
    match code as u8 {
        b'r' => FkAction::Restrict,
        b'c' => FkAction::Cascade,
        b'n' => FkAction::SetNull,
        b'd' => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The live schema, and what schemaflow would not have left: columns of
/// types no migration declares, constraints not validated, INVALID indexes.
fn introspect(client: &mut Client, schema_name: &str) -> Result<(Schema, Vec<String>), ExecError> {
    let mut schema = Schema::new();
    let mut notes = Vec::new();
    let tables = client
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 AND tablename NOT LIKE 'schemaflow\\_%'
               AND tablename NOT IN ('_sqlx_migrations', '__diesel_schema_migrations', 'refinery_schema_history') ORDER BY tablename",
            &[&schema_name],
        )
        .map_err(db_error)?;
    for row in tables {
        let name: String = row.get(0);
        schema
            .tables
            .insert(name.clone(), Table { name, columns: Vec::new(), constraints: Vec::new(), if_not_exists: false });
    }
    let enum_rows = client
        .query(
            "SELECT t.typname::text, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
             WHERE n.nspname = $1 GROUP BY t.typname",
            &[&schema_name],
        )
        .map_err(db_error)?;
    for row in enum_rows {
        schema.enums.insert(row.get(0), row.get(1));
    }
    let enums = schema.enums.clone();
    let columns = client
        .query(
            "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.character_maximum_length::int,
                    c.numeric_precision::int, c.numeric_scale::int, c.is_nullable::text, c.column_default::text,
                    c.is_identity::text, format_type(a.atttypid, a.atttypmod), a.attgenerated::text
             FROM information_schema.columns c
             LEFT JOIN pg_attribute a
               ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
             WHERE c.table_schema = $1 ORDER BY c.table_name, c.ordinal_position",
            &[&schema_name],
        )
        .map_err(db_error)?;
    for r in columns {
        let table: String = r.get(0);
        let Some(t) = schema.tables.get_mut(&table) else { continue };
        let name: String = r.get(1);
        let data_type: String = r.get(2);
        let formatted: Option<String> = r.get(9);
        let ty = column_type(&data_type, r.get(3), r.get(4), r.get(5))
            .or_else(|| formatted.as_deref().and_then(|f| formatted_type(f, &enums)))
            .unwrap_or_else(|| ColumnType::Sql(formatted.unwrap_or(data_type)));
        let mut default: Option<String> = r.get(7);
        let mut identity = r.get::<_, String>(8) == "YES";
        // `serial`: an integer whose default takes the next value of the
        // sequence it owns; the model calls that identity, as raw SQL's
        // `serial` reads.
        if default.as_deref().is_some_and(|d| d.starts_with("nextval("))
            && matches!(ty, ColumnType::I16 | ColumnType::I32 | ColumnType::I64)
        {
            default = None;
            identity = true;
        }
        // `s` stored, `v` virtual (PostgreSQL 18+); the expression as
        // PostgreSQL rewrites it is not compared.
        let generated = match r.get::<_, Option<String>>(10).as_deref() {
            Some("s") => Some(Generated { expr: String::new(), stored: true }),
            Some("v") => Some(Generated { expr: String::new(), stored: false }),
            _ => None,
        };
        if generated.is_some() {
            default = None;
        }
        // An explicit `DEFAULT NULL` is kept by PostgreSQL as
        // `NULL::character varying`: the same as no default, as the model
        // (and raw SQL's reader) has it.
        if default.as_deref().is_some_and(crate::sql_text::is_null_default) {
            default = None;
        }
        t.columns.push(Column {
            name,
            ty,
            nullable: r.get::<_, String>(6) == "YES",
            default: default.map(DefaultValue::Sql),
            identity,
            generated,
        });
    }
    let constraints = client
        .query(
            "SELECT cl.relname::text, c.conname::text, c.contype::text, c.convalidated,
                    array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.ord),
                    rcl.relname::text,
                    array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
                          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.ord),
                    c.confdeltype::\"char\", c.confupdtype::\"char\", pg_get_constraintdef(c.oid)
             FROM pg_constraint c
             JOIN pg_class cl ON cl.oid = c.conrelid
             JOIN pg_namespace n ON n.oid = cl.relnamespace
             LEFT JOIN pg_class rcl ON rcl.oid = c.confrelid
             WHERE n.nspname = $1 AND c.contype IN ('p', 'u', 'c', 'f')
             ORDER BY cl.relname, c.conname",
            &[&schema_name],
        )
        .map_err(db_error)?;
    for r in constraints {
        let table: String = r.get(0);
        let name: String = r.get(1);
        let kind: String = r.get(2);
        let validated: bool = r.get(3);
        let columns: Vec<String> = r.get(4);
        let Some(t) = schema.tables.get_mut(&table) else { continue };
        let kind = match kind.as_str() {
            "p" => ConstraintKind::PrimaryKey { columns },
            "u" => ConstraintKind::Unique { columns },
            "c" => ConstraintKind::Check { expr: r.get(9) },
            _ => ConstraintKind::ForeignKey {
                columns,
                ref_table: r.get::<_, Option<String>>(5).unwrap_or_default(),
                ref_columns: r.get(6),
                on_delete: fk_action(r.get(7)),
                on_update: fk_action(r.get(8)),
            },
        };
        t.constraints.push(Constraint { name, kind, not_valid: !validated });
    }
    let indexes = client
        .query(
            "SELECT i.relname::text, t.relname::text, ix.indisunique, ix.indisvalid, pg_get_expr(ix.indpred, ix.indrelid),
                    array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(n, ord)
                          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.ord)
             FROM pg_index ix
             JOIN pg_class i ON i.oid = ix.indexrelid
             JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = $1 AND t.relname NOT LIKE 'schemaflow\\_%'
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))
             ORDER BY i.relname",
            &[&schema_name],
        )
        .map_err(db_error)?;
    for r in indexes {
        let name: String = r.get(0);
        if !r.get::<_, bool>(3) {
            notes.push(format!(
                "index `{name}` is INVALID: a concurrent build failed; the next run drops and rebuilds it"
            ));
        }
        let index = Index {
            name: name.clone(),
            table: r.get(1),
            unique: r.get(2),
            predicate: r.get(4),
            columns: r.get(5),
            key: None,
            concurrently: false,
            if_not_exists: false,
        };
        schema.indexes.insert(name, index);
    }
    broken_triggers(client, schema_name, &schema, &mut notes)?;
    Ok((schema, notes))
}

/// Triggers whose function reads or writes `NEW.column` or `OLD.column` of
/// a column their table no longer has: PostgreSQL does not track what a
/// function body uses, so dropping or renaming the column left them in
/// place, and the next write to the table fails ("record \"new\" has no
/// field").
fn broken_triggers(
    client: &mut Client,
    schema_name: &str,
    schema: &Schema,
    notes: &mut Vec<String>,
) -> Result<(), ExecError> {
    let triggers = client
        .query(
            "SELECT t.tgname::text, c.relname::text, p.proname::text, p.prosrc
             FROM pg_trigger t
             JOIN pg_class c ON c.oid = t.tgrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_proc p ON p.oid = t.tgfoid
             JOIN pg_language l ON l.oid = p.prolang
             WHERE NOT t.tgisinternal AND n.nspname = $1 AND l.lanname = 'plpgsql'
             ORDER BY c.relname, t.tgname",
            &[&schema_name],
        )
        .map_err(db_error)?;
    for r in triggers {
        let (trigger, table, function, body): (String, String, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        let Some(t) = schema.table(&table) else { continue };
        let mut missing: Vec<String> = record_fields(&body)
            .into_iter()
            .filter(|(_, field)| t.column(field).is_none())
            .map(|(record, field)| format!("{record}.{field}"))
            .collect();
        missing.dedup();
        if !missing.is_empty() {
            notes.push(format!(
                "trigger `{trigger}` on `{table}` runs `{function}()`, which uses {}: `{table}` has no such column, so every write the trigger fires on fails",
                missing.join(", ")
            ));
        }
    }
    Ok(())
}

/// The `NEW.field` and `OLD.field` references of a PL/pgSQL body (outside
/// strings and comments), fields folded as PostgreSQL folds them.
fn record_fields(body: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b if is_word(b) => {
                let start = i;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                let word = body[start..i].to_ascii_uppercase();
                let preceded = start > 0 && (bytes[start - 1] == b'.' || bytes[start - 1] == b'"');
                let record = match word.as_str() {
                    "NEW" if !preceded => "NEW",
                    "OLD" if !preceded => "OLD",
                    _ => continue,
                };
                if bytes.get(i) != Some(&b'.') {
                    continue;
                }
                let field_start = i + 1;
                let field = if bytes.get(field_start) == Some(&b'"') {
                    let end = body[field_start + 1..].find('"').map(|e| field_start + 1 + e);
                    let Some(end) = end else { continue };
                    i = end + 1;
                    body[field_start + 1..end].to_owned()
                } else {
                    let mut end = field_start;
                    while end < bytes.len() && is_word(bytes[end]) {
                        end += 1;
                    }
                    i = end;
                    body[field_start..end].to_ascii_lowercase()
                };
                if !field.is_empty() {
                    out.push((record, field));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The SQL text of a default or predicate in a comparable form: PostgreSQL
/// stores `'x'::text`, `'-1'::integer`, `(a > 0)`; the migrations say `'x'`,
/// `-1`, `a > 0`.
pub fn normalize_sql(sql: &str) -> String {
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    let mut in_quote = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_quote = !in_quote;
            out.push(c);
            continue;
        }
        if in_quote {
            out.push(c);
            continue;
        }
        if c == ':' && chars.peek() == Some(&':') {
            // Drop the cast: `::name`, `::name(1, 2)`, `::character varying`, `::timestamp with time zone`.
            chars.next();
            while let Some(&n) = chars.peek() {
                if n.is_ascii_alphanumeric() || n == '_' || n == ' ' || n == '"' || n == '[' || n == ']' {
                    chars.next();
                } else if n == '(' {
                    for n in chars.by_ref() {
                        if n == ')' {
                            break;
                        }
                    }
                } else {
                    break;
                }
            }
            continue;
        }
        if !c.is_whitespace() && c != '(' && c != ')' {
            out.push(c.to_ascii_lowercase());
        }
    }
    // A quoted number is a number: '-1' → -1.
    if out.len() > 2 && out.starts_with('\'') && out.ends_with('\'') {
        let inner = &out[1..out.len() - 1];
        if inner.parse::<f64>().is_ok() {
            return inner.to_owned();
        }
    }
    out
}

/// The parts of a schema compared for drift on PostgreSQL: checks by name
/// (PostgreSQL rewrites their text), defaults and predicates as normalized SQL.
fn normalize(schema: &Schema) -> Schema {
    let mut out = schema.clone();
    for table in out.tables.values_mut() {
        // `CREATE TABLE` with a UNIQUE over the primary key's columns gets
        // the primary key only: PostgreSQL drops the duplicate.
        let key = table.primary_key().map(<[String]>::to_vec);
        table
            .constraints
            .retain(|c| !matches!(&c.kind, ConstraintKind::Unique { columns } if Some(columns) == key.as_ref()));
        for c in &mut table.constraints {
            if let ConstraintKind::Check { expr } = &mut c.kind {
                expr.clear();
            }
        }
        table.constraints.sort_by(|a, b| a.name.cmp(&b.name));
        for column in &mut table.columns {
            if let Some(g) = &mut column.generated {
                g.expr.clear();
            }
            column.default = column.default.as_ref().map(|d| {
                let text = match d {
                    DefaultValue::Sql(stored) => stored.clone(),
                    other => dialect::postgres::value(other),
                };
                DefaultValue::Sql(normalize_sql(&text))
            });
        }
    }
    for index in out.indexes.values_mut() {
        index.predicate = index.predicate.as_deref().map(normalize_sql);
    }
    out
}

impl super::ScratchDatabase for PostgresBackend {
    fn execute(&mut self, sql: &str) -> Result<(), String> {
        self.client.batch_execute(sql).map_err(|e| message(&e))
    }

    fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let rows = self.client.query(sql, &[]).map_err(|e| message(&e))?;
        rows.iter()
            .map(|r| (0..r.len()).map(|i| r.try_get::<_, Option<String>>(i).map_err(|e| e.to_string())).collect())
            .collect()
    }

    fn text_of(&self, expr: &str) -> String {
        format!("{expr}::text")
    }

    fn bytes_literal(&self, hex: &str) -> String {
        format!("decode('{hex}', 'hex')")
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_sql;

    #[test]
    fn normalizes_stored_defaults() {
        assert_eq!(normalize_sql("'abc'::text"), normalize_sql("'abc'"));
        assert_eq!(normalize_sql("'-1'::integer"), "-1");
        assert_eq!(normalize_sql("'{}'::jsonb"), "'{}'");
        assert_eq!(normalize_sql("'x'::character varying"), "'x'");
        assert_eq!(normalize_sql("FALSE"), normalize_sql("false"));
        assert_eq!(normalize_sql("(published_at IS NOT NULL)"), normalize_sql("published_at IS NOT NULL"));
        assert_eq!(normalize_sql("'2024-01-01 00:00:00+00'::timestamp with time zone"), "'2024-01-01 00:00:00+00'");
    }
}

#[cfg(test)]
mod trigger_tests {
    use super::record_fields;

    #[test]
    fn record_fields_are_read_outside_strings_and_comments() {
        let body = "BEGIN
            NEW.full_name := coalesce(new.Full_Name, NEW.\"Name\"); -- OLD.gone
            IF OLD.id <> NEW.id THEN RAISE 'NEW.not_a_field'; END IF;
            x := renew.y;
            RETURN NEW;
        END";
        let fields: Vec<(&str, String)> = record_fields(body);
        assert_eq!(
            fields,
            [
                ("NEW", "full_name".to_owned()),
                ("NEW", "full_name".to_owned()),
                ("NEW", "Name".to_owned()),
                ("OLD", "id".to_owned()),
                ("NEW", "id".to_owned()),
            ]
        );
    }
}
