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
    if !cx.is_existing(table) {
        return;
    }
    // A validated `CHECK (column IS NOT NULL)` has proved the data, and lets
    // PostgreSQL 12+ skip the scan.
    let proven = cx.schema.table(table).is_some_and(|t| {
        t.constraints.iter().any(|c| {
            !c.not_valid
                && matches!(&c.kind, crate::model::ConstraintKind::Check { expr } if super::is_not_null_check(expr, column))
        })
    });
    // Already NOT NULL: PostgreSQL does nothing.
    let already = cx.schema.table(table).and_then(|t| t.column(column)).is_some_and(|c| !c.nullable);
    if proven || already {
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
