//! SF004 missing-down: a migration with a step that has no way back.

use super::{Diagnostic, Rule};
use crate::location::{Location, Part};
use crate::model::{Down, Migration};
use crate::rollback::{self, Derived};
use crate::schema::Schema;

pub(super) const RULE: Rule = Rule {
    code: "SF004",
    name: "missing-down",
    summary: "a step whose inverse cannot be derived, in a migration with neither `down { … }` nor `irreversible`",
    why: "when a deploy goes wrong, the rollback stops at this migration and someone writes the way back by hand, under pressure, on production",
    allowable: false,
    advice: false,
};

pub(super) fn check(before: &Schema, migration: &Migration, out: &mut Vec<Diagnostic>) {
    if !matches!(migration.down, Down::Derived) {
        return;
    }
    if let Derived::NotDerivable { step, reason } = rollback::derive(before, &migration.steps) {
        let keyword = migration.steps[step].op.keyword();
        out.push(Diagnostic::new(
            &RULE,
            Location::up(step, Part::Op),
            format!("`{keyword}` has no way back: {reason}"),
            if keyword == "sql" {
                "add `down \"…\"` with the SQL that undoes it, or `irreversible \"why\"`"
            } else {
                "write the way back in a `down { … }` block, or declare `irreversible \"why\"` for the migration"
            },
        ));
    }
}
