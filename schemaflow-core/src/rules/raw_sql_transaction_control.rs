//! SF023 raw-sql-transaction-control: raw SQL that controls the
//! transaction schemaflow runs the migration in.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{Op, RawClass};

pub(super) const RULE: Rule = Rule {
    code: "SF023",
    name: "raw-sql-transaction-control",
    summary: "raw SQL with BEGIN, COMMIT, ROLLBACK, SAVEPOINT or RELEASE",
    why: "schemaflow runs each migration in a transaction and records it in the same one: a COMMIT inside ends it early, so a later failure leaves half a migration applied and the bookkeeping wrong",
    allowable: false,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::Sql(statement) = &cx.step.op else { return };
    if statement.class != RawClass::TransactionControl {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Sql),
        format!("raw SQL uses `{}`, which breaks the migration's transaction", statement.kind),
        "leave transactions to schemaflow: each migration runs in one transaction, `CREATE INDEX CONCURRENTLY` and `VALIDATE CONSTRAINT` get their own, and batched data changes belong in `backfill`",
    ));
}
