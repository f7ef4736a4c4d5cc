//! SQL generation: a migration's steps become an execution [`Plan`] for one
//! database, with the lock each statement takes and which statements must
//! run outside a transaction.
//!
//! The plan is data: the runner executes it, `--dry-run` prints it, the
//! migration plan document describes it, and snapshot tests pin it. Each
//! dialect module turns one operation into [`Unit`]s; this module replays
//! the migration (so each operation sees the schema just before it) and
//! groups the units into transactions.

pub mod batches;
pub mod compat_view;
pub mod postgres;
pub mod sqlite;
pub mod sync;
pub mod sync_log;

use std::time::Duration;

use crate::model::{Backfill, ColumnType, DefaultValue, Migration, Op, Step};
use crate::rollback::{self, Derived};
use crate::schema::Schema;

/// The databases schemaflow generates SQL for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35 or later (bundled with schemaflow).
    Sqlite,
    /// PostgreSQL 12 or later.
    Postgres,
}

impl Dialect {
    /// The name users write: `sqlite` or `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// The database this dialect is for.
    pub fn database(self) -> crate::model::Database {
        match self {
            Dialect::Sqlite => crate::model::Database::Sqlite,
            Dialect::Postgres => crate::model::Database::Postgres,
        }
    }

    /// The SQL type of a column type.
    pub fn column_type(self, ty: &ColumnType) -> String {
        match self {
            Dialect::Sqlite => sqlite::column_type(ty),
            Dialect::Postgres => postgres::column_type(ty),
        }
    }

    /// The SQL for a default or assigned value.
    pub fn value(self, value: &DefaultValue) -> String {
        match self {
            Dialect::Sqlite => sqlite::value(value),
            Dialect::Postgres => postgres::value(value),
        }
    }
}

/// One SQL statement and what running it costs.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The SQL, exactly as executed.
    pub sql: String,
    /// The lock it takes, when it matters (PostgreSQL), e.g.
    /// `ACCESS EXCLUSIVE on "users" (brief)`.
    pub lock: Option<String>,
    /// Set when the statement is part of a SQLite table rebuild of this table.
    pub rebuilds: Option<String>,
    /// Set when the statement builds this index concurrently (PostgreSQL):
    /// an INVALID index of that name, left by a failed build, is dropped
    /// before it runs.
    pub builds_index: Option<String>,
    /// Set when the statement is the last catch-up of a sync with Rust
    /// functions, run by the runner inside the transaction (its SQL is a
    /// comment saying so).
    pub drains: Option<Box<Backfill>>,
}

impl Statement {
    /// A statement with no notable lock.
    pub fn new(sql: impl Into<String>) -> Statement {
        Statement { sql: sql.into(), lock: None, rebuilds: None, builds_index: None, drains: None }
    }

    /// The same statement, annotated with the lock it takes.
    pub fn locking(mut self, lock: impl Into<String>) -> Statement {
        self.lock = Some(lock.into());
        self
    }
}

/// The lock line of a raw statement whose effect is not analysed.
pub const NOT_ANALYSED: &str = "not analysed";

/// How an operation's statement must be run.
#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// In the migration's transaction.
    InTransaction(Statement),
    /// In a transaction of its own, after the statements before it commit
    /// (e.g. `VALIDATE CONSTRAINT`, so its long scan holds no strong lock).
    OwnTransaction(Statement),
    /// Outside any transaction (e.g. `CREATE INDEX CONCURRENTLY`).
    Outside(Statement),
    /// A data step, run by the batching engine in short transactions.
    Backfill(Backfill),
    /// A deploy boundary: what to deploy before the rest runs.
    Deploy(String),
}

/// A part of a plan, run in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Statements run in one transaction, committed together.
    Transaction(Vec<Statement>),
    /// One statement run outside any transaction.
    Outside(Statement),
    /// A data step, run in batches of short transactions.
    Backfill(Backfill),
    /// A deploy boundary: `run` records the migration as expanded and
    /// stops; `complete` goes on once the new code is deployed everywhere.
    Deploy(String),
}

/// What a migration (or its rollback) runs on one database.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Session settings run on the connection first, outside any transaction
    /// (PostgreSQL: `lock_timeout`; SQLite: foreign keys off for rebuilds).
    pub session: Vec<Statement>,
    /// The phases, in order.
    pub phases: Vec<Phase>,
}

impl Plan {
    /// Every statement of the plan (backfills excluded), in order.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.phases.iter().flat_map(|p| match p {
            Phase::Transaction(s) => s.iter().collect::<Vec<_>>(),
            Phase::Outside(s) => vec![s],
            Phase::Backfill(_) | Phase::Deploy(_) => vec![],
        })
    }

    /// Whether the whole plan runs in one transaction.
    pub fn is_single_transaction(&self) -> bool {
        matches!(self.phases.as_slice(), [Phase::Transaction(_)] | [])
    }

    /// The index of the first deploy boundary, if the plan has one.
    pub fn boundary(&self) -> Option<usize> {
        self.phases.iter().position(|p| matches!(p, Phase::Deploy(_)))
    }

    /// Whether a step rebuilds a table (SQLite).
    pub fn rebuilds(&self) -> bool {
        self.statements().any(|s| s.rebuilds.is_some())
    }
}

/// Options of SQL generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The lowest PostgreSQL major version the SQL must run on.
    pub postgres_version: u32,
    /// PostgreSQL `lock_timeout`: how long a statement waits for its lock
    /// before giving up, so it never queues with everyone else behind it.
    pub lock_timeout_ms: u64,
    /// PostgreSQL `statement_timeout` in milliseconds; `None` leaves the
    /// server's setting.
    pub statement_timeout_ms: Option<u64>,
    /// How many times a phase whose lock was not granted is tried again.
    pub lock_retries: u32,
    /// The pause before the first retry; each next one doubles it.
    pub retry_pause: std::time::Duration,
}

/// The default PostgreSQL `lock_timeout`, in milliseconds.
pub const DEFAULT_LOCK_TIMEOUT_MS: u64 = 5000;

impl Default for Options {
    fn default() -> Options {
        Options {
            postgres_version: crate::config::DEFAULT_POSTGRES_MIN_VERSION,
            lock_timeout_ms: DEFAULT_LOCK_TIMEOUT_MS,
            statement_timeout_ms: None,
            lock_retries: 4,
            retry_pause: std::time::Duration::from_secs(1),
        }
    }
}

/// What a dialect sees of one operation.
pub struct OpContext<'a> {
    /// The schema just before the operation.
    pub before: &'a Schema,
    /// The schema just after it.
    pub after: &'a Schema,
    /// Whether the table the operation works on existed before this migration.
    pub existing_table: bool,
    /// Generation options.
    pub options: &'a Options,
    /// The operation was read from raw SQL, which runs as written: its
    /// units describe that statement, not the safer form the DSL would
    /// generate in its place.
    pub as_written: bool,
    /// Raw SQL earlier in the migration left the session time zone at UTC
    /// (see [`crate::type_change::zone_is_utc`]).
    pub zone_is_utc: bool,
}

/// Why a plan cannot be generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    /// Which step (of the forward steps, or of the rollback's operations).
    pub step: usize,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {}: {}", self.step + 1, self.message)
    }
}

impl std::error::Error for PlanError {}

/// The plan of `steps` applied to `before`. A step read from raw SQL runs
/// its statement as written, placed (in the transaction, in one of its
/// own, or outside) and annotated with the locks of what it does.
pub fn plan_steps(dialect: Dialect, before: &Schema, steps: &[Step], options: &Options) -> Result<Plan, PlanError> {
    plan_steps_to(dialect, before, None, steps, options)
}

/// [`plan_steps`], given the schema after all of `steps` when known.
fn plan_steps_to(
    dialect: Dialect,
    before: &Schema,
    known_after: Option<&Schema>,
    steps: &[Step],
    options: &Options,
) -> Result<Plan, PlanError> {
    use std::borrow::Cow;
    // The schemas just before and just after the current step, kept in
    // step by applying each op to both (cheaper than a copy per step); a
    // single step needs no copy when the schema after it is known.
    let mut schema = Cow::Borrowed(before);
    let mut after = match known_after {
        Some(known) if steps.len() == 1 => Cow::Borrowed(known),
        _ => Cow::Owned(before.clone()),
    };
    let mut created = std::collections::HashSet::new();
    let mut replacing = false;
    let mut units = Vec::new();
    // The units generated for the raw statement being read, with its text.
    let mut raw: Option<(&str, Vec<Unit>)> = None;
    for (step, Step { op, raw: raw_sql, .. }) in steps.iter().enumerate() {
        if let Cow::Owned(after) = &mut after {
            after.apply(op).map_err(|e| PlanError { step, message: e.message })?;
        }
        let existing_table = op.table().is_some_and(|t| before.tables.contains_key(t) && !created.contains(t));
        let cx = OpContext {
            before: &schema,
            after: &after,
            existing_table,
            options,
            as_written: raw_sql.is_some(),
            // Only a type change asks; the scan of the steps before it is
            // not worth doing for every step.
            zone_is_utc: matches!(op, Op::AlterColumnType { .. }) && crate::type_change::zone_is_utc(&steps[..step]),
        };
        // SQL written for the other database only: its effect is tracked
        // (the other text does the same here), its statements do not run.
        let elsewhere = raw_sql.as_ref().and_then(|r| r.only_on).is_some_and(|db| db != dialect.database());
        // A key replaced by one of the same name, online: both steps as one
        // (see `postgres::replace_key`); the second then generates nothing.
        let replaced = std::mem::take(&mut replacing);
        if dialect == Dialect::Postgres
            && raw_sql.is_none()
            && let Op::DropConstraint { table, name } = op
            && let Some(Step { op: Op::AddConstraint { table: t2, constraint, online: true }, raw: None, .. }) =
                steps.get(step + 1)
            && t2 == table
            && constraint.name == *name
            && let Some(swap) = postgres::replace_key(table, constraint)
        {
            replacing = true;
            units.extend(raw.take().map(|(sql, generated)| as_written(sql, generated)));
            units.extend(swap);
        }
        let mut generated = match dialect {
            _ if elsewhere || replacing || replaced => Vec::new(),
            Dialect::Sqlite => sqlite::op_units(&cx, op),
            Dialect::Postgres => postgres::op_units(&cx, op),
        };
        let no_op = schema.leaves_unchanged(op);
        if no_op {
            no_op_locks(&mut generated, op);
        }
        match raw_sql {
            _ if elsewhere => {}
            None => {
                units.extend(raw.take().map(|(sql, generated)| as_written(sql, generated)));
                units.extend(generated);
            }
            Some(r) if r.continues_statement() => match &mut raw {
                Some((_, units_so_far)) => units_so_far.extend(generated),
                None => raw = Some(("", generated)),
            },
            Some(r) => {
                units.extend(raw.take().map(|(sql, generated)| as_written(sql, generated)));
                raw = Some((&r.sql, generated));
            }
        }
        match op {
            Op::CreateTable(t) if !no_op => {
                created.insert(t.name.clone());
            }
            Op::RenameTable { from, to } if created.remove(from) => {
                created.insert(to.clone());
            }
            _ => {}
        }
        // It applied to the same schema a moment ago; after the last
        // step nothing reads it.
        if step + 1 < steps.len() {
            schema.to_mut().apply(op).map_err(|e| PlanError { step, message: e.message })?;
        }
    }
    units.extend(raw.take().map(|(sql, generated)| as_written(sql, generated)));
    let session = match dialect {
        Dialect::Sqlite => {
            units = sqlite::finish(units);
            vec![Statement::new("PRAGMA foreign_keys = OFF")]
        }
        Dialect::Postgres => {
            let mut session = vec![Statement::new(format!("SET lock_timeout = '{}ms'", options.lock_timeout_ms))];
            if let Some(ms) = options.statement_timeout_ms {
                session.push(Statement::new(format!("SET statement_timeout = '{ms}ms'")));
            }
            session
        }
    };
    Ok(Plan { session, phases: group(units) })
}

/// The locks of a statement its `IF [NOT] EXISTS` makes a no-op: none,
/// except that `CREATE INDEX` still queues for its lock on the table
/// before it finds the index, then holds it only for a moment. Where the
/// statement runs does not change (`CONCURRENTLY` stays outside a
/// transaction).
fn no_op_locks(units: &mut [Unit], op: &Op) {
    for unit in units {
        let (Unit::InTransaction(s) | Unit::OwnTransaction(s) | Unit::Outside(s)) = unit else { continue };
        s.lock = match op {
            Op::CreateIndex(i) => s.lock.as_ref().map(|_| {
                let mode = if i.concurrently { "SHARE UPDATE EXCLUSIVE" } else { "SHARE" };
                format!("{mode} on {} (brief: the index exists, nothing is built)", ident(&i.table))
            }),
            _ => None,
        };
    }
}

/// A raw statement as it runs: its text, in the place the strictest of
/// the units generated for what it does needs (outside a transaction, in
/// one of its own, or in the migration's), with their locks.
fn as_written(sql: &str, generated: Vec<Unit>) -> Unit {
    let mut statement = Statement::new(sql);
    let mut place = 0;
    for unit in &generated {
        let (rank, s) = match unit {
            Unit::InTransaction(s) => (0, s),
            Unit::OwnTransaction(s) => (1, s),
            Unit::Outside(s) => (2, s),
            Unit::Backfill(_) | Unit::Deploy(_) => continue,
        };
        place = place.max(rank);
        if let Some(lock) = &s.lock
            && !statement.lock.as_ref().is_some_and(|l| l.contains(lock.as_str()))
        {
            statement.lock = Some(match statement.lock.take() {
                Some(l) => format!("{l}; {lock}"),
                None => lock.clone(),
            });
        }
        statement.builds_index = statement.builds_index.take().or_else(|| s.builds_index.clone());
    }
    match place {
        0 => Unit::InTransaction(statement),
        1 => Unit::OwnTransaction(statement),
        _ => Unit::Outside(statement),
    }
}

/// The options of one migration: its own settings over the crate's.
pub fn options_for(migration: &Migration, options: &Options) -> Options {
    Options {
        lock_timeout_ms: migration.settings.lock_timeout_ms.unwrap_or(options.lock_timeout_ms),
        statement_timeout_ms: migration.settings.statement_timeout_ms.or(options.statement_timeout_ms),
        ..options.clone()
    }
}

/// The plan of a migration's forward steps, given the schema before it.
pub fn plan_up(dialect: Dialect, before: &Schema, migration: &Migration, options: &Options) -> Result<Plan, PlanError> {
    plan_steps(dialect, before, &migration.steps, &options_for(migration, options))
}

/// [`plan_up`] when the schema the migration leads to is known already
/// (the runner replays the history anyway): a migration of one step then
/// plans without copying the schema.
pub fn plan_up_to(
    dialect: Dialect,
    before: &Schema,
    after: &Schema,
    migration: &Migration,
    options: &Options,
) -> Result<Plan, PlanError> {
    plan_steps_to(dialect, before, Some(after), &migration.steps, &options_for(migration, options))
}

/// The plan of a migration's rollback, given the schema before the
/// migration; `Err` with the reason when it is irreversible.
pub fn plan_down(
    dialect: Dialect,
    before: &Schema,
    migration: &Migration,
    options: &Options,
) -> Result<Result<Plan, PlanError>, String> {
    let mut after = before.clone();
    for s in &migration.steps {
        if let Err(e) = after.apply(&s.op) {
            return Ok(Err(PlanError { step: 0, message: e.message }));
        }
    }
    match rollback::down_steps(before, migration) {
        Derived::Steps(steps) => Ok(plan_steps(dialect, &after, &steps, &options_for(migration, options))),
        Derived::Irreversible { reason, .. } => Err(reason),
        Derived::NotDerivable { step, reason } => {
            Ok(Err(PlanError { step, message: format!("no way back: {reason}") }))
        }
        Derived::InvalidStep { step } => {
            Ok(Err(PlanError { step, message: "the step does not fit the schema".into() }))
        }
    }
}

/// Groups consecutive in-transaction statements into one transaction.
fn group(units: Vec<Unit>) -> Vec<Phase> {
    let mut phases = Vec::new();
    let mut current: Vec<Statement> = Vec::new();
    let flush = |current: &mut Vec<Statement>, phases: &mut Vec<Phase>| {
        if !current.is_empty() {
            phases.push(Phase::Transaction(std::mem::take(current)));
        }
    };
    for unit in units {
        match unit {
            Unit::InTransaction(s) => current.push(s),
            Unit::OwnTransaction(s) => {
                flush(&mut current, &mut phases);
                phases.push(Phase::Transaction(vec![s]));
            }
            Unit::Outside(s) => {
                flush(&mut current, &mut phases);
                phases.push(Phase::Outside(s));
            }
            Unit::Backfill(b) => {
                flush(&mut current, &mut phases);
                phases.push(Phase::Backfill(b));
            }
            Unit::Deploy(note) => {
                flush(&mut current, &mut phases);
                phases.push(Phase::Deploy(note));
            }
        }
    }
    flush(&mut current, &mut phases);
    phases
}

/// `"name"`, with embedded quotes doubled.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `IF EXISTS ` when the op says so, else nothing.
pub fn if_exists_clause(if_exists: bool) -> &'static str {
    if if_exists { "IF EXISTS " } else { "" }
}

/// A generated `CREATE TABLE` or `CREATE [UNIQUE] INDEX` with `IF NOT
/// EXISTS` after the object's kind when `if_not_exists`.
pub(crate) fn if_not_exists(sql: String, if_not_exists: bool) -> String {
    if !if_not_exists || sql.contains(" IF NOT EXISTS ") {
        return sql;
    }
    for kind in ["CREATE TABLE ", "CREATE INDEX ", "CREATE UNIQUE INDEX "] {
        if let Some(rest) = sql.strip_prefix(kind) {
            return format!("{kind}IF NOT EXISTS {rest}");
        }
    }
    sql
}

/// `'text'`, with embedded quotes doubled.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `"a", "b"`.
pub fn ident_list(names: &[String]) -> String {
    names.iter().map(|n| ident(n)).collect::<Vec<_>>().join(", ")
}

/// What one batch of `backfill` runs on `dialect`, as the dry run prints it
/// (see [`batches::BatchSql::describe`]).
pub fn backfill_batch_sql(dialect: Dialect, schema: &Schema, backfill: &Backfill) -> String {
    match batches::BatchSql::new(dialect, schema, backfill) {
        Ok(sql) => sql.describe(),
        Err(why) => format!("-- cannot batch: {why}"),
    }
}

/// A plan as text, the way `--dry-run` prints it: transaction boundaries,
/// statements with their locks, rebuilds and batched data steps. `schema`
/// is the one the plan's backfills run against: the schema after the
/// migration's steps, as the runner gives it to them.
pub fn render(dialect: Dialect, schema: &Schema, plan: &Plan) -> String {
    render_with(dialect, schema, plan, &mut |_| None)
}

/// [`render`], with `rows` telling how many rows each backfill will change
/// (from a count on the live database), to estimate its batches.
pub fn render_with(
    dialect: Dialect,
    schema: &Schema,
    plan: &Plan,
    rows: &mut dyn FnMut(&Backfill) -> Option<u64>,
) -> String {
    let mut out = String::new();
    push_statements(&mut out, &plan.session, "");
    for phase in &plan.phases {
        match phase {
            Phase::Transaction(statements) => {
                out.push_str("BEGIN;\n");
                push_statements(&mut out, statements, "  ");
                out.push_str("COMMIT;\n");
            }
            Phase::Outside(s) => {
                out.push_str("-- outside a transaction\n");
                push_statements(&mut out, std::slice::from_ref(s), "");
            }
            Phase::Deploy(note) => {
                out.push_str(&format!(
                    "-- deploy boundary: `run` records the migration as expanded and stops here.\n-- Next: {note}.\n-- Then `cargo schemaflow complete` runs what follows.\n"
                ));
            }
            Phase::Backfill(b) if b.catch_up.is_some() => out.push_str(&catch_up_text(dialect, b)),
            Phase::Backfill(b) => {
                let pause =
                    if b.pause_ms > 0 { format!(", {}ms pause between batches", b.pause_ms) } else { String::new() };
                let estimate = match rows(b) {
                    Some(n) => {
                        let batches = n.div_ceil(u64::from(b.batch_size)).max(1);
                        let paused = Duration::from_millis(b.pause_ms * batches.saturating_sub(1));
                        format!(
                            "; {n} rows to change now: about {batches} batches, {:.1} s of pauses",
                            paused.as_secs_f64()
                        )
                    }
                    None => String::new(),
                };
                // What each batch runs besides the UPDATE shown (see
                // `runner::batches`), and on PostgreSQL the runner's commit
                // setting around the batches: said here, as they are part of
                // what runs.
                let commits = match dialect {
                    Dialect::Postgres => {
                        "\n--   each batch commits with synchronous_commit = off (the server's setting under synchronous replication); the step's last commit waits for the flush"
                    }
                    Dialect::Sqlite => "",
                };
                out.push_str(&format!(
                    "-- {} {}: batches of {} rows, one transaction each{pause}{estimate}\n--   a batch takes the next {} keys after the last one done, {} their range and records the last key in schemaflow_backfills, in one transaction:{commits}\n{}\n",
                    b.keyword_of(),
                    b.table,
                    b.batch_size,
                    b.batch_size,
                    match &b.copy_into {
                        _ if b.delete => "deletes the matching rows of".to_owned(),
                        Some(target) => format!("copies the matching rows into {} from", ident(target)),
                        None => "changes".to_owned(),
                    },
                    backfill_batch_sql(dialect, schema, b)
                ));
            }
        }
    }
    out
}

/// What a catch-up phase runs, as the dry run prints it.
fn catch_up_text(dialect: Dialect, b: &Backfill) -> String {
    let Some(run) = &b.catch_up else { return String::new() };
    let sync = &run.sync;
    let pause = if b.pause_ms > 0 { format!(", {}ms pause between batches", b.pause_ms) } else { String::new() };
    let mut out = format!(
        "-- catch-up {}: runs {} on the rows {} lists, in batches of {} rows, one transaction each{pause}\n",
        b.table,
        sync_log::functions_of(sync),
        sync.log_table(),
        b.batch_size
    );
    let Ok(sql) = sync_log::LogSql::new(dialect, b) else { return out };
    if let Some(side) = run.fill_from {
        out.push_str(&format!(
            "--   first, every row whose other side is empty, logged as a write of the {} side:\n{};\n",
            side.as_str(),
            sql.seed(side)
        ));
    }
    out.push_str(&format!(
        "--   a batch takes the oldest logged keys, reads their rows{}, runs the function for the side each row's last write changed, writes the other side and forgets the keys:\n{};\n{};\n{};\n{};\n{};\n",
        if dialect == Dialect::Postgres { " (locking them)" } else { "" },
        sql.pick(),
        sql.read_rows(),
        sql.last_sides(),
        sql.write(crate::model::SyncSide::New),
        sql.forget()
    ));
    out
}

fn push_statements(out: &mut String, statements: &[Statement], indent: &str) {
    let mut rebuilding: Option<&str> = None;
    for s in statements {
        if s.rebuilds.as_deref() != rebuilding {
            rebuilding = s.rebuilds.as_deref();
            if let Some(table) = rebuilding {
                out.push_str(&format!(
                    "{indent}-- rebuilds table {table} (SQLite cannot alter it in place): new table, copy rows, drop, rename, indexes\n"
                ));
            }
        }
        if let Some(lock) = &s.lock {
            out.push_str(&format!("{indent}-- lock: {lock}\n"));
        }
        for (i, line) in s.sql.lines().enumerate() {
            let end = if i + 1 == s.sql.lines().count() && s.drains.is_none() { ";" } else { "" };
            out.push_str(&format!("{indent}{line}{end}\n"));
        }
    }
}

#[cfg(all(test, feature = "dsl"))]
mod tests;
