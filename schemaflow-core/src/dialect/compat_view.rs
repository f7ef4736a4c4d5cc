//! The view an online table rename (`rename_table a -> b online`) keeps
//! under the table's old name while the code that uses that name still
//! runs, per dialect.
//!
//! PostgreSQL updates a view over one table with every column itself
//! (inserts through it get the table's defaults, `RETURNING` works), so the
//! view is all it takes. SQLite's views are read-only: `INSTEAD OF`
//! triggers pass each insert, update and delete on to the table, by its
//! primary key (or, without one, the first row equal to the one written).

use super::{OpContext, Statement, Unit, ident};

/// The view, on PostgreSQL.
pub fn postgres_create(view: &str, table: &str) -> Vec<Unit> {
    vec![Unit::InTransaction(
        Statement::new(format!("CREATE VIEW {} AS SELECT * FROM {}", ident(view), ident(table)))
            .locking(format!("ACCESS SHARE on {} (brief)", ident(table))),
    )]
}

/// Drops the view, on PostgreSQL.
pub fn postgres_drop(view: &str) -> Vec<Unit> {
    vec![Unit::InTransaction(
        Statement::new(format!("DROP VIEW {}", ident(view)))
            .locking(format!("ACCESS EXCLUSIVE on the view {} (brief)", ident(view))),
    )]
}

/// Drops the view, on SQLite (its triggers go with it).
pub fn sqlite_drop(view: &str) -> Vec<Unit> {
    vec![Unit::InTransaction(Statement::new(format!("DROP VIEW {}", ident(view))))]
}

/// The view and its `INSTEAD OF` triggers, on SQLite.
pub fn sqlite_create(cx: &OpContext, view: &str, table: &str) -> Vec<Unit> {
    let Some(t) = cx.before.table(table) else { return Vec::new() };
    let (v, tb) = (ident(view), ident(table));
    let columns: Vec<String> = t.columns.iter().map(|c| ident(&c.name)).collect();
    // A column the insert leaves out is NULL in `NEW`: the table's default
    // stands in for it, as it would in a direct insert.
    let values: Vec<String> = t
        .columns
        .iter()
        .map(|c| match &c.default {
            Some(d) => format!("coalesce(NEW.{}, {})", ident(&c.name), super::sqlite::value(d)),
            None => format!("NEW.{}", ident(&c.name)),
        })
        .collect();
    let set: Vec<String> = t.columns.iter().map(|c| format!("{0} = NEW.{0}", ident(&c.name))).collect();
    let row = match t.primary_key() {
        Some(key) => key.iter().map(|k| format!("{0} = OLD.{0}", ident(k))).collect::<Vec<_>>().join(" AND "),
        None => {
            let same: Vec<String> = t.columns.iter().map(|c| format!("{0} IS OLD.{0}", ident(&c.name))).collect();
            format!("rowid = (SELECT rowid FROM {tb} WHERE {} LIMIT 1)", same.join(" AND "))
        }
    };
    let trigger = |what: &str| ident(&format!("{view}_{what}_{table}"));
    [
        format!("CREATE VIEW {v} AS SELECT * FROM {tb}"),
        format!(
            "CREATE TRIGGER {} INSTEAD OF INSERT ON {v} BEGIN INSERT INTO {tb} ({}) VALUES ({}); END",
            trigger("insert_into"),
            columns.join(", "),
            values.join(", ")
        ),
        format!(
            "CREATE TRIGGER {} INSTEAD OF UPDATE ON {v} BEGIN UPDATE {tb} SET {} WHERE {row}; END",
            trigger("update_of"),
            set.join(", ")
        ),
        format!(
            "CREATE TRIGGER {} INSTEAD OF DELETE ON {v} BEGIN DELETE FROM {tb} WHERE {row}; END",
            trigger("delete_from")
        ),
    ]
    .into_iter()
    .map(|sql| Unit::InTransaction(Statement::new(sql)))
    .collect()
}
