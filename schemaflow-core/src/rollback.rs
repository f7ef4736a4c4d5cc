//! Rollback derivation: the inverse of each step, read off the schema just
//! before it, so that `down` is rarely written by hand.
//!
//! Dropping a table re-creates it (with its indexes) from the replayed
//! definition; a rename renames back; a dropped column comes back with its
//! type, default and indexes. Data does not come back: the plan says so.
//! Constraints that come back are added the online way (`NOT VALID` then
//! `VALIDATE`, or a unique index built concurrently), since the table is
//! in use when a rollback runs.

use crate::model::{Down, Migration, Op, RawClass, RawSql, RawStatement, Step, Undo};
use crate::schema::Schema;

/// The outcome of deriving a migration's way back.
#[derive(Clone, Debug, PartialEq)]
pub enum Derived {
    /// The steps that undo the migration, in the order to run them.
    Steps(Vec<Step>),
    /// A step was declared irreversible (`sql … irreversible "why"`).
    Irreversible {
        /// Index of that step (0-based); 0 when the whole migration is declared irreversible.
        step: usize,
        /// The author's reason.
        reason: String,
    },
    /// A step has no derivable inverse and none was written.
    NotDerivable {
        /// Index of that step (0-based).
        step: usize,
        /// Why its inverse cannot be derived.
        reason: String,
    },
    /// A step does not fit the schema (reported by the rules as such).
    InvalidStep {
        /// Index of that step (0-based).
        step: usize,
    },
}

/// Derives the inverse of `steps`, applied to `before`.
pub fn derive(before: &Schema, steps: &[Step]) -> Derived {
    let mut schema = before.clone();
    let mut added_here: Vec<(String, String)> = Vec::new();
    let mut inverse: Vec<Vec<Step>> = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let undo = match step.raw.as_ref().map(|r| &r.undo) {
            None | Some(Undo::Derived) => invert(&schema, &step.op, &added_here),
            Some(Undo::WithLiteral) => Ok(Vec::new()),
            Some(Undo::Written(steps)) => Ok(steps.clone()),
            Some(Undo::Irreversible(reason)) => Err(Stop::Irreversible(reason.clone())),
        };
        let ops = match undo {
            Ok(ops) => ops,
            Err(Stop::Irreversible(reason)) => return Derived::Irreversible { step: index, reason },
            Err(Stop::NotDerivable(reason)) => return Derived::NotDerivable { step: index, reason },
        };
        match &step.op {
            Op::AddColumn { table, column } => added_here.push((table.clone(), column.name.clone())),
            Op::CreateTable(t) => {
                added_here.extend(t.columns.iter().map(|c| (t.name.clone(), c.name.clone())));
            }
            _ => {}
        }
        if schema.apply(&step.op).is_err() {
            // The checker reports the step; nothing sensible can be derived past it.
            return Derived::InvalidStep { step: index };
        }
        inverse.push(ops);
    }
    Derived::Steps(inverse.into_iter().rev().flatten().collect())
}

/// The steps a rollback of `migration` runs, given the schema before it.
pub fn down_steps(before: &Schema, migration: &Migration) -> Derived {
    match &migration.down {
        Down::Derived => derive(before, &migration.steps),
        Down::Explicit(steps) => Derived::Steps(steps.clone()),
        Down::Irreversible(reason) => Derived::Irreversible { step: 0, reason: reason.clone() },
    }
}

enum Stop {
    Irreversible(String),
    NotDerivable(String),
}

/// `ops` (what brings back a table or column dropped with CASCADE), then
/// what CASCADE dropped with it: the other tables' foreign keys (validated
/// online), then the views, as written.
fn with_cascaded(s: &Schema, table: &str, column: Option<&str>, mut ops: Vec<Op>) -> Vec<Step> {
    ops.extend(s.cascaded_references(table, column).map(|(other, k)| Op::AddConstraint {
        table: other.name.clone(),
        constraint: k.clone(),
        online: true,
    }));
    let mut steps: Vec<Step> = ops.into_iter().map(Step::new).collect();
    for view in s.views_reading(table, column) {
        let Some(d) = s.dependents.get(&view) else { continue };
        steps.push(Step {
            raw: Some(RawSql { sql: d.definition.clone(), undo: Undo::Derived, only_on: None }),
            ..Step::new(Op::Sql(RawStatement {
                kind: "CREATE VIEW".to_owned(),
                class: RawClass::Object,
                table: None,
                inverse: Some(format!("DROP VIEW {}", crate::dialect::ident(&view))),
                setting: None,
                object: Some(view.clone()),
                definition: Some(d.definition.clone()),
                copied_from: None,
            }))
        });
    }
    steps
}

fn invert(s: &Schema, op: &Op, added_here: &[(String, String)]) -> Result<Vec<Step>, Stop> {
    // `IF [NOT] EXISTS` that found what it looked for: nothing to undo (and
    // what was there before stays).
    if s.leaves_unchanged(op) {
        return Ok(Vec::new());
    }
    let column_of = |table: &str, column: &str| s.table(table).and_then(|t| t.column(column)).cloned();
    let ops = match op {
        Op::CreateTable(t) => vec![Op::DropTable { table: t.name.clone(), if_exists: false, cascade: false }],
        Op::DropTable { table, cascade, .. } => {
            let Some(t) = s.table(table) else { return Ok(vec![]) };
            let mut ops = vec![Op::CreateTable(t.clone())];
            ops.extend(s.indexes_on(table).map(|i| Op::CreateIndex(i.clone())));
            if *cascade {
                return Ok(with_cascaded(s, table, None, ops));
            }
            ops
        }
        Op::RenameTable { from, to } => vec![Op::RenameTable { from: to.clone(), to: from.clone() }],
        Op::AddColumn { table, column } => vec![Op::DropColumn {
            table: table.clone(),
            column: column.name.clone(),
            if_exists: false,
            cascade: false,
        }],
        Op::DropColumn { table, column, cascade, .. } => {
            let Some(t) = s.table(table) else { return Ok(vec![]) };
            let Some(c) = t.column(column) else { return Ok(vec![]) };
            if !c.nullable && c.default.is_none() && !c.identity && c.generated.is_none() {
                return Err(Stop::NotDerivable(format!(
                    "`{table}.{column}` was NOT NULL without a default, so it cannot be added back to a table that has rows"
                )));
            }
            let mut ops = vec![Op::AddColumn { table: table.clone(), column: c.clone() }];
            let involves = |k: &&crate::model::Constraint| match &k.kind {
                crate::model::ConstraintKind::Check { expr } => crate::sql_text::mentions(expr, column),
                kind => kind.columns().contains(column),
            };
            ops.extend(t.constraints.iter().filter(involves).map(|k| Op::AddConstraint {
                table: table.clone(),
                constraint: k.clone(),
                online: true,
            }));
            ops.extend(
                s.indexes_on(table)
                    .filter(|i| {
                        i.columns.contains(column)
                            || i.predicate.as_ref().is_some_and(|p| crate::sql_text::mentions(p, column))
                    })
                    // The table is in use: its indexes come back without blocking writes.
                    .map(|i| Op::CreateIndex(crate::model::Index { concurrently: true, ..i.clone() })),
            );
            if *cascade {
                return Ok(with_cascaded(s, table, Some(column), ops));
            }
            ops
        }
        Op::RenameColumn { table, from, to } => {
            vec![Op::RenameColumn { table: table.clone(), from: to.clone(), to: from.clone() }]
        }
        Op::AlterColumnType { table, column, using, .. } => {
            if using.is_some() {
                return Err(Stop::NotDerivable("its `using` conversion has no derivable inverse".into()));
            }
            let Some(c) = column_of(table, column) else { return Ok(vec![]) };
            vec![Op::AlterColumnType { table: table.clone(), column: column.clone(), ty: c.ty, using: None }]
        }
        Op::SetNotNull { table, column } => vec![Op::DropNotNull { table: table.clone(), column: column.clone() }],
        Op::DropNotNull { table, column } => vec![Op::SetNotNull { table: table.clone(), column: column.clone() }],
        Op::SetDefault { table, column, .. } | Op::DropDefault { table, column } => {
            let Some(c) = column_of(table, column) else { return Ok(vec![]) };
            match c.default {
                Some(default) => vec![Op::SetDefault { table: table.clone(), column: column.clone(), default }],
                None => vec![Op::DropDefault { table: table.clone(), column: column.clone() }],
            }
        }
        Op::CreateIndex(i) => {
            vec![Op::DropIndex { name: i.name.clone(), concurrently: i.concurrently, if_exists: false }]
        }
        Op::DropIndex { name, concurrently, .. } => {
            let Some(i) = s.indexes.get(name) else { return Ok(vec![]) };
            vec![Op::CreateIndex(crate::model::Index { concurrently: *concurrently, ..i.clone() })]
        }
        Op::AddConstraint { table, constraint, .. } => {
            vec![Op::DropConstraint { table: table.clone(), name: constraint.name.clone() }]
        }
        Op::DropConstraint { table, name } => {
            let Some(k) = s.table(table).and_then(|t| t.constraint(name)) else { return Ok(vec![]) };
            vec![Op::AddConstraint { table: table.clone(), constraint: k.clone(), online: true }]
        }
        Op::Backfill(b) if b.delete => {
            return Err(Stop::NotDerivable(format!(
                "it deletes rows of `{}`, which cannot be brought back automatically",
                b.table
            )));
        }
        // Rows copied into a table this migration creates go with it.
        Op::Backfill(b) if b.copy_into.is_some() => {
            let target = b.written_table();
            let created_here = s
                .table(target)
                .is_some_and(|t| t.columns.iter().all(|c| added_here.iter().any(|(t2, a)| t2 == target && *a == c.name)));
            if created_here {
                vec![]
            } else {
                return Err(Stop::NotDerivable(format!(
                    "it inserts rows into `{target}`, which existed before: which rows it added cannot be told apart automatically"
                )));
            }
        }
        Op::Backfill(b) => {
            let all_new =
                b.written_columns().iter().all(|column| added_here.iter().any(|(t, c)| *t == b.table && c == column));
            if all_new {
                // The columns it fills are dropped on the way back.
                vec![]
            } else {
                return Err(Stop::NotDerivable(format!(
                    "it overwrites values of existing columns of `{}`, which cannot be recovered automatically",
                    b.table
                )));
            }
        }
        // Validation leaves nothing to undo.
        Op::ValidateConstraint { .. } => vec![],
        // Dropping the constraint drops its index: the index is built again,
        // concurrently, under its own name.
        // When the constraint has a name of its own, the index is built
        // first, so the table keeps its key (and its replica identity)
        // while it builds.
        Op::AttachIndex { table, name, index, .. } => match s.indexes.get(index) {
            Some(i) => {
                let drop = Op::DropConstraint { table: table.clone(), name: name.clone() };
                let build = Op::CreateIndex(crate::model::Index { concurrently: true, ..i.clone() });
                if name == index { vec![drop, build] } else { vec![build, drop] }
            }
            None => vec![],
        },
        // The way back from an expand: the sync goes, and the retired
        // columns get back the NOT NULL it took from them.
        Op::CreateSync(sync) => {
            let mut ops = vec![Op::DropSync { table: sync.table.clone(), name: sync.name.clone() }];
            ops.extend(
                sync.retired
                    .iter()
                    .filter(|c| column_of(&sync.table, &c.column).is_some_and(|c| !c.nullable))
                    .map(|c| Op::SetNotNull { table: sync.table.clone(), column: c.column.clone() }),
            );
            for c in &sync.retired {
                if let Some(default) = column_of(&sync.table, &c.column).and_then(|c| c.default) {
                    ops.push(Op::SetDefault { table: sync.table.clone(), column: c.column.clone(), default });
                }
            }
            ops
        }
        // The way back from a contract is an expand in reverse: the sync
        // comes back and fills the retired columns (added back just before)
        // from the new ones.
        Op::DropSync { name, .. } => {
            let Some(sync) = s.syncs.get(name) else { return Ok(vec![]) };
            let fill = match &sync.functions {
                Some(_) => Op::CatchUp(crate::model::CatchUp {
                    table: sync.table.clone(),
                    sync: sync.name.clone(),
                    fill_from: Some(crate::model::SyncSide::New),
                    batch_size: crate::model::DEFAULT_BATCH_SIZE,
                    pause_ms: 0,
                }),
                None => Op::Backfill(sync.fill(&sync.retired, crate::model::DEFAULT_BATCH_SIZE, 0)),
            };
            vec![Op::CreateSync(sync.clone()), fill]
        }
        // Catching up changes only values the two shapes already agree on.
        Op::CatchUp(_) => vec![],
        Op::CreateCompatView { view, table } => vec![Op::DropCompatView { view: view.clone(), table: table.clone() }],
        Op::DropCompatView { view, table } => vec![Op::CreateCompatView { view: view.clone(), table: table.clone() }],
        Op::CreateEnum { name, .. } => vec![Op::DropEnum { name: name.clone(), if_exists: false }],
        Op::DropEnum { name, .. } => {
            let Some(values) = s.enums.get(name) else { return Ok(vec![]) };
            vec![Op::CreateEnum { name: name.clone(), values: values.clone() }]
        }
        // PostgreSQL cannot remove a value from an enum: the way back
        // leaves it (rows that hold it stay valid), and the forward step
        // adds it `IF NOT EXISTS`.
        Op::AddEnumValue { .. } => vec![],
        Op::DeployBoundary { .. } => vec![Op::DeployBoundary {
            note: "deploy the previous code, which uses the old shape, everywhere; until then both versions run side by side and each keeps working".to_owned(),
        }],
        Op::Sql(statement) => {
            return match (&statement.class, &statement.inverse) {
                // A raw statement's derived inverse is SQL too.
                (_, Some(inverse)) => Ok(vec![Step {
                    raw: Some(RawSql { sql: inverse.clone(), undo: Undo::Derived, only_on: None }),
                    ..Step::new(Op::Sql(RawStatement {
                        kind: inverse.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
                        class: RawClass::Object,
                        table: statement.table.clone(),
                        inverse: None,
                        setting: None,
                        // `DROP VIEW v` for `CREATE VIEW v`: the same object.
                        object: statement.object.clone(),
                        definition: None,
                        copied_from: None,
                    }))
                }]),
                // Reads and session settings leave nothing behind.
                (RawClass::Session, None) => Ok(vec![]),
                (_, None) => Err(Stop::NotDerivable(format!(
                    "what its `{}` statement does cannot be undone automatically",
                    statement.kind
                ))),
            };
        }
    };
    Ok(ops.into_iter().map(Step::new).collect())
}

#[cfg(all(test, feature = "dsl"))]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn parse(src: &str) -> Migration {
        let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
        crate::dsl::parse_migration(tokens, 2, "t").unwrap().migration
    }

    fn base() -> Schema {
        let m = parse(
            r#"create_table users { id: i64 primary_key, email: String unique, name: Option<String> = "x", age: i32 = 0 }
               create_table posts { id: i64 primary_key, author_id: i64 references users(id), title: Varchar<50> }
               create_index on posts(author_id);
               create_index users_name_idx on users(name, age) where "age > 0";"#,
        );
        crate::schema::Schema::replay([&m]).unwrap()
    }

    /// Up then the derived down gives back the schema before, for every
    /// reversible operation.
    #[test]
    fn derived_down_restores_the_schema() {
        let cases = [
            "create_table tags { id: i64 primary_key, label: String } create_index on tags(label);",
            "drop_table posts",
            "rename_table posts -> articles",
            "alter_table users { add_column bio: Option<String> unique }",
            "alter_table users { drop_column name }",
            "alter_table users { rename_column email -> mail }",
            "alter_table posts { set_type title: String }",
            "alter_table users { set_not_null name }",
            "alter_table users { drop_not_null email }",
            "alter_table users { set_default age = 18 }",
            "alter_table users { drop_default age }",
            "create_index on users(age) concurrently",
            "drop_index users_name_idx",
            "alter_table users { add_constraint users_age_check check(\"age >= 0\") not_valid }",
            "alter_table users { drop_constraint users_email_key }",
            "alter_table users { add_column score: Option<i32> } backfill users set score = 0;",
            "sql \"CREATE VIEW v AS SELECT 1\" down \"DROP VIEW v\"",
            "alter_table users { add_column a: Option<i64>, rename_column a -> b } rename_table users -> people",
        ];
        for src in cases {
            let before = base();
            let m = parse(src);
            let mut schema = before.clone();
            for s in &m.steps {
                schema.apply(&s.op).unwrap_or_else(|e| panic!("{src}: {}", e.message));
            }
            let Derived::Steps(down) = derive(&before, &m.steps) else { panic!("{src}: not derivable") };
            for op in down.iter().map(|s| &s.op) {
                schema.apply(op).unwrap_or_else(|e| panic!("{src}: down step {op:?}: {}", e.message));
            }
            assert_eq!(
                crate::diff::diff(
                    &before,
                    &schema,
                    &crate::diff::Words { expected: "before", actual: "after", dialect: None }
                ),
                Vec::<String>::new(),
                "{src}"
            );
        }
    }

    #[test]
    fn what_cannot_be_derived_says_why() {
        let not_derivable = [
            ("alter_table users { drop_column id }", "NOT NULL without a default"),
            ("alter_table users { set_type age: i64 using \"age::bigint\" }", "using"),
            ("backfill users set age = 1", "overwrites"),
            ("sql \"DELETE FROM users\"", "cannot be undone"),
            ("sql \"COMMENT ON TABLE users IS 'people'\"", "cannot be undone"),
        ];
        for (src, why) in not_derivable {
            match derive(&base(), &parse(src).steps) {
                Derived::NotDerivable { reason, .. } => assert!(reason.contains(why), "{src}: {reason}"),
                other => panic!("{src}: {other:?}"),
            }
        }
        let irreversible = parse("sql \"DROP VIEW v\" irreversible \"definition lost\"");
        assert!(matches!(derive(&base(), &irreversible.steps), Derived::Irreversible { step: 0, .. }));
    }
}
