//! SF010 drop-table: dropping a table that already exists.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF010",
    name: "drop-table",
    summary: "dropping an existing table",
    why: "every row is gone for good (a rollback re-creates the table empty), and code that still queries it fails",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::DropTable { table, .. } = &cx.step.op else { return };
    if !cx.is_existing(table) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Table),
        format!("dropping table `{table}` loses all of its rows"),
        "take the table out of the code first and back it up or check it is empty; then acknowledge the drop with a reason",
    ));
}
