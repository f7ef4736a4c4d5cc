//! SF022 prefer-bigint-key: an integer primary key narrower than `i64`.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{ColumnType, Op};

pub(super) const RULE: Rule = Rule {
    code: "SF022",
    name: "prefer-bigint-key",
    summary: "a primary key column of type `i16` or `i32` (PostgreSQL)",
    why: "an `i32` key runs out at 2,147,483,647 rows ever inserted, and widening it later is a table rewrite of the table and of every table whose foreign keys point at it",
    allowable: true,
    advice: true,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::CreateTable(table) = &cx.step.op else { return };
    if !cx.targets.postgres {
        return;
    }
    let Some(key) = table.primary_key() else { return };
    for name in key {
        let Some(column) = table.column(name) else { continue };
        if matches!(column.ty, ColumnType::I16 | ColumnType::I32) {
            out.push(Diagnostic::new(
                &RULE,
                cx.at(Part::ColumnType(name.clone())),
                format!("primary key `{}.{name}` is `{}`", table.name, column.ty),
                format!("declare it `{name}: i64`"),
            ));
        }
    }
}
