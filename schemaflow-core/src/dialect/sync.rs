//! The dual-write sync of an `online_change`, per dialect: triggers that
//! keep the new columns and the retired ones in step while two app versions
//! write the table.
//!
//! Which side a write came from is read off the row: an insert that leaves
//! every added column NULL came from the old app (the added columns are
//! computed from the retired ones), one that leaves every retired column
//! NULL came from the new app (the other way round); an update that
//! changes only one side has the other computed from it. A side that
//! already holds what it would be computed to is left alone, so a value
//! written by one app is never rewritten by the round trip through the
//! other shape (a split and its merge need not be exact inverses), and the
//! triggers never feed each other.

use super::{OpContext, Statement, Unit, ident};
use crate::model::{Column, DefaultValue, Op, Sync, SyncedColumn};

/// `a IS NULL AND b IS NULL`, over `prefix.column`.
pub(super) fn all_null(prefix: &str, columns: &[SyncedColumn]) -> String {
    columns.iter().map(|c| format!("{prefix}{} IS NULL", ident(&c.column))).collect::<Vec<_>>().join(" AND ")
}

/// Whether any of `columns` differs between `NEW` and `OLD`.
pub(super) fn changed(columns: &[SyncedColumn], distinct: &str) -> String {
    let parts: Vec<String> = columns.iter().map(|c| format!("NEW.{0} {distinct} OLD.{0}", ident(&c.column))).collect();
    format!("({})", parts.join(" OR "))
}

/// Whether every column of `columns` already holds its expression's value
/// (bare column names, read from the row being written).
fn in_step(columns: &[SyncedColumn], same: &str) -> String {
    let parts: Vec<String> = columns.iter().map(|c| format!("{} {same} ({})", ident(&c.column), c.expr)).collect();
    format!("({})", parts.join(" AND "))
}

/// The trigger function and trigger of a sync on PostgreSQL (a `BEFORE`
/// trigger sets the row's other side before it is written), after the
/// retired columns lose their NOT NULL.
pub fn postgres_create(cx: &OpContext, sync: &Sync) -> Vec<Unit> {
    let table = ident(&sync.table);
    // The old shape loses NOT NULL and its defaults, as the DSL's own
    // `drop_not_null` and `drop_default` do it.
    let mut units: Vec<Unit> = Vec::new();
    for c in retired_where(cx, sync, |c| !c.nullable) {
        let op = Op::DropNotNull { table: sync.table.clone(), column: c.to_owned() };
        units.extend(super::postgres::op_units(cx, &op));
    }
    for c in retired_where(cx, sync, |c| c.default.is_some()) {
        let op = Op::DropDefault { table: sync.table.clone(), column: c.to_owned() };
        units.extend(super::postgres::op_units(cx, &op));
    }
    let defaults: String = retired_defaults(cx, sync)
        .iter()
        .map(|(c, d)| format!("NEW.{} := {};\n            ", ident(c), super::postgres::value(d)))
        .collect();
    if sync.functions.is_some() {
        units.extend(super::sync_log::postgres_create(cx, sync, &defaults));
        return units;
    }
    let row = format!("FROM (SELECT NEW.*) AS {table}");
    let compute = |targets: &[SyncedColumn]| {
        let exprs: Vec<String> = targets.iter().map(|c| format!("({})", c.expr)).collect();
        let into: Vec<String> = targets.iter().map(|c| format!("NEW.{}", ident(&c.column))).collect();
        format!("SELECT {} INTO {} {row};", exprs.join(", "), into.join(", "))
    };
    let unless = |already: &[SyncedColumn]| format!("NOT (SELECT {} {row})", in_step(already, "IS NOT DISTINCT FROM"));
    let (added, retired) = (&sync.added, &sync.retired);
    let body = format!(
        "BEGIN
    IF TG_OP = 'INSERT' THEN
        IF {added_null} AND {retired_null} THEN
            -- Both shapes left out: the retired columns' defaults, then the new shape from them.
            {defaults}{forward}
        ELSIF {added_null} AND NOT ({retired_null}) THEN
            {forward}
        ELSIF {retired_null} AND NOT ({added_null}) THEN
            {inverse}
        END IF;
    ELSIF {retired_changed} AND NOT {added_changed} AND {forward_needed} THEN
        {forward}
    ELSIF {added_changed} AND NOT {retired_changed} AND {inverse_needed} THEN
        {inverse}
    END IF;
    RETURN NEW;
END",
        added_null = all_null("NEW.", added),
        retired_null = all_null("NEW.", retired),
        forward = compute(added),
        inverse = compute(retired),
        retired_changed = changed(retired, "IS DISTINCT FROM"),
        added_changed = changed(added, "IS DISTINCT FROM"),
        forward_needed = unless(retired),
        inverse_needed = unless(added),
    );
    units.extend(postgres_trigger(sync, &body));
    units
}

/// The trigger function with `body` and its `BEFORE INSERT OR UPDATE`
/// trigger (PostgreSQL), both named after the sync.
pub(super) fn postgres_trigger(sync: &Sync, body: &str) -> [Unit; 2] {
    let (function, table) = (ident(&sync.name), ident(&sync.table));
    [
        Unit::InTransaction(Statement::new(format!(
            "CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $schemaflow$\n{body}\n$schemaflow$"
        ))),
        Unit::InTransaction(
            Statement::new(format!(
                "CREATE TRIGGER {function} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
            ))
            .locking(format!("SHARE ROW EXCLUSIVE on {table} (brief)")),
        ),
    ]
}

/// Drops the trigger and its function (PostgreSQL); with Rust functions,
/// catches up the last logged rows first and drops the log after.
pub fn postgres_drop(cx: &OpContext, table: &str, name: &str) -> Vec<Unit> {
    let logged = cx.before.syncs.get(name).filter(|s| s.functions.is_some());
    let mut units = logged.map(|s| super::sync_log::drain(super::Dialect::Postgres, cx, s)).unwrap_or_default();
    units.extend([
        Unit::InTransaction(
            Statement::new(format!("DROP TRIGGER {} ON {}", ident(name), ident(table)))
                .locking(format!("ACCESS EXCLUSIVE on {} (brief)", ident(table))),
        ),
        Unit::InTransaction(Statement::new(format!("DROP FUNCTION {}()", ident(name)))),
    ]);
    units.extend(logged.map(super::sync_log::drop_log));
    units
}

/// The retired columns that are `keep` before the sync.
fn retired_where<'a>(
    cx: &'a OpContext,
    sync: &'a Sync,
    keep: fn(&Column) -> bool,
) -> impl Iterator<Item = &'a str> + 'a {
    let table = cx.before.table(&sync.table);
    sync.retired
        .iter()
        .filter(move |c| table.and_then(|t| t.column(&c.column)).is_some_and(keep))
        .map(|c| c.column.as_str())
}

/// The defaults an insert that leaves both shapes empty gets for the
/// retired columns: theirs before the sync, or the ones the sync recorded
/// (when it comes back on the way back from a contract).
fn retired_defaults(cx: &OpContext, sync: &Sync) -> Vec<(String, DefaultValue)> {
    let table = cx.before.table(&sync.table);
    sync.retired
        .iter()
        .filter_map(|c| {
            let own = table.and_then(|t| t.column(&c.column)).and_then(|col| col.default.clone());
            let recorded = sync.defaults.iter().find(|(name, _)| *name == c.column).map(|(_, d)| d.clone());
            own.or(recorded).map(|d| (c.column.clone(), d))
        })
        .collect()
}

/// The names of the SQLite triggers of a sync.
fn sqlite_triggers(name: &str) -> [String; 4] {
    [
        format!("{name}_insert_old"),
        format!("{name}_insert_new"),
        format!("{name}_update"),
        format!("{name}_insert_default"),
    ]
}

/// The triggers of a sync on SQLite, after a rebuild that drops the
/// retired columns' NOT NULL (SQLite checks it before any trigger could
/// fill them). `AFTER` triggers update the row just written, found by its
/// key.
pub fn sqlite_create(cx: &OpContext, sync: &Sync) -> Vec<Unit> {
    let mut units = Vec::new();
    if let Some(column) = retired_where(cx, sync, |c| !c.nullable || c.default.is_some()).next() {
        // One rebuild to the table as the replay leaves it: retired columns
        // nullable and without defaults.
        let op = Op::DropNotNull { table: sync.table.clone(), column: column.to_owned() };
        units.extend(super::sqlite::op_units(cx, &op));
    }
    let table = ident(&sync.table);
    let names = sqlite_triggers(&sync.name);
    if sync.functions.is_some() {
        let default = sqlite_default_trigger(cx, sync, &names[3]);
        units.extend(super::sync_log::sqlite_create(cx, sync, &names, default));
        return units;
    }
    let key: Vec<String> = match cx.after.table(&sync.table).and_then(|t| t.primary_key()) {
        Some(columns) if !columns.is_empty() => columns.iter().map(|c| format!("{0} = NEW.{0}", ident(c))).collect(),
        _ => vec!["rowid = NEW.rowid".to_owned()],
    };
    let key = key.join(" AND ");
    let set = |targets: &[SyncedColumn]| {
        targets.iter().map(|c| format!("{} = ({})", ident(&c.column), c.expr)).collect::<Vec<_>>().join(", ")
    };
    let (added, retired) = (&sync.added, &sync.retired);
    let forward = format!("UPDATE {table} SET {} WHERE {key} AND NOT {}", set(added), in_step(retired, "IS"));
    let inverse = format!("UPDATE {table} SET {} WHERE {key} AND NOT {}", set(retired), in_step(added, "IS"));
    let [insert_old, insert_new, update, insert_default] = sqlite_triggers(&sync.name);
    let (added_null, retired_null) = (all_null("NEW.", added), all_null("NEW.", retired));
    let (retired_changed, added_changed) = (changed(retired, "IS NOT"), changed(added, "IS NOT"));
    for sql in [
        format!(
            "CREATE TRIGGER {} AFTER INSERT ON {table} WHEN {added_null} AND NOT ({retired_null}) BEGIN {forward}; END",
            ident(&insert_old)
        ),
        format!(
            "CREATE TRIGGER {} AFTER INSERT ON {table} WHEN {retired_null} AND NOT ({added_null}) BEGIN {inverse}; END",
            ident(&insert_new)
        ),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE ON {table} WHEN {retired_changed} <> {added_changed} BEGIN {forward} AND {retired_changed}; {inverse} AND {added_changed}; END",
            ident(&update)
        ),
    ] {
        units.push(Unit::InTransaction(Statement::new(sql)));
    }
    units.extend(sqlite_default_trigger(cx, sync, &insert_default).map(|sql| Unit::InTransaction(Statement::new(sql))));
    units
}

/// The SQLite trigger that gives an insert leaving both shapes empty the
/// retired columns' defaults (the update trigger then syncs the new shape
/// from them), when they have any.
fn sqlite_default_trigger(cx: &OpContext, sync: &Sync, name: &str) -> Option<String> {
    let defaults = retired_defaults(cx, sync);
    if defaults.is_empty() {
        return None;
    }
    let table = ident(&sync.table);
    let key = sqlite_key(cx, sync);
    let (added_null, retired_null) = (all_null("NEW.", &sync.added), all_null("NEW.", &sync.retired));
    let set: Vec<String> =
        defaults.iter().map(|(c, d)| format!("{} = {}", ident(c), super::sqlite::value(d))).collect();
    Some(format!(
        "CREATE TRIGGER {} AFTER INSERT ON {table} WHEN {added_null} AND {retired_null} BEGIN UPDATE {table} SET {} WHERE {key}; END",
        ident(name),
        set.join(", ")
    ))
}

/// The row a SQLite trigger just wrote: by primary key, or by rowid.
fn sqlite_key(cx: &OpContext, sync: &Sync) -> String {
    let key: Vec<String> = match cx.after.table(&sync.table).and_then(|t| t.primary_key()) {
        Some(columns) if !columns.is_empty() => columns.iter().map(|c| format!("{0} = NEW.{0}", ident(c))).collect(),
        _ => vec!["rowid = NEW.rowid".to_owned()],
    };
    key.join(" AND ")
}

/// Drops the triggers of a sync (SQLite); with Rust functions, catches up
/// the last logged rows first and drops the log after.
pub fn sqlite_drop(cx: &OpContext, name: &str) -> Vec<Unit> {
    let logged = cx.before.syncs.get(name).filter(|s| s.functions.is_some());
    let mut units = logged.map(|s| super::sync_log::drain(super::Dialect::Sqlite, cx, s)).unwrap_or_default();
    units.extend(
        sqlite_triggers(name)
            .iter()
            .map(|t| Unit::InTransaction(Statement::new(format!("DROP TRIGGER IF EXISTS {}", ident(t))))),
    );
    units.extend(logged.map(super::sync_log::drop_log));
    units
}
