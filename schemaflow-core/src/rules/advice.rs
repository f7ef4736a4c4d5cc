//! Advice: hazards that depend on the application or the data, reported as
//! compiler warnings rather than errors. SF029 drop-not-null, SF030
//! prefer-timestamptz, SF031 unique-on-existing-data and SF038
//! narrowing-rollback.

use super::{Diagnostic, Rule, StepContext};
use crate::location::{Location, Part};
use crate::model::{ColumnType, ConstraintKind, Down, Migration, Op};
use crate::rollback::{self, Derived};
use crate::schema::Schema;
use crate::type_change;

pub(super) const DROP_NOT_NULL: Rule = Rule {
    code: "SF029",
    name: "drop-not-null",
    summary: "making a NOT NULL column of an existing table nullable (advice)",
    why: "code that reads the column, and reports or triggers written against it, assume it is never NULL; the first NULL written breaks them, and setting NOT NULL again later needs a scan",
    allowable: true,
    advice: true,
};

pub(super) const PREFER_TIMESTAMPTZ: Rule = Rule {
    code: "SF030",
    name: "prefer-timestamptz",
    summary: "a `Timestamp` (without time zone) column (advice)",
    why: "a timestamp without time zone drops the offset: the same instant written from two time zones is stored as two different values, and daylight-saving changes make values ambiguous",
    allowable: true,
    advice: true,
};

pub(super) const UNIQUE_ON_EXISTING_DATA: Rule = Rule {
    code: "SF031",
    name: "unique-on-existing-data",
    summary: "a unique index or constraint on a table that already holds data (advice)",
    why: "it fails on the first duplicate already in the table: the migration passes on development data and fails on production data",
    allowable: true,
    advice: true,
};

pub(super) const NARROWING_ROLLBACK: Rule = Rule {
    code: "SF038",
    name: "narrowing-rollback",
    summary: "a widening type change whose derived rollback narrows the column back (advice)",
    why: "the way back changes the type back, which rewrites the table under ACCESS EXCLUSIVE and fails on the first value stored since the migration that the old type cannot hold: the rollback breaks exactly when it is needed",
    allowable: true,
    advice: true,
};

/// SF038: the derived rollback of a widening narrows the column again.
pub(super) fn narrowing_rollback(before: &Schema, after: &Schema, migration: &Migration, out: &mut Vec<Diagnostic>) {
    if !matches!(migration.down, Down::Derived) {
        return;
    }
    // No derived rollback at all is SF004's to report.
    let Derived::Steps(down) = rollback::down_steps(before, migration) else { return };
    let mut schema = after.clone();
    for step in &down {
        if let Op::AlterColumnType { table, column, ty, .. } = &step.op
            && before.tables.contains_key(table)
            && let Some(now) = schema.table(table).and_then(|t| t.column(column)).map(|c| c.ty.clone())
            && type_change::is_narrowing(&now, ty, true)
            && let Some(index) = migration.steps.iter().rposition(
                |s| matches!(&s.op, Op::AlterColumnType { table: t, column: c, .. } if t == table && c == column),
            )
        {
            out.push(Diagnostic::new(
                &NARROWING_ROLLBACK,
                Location::up(index, Part::ColumnType(column.clone())),
                format!(
                    "the derived rollback changes `{table}.{column}` back from `{now}` to `{ty}`, which fails once a value `{ty}` cannot hold has been stored"
                ),
                format!(
                    "write the way back: `down {{ alter_table {table} {{ set_type {column}: {ty} using \"…\" }} }}` with an expression that makes every value fit, or `irreversible \"why\"` when the widening is for good"
                ),
            ));
        }
        if schema.apply(&step.op).is_err() {
            return;
        }
    }
}

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    match &cx.step.op {
        Op::DropNotNull { table, column }
            if cx.is_existing(table)
                && cx.schema.table(table).and_then(|t| t.column(column)).is_some_and(|c| !c.nullable) =>
        {
            out.push(Diagnostic::new(
            &DROP_NOT_NULL,
            cx.at(Part::Column(column.clone())),
            format!("`{table}.{column}` becomes nullable, and the code that reads it may not expect NULL"),
            "make sure every reader handles NULL before deploying this, or keep the column NOT NULL with a sentinel default",
        ))
        }
        Op::CreateTable(t) => {
            for c in t.columns.iter().filter(|c| c.ty == ColumnType::Timestamp) {
                out.push(timestamp(cx, &c.name));
            }
        }
        Op::AddColumn { column, .. } if column.ty == ColumnType::Timestamp => out.push(timestamp(cx, &column.name)),
        Op::AlterColumnType { column, ty: ColumnType::Timestamp, .. } => out.push(timestamp(cx, column)),
        Op::CreateIndex(index) if index.unique && cx.is_existing(&index.table) => {
            // An expression key (`lower(email)`) is stricter than its columns.
            unique(cx, &index.table, &index.columns, index.key.is_none(), out);
        }
        Op::AddConstraint { table, constraint, .. } if cx.is_existing(table) => {
            if let ConstraintKind::Unique { columns } | ConstraintKind::PrimaryKey { columns } = &constraint.kind {
                unique(cx, table, columns, true, out);
            }
        }
        _ => {}
    }
}

fn timestamp(cx: &StepContext, column: &str) -> Diagnostic {
    Diagnostic::new(
        &PREFER_TIMESTAMPTZ,
        cx.at(Part::ColumnType(column.to_owned())),
        format!("`{column}` is a `Timestamp` without time zone"),
        format!("declare it `{column}: TimestampTz`, unless it is a local wall-clock time by design"),
    )
}

fn unique(cx: &StepContext, table: &str, columns: &[String], plain: bool, out: &mut Vec<Diagnostic>) {
    // A column added in this same migration holds no duplicates yet.
    if columns.iter().any(|c| cx.added_columns.contains(&(table.to_owned(), c.clone()))) {
        return;
    }
    // Columns that include a unique key's (one the table has, or one this
    // migration dropped just before, as when a key is replaced by a wider
    // one) are unique already.
    let covers = |key: &[String]| !key.is_empty() && key.iter().all(|k| columns.contains(k));
    let keys_now = cx.schema.table(table).into_iter().flat_map(|t| &t.constraints).map(|k| &k.kind);
    let dropped_here = cx.earlier.iter().filter_map(|s| match &s.op {
        Op::DropConstraint { table: t, name } if t == table => Some(name),
        _ => None,
    });
    let dropped_keys =
        dropped_here.filter_map(|name| cx.start.table(table).and_then(|t| t.constraint(name))).map(|k| &k.kind);
    if plain
        && keys_now.chain(dropped_keys).any(|k| {
            matches!(k, ConstraintKind::Unique { .. } | ConstraintKind::PrimaryKey { .. }) && covers(k.columns())
        })
    {
        return;
    }
    let cols = columns.join(", ");
    out.push(Diagnostic::new(
        &UNIQUE_ON_EXISTING_DATA,
        cx.at(Part::Op),
        format!("`{table}({cols})` must already be unique in every environment, or this step fails"),
        format!(
            "check first (`SELECT {cols}, count(*) FROM {table} GROUP BY {cols} HAVING count(*) > 1`), and acknowledge with the reason the data is unique"
        ),
    ));
}
