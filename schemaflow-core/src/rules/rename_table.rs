//! SF008 rename-table: renaming a table that already exists.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF008",
    name: "rename-table",
    summary: "renaming an existing table",
    why: "the code still running during the deploy queries the old name and fails from the moment the rename commits",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::RenameTable { from, to } = &cx.step.op else { return };
    if !cx.is_existing(from) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Table),
        format!("renaming table `{from}` to `{to}` breaks the code that still queries `{from}`"),
        format!(
            "deploy code that reads through a view first: `sql \"CREATE VIEW \\\"{to}\\\" AS SELECT * FROM \\\"{from}\\\"\" down \"DROP VIEW \\\"{to}\\\"\"`, switch the code to `{to}`, then drop the view and rename in a later migration"
        ),
    ));
}
