//! SF003 add-required-column: a NOT NULL column without a default added to
//! a table that already exists.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF003",
    name: "add-required-column",
    summary: "a NOT NULL column without a default added to an existing table",
    why: "the rows already in the table have no value for it, so the ALTER fails on any table with rows, and INSERTs from the code still running that do not set the column start failing",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::AddColumn { table, column } = &cx.step.op else { return };
    if !cx.is_existing(table) || column.nullable || column.default.is_some() || column.identity {
        return;
    }
    let name = &column.name;
    let ty = &column.ty;
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Column(name.clone())),
        format!("NOT NULL column `{name}` is added to existing table `{table}` without a default"),
        format!(
            "give it a default (`{name}: {ty} = …`), or add it as `{name}: Option<{ty}>`, backfill it, and `set_not_null {name}` in a later migration"
        ),
    ));
}
