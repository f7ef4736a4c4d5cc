//! SF013 blocking-index: an index built on an existing table without
//! `concurrently` (PostgreSQL).

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF013",
    name: "blocking-index",
    summary: "an index created on an existing table without `concurrently` (PostgreSQL)",
    why: "a plain CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits, for minutes on a large table",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::CreateIndex(index) = &cx.step.op else { return };
    if !cx.targets.postgres || index.concurrently || !cx.is_existing(&index.table) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Op),
        format!("index `{}` on existing table `{}` blocks writes while it builds", index.name, index.table),
        if cx.step.is_raw() {
            "write `CREATE INDEX CONCURRENTLY`: schemaflow runs it outside the transaction, and drops and rebuilds it if a failed build left it INVALID"
        } else {
            "add `concurrently`: schemaflow builds it with CREATE INDEX CONCURRENTLY outside the transaction, and drops and rebuilds it if a failed build left it INVALID"
        },
    ));
}
