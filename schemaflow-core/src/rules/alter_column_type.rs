//! SF011 alter-column-type: changing the type of a column of an existing
//! table, unless the change needs no rewrite.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;
use crate::type_change::{self, Cost};

pub(super) const RULE: Rule = Rule {
    code: "SF011",
    name: "alter-column-type",
    summary: "changing the type of a column of an existing table in a way that rewrites it or narrows it",
    why: "PostgreSQL rewrites the table and its indexes (or, for `timestamp` ↔ `timestamptz` under UTC, rebuilds the column's indexes) under an ACCESS EXCLUSIVE lock (no reads, no writes) and SQLite rebuilds it; a narrowing change also fails on, or truncates, the values that no longer fit, and running code still expects the old type",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::AlterColumnType { table, column, ty, using } = &cx.step.op else { return };
    if !cx.is_existing(table) {
        return;
    }
    let Some(old) = cx.schema.table(table).and_then(|t| t.column(column)).map(|c| &c.ty) else {
        return;
    };
    // The DSL runs its `timestamp` ↔ `timestamptz` change under `SET LOCAL
    // TimeZone = 'UTC'`; raw SQL has whatever zone it set earlier.
    let zone_is_utc = cx.step.raw.is_none() || type_change::zone_is_utc(cx.earlier);
    let at = cx.at(Part::ColumnType(column.clone()));
    match type_change::postgres_cost(cx.schema, table, column, ty, using.as_deref(), zone_is_utc) {
        Cost::Catalog => {}
        Cost::Rebuilds(objects) => out.push(Diagnostic::new(
            &RULE,
            at,
            format!(
                "changing `{table}.{column}` from `{old}` to `{ty}` rebuilds {} while it holds ACCESS EXCLUSIVE on `{table}` (the rows are not rewritten)",
                objects.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")
            ),
            format!(
                "drop the index with `drop_index NAME concurrently` in an earlier migration and create it again with `create_index … concurrently` after the change; a key or constraint on `{column}` needs expand and contract: `add_column {column}_new: Option<{ty}>`, backfill it, switch the code, then drop `{column}`"
            ),
        )),
        Cost::Rewrite => {
            let narrowing = if type_change::is_narrowing(old, ty, zone_is_utc) {
                ", and it narrows the values the column can hold"
            } else {
                ""
            };
            let help = if type_change::is_zone_change(old, ty) && !zone_is_utc && using.is_none() {
                format!(
                    "PostgreSQL 12+ changes only the catalog when the session time zone is UTC: if the stored values are UTC, put `SET LOCAL TimeZone = 'UTC';` before it, or write `alter_table {table} {{ set_type {column}: {ty} }}`, which does so"
                )
            } else {
                format!(
                    "ship it across deploys as a new column: `online_change {table} {{ add {column}_new: {ty} = \"<{column} converted>\", retire {column} = \"<{column}_new converted back>\" }}` keeps both in step with a trigger while old and new code run, backfills in batches, and drops `{column}` at `cargo schemaflow complete`"
                )
            };
            let why = if type_change::is_zone_change(old, ty) && !zone_is_utc && using.is_none() {
                " (the session time zone is not known to be UTC)"
            } else {
                ""
            };
            out.push(Diagnostic::new(
                &RULE,
                at,
                format!("changing `{table}.{column}` from `{old}` to `{ty}` rewrites the table{why}{narrowing}"),
                help,
            ));
        }
    }
}
