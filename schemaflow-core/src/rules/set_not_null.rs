//! SF012 set-not-null: making a column of an existing table NOT NULL.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF012",
    name: "set-not-null",
    summary: "making a column of an existing table NOT NULL",
    why: "it fails on the first NULL already in the column (passes on dev, fails on production data), and INSERTs from running code that leave the column out start failing",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::SetNotNull { table, column } = &cx.step.op else { return };
    if !cx.is_existing(table) || cx.in_online_contract(table, column) {
        return;
    }
    // Already NOT NULL (PostgreSQL does nothing), or a validated
    // `CHECK (column IS NOT NULL)` has proved the data (PostgreSQL 12+ skips
    // the scan).
    if cx.schema.table(table).is_some_and(|t| t.proves_not_null(column)) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Column(column.clone())),
        format!("making `{table}.{column}` NOT NULL depends on data the compiler cannot see"),
        format!(
            "deploy code that always writes `{column}`, `backfill {table} set {column} = … where \"{column} IS NULL\"`, then acknowledge; schemaflow adds it through a validated CHECK on PostgreSQL so the table is not locked while it is scanned"
        ),
    ));
}
