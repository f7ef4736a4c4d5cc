//! SF041 contract-before-deploy: dropping a column that a backfill copied
//! into another column with no deploy boundary in between, the expand and
//! the contract of a hand-written expand/contract in one deploy.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF041",
    name: "contract-before-deploy",
    summary: "dropping a column that a backfill copied into another one, with no deploy boundary in between",
    why: "the copy is the expand of an expand/contract: the code still running reads the old column until the code that reads the new one is deployed, and one `run` would apply both the copy and the drop before that deploy",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::DropColumn { table, column, .. } = &cx.step.op else { return };
    let Some(into) = cx.schema.copied_into(table, column) else { return };
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Column(column.clone())),
        format!(
            "`{table}.{column}` was copied into `{into}` with no deploy since: dropping it now contracts in the same deploy as the expand"
        ),
        format!(
            "put `deploy_boundary \"deploy the code that reads `{into}` instead of `{column}`, everywhere\";` before this step (`run` stops there until `cargo schemaflow complete`; it goes straight on when the copy ran in an earlier run), or ship the change as one `online_change`"
        ),
    ));
}
