//! SF025 drop-constraint: dropping a constraint of an existing table.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF025",
    name: "drop-constraint",
    summary: "dropping a primary key, unique, check or foreign key constraint of an existing table",
    why: "the database stops enforcing it at once, so invalid rows can be written while nothing fails; adding it back later needs a scan and may find violations",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::DropConstraint { table, name } = &cx.step.op else { return };
    if !cx.is_existing(table) {
        return;
    }
    let constraint = cx.schema.table(table).and_then(|t| t.constraint(name));
    // Dropped and added again under the same name in this migration: a
    // replacement, which the rules check as the new constraint.
    let replaced = cx.rest.iter().any(|s| match &s.op {
        Op::AddConstraint { table: t, constraint: c, .. } => t == table && c.name == *name,
        Op::AttachIndex { table: t, name: n, .. } => t == table && n == name,
        _ => false,
    });
    // The helper check of the NOT NULL pattern, once the column is NOT NULL.
    let helper = constraint.is_some_and(|c| match &c.kind {
        crate::model::ConstraintKind::Check { expr } => cx.schema.table(table).is_some_and(|t| {
            t.columns.iter().any(|col| !col.nullable && crate::model::is_not_null_check(expr, &col.name))
        }),
        _ => false,
    });
    if replaced || helper {
        return;
    }
    let kind = constraint.map_or("constraint", |c| c.kind.describe());
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Name),
        format!("dropping {kind} `{name}` of existing table `{table}` stops it being enforced"),
        "make sure no code relies on it (and for a unique key, that no foreign key needs it), then acknowledge with a reason",
    ));
}
