//! SF011 alter-column-type: changing the type of a column of an existing
//! table, unless the change needs no rewrite.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{ColumnType, Op};

pub(super) const RULE: Rule = Rule {
    code: "SF011",
    name: "alter-column-type",
    summary: "changing the type of a column of an existing table in a way that rewrites it or narrows it",
    why: "PostgreSQL rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (no reads, no writes) and SQLite rebuilds it; a narrowing change also fails on, or truncates, the values that no longer fit, and running code still expects the old type",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::AlterColumnType { table, column, ty, .. } = &cx.step.op else { return };
    if !cx.is_existing(table) {
        return;
    }
    let Some(old) = cx.schema.table(table).and_then(|t| t.column(column)).map(|c| &c.ty) else {
        return;
    };
    if is_safe_change(old, ty) {
        return;
    }
    let narrowing = if is_narrowing(old, ty) { ", and it narrows the values the column can hold" } else { "" };
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::ColumnType(column.clone())),
        format!("changing `{table}.{column}` from `{old}` to `{ty}` rewrites the table{narrowing}"),
        format!(
            "expand and contract: `add_column {column}_new: Option<{ty}>`, `backfill {table} set {column}_new = sql(\"…\")` in batches, switch the code to the new column, then drop `{column}` in a later migration"
        ),
    ));
}

/// Type changes that need neither a rewrite nor a scan on PostgreSQL.
pub fn is_safe_change(old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType::*;
    match (old, new) {
        (Varchar(a), Varchar(b)) => b >= a,
        (Varchar(_), Text) => true,
        (Decimal { precision: p1, scale: s1 }, Decimal { precision: p2, scale: s2 }) => s1 == s2 && p2 >= p1,
        _ => false,
    }
}

/// Type changes where some old values no longer fit.
pub fn is_narrowing(old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType::*;
    let int_width = |t: &ColumnType| match t {
        I16 => Some(16),
        I32 => Some(32),
        I64 => Some(64),
        _ => None,
    };
    match (old, new) {
        (Varchar(a), Varchar(b)) => b < a,
        (Text, Varchar(_)) => true,
        (Decimal { precision: p1, scale: s1 }, Decimal { precision: p2, scale: s2 }) => p2 < p1 || s2 < s1,
        (F64, F32) | (F64 | F32 | Decimal { .. }, I16 | I32 | I64) => true,
        (TimestampTz, Timestamp | Date) | (Timestamp, Date) => true,
        (a, b) => matches!((int_width(a), int_width(b)), (Some(x), Some(y)) if y < x),
    }
}
