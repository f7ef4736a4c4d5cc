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
    // Online: the next step keeps the old name as a view.
    let online = cx.rest.first().is_some_and(|next| next.keeps_old_name_of(from));
    if !cx.is_existing(from) || online || cx.renames_away_for_rebuild(from, to) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Table),
        format!("renaming table `{from}` to `{to}` breaks the code that still queries `{from}`"),
        format!(
            "rename it across deploys: `rename_table {from} -> {to} online` keeps `{from}` as a view the running code reads and writes through, until `cargo schemaflow complete` drops it once the code uses `{to}`"
        ),
    ));
}
