//! The SQLite backend: runs plans on a database file through rusqlite, and
//! reads the live schema back from `sqlite_master` and the pragmas.
//!
//! Every phase runs in a `BEGIN IMMEDIATE` transaction, which takes the
//! database's write lock at once; inside it the runner first checks the
//! bookkeeping, so two runners started together apply each migration once
//! (the second waits for the lock, then finds the work done). A table
//! rebuild keeps the table's triggers and the views that read it: they are
//! saved before, dropped where SQLite requires it, and recreated after.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::batches;
use super::sqlite_batches::SqliteBatches;
use super::sqlite_driver::{db_error, statement_error};
use super::{AppliedMigration, BOOKKEEPING_TABLE, Backend, BackfillProgress, BatchDone, ExecError, Progress};
use crate::dialect::{Dialect, Phase, Plan, Statement, ident, sqlite as sqlite_sql};
use crate::model::{Column, ColumnType, Constraint, ConstraintKind, DefaultValue, FkAction, Generated, Index, Table};
use crate::schema::Schema;
use crate::transform::Transforms;

/// How long a runner waits for another one's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A SQLite database file.
pub struct SqliteBackend {
    conn: Connection,
    /// The session statements last run on this connection.
    session: Vec<String>,
    /// The file next to the database that `run` and `rollback` lock for
    /// their whole length (none for an in-memory database).
    lock_path: Option<PathBuf>,
    /// The locked file, while a command holds it.
    lock: Option<std::fs::File>,
    /// Whose history this backend reads and records.
    namespace: String,
    /// The bookkeeping tables exist in their current shape (checked once).
    bookkeeping_ready: bool,
}

/// The bookkeeping tables, keyed by namespace so that several crates can
/// migrate one database.
const BOOKKEEPING_DDL: &str = "CREATE TABLE IF NOT EXISTS schemaflow_migrations (
    namespace TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    phases_done INTEGER NOT NULL,
    phases_total INTEGER NOT NULL,
    PRIMARY KEY (namespace, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schemaflow_backfills (
    namespace TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    phase INTEGER NOT NULL,
    last_key TEXT NOT NULL,
    rows_done INTEGER NOT NULL,
    rows_total INTEGER NOT NULL,
    PRIMARY KEY (namespace, version, phase)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schemaflow_objects (
    namespace TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (namespace, kind, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schemaflow_backups (
    namespace TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    path TEXT NOT NULL,
    head INTEGER NOT NULL
)";

/// The file beside the database at `path` whose name is the database's
/// with `suffix` appended, as SQLite names its `-journal` and `-wal`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The lock file of the database at `path` (`app.db-schemaflow.lock`).
fn lock_path(path: &Path) -> PathBuf {
    beside(path, "-schemaflow.lock")
}

impl SqliteBackend {
    /// Opens (creating it when missing) the database file at `path`.
    pub fn open(path: &Path) -> Result<SqliteBackend, ExecError> {
        let conn = Connection::open(path).map_err(db_error)?;
        let mut backend = Self::with(conn)?;
        backend.lock_path = Some(lock_path(path));
        Ok(backend)
    }

    /// Opens an existing database read-only, or `None` when the file does
    /// not exist; nothing is created.
    ///
    /// A crash in the middle of a write transaction leaves a hot journal,
    /// which only a connection that may write can roll back; a read-only
    /// one fails with "attempt to write a readonly database". When such a
    /// journal (or a write-ahead log) is beside the file, a read-write
    /// connection opens it first and undoes the unfinished transaction, as
    /// the next writer would: the database goes back to its last commit.
    pub fn open_read_only(path: &Path) -> Result<Option<SqliteBackend>, ExecError> {
        if !path.exists() {
            return Ok(None);
        }
        let left = |suffix: &str| std::fs::metadata(beside(path, suffix)).is_ok_and(|m| m.len() > 0);
        if left("-journal") || left("-wal") {
            let recover = Connection::open(path).map_err(db_error)?;
            recover.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
            recover.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).map_err(db_error)?;
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(db_error)?;
        Self::with(conn).map(Some)
    }

    /// An in-memory database, for tests.
    pub fn in_memory() -> Result<SqliteBackend, ExecError> {
        Self::with(Connection::open_in_memory().map_err(db_error)?)
    }

    fn with(conn: Connection) -> Result<SqliteBackend, ExecError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
        Ok(SqliteBackend {
            conn,
            session: Vec::new(),
            lock_path: None,
            lock: None,
            namespace: String::new(),
            bookkeeping_ready: false,
        })
    }

    /// The connection, for tests and tools that inspect the data.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Whether the table `name` exists.
    fn table_exists(&self, name: &str) -> Result<bool, ExecError> {
        self.conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(db_error)
    }

    /// Whether `table` exists without the `namespace` column: written by a
    /// schemaflow that kept one history per database.
    fn is_legacy(&self, table: &str) -> Result<bool, ExecError> {
        let columns: Vec<String> = self
            .conn
            .prepare("SELECT name FROM pragma_table_info(?1)")
            .and_then(|mut s| s.query_map([table], |r| r.get(0))?.collect())
            .map_err(db_error)?;
        Ok(!columns.is_empty() && !columns.iter().any(|c| c == "namespace"))
    }

    /// Creates the bookkeeping tables, or brings tables of one history per
    /// database to one per namespace, their rows becoming this namespace's
    /// (they were the only crate's). Runs inside the caller's transaction.
    fn ensure_bookkeeping(&mut self) -> Result<(), ExecError> {
        if self.bookkeeping_ready {
            return Ok(());
        }
        for table in [BOOKKEEPING_TABLE, "schemaflow_backfills"] {
            if self.is_legacy(table)? {
                let rename = format!("ALTER TABLE {table} RENAME TO {table}_legacy");
                self.conn.execute_batch(&rename).map_err(|e| statement_error(&rename, e))?;
            }
        }
        self.conn.execute_batch(BOOKKEEPING_DDL).map_err(db_error)?;
        for (table, columns) in [
            (BOOKKEEPING_TABLE, "version, name, checksum, applied_at, duration_ms, state, phases_done, phases_total"),
            ("schemaflow_backfills", "version, phase, last_key, rows_done, rows_total"),
        ] {
            let legacy = format!("{table}_legacy");
            if self.table_exists(&legacy)? {
                let copy = format!("INSERT INTO {table} (namespace, {columns}) SELECT ?1, {columns} FROM {legacy}; ");
                self.conn.execute(&copy, [&self.namespace]).map_err(|e| statement_error(&copy, e))?;
                let drop = format!("DROP TABLE {legacy}");
                self.conn.execute_batch(&drop).map_err(|e| statement_error(&drop, e))?;
            }
        }
        self.bookkeeping_ready = true;
        Ok(())
    }

    /// ` WHERE namespace = ?1`, or nothing on a table of one history per
    /// database (read-only commands do not upgrade it: its rows are this
    /// namespace's).
    fn namespace_filter(&self, table: &str) -> Result<&'static str, ExecError> {
        Ok(if self.is_legacy(table)? { " WHERE ?1 = ?1" } else { " WHERE namespace = ?1" })
    }

    fn row_state(&self, version: u64) -> Result<Option<(String, u32)>, ExecError> {
        self.conn
            .query_row(
                &format!("SELECT state, phases_done FROM {BOOKKEEPING_TABLE} WHERE namespace = ?1 AND version = ?2"),
                params![self.namespace, version as i64],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)),
            )
            .optional()
            .map_err(db_error)
    }

    fn record(&self, p: &Progress) -> Result<(), ExecError> {
        let Some((state, done)) = p.recorded_state() else {
            // Rolled back: no row, and no batch progress that a later run
            // could take for its own.
            self.conn
                .execute(
                    &format!("DELETE FROM {BOOKKEEPING_TABLE} WHERE namespace = ?1 AND version = ?2"),
                    params![p.namespace, p.version as i64],
                )
                .map_err(db_error)?;
            return self
                .conn
                .execute(
                    "DELETE FROM schemaflow_backfills WHERE namespace = ?1 AND version = ?2",
                    params![p.namespace, p.version as i64],
                )
                .map(|_| ())
                .map_err(db_error);
        };
        self.write_state(p, state, done)
    }

    fn write_state(&self, p: &Progress, state: &str, done: u32) -> Result<(), ExecError> {
        self.conn
            .execute(
                &format!(
                    "INSERT INTO {BOOKKEEPING_TABLE} (version, name, checksum, applied_at, duration_ms, state, phases_done, phases_total, namespace)
                     VALUES (?1, ?2, ?3, strftime('%Y-%m-%d %H:%M:%S', 'now'), ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (namespace, version) DO UPDATE SET
                        applied_at = excluded.applied_at, duration_ms = excluded.duration_ms,
                        state = excluded.state, phases_done = excluded.phases_done, phases_total = excluded.phases_total"
                ),
                params![
                    p.version as i64,
                    p.name,
                    p.checksum,
                    p.started.elapsed().as_millis() as i64,
                    state,
                    done,
                    p.phases_total,
                    p.namespace
                ],
            )
            .map(|_| ())
            .map_err(db_error)
    }

    /// Runs the statements of one transaction, keeping the triggers and
    /// views of each rebuilt table, and failing on a foreign key violation.
    fn run_statements(&self, statements: &[Statement], transforms: &Transforms) -> Result<(), ExecError> {
        let mut saved: Vec<(String, String)> = Vec::new();
        let mut rebuilding: Option<&str> = None;
        for s in statements {
            if s.rebuilds.as_deref() != rebuilding {
                if rebuilding.is_some() {
                    self.restore(&mut saved)?;
                }
                rebuilding = s.rebuilds.as_deref();
                if let Some(table) = rebuilding {
                    saved = self.save_dependents(table)?;
                }
            }
            match &s.drains {
                Some(backfill) => super::catch_up::sqlite_drain(&self.conn, backfill, transforms)?,
                None => self.run_statement(s)?,
            }
        }
        if rebuilding.is_some() {
            self.restore(&mut saved)?;
        }
        Ok(())
    }

    fn run_statement(&self, s: &Statement) -> Result<(), ExecError> {
        if s.sql == sqlite_sql::FOREIGN_KEY_CHECK {
            let mut stmt = self.conn.prepare(&s.sql).map_err(|e| statement_error(&s.sql, e))?;
            let violation: Option<(String, String)> = stmt
                .query_row([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(2)?)))
                .optional()
                .map_err(|e| statement_error(&s.sql, e))?;
            if let Some((table, parent)) = violation {
                return Err(ExecError::Statement {
                    sql: s.sql.clone(),
                    message: format!(
                        "FOREIGN KEY constraint failed: a row of `{table}` references a missing row of `{parent}`"
                    ),
                });
            }
            return Ok(());
        }
        self.conn.execute_batch(&s.sql).map_err(|e| statement_error(&s.sql, e))
    }

    /// Saves the triggers of `table` and every view, with the views' own
    /// (`INSTEAD OF`) triggers, and drops the views: SQLite refuses to
    /// rename a table while a view refers to a missing one, and a view's
    /// triggers go with it.
    fn save_dependents(&self, table: &str) -> Result<Vec<(String, String)>, ExecError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT type, name, sql FROM sqlite_master
                  WHERE (type = 'trigger' AND (tbl_name = ?1 OR tbl_name IN (SELECT name FROM sqlite_master WHERE type = 'view')))
                     OR type = 'view'
                  ORDER BY rowid",
            )
            .map_err(db_error)?;
        let rows: Vec<(String, String, String)> = stmt
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        let mut saved = Vec::new();
        for (kind, name, sql) in rows {
            if kind == "view" {
                let drop = format!("DROP VIEW {}", ident(&name));
                self.conn.execute_batch(&drop).map_err(|e| statement_error(&drop, e))?;
            }
            saved.push((name, sql));
        }
        Ok(saved)
    }

    fn restore(&self, saved: &mut Vec<(String, String)>) -> Result<(), ExecError> {
        for (_, sql) in saved.drain(..) {
            self.conn.execute_batch(&sql).map_err(|e| statement_error(&sql, e))?;
        }
        Ok(())
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction (which first makes
    /// sure the bookkeeping tables exist), committing when it succeeds.
    fn write_transaction<T>(&mut self, body: impl FnOnce(&mut Self) -> Result<T, ExecError>) -> Result<T, ExecError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db_error)?;
        let result = self.ensure_bookkeeping().and_then(|()| body(self));
        let end = match &result {
            Ok(_) => self.conn.execute_batch("COMMIT").map_err(db_error),
            Err(_) => {
                // The bookkeeping tables created in it are gone with it.
                self.bookkeeping_ready = false;
                let _ = self.conn.execute_batch("ROLLBACK");
                Ok(())
            }
        };
        result.and_then(|value| end.map(|()| value))
    }

    /// Checks the phase is still to do: another runner may have done it.
    fn check_follows(&self, progress: &Progress) -> Result<(), ExecError> {
        let row = self.row_state(progress.version)?;
        if progress.follows(row.as_ref().map(|(s, d)| (s.as_str(), *d))) { Ok(()) } else { Err(ExecError::AlreadyDone) }
    }

    /// Checks the bookkeeping and records that the phase has started, in
    /// one committed transaction, before a phase whose work does not commit
    /// with its record.
    fn mark_started(&mut self, progress: &Progress) -> Result<(), ExecError> {
        self.write_transaction(|db| {
            db.check_follows(progress)?;
            let (state, done) = progress.started_state();
            db.write_state(progress, state, done)
        })
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction that first checks the
    /// bookkeeping and ends by recording `progress`.
    fn in_transaction(
        &mut self,
        progress: &Progress,
        body: impl FnOnce(&Self) -> Result<(), ExecError>,
    ) -> Result<(), ExecError> {
        self.write_transaction(|db| {
            db.check_follows(progress)?;
            body(db)?;
            db.record(progress)
        })
    }
}

impl Backend for SqliteBackend {
    /// SQLite has no advisory lock: an exclusive lock on a file next to the
    /// database (`app.db-schemaflow.lock`) keeps a second `run` or
    /// `rollback` waiting until the first ends. The operating system
    /// releases it when the process ends, however it ends.
    fn acquire_lock(&mut self, on_wait: &mut dyn FnMut()) -> Result<(), ExecError> {
        let Some(path) = &self.lock_path else { return Ok(()) };
        let cannot = |e: std::io::Error| ExecError::Database(format!("cannot lock {}: {e}", path.display()));
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(cannot)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                on_wait();
                file.lock().map_err(cannot)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(cannot(e)),
        }
        self.lock = Some(file);
        Ok(())
    }

    fn release_lock(&mut self) {
        if let Some(file) = self.lock.take() {
            let _ = file.unlock();
        }
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn namespace(&self) -> &str {
        &self.namespace
    }

    fn set_namespace(&mut self, namespace: &str) {
        namespace.clone_into(&mut self.namespace);
    }

    fn others(&mut self) -> Result<super::Others, ExecError> {
        let mut others = super::Others::default();
        if !self.table_exists(BOOKKEEPING_TABLE)? || self.is_legacy(BOOKKEEPING_TABLE)? {
            return Ok(others);
        }
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT namespace, version, checksum FROM {BOOKKEEPING_TABLE} WHERE namespace <> ?1 ORDER BY namespace, version"
            ))
            .map_err(db_error)?;
        let rows = stmt
            .query_map([&self.namespace], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))
            .map_err(db_error)?;
        for row in rows {
            let (namespace, version, checksum) = row.map_err(db_error)?;
            others.histories.entry(namespace).or_default().push((version as u64, checksum));
        }
        if self.table_exists(super::OBJECTS_TABLE)? {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT name, namespace FROM {} WHERE namespace <> ?1", super::OBJECTS_TABLE))
                .map_err(db_error)?;
            let rows = stmt.query_map([&self.namespace], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_error)?;
            for row in rows {
                let (name, namespace): (String, String) = row.map_err(db_error)?;
                others.objects.insert(name, namespace);
            }
        }
        Ok(others)
    }

    fn claim(&mut self, schema: &Schema) -> Result<(), ExecError> {
        self.write_transaction(|db| {
            let table = super::OBJECTS_TABLE;
            db.conn.execute(&format!("DELETE FROM {table} WHERE namespace = ?1"), [&db.namespace]).map_err(db_error)?;
            let mut insert = db
                .conn
                .prepare(&format!("INSERT INTO {table} (namespace, kind, name) VALUES (?1, ?2, ?3)"))
                .map_err(db_error)?;
            let objects = schema.tables.keys().map(|t| ("table", t)).chain(schema.indexes.keys().map(|i| ("index", i)));
            for (kind, name) in objects {
                insert.execute(params![db.namespace, kind, name]).map_err(db_error)?;
            }
            Ok(())
        })
    }

    fn backup(&mut self, dest: &Path) -> Result<(), ExecError> {
        let mut copy = super::backup::create_new(dest)
            .and_then(|_| Connection::open(dest).map_err(|e| super::backup::cannot_write(dest, e)))?;
        // The online backup API copies page by page; when another
        // connection writes meanwhile, it starts again, so the copy is
        // consistent.
        let result = rusqlite::backup::Backup::new(&self.conn, &mut copy)
            .and_then(|b| b.run_to_completion(1024, Duration::from_millis(5), None))
            .map_err(|e| ExecError::Database(format!("the backup to {} failed: {e}", dest.display())));
        drop(copy);
        if result.is_err() {
            let _ = std::fs::remove_file(dest);
        }
        result
    }

    fn record_backup(&mut self, path: &str, head: u64) -> Result<(), ExecError> {
        self.write_transaction(|db| {
            db.conn
                .execute(
                    &format!(
                        "INSERT INTO {} (namespace, taken_at, path, head) VALUES (?1, strftime('%Y-%m-%d %H:%M:%S', 'now'), ?2, ?3)",
                        super::BACKUPS_TABLE
                    ),
                    params![db.namespace, path, head as i64],
                )
                .map(|_| ())
                .map_err(db_error)
        })
    }

    fn backups(&mut self) -> Result<Vec<super::Backup>, ExecError> {
        if !self.table_exists(super::BACKUPS_TABLE)? {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT path, taken_at, head FROM {} WHERE namespace = ?1 ORDER BY taken_at DESC, rowid DESC",
                super::BACKUPS_TABLE
            ))
            .map_err(db_error)?;
        stmt.query_map([&self.namespace], |r| {
            Ok(super::Backup { path: r.get(0)?, taken_at: r.get(1)?, head: r.get::<_, i64>(2)? as u64 })
        })
        .map_err(db_error)?
        .collect::<Result<_, _>>()
        .map_err(db_error)
    }

    fn applied(&mut self) -> Result<Vec<AppliedMigration>, ExecError> {
        if !self.table_exists(BOOKKEEPING_TABLE)? {
            return Ok(Vec::new());
        }
        let filter = self.namespace_filter(BOOKKEEPING_TABLE)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT version, name, checksum, applied_at, duration_ms, state, phases_done, phases_total FROM {BOOKKEEPING_TABLE}{filter} ORDER BY version"
            ))
            .map_err(db_error)?;
        let rows: Vec<super::RawRow> = stmt
            .query_map([&self.namespace], |r| {
                Ok(super::RawRow {
                    version: r.get(0)?,
                    name: r.get(1)?,
                    checksum: r.get(2)?,
                    applied_at: r.get(3)?,
                    duration_ms: r.get(4)?,
                    state: r.get(5)?,
                    phases_done: r.get(6)?,
                    phases_total: r.get(7)?,
                })
            })
            .map_err(db_error)?
            .collect::<Result<_, _>>()
            .map_err(db_error)?;
        rows.into_iter().map(super::RawRow::check).collect()
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
        let wanted: Vec<String> = plan.session.iter().map(|s| s.sql.clone()).collect();
        if wanted != self.session {
            for s in &plan.session {
                self.run_statement(s)?;
            }
            self.session = wanted;
        }
        match plan.phases.get(phase) {
            None | Some(Phase::Deploy(_)) => self.in_transaction(progress, |_| Ok(())),
            Some(Phase::Transaction(statements)) => {
                self.in_transaction(progress, |db| db.run_statements(statements, transforms))
            }
            Some(Phase::Outside(statement)) => {
                self.mark_started(progress)?;
                self.run_statement(statement)?;
                self.in_transaction(progress, |_| Ok(()))
            }
            Some(Phase::Backfill(backfill)) if backfill.catch_up.is_some() => {
                self.mark_started(progress)?;
                super::catch_up::sqlite_phase(&self.conn, backfill, transforms, on_batch)?;
                self.in_transaction(progress, |_| Ok(()))
            }
            Some(Phase::Backfill(backfill)) => {
                // Check first, then one short transaction per batch, then
                // record the phase and forget its batch progress.
                self.mark_started(progress)?;
                // Rows change here, not tables: foreign keys apply as they
                // do to the app's writes (a deleted parent's ON DELETE
                // action, a backfilled reference checked), then go back
                // off for the migration's table rebuilds.
                self.conn.execute_batch("PRAGMA foreign_keys = ON").map_err(db_error)?;
                let ran = SqliteBatches::new(&self.conn, backfill, schema, progress, transforms)
                    .and_then(|mut batches| batches::run(&mut batches, backfill, on_batch));
                self.conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(db_error)?;
                ran?;
                self.in_transaction(progress, |db| {
                    db.conn
                        .execute(
                            "DELETE FROM schemaflow_backfills WHERE namespace = ?1 AND version = ?2 AND phase = ?3",
                            params![progress.namespace, progress.version as i64, i64::from(progress.phase)],
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
        super::catch_up::sqlite_phase(&self.conn, backfill, transforms, on_batch)
    }

    fn introspect(&mut self) -> Result<Schema, ExecError> {
        introspect(&self.conn).map(|(schema, _)| schema)
    }

    fn count_rows(&mut self, table: &str, predicate: Option<&str>) -> Result<Option<u64>, ExecError> {
        if !self.table_exists(table)? {
            return Ok(None);
        }
        let filter = predicate.map(|p| format!(" WHERE {p}")).unwrap_or_default();
        let sql = format!("SELECT count(*) FROM {}{filter}", ident(table));
        // A predicate on a column a pending migration adds cannot be counted yet.
        Ok(self.conn.query_row(&sql, [], |r| r.get::<_, i64>(0)).ok().map(|n| n as u64))
    }

    fn adoption(&mut self) -> Result<super::Adoption, ExecError> {
        let (schema, _) = introspect(&self.conn)?;
        let mut adoption = super::Adoption { schema, ..super::Adoption::default() };
        let objects: Vec<(String, String, String)> = self
            .conn
            .prepare(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index', 'view', 'trigger')
                   AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'schemaflow\\_%' ESCAPE '\\' ORDER BY rowid",
            )
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .map_err(db_error)?;
        for (kind, name, sql) in objects {
            match kind.as_str() {
                "table" if adoption.schema.tables.contains_key(&name) => {
                    adoption.table_ddl.insert(name, sql);
                }
                "table" => {}
                // An index over expressions: its column list cannot say it.
                "index" => {
                    let has_expression = self
                        .conn
                        .prepare(&format!("PRAGMA index_info({})", ident(&name)))
                        .and_then(|mut s| {
                            s.query_map([], |r| r.get::<_, Option<String>>(2))?.collect::<Result<Vec<_>, _>>()
                        })
                        .map_err(db_error)?
                        .iter()
                        .any(Option::is_none);
                    if has_expression {
                        adoption.schema.indexes.remove(&name);
                        adoption.raw.push(super::RawObject { kind, name, sql });
                    }
                }
                _ => adoption.raw.push(super::RawObject { kind, name, sql }),
            }
        }
        for tool in &super::TOOLS {
            if !self.table_exists(tool.table)? {
                continue;
            }
            let read = |sql: &str| -> Result<Vec<String>, ExecError> {
                self.conn
                    .prepare(sql)
                    .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                    .map_err(|e| statement_error(sql, e))
            };
            adoption.histories.push(super::ToolHistory {
                tool: tool.name.to_owned(),
                table: tool.table.to_owned(),
                applied: read(tool.applied)?,
                failed: tool.failed.map(read).transpose()?.unwrap_or_default(),
            });
        }
        Ok(adoption)
    }

    fn backfills(&mut self) -> Result<Vec<BackfillProgress>, ExecError> {
        if !self.table_exists("schemaflow_backfills")? {
            return Ok(Vec::new());
        }
        let filter = self.namespace_filter("schemaflow_backfills")?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT version, phase, rows_done, rows_total FROM schemaflow_backfills{filter} ORDER BY version, phase"
            ))
            .map_err(db_error)?;
        stmt.query_map([&self.namespace], |r| {
            Ok(BackfillProgress {
                version: r.get::<_, i64>(0)? as u64,
                phase: r.get::<_, i64>(1)? as u32,
                rows_done: r.get::<_, i64>(2)? as u64,
                rows_total: r.get::<_, i64>(3)? as u64,
            })
        })
        .map_err(db_error)?
        .collect::<Result<_, _>>()
        .map_err(db_error)
    }

    fn drift(
        &mut self,
        expected: &Schema,
        foreign: &std::collections::BTreeMap<String, String>,
    ) -> Result<Vec<String>, ExecError> {
        let (mut actual, mut unrecognized) = introspect(&self.conn)?;
        actual.forget(foreign);
        unrecognized.retain(|note| !super::mentions_any(note, foreign));
        let mut out =
            crate::diff::diff(&normalize(expected), &normalize(&actual), &crate::diff::Words::drift(Dialect::Sqlite));
        out.append(&mut unrecognized);
        Ok(out)
    }
}

/// The declared type schemaflow gives each column type, read back.
fn column_type(declared: &str) -> Option<ColumnType> {
    let upper = declared.trim().to_ascii_uppercase();
    let args = |prefix: &str| -> Option<Vec<u32>> {
        let inner = upper.strip_prefix(prefix)?.trim().strip_prefix('(')?.strip_suffix(')')?;
        inner.split(',').map(|n| n.trim().parse().ok()).collect()
    };
    Some(match upper.as_str() {
        "BOOLEAN" | "BOOL" => ColumnType::Bool,
        "SMALLINT" | "INT2" => ColumnType::I16,
        "INT" | "INT4" => ColumnType::I32,
        "INTEGER" | "BIGINT" | "INT8" => ColumnType::I64,
        "REAL" | "FLOAT4" => ColumnType::F32,
        "DOUBLE" | "DOUBLE PRECISION" | "FLOAT8" => ColumnType::F64,
        // As the raw SQL reader reads them: an unbounded varchar holds what
        // text holds (diesel's `VARCHAR`, for one).
        "TEXT" | "VARCHAR" | "CHARACTER VARYING" => ColumnType::Text,
        "BLOB" => ColumnType::Bytes,
        "DATE" => ColumnType::Date,
        "TIME" => ColumnType::Time,
        // SQLite has no date type: `DATETIME` is diesel's name for what
        // the model writes `TIMESTAMP`, with the same (numeric) affinity.
        "TIMESTAMP" | "DATETIME" => ColumnType::Timestamp,
        "TIMESTAMPTZ" => ColumnType::TimestampTz,
        "UUID" => ColumnType::Uuid,
        "JSON" => ColumnType::Json,
        "CITEXT" => ColumnType::Citext,
        _ => {
            if let Some([p, s]) = args("NUMERIC").as_deref() {
                ColumnType::Decimal { precision: *p, scale: *s }
            } else if let Some([n]) = args("VARCHAR").as_deref() {
                ColumnType::Varchar(*n)
            } else {
                return None;
            }
        }
    })
}

fn fk_action(text: &str) -> FkAction {
    match text.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "RESTRICT" => FkAction::Restrict,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The live schema, and the columns whose declared type schemaflow does not produce.
fn introspect(conn: &Connection) -> Result<(Schema, Vec<String>), ExecError> {
    let mut schema = Schema::new();
    let unrecognized = Vec::new();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'schemaflow\\_%' ESCAPE '\\' AND name NOT IN ('_sqlx_migrations', '__diesel_schema_migrations', 'refinery_schema_history') ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(db_error)?;
    for name in tables {
        let mut table =
            Table { name: name.clone(), columns: Vec::new(), constraints: Vec::new(), if_not_exists: false };
        let mut pk: Vec<(i64, String)> = Vec::new();
        // `table_xinfo` lists generated columns too (hidden 2: virtual, 3: stored).
        let pragma = format!("PRAGMA table_xinfo({})", ident(&name));
        let columns: Vec<(String, String, bool, Option<String>, i64, i64)> = conn
            .prepare(&pragma)
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?.collect()
            })
            .map_err(db_error)?;
        for (col, declared, notnull, default, pk_index, hidden) in columns {
            // The expression is not reported: drift compares how the value is kept.
            let generated = matches!(hidden, 2 | 3).then(|| Generated { expr: String::new(), stored: hidden == 3 });
            let ty = column_type(&declared).unwrap_or_else(|| ColumnType::Sql(declared.trim().to_ascii_lowercase()));
            if pk_index > 0 {
                pk.push((pk_index, col.clone()));
            }
            table.columns.push(Column {
                name: col,
                ty,
                nullable: !notnull,
                // `DEFAULT NULL` is kept as `NULL`: no default.
                default: default.filter(|d| !crate::sql_text::is_null_default(d)).map(DefaultValue::Sql),
                identity: false,
                generated,
            });
        }
        pk.sort();
        // The one INTEGER column of a primary key is the rowid, which is
        // never NULL, whether or not its DDL says NOT NULL.
        if let [(_, only)] = pk.as_slice()
            && let Some(c) = table.columns.iter_mut().find(|c| c.name == *only && c.ty == ColumnType::I64)
        {
            c.nullable = false;
        }
        if !pk.is_empty() {
            let columns: Vec<String> = pk.into_iter().map(|(_, c)| c).collect();
            table.constraints.push(Constraint {
                not_valid: false,
                name: String::new(),
                kind: ConstraintKind::PrimaryKey { columns },
            });
        }
        let fks: Vec<(i64, String, String, Option<String>, String, String)> = conn
            .prepare(&format!("PRAGMA foreign_key_list({})", ident(&name)))
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?.collect()
            })
            .map_err(db_error)?;
        let mut by_id: std::collections::BTreeMap<i64, Constraint> = std::collections::BTreeMap::new();
        for (id, parent, from, to, on_update, on_delete) in fks {
            let entry = by_id.entry(id).or_insert_with(|| Constraint {
                not_valid: false,
                name: String::new(),
                kind: ConstraintKind::ForeignKey {
                    columns: Vec::new(),
                    ref_table: parent.clone(),
                    ref_columns: Vec::new(),
                    on_delete: fk_action(&on_delete),
                    on_update: fk_action(&on_update),
                },
            });
            if let ConstraintKind::ForeignKey { columns, ref_columns, .. } = &mut entry.kind {
                columns.push(from);
                ref_columns.push(to.unwrap_or_default());
            }
        }
        table.constraints.extend(by_id.into_values());
        let indexes: Vec<(String, bool, String)> = conn
            .prepare(&format!("PRAGMA index_list({})", ident(&name)))
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
            .map_err(db_error)?;
        for (index, unique, origin) in indexes {
            // An expression has no column name.
            let columns: Vec<String> = conn
                .prepare(&format!("PRAGMA index_info({})", ident(&index)))
                .and_then(|mut s| s.query_map([], |r| r.get::<_, Option<String>>(2))?.collect::<Result<Vec<_>, _>>())
                .map_err(db_error)?
                .into_iter()
                .flatten()
                .collect();
            match origin.as_str() {
                "u" => table.constraints.push(Constraint {
                    not_valid: false,
                    name: String::new(),
                    kind: ConstraintKind::Unique { columns },
                }),
                "c" => {
                    let sql: Option<String> = conn
                        .query_row("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1", [&index], |r| {
                            r.get(0)
                        })
                        .optional()
                        .map_err(db_error)?
                        .flatten();
                    let predicate = sql.as_deref().and_then(index_predicate);
                    schema.indexes.insert(
                        index.clone(),
                        Index {
                            key: None,
                            name: index,
                            table: name.clone(),
                            columns,
                            unique,
                            predicate,
                            concurrently: false,
                            if_not_exists: false,
                        },
                    );
                }
                _ => {}
            }
        }
        schema.tables.insert(name, table);
    }
    Ok((schema, unrecognized))
}

/// The `WHERE` predicate of a `CREATE INDEX` statement, if any.
fn index_predicate(sql: &str) -> Option<String> {
    let upper = sql.to_ascii_uppercase();
    let at = upper.rfind(" WHERE ")?;
    Some(sql[at + 7..].trim().to_owned())
}

/// The parts of a schema SQLite can report, in a comparable form:
/// constraint names (SQLite does not keep them) and checks (not readable
/// without parsing the table's SQL) are left out, and defaults are compared
/// as the SQL SQLite stores.
fn normalize(schema: &Schema) -> Schema {
    let mut out = schema.clone();
    for table in out.tables.values_mut() {
        table.constraints.retain(|c| !matches!(c.kind, ConstraintKind::Check { .. }));
        // A unique constraint on the primary key's columns adds nothing,
        // and SQLite keeps no index for it (diesel tables write both).
        let key: Vec<String> = table.primary_key().map(<[String]>::to_vec).unwrap_or_default();
        table.constraints.retain(|c| match &c.kind {
            ConstraintKind::Unique { columns } => {
                key.is_empty() || columns.len() != key.len() || !columns.iter().all(|c| key.contains(c))
            }
            _ => true,
        });
        for c in &mut table.constraints {
            c.name = format!("{} {:?}", c.kind.describe(), c.kind.columns());
        }
        table.constraints.sort_by(|a, b| a.name.cmp(&b.name));
        for column in &mut table.columns {
            column.identity = false;
            if let Some(g) = &mut column.generated {
                g.expr.clear();
            }
            // An enum column is text with a check (checks are left out).
            if matches!(column.ty, ColumnType::Enum(_)) {
                column.ty = ColumnType::Text;
            }
            column.default = column.default.as_ref().map(|d| match d {
                DefaultValue::Sql(stored) => DefaultValue::Sql(stored.clone()),
                other => DefaultValue::Sql(sqlite_sql::value(other)),
            });
        }
    }
    out
}

impl super::ScratchDatabase for SqliteBackend {
    fn execute(&mut self, sql: &str) -> Result<(), String> {
        self.conn.execute_batch(sql).map_err(|e| e.to_string())
    }

    fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| e.to_string())?;
        let n = stmt.column_count();
        stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Option<String>>(i)).collect())
            .map_err(|e| e.to_string())?
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())
    }

    fn text_of(&self, expr: &str) -> String {
        format!("CAST({expr} AS TEXT)")
    }

    fn bytes_literal(&self, hex: &str) -> String {
        format!("X'{hex}'")
    }
}
