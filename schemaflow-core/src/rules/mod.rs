//! The safety rules: each hazard a migration can cause, with a stable code,
//! a kebab-case name, a message at the offending part of the step, why it
//! hurts, and a `help` that says the safe way.
//!
//! [`check`] runs every rule over one migration, given the schema the
//! earlier migrations produced. It replays the migration step by step, so
//! each rule sees the schema just before its step and knows whether a table
//! already existed (a hazard) or was created in this same migration (safe).
//! One file per rule; this module owns the catalogue, the context and the
//! order in which they run.

mod add_required_column;
mod advice;
mod alter_column_type;
mod blocking_drop_index;
mod blocking_index;
mod blocking_unique_constraint;
mod constraint_without_not_valid;
mod contract_before_deploy;
mod default_type_mismatch;
mod down_does_not_restore;
mod drop_column;
mod drop_constraint;
mod drop_table;
mod fk_without_index;
mod generated_column;
mod identifier;
mod keys;
mod missing_down;
mod online_change;
mod prefer_bigint_key;
mod raw_sql;
mod raw_sql_transaction_control;
mod rename_column;
mod rename_table;
mod schema_facts;
mod set_not_null;
mod unbatched_backfill;
mod unused_allow;
mod volatile_default;

pub use crate::dialect::postgres::MAX_IDENTIFIER_BYTES;
pub use down_does_not_restore::DOWN_KEYWORD;
pub use fk_without_index::is_covered as fk_covered;

use std::collections::HashSet;

use crate::config::Targets;
use crate::location::{Location, Part, Section};
use crate::model::{ConstraintKind, Down, Migration, Op, Step, Table};
use crate::schema::{Schema, SchemaError};

/// A rule's fixed description: what the catalogue and the docs print.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, e.g. `SF003`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `add-required-column`.
    pub name: &'static str,
    /// What it catches, in one line.
    pub summary: &'static str,
    /// Why it hurts in production.
    pub why: &'static str,
    /// Whether `#[allow(rule, "reason")]` can acknowledge it. Rules that
    /// state a fact (a missing table, a default of the wrong type) cannot.
    pub allowable: bool,
    /// Advice rather than an error: the build shows it as a warning.
    pub advice: bool,
}

impl Rule {
    /// The name as written in `#[allow(…)]`: snake_case.
    pub fn allow_name(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// Rules reported by the DSL parser itself (they need the tokens).
pub mod parse {
    use super::Rule;

    /// SF001: a column type the DSL does not know.
    pub const UNKNOWN_TYPE: Rule = Rule {
        code: "SF001",
        name: "unknown-type",
        summary: "a column type that the DSL does not know",
        why: "schemaflow maps each Rust-named type to one SQL type per database; an unknown name has no mapping",
        allowable: false,
        advice: false,
    };

    /// SF024: a migration file whose name does not follow the scheme.
    pub const INVALID_FILE_NAME: Rule = Rule {
        code: "SF024",
        name: "invalid-file-name",
        summary: "a migration file name that is not `YYYYMMDDHHMM_snake_case.rs`, or a version used twice",
        why: "the version in the file name orders the migrations and identifies them in the bookkeeping table; a bad or duplicate one makes the order ambiguous",
        allowable: false,
        advice: false,
    };
}

/// Every rule, in code order.
pub const CATALOGUE: &[&Rule] = &[
    &parse::UNKNOWN_TYPE,
    &default_type_mismatch::RULE,
    &add_required_column::RULE,
    &missing_down::RULE,
    &schema_facts::NO_SUCH_OBJECT,
    &schema_facts::ALREADY_EXISTS,
    &rename_column::RULE,
    &rename_table::RULE,
    &drop_column::RULE,
    &drop_table::RULE,
    &alter_column_type::RULE,
    &set_not_null::RULE,
    &blocking_index::RULE,
    &blocking_drop_index::RULE,
    &constraint_without_not_valid::RULE,
    &blocking_unique_constraint::RULE,
    &volatile_default::RULE,
    &unbatched_backfill::RULE,
    &identifier::TOO_LONG,
    &identifier::RESERVED,
    &fk_without_index::RULE,
    &prefer_bigint_key::RULE,
    &raw_sql_transaction_control::RULE,
    &parse::INVALID_FILE_NAME,
    &drop_constraint::RULE,
    &unused_allow::RULE,
    &down_does_not_restore::RULE,
    &schema_facts::BROKEN_REFERENCE,
    &advice::DROP_NOT_NULL,
    &advice::PREFER_TIMESTAMPTZ,
    &advice::UNIQUE_ON_EXISTING_DATA,
    &keys::BACKFILL_WITHOUT_KEY,
    &keys::IDENTITY_NOT_KEY,
    &raw_sql::UNREADABLE,
    &raw_sql::UNANALYSED,
    &raw_sql::NOT_PORTABLE,
    &identifier::OWN_NAME,
    &advice::NARROWING_ROLLBACK,
    &online_change::LOSES_INDEX,
    &online_change::SHAPE,
    &contract_before_deploy::RULE,
    &generated_column::STORED,
    &generated_column::VIRTUAL,
];

/// Finds a rule by code (`SF013`), kebab name (`blocking-index`) or the
/// snake_case name used in `#[allow(…)]` (`blocking_index`).
pub fn find(name: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().copied().find(|r| r.code.eq_ignore_ascii_case(name) || r.name == name || r.allow_name() == name)
}

/// One rule violation at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule violated.
    pub rule: &'static Rule,
    /// Where, in the migration.
    pub location: Location,
    /// What is wrong, naming the objects involved.
    pub message: String,
    /// The safe way.
    pub help: String,
}

impl Diagnostic {
    /// A diagnostic for `rule` at `location`.
    pub fn new(
        rule: &'static Rule,
        location: Location,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic { rule, location, message: message.into(), help: help.into() }
    }

    /// Whether the diagnostic is advice (a warning) rather than an error.
    pub fn is_advice(&self) -> bool {
        self.rule.advice
    }

    /// The full text shown to the user: the message with its code, why it
    /// hurts, the safe way, and how to acknowledge it.
    pub fn render(&self) -> String {
        let mut text = format!(
            "[{} {}] {}\n  = why: {}\n  = help: {}",
            self.rule.code, self.rule.name, self.message, self.rule.why, self.help
        );
        if self.rule.allowable {
            text.push_str(&format!(
                "\n  = note: if it is safe here, acknowledge it on this step: #[allow({}, \"reason\")]",
                self.rule.allow_name()
            ));
        }
        text
    }
}

/// What a rule sees for one step.
pub struct StepContext<'a> {
    /// The schema just before the step.
    pub schema: &'a Schema,
    /// The schema before the first step of its section.
    pub start: &'a Schema,
    /// Tables created earlier in this same migration (by their current name).
    pub created: &'a HashSet<String>,
    /// Columns (table, column) added to existing tables earlier in this migration.
    pub added_columns: &'a HashSet<(String, String)>,
    /// The crate's target databases.
    pub targets: &'a Targets,
    /// Forward steps or the written `down` block.
    pub section: Section,
    /// Index of the step in its section.
    pub index: usize,
    /// The step.
    pub step: &'a Step,
    /// The steps before it in its section.
    pub earlier: &'a [Step],
    /// The steps after it in its section.
    pub rest: &'a [Step],
}

impl StepContext<'_> {
    /// The table that takes `dropped`'s place when this migration rebuilds
    /// it by copying, as SQLite changes a table (one write transaction,
    /// so no reader sees the steps in between): `CREATE TABLE new …;
    /// INSERT INTO new … SELECT … FROM t; DROP TABLE t; ALTER TABLE new
    /// RENAME TO t`, or with the old table renamed away first (`ALTER TABLE
    /// t RENAME TO old; CREATE TABLE t …; INSERT INTO t … SELECT … FROM
    /// old; DROP TABLE old`). PostgreSQL changes a table in place, and a
    /// copy holds its lock all along: there this is `None`.
    pub fn rebuilt_as(&self, dropped: &str) -> Option<&Table> {
        if self.targets.postgres {
            return None;
        }
        let copied_into =
            |into: &str| self.created.contains(into) && self.earlier.iter().any(|s| copies_every_row(s, dropped, into));
        // Copied into a new table that a later step renames to the old
        // one's name, or into the old name re-created after an earlier step
        // renamed the old table away to `dropped`.
        let new = self.rest.iter().chain(self.earlier).find_map(|s| match &s.op {
            Op::RenameTable { from, to } if to == dropped && copied_into(from) => Some(from.as_str()),
            _ => None,
        })?;
        self.schema.table(new)
    }

    /// Whether renaming `from` to `to` moves the old table out of the way
    /// of a rebuild by copy (see [`StepContext::rebuilt_as`]): a later step
    /// fills a new `from` from `to`, and another drops `to`.
    pub fn renames_away_for_rebuild(&self, from: &str, to: &str) -> bool {
        !self.targets.postgres
            && self.rest.iter().any(|s| copies_every_row(s, to, from))
            && self.rest.iter().any(|s| matches!(&s.op, Op::DropTable { table, .. } if table == to))
    }

    /// Whether `table` existed before this migration, so that it may hold
    /// rows and be in use by running code.
    pub fn is_existing(&self, table: &str) -> bool {
        self.schema.tables.contains_key(table) && !self.created.contains(table)
    }

    /// Whether the step is part of an online change's contract on
    /// `table.column`: an earlier step of this migration keeps the column
    /// in sync, and a deploy boundary lies between them, so the code that
    /// used the old shape is gone when the step runs.
    pub fn in_online_contract(&self, table: &str, column: &str) -> bool {
        let synced = self.earlier.iter().position(
            |s| matches!(&s.op, crate::model::Op::CreateSync(sync) if sync.table == table && sync.involves(column)),
        );
        synced.is_some_and(|at| {
            self.earlier[at..].iter().any(|s| matches!(s.op, crate::model::Op::DeployBoundary { .. }))
        })
    }

    /// A location in this step.
    pub fn at(&self, part: Part) -> Location {
        Location { section: self.section, step: self.index, part }
    }
}

/// The result of checking one migration.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every violation not acknowledged, in step order.
    pub diagnostics: Vec<Diagnostic>,
    /// The schema after the migration's forward steps (steps that did not
    /// fit the schema are skipped).
    pub schema_after: Schema,
}

/// Which steps a per-step rule runs on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Runs {
    /// Forward steps and the steps of a written `down` block: the rules
    /// about what a statement does to a live table (locks, rewrites, rows
    /// that break a constraint, unbatched updates), and the facts.
    Both,
    /// Forward steps only: the rules about breaking the code that runs
    /// against the schema (renames, drops) and advice. A rollback runs after
    /// the code that needed the new schema is rolled back, and undoing the
    /// forward steps is what `down` is for.
    UpOnly,
}

/// A per-step rule: adds what it finds on the step to the list.
type StepRule = fn(&StepContext, &mut Vec<Diagnostic>);

/// The per-step rules, run in this order for each step.
const STEP_RULES: &[(StepRule, Runs)] = &[
    (default_type_mismatch::check, Runs::Both),
    (add_required_column::check, Runs::Both),
    (rename_column::check, Runs::UpOnly),
    (rename_table::check, Runs::UpOnly),
    (drop_column::check, Runs::UpOnly),
    (drop_table::check, Runs::UpOnly),
    (alter_column_type::check, Runs::Both),
    (set_not_null::check, Runs::Both),
    (blocking_index::check, Runs::Both),
    (blocking_drop_index::check, Runs::Both),
    (constraint_without_not_valid::check, Runs::Both),
    (blocking_unique_constraint::check, Runs::Both),
    (volatile_default::check, Runs::Both),
    (unbatched_backfill::check, Runs::Both),
    (identifier::check, Runs::Both),
    (prefer_bigint_key::check, Runs::UpOnly),
    (raw_sql_transaction_control::check, Runs::Both),
    (raw_sql::check, Runs::Both),
    (drop_constraint::check, Runs::UpOnly),
    (advice::check, Runs::UpOnly),
    (keys::check, Runs::Both),
    (online_change::check, Runs::UpOnly),
    (contract_before_deploy::check, Runs::UpOnly),
    (generated_column::check, Runs::Both),
];

/// Checks `migration` against `before`, the schema the earlier migrations
/// produced. Acknowledged violations are removed; an acknowledgement that
/// matches nothing is itself reported.
pub fn check(before: &Schema, migration: &Migration, targets: &Targets) -> Report {
    let mut found = Vec::new();
    let mut schema = before.clone();
    let mut created = HashSet::new();
    let mut failed = HashSet::new();
    let mut added_columns = HashSet::new();
    // SQLite checks references when rows change, not when tables do: a
    // foreign key may name a table a later step creates, and a table may
    // go before the keys to it. Each must hold by the end of the migration.
    // Keys written before their table, as (step, table, constraint):
    let mut forward_keys = Vec::new();
    // Keys to a missing table, by the step that left them so:
    let mut dangling_since = std::collections::BTreeMap::new();
    for (index, step) in migration.steps.iter().enumerate() {
        let cx = StepContext {
            schema: &schema,
            start: before,
            created: &created,
            added_columns: &added_columns,
            targets,
            section: Section::Up,
            index,
            step,
            earlier: &migration.steps[..index],
            rest: &migration.steps[index + 1..],
        };
        let mut step_found = Vec::new();
        run_step_rules(&cx, true, &mut step_found);
        let no_op = schema.leaves_unchanged(&step.op);
        // The table a foreign key of the step names before it exists.
        let forward = if no_op { None } else { schema.forward_reference(&step.op).map(|(table, _)| table) };
        let applied = if targets.postgres {
            let rest = &migration.steps[index + 1..];
            schema.apply_for(&step.op, true).map_err(|e| match &forward {
                Some(missing) => later_created(e, missing, rest),
                None => e,
            })
        } else {
            if forward.is_some() {
                forward_keys.extend(foreign_keys(&step.op).map(|(t, c)| (index, t, c)));
            }
            let dangling_before = schema.dangling_references();
            let applied = schema.apply(&step.op);
            for key in schema.dangling_references().difference(&dangling_before) {
                dangling_since.entry(key.clone()).or_insert(index);
            }
            applied
        };
        match applied {
            Ok(()) => {
                if !no_op {
                    track_created(&mut created, &step.op);
                }
                if let Op::AddColumn { table, column } = &step.op {
                    added_columns.insert((table.clone(), column.name.clone()));
                }
                found.append(&mut step_found);
            }
            // A step that does not fit the schema is reported for that alone:
            // hazards of a statement that cannot run would only distract.
            Err(e) => {
                failed.insert((Section::Up, index));
                found.push(schema_facts::diagnostic(Location::up(index, e.part.clone()), &e));
                // A table whose constraints are wrong still exists for the
                // steps after it: check them against its columns rather
                // than report each of them as "no such table".
                if let Op::CreateTable(t) = &step.op {
                    let bare = Table { constraints: Vec::new(), ..t.clone() };
                    if schema.apply(&Op::CreateTable(bare)).is_ok() {
                        created.insert(t.name.clone());
                    }
                }
            }
        }
    }
    let dangling = schema.dangling_references();
    for ((table, constraint, ref_table), index) in dangling_since {
        if !dangling.contains(&(table.clone(), constraint.clone(), ref_table.clone())) {
            continue;
        }
        let e = match &migration.steps[index].op {
            Op::DropTable { .. } => SchemaError::dangling(&ref_table, &constraint, &table),
            _ => schema.missing_at_end(&ref_table),
        };
        failed.insert((Section::Up, index));
        found.push(schema_facts::diagnostic(Location::up(index, e.part.clone()), &e));
    }
    for (index, table, constraint) in forward_keys {
        if dangling.iter().any(|(t, c, _)| *t == table && *c == constraint) {
            continue; // reported above
        }
        if let Some(e) = schema.foreign_key_problem(&table, &constraint) {
            failed.insert((Section::Up, index));
            found.push(schema_facts::diagnostic(Location::up(index, e.part.clone()), &e));
        }
    }
    fk_without_index::check(before, &schema, migration, &mut found);
    missing_down::check(before, migration, &mut found);
    advice::narrowing_rollback(before, &schema, migration, &mut found);
    // A table that takes the name of one there before the migration (a
    // rebuild by copy, a drop and re-create) is not new to a rollback: its
    // down does not drop it, and it holds the rows.
    let created_new: HashSet<String> = created.into_iter().filter(|t| !before.tables.contains_key(t)).collect();
    check_down(&schema, &created_new, migration, targets, &mut found, &mut failed);
    down_does_not_restore::check(before, &schema, migration, targets, &mut found);

    let mut diagnostics = unused_allow::apply_allows(migration, found, &failed);
    diagnostics.sort_by_key(|d| (d.location.section, d.location.step));
    Report { diagnostics, schema_after: schema }
}

/// Whether `step` copies every row of table `from` into table `into`
/// (raw `INSERT INTO into … SELECT … FROM from`, unfiltered).
fn copies_every_row(step: &Step, from: &str, into: &str) -> bool {
    matches!(&step.op, Op::Sql(r) if r.table.as_deref() == Some(into) && r.copied_from.as_deref() == Some(from))
}

/// The foreign keys `op` declares, as `(table, constraint)`.
fn foreign_keys(op: &Op) -> impl Iterator<Item = (String, String)> + '_ {
    let (table, constraints) = op.declared_constraints().unwrap_or_default();
    constraints
        .iter()
        .filter(|c| matches!(c.kind, ConstraintKind::ForeignKey { .. }))
        .map(move |c| (table.to_owned(), c.name.clone()))
}

/// A foreign key to a missing table, with the way out when a later step
/// of the migration creates that table.
fn later_created(e: SchemaError, missing: &str, rest: &[Step]) -> SchemaError {
    if !rest.iter().any(|s| matches!(&s.op, Op::CreateTable(t) if t.name == missing)) {
        return e;
    }
    SchemaError {
        message: format!("{}: a later step creates it, and PostgreSQL checks it when the key is created", e.message),
        help: Some(format!("create `{missing}` before the tables whose foreign keys reference it")),
        ..e
    }
}

/// Runs the per-step rules of [`Runs::Both`] over a written `down` block, replayed from the
/// schema after the forward steps: every table there may hold rows by the
/// time of a rollback, so only the tables the block itself creates count
/// as new. A step that does not fit the schema is left to SF027, which
/// reports it.
fn check_down(
    after: &Schema,
    created_here: &HashSet<String>,
    migration: &Migration,
    targets: &Targets,
    found: &mut Vec<Diagnostic>,
    failed: &mut HashSet<(Section, usize)>,
) {
    // The written `down "…"` of each raw SQL literal, pointing at that text.
    for (owner, step) in migration.steps.iter().enumerate() {
        let Some(crate::model::RawSql { undo: crate::model::Undo::Written(down), .. }) = &step.raw else { continue };
        let mut schema = after.clone();
        // Tables this migration created are still new when its raw SQL is undone.
        let (created, added_columns) = (created_here.clone(), HashSet::new());
        for (index, step) in down.iter().enumerate() {
            let cx = StepContext {
                schema: &schema,
                start: after,
                created: &created,
                added_columns: &added_columns,
                targets,
                section: Section::Up,
                index: owner,
                step,
                earlier: &down[..index],
                rest: &down[index + 1..],
            };
            let mut step_found = Vec::new();
            run_step_rules(&cx, false, &mut step_found);
            for mut d in step_found {
                d.location.part = Part::Modifier("down");
                d.message = format!("in `down`: {}", d.message);
                found.push(d);
            }
            let _ = schema.apply(&step.op);
        }
    }
    let Down::Explicit(steps) = &migration.down else { return };
    let mut schema = after.clone();
    let mut created = HashSet::new();
    let mut added_columns = HashSet::new();
    for (index, step) in steps.iter().enumerate() {
        let cx = StepContext {
            schema: &schema,
            start: after,
            created: &created,
            added_columns: &added_columns,
            targets,
            section: Section::Down,
            index,
            step,
            earlier: &steps[..index],
            rest: &steps[index + 1..],
        };
        let mut step_found = Vec::new();
        run_step_rules(&cx, false, &mut step_found);
        let no_op = schema.leaves_unchanged(&step.op);
        if schema.apply_for(&step.op, targets.postgres).is_err() {
            failed.insert((Section::Down, index));
            continue;
        }
        if !no_op {
            track_created(&mut created, &step.op);
        }
        if let Op::AddColumn { table, column } = &step.op {
            added_columns.insert((table.clone(), column.name.clone()));
        }
        found.append(&mut step_found);
    }
}

/// Runs the step rules on one step: all of them on a forward step, those
/// that also judge a way back otherwise. A step that its `IF [NOT] EXISTS`
/// makes a no-op is only checked for whether the target databases can
/// read it.
fn run_step_rules(cx: &StepContext, forward: bool, out: &mut Vec<Diagnostic>) {
    if cx.schema.leaves_unchanged(&cx.step.op) {
        raw_sql::check(cx, out);
        return;
    }
    for (rule, runs) in STEP_RULES {
        if forward || *runs == Runs::Both {
            rule(cx, out);
        }
    }
}

/// Keeps `created` (the tables created so far, by their current names)
/// up to date with `op`.
pub(crate) fn track_created(created: &mut HashSet<String>, op: &Op) {
    match op {
        Op::CreateTable(t) => {
            created.insert(t.name.clone());
        }
        Op::RenameTable { from, to } if created.remove(from) => {
            created.insert(to.clone());
        }
        Op::DropTable { table, .. } => {
            created.remove(table);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
