//! The migration plan: what each migration will do, written for the people
//! who deploy it, generated from the migrations themselves.
//!
//! For each migration: the objects it touches, its kind (additive,
//! modification, data transformation), whether the code running before it
//! keeps working, its data steps, the locks its statements take on
//! PostgreSQL (and so whether it needs a quiet period), its way back, and
//! the rules it acknowledges with their reasons. A checklist closes it,
//! ticked where the tool knows the answer.

use serde::Serialize;

use crate::dialect::{self, Dialect, Options};
use crate::model::{ConstraintKind, Down, Migration, Op, RawClass};
use crate::schema::Schema;

/// The plan of a range of migrations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanDocument {
    /// The database the lock analysis is for.
    pub database: String,
    /// One entry per migration, in version order.
    pub migrations: Vec<MigrationPlan>,
    /// The pre-deployment checklist.
    pub checklist: Vec<ChecklistItem>,
    /// PostgreSQL: how long each statement waits for its lock, unless a
    /// migration sets its own (its Locks then say so).
    pub lock_timeout_ms: Option<u64>,
}

/// What one migration does.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MigrationPlan {
    /// `YYYYMMDDHHMM_name`.
    pub id: String,
    /// `additive`, `modification` or `data transformation`.
    pub kind: &'static str,
    /// The objects it touches, one sentence each.
    pub changes: Vec<String>,
    /// Whether the code deployed before it keeps working against the new schema.
    pub backward_compatible: bool,
    /// Why (or why not).
    pub compatibility: String,
    /// For a migration with a deploy boundary, its phases in order, with
    /// what the code deployed before it and the code deployed for it may
    /// do in each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<DeployPhase>,
    /// Its data steps, one sentence each.
    pub data: Vec<String>,
    /// Whether a statement takes a strong lock for longer than an instant.
    pub needs_quiet_period: bool,
    /// The locks, or the zero-downtime forms it uses.
    pub locking: Vec<String>,
    /// Each statement's lock: mode, tables, what it does to the rows while
    /// holding it, the rows there now, and how long that is likely to take.
    pub statements: Vec<StatementLock>,
    /// The SQL it runs, with its transactions and locks, as the dry run
    /// prints it for the plan's database (empty when no plan can be made).
    pub sql: String,
    /// The same for each other database the crate targets, by name.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub sql_elsewhere: std::collections::BTreeMap<String, String>,
    /// The way back: SQL, or why there is none.
    pub rollback: Rollback,
    /// Acknowledged rules, with the authors' reasons.
    pub acknowledged: Vec<String>,
}

/// One phase of a migration shipped across deploys, and what each app
/// version may read and write while it runs and after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeployPhase {
    /// The phase and the command that runs it.
    pub phase: String,
    /// What the code deployed before the migration (the old shape) may do.
    pub old_code: String,
    /// What the code deployed for it (the new shape) may do.
    pub new_code: String,
}

/// The two shapes an online change keeps side by side, as names and as
/// what carries each version's writes to the other.
struct Shapes {
    old: Vec<String>,
    new: Vec<String>,
    old_writes: Vec<String>,
    new_writes: Vec<String>,
}

/// The phases of a migration with a deploy boundary (none without one).
pub(crate) fn deploy_phases(m: &Migration) -> Vec<DeployPhase> {
    let Some(boundary) = m.steps.iter().position(|s| matches!(s.op, Op::DeployBoundary { .. })) else {
        return Vec::new();
    };
    let mut shapes = Shapes { old: Vec::new(), new: Vec::new(), old_writes: Vec::new(), new_writes: Vec::new() };
    let quoted = |t: &str, cs: &[crate::model::SyncedColumn]| {
        cs.iter().map(|c| format!("`{t}.{}`", c.column)).collect::<Vec<_>>().join(", ")
    };
    for step in &m.steps[..boundary] {
        match &step.op {
            Op::CreateSync(sync) => {
                let (old, new) = (quoted(&sync.table, &sync.retired), quoted(&sync.table, &sync.added));
                match &sync.functions {
                    Some(f) => {
                        let later = "not at once: each write is logged, and the catch-up (each `run` while the migration waits, and `complete`) computes";
                        shapes.old_writes.push(format!("{later} {new} from it with `{}`", f.forward.function));
                        shapes.new_writes.push(format!("{later} {old} from it with `{}`", f.back.function));
                    }
                    None => {
                        shapes.old_writes.push(format!("the sync computes {new} from each of its writes"));
                        shapes.new_writes.push(format!("the sync computes {old} from each of its writes"));
                    }
                }
                shapes.old.push(old);
                shapes.new.push(new);
            }
            Op::CreateCompatView { view, table } => {
                shapes.old_writes.push(format!("its reads and writes of `{view}` go through the view to `{table}`"));
                shapes.new_writes.push(format!("the old code sees its writes through the view `{view}`"));
                shapes.old.push(format!("`{view}`"));
                shapes.new.push(format!("`{table}`"));
            }
            _ => {}
        }
    }
    if shapes.old.is_empty() {
        return Vec::new();
    }
    let (old, new) = (shapes.old.join(", "), shapes.new.join(", "));
    let (old_writes, new_writes) = (shapes.old_writes.join("; "), shapes.new_writes.join("; "));
    vec![
        DeployPhase {
            phase: "1. expand: `cargo schemaflow run`, which stops at the deploy boundary".to_owned(),
            old_code: format!("runs, reading and writing {old} as before; {old_writes}"),
            new_code: "not deployed yet: deploy it once `cargo schemaflow status` shows the migration expanded"
                .to_owned(),
        },
        DeployPhase {
            phase: "2. deploy the new code, instance by instance".to_owned(),
            old_code: format!("keeps working on the instances not yet replaced; {old_writes}"),
            new_code: format!("reads and writes {new}; {new_writes}"),
        },
        DeployPhase {
            phase: "3. contract: `cargo schemaflow complete`, once no instance runs the old code".to_owned(),
            old_code: format!("must be gone: the contract drops {old}"),
            new_code: format!("keeps reading and writing {new}; the contract's locks are brief"),
        },
        DeployPhase {
            phase: "the way back, before the contract: `cargo schemaflow rollback`".to_owned(),
            old_code: format!("keeps working: the rollback leaves the data of {old} as it is"),
            new_code: format!("must be rolled back first: the rollback drops {new}"),
        },
    ]
}

/// What one statement locks, and for how long it is likely to hold it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatementLock {
    /// Its first line.
    pub statement: String,
    /// The lock mode (`ACCESS EXCLUSIVE`, `SHARE`, …; on SQLite the
    /// database's write lock); `None` when it takes no notable lock.
    pub mode: Option<String>,
    /// The tables it locks.
    pub tables: Vec<String>,
    /// What waits while it holds the lock: `reads and writes`, `writes`,
    /// `other schema changes`, `nothing`, or `not analysed`.
    pub blocks: &'static str,
    /// What it does while holding it: `brief`, `scans the table`,
    /// `rewrites the table`, `builds an index`, ….
    pub work: String,
    /// Rows in the largest of its tables now (an estimate on PostgreSQL),
    /// when the database was at hand and the table exists.
    pub rows: Option<u64>,
    /// `instant`, `seconds`, `minutes`, `hours`, or `unknown` (no row count).
    pub duration: &'static str,
}

/// A migration's way back.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rollback {
    /// Derived or written; the SQL it runs.
    Sql {
        /// Whether it was derived from the steps rather than written in a `down` block.
        derived: bool,
        /// The rollback's SQL, rendered for the plan's database.
        sql: String,
        /// Its locks summed up, and what it cannot undo safely (a narrowing
        /// type change fails on values stored since the migration).
        assessment: Vec<String>,
    },
    /// It cannot be undone.
    Irreversible {
        /// Why no rollback SQL could be produced.
        reason: String,
    },
}

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChecklistItem {
    /// What to check.
    pub item: String,
    /// `Some(true)` when the tool knows it holds, `None` when a person must say.
    pub done: Option<bool>,
    /// How the tool knows, or what the person should do.
    pub note: String,
}

/// Builds the plan of `migrations[from..=to]` (by version; all when `None`).
/// `rows` gives the current row count of a table when a database is at hand.
/// `elsewhere` names the other databases the crate targets, whose SQL each
/// migration also shows.
pub fn document(
    migrations: &[Migration],
    from: Option<u64>,
    to: Option<u64>,
    dialect: Dialect,
    elsewhere: &[Dialect],
    options: &Options,
    rows: &mut dyn FnMut(&str) -> Option<u64>,
) -> PlanDocument {
    let mut sorted = migrations.to_vec();
    sorted.sort_by_key(|m| m.version);
    let mut schema = Schema::new();
    let mut plans = Vec::new();
    for m in &sorted {
        let selected = from.is_none_or(|f| m.version >= f) && to.is_none_or(|t| m.version <= t);
        if selected {
            plans.push(plan_migration(m, &schema, dialect, elsewhere, options, rows));
        }
        for step in &m.steps {
            let _ = schema.apply(&step.op);
        }
    }
    let mut checklist = checklist(&plans, dialect);
    // Across files: a constraint added `not_valid validate_later` that no
    // later migration validates still lets old rows break it.
    let unvalidated: Vec<String> = schema
        .tables
        .values()
        .flat_map(|t| {
            t.constraints.iter().filter(|k| k.not_valid).map(move |k| format!("`{}` on `{}`", k.name, t.name))
        })
        .collect();
    checklist.insert(
        3,
        ChecklistItem {
            item: "constraints added NOT VALID are validated".into(),
            done: Some(unvalidated.is_empty()),
            note: if unvalidated.is_empty() {
                "none is left NOT VALID after these migrations".into()
            } else {
                format!(
                    "left NOT VALID: {}; rows written before them are not checked until a later migration says `validate_constraint`",
                    unvalidated.join(", ")
                )
            },
        },
    );
    let lock_timeout_ms = (dialect == Dialect::Postgres).then_some(options.lock_timeout_ms);
    PlanDocument { database: dialect.name().to_owned(), migrations: plans, checklist, lock_timeout_ms }
}

fn plan_migration(
    m: &Migration,
    before: &Schema,
    dialect: Dialect,
    elsewhere: &[Dialect],
    options: &Options,
    rows: &mut dyn FnMut(&str) -> Option<u64>,
) -> MigrationPlan {
    let mut changes = Vec::new();
    let mut breaking = Vec::new();
    let mut data = Vec::new();
    // Raw statements whose effect is not analysed: nothing is claimed for them.
    let mut unanalysed: Vec<String> = Vec::new();
    let mut modification = false;
    let mut transformation = false;
    let mut schema = before.clone();
    // Whether every step fits (then `schema` ends as the one it leads to).
    let mut fits = true;
    // Past a deploy boundary, what breaks old code breaks only code the
    // boundary has waited to see gone.
    let mut after_deploy = false;
    let mut contracted: Vec<String> = Vec::new();
    for (at, step) in m.steps.iter().enumerate() {
        let breaking_before = breaking.len();
        let existing = |t: &str| before.tables.contains_key(t);
        if schema.leaves_unchanged(&step.op) {
            let what = match &step.op {
                Op::CreateTable(t) => format!("table `{}` exists", t.name),
                Op::CreateIndex(i) => format!("index `{}` exists", i.name),
                Op::DropTable { table, .. } => format!("table `{table}` does not exist"),
                Op::DropIndex { name, .. } => format!("index `{name}` does not exist"),
                other => format!("`{}` changes nothing", other.keyword()),
            };
            changes.push(format!("nothing: {what}, and the statement says IF [NOT] EXISTS"));
            continue;
        }
        match &step.op {
            Op::CreateEnum { name, values } => {
                changes.push(format!("creates enum `{name}` ({})", values.join(", ")))
            }
            Op::AddEnumValue { name, value, position } => changes.push(format!(
                "adds `{value}` to enum `{name}`{}; the way back leaves it (PostgreSQL cannot remove an enum value)",
                match position {
                    Some((true, w)) => format!(" before `{w}`"),
                    Some((false, w)) => format!(" after `{w}`"),
                    None => String::new(),
                }
            )),
            Op::DropEnum { name, .. } => changes.push(format!("drops enum `{name}`")),
            Op::CreateTable(t) => changes.push(format!("creates table `{}` ({} columns)", t.name, t.columns.len())),
            Op::DropTable { table, .. } if !existing(table) => {
                changes.push(format!("drops table `{table}` if it exists"))
            }
            Op::DropTable { table, cascade: true, .. } => {
                modification = true;
                let with = schema.cascade_of(table, None);
                let with =
                    if with.is_empty() { String::new() } else { format!("; CASCADE drops with it {}", with.join(", ")) };
                changes.push(format!("drops table `{table}` and its rows{with}"));
                breaking.push(format!("code that still queries `{table}` fails"));
            }
            Op::DropTable { table, .. } => {
                modification = true;
                changes.push(format!("drops table `{table}` and its rows"));
                breaking.push(format!("code that still queries `{table}` fails"));
            }
            Op::RenameTable { from, to } => {
                modification = true;
                changes.push(format!("renames table `{from}` to `{to}`"));
                // Online: the next step keeps the old name as a view.
                let online = m.steps.get(at + 1).is_some_and(|next| next.keeps_old_name_of(from));
                if existing(from) && !online {
                    breaking.push(format!("code that still queries `{from}` fails"));
                }
            }
            Op::AddColumn { table, column } => {
                let how = match (&column.default, column.nullable) {
                    (Some(d), _) => format!("with default `{d}`"),
                    (None, true) => "nullable".to_owned(),
                    (None, false) => "NOT NULL without a default".to_owned(),
                };
                changes.push(format!("adds column `{table}.{}` ({}, {how})", column.name, column.ty));
                if existing(table) && !column.nullable && column.default.is_none() {
                    breaking.push(format!("INSERTs that omit `{table}.{}` fail", column.name));
                }
            }
            Op::DropColumn { table, column, cascade, .. } => {
                modification = true;
                // What the database drops with it, as PostgreSQL and the
                // replay both do: the indexes and constraints that use it,
                // and with CASCADE the foreign keys and views that need it.
                let (indexes, constraints) = schema.dropped_with_column(table, column);
                let mut with: Vec<String> = indexes
                    .iter()
                    .map(|i| format!("index `{}`", i.name))
                    .chain(constraints.iter().map(|k| format!("{} `{}`", k.kind.describe(), k.name)))
                    .collect();
                if *cascade {
                    with.extend(schema.cascade_of(table, Some(column)).into_iter().map(|w| format!("{w} (CASCADE)")));
                }
                let with = if with.is_empty() { String::new() } else { format!("; with it go {}", with.join(", ")) };
                changes.push(format!("drops column `{table}.{column}` and its data{with}"));
                if existing(table) {
                    breaking.push(format!("code that reads or writes `{table}.{column}` fails"));
                }
            }
            Op::RenameColumn { table, from, to } => {
                modification = true;
                changes.push(format!("renames column `{table}.{from}` to `{to}`"));
                if existing(table) {
                    breaking.push(format!("code that uses `{table}.{from}` fails"));
                }
            }
            Op::AlterColumnType { table, column, ty, .. } => {
                modification = true;
                let old = schema.table(table).and_then(|t| t.column(column)).map(|c| &c.ty);
                let widening = old.is_some_and(|old| crate::type_change::is_widening(old, ty));
                let note = if widening { " (a widening: old values and old code still fit)" } else { "" };
                changes.push(format!("changes the type of `{table}.{column}` to `{ty}`{note}"));
                if existing(table) && !widening {
                    breaking.push(format!("code that expects the old type of `{table}.{column}` may fail"));
                }
            }
            Op::SetNotNull { table, column } => {
                modification = true;
                changes.push(format!("makes `{table}.{column}` NOT NULL"));
                if existing(table) {
                    breaking.push(format!("INSERTs that leave `{table}.{column}` NULL fail"));
                }
            }
            Op::DropNotNull { table, column } => changes.push(format!("makes `{table}.{column}` nullable")),
            Op::SetDefault { table, column, default } => {
                changes.push(format!("sets the default of `{table}.{column}` to `{default}`"));
            }
            Op::DropDefault { table, column } => changes.push(format!("drops the default of `{table}.{column}`")),
            Op::CreateIndex(i) => changes.push(format!(
                "creates {}index `{}` on `{}`{}",
                if i.unique { "unique " } else { "" },
                i.name,
                match &i.key {
                    // An expression, ordered or method key, as written.
                    Some(key) => format!("{} {key}", i.table),
                    None => format!("{}({})", i.table, i.columns.join(", ")),
                },
                if i.predicate.is_some() { " (partial)" } else { "" }
            )),
            Op::DropIndex { name, .. } => changes.push(format!("drops index `{name}`")),
            Op::AddConstraint { table, constraint, .. } => {
                changes.push(format!("adds {} `{}` on `{table}`", constraint.kind.describe(), constraint.name));
                if existing(table) && !matches!(constraint.kind, ConstraintKind::ForeignKey { .. }) {
                    breaking.push(format!(
                        "writes that break {} `{}` fail from now on",
                        constraint.kind.describe(),
                        constraint.name
                    ));
                }
            }
            Op::DropConstraint { table, name } => {
                modification = true;
                changes.push(format!("drops constraint `{name}` on `{table}`"));
            }
            Op::Backfill(b) if b.copy_into.is_some() => {
                transformation = true;
                let pause = if b.pause_ms > 0 { format!(", {} ms between batches", b.pause_ms) } else { String::new() };
                let columns: Vec<&str> = b.written_columns();
                data.push(format!(
                    "copy_rows `{}` into `{}` ({}) where {}: in batches of {} source rows, one transaction each{pause}; resumable",
                    b.table,
                    b.written_table(),
                    columns.join(", "),
                    b.predicate.as_deref().unwrap_or("true"),
                    b.batch_size
                ));
            }
            Op::Backfill(b) if b.delete => {
                transformation = true;
                let pause = if b.pause_ms > 0 { format!(", {} ms between batches", b.pause_ms) } else { String::new() };
                data.push(format!(
                    "delete_rows `{}` where {}: in batches of {} rows, one transaction each{pause}; resumable; the rows are gone for good",
                    b.table,
                    b.predicate.as_deref().unwrap_or("true"),
                    b.batch_size
                ));
            }
            Op::Backfill(b) => {
                transformation |= b.transform.is_some()
                    || !b.written_columns().iter().all(|c| {
                        schema.table(&b.table).and_then(|t| t.column(c)).is_some()
                            && before.table(&b.table).is_none_or(|t| t.column(c).is_none())
                    });
                let what = match &b.transform {
                    Some(t) => format!("`{}({})` writes {}", t.function, t.inputs.join(", "), t.outputs.join(", ")),
                    None => format!("sets {}", b.written_columns().join(", ")),
                };
                let estimate = match rows(&b.table) {
                    Some(n) => format!(", {n} rows now: about {} batches", n.div_ceil(u64::from(b.batch_size)).max(1)),
                    None => String::new(),
                };
                let pause = if b.pause_ms > 0 { format!(", {} ms between batches", b.pause_ms) } else { String::new() };
                data.push(format!(
                    "backfill `{}`: {what}, in batches of {} rows, one transaction each{pause}{estimate}; resumable",
                    b.table, b.batch_size
                ));
            }
            Op::ValidateConstraint { table, name } => {
                changes.push(format!("validates constraint `{name}` on `{table}` against the rows already there"));
            }
            Op::AttachIndex { table, name, index, primary_key } => changes.push(format!(
                "makes unique index `{index}` the {} `{name}` of `{table}` (nothing is built)",
                if *primary_key { "primary key" } else { "unique constraint" }
            )),
            Op::Sql(s) => {
                let on = s.table.as_deref().map(|t| format!(" on `{t}`")).unwrap_or_default();
                changes.push(format!("runs `{}`{on}", s.kind));
                match &s.class {
                    RawClass::Data => {
                        transformation = true;
                        if s.table.as_deref().is_some_and(existing) {
                            data.push(format!(
                                "`{}` changes the rows of `{}` in one statement",
                                s.kind,
                                s.table.as_deref().unwrap_or_default()
                            ));
                        }
                    }
                    RawClass::Unanalysed | RawClass::Unreadable(_) => {
                        unanalysed.push(format!("`{}`{on}", s.kind));
                    }
                    _ => {}
                }
            }
            Op::CreateSync(sync) => {
                let names = |cs: &[crate::model::SyncedColumn]| {
                    cs.iter().map(|c| format!("`{}`", c.column)).collect::<Vec<_>>().join(", ")
                };
                match &sync.functions {
                    Some(f) => changes.push(format!(
                        "logs each write to {} or {} of `{}` in `{}` (a trigger), for a catch-up with `{}` / `{}` while old and new code run side by side",
                        names(&sync.retired),
                        names(&sync.added),
                        sync.table,
                        sync.log_table(),
                        f.forward.function,
                        f.back.function
                    )),
                    None => changes.push(format!(
                        "keeps {} and {} of `{}` in step with a trigger (dual-write) while old and new code run side by side",
                        names(&sync.retired),
                        names(&sync.added),
                        sync.table
                    )),
                }
            }
            Op::DropSync { table, name } => changes.push(format!("drops the dual-write sync `{name}` on `{table}`")),
            Op::CatchUp(c) => {
                transformation = true;
                let what = match c.fill_from {
                    Some(_) => "fills the empty side of every row",
                    None => "catches up the rows written since the expand",
                };
                data.push(format!(
                    "catch-up of `{}`: {what} with the change's Rust functions, in batches of {} rows, one transaction each; resumable",
                    c.table, c.batch_size
                ));
            }
            Op::CreateCompatView { view, table } => changes.push(format!(
                "keeps the old name `{view}` as a view over `{table}` that the code still running reads and writes through"
            )),
            Op::DropCompatView { view, table } => {
                changes.push(format!("drops the view `{view}` that kept the old name of `{table}`"));
                breaking.push(format!("code that still queries `{view}` fails"));
            }
            Op::DeployBoundary { note } => {
                after_deploy = true;
                changes.push(format!(
                    "deploy boundary: `run` stops here; {note}; then `cargo schemaflow complete` runs the rest"
                ));
            }
        }
        if after_deploy {
            contracted.extend(breaking.drain(breaking_before..));
        }
        fits &= schema.apply(&step.op).is_ok();
    }
    let kind = if transformation {
        "data transformation"
    } else if modification {
        "modification"
    } else {
        "additive"
    };
    let acknowledged: Vec<String> = m
        .steps
        .iter()
        .flat_map(|s| s.allows.iter().map(move |a| (s, a)))
        .map(|(s, a)| format!("{} on `{}`: {}", a.rule, s.op.keyword(), a.reason))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let compatibility = if !unanalysed.is_empty() {
        format!(
            "unknown: {} not analysed{}",
            unanalysed.join(", "),
            if acknowledged.is_empty() { "" } else { " (acknowledged below)" }
        )
    } else if breaking.is_empty() && !contracted.is_empty() {
        format!(
            "yes, phase by phase: up to its deploy boundary it only adds, and old and new code both work; after it, {} — which is why the rest waits for `cargo schemaflow complete`, once no running code uses the old shape",
            contracted.join("; ")
        )
    } else if breaking.is_empty() {
        "yes: it only adds what old code does not use (tables, nullable or defaulted columns, indexes), or changes what old code does not see".to_owned()
    } else {
        let mut text = format!("no: {}", breaking.join("; "));
        if !acknowledged.is_empty() {
            text.push_str(" (acknowledged below)");
        }
        text
    };
    let after = &schema;
    let plan = dialect::plan_up(dialect, before, m, options).ok();
    let (needs_quiet_period, locking) = locking(m, plan.as_ref(), dialect, options);
    let (sql, statements) = match &plan {
        Some(plan) if fits => (dialect::render(dialect, after, plan), statement_locks(plan, dialect, before, rows)),
        _ => (String::new(), Vec::new()),
    };
    let sql_elsewhere = elsewhere
        .iter()
        .filter(|d| **d != dialect && fits)
        .filter_map(|d| {
            let plan = dialect::plan_up(*d, before, m, options).ok()?;
            Some((d.name().to_owned(), dialect::render(*d, after, &plan)))
        })
        .collect();
    MigrationPlan {
        id: m.id(),
        kind,
        changes,
        backward_compatible: breaking.is_empty() && unanalysed.is_empty(),
        compatibility,
        phases: deploy_phases(m),
        data,
        needs_quiet_period,
        locking,
        statements,
        sql,
        sql_elsewhere,
        rollback: rollback_plan(m, before, dialect, options),
        acknowledged,
    }
}

/// Each statement of `plan` with its lock, and how long it is likely to
/// hold it given the rows its tables hold now.
fn statement_locks(
    plan: &dialect::Plan,
    dialect: Dialect,
    before: &Schema,
    rows: &mut dyn FnMut(&str) -> Option<u64>,
) -> Vec<StatementLock> {
    let mut out = Vec::new();
    for s in plan.statements() {
        let first_line = s.sql.lines().next().unwrap_or_default().trim().to_owned();
        if first_line.is_empty() {
            continue;
        }
        let (mode, tables, blocks, work) = match dialect {
            Dialect::Postgres => postgres_lock(s),
            Dialect::Sqlite => sqlite_lock(s, before),
        };
        let counts: Vec<u64> =
            tables.iter().filter(|t| before.tables.contains_key(*t)).filter_map(|t| rows(t)).collect();
        let largest = counts.iter().copied().max();
        let holds = !matches!(work.as_str(), "brief" | "not analysed");
        let duration = match (holds, largest) {
            _ if work == "not analysed" => "unknown",
            (false, _) => "instant",
            (true, None) => "unknown",
            (true, Some(n)) => duration_class(n),
        };
        out.push(StatementLock { statement: first_line, mode, tables, blocks, work, rows: largest, duration });
    }
    out
}

/// How long a scan, rewrite or index build of `rows` rows is likely to
/// take, as a class: instant (≤ 10 thousand), seconds (≤ 1 million),
/// minutes (≤ 100 million), hours.
fn duration_class(rows: u64) -> &'static str {
    match rows {
        0..=10_000 => "instant",
        10_001..=1_000_000 => "seconds",
        1_000_001..=100_000_000 => "minutes",
        _ => "hours",
    }
}

/// A PostgreSQL lock line (`ACCESS EXCLUSIVE on "users" (scans the table)`)
/// taken apart: mode, tables, what waits, what the statement does.
fn postgres_lock(s: &dialect::Statement) -> (Option<String>, Vec<String>, &'static str, String) {
    let Some(lock) = s.lock.as_deref() else { return (None, Vec::new(), "nothing", "brief".to_owned()) };
    if lock == dialect::NOT_ANALYSED {
        return (None, Vec::new(), "not analysed", "not analysed".to_owned());
    }
    // Several locks are joined with "; ": the first is the statement's own.
    let own = lock.split("; ").next().unwrap_or(lock);
    let (mode, rest) = own.split_once(" on ").unwrap_or((own, ""));
    let mut tables = Vec::new();
    let mut chars = rest.chars().peekable();
    while chars.peek() == Some(&'"') {
        chars.next();
        let mut name = String::new();
        while let Some(c) = chars.next() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    name.push('"');
                    continue;
                }
                break;
            }
            name.push(c);
        }
        tables.push(name);
        if chars.peek() == Some(&',') {
            chars.next();
            while chars.peek() == Some(&' ') {
                chars.next();
            }
        }
    }
    let blocks = match mode {
        "ACCESS EXCLUSIVE" => "reads and writes",
        "SHARE" | "SHARE ROW EXCLUSIVE" | "EXCLUSIVE" | "SHARE ROW EXCLUSIVE or stronger" => "writes",
        "SHARE UPDATE EXCLUSIVE" => "other schema changes",
        _ => "nothing",
    };
    let work = if lock.contains("rewrites") {
        "rewrites the table"
    } else if lock.contains("whole build") {
        "builds an index"
    } else if lock.contains("scans") {
        "scans the table"
    } else if lock.contains("(rebuilds") {
        "rebuilds indexes"
    } else if lock.contains("until the commit") {
        "changes rows"
    } else if lock.contains("reads and writes go on") && s.sql.contains("CONCURRENTLY") {
        "builds an index concurrently"
    } else if lock.contains("reads and writes go on") && s.sql.contains("VALIDATE") {
        "scans the table to validate"
    } else {
        "brief"
    };
    (Some(mode.to_owned()), tables, blocks, work.to_owned())
}

/// A SQLite statement: every write holds the database's write lock until
/// its transaction commits. In a table rebuild, the copy of the rows and
/// the index builds take time; on an existing table, so does an index.
fn sqlite_lock(s: &dialect::Statement, before: &Schema) -> (Option<String>, Vec<String>, &'static str, String) {
    let mode = Some("database write lock".to_owned());
    let sql = s.sql.trim_start();
    let builds_index = sql.starts_with("CREATE INDEX") || sql.starts_with("CREATE UNIQUE INDEX");
    if let Some(table) = &s.rebuilds {
        let work = if sql.starts_with("INSERT INTO") {
            "copies every row (rebuild)"
        } else if builds_index {
            "builds an index (rebuild)"
        } else {
            "brief"
        };
        return (mode, vec![table.clone()], "writes", work.to_owned());
    }
    // The table a statement names first: `ALTER TABLE "t"`, `… ON "t"`.
    let quoted_after =
        |marker: &str| sql.split_once(marker).and_then(|(_, rest)| rest.split_once('"')).map(|(t, _)| t.to_owned());
    if builds_index && let Some(table) = quoted_after(" ON \"") {
        let work = if before.tables.contains_key(&table) { "builds an index" } else { "brief" };
        return (mode, vec![table], "writes", work.to_owned());
    }
    let tables = quoted_after("ALTER TABLE \"").into_iter().collect();
    (mode, tables, "writes", "brief".to_owned())
}

/// The locks of `plan`, the migration's plan for `dialect` (`None` when it
/// cannot be built).
fn locking(m: &Migration, plan: Option<&dialect::Plan>, dialect: Dialect, options: &Options) -> (bool, Vec<String>) {
    let Some(plan) = plan else {
        return (false, vec!["the plan cannot be built (the migration does not fit the schema)".into()]);
    };
    let (quiet, mut out) = plan_locking(plan);
    // The crate's lock timeout is said once, at the top of the document;
    // a migration that sets its own says it here.
    let own = dialect::options_for(m, options).lock_timeout_ms;
    if dialect == Dialect::Postgres && own != options.lock_timeout_ms {
        out.push(format!(
            "each statement of this migration waits at most {own} ms for its lock (its own lock_timeout), then the phase is retried"
        ));
    }
    (quiet, out)
}

/// What a plan's statements lock, summed up first: zero-downtime (and the
/// online forms it uses), a quiet period needed, or not known.
fn plan_locking(plan: &dialect::Plan) -> (bool, Vec<String>) {
    let mut quiet = false;
    let mut unknown = false;
    let mut out = Vec::new();
    let mut online = std::collections::BTreeSet::new();
    for s in plan.statements() {
        let first_line = s.sql.lines().next().unwrap_or_default();
        if s.sql.contains("CONCURRENTLY") {
            online.insert("indexes built or dropped CONCURRENTLY, outside the transaction");
        }
        if s.sql.ends_with("NOT VALID") {
            online.insert("constraints added NOT VALID, then validated in their own transaction");
        }
        if s.sql.contains("USING INDEX") {
            online.insert("unique constraints attached to an index built concurrently");
        }
        if let Some(lock) = &s.lock
            && (lock.contains("rewrites")
                || lock.contains("scans")
                || lock.contains("whole build")
                || lock.contains("until the commit"))
        {
            quiet = true;
            out.push(format!("`{first_line}` takes {lock}"));
        }
        if s.lock.as_deref() == Some(dialect::NOT_ANALYSED) {
            unknown = true;
            out.push(format!("`{first_line}`: its locks are not analysed"));
        }
    }
    if unknown {
        out.insert(0, "not known to be zero-downtime: raw SQL that schemaflow does not analyse".to_owned());
    } else if !quiet {
        let mut text = "zero-downtime: every statement takes its lock briefly".to_owned();
        if !online.is_empty() {
            text.push_str(&format!("; online forms: {}", online.into_iter().collect::<Vec<_>>().join("; ")));
        }
        out.insert(0, text);
    } else {
        out.insert(0, "needs a quiet period: a statement holds a strong lock while it scans or rewrites".to_owned());
    }
    (quiet, out)
}

fn rollback_plan(m: &Migration, before: &Schema, dialect: Dialect, options: &Options) -> Rollback {
    let derived = matches!(m.down, Down::Derived);
    match dialect::plan_down(dialect, before, m, options) {
        Ok(Ok(plan)) => {
            let mut after = before.clone();
            for s in &m.steps {
                let _ = after.apply(&s.op);
            }
            let sql = dialect::render(dialect, &after, &plan);
            // The way back is judged like the way forward: its locks, and
            // the values it can no longer hold.
            let (_, mut assessment) = plan_locking(&plan);
            if let crate::rollback::Derived::Steps(steps) = crate::rollback::down_steps(before, m) {
                let mut schema = after.clone();
                for step in &steps {
                    if let Op::AlterColumnType { table, column, ty, .. } = &step.op
                        && let Some(old) = schema.table(table).and_then(|t| t.column(column)).map(|c| c.ty.clone())
                        && crate::type_change::is_narrowing(&old, ty, true)
                    {
                        assessment.push(format!(
                            "narrows `{table}.{column}` from `{old}` back to `{ty}`: it fails once a value that does not fit has been stored since the migration"
                        ));
                    }
                    let _ = schema.apply(&step.op);
                }
            }
            Rollback::Sql { derived, sql, assessment }
        }
        Ok(Err(e)) => Rollback::Irreversible { reason: e.message },
        Err(reason) => Rollback::Irreversible { reason },
    }
}

fn checklist(plans: &[MigrationPlan], dialect: Dialect) -> Vec<ChecklistItem> {
    let irreversible: Vec<&str> =
        plans.iter().filter(|p| matches!(p.rollback, Rollback::Irreversible { .. })).map(|p| p.id.as_str()).collect();
    let quiet: Vec<&str> = plans.iter().filter(|p| p.needs_quiet_period).map(|p| p.id.as_str()).collect();
    let has_data = plans.iter().any(|p| !p.data.is_empty());
    let person = |item: &str, note: &str| ChecklistItem { item: item.into(), done: None, note: note.into() };
    let mut out = vec![
        ChecklistItem {
            item: "every migration has a way back".into(),
            done: Some(irreversible.is_empty()),
            note: if irreversible.is_empty() {
                "each has a derived or written down".into()
            } else {
                format!("irreversible: {} — a backup is the way back", irreversible.join(", "))
            },
        },
        ChecklistItem {
            item: "data migrations are batched".into(),
            done: Some(true),
            note: if has_data {
                "every backfill runs in keyset batches, one short transaction each, and resumes if stopped".into()
            } else {
                "no data migration in this range".into()
            },
        },
        ChecklistItem {
            item: "foreign keys have indexes".into(),
            done: Some(true),
            note: "checked when the migrations compiled (rule SF021)".into(),
        },
        person(
            "rollback tested on realistic data",
            "`cargo schemaflow test --from <staging or production URL>` runs every migration up, down and up again on a copy of that database, leaving the source untouched",
        ),
        person(
            BACKUP_ITEM,
            if dialect == Dialect::Postgres {
                "a restorable backup from just before the deployment: `cargo schemaflow backup` (or `run --backup`) writes one with `pg_dump --format=custom` and records it (restore with `pg_restore --clean --dbname=…`); or your provider's snapshot"
            } else {
                "a restorable copy from just before the deployment: `cargo schemaflow backup` (or `run --backup`) copies the file with SQLite's online backup while it is in use, and records it"
            },
        ),
        person("monitoring watched", "lock waits, replication lag and error rates during and after the run"),
        person("team on standby", "someone who can roll back stays until the run is verified"),
    ];
    out.push(if quiet.is_empty() {
        ChecklistItem {
            item: "downtime window communicated".into(),
            done: Some(true),
            note: "not needed: every migration runs online".into(),
        }
    } else {
        person("downtime window communicated", &format!("needed for {}", quiet.join(", ")))
    });
    out
}

/// The checklist line a recorded backup ticks.
const BACKUP_ITEM: &str = "backup taken";

/// Ticks the checklist's "backup taken" with `backup`, a recorded backup of
/// the database as it was before the plan's first migration.
pub fn note_backup(doc: &mut PlanDocument, backup: &crate::runner::Backup) {
    if let Some(item) = doc.checklist.iter_mut().find(|c| c.item == BACKUP_ITEM) {
        item.done = Some(true);
        item.note = format!(
            "{} at {} UTC, of the database as it was before these migrations (recorded by cargo schemaflow)",
            backup.path, backup.taken_at
        );
    }
}

/// `postgres` as PostgreSQL, `sqlite` as SQLite.
fn display_name(database: &str) -> &str {
    match database {
        "postgres" => "PostgreSQL",
        "sqlite" => "SQLite",
        other => other,
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A statement's first line, cut at 80 characters.
fn shorten(line: &str) -> String {
    match line.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

/// The plan as Markdown.
pub fn to_markdown(doc: &PlanDocument) -> String {
    let mut out = String::new();
    out.push_str("# Migration plan\n\n");
    out.push_str(&format!(
        "Generated by `cargo schemaflow plan` from the migrations themselves; locks are those of {}.\n\n",
        display_name(&doc.database)
    ));
    if let Some(ms) = doc.lock_timeout_ms {
        out.push_str(&format!(
            "Each statement waits at most {ms} ms for its lock (lock_timeout), then its phase is rolled back and retried, unless a migration says otherwise.\n\n"
        ));
    }
    if doc.migrations.is_empty() {
        out.push_str("No migration in this range.\n\n");
    }
    for m in &doc.migrations {
        out.push_str(&format!("## {}\n\n", m.id));
        out.push_str(&format!("- **Kind:** {}\n", m.kind));
        out.push_str(&format!("- **Backward compatible:** {}\n", m.compatibility));
        out.push_str(&format!("- **Downtime:** {}\n", m.locking.first().map(String::as_str).unwrap_or("none")));
        if !m.phases.is_empty() {
            out.push_str("\n**Deploy phases**\n\n| Phase | Code deployed before it | Code deployed for it |\n| --- | --- | --- |\n");
            for p in &m.phases {
                out.push_str(&format!("| {} | {} | {} |\n", p.phase, p.old_code, p.new_code));
            }
        }
        out.push_str("\n**Changes**\n\n");
        for c in &m.changes {
            out.push_str(&format!("- {c}\n"));
        }
        if !m.data.is_empty() {
            out.push_str("\n**Data migration**\n\n");
            for d in &m.data {
                out.push_str(&format!("- {d}\n"));
            }
        }
        if !m.sql.is_empty() {
            out.push_str(&format!("\n**SQL**\n\n```sql\n{}```\n", m.sql));
        }
        for (database, sql) in &m.sql_elsewhere {
            out.push_str(&format!(
                "\n<details><summary>SQL on {}</summary>\n\n```sql\n{sql}```\n\n</details>\n",
                display_name(database)
            ));
        }
        // The statements' own lines are in the table; the rest are notes.
        let notes: Vec<&String> = m.locking.iter().skip(1).filter(|l| !l.starts_with('`')).collect();
        if !m.statements.is_empty() || !notes.is_empty() {
            out.push_str("\n**Locks**\n\n");
        }
        if !m.statements.is_empty() {
            out.push_str("| Statement | Lock | Blocks | While held | Rows now | Expected |\n| --- | --- | --- | --- | --- | --- |\n");
            for st in &m.statements {
                let lock = match &st.mode {
                    Some(mode) if st.tables.is_empty() => mode.clone(),
                    Some(mode) => format!("{mode} on {}", st.tables.join(", ")),
                    None => "none".to_owned(),
                };
                let rows = st.rows.map_or("–".to_owned(), thousands);
                out.push_str(&format!(
                    "| `{}` | {lock} | {} | {} | {rows} | {} |\n",
                    shorten(&st.statement).replace('|', "\\|"),
                    st.blocks,
                    st.work,
                    st.duration
                ));
            }
            if !notes.is_empty() {
                out.push('\n');
            }
        }
        for l in notes {
            out.push_str(&format!("- {l}\n"));
        }
        out.push_str("\n**Rollback**\n\n");
        match &m.rollback {
            Rollback::Sql { derived, sql, assessment } => {
                out.push_str(if *derived {
                    "Derived from the migration:\n\n"
                } else {
                    "Written in the migration:\n\n"
                });
                out.push_str(&format!("```sql\n{sql}```\n"));
                if !assessment.is_empty() {
                    out.push('\n');
                    for line in assessment {
                        out.push_str(&format!("- {line}\n"));
                    }
                }
            }
            Rollback::Irreversible { reason } => out.push_str(&format!("Irreversible: {reason}.\n")),
        }
        if !m.acknowledged.is_empty() {
            out.push_str("\n**Acknowledged**\n\n");
            for a in &m.acknowledged {
                out.push_str(&format!("- {a}\n"));
            }
        }
        out.push('\n');
    }
    out.push_str("## Pre-deployment checklist\n\n");
    for c in &doc.checklist {
        let mark = match c.done {
            Some(true) => "[x]",
            Some(false) => "[!]",
            None => "[ ]",
        };
        out.push_str(&format!("- {mark} {}: {}\n", c.item, c.note));
    }
    out
}
