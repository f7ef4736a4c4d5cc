//! Applying, rolling back and inspecting migrations on a live database.
//!
//! The runner is database-neutral: it decides what to run (pending
//! migrations in version order, rollbacks in reverse), checks the history
//! (an applied migration whose checksum changed is refused), builds each
//! migration's plan with [`crate::dialect`] and hands it to a [`Backend`],
//! which executes it and records it in the bookkeeping table in the same
//! transaction. A backend also reads the live schema back, for drift.

pub mod backup;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod batches;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod catch_up;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "postgres")]
mod postgres_batches;
#[cfg(feature = "postgres")]
mod postgres_driver;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_batches;
#[cfg(feature = "sqlite")]
mod sqlite_driver;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dialect::{self, Dialect, Options, Phase, Plan, PlanError};
use crate::model::Migration;
use crate::schema::Schema;

/// The bookkeeping table.
pub const BOOKKEEPING_TABLE: &str = "schemaflow_migrations";

/// Which namespace owns which table and index, so that several crates can
/// migrate one database: each sees its own objects in drift, and a crate
/// creating another's table is stopped before it runs anything.
pub const OBJECTS_TABLE: &str = "schemaflow_objects";

/// The backups `run --backup` took, by namespace: what `plan` ticks its
/// checklist's "backup taken" from.
pub const BACKUPS_TABLE: &str = "schemaflow_backups";

/// A backup taken before a run, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Backup {
    /// Where it was written.
    pub path: String,
    /// When it was taken, UTC, `YYYY-MM-DD HH:MM:SS`.
    pub taken_at: String,
    /// The newest migration of the namespace applied when it was taken (0: none).
    pub head: u64,
}

/// An object of a live database the model does not cover (an enum type, a
/// function, a view, a trigger, an expression index), as the SQL that
/// creates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RawObject {
    /// `extension`, `type`, `function`, `index`, `view`, `trigger`…
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The statement that creates it.
    pub sql: String,
}

/// The history another migration tool recorded in the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ToolHistory {
    /// `sqlx`, `diesel` or `refinery`.
    pub tool: String,
    /// Its bookkeeping table.
    pub table: String,
    /// The versions it recorded as applied, in order.
    pub applied: Vec<String>,
    /// The versions it recorded as failed (sqlx's `success = false`).
    pub failed: Vec<String>,
}

/// Another migration tool's bookkeeping table, and how to read its history
/// (the same SQL on SQLite and PostgreSQL).
pub struct Tool {
    /// `sqlx`, `diesel` or `refinery`.
    pub name: &'static str,
    /// Its bookkeeping table: never part of the schema schemaflow compares or adopts.
    pub table: &'static str,
    /// The versions it applied, as text, in order.
    pub applied: &'static str,
    /// The versions it recorded as failed, where it records that.
    pub failed: Option<&'static str>,
}

/// The migration tools whose histories adoption recognizes.
pub const TOOLS: [Tool; 3] = [
    Tool {
        name: "sqlx",
        table: "_sqlx_migrations",
        applied: "SELECT CAST(version AS TEXT) FROM _sqlx_migrations WHERE success ORDER BY version",
        failed: Some("SELECT CAST(version AS TEXT) FROM _sqlx_migrations WHERE NOT success ORDER BY version"),
    },
    Tool {
        name: "diesel",
        table: "__diesel_schema_migrations",
        applied: "SELECT CAST(version AS TEXT) FROM __diesel_schema_migrations ORDER BY version",
        failed: None,
    },
    Tool {
        name: "refinery",
        table: "refinery_schema_history",
        applied: "SELECT CAST(version AS TEXT) FROM refinery_schema_history ORDER BY version",
        failed: None,
    },
];

/// What adopting a live database reads: its schema, the objects the model
/// does not cover, and other tools' histories.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Adoption {
    /// The tables and indexes, as introspected.
    pub schema: Schema,
    /// SQLite: each table's `CREATE TABLE` statement, which keeps what the
    /// pragmas lose (checks, constraint names).
    pub table_ddl: BTreeMap<String, String>,
    /// Objects the model does not cover.
    pub raw: Vec<RawObject>,
    /// Other migration tools' histories.
    pub histories: Vec<ToolHistory>,
}

/// The histories and objects other namespaces recorded in the database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Others {
    /// Each other namespace's applied versions with their checksums.
    pub histories: BTreeMap<String, Vec<(u64, String)>>,
    /// Table and index names, each with the namespace that created it.
    pub objects: BTreeMap<String, String>,
}

/// A row of the bookkeeping table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedMigration {
    /// `YYYYMMDDHHMM`.
    pub version: u64,
    /// The description.
    pub name: String,
    /// [`Migration::checksum`] when it was applied.
    pub checksum: String,
    /// When it was applied, UTC, `YYYY-MM-DD HH:MM:SS`.
    pub applied_at: String,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// `applied`, or `applying` / `rolling_back` while a migration of several
    /// phases (transactions, statements outside one, data steps) is under way.
    pub state: String,
    /// Phases done, of the plan being applied or rolled back.
    pub phases_done: u32,
    /// Phases in that plan.
    pub phases_total: u32,
}

/// The columns of one bookkeeping row, as the database returned them.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct RawRow {
    pub version: i64,
    pub name: String,
    pub checksum: String,
    pub applied_at: String,
    pub duration_ms: i64,
    pub state: String,
    pub phases_done: i64,
    pub phases_total: i64,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl RawRow {
    /// The row, once checked: a row schemaflow would not have written (an
    /// unknown state, a count out of range, an edit by hand) is refused by
    /// version, never taken for an applied migration.
    pub(crate) fn check(self) -> Result<AppliedMigration, ExecError> {
        let bad = |what: String| {
            ExecError::Database(format!(
                "the row of version {} in {BOOKKEEPING_TABLE} {what}, which schemaflow never writes; it was changed by hand: restore it, or delete it and record the migration again",
                self.version
            ))
        };
        if ![APPLIED, APPLYING, ROLLING_BACK, EXPANDED].contains(&self.state.as_str()) {
            return Err(bad(format!(
                "has the state `{}` (not applied, applying, expanded or rolling_back)",
                self.state
            )));
        }
        let count = |n: i64| u32::try_from(n).ok();
        let (Some(done), Some(total)) = (count(self.phases_done), count(self.phases_total)) else {
            return Err(bad(format!("counts {} of {} phases done", self.phases_done, self.phases_total)));
        };
        if done > total && total > 0 {
            return Err(bad(format!("counts {done} of {total} phases done")));
        }
        let (Ok(version), Ok(duration_ms)) = (u64::try_from(self.version), u64::try_from(self.duration_ms)) else {
            return Err(bad(format!("has a negative version or duration ({} ms)", self.duration_ms)));
        };
        Ok(AppliedMigration {
            version,
            name: self.name,
            checksum: self.checksum,
            applied_at: self.applied_at,
            duration_ms,
            state: self.state,
            phases_done: done,
            phases_total: total,
        })
    }
}

/// Whether a drift note names one of the `objects` (`users` in
/// "column `users.email` …" or "index `users_email` …").
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn mentions_any(note: &str, objects: &BTreeMap<String, String>) -> bool {
    objects.keys().any(|name| note.contains(&format!("`{name}`")) || note.contains(&format!("`{name}.")))
}

/// A bookkeeping row state: fully applied.
pub const APPLIED: &str = "applied";
/// A bookkeeping row state: some phases of the forward plan are done.
pub const APPLYING: &str = "applying";
/// A bookkeeping row state: some phases of the rollback plan are done.
pub const ROLLING_BACK: &str = "rolling_back";
/// A bookkeeping row state: the forward plan ran up to a deploy boundary
/// (an online change's expand); `complete` runs the rest.
pub const EXPANDED: &str = "expanded";

/// The bookkeeping change written with a phase, in its transaction (or
/// right after it, for a phase that runs outside a transaction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The namespace whose history the migration belongs to.
    pub namespace: String,
    /// The migration.
    pub version: u64,
    /// Its description.
    pub name: String,
    /// Its checksum.
    pub checksum: String,
    /// Applying or rolling back.
    pub direction: Direction,
    /// The phase being run (0-based).
    pub phase: u32,
    /// Phases in the plan.
    pub phases_total: u32,
    /// When the migration (this run of it) started; the time it took is
    /// recorded when its last phase commits.
    pub started: Instant,
    /// The phase is a deploy boundary: a forward plan is recorded as
    /// expanded there.
    pub at_boundary: bool,
}

/// The direction of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The forward steps.
    Up,
    /// The rollback.
    Down,
}

impl Progress {
    /// Whether `row` (the migration's bookkeeping state and phases done,
    /// `None` when it has no row) is the state this phase follows: the one
    /// the phase before it left, or the one this phase recorded when it
    /// started ([`Progress::started_state`]) and was cut short. Any other
    /// state means another runner got there first.
    pub fn follows(&self, row: Option<(&str, u32)>) -> bool {
        match (self.direction, self.phase, row) {
            (Direction::Up, 0, None) => true,
            (Direction::Up, k, Some((APPLYING | EXPANDED, done))) => done == k,
            (Direction::Down, 0, Some((APPLIED | EXPANDED, _))) => true,
            (Direction::Down, k, Some((ROLLING_BACK, done))) => done == k,
            _ => false,
        }
    }

    /// The state a phase that does not commit with its record (a statement
    /// outside a transaction, a backfill's batches) records before it
    /// starts, so that a run killed inside it leaves the migration shown as
    /// half-applied (or half rolled back), never as what it was before.
    pub fn started_state(&self) -> (&'static str, u32) {
        match self.direction {
            Direction::Up => (APPLYING, self.phase),
            Direction::Down => (ROLLING_BACK, self.phase),
        }
    }

    /// Whether this is the last phase of its plan.
    pub fn is_last(&self) -> bool {
        self.phase + 1 >= self.phases_total
    }

    /// The state and phases done the bookkeeping row gets once this phase
    /// is done; `None` when the row goes (the last phase of a rollback).
    pub fn recorded_state(&self) -> Option<(&'static str, u32)> {
        match (self.direction, self.is_last()) {
            (Direction::Down, true) => None,
            (Direction::Up, true) => Some((APPLIED, self.phases_total)),
            (Direction::Up, false) if self.at_boundary => Some((EXPANDED, self.phase + 1)),
            (Direction::Up, false) => Some((APPLYING, self.phase + 1)),
            (Direction::Down, false) => Some((ROLLING_BACK, self.phase + 1)),
        }
    }
}

/// Why a backend could not run a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecError {
    /// Another runner applied (or rolled back) the migration first; nothing was done.
    AlreadyDone,
    /// A statement failed; the transaction was rolled back.
    Statement {
        /// The failing statement's SQL (for a failed backfill transform, its call).
        sql: String,
        /// The error, as the database (or the transform) reported it.
        message: String,
    },
    /// A statement did not get its lock within `lock_timeout`; the
    /// transaction was rolled back and the phase can be tried again.
    LockTimeout {
        /// The SQL of the statement that waited too long.
        sql: String,
        /// The database's error message.
        message: String,
    },
    /// The database could not be used at all.
    Database(String),
    /// A stop was requested (Ctrl-C); the last batch committed and its
    /// progress is recorded.
    Interrupted,
}

/// How far a backfill under way has got, as recorded with its last batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackfillProgress {
    /// The migration.
    pub version: u64,
    /// The phase of its plan.
    pub phase: u32,
    /// Rows changed so far.
    pub rows_done: u64,
    /// Rows to change, as counted when the backfill (or its last resumption) started.
    pub rows_total: u64,
}

/// One committed batch of a backfill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchDone {
    /// The table being filled.
    pub table: String,
    /// Rows changed so far (across runs, for a resumed backfill).
    pub rows_done: u64,
    /// Rows to change in all, as counted when this run of it started.
    pub rows_total: u64,
    /// How long the batch's transaction took.
    pub took: Duration,
}

static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Asks the runner to stop at the next safe point: after the batch of a
/// backfill that is committing now. Called from a Ctrl-C handler.
pub fn request_stop() {
    STOP.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether a stop was requested.
pub fn stop_requested() -> bool {
    STOP.load(std::sync::atomic::Ordering::SeqCst)
}

/// Between two batches of a backfill, after the first committed: stops if
/// a stop was requested, else takes the configured pause (outside any
/// transaction).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn between_batches(pause_ms: u64) -> Result<(), ExecError> {
    if stop_requested() {
        return Err(ExecError::Interrupted);
    }
    if pause_ms > 0 {
        std::thread::sleep(Duration::from_millis(pause_ms));
    }
    Ok(())
}

/// A database the runner can apply migrations to.
pub trait Backend {
    /// The SQL dialect of the database.
    fn dialect(&self) -> Dialect;
    /// The namespace whose history this backend reads and records: the
    /// crate's name, or `namespace` in `[package.metadata.schemaflow]`.
    fn namespace(&self) -> &str;
    /// Reads and records the history of `namespace` from now on.
    fn set_namespace(&mut self, namespace: &str);
    /// What the other namespaces sharing this database recorded.
    fn others(&mut self) -> Result<Others, ExecError>;
    /// Records the tables and indexes of `schema` as this namespace's (and
    /// nothing else as its).
    fn claim(&mut self, schema: &Schema) -> Result<(), ExecError>;
    /// Takes the database-wide lock that keeps a second runner out while
    /// this one applies or rolls back (waiting for it if another runner
    /// holds it). SQLite needs none: each phase takes its write lock.
    fn acquire_lock(&mut self, on_wait: &mut dyn FnMut()) -> Result<(), ExecError> {
        let _ = on_wait;
        Ok(())
    }
    /// Releases the lock [`Backend::acquire_lock`] took.
    fn release_lock(&mut self) {}
    /// The bookkeeping rows, in version order (none when the table does not exist).
    fn applied(&mut self) -> Result<Vec<AppliedMigration>, ExecError>;
    /// Runs one phase of a plan (after the plan's session statements) and
    /// records `progress` in the same transaction. `schema` is the schema
    /// the plan leads to, which data steps read their table's key and
    /// column types from.
    /// Returns [`ExecError::AlreadyDone`] without running anything when the
    /// bookkeeping shows another runner got there first.
    fn run_phase(
        &mut self,
        plan: &Plan,
        phase: usize,
        schema: &Schema,
        progress: &Progress,
        transforms: &crate::transform::Transforms,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<(), ExecError>;
    /// Runs the catch-up of a sync with Rust functions in batches (see
    /// [`crate::dialect::sync_log`]), outside any phase: the rows the apps
    /// wrote since, brought to the other shape while the migration waits at
    /// its deploy boundary.
    fn catch_up(
        &mut self,
        backfill: &crate::model::Backfill,
        transforms: &crate::transform::Transforms,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<(), ExecError>;
    /// The live schema, read from the database's catalog (the bookkeeping
    /// tables left out).
    fn introspect(&mut self) -> Result<Schema, ExecError>;
    /// What adopting this database reads (`cargo schemaflow init --from`).
    fn adoption(&mut self) -> Result<Adoption, ExecError>;
    /// Backfills under way: how far each got.
    fn backfills(&mut self) -> Result<Vec<BackfillProgress>, ExecError>;
    /// How many rows of `table` match `predicate` now; `None` when the
    /// table does not exist (yet).
    fn count_rows(&mut self, table: &str, predicate: Option<&str>) -> Result<Option<u64>, ExecError>;
    /// Writes a consistent copy of the whole database to `dest`, which must
    /// not exist: SQLite's online backup, `pg_dump --format=custom` on
    /// PostgreSQL. Application writes may go on meanwhile.
    fn backup(&mut self, dest: &std::path::Path) -> Result<(), ExecError>;
    /// Records that a backup of the database at `head` (this namespace's
    /// newest applied version) was written to `path`.
    fn record_backup(&mut self, path: &str, head: u64) -> Result<(), ExecError>;
    /// This namespace's recorded backups, newest first.
    fn backups(&mut self) -> Result<Vec<Backup>, ExecError>;
    /// About how many rows `table` holds, cheaply: PostgreSQL's planner
    /// estimate (`pg_class.reltuples`, counted when the table was never
    /// analysed and is small), an exact count on SQLite; `None` when the
    /// table does not exist or its size is unknown.
    fn estimate_rows(&mut self, table: &str) -> Result<Option<u64>, ExecError> {
        self.count_rows(table, None)
    }
    /// Differences between the expected and the live schema, as sentences,
    /// comparing only what this database can report; the tables and
    /// indexes in `foreign` (other namespaces') are left out.
    fn drift(&mut self, expected: &Schema, foreign: &BTreeMap<String, String>) -> Result<Vec<String>, ExecError>;
}

/// A scratch database `cargo schemaflow test` may write to: the backend, and raw SQL
/// access for generating and reading rows.
pub trait ScratchDatabase: Backend {
    /// Runs SQL statements.
    fn execute(&mut self, sql: &str) -> Result<(), String>;
    /// Rows of a query, every value as text (NULL as `None`).
    fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String>;
    /// `CAST(x AS TEXT)` in this database's spelling.
    fn text_of(&self, expr: &str) -> String;
    /// A bytes literal from hexadecimal digits.
    fn bytes_literal(&self, hex: &str) -> String;
}

/// What a failed phase leaves in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Left {
    /// Nothing: it was one transaction, rolled back.
    Nothing,
    /// The batches of a backfill that committed before the failure.
    CommittedBatches,
    /// Whatever a statement outside a transaction did before it failed (an
    /// INVALID index after a concurrent build), which the next run cleans up.
    OutsideStatement,
}

/// Why a run, rollback or status failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The history on disk and in the database disagree.
    History(String),
    /// A migration (or its rollback) failed. The phases before the failing
    /// one (`completed` of `phases`) stay done and are recorded; what the
    /// failing phase itself leaves is `left`.
    Migration {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// The failing statement's SQL, when a statement failed.
        statement: Option<String>,
        /// What went wrong.
        message: String,
        /// Phases of its plan done and recorded before the failing one.
        completed: u32,
        /// Phases in its plan (0 when the plan could not be built).
        phases: u32,
        /// Applying or rolling back.
        direction: Direction,
        /// What the failing phase leaves behind.
        left: Left,
    },
    /// A migration cannot be rolled back.
    Irreversible {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// Why it cannot be rolled back.
        reason: String,
    },
    /// The database could not be used.
    Database(String),
    /// Stopped on request after a committed batch; the next run resumes.
    Interrupted {
        /// The migration under way, as `YYYYMMDDHHMM_name`.
        id: String,
    },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::History(m) | RunError::Database(m) => f.write_str(m),
            RunError::Migration { id, statement, message, completed, phases, direction, left } => {
                let (what, next) = match direction {
                    Direction::Up => (format!("migration {id}"), "run"),
                    Direction::Down => (format!("the rollback of {id}"), "rollback"),
                };
                write!(f, "{what} failed: {message}")?;
                if let Some(sql) = statement {
                    write!(f, "\n  in statement: {sql}")?;
                }
                // Only a failing phase that was one transaction, with no
                // phase done before it, leaves the database untouched.
                match (left, completed, direction) {
                    (Left::Nothing, 0, Direction::Up) => write!(f, "\n  the database is as it was before {id}"),
                    (Left::Nothing, 0, Direction::Down) => {
                        write!(f, "\n  nothing of it was undone: {id} is still applied")
                    }
                    (Left::Nothing, _, _) => write!(
                        f,
                        "\n  {completed} of its {phases} phases had completed and are recorded; the next `{next}` resumes at phase {}",
                        completed + 1
                    ),
                    (Left::CommittedBatches, _, _) => write!(
                        f,
                        "\n  the batches committed before the failure stay; {id} is recorded as partial ({completed} of {phases} phases done) and the next `{next}` resumes after its last committed batch"
                    ),
                    (Left::OutsideStatement, _, _) => write!(
                        f,
                        "\n  the statement ran outside a transaction, so what it did before failing stays; {id} is recorded as partial ({completed} of {phases} phases done) and the next `{next}` cleans up and runs it again"
                    ),
                }
            }
            RunError::Irreversible { id, reason } => {
                write!(f, "migration {id} is irreversible: {reason}\n  the rollback stopped before it")
            }
            RunError::Interrupted { id } => write!(
                f,
                "stopped during {id} after its last committed batch; its progress is recorded and the next run resumes it"
            ),
        }
    }
}

impl std::error::Error for RunError {}

impl From<ExecError> for RunError {
    fn from(e: ExecError) -> RunError {
        match e {
            ExecError::Database(m) => RunError::Database(m),
            ExecError::Statement { sql, message } | ExecError::LockTimeout { sql, message } => {
                RunError::Database(format!("{message} (in `{sql}`)"))
            }
            ExecError::AlreadyDone => RunError::Database("another runner changed the database concurrently".into()),
            ExecError::Interrupted => RunError::Interrupted { id: String::new() },
        }
    }
}

/// Something the runner did, reported as it happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A migration ran up to its deploy boundary and is recorded as
    /// expanded; `run` stops there.
    Expanded {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// What to deploy before `complete`.
        note: String,
    },
    /// `run` found a migration expanded and waiting for `complete`: nothing
    /// after it runs.
    AwaitingComplete {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// What to deploy before `complete`.
        note: String,
        /// When it was expanded, UTC.
        since: String,
    },
    /// A deploy boundary was passed without stopping: the tables the
    /// change keeps in sync were created earlier in the same run, so no
    /// running code uses their old shape; or (no tables) the boundary comes
    /// first in its migration and nothing was applied before it in this
    /// run, so the deploy it waits for went out since the last run.
    BoundaryPassed {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// Those tables (none for a deploy since the last run).
        tables: Vec<String>,
    },
    /// A rollback ran up to a deploy boundary (the way back from an
    /// online change's contract); `complete` runs the rest.
    RollbackWaiting {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// What to deploy before `complete`.
        note: String,
    },
    /// A migration was applied.
    Applied {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// How long this run took to apply it.
        duration: Duration,
    },
    /// Another runner applied it first.
    Skipped {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
    },
    /// A migration was recorded as applied without running it.
    Marked {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
    },
    /// A migration was rolled back.
    RolledBack {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// How long this run took to roll it back.
        duration: Duration,
    },
    /// Another runner holds the database's migration lock; this one waits.
    Waiting,
    /// A backup was written before the first pending migration ran.
    BackedUp {
        /// Where.
        path: String,
        /// Its size.
        bytes: u64,
        /// How long it took.
        duration: Duration,
    },
    /// A statement could not get its lock within `lock_timeout`; the phase
    /// was rolled back and is tried again after a pause.
    Retrying {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// Which retry this is, counting from 1.
        attempt: u32,
        /// How long the runner waits before the retry.
        pause: Duration,
    },
    /// A batch of a backfill committed.
    Batch {
        /// The migration, as `YYYYMMDDHHMM_name`.
        id: String,
        /// The batch's table and the backfill's progress.
        batch: BatchDone,
    },
}

/// The state of one migration, for `status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Applied, and the file still matches.
    Applied {
        /// When it was applied, UTC, `YYYY-MM-DD HH:MM:SS`.
        applied_at: String,
        /// How long it took, in milliseconds.
        duration_ms: u64,
    },
    /// Not applied yet.
    Pending,
    /// Applied, but the file's checksum differs from the recorded one.
    Changed {
        /// When it was applied, UTC, `YYYY-MM-DD HH:MM:SS`.
        applied_at: String,
        /// The checksum recorded when it was applied.
        recorded: String,
        /// The checksum of the file now.
        current: String,
    },
    /// Recorded in the database, but no file has this version.
    Unknown {
        /// When it was applied, UTC, `YYYY-MM-DD HH:MM:SS`.
        applied_at: String,
    },
    /// Some phases of its forward plan ran; `run` resumes it. A data step
    /// under way reports its rows done and remaining.
    Applying {
        /// Phases of its forward plan done.
        phases_done: u32,
        /// Phases in that plan (0 when a backfill batch committed before the migration had a row).
        phases_total: u32,
        /// Rows the backfill under way has changed so far, if one is under way.
        #[serde(skip_serializing_if = "Option::is_none")]
        rows_done: Option<u64>,
        /// About how many rows that backfill has left to change.
        #[serde(skip_serializing_if = "Option::is_none")]
        rows_remaining: Option<u64>,
    },
    /// Its expand ran up to its deploy boundary; it waits for the deploy
    /// and `complete`.
    Expanded {
        /// When it was expanded, UTC, `YYYY-MM-DD HH:MM:SS`.
        expanded_at: String,
        /// What to deploy before `complete`.
        next: String,
    },
    /// Some phases of its rollback ran; `rollback` resumes it.
    RollingBack {
        /// Phases of its rollback plan done.
        phases_done: u32,
        /// Phases in that plan.
        phases_total: u32,
    },
}

/// One line of `status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusEntry {
    /// `YYYYMMDDHHMM`.
    pub version: u64,
    /// The description.
    pub name: String,
    /// Its state.
    #[serde(flatten)]
    pub state: State,
}

/// The result of `status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Every migration known to the files or the database, in version order.
    pub migrations: Vec<StatusEntry>,
    /// Differences between the live schema and the schema the applied
    /// migrations produce.
    pub drift: Vec<String>,
}

impl Status {
    /// Whether everything is applied, unchanged, known, and without drift.
    pub fn is_up_to_date(&self) -> bool {
        self.drift.is_empty() && self.migrations.iter().all(|m| matches!(m.state, State::Applied { .. }))
    }
}

/// The schema before each migration, by replaying the ones before it.
pub fn schemas_before(migrations: &[Migration]) -> Result<Vec<Schema>, RunError> {
    let mut schema = Schema::new();
    let mut out = Vec::with_capacity(migrations.len());
    for m in migrations {
        out.push(schema.clone());
        for step in &m.steps {
            schema
                .apply(&step.op)
                .map_err(|e| RunError::History(format!("migration {} does not replay: {}", m.id(), e.message)))?;
        }
    }
    Ok(out)
}

/// The schema after every migration in `migrations`.
pub fn schema_after(migrations: &[&Migration]) -> Result<Schema, RunError> {
    crate::schema::Schema::replay(migrations.iter().copied())
        .map_err(|(version, e)| RunError::History(format!("migration {version} does not replay: {}", e.message)))
}

fn sorted(migrations: &[Migration]) -> Vec<Migration> {
    let mut m = migrations.to_vec();
    m.sort_by_key(|m| m.version);
    m
}

/// Compares the files with the bookkeeping: applied, pending, changed, unknown.
pub fn compare(migrations: &[Migration], applied: &[AppliedMigration]) -> Vec<StatusEntry> {
    let mut entries: BTreeMap<u64, StatusEntry> = BTreeMap::new();
    for m in migrations {
        entries.insert(m.version, StatusEntry { version: m.version, name: m.name.clone(), state: State::Pending });
    }
    for row in applied {
        let file = migrations.iter().find(|m| m.version == row.version);
        let state = match file {
            Some(m) if row.state == APPLYING && m.checksum() == row.checksum => State::Applying {
                phases_done: row.phases_done,
                phases_total: row.phases_total,
                rows_done: None,
                rows_remaining: None,
            },
            Some(m) if row.state == EXPANDED && m.checksum() == row.checksum => State::Expanded {
                expanded_at: row.applied_at.clone(),
                next: deploy_note(m).unwrap_or_default().to_owned(),
            },
            Some(m) if row.state == ROLLING_BACK && m.checksum() == row.checksum => {
                State::RollingBack { phases_done: row.phases_done, phases_total: row.phases_total }
            }
            None => State::Unknown { applied_at: row.applied_at.clone() },
            Some(m) if m.checksum() != row.checksum => State::Changed {
                applied_at: row.applied_at.clone(),
                recorded: row.checksum.clone(),
                current: m.checksum(),
            },
            Some(_) => State::Applied { applied_at: row.applied_at.clone(), duration_ms: row.duration_ms },
        };
        entries.insert(row.version, StatusEntry { version: row.version, name: row.name.clone(), state });
    }
    entries.into_values().collect()
}

/// Refuses to go on when the history is not sound: a changed or unknown
/// applied migration, or a pending one older than the newest applied.
fn check_history(entries: &[StatusEntry]) -> Result<(), RunError> {
    for e in entries {
        match &e.state {
            State::Changed { .. } => {
                return Err(RunError::History(format!(
                    "migration {}_{} was changed after it was applied (its checksum differs from the one recorded); an applied migration must not change: restore the file and write a new migration for the change",
                    e.version, e.name
                )));
            }
            State::Unknown { .. } => {
                return Err(RunError::History(format!(
                    "migration {}_{} is recorded as applied but no migration file has that version; restore the file, or use the database it belongs to",
                    e.version, e.name
                )));
            }
            _ => {}
        }
    }
    let newest_applied = entries.iter().filter(|e| !matches!(e.state, State::Pending)).map(|e| e.version).max();
    if let Some(newest) = newest_applied
        && let Some(old) = entries.iter().find(|e| e.state == State::Pending && e.version < newest)
    {
        return Err(RunError::History(format!(
            "migration {}_{} is older than {newest}, which is already applied; give it a version after {newest} (rename the file) so every database applies migrations in the same order",
            old.version, old.name
        )));
    }
    Ok(())
}

/// Calls `f` with each pending migration up to `to` (inclusive) and the
/// schemas before and after it, replaying the history once, in version
/// order.
fn for_each_pending(
    migrations: &[Migration],
    applied: &[AppliedMigration],
    to: Option<u64>,
    mut f: impl FnMut(&Migration, &Schema, &Schema) -> Result<ControlFlow<()>, RunError>,
) -> Result<(), RunError> {
    if let Some(to) = to
        && !migrations.iter().any(|m| m.version == to)
    {
        return Err(RunError::History(format!("no migration has version {to}")));
    }
    let done: std::collections::HashSet<u64> =
        applied.iter().filter(|a| a.state != APPLYING && a.state != EXPANDED).map(|a| a.version).collect();
    let mut schema = Schema::new();
    for m in migrations {
        if to.is_some_and(|to| m.version > to) {
            break;
        }
        let pending = !done.contains(&m.version);
        let mut after = if pending { schema.clone() } else { std::mem::take(&mut schema) };
        for step in &m.steps {
            after
                .apply(&step.op)
                .map_err(|e| RunError::History(format!("migration {} does not replay: {}", m.id(), e.message)))?;
        }
        if pending && f(m, &schema, &after)?.is_break() {
            break;
        }
        schema = after;
    }
    Ok(())
}

/// The schema `m` leads to from `before`.
fn schema_after_migration(before: &Schema, m: &Migration) -> Result<Schema, RunError> {
    let mut after = before.clone();
    for s in &m.steps {
        after.apply(&s.op).map_err(|e| plan_error(m, PlanError { step: 0, message: e.message }))?;
    }
    Ok(after)
}

fn plan_error(m: &Migration, e: PlanError) -> RunError {
    RunError::Migration {
        id: m.id(),
        statement: None,
        message: e.to_string(),
        completed: 0,
        phases: 0,
        direction: Direction::Up,
        left: Left::Nothing,
    }
}

/// Runs the phases of `plan` from `first`, recording progress after each.
#[allow(clippy::too_many_arguments)]
fn run_plan(
    backend: &mut dyn Backend,
    m: &Migration,
    plan: &Plan,
    schema: &Schema,
    direction: Direction,
    first: u32,
    options: &Options,
    on_event: &mut dyn FnMut(Event),
) -> Result<Outcome, RunError> {
    let started = Instant::now();
    let total = plan.phases.len().max(1) as u32;
    for phase in first..total {
        let boundary = match plan.phases.get(phase as usize) {
            Some(Phase::Deploy(note)) => Some(note.clone()),
            _ => None,
        };
        let progress = Progress {
            namespace: backend.namespace().to_owned(),
            version: m.version,
            name: m.name.clone(),
            checksum: m.checksum(),
            direction,
            phase,
            phases_total: total,
            started,
            at_boundary: boundary.is_some(),
        };
        let mut attempt = 0;
        let failure = loop {
            let id = m.id();
            let mut on_batch = |batch: BatchDone| on_event(Event::Batch { id: id.clone(), batch });
            match backend.run_phase(plan, phase as usize, schema, &progress, &m.transforms, &mut on_batch) {
                Ok(()) => break None,
                Err(ExecError::AlreadyDone) => return Ok(Outcome::AlreadyDone),
                Err(ExecError::Interrupted) => return Err(RunError::Interrupted { id: m.id() }),
                Err(ExecError::LockTimeout { sql, message }) => {
                    // The phase was rolled back; waiting less than everyone
                    // queued behind us, then trying again, beats holding the queue.
                    if attempt >= options.lock_retries {
                        break Some((Some(sql), format!("{message}; gave up after {} attempts", attempt + 1)));
                    }
                    attempt += 1;
                    let pause = options.retry_pause * 2u32.pow(attempt - 1);
                    on_event(Event::Retrying { id: m.id(), attempt, pause });
                    std::thread::sleep(pause);
                }
                Err(ExecError::Statement { sql, message }) => break Some((Some(sql), message)),
                Err(ExecError::Database(message)) => break Some((None, message)),
            }
        };
        let Some((statement, message)) = failure else {
            match boundary {
                Some(note) if phase + 1 < total => return Ok(Outcome::AtBoundary { phase, note }),
                _ => continue,
            }
        };
        let left = match plan.phases.get(phase as usize) {
            Some(Phase::Backfill(_)) => Left::CommittedBatches,
            Some(Phase::Outside(_)) => Left::OutsideStatement,
            _ => Left::Nothing,
        };
        return Err(RunError::Migration {
            id: m.id(),
            statement,
            message,
            completed: phase,
            phases: total,
            direction,
            left,
        });
    }
    Ok(Outcome::Done)
}

/// How [`run_plan`] ended.
enum Outcome {
    /// Every phase ran.
    Done,
    /// Another runner had done it; nothing ran.
    AlreadyDone,
    /// It stopped after the deploy boundary that is phase `phase`: what to
    /// deploy next.
    AtBoundary {
        /// The boundary's phase.
        phase: u32,
        /// What to deploy.
        note: String,
    },
}

/// Applies the pending migrations (up to `to`), in version order; resumes a
/// migration left half-applied by an interrupted run.
pub fn run(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    to: Option<u64>,
    options: &Options,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    with_lock(backend, migrations, on_event, |backend, changed, on_event| {
        run_locked(backend, migrations, to, options, None, false, changed, on_event)
    })
}

/// [`run`], first writing a backup of the database to `backup` (and
/// recording it) when anything is pending, under the same lock, so that no
/// other runner changes the database between the two. When the backup
/// fails, nothing runs.
pub fn run_with_backup(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    to: Option<u64>,
    options: &Options,
    backup: &std::path::Path,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    with_lock(backend, migrations, on_event, |backend, changed, on_event| {
        run_locked(backend, migrations, to, options, Some(backup), false, changed, on_event)
    })
}

/// Runs a command that changes the database under the migration lock,
/// then records the objects its namespace owns if it changed anything.
fn with_lock(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    on_event: &mut dyn FnMut(Event),
    command: impl FnOnce(&mut dyn Backend, &mut usize, &mut dyn FnMut(Event)) -> Result<usize, RunError>,
) -> Result<usize, RunError> {
    backend.acquire_lock(&mut || on_event(Event::Waiting))?;
    let mut changed = 0;
    let result = command(backend, &mut changed, on_event);
    let result = claim_after(backend, migrations, changed, result);
    backend.release_lock();
    result
}

/// After a run or rollback that applied or rolled back `changed`
/// migrations (before it ended, or failed), records the tables and indexes
/// this namespace's applied migrations own (a failure to record them is
/// reported only when the command itself succeeded).
fn claim_after(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    changed: usize,
    result: Result<usize, RunError>,
) -> Result<usize, RunError> {
    if changed == 0 {
        return result;
    }
    let claimed = (|| {
        let applied = backend.applied()?;
        let mut done: Vec<&Migration> = migrations
            .iter()
            .filter(|m| applied.iter().any(|a| a.version == m.version && a.state == APPLIED))
            .collect();
        done.sort_by_key(|m| m.version);
        let schema = schema_after(&done)?;
        backend.claim(&schema).map_err(RunError::from)
    })();
    match (result, claimed) {
        (Ok(_), Err(e)) => Err(e),
        (result, _) => result,
    }
}

/// Refuses to start a history under this namespace when another
/// namespace's history is exactly this crate's migrations: the crate was
/// renamed (or its namespace changed), and starting afresh would apply
/// everything a second time.
fn check_namespace(
    namespace: &str,
    migrations: &[Migration],
    applied: &[AppliedMigration],
    others: &Others,
) -> Result<(), RunError> {
    if !applied.is_empty() {
        return Ok(());
    }
    let by_version: BTreeMap<u64, &Migration> = migrations.iter().map(|m| (m.version, m)).collect();
    for (other, history) in &others.histories {
        let ours =
            |(version, checksum): &(u64, String)| by_version.get(version).is_some_and(|m| m.checksum() == *checksum);
        if !history.is_empty() && history.iter().all(ours) {
            return Err(RunError::History(format!(
                "nothing is recorded for `{namespace}` in this database, but the {} migration(s) recorded for `{other}` are this crate's (same versions and checksums): if the crate was renamed, set `namespace = \"{other}\"` under [package.metadata.schemaflow] so that it keeps its history",
                history.len()
            )));
        }
    }
    Ok(())
}

/// Refuses a migration that creates a table or index another namespace
/// created in this database: two crates sharing a database each own their
/// objects, and the second `CREATE` would fail halfway through a deploy.
fn check_foreign_objects(m: &Migration, namespace: &str, others: &Others) -> Result<(), RunError> {
    for step in &m.steps {
        let (kind, name) = match &step.op {
            crate::model::Op::CreateTable(t) => ("table", t.name.as_str()),
            crate::model::Op::RenameTable { to, .. } => ("table", to.as_str()),
            crate::model::Op::CreateIndex(i) => ("index", i.name.as_str()),
            _ => continue,
        };
        if let Some(owner) = others.objects.get(name) {
            return Err(RunError::History(format!(
                "migration {} creates the {kind} `{name}`, which the migrations of `{owner}` created in this database; the crates sharing it (`{owner}`, `{namespace}`) must each keep to their own tables and indexes: give it another name, or make the change in `{owner}`",
                m.id()
            )));
        }
    }
    Ok(())
}

/// Writes a backup of the database to `dest` and records it, under the
/// migration lock (so that no runner changes the database meanwhile).
pub fn backup(
    backend: &mut dyn Backend,
    dest: &std::path::Path,
    on_event: &mut dyn FnMut(Event),
) -> Result<(), RunError> {
    backend.acquire_lock(&mut || on_event(Event::Waiting))?;
    let result = (|| {
        let applied = backend.applied()?;
        take_backup(backend, &applied, dest, on_event)
    })();
    backend.release_lock();
    result
}

/// Writes the backup, records it at the newest applied version, and says so.
fn take_backup(
    backend: &mut dyn Backend,
    applied: &[AppliedMigration],
    dest: &std::path::Path,
    on_event: &mut dyn FnMut(Event),
) -> Result<(), RunError> {
    let head = applied.iter().filter(|a| a.state == APPLIED).map(|a| a.version).max().unwrap_or(0);
    let started = Instant::now();
    backend.backup(dest)?;
    let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    let path = dest.display().to_string();
    backend.record_backup(&path, head)?;
    on_event(Event::BackedUp { path, bytes, duration: started.elapsed() });
    Ok(())
}

/// Finishes the migration waiting at a deploy boundary: the rest of an
/// expanded migration's plan (its contract), or the rest of a rollback
/// that stopped at one. Nothing after it runs.
pub fn complete(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    options: &Options,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    with_lock(backend, migrations, on_event, |backend, changed, on_event| {
        let applied = backend.applied()?;
        // Expanded, or its contract cut short (a phase past the boundary
        // recorded): both go on from where they are.
        let contract_under_way = |a: &AppliedMigration| {
            a.state == APPLYING && migrations.iter().any(|m| m.version == a.version && deploy_note(m).is_some())
        };
        if applied.iter().any(|a| a.state == EXPANDED || contract_under_way(a)) {
            return run_locked(backend, migrations, None, options, None, true, changed, on_event);
        }
        let sorted = sorted(migrations);
        let waiting = applied.iter().find(|a| {
            a.state == ROLLING_BACK
                && sorted
                    .iter()
                    .find(|m| m.version == a.version)
                    .is_some_and(|m| rollback_waits(backend.dialect(), m, &sorted, a, options))
        });
        match waiting {
            Some(a) => rollback_locked(
                backend,
                migrations,
                RollbackTarget::To(previous_version(&sorted, a.version)),
                options,
                true,
                changed,
                on_event,
            ),
            None => Err(RunError::History(
                "no migration is waiting at a deploy boundary: `complete` finishes an online change that `run` expanded (or a rollback that stopped at its boundary)".into(),
            )),
        }
    })
}

/// The version just before `version` (0 when it is the first).
fn previous_version(sorted: &[Migration], version: u64) -> u64 {
    sorted.iter().map(|m| m.version).filter(|v| *v < version).max().unwrap_or(0)
}

/// Whether the half-done rollback `a` of `m` stopped at a deploy boundary
/// of its plan on `dialect` (phases are counted per database).
fn rollback_waits(
    dialect: Dialect,
    m: &Migration,
    sorted: &[Migration],
    a: &AppliedMigration,
    options: &Options,
) -> bool {
    let Some(i) = sorted.iter().position(|x| x.version == m.version) else { return false };
    let Ok(befores) = schemas_before(&sorted[..=i]) else { return false };
    let Some(plan) = down_plan(dialect, &befores[i], m, a, options) else { return false };
    a.phases_done > 0 && matches!(plan.phases.get(a.phases_done as usize - 1), Some(Phase::Deploy(_)))
}

/// The rollback plan of `m` given its bookkeeping row: an expanded
/// migration undoes only what ran before its deploy boundary.
fn down_plan(
    dialect: Dialect,
    before: &Schema,
    m: &Migration,
    row: &AppliedMigration,
    options: &Options,
) -> Option<Plan> {
    match dialect::plan_down(dialect, before, &as_rolled_back(m, row), options) {
        Ok(Ok(plan)) => Some(plan),
        _ => None,
    }
}

/// `m` as its rollback sees it: only the steps before its deploy boundary
/// when it is expanded (their way back derived).
fn as_rolled_back(m: &Migration, row: &AppliedMigration) -> Migration {
    match (row.state.as_str(), expand_steps(m)) {
        (EXPANDED, Some(steps)) => Migration { steps: steps.to_vec(), down: crate::model::Down::Derived, ..m.clone() },
        _ => m.clone(),
    }
}

/// The tables the steps after `m`'s first deploy boundary work on: the
/// ones whose old shape running code may still use.
fn contract_tables(m: &Migration) -> Vec<String> {
    let Some(expand) = expand_steps(m) else { return Vec::new() };
    let mut tables: Vec<String> = Vec::new();
    for step in &m.steps[expand.len()..] {
        if let Some(t) = step.op.table()
            && !tables.iter().any(|known| known == t)
        {
            tables.push(t.to_owned());
        }
    }
    tables
}

/// The steps of `m` before its first deploy boundary, if it has one.
pub fn expand_steps(m: &Migration) -> Option<&[crate::model::Step]> {
    let at = m.steps.iter().position(|s| matches!(s.op, crate::model::Op::DeployBoundary { .. }))?;
    Some(&m.steps[..at])
}

/// What `m` asks to deploy at its deploy boundary.
pub fn deploy_note(m: &Migration) -> Option<&str> {
    m.steps.iter().find_map(|s| match &s.op {
        crate::model::Op::DeployBoundary { note } => Some(note.as_str()),
        _ => None,
    })
}

#[allow(clippy::too_many_arguments)]
fn run_locked(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    to: Option<u64>,
    options: &Options,
    backup: Option<&std::path::Path>,
    completing: bool,
    count: &mut usize,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    let migrations = sorted(migrations);
    let applied = backend.applied()?;
    let others = backend.others()?;
    check_namespace(backend.namespace(), &migrations, &applied, &others)?;
    check_history(&compare(&migrations, &applied))?;
    // Part of its rollback ran (a phase, or some batches of a backfill):
    // neither applied nor pending, so only finishing the rollback is safe.
    if let Some(a) = applied.iter().find(|a| a.state == ROLLING_BACK) {
        return Err(RunError::History(format!(
            "migration {}_{} is half rolled back ({} of {} phases of its rollback done); finish it with `rollback` (or `complete`, when it waits at a deploy boundary) before running",
            a.version, a.name, a.phases_done, a.phases_total
        )));
    }
    let pending: Vec<&Migration> = migrations
        .iter()
        .filter(|m| {
            to.is_none_or(|to| m.version <= to) && !applied.iter().any(|a| a.version == m.version && a.state == APPLIED)
        })
        .collect();
    if !others.objects.is_empty() {
        for m in &pending {
            check_foreign_objects(m, backend.namespace(), &others)?;
        }
    }
    if let Some(dest) = backup
        && !pending.is_empty()
        && !applied.iter().any(|a| a.state == EXPANDED)
    {
        take_backup(backend, &applied, dest, on_event)?;
    }
    // Tables created by the migrations this run applies.
    let mut created_here = std::collections::HashSet::new();
    for_each_pending(&migrations, &applied, to, |m, before, after| {
        let row = applied.iter().find(|a| a.version == m.version);
        let expanded = row.is_some_and(|a| a.state == EXPANDED);
        if expanded && !completing {
            // Rows the apps wrote since the expand reach the other shape
            // now, when a Rust function computes it (a trigger could not).
            let plan =
                dialect::plan_up_to(backend.dialect(), before, after, m, options).map_err(|e| plan_error(m, e))?;
            let waiting = row.map_or(0, |a| a.phases_done as usize);
            if let Some(Phase::Backfill(b)) =
                plan.phases.iter().skip(waiting).find(|p| matches!(p, Phase::Backfill(b) if b.catch_up.is_some()))
            {
                let id = m.id();
                let mut on_batch = |batch: BatchDone| on_event(Event::Batch { id: id.clone(), batch });
                match backend.catch_up(b, &m.transforms, &mut on_batch) {
                    Err(ExecError::Interrupted) => return Err(RunError::Interrupted { id: m.id() }),
                    // Nothing is left half done: each batch commits whole.
                    other => other.map_err(|e| match RunError::from(e) {
                        RunError::Database(message) => {
                            RunError::Database(format!("the catch-up of {} failed: {message}", m.id()))
                        }
                        e => e,
                    })?,
                }
            }
            // The deploy it waits for is the user's to confirm.
            on_event(Event::AwaitingComplete {
                id: m.id(),
                note: deploy_note(m).unwrap_or_default().to_owned(),
                since: row.map(|a| a.applied_at.clone()).unwrap_or_default(),
            });
            return Ok(ControlFlow::Break(()));
        }
        let plan = dialect::plan_up_to(backend.dialect(), before, after, m, options).map_err(|e| plan_error(m, e))?;
        let mut from = row.filter(|a| a.state == APPLYING || a.state == EXPANDED).map_or(0, |a| a.phases_done);
        // Data steps read their table's key and columns off the schema the
        // migration produces (`after`: a backfill fills columns added before it).
        let started = Instant::now();
        loop {
            match run_plan(backend, m, &plan, after, Direction::Up, from, options, on_event)? {
                Outcome::Done => {
                    *count += 1;
                    on_event(Event::Applied { id: m.id(), duration: started.elapsed() });
                }
                Outcome::AlreadyDone => on_event(Event::Skipped { id: m.id() }),
                Outcome::AtBoundary { phase, note } => {
                    if phase == 0 && *count == 0 {
                        // A boundary before anything of its migration, and
                        // nothing applied before it in this run: the
                        // deploy it waits for went out between runs.
                        on_event(Event::BoundaryPassed { id: m.id(), tables: Vec::new() });
                        from = phase + 1;
                        continue;
                    }
                    // The tables as the expand leaves them (a rename included).
                    let mut created = created_here.clone();
                    for step in expand_steps(m).unwrap_or_default() {
                        crate::rules::track_created(&mut created, &step.op);
                    }
                    let tables = contract_tables(m);
                    if tables.is_empty() || !tables.iter().all(|t| created.contains(t)) {
                        on_event(Event::Expanded { id: m.id(), note });
                        return Ok(ControlFlow::Break(()));
                    }
                    // Its tables came into being in this run: no running
                    // code knows their old shape, so there is nobody to wait for.
                    on_event(Event::BoundaryPassed { id: m.id(), tables });
                    from = phase + 1;
                    continue;
                }
            }
            break;
        }
        for step in &m.steps {
            crate::rules::track_created(&mut created_here, &step.op);
        }
        // `complete` finishes the expanded migration and nothing more.
        Ok(if completing { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
    })?;
    Ok(*count)
}

/// Records migrations as applied without running them, for a database
/// that is already at those versions (adopted, or migrated by hand): the
/// live schema must be what the history through them produces, unless
/// `accept_drift`. Returns how many were recorded (already applied ones are
/// left as they are).
pub fn mark_applied(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    versions: &[u64],
    accept_drift: bool,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    with_lock(backend, migrations, on_event, |backend, changed, on_event| {
        mark_applied_locked(backend, migrations, versions, accept_drift, changed, on_event)
    })
}

fn mark_applied_locked(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    versions: &[u64],
    accept_drift: bool,
    count: &mut usize,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    let migrations = sorted(migrations);
    let applied = backend.applied()?;
    check_history(&compare(&migrations, &applied))?;
    if let Some(a) = applied.iter().find(|a| a.state != APPLIED) {
        return Err(RunError::History(format!(
            "migration {}_{} is under way ({}); finish it with `run` or `rollback` first",
            a.version, a.name, a.state
        )));
    }
    for v in versions {
        if !migrations.iter().any(|m| m.version == *v) {
            return Err(RunError::History(format!("no migration has version {v}")));
        }
    }
    let is_done = |m: &Migration| applied.iter().any(|a| a.version == m.version) || versions.contains(&m.version);
    let newest = migrations.iter().filter(|m| is_done(m)).map(|m| m.version).max().unwrap_or(0);
    let gaps: Vec<String> =
        migrations.iter().filter(|m| m.version < newest && !is_done(m)).map(Migration::id).collect();
    if !gaps.is_empty() {
        return Err(RunError::History(format!(
            "{} would stay pending before {newest}, which every database applies in version order: mark them applied too, or mark an earlier version",
            gaps.join(", ")
        )));
    }
    let done: Vec<&Migration> = migrations.iter().filter(|m| is_done(m)).collect();
    let expected = schema_after(&done)?;
    let others = backend.others()?;
    let drift = backend.drift(&expected, &others.objects)?;
    if !drift.is_empty() && !accept_drift {
        return Err(RunError::History(format!(
            "the database is not what the migrations through {newest} produce, so recording them as applied would hide the difference:\n  {}\nchange the migrations (or the database) until they agree, or pass --accept-drift to record them anyway",
            drift.join("\n  ")
        )));
    }
    let nothing = Plan { session: Vec::new(), phases: Vec::new() };
    for m in migrations.iter().filter(|m| versions.contains(&m.version)) {
        if applied.iter().any(|a| a.version == m.version) {
            continue;
        }
        if matches!(
            run_plan(backend, m, &nothing, &expected, Direction::Up, 0, &Options::default(), on_event)?,
            Outcome::Done
        ) {
            *count += 1;
            on_event(Event::Marked { id: m.id() });
        }
    }
    Ok(*count)
}

/// How far to roll back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RollbackTarget {
    /// The last `n` applied migrations.
    Steps(usize),
    /// Every applied migration newer than this version (it stays applied);
    /// `0` rolls back everything.
    To(u64),
}

/// Rolls back applied migrations, newest first, each with its own plan.
/// Stops at an irreversible one, with its reason.
pub fn rollback(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    target: RollbackTarget,
    options: &Options,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    with_lock(backend, migrations, on_event, |backend, changed, on_event| {
        rollback_locked(backend, migrations, target, options, false, changed, on_event)
    })
}

fn rollback_locked(
    backend: &mut dyn Backend,
    migrations: &[Migration],
    target: RollbackTarget,
    options: &Options,
    completing: bool,
    count: &mut usize,
    on_event: &mut dyn FnMut(Event),
) -> Result<usize, RunError> {
    let migrations = sorted(migrations);
    let applied = backend.applied()?;
    check_history(&compare(&migrations, &applied))?;
    if let Some(a) = applied.iter().find(|a| a.state == APPLYING) {
        return Err(RunError::History(format!(
            "migration {}_{} is half-applied ({} of {} phases); finish it with `run` before rolling back",
            a.version, a.name, a.phases_done, a.phases_total
        )));
    }
    let befores = schemas_before(&migrations)?;
    let mut chosen: Vec<usize> = migrations
        .iter()
        .enumerate()
        .filter(|(_, m)| applied.iter().any(|a| a.version == m.version))
        .map(|(i, _)| i)
        .collect();
    chosen.reverse();
    let chosen: Vec<usize> = match target {
        RollbackTarget::Steps(n) => chosen.into_iter().take(n).collect(),
        RollbackTarget::To(v) => {
            if v != 0 && !migrations.iter().any(|m| m.version == v) {
                return Err(RunError::History(format!("no migration has version {v}")));
            }
            chosen.into_iter().filter(|&i| migrations[i].version > v).collect()
        }
    };
    for i in chosen {
        let m = &migrations[i];
        let before = &befores[i];
        let Some(row) = applied.iter().find(|a| a.version == m.version) else { continue };
        let rolled_back = as_rolled_back(m, row);
        let plan = match dialect::plan_down(backend.dialect(), before, &rolled_back, options) {
            Ok(Ok(plan)) => plan,
            Ok(Err(e)) => return Err(plan_error(m, e)),
            Err(reason) => return Err(RunError::Irreversible { id: m.id(), reason }),
        };
        let after = schema_after_migration(before, &rolled_back)?;
        let first = if row.state == ROLLING_BACK { row.phases_done } else { 0 };
        if !completing
            && first > 0
            && let Some(Phase::Deploy(note)) = plan.phases.get(first as usize - 1)
        {
            // Stopped at its deploy boundary: the deploy is the user's to confirm.
            on_event(Event::RollbackWaiting { id: m.id(), note: note.clone() });
            return Ok(*count);
        }
        let started = Instant::now();
        match run_plan(backend, m, &plan, &after, Direction::Down, first, options, on_event)? {
            Outcome::Done => {
                *count += 1;
                on_event(Event::RolledBack { id: m.id(), duration: started.elapsed() });
            }
            Outcome::AlreadyDone => on_event(Event::Skipped { id: m.id() }),
            Outcome::AtBoundary { note, .. } => {
                on_event(Event::RollbackWaiting { id: m.id(), note });
                return Ok(*count);
            }
        }
        if completing {
            break;
        }
    }
    Ok(*count)
}

/// Applied, pending, changed and unknown migrations, and the drift of the
/// live schema from what the applied migrations produce.
pub fn status(backend: &mut dyn Backend, migrations: &[Migration]) -> Result<Status, RunError> {
    let migrations = sorted(migrations);
    let applied = backend.applied()?;
    let entries = compare(&migrations, &applied);
    let applied_known: Vec<&Migration> =
        migrations.iter().filter(|m| applied.iter().any(|a| a.version == m.version && a.state == APPLIED)).collect();
    let mut expected = schema_after(&applied_known)?;
    // An expanded migration's schema is the one its expand leads to.
    for m in migrations.iter().filter(|m| applied.iter().any(|a| a.version == m.version && a.state == EXPANDED)) {
        for step in expand_steps(m).unwrap_or_default() {
            expected
                .apply(&step.op)
                .map_err(|e| RunError::History(format!("migration {} does not replay: {}", m.id(), e.message)))?;
        }
    }
    let others = backend.others()?;
    let drift = backend.drift(&expected, &others.objects)?;
    let mut entries = entries;
    // A first backfill batch can commit before the migration has a row:
    // such a migration is under way too.
    for b in backend.backfills()? {
        match entries.iter_mut().find(|e| e.version == b.version) {
            Some(StatusEntry { state: State::Applying { rows_done, rows_remaining, .. }, .. }) => {
                *rows_done = Some(b.rows_done);
                *rows_remaining = Some(b.rows_total.saturating_sub(b.rows_done));
            }
            Some(e) if e.state == State::Pending => {
                e.state = State::Applying {
                    phases_done: b.phase,
                    phases_total: 0,
                    rows_done: Some(b.rows_done),
                    rows_remaining: Some(b.rows_total.saturating_sub(b.rows_done)),
                };
            }
            _ => {}
        }
    }
    Ok(Status { migrations: entries, drift })
}

/// What `run --dry-run` prints: each pending migration's plan, exactly as
/// it would run, without touching the database.
pub fn dry_run(
    dialect: Dialect,
    migrations: &[Migration],
    applied: &[AppliedMigration],
    to: Option<u64>,
    options: &Options,
    rows: &mut dyn FnMut(&crate::model::Backfill) -> Option<u64>,
) -> Result<String, RunError> {
    let migrations = sorted(migrations);
    check_history(&compare(&migrations, applied))?;
    let mut out = String::new();
    for_each_pending(&migrations, applied, to, |m, before, after| {
        let mut plan = dialect::plan_up(dialect, before, m, options).map_err(|e| plan_error(m, e))?;
        if let Some(row) = applied.iter().find(|a| a.version == m.version && a.state == EXPANDED) {
            // `run` runs nothing until `complete`; say what that will run.
            out.push_str(&format!(
                "-- migration {} is expanded and waits at its deploy boundary: `run` runs nothing until `cargo schemaflow complete`, which runs:\n",
                m.id()
            ));
            plan.phases.drain(..(row.phases_done as usize).min(plan.phases.len()));
            out.push_str(&dialect::render_with(dialect, after, &plan, rows));
            out.push('\n');
            return Ok(ControlFlow::Break(()));
        }
        out.push_str(&format!("-- migration {}\n", m.id()));
        for phase in crate::plan::deploy_phases(m) {
            out.push_str(&format!(
                "-- {}\n--     code deployed before it: {}\n--     code deployed for it: {}\n",
                phase.phase, phase.old_code, phase.new_code
            ));
        }
        // Backfills run against the schema after the migration's steps.
        out.push_str(&dialect::render_with(dialect, after, &plan, rows));
        let recorded = if plan.phases.len() > 1 {
            "progress recorded in each phase's transaction; applied with the last"
        } else {
            "recorded in the same transaction"
        };
        out.push_str(&format!(
            "-- {BOOKKEEPING_TABLE}: {recorded} (version {}, checksum {})\n\n",
            m.version,
            &m.checksum()[..16]
        ));
        Ok(ControlFlow::Continue(()))
    })?;
    if out.is_empty() {
        out.push_str("-- nothing to apply: every migration is applied\n");
    }
    Ok(out)
}

#[cfg(all(test, feature = "sqlite", feature = "dsl"))]
mod tests;

#[cfg(all(test, feature = "postgres", feature = "dsl"))]
mod postgres_tests;

#[cfg(all(test, any(feature = "sqlite", feature = "postgres"), feature = "dsl"))]
mod online_tests;

#[cfg(all(test, any(feature = "sqlite", feature = "postgres"), feature = "dsl"))]
mod delete_tests;

#[cfg(all(test, any(feature = "sqlite", feature = "postgres"), feature = "dsl"))]
mod types_tests;

/// A PostgreSQL database of its own for one test, dropped afterwards.
#[cfg(feature = "postgres")]
pub mod test_database;
