//! SF021 fk-without-index: a foreign key whose columns no index leads with.

use super::{Diagnostic, Rule};
use crate::location::{Location, Part};
use crate::model::{ConstraintKind, Migration};
use crate::schema::Schema;

pub(super) const RULE: Rule = Rule {
    code: "SF021",
    name: "fk-without-index",
    summary: "a foreign key added without an index that starts with its columns",
    why: "databases do not index the referencing side of a foreign key: every DELETE or key UPDATE of a parent row, and every ON DELETE CASCADE, scans the whole child table",
    allowable: true,
    advice: true,
};

/// Whether a non-partial index, primary key or unique constraint of
/// `table` in `schema` starts with exactly `columns` (in any order).
pub fn is_covered(schema: &Schema, table: &str, columns: &[String]) -> bool {
    let leads =
        |cols: &[String]| cols.len() >= columns.len() && cols[..columns.len()].iter().all(|c| columns.contains(c));
    let by_index = schema.indexes_on(table).any(|i| i.predicate.is_none() && leads(&i.columns));
    let by_constraint = schema.table(table).is_some_and(|t| {
        t.constraints.iter().any(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => leads(columns),
            _ => false,
        })
    });
    by_index || by_constraint
}

/// Checks each foreign key this migration adds against the schema after it.
pub(super) fn check(_before: &Schema, after: &Schema, migration: &Migration, out: &mut Vec<Diagnostic>) {
    for (index, step) in migration.steps.iter().enumerate() {
        let Some((table, added)) = step.op.declared_constraints() else { continue };
        for constraint in added {
            let ConstraintKind::ForeignKey { columns, ref_table, .. } = &constraint.kind else { continue };
            let still_there = after.table(table).is_some_and(|t| t.constraint(&constraint.name).is_some());
            if !still_there || is_covered(after, table, columns) {
                continue;
            }
            let cols = columns.join(", ");
            out.push(Diagnostic::new(
                &RULE,
                Location::up(index, Part::RefTable),
                format!(
                    "foreign key `{}` ({table}({cols}) → {ref_table}) has no index on `{table}({cols})`",
                    constraint.name
                ),
                format!("add `create_index on {table}({cols})` to this migration"),
            ));
        }
    }
}
