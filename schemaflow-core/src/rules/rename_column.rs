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
    let ty = cx
        .schema
        .table(table)
        .and_then(|t| t.column(from))
        .map(|c| if c.nullable { format!("Option<{}>", c.ty) } else { c.ty.to_string() })
        .unwrap_or_else(|| "Type".to_owned());
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Column(from.clone())),
        format!("renaming column `{table}.{from}` to `{to}` breaks the code that still uses `{from}`"),
        format!(
            "ship it across deploys with `online_change {table} {{ rename {from} -> {to}: {ty} }}`: it adds `{to}`, keeps both columns in step with a trigger while old and new code run, backfills, and drops `{from}` only at `cargo schemaflow complete`, once the new code is out everywhere"
        ),
    ));
}
