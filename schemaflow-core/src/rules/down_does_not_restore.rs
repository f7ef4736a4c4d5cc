//! SF027 down-does-not-restore: a written `down { … }` that does not bring
//! the schema back to where the migration started, or a raw `sql "…" down
//! "…"` whose down does not undo its statements.

use super::{Diagnostic, Rule, schema_facts};
use crate::config::Targets;
use crate::diff;
use crate::location::{Location, Part, Section};
use crate::model::{Down, Migration, Undo};
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

/// Each raw literal with a written `down "…"`: its statements, then that
/// down, must leave the schema as it was before the literal.
fn check_raw_downs(before: &Schema, migration: &Migration, targets: &Targets, out: &mut Vec<Diagnostic>) {
    let mut schema = before.clone();
    // The schema before the literal being read.
    let mut literal_start: Option<Schema> = None;
    for (index, step) in migration.steps.iter().enumerate() {
        let undo = step.raw.as_ref().map(|r| &r.undo);
        if matches!(undo, Some(Undo::WithLiteral | Undo::Written(_))) && literal_start.is_none() {
            literal_start = Some(schema.clone());
        }
        if schema.apply(&step.op).is_err() {
            return; // reported by the forward checks
        }
        let Some(Undo::Written(down)) = undo else { continue };
        let Some(start) = literal_start.take() else { continue };
        let mut undone = schema.clone();
        // A statement of the down that the schema refuses (a table dropped
        // while another's foreign key still references it) fails on the
        // database as well: the rollback would stop there.
        if let Some(e) = down.iter().find_map(|d| undone.apply_for(&d.op, targets.postgres).err()) {
            let mut d = schema_facts::diagnostic(Location::up(index, Part::Modifier("down")), &e);
            d.message = format!("in `down`: {}", d.message);
            if e.help.is_none() {
                d.help =
                    "undo the statements in reverse order: what references a table goes before the table".to_owned();
            }
            out.push(d);
            continue;
        }
        let words = diff::Words { expected: "before its SQL", actual: "after this `down`", dialect: None };
        if let Some(first) = diff::diff(&start, &undone, &words).first() {
            out.push(Diagnostic::new(
                &RULE,
                Location::up(index, Part::Modifier("down")),
                format!("this `down` does not restore the schema: {first}"),
                "make the `down` SQL undo every statement, in reverse order; or remove it and let schemaflow derive it",
            ));
        }
    }
}

pub(super) fn check(
    before: &Schema,
    after: &Schema,
    migration: &Migration,
    targets: &Targets,
    out: &mut Vec<Diagnostic>,
) {
    if matches!(migration.down, Down::Derived) {
        check_raw_downs(before, migration, targets, out);
    }
    let Down::Explicit(steps) = &migration.down else { return };
    let mut schema = after.clone();
    let mut facts_ok = true;
    for (index, step) in steps.iter().enumerate() {
        if let Err(e) = schema.apply_for(&step.op, targets.postgres) {
            let location = Location { section: Section::Down, step: index, part: e.part.clone() };
            out.push(schema_facts::diagnostic(location, &e));
            facts_ok = false;
        }
    }
    if !facts_ok {
        return;
    }
    let words = diff::Words { expected: "before this migration", actual: "after `down`", dialect: None };
    let differences = diff::diff(before, &schema, &words);
    if let Some(first) = differences.first() {
        let more = match differences.len() {
            1 => String::new(),
            n => format!(" (and {} more difference(s))", n - 1),
        };
        out.push(Diagnostic::new(
            &RULE,
            DOWN_KEYWORD,
            format!("`down` does not restore the schema: {first}{more}"),
            "make `down` undo every forward step, in reverse order; or remove the block and let schemaflow derive it",
        ));
    }
}
