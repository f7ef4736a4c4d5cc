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
    // A rebuild by copy keeps the rows; what it loses is the columns the
    // new table does not have.
    if let Some(new) = cx.rebuilt_as(table) {
        // The name the rebuilt table keeps: the dropped one's, unless the
        // old table was renamed away to it and its name re-created.
        let kept = if cx.start.table(&new.name).is_some() { new.name.as_str() } else { table.as_str() };
        let old = cx.schema.table(table).map(|t| t.columns.as_slice()).unwrap_or_default();
        for column in old.iter().filter(|c| new.column(&c.name).is_none()) {
            out.push(super::drop_column::dropped_by_rebuild(cx, kept, &column.name));
        }
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Table),
        format!("dropping table `{table}` loses all of its rows"),
        "take the table out of the code first and back it up or check it is empty; then acknowledge the drop with a reason",
    ));
}
