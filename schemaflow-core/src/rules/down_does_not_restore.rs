//! SF027 down-does-not-restore: a written `down { … }` that does not bring
//! the schema back to where the migration started.

use super::{Diagnostic, Rule, schema_facts};
use crate::diff;
use crate::location::{Location, Part, Section};
use crate::model::{Down, Migration};
use crate::schema::Schema;

pub(super) const RULE: Rule = Rule {
    code: "SF027",
    name: "down-does-not-restore",
    summary: "a `down { … }` block that leaves a different schema than the one before the migration",
    why: "a rollback that does not restore the schema leaves the old code running against tables it does not expect, and the next forward run fails",
    allowable: false,
    advice: false,
};

/// The location of the `down` keyword itself.
pub const DOWN_KEYWORD: Location = Location { section: Section::Down, step: usize::MAX, part: Part::Op };

pub(super) fn check(before: &Schema, after: &Schema, migration: &Migration, out: &mut Vec<Diagnostic>) {
    let Down::Explicit(steps) = &migration.down else { return };
    let mut schema = after.clone();
    let mut facts_ok = true;
    for (index, step) in steps.iter().enumerate() {
        if let Err(e) = schema.apply(&step.op) {
            let location = Location { section: Section::Down, step: index, part: e.part.clone() };
            out.push(schema_facts::diagnostic(location, &e));
            facts_ok = false;
        }
    }
    if !facts_ok {
        return;
    }
    let differences = diff::diff(before, &schema);
    if let Some(first) = differences.first() {
        let more = match differences.len() {
            1 => String::new(),
            n => format!(" (and {} more difference(s))", n - 1),
        };
        out.push(Diagnostic::new(
            &RULE,
            DOWN_KEYWORD,
            format!("after `down`, the schema differs from the one before this migration: {first}{more}"),
            "make `down` undo every forward step, in reverse order; or remove the block and let schemaflow derive it",
        ));
    }
}
