//! SQLite SQL generation.
//!
//! SQLite alters little in place: it can rename a table or column, add a
//! column with a constant default, and drop a column nothing depends on.
//! Everything else (changing a type, NOT NULL, a default, adding or dropping
//! a constraint) goes through SQLite's documented table rebuild: create the
//! new table under a temporary name, copy the rows, drop the old table,
//! rename the new one, and recreate the indexes. Migrations run with
//! `PRAGMA foreign_keys = OFF` (set outside the transaction, where it takes
//! effect) and every transaction ends with `PRAGMA foreign_key_check`, which
//! the runner treats as a failure when it returns a row.

use super::{OpContext, Statement, Unit, ident, ident_list, if_exists_clause, literal};
use crate::model::{Column, ColumnType, Constraint, ConstraintKind, DefaultFunction, DefaultValue, Index, Op, Table};

/// The statement each SQLite migration transaction ends with.
pub const FOREIGN_KEY_CHECK: &str = "PRAGMA foreign_key_check";

/// The declared SQLite type of a column type. The names keep the DSL type
/// readable from the schema (for drift detection) while giving SQLite the
/// right affinity; `i64` is `INTEGER` so a primary key aliases the rowid.
pub fn column_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Bool => "BOOLEAN".into(),
        ColumnType::I16 => "SMALLINT".into(),
        ColumnType::I32 => "INT".into(),
        ColumnType::I64 => "INTEGER".into(),
        ColumnType::F32 => "REAL".into(),
        ColumnType::F64 => "DOUBLE".into(),
        ColumnType::Decimal { precision, scale } => format!("NUMERIC({precision}, {scale})"),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Varchar(n) => format!("VARCHAR({n})"),
        ColumnType::Bytes => "BLOB".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::Timestamp => "TIMESTAMP".into(),
        ColumnType::TimestampTz => "TIMESTAMPTZ".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Citext => "CITEXT".into(),
        // Refused on SQLite at compile time (SF036).
        ColumnType::Array(inner) => format!("{}[]", column_type(inner)),
        ColumnType::Enum(_) => "TEXT".into(),
        ColumnType::Sql(sql) => sql.clone(),
    }
}

/// A value as a SQLite expression.
pub fn value(value: &DefaultValue) -> String {
    match value {
        DefaultValue::Bool(b) => if *b { "1" } else { "0" }.into(),
        DefaultValue::Int(s) | DefaultValue::Float(s) => s.clone(),
        DefaultValue::Text(s) => literal(s),
        DefaultValue::Function(f) => match f {
            DefaultFunction::Now => "CURRENT_TIMESTAMP".into(),
            DefaultFunction::CurrentDate => "CURRENT_DATE".into(),
            DefaultFunction::GenRandomUuid => "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))".into(),
            DefaultFunction::Random => "(abs(random()) / 9223372036854775808.0)".into(),
            DefaultFunction::ClockTimestamp => "(strftime('%Y-%m-%d %H:%M:%f', 'now'))".into(),
        },
        DefaultValue::Sql(s) => format!("({s})"),
    }
}

/// Whether `ALTER TABLE … ADD COLUMN` accepts this default: SQLite refuses
/// `CURRENT_*` and expressions there.
fn is_constant(value: &DefaultValue) -> bool {
    matches!(value, DefaultValue::Bool(_) | DefaultValue::Int(_) | DefaultValue::Float(_) | DefaultValue::Text(_))
}

/// Enum types by name, with their values (see [`crate::schema::Schema::enums`]).
pub type Enums = std::collections::BTreeMap<String, Vec<String>>;

fn column_def(c: &Column, enums: &Enums) -> String {
    let mut sql = format!("{} {}", ident(&c.name), column_type(&c.ty));
    if let Some(g) = &c.generated {
        sql.push_str(&format!(" GENERATED ALWAYS AS ({}) {}", g.expr, if g.stored { "STORED" } else { "VIRTUAL" }));
    }
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        sql.push_str(&format!(" DEFAULT {}", value(d)));
    }
    match &c.ty {
        // `CITEXT` has TEXT affinity; the collation compares ASCII letters
        // without regard to case, as `citext` does.
        ColumnType::Citext => sql.push_str(" COLLATE NOCASE"),
        // SQLite has no enum types: the column holds text, checked against
        // the enum's values (a new value rebuilds the table).
        ColumnType::Enum(name) => {
            let values: Vec<String> = enums.get(name).into_iter().flatten().map(|v| literal(v)).collect();
            sql.push_str(&format!(" CHECK ({} IN ({}))", ident(&c.name), values.join(", ")));
        }
        _ => {}
    }
    sql
}

fn constraint_def(c: &Constraint) -> String {
    super::postgres::constraint_def(c)
}

/// `CREATE TABLE` for a table definition, under `name`; `enums` gives the
/// values of the enum types its columns use.
pub fn create_table(t: &Table, name: &str, enums: &Enums) -> String {
    let mut lines: Vec<String> = t.columns.iter().map(|c| column_def(c, enums)).collect();
    lines.extend(t.constraints.iter().map(constraint_def));
    format!("CREATE TABLE {} (\n    {}\n)", ident(name), lines.join(",\n    "))
}

/// `CREATE INDEX` for an index (SQLite builds every index in place).
pub fn create_index(i: &Index) -> String {
    // An expression or ordered key as written (see `Index::key`).
    let key = i.key.clone().unwrap_or_else(|| format!("({})", ident_list(&i.columns)));
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} {key}",
        if i.unique { "UNIQUE " } else { "" },
        ident(&i.name),
        ident(&i.table),
    );
    if let Some(p) = &i.predicate {
        sql.push_str(&format!(" WHERE {p}"));
    }
    sql
}

fn alter(table: &str, action: &str) -> String {
    format!("ALTER TABLE {} {action}", ident(table))
}

/// What SQLite, which has no CASCADE, runs first for a drop of `table` (or
/// of its `column`) with CASCADE: the views that read it go, then each table
/// with a foreign key to it is rebuilt without the key (as PostgreSQL drops
/// it).
fn cascade_units(cx: &OpContext, table: &str, column: Option<&String>) -> Vec<Unit> {
    let column = column.map(String::as_str);
    let plain = |sql: String| vec![Unit::InTransaction(Statement::new(sql))];
    let mut units: Vec<Unit> = cx
        .before
        .views_reading(table, column)
        .iter()
        .flat_map(|v| plain(format!("DROP VIEW IF EXISTS {}", ident(v))))
        .collect();
    let referencing: std::collections::BTreeSet<String> =
        cx.before.cascaded_references(table, column).map(|(t, _)| t.name.clone()).collect();
    for t in &referencing {
        units.extend(rebuild(cx, t, &[]));
    }
    units
}

/// The units of one operation.
pub fn op_units(cx: &OpContext, op: &Op) -> Vec<Unit> {
    let plain = |sql: String| vec![Unit::InTransaction(Statement::new(sql))];
    match op {
        Op::CreateTable(t) => plain(super::if_not_exists(create_table(t, &t.name, &cx.after.enums), t.if_not_exists)),
        Op::DropTable { table, if_exists, cascade: false } => {
            plain(format!("DROP TABLE {}{}", if_exists_clause(*if_exists), ident(table)))
        }
        // SQLite has no CASCADE: the views that read the table go first,
        // then each table with a foreign key to it is rebuilt without the
        // key (as PostgreSQL drops it), then the table.
        Op::DropTable { table, if_exists, cascade: true } => {
            let mut units = cascade_units(cx, table, None);
            units.extend(plain(format!("DROP TABLE {}{}", if_exists_clause(*if_exists), ident(table))));
            units
        }
        Op::RenameTable { from, to } => plain(alter(from, &format!("RENAME TO {}", ident(to)))),
        Op::AddColumn { table, column } => {
            // SQLite adds a virtual generated column in place, not a stored one.
            let native = !column.identity
                && column.generated.as_ref().is_none_or(|g| !g.stored)
                && column.default.as_ref().is_none_or(is_constant)
                && (column.nullable || column.default.is_some());
            if native {
                plain(alter(table, &format!("ADD COLUMN {}", column_def(column, &cx.after.enums))))
            } else {
                rebuild(cx, table, &[])
            }
        }
        // SQLite has no `DROP COLUMN IF EXISTS`: the replay knows the column is not there.
        Op::DropColumn { if_exists: true, .. } if cx.before.leaves_unchanged(op) => Vec::new(),
        // As for a table: what CASCADE drops goes first.
        Op::DropColumn { table, column, cascade: true, .. } => {
            let mut units = cascade_units(cx, table, Some(column));
            units.extend(op_units(
                cx,
                &Op::DropColumn { table: table.clone(), column: column.clone(), if_exists: false, cascade: false },
            ));
            units
        }
        Op::DropColumn { table, column, .. } => {
            let before = cx.before.table(table);
            let in_constraint = before.is_some_and(|t| t.constraints.iter().any(|c| mentions(&c.kind, column)));
            if in_constraint {
                return rebuild(cx, table, &[]);
            }
            let mut units: Vec<Unit> = cx
                .before
                .indexes_on(table)
                .filter(|i| {
                    i.columns.contains(column) || i.predicate.as_ref().is_some_and(|p| p.contains(column.as_str()))
                })
                .map(|i| Unit::InTransaction(Statement::new(format!("DROP INDEX {}", ident(&i.name)))))
                .collect();
            units.extend(plain(alter(table, &format!("DROP COLUMN {}", ident(column)))));
            units
        }
        Op::RenameColumn { table, from, to } => {
            plain(alter(table, &format!("RENAME COLUMN {} TO {}", ident(from), ident(to))))
        }
        Op::AlterColumnType { table, column, ty, using } => {
            let expr = match using {
                Some(u) => format!("({u})"),
                None => format!("CAST({} AS {})", ident(column), column_type(ty)),
            };
            rebuild(cx, table, &[(column.clone(), expr)])
        }
        Op::SetNotNull { table, .. }
        | Op::DropNotNull { table, .. }
        | Op::SetDefault { table, .. }
        | Op::DropDefault { table, .. }
        | Op::AddConstraint { table, .. }
        | Op::DropConstraint { table, .. }
        | Op::AttachIndex { table, .. } => rebuild(cx, table, &[]),
        Op::CreateIndex(i) => plain(super::if_not_exists(create_index(i), i.if_not_exists)),
        Op::DropIndex { name, if_exists, .. } => {
            plain(format!("DROP INDEX {}{}", if_exists_clause(*if_exists), ident(name)))
        }
        Op::Backfill(b) => vec![Unit::Backfill(b.clone())],
        // SQLite checks a constraint when it is added: nothing is left to validate.
        Op::ValidateConstraint { .. } => Vec::new(),
        // The statement itself is the raw SQL that was read (see `plan_steps`).
        Op::Sql(s) if s.class == crate::model::RawClass::Outside => vec![Unit::Outside(Statement::new(""))],
        Op::Sql(s) if matches!(s.class, crate::model::RawClass::Unanalysed | crate::model::RawClass::Unreadable(_)) => {
            vec![Unit::InTransaction(Statement::new("").locking(super::NOT_ANALYSED))]
        }
        Op::Sql(_) => plain(String::new()),
        Op::CreateSync(sync) => super::sync::sqlite_create(cx, sync),
        Op::DropSync { name, .. } => super::sync::sqlite_drop(cx, name),
        Op::CatchUp(c) => match (cx.before.syncs.get(&c.sync), cx.before.table(&c.table)) {
            (Some(sync), Some(table)) => vec![Unit::Backfill(sync.catch_up(c, table))],
            _ => Vec::new(),
        },
        Op::CreateCompatView { view, table } => super::compat_view::sqlite_create(cx, view, table),
        Op::DropCompatView { view, .. } => super::compat_view::sqlite_drop(view),
        Op::DeployBoundary { note } => vec![Unit::Deploy(note.clone())],
        // An enum is the model's: its columns are text with a check.
        Op::CreateEnum { .. } | Op::DropEnum { .. } => Vec::new(),
        // Each table with a column of the enum is rebuilt with the new check.
        Op::AddEnumValue { name, .. } => cx
            .after
            .tables
            .values()
            .filter(|t| t.columns.iter().any(|c| c.ty.enum_name() == Some(name)))
            .flat_map(|t| rebuild(cx, &t.name, &[]))
            .collect(),
    }
}

fn mentions(kind: &ConstraintKind, column: &str) -> bool {
    match kind {
        ConstraintKind::Check { expr } => crate::sql_text::mentions(expr, column),
        other => other.columns().iter().any(|c| c == column),
    }
}

/// The name a table is built under during a rebuild.
pub fn rebuild_name(table: &str) -> String {
    format!("_schemaflow_new_{table}")
}

/// SQLite's table rebuild: the table as it is after the operation, filled
/// from the table before it. `conversions` gives the copy expression of
/// columns whose values change.
fn rebuild(cx: &OpContext, table: &str, conversions: &[(String, String)]) -> Vec<Unit> {
    let (Some(before), Some(after)) = (cx.before.table(table), cx.after.table(table)) else {
        return Vec::new();
    };
    let temp = rebuild_name(table);
    // Generated columns are computed, not copied.
    let copied: Vec<&Column> = after
        .columns
        .iter()
        .filter(|c| c.generated.is_none() && before.column(&c.name).is_some_and(|b| b.generated.is_none()))
        .collect();
    let names: Vec<String> = copied.iter().map(|c| c.name.clone()).collect();
    let exprs: Vec<String> = copied
        .iter()
        .map(|c| {
            conversions.iter().find(|(name, _)| *name == c.name).map_or_else(|| ident(&c.name), |(_, e)| e.clone())
        })
        .collect();
    let mut statements = vec![
        Statement::new(create_table(after, &temp, &cx.after.enums)),
        Statement::new(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            ident(&temp),
            ident_list(&names),
            exprs.join(", "),
            ident(table)
        )),
        Statement::new(format!("DROP TABLE {}", ident(table))),
        Statement::new(alter(&temp, &format!("RENAME TO {}", ident(table)))),
    ];
    statements.extend(cx.after.indexes_on(table).map(|i| Statement::new(create_index(i))));
    statements
        .into_iter()
        .map(|mut s| {
            s.rebuilds = Some(table.to_owned());
            Unit::InTransaction(s)
        })
        .collect()
}

/// Ends every transaction with the foreign key check.
pub fn finish(units: Vec<Unit>) -> Vec<Unit> {
    let mut out = Vec::with_capacity(units.len() + 2);
    let mut open = false;
    for unit in units {
        let in_transaction = matches!(unit, Unit::InTransaction(_));
        if open && !in_transaction {
            out.push(Unit::InTransaction(Statement::new(FOREIGN_KEY_CHECK)));
        }
        open = in_transaction;
        out.push(unit);
    }
    if open {
        out.push(Unit::InTransaction(Statement::new(FOREIGN_KEY_CHECK)));
    }
    out
}
