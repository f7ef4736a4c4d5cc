//! SF009 drop-column: dropping a column of an existing table.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF009",
    name: "drop-column",
    summary: "dropping a column of an existing table",
    why: "its data is gone for good (a rollback brings the column back empty), and code that still reads or writes it fails, including ORMs that list every column in their queries",
    allowable: true,
    advice: false,
};

/// The help: the code goes first, then the column, with a reason.
fn safe_way(column: &str) -> String {
    format!(
        "first deploy code that no longer reads or writes `{column}`; once no running code uses it, acknowledge the drop with a reason"
    )
}

/// A column the table rebuilt by copy at this step leaves behind.
pub(super) fn dropped_by_rebuild(cx: &StepContext, table: &str, column: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        cx.at(Part::Table),
        format!(
            "rebuilding table `{table}` drops its column `{column}`: its data is lost and the code that still uses it breaks"
        ),
        safe_way(column),
    )
}

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::DropColumn { table, column, .. } = &cx.step.op else { return };
    if !cx.is_existing(table) || cx.in_online_contract(table, column) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Column(column.clone())),
        format!("dropping column `{table}.{column}` loses its data and breaks the code that still uses it"),
        safe_way(column),
    ));
}
