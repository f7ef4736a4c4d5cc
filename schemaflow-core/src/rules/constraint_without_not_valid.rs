//! SF015 constraint-without-not-valid: a foreign key or check added to an
//! existing table in one validating step (PostgreSQL).

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{ConstraintKind, Op};

pub(super) const RULE: Rule = Rule {
    code: "SF015",
    name: "constraint-without-not-valid",
    summary: "a foreign key or check added to an existing table without the NOT VALID / VALIDATE split (PostgreSQL)",
    why: "the ALTER scans every row while holding its lock: ACCESS EXCLUSIVE for a check, SHARE ROW EXCLUSIVE on both tables for a foreign key, so writes stop for the whole scan",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::AddConstraint { table, constraint, online } = &cx.step.op else { return };
    if !cx.targets.postgres || *online || constraint.not_valid || !cx.is_existing(table) {
        return;
    }
    if !matches!(constraint.kind, ConstraintKind::Check { .. } | ConstraintKind::ForeignKey { .. }) {
        return;
    }
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Name),
        format!(
            "{} `{}` on existing table `{table}` is validated while the table is locked",
            constraint.kind.describe(),
            constraint.name
        ),
        if cx.step.is_raw() {
            format!(
                "add it `NOT VALID` (instant, new rows checked at once), then `ALTER TABLE {table} VALIDATE CONSTRAINT {}` in a statement of its own: schemaflow runs it in its own transaction, and reads and writes go on",
                constraint.name
            )
        } else {
            "add `not_valid`: schemaflow adds it NOT VALID (instant, new rows checked at once) and runs VALIDATE CONSTRAINT in its own transaction, which lets reads and writes go on".to_owned()
        },
    ));
}
