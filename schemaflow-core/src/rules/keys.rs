//! SF032 backfill-without-key and SF033 identity-not-key: what batching and
//! generated keys need from a table's primary key.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{ColumnType, Op, Table};

pub(super) const BACKFILL_WITHOUT_KEY: Rule = Rule {
    code: "SF032",
    name: "backfill-without-key",
    summary: "a `backfill` over a table that has no primary key",
    why: "batches are ranges of the primary key; without one, the data step can only change every row in one statement, holding its locks until it ends",
    allowable: false,
    advice: false,
};

pub(super) const IDENTITY_NOT_KEY: Rule = Rule {
    code: "SF033",
    name: "identity-not-key",
    summary: "an `identity` column that is not the table's single `i64` primary key (when the crate targets SQLite)",
    why: "SQLite generates values only for its rowid, which a column aliases when it is the table's only primary key column and an INTEGER; any other identity column stays NULL on SQLite and every INSERT that omits it fails",
    allowable: false,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    match &cx.step.op {
        Op::Backfill(b) if cx.schema.table(&b.table).is_some_and(|t| t.primary_key().is_none()) => {
            out.push(Diagnostic::new(
                &BACKFILL_WITHOUT_KEY,
                cx.at(Part::Table),
                format!("table `{}` has no primary key to batch the backfill on", b.table),
                format!(
                    "give `{}` a primary key first (`add_constraint primary_key(…) concurrently`), or write the change as `sql \"UPDATE …\"` and acknowledge that it is not batched",
                    b.table
                ),
            ));
        }
        Op::CreateTable(t) if cx.targets.sqlite => {
            for c in t.columns.iter().filter(|c| c.identity) {
                if !is_rowid_key(t, &c.name) {
                    out.push(Diagnostic::new(
                        &IDENTITY_NOT_KEY,
                        cx.at(Part::Default(c.name.clone())),
                        format!(
                            "identity column `{}.{}` is not the table's only primary key column of type `i64`",
                            t.name, c.name
                        ),
                        format!(
                            "declare it `{}: i64 primary_key identity`, or drop `identity` and fill it yourself",
                            c.name
                        ),
                    ));
                }
            }
        }
        Op::AddColumn { table, column } if cx.targets.sqlite && column.identity => out.push(Diagnostic::new(
            &IDENTITY_NOT_KEY,
            cx.at(Part::Default(column.name.clone())),
            format!("identity column `{table}.{}` is added to a table that already has its key", column.name),
            format!("drop `identity` from `{}` and fill it with a `backfill`", column.name),
        )),
        _ => {}
    }
}

fn is_rowid_key(t: &Table, column: &str) -> bool {
    t.primary_key().is_some_and(|k| k.len() == 1 && k[0] == column)
        && t.column(column).is_some_and(|c| c.ty == ColumnType::I64)
}
