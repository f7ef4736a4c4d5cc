//! The change log of an online change whose sides are computed by Rust
//! functions, per dialect: a function cannot run inside a trigger, so the
//! trigger records the key of each row written and which side the write
//! changed, and the catch-up runs the function on those rows later.
//!
//! The log is a table beside the synced one (`{sync}_changes`): an
//! increasing `seq`, the row's key columns, and `side` (`old` or `new`).
//! Which side a write changed is read off the row as the SQL sync reads it
//! (an insert that leaves one side empty wrote the other; an update that
//! changes one side only). The runner's own writes are not logged: on
//! PostgreSQL each catch-up transaction sets `schemaflow.sync = 'off'`,
//! which the trigger checks; on SQLite, where one writer holds the database, a catch-up
//! batch deletes the log entries of the rows it wrote before it commits.
//!
//! [`LogSql`] holds the statements the catch-up runs.

use super::postgres::column_type;
use super::sync::{all_null, changed};
use super::{Dialect, OpContext, Statement, Unit, ident};
use crate::model::{Backfill, ColumnType, Sync, SyncSide, SyncedColumn};

/// The setting a catch-up transaction makes on PostgreSQL so that its own
/// writes are not logged as the apps' writes.
pub const QUIET_SETTING: &str = "SET LOCAL schemaflow.sync = 'off'";

/// The key columns of the synced table with their types.
fn key_of(cx: &OpContext, sync: &Sync) -> Vec<(String, ColumnType)> {
    let Some(table) = cx.before.table(&sync.table).or_else(|| cx.after.table(&sync.table)) else {
        return Vec::new();
    };
    table
        .primary_key()
        .unwrap_or_default()
        .iter()
        .filter_map(|k| table.column(k).map(|c| (k.clone(), c.ty.clone())))
        .collect()
}

/// The log table and its key index.
fn log_table(dialect: Dialect, sync: &Sync, key: &[(String, ColumnType)]) -> Vec<Unit> {
    let log = ident(&sync.log_table());
    let seq = match dialect {
        Dialect::Postgres => "seq bigserial PRIMARY KEY",
        Dialect::Sqlite => "seq INTEGER PRIMARY KEY AUTOINCREMENT",
    };
    let columns: Vec<String> = key
        .iter()
        .map(|(k, ty)| match dialect {
            Dialect::Postgres => format!("{} {}", ident(k), column_type(ty)),
            Dialect::Sqlite => format!("{} {}", ident(k), super::sqlite::column_type(ty)),
        })
        .collect();
    let names: Vec<String> = key.iter().map(|(k, _)| ident(k)).collect();
    vec![
        Unit::InTransaction(Statement::new(format!(
            "CREATE TABLE {log} ({seq}, {}, side text NOT NULL)",
            columns.join(", ")
        ))),
        Unit::InTransaction(Statement::new(format!(
            "CREATE INDEX {} ON {log} ({})",
            ident(&format!("{}_key", sync.log_table())),
            names.join(", ")
        ))),
    ]
}

/// The log and the trigger that fills it, on PostgreSQL (after the retired
/// columns lose NOT NULL and their defaults). `defaults` are the retired
/// columns' defaults, for an insert that leaves both sides empty.
pub fn postgres_create(cx: &OpContext, sync: &Sync, defaults: &str) -> Vec<Unit> {
    let key = key_of(cx, sync);
    let mut units = log_table(Dialect::Postgres, sync, &key);
    let (added, retired) = (&sync.added, &sync.retired);
    let names: Vec<String> = key.iter().map(|(k, _)| ident(k)).collect();
    let values: Vec<String> = key.iter().map(|(k, _)| format!("NEW.{}", ident(k))).collect();
    let both_empty = if defaults.is_empty() {
        "NULL; -- both sides left out, and no default: nothing to compute".to_owned()
    } else {
        format!("{defaults}side := 'old';")
    };
    let body = format!(
        "DECLARE
    side text;
BEGIN
    -- The migration's own writes (its catch-up) are not the apps'.
    IF current_setting('schemaflow.sync', true) = 'off' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF {added_null} AND {retired_null} THEN
            {both_empty}
        ELSIF {added_null} THEN
            side := 'old';
        ELSIF {retired_null} THEN
            side := 'new';
        END IF;
    ELSIF {retired_changed} AND NOT {added_changed} THEN
        side := 'old';
    ELSIF {added_changed} AND NOT {retired_changed} THEN
        side := 'new';
    END IF;
    IF side IS NOT NULL THEN
        INSERT INTO {log} ({names}, side) VALUES ({values}, side);
    END IF;
    RETURN NEW;
END",
        added_null = all_null("NEW.", added),
        retired_null = all_null("NEW.", retired),
        retired_changed = changed(retired, "IS DISTINCT FROM"),
        added_changed = changed(added, "IS DISTINCT FROM"),
        log = ident(&sync.log_table()),
        names = names.join(", "),
        values = values.join(", "),
    );
    units.extend(super::sync::postgres_trigger(sync, &body));
    units
}

/// The log and the triggers that fill it, on SQLite. `default_trigger` is
/// the sync's trigger that gives an insert leaving both sides empty the
/// retired columns' defaults (its update is then logged as the old side's).
pub fn sqlite_create(cx: &OpContext, sync: &Sync, names: &[String; 4], default_trigger: Option<String>) -> Vec<Unit> {
    let key = key_of(cx, sync);
    let table = ident(&sync.table);
    let mut units = log_table(Dialect::Sqlite, sync, &key);
    let log = ident(&sync.log_table());
    let columns: Vec<String> = key.iter().map(|(k, _)| ident(k)).collect();
    let values: Vec<String> = key.iter().map(|(k, _)| format!("NEW.{}", ident(k))).collect();
    let insert =
        |side: &str| format!("INSERT INTO {log} ({}, side) VALUES ({}, {side})", columns.join(", "), values.join(", "));
    let (added, retired) = (&sync.added, &sync.retired);
    let (added_null, retired_null) = (all_null("NEW.", added), all_null("NEW.", retired));
    let (retired_changed, added_changed) = (changed(retired, "IS NOT"), changed(added, "IS NOT"));
    let [insert_old, insert_new, update, _] = names;
    for sql in [
        format!(
            "CREATE TRIGGER {} AFTER INSERT ON {table} WHEN {added_null} AND NOT ({retired_null}) BEGIN {}; END",
            ident(insert_old),
            insert("'old'")
        ),
        format!(
            "CREATE TRIGGER {} AFTER INSERT ON {table} WHEN {retired_null} AND NOT ({added_null}) BEGIN {}; END",
            ident(insert_new),
            insert("'new'")
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE ON {table} WHEN {retired_changed} <> {added_changed} BEGIN {}; END",
            ident(update),
            insert(&format!("CASE WHEN {retired_changed} THEN 'old' ELSE 'new' END"))
        ),
    ]
    .into_iter()
    .chain(default_trigger)
    {
        units.push(Unit::InTransaction(Statement::new(sql)));
    }
    units
}

/// The last catch-up, inside the contract's transaction, before the sync's
/// triggers go: nothing the apps wrote is left behind. On PostgreSQL it
/// first stops writes to the table (reads go on) until the commit.
pub fn drain(dialect: Dialect, cx: &OpContext, sync: &Sync) -> Vec<Unit> {
    let table = ident(&sync.table);
    let mut units = Vec::new();
    if dialect == Dialect::Postgres {
        units.push(Unit::InTransaction(
            Statement::new(format!("LOCK TABLE {table} IN EXCLUSIVE MODE"))
                .locking(format!("EXCLUSIVE on {table} while the last logged rows are caught up (reads go on)")),
        ));
    }
    let step = crate::model::CatchUp {
        table: sync.table.clone(),
        sync: sync.name.clone(),
        fill_from: None,
        batch_size: crate::model::DEFAULT_BATCH_SIZE,
        pause_ms: 0,
    };
    let recorded = cx.before.syncs.get(&sync.name).unwrap_or(sync);
    let Some(table) = cx.before.table(&sync.table) else { return units };
    let mut statement = Statement::new(format!(
        "-- catch-up: {} on the rows {} still lists, in this transaction",
        functions_of(recorded),
        sync.log_table()
    ));
    statement.drains = Some(Box::new(recorded.catch_up(&step, table)));
    units.push(Unit::InTransaction(statement));
    units
}

/// Drops the log table.
pub fn drop_log(sync: &Sync) -> Unit {
    Unit::InTransaction(Statement::new(format!("DROP TABLE {}", ident(&sync.log_table()))))
}

/// `split` / `join`: the sync's functions, as the plan names them.
pub fn functions_of(sync: &Sync) -> String {
    match &sync.functions {
        Some(f) => format!("`{}` / `{}`", f.forward.function, f.back.function),
        None => "the sync's expressions".to_owned(),
    }
}

/// The statements of a catch-up on one database.
#[derive(Clone, Debug)]
pub struct LogSql {
    dialect: Dialect,
    table: String,
    log: String,
    /// The key columns (quoted) with their types.
    pub key: Vec<(String, ColumnType)>,
    /// The retired columns (quoted) with their types.
    pub retired: Vec<(String, ColumnType)>,
    /// The added columns (quoted) with their types.
    pub added: Vec<(String, ColumnType)>,
}

impl LogSql {
    /// The statements for `backfill`'s catch-up.
    pub fn new(dialect: Dialect, backfill: &Backfill) -> Result<LogSql, String> {
        let run = backfill.catch_up.as_ref().ok_or("not a catch-up")?;
        let sync = &run.sync;
        let typed = |columns: &[SyncedColumn]| -> Result<Vec<(String, ColumnType)>, String> {
            columns
                .iter()
                .map(|c| {
                    run.types
                        .iter()
                        .find(|(n, _)| *n == c.column)
                        .map(|(n, ty)| (ident(n), ty.clone()))
                        .ok_or_else(|| format!("column `{}.{}` does not exist", sync.table, c.column))
                })
                .collect()
        };
        if run.key.is_empty() {
            return Err(format!("`{}` has no primary key to log its rows by", sync.table));
        }
        Ok(LogSql {
            dialect,
            table: ident(&sync.table),
            log: ident(&sync.log_table()),
            retired: typed(&sync.retired)?,
            added: typed(&sync.added)?,
            key: run.key.iter().map(|(k, ty)| (ident(k), ty.clone())).collect(),
        })
    }

    fn key_names(&self) -> String {
        self.key.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The columns of one side.
    pub fn side(&self, side: SyncSide) -> &[(String, ColumnType)] {
        match side {
            SyncSide::Old => &self.retired,
            SyncSide::New => &self.added,
        }
    }

    /// Logs every row whose other side is all NULL as a write of `side`.
    pub fn seed(&self, side: SyncSide) -> String {
        let other = match side {
            SyncSide::Old => &self.added,
            SyncSide::New => &self.retired,
        };
        let empty: Vec<String> = other.iter().map(|(c, _)| format!("{c} IS NULL")).collect();
        format!(
            "INSERT INTO {} ({k}, side) SELECT {k}, '{}' FROM {} WHERE {}",
            self.log,
            side.as_str(),
            self.table,
            empty.join(" AND "),
            k = self.key_names()
        )
    }

    /// The keys of the oldest log entries (as text on PostgreSQL), at most
    /// `$1` of them, repeats included, up to entry `$2`: a pass works
    /// through what was logged when it began, so that apps writing all the
    /// while cannot keep it going.
    pub fn pick(&self) -> String {
        let keys: Vec<String> = match self.dialect {
            Dialect::Postgres => self.key.iter().map(|(k, _)| format!("{k}::text")).collect(),
            Dialect::Sqlite => self.key.iter().map(|(k, _)| k.clone()).collect(),
        };
        let (limit, last) = if self.dialect == Dialect::Postgres { ("$1", "$2") } else { ("?1", "?2") };
        format!("SELECT {} FROM {} WHERE seq <= {last} ORDER BY seq LIMIT {limit}", keys.join(", "), self.log)
    }

    /// The last entry logged so far (0 when none).
    pub fn last_entry(&self) -> String {
        format!("SELECT coalesce(max(seq), 0) FROM {}", self.log)
    }

    /// `(k0, …) IN (the keys passed as one text array per key column)`
    /// (PostgreSQL), or `k0 = ?1 AND …` (SQLite, one row a statement).
    fn keyed(&self, prefix: &str) -> String {
        match self.dialect {
            Dialect::Postgres => {
                let columns: Vec<String> = self.key.iter().map(|(k, _)| format!("{prefix}{k}")).collect();
                let cast: Vec<String> =
                    self.key.iter().enumerate().map(|(i, (_, ty))| format!("v.k{i}::{}", column_type(ty))).collect();
                let arrays: Vec<String> = (1..=self.key.len()).map(|i| format!("${i}::text[]")).collect();
                let names: Vec<String> = (0..self.key.len()).map(|i| format!("k{i}")).collect();
                format!(
                    "({}) IN (SELECT {} FROM unnest({}) AS v({}))",
                    columns.join(", "),
                    cast.join(", "),
                    arrays.join(", "),
                    names.join(", ")
                )
            }
            Dialect::Sqlite => self
                .key
                .iter()
                .enumerate()
                .map(|(i, (k, _))| format!("{prefix}{k} = ?{}", i + 1))
                .collect::<Vec<_>>()
                .join(" AND "),
        }
    }

    /// The rows of the keys given, both sides (PostgreSQL: as text, each
    /// row locked until the commit, so no app writes it meanwhile).
    pub fn read_rows(&self) -> String {
        let text = |c: &String| match self.dialect {
            Dialect::Postgres => format!("{c}::text"),
            Dialect::Sqlite => c.clone(),
        };
        let columns: Vec<String> =
            self.key.iter().chain(&self.retired).chain(&self.added).map(|(c, _)| text(c)).collect();
        let lock = if self.dialect == Dialect::Postgres { " FOR UPDATE" } else { "" };
        format!("SELECT {} FROM {} WHERE {}{lock}", columns.join(", "), self.table, self.keyed(""))
    }

    /// For the keys given, the side each row's last logged write changed.
    pub fn last_sides(&self) -> String {
        match self.dialect {
            Dialect::Postgres => {
                let keys: Vec<String> = self.key.iter().map(|(k, _)| format!("{k}::text")).collect();
                format!(
                    "SELECT DISTINCT ON ({k}) {}, side FROM {} WHERE {} ORDER BY {k}, seq DESC",
                    keys.join(", "),
                    self.log,
                    self.keyed(""),
                    k = self.key_names()
                )
            }
            Dialect::Sqlite => {
                format!("SELECT side FROM {} WHERE {} ORDER BY seq DESC LIMIT 1", self.log, self.keyed(""))
            }
        }
    }

    /// Writes one side's computed values. PostgreSQL: a text array per
    /// column of `side`, then per key column, joined on the key; SQLite:
    /// one row, the values then the key.
    pub fn write(&self, side: SyncSide) -> String {
        let columns = self.side(side);
        match self.dialect {
            Dialect::Postgres => super::batches::unnest_update(&self.table, columns, &self.key),
            Dialect::Sqlite => {
                let sets: Vec<String> =
                    columns.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 1)).collect();
                let keys: Vec<String> = self
                    .key
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| format!("{k} = ?{}", columns.len() + i + 1))
                    .collect();
                format!("UPDATE {} SET {} WHERE {}", self.table, sets.join(", "), keys.join(" AND "))
            }
        }
    }

    /// Deletes the log entries of the keys given.
    pub fn forget(&self) -> String {
        format!("DELETE FROM {} WHERE {}", self.log, self.keyed(""))
    }

    /// How many entries the log holds.
    pub fn count(&self) -> String {
        format!("SELECT count(*) FROM {}", self.log)
    }
}
