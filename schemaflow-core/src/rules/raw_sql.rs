//! SF034 unreadable-sql and SF035 unanalysed-sql: raw SQL whose effect on
//! a live database schemaflow cannot tell. Nothing is trusted blindly: the
//! author acknowledges it, with a reason the plan shows. SF036
//! sql-not-portable: raw SQL that a target database cannot run.

use super::{Diagnostic, Rule, StepContext};
use crate::config::Targets;
use crate::location::Part;
use crate::model::{Column, Op, RawClass, RawSql};

/// SF034: a statement the SQL parser cannot read.
pub(super) const UNREADABLE: Rule = Rule {
    code: "SF034",
    name: "unreadable-sql",
    summary: "a raw SQL statement the SQL parser cannot read",
    why: "what schemaflow cannot read, it cannot check: the statement may lock a large table, rewrite it or change rows, and nothing in the dry run or the plan would say so",
    allowable: true,
    advice: false,
};

/// SF035: a statement read, but whose effect on tables is not analysed.
pub(super) const UNANALYSED: Rule = Rule {
    code: "SF035",
    name: "unanalysed-sql",
    summary: "a raw SQL statement whose locks and effect on tables schemaflow does not model (a DO block, LOCK, SET UNLOGGED, REFRESH MATERIALIZED VIEW, CREATE TABLE AS…)",
    why: "such a statement may take a strong lock, rewrite a table or change rows, and the dry run and the plan cannot say which",
    allowable: true,
    advice: false,
};

/// SF036: raw SQL that SQLite cannot run, in a crate that targets SQLite.
pub(super) const NOT_PORTABLE: Rule = Rule {
    code: "SF036",
    name: "sql-not-portable",
    summary: "raw SQL (or a PostgreSQL-only index form or array column) that SQLite cannot run, in a crate that targets SQLite",
    why: "raw SQL runs as written on every target database, and an index method, operator class, `include` or array type exists only on PostgreSQL: the migration compiles, then fails on SQLite (in tests, on a developer's machine, or in production)",
    allowable: true,
    advice: false,
};

/// What SQLite cannot run of this raw step (of a statement whose text is
/// `sql`), and the DSL form that works on both databases, if there is one.
fn sqlite_cannot_run(op: &Op, sql: &str, targets: &Targets) -> Option<(String, &'static str)> {
    let dsl = |what: &str, form: &'static str| Some((what.to_owned(), form));
    let generates_keys = |c: &Column| generates_keys(c, sql, targets);
    match op {
        Op::AlterColumnType { .. } => dsl("ALTER COLUMN … TYPE", "alter_table … { set_type column: Type }"),
        Op::SetNotNull { .. } => dsl("ALTER COLUMN … SET NOT NULL", "alter_table … { set_not_null column }"),
        Op::DropNotNull { .. } => dsl("ALTER COLUMN … DROP NOT NULL", "alter_table … { drop_not_null column }"),
        Op::SetDefault { .. } => dsl("ALTER COLUMN … SET DEFAULT", "alter_table … { set_default column = value }"),
        Op::DropDefault { .. } => dsl("ALTER COLUMN … DROP DEFAULT", "alter_table … { drop_default column }"),
        Op::AddConstraint { .. } => dsl("ADD CONSTRAINT", "alter_table … { add_constraint … }"),
        Op::DropConstraint { .. } => dsl("DROP CONSTRAINT", "alter_table … { drop_constraint name }"),
        Op::ValidateConstraint { .. } => dsl("VALIDATE CONSTRAINT", "alter_table … { add_constraint … }"),
        Op::AttachIndex { .. } => {
            dsl("ADD CONSTRAINT … USING INDEX", "alter_table … { add_constraint … primary_key using index name }")
        }
        // The DSL has no expression or method keys (`key`): no form to offer.
        Op::CreateIndex(i) if i.concurrently && i.key.is_some() => dsl("CREATE INDEX CONCURRENTLY", ""),
        Op::CreateIndex(i) if i.concurrently => dsl("CREATE INDEX CONCURRENTLY", "create_index … concurrently"),
        Op::DropIndex { concurrently: true, .. } => dsl("DROP INDEX CONCURRENTLY", "drop_index … concurrently"),
        Op::AddColumn { column, .. } if generates_keys(column) => {
            dsl("identity or serial columns", "create_table … { id: i64 primary_key identity }")
        }
        Op::CreateTable(t) if t.columns.iter().any(generates_keys) => {
            dsl("identity or serial columns", "create_table … { id: i64 primary_key identity }")
        }
        Op::Sql(s) if POSTGRES_ONLY.contains(&s.kind.as_str()) => Some((s.kind.clone(), "")),
        Op::CreateEnum { .. } => dsl("CREATE TYPE … AS ENUM", "create_enum name { … }"),
        Op::AddEnumValue { .. } => dsl("ALTER TYPE … ADD VALUE", "alter_enum name add_value …"),
        Op::DropEnum { .. } => dsl("DROP TYPE", "drop_enum name"),
        _ => None,
    }
}

/// Whether the column is declared with PostgreSQL key generation
/// (`GENERATED … AS IDENTITY`, `serial`), which SQLite does not have (its
/// `INTEGER PRIMARY KEY` fills itself in). A crate that targets PostgreSQL
/// reads its SQL with PostgreSQL's grammar, where only those make an
/// identity column; a SQLite-only crate's `INTEGER PRIMARY KEY` is one too,
/// so there the statement's words decide.
fn generates_keys(column: &Column, sql: &str, targets: &Targets) -> bool {
    if !column.identity {
        return false;
    }
    if targets.postgres {
        return true;
    }
    sql.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| {
        ["identity", "serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"]
            .iter()
            .any(|k| word.eq_ignore_ascii_case(k))
    })
}

/// Statement kinds SQLite has no form of.
const POSTGRES_ONLY: &[&str] = &[
    "CREATE EXTENSION",
    "CREATE TYPE",
    "CREATE FUNCTION",
    "CREATE SEQUENCE",
    "CREATE SCHEMA",
    "CREATE DOMAIN",
    "CREATE ROLE",
    "CREATE POLICY",
    "CREATE MATERIALIZED VIEW",
    "DROP FUNCTION",
    "DROP EXTENSION",
    "DROP DOMAIN",
    "DROP POLICY",
    "ALTER TYPE",
    "ALTER FUNCTION",
    "ALTER ROLE",
    "ALTER SCHEMA",
    "ALTER INDEX",
    "ALTER DEFAULT PRIVILEGES",
    "COMMENT",
    "GRANT",
    "REVOKE",
    "TRUNCATE",
    "MERGE",
    "LOCK",
    "REFRESH MATERIALIZED VIEW",
    "DO",
];

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    not_portable(cx, out);
    postgres_only_index(cx, out);
    postgres_only_type(cx, out);
    let Op::Sql(statement) = &cx.step.op else { return };
    match &statement.class {
        RawClass::Unreadable(why) => out.push(Diagnostic::new(
            &UNREADABLE,
            cx.at(Part::Sql),
            format!("schemaflow cannot read this `{}` statement: {why}", statement.kind),
            "write it in the DSL, or in SQL the parser reads; if it is safe, acknowledge it with what it does",
        )),
        RawClass::Unanalysed => {
            let on = statement.table.as_deref().map(|t| format!(" on `{t}`")).unwrap_or_default();
            out.push(Diagnostic::new(
                &UNANALYSED,
                cx.at(Part::Sql),
                format!("schemaflow does not analyse what this `{}` statement{on} locks or changes", statement.kind),
                "use the DSL operation for it if there is one; otherwise acknowledge it with what it locks and for how long",
            ));
        }
        _ => {}
    }
}

/// SF036 for a DSL column of a type SQLite has no form of: an array.
fn postgres_only_type(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    use crate::model::ColumnType;
    if cx.step.raw.is_some() || !cx.targets.sqlite {
        return;
    }
    let columns: Vec<&Column> = match &cx.step.op {
        Op::CreateTable(t) => t.columns.iter().collect(),
        Op::AddColumn { column, .. } => vec![column],
        _ => Vec::new(),
    };
    let typed = match &cx.step.op {
        Op::AlterColumnType { column, ty, .. } => Some((column.as_str(), ty)),
        _ => None,
    };
    let arrays = columns.into_iter().map(|c| (c.name.as_str(), &c.ty)).chain(typed);
    for (name, _) in arrays.filter(|(_, ty)| matches!(ty, ColumnType::Array(_))) {
        out.push(Diagnostic::new(
            &NOT_PORTABLE,
            cx.at(Part::ColumnType(name.to_owned())),
            format!("SQLite has no array type for column `{name}`"),
            "if the crate runs on PostgreSQL only, say so in its Cargo.toml: `[package.metadata.schemaflow] databases = [\"postgres\"]`; otherwise store the list as `Json`, or in a table of its own",
        ));
    }
}

/// SF036 for a DSL index whose key SQLite has no form of: a method, an
/// operator class or `include`.
fn postgres_only_index(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::CreateIndex(index) = &cx.step.op else { return };
    let Some(key) = index.key.as_deref().filter(|_| cx.step.raw.is_none() && cx.targets.sqlite) else { return };
    let what = if key.starts_with("USING ") {
        "an index method (`using`)"
    } else if key.contains(" INCLUDE (") {
        "`include`"
    } else if key.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|w| w.ends_with("_ops")) {
        "an operator class"
    } else {
        return;
    };
    out.push(Diagnostic::new(
        &NOT_PORTABLE,
        cx.at(Part::Op),
        format!("SQLite cannot build index `{}`: it has no form of {what}", index.name),
        "if the crate runs on PostgreSQL only, say so in its Cargo.toml: `[package.metadata.schemaflow] databases = [\"postgres\"]`; otherwise index the column or the expression without it",
    ));
}

/// SF036, once per statement, on its first step: an `ALTER TABLE` of
/// several actions is several steps, and any of them may be what SQLite
/// cannot run.
fn not_portable(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Some(raw) = cx.step.raw.as_ref().filter(|r| !r.continues_statement()) else { return };
    // Per-database SQL: SQLite runs its own text.
    if !cx.targets.sqlite || raw.only_on == Some(crate::model::Database::Postgres) {
        return;
    }
    let continuation = cx.rest.iter().take_while(|s| s.raw.as_ref().is_some_and(RawSql::continues_statement));
    let Some((what, dsl)) =
        std::iter::once(cx.step).chain(continuation).find_map(|s| sqlite_cannot_run(&s.op, &raw.sql, cx.targets))
    else {
        return;
    };
    let help = if dsl.is_empty() {
        "if the crate runs on PostgreSQL only, say so in its Cargo.toml: `[package.metadata.schemaflow] databases = [\"postgres\"]`".to_owned()
    } else {
        format!(
            "write it with the DSL, `{dsl}`, which generates what each database needs (on SQLite, the table rebuild where ALTER TABLE falls short); or, if the crate runs on PostgreSQL only, say so in its Cargo.toml: `[package.metadata.schemaflow] databases = [\"postgres\"]`"
        )
    };
    out.push(Diagnostic::new(&NOT_PORTABLE, cx.at(Part::Sql), format!("SQLite cannot run {what}"), help));
}
