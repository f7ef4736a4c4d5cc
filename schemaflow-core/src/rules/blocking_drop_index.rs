//! SF014 blocking-drop-index: dropping an index of an existing table
//! without `concurrently` (PostgreSQL).

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF014",
    name: "blocking-drop-index",
    summary: "an index of an existing table dropped without `concurrently` (PostgreSQL)",
    why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: while it waits for running queries to finish, every new query on the table queues behind it",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::DropIndex { name, concurrently, .. } = &cx.step.op else { return };
    if !cx.targets.postgres || *concurrently {
        return;
    }
    let Some(index) = cx.schema.indexes.get(name) else { return };
    if !cx.is_existing(&index.table) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Op),
        format!("dropping index `{name}` of existing table `{}` locks the table", index.table),
        "add `concurrently`: schemaflow runs DROP INDEX CONCURRENTLY outside the transaction",
    ));
}
