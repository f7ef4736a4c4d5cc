//! SF007 rename-column: renaming a column of an existing table.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF007",
    name: "rename-column",
    summary: "renaming a column of an existing table",
    why: "the code still running during the deploy (and the code you roll back to) reads and writes the old name, so its queries fail from the moment the rename commits",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::RenameColumn { table, from, to } = &cx.step.op else { return };
    if !cx.is_existing(table) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Column(from.clone())),
        format!("renaming column `{table}.{from}` to `{to}` breaks the code that still uses `{from}`"),
        format!(
            "expand and contract over several deploys: `add_column {to}` and `backfill {table} set {to} = sql(\"{from}\")`, make the code write both and read `{to}`, then `drop_column {from}` in a later migration"
        ),
    ));
}
