//! SF016 blocking-unique-constraint: a unique constraint or primary key
//! added to an existing table without building its index concurrently.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{ConstraintKind, Op};

pub(super) const RULE: Rule = Rule {
    code: "SF016",
    name: "blocking-unique-constraint",
    summary: "a unique constraint or primary key added to an existing table without `concurrently` (PostgreSQL)",
    why: "the constraint's index is built under an ACCESS EXCLUSIVE lock: no reads and no writes on the table for the whole build",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::AddConstraint { table, constraint, online } = &cx.step.op else { return };
    if !cx.targets.postgres || *online || !cx.is_existing(table) {
        return;
    }
    if !matches!(constraint.kind, ConstraintKind::Unique { .. } | ConstraintKind::PrimaryKey { .. }) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Name),
        format!(
            "{} `{}` on existing table `{table}` builds its index under an exclusive lock",
            constraint.kind.describe(),
            constraint.name
        ),
        format!(
            "add `concurrently`: schemaflow builds a unique index with CREATE UNIQUE INDEX CONCURRENTLY, then attaches it with ADD CONSTRAINT … USING INDEX (a column's inline `unique` cannot do this: write `add_constraint unique({}) concurrently` as its own step)",
            constraint.kind.columns().join(", ")
        ),
    ));
}
