//! The baseline migration of a database that existed before schemaflow
//! (`cargo schemaflow init --from URL`): the live schema written as one
//! migration in the DSL, with raw `sql` for what the DSL does not model
//! (enum types, functions, views, triggers, expression indexes).
//!
//! Its objects already run in production, so a rule that a generated step
//! breaks (a foreign key without its index, say) is acknowledged on that
//! step with the reason; a rule that cannot be acknowledged is reported.
//! The baseline is irreversible: rolling it back would drop the database.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use crate::config::Targets;
use crate::dsl::render;
use crate::model::{ColumnType, Constraint, ConstraintKind, Index, Op, Table};
use crate::schema::Schema;

pub use crate::runner::RawObject;

impl RawObject {
    /// Whether the tables need it first (a type their columns use).
    fn comes_first(&self) -> bool {
        self.kind == "type" || self.kind == "extension"
    }
}

/// The reason written on each acknowledged rule.
const REASON: &str = "in the database before schemaflow adopted it";

/// A baseline: the file's text, and what keeps it from compiling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Baseline {
    /// The migration file's text.
    pub source: String,
    /// Rules the schema breaks that cannot be acknowledged, and parts the
    /// DSL could not read back; empty when the file compiles as written.
    pub problems: Vec<String>,
    /// Advice on the adopted schema (a foreign key without its index, a
    /// 32-bit key), acknowledged in the file and worth a later migration.
    pub advice: Vec<String>,
}

/// One step of the baseline, with the rules it acknowledges.
struct Item {
    /// The table or index the step creates (for matching diagnostics).
    object: String,
    text: String,
    allows: BTreeSet<String>,
}

/// Writes the baseline of `schema` (and `raw`, the objects it does not
/// model) for the databases `targets` names, headed by the comment lines
/// `header`.
///
/// A table with a column of a type the DSL has no name for (an enum, an
/// array, `json`) is written as raw SQL: its `CREATE TABLE` from `ddl`
/// (SQLite keeps it), else as `dialect` writes it.
pub fn generate(
    schema: &Schema,
    raw: &[RawObject],
    ddl: &BTreeMap<String, String>,
    dialect: crate::dialect::Dialect,
    header: &[String],
    targets: &Targets,
) -> Baseline {
    let mut items = items(schema, raw, ddl, dialect);
    let mut problems = Vec::new();
    let mut advice = Vec::new();
    // Acknowledge what the rules find, then check that nothing is left.
    for round in 0..2 {
        problems.clear();
        let diagnostics = match diagnose(&items, targets) {
            Ok(found) => found,
            Err(e) => {
                problems.push(e);
                break;
            }
        };
        let mut acknowledged = false;
        for (object, rule, text) in diagnostics {
            if rule.advice && round == 0 {
                advice.push(text.clone());
            }
            match items.iter_mut().find(|i| i.object == object) {
                Some(item) if rule.allowable && round == 0 => acknowledged |= item.allows.insert(rule.allow_name()),
                _ => problems.push(text),
            }
        }
        if !acknowledged {
            break;
        }
    }
    let mut source = String::new();
    for line in header {
        source.push_str(&format!("// {line}\n"));
    }
    source.push_str("schemaflow::migration! {\n");
    source.push_str(&render_body(&items));
    source.push_str("}\n");
    Baseline { source, problems, advice }
}

/// The rules the steps break, each with the object of its step: the
/// generated text read back by the DSL and checked like a migration file.
fn diagnose(items: &[Item], targets: &Targets) -> Result<Vec<(String, &'static crate::rules::Rule, String)>, String> {
    let body = render_body(items);
    let tokens = proc_macro2::TokenStream::from_str(&body)
        .map_err(|e| format!("the generated migration is not valid Rust tokens: {e}"))?;
    let flavor = crate::raw_sql::Flavor::for_targets(targets);
    let migration = crate::dsl::parse_migration_for(tokens, 1, "baseline", flavor)
        .map_err(|e| format!("the DSL cannot read the generated migration: {e}"))?
        .migration;
    let report = crate::rules::check(&Schema::new(), &migration, targets);
    Ok(report
        .diagnostics
        .iter()
        .map(|d| {
            let object = migration.steps.get(d.location.step).map(|s| created_object(&s.op)).unwrap_or_default();
            (object, d.rule, format!("{} {}: {}", d.rule.code, d.rule.name, d.message))
        })
        .collect())
}

/// The table or index a step creates or changes, to find its item.
fn created_object(op: &Op) -> String {
    match op {
        Op::CreateTable(t) => t.name.clone(),
        Op::CreateIndex(i) => i.name.clone(),
        other => other.table().unwrap_or_default().to_owned(),
    }
}

fn render_body(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        for allow in &item.allows {
            out.push_str(&format!("    #[allow({allow}, {REASON:?})]\n"));
        }
        for line in item.text.lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out.push_str(&format!(
        "    irreversible {:?};\n",
        "the baseline of a database that existed before schemaflow: rolling it back would drop everything"
    ));
    out
}

/// The steps: types first, then the tables in an order where each one's
/// foreign keys point to tables already created (a cycle's keys are added
/// after), their indexes, the constraints added NOT VALID, then the other
/// raw objects.
fn items(
    schema: &Schema,
    raw: &[RawObject],
    ddl: &BTreeMap<String, String>,
    dialect: crate::dialect::Dialect,
) -> Vec<Item> {
    let item = |object: &str, text: String| Item { object: object.to_owned(), text, allows: BTreeSet::new() };
    let mut out: Vec<Item> = raw.iter().filter(|r| r.comes_first()).map(|r| item(&r.name, sql_step(&r.sql))).collect();
    let mut later: Vec<Item> = Vec::new();
    let mut created: BTreeSet<&str> = BTreeSet::new();
    let mut remaining: Vec<&Table> = schema.tables.values().collect();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|t| {
            t.constraints.iter().all(|k| match &k.kind {
                ConstraintKind::ForeignKey { ref_table, .. } => {
                    ref_table == &t.name
                        || created.contains(ref_table.as_str())
                        || !schema.tables.contains_key(ref_table)
                }
                _ => true,
            })
        });
        // A cycle: create the first table, its foreign keys come later.
        let table = remaining.remove(ready.unwrap_or(0));
        let (inline, deferred): (Vec<&Constraint>, Vec<&Constraint>) = table.constraints.iter().partition(|k| {
            !k.not_valid
                && match &k.kind {
                    ConstraintKind::ForeignKey { ref_table, .. } => {
                        ref_table == &table.name || created.contains(ref_table.as_str())
                    }
                    _ => true,
                }
        });
        let dsl_types = table.columns.iter().all(|c| !matches!(c.ty, ColumnType::Sql(_)));
        let text = match (dsl_types, ddl.get(&table.name), dialect) {
            (true, _, _) => create_table(table, &inline),
            (false, Some(sql), _) => sql_step(sql),
            (false, None, crate::dialect::Dialect::Sqlite) => sql_step(&crate::dialect::sqlite::create_table(
                &sql_table(table, &inline),
                &table.name,
                &Default::default(),
            )),
            (false, None, crate::dialect::Dialect::Postgres) => {
                sql_step(&crate::dialect::postgres::create_table(&sql_table(table, &inline)))
            }
        };
        out.push(item(&table.name, text));
        for k in deferred {
            let not_valid = if k.not_valid { " not_valid" } else { "" };
            later.push(item(
                &table.name,
                format!("alter_table {} {{\n    add_constraint {}{not_valid},\n}}", table.name, constraint(k)),
            ));
        }
        created.insert(&table.name);
    }
    let raw_names: BTreeSet<&str> = raw.iter().map(|r| r.name.as_str()).collect();
    for index in schema.indexes.values().filter(|i| !raw_names.contains(i.name.as_str())) {
        out.push(item(&index.name, create_index(index)));
    }
    out.extend(later);
    out.extend(raw.iter().filter(|r| !r.comes_first()).map(|r| item(&r.name, sql_step(&r.sql))));
    out
}

/// `table` with only the `constraints` created with it, and each check's
/// expression without the catalog's `CHECK (…)`.
fn sql_table(table: &Table, constraints: &[&Constraint]) -> Table {
    let constraints = constraints
        .iter()
        .map(|k| match &k.kind {
            ConstraintKind::Check { expr } => {
                Constraint { kind: ConstraintKind::Check { expr: check_body(expr).to_owned() }, ..(*k).clone() }
            }
            _ => (*k).clone(),
        })
        .collect();
    Table { constraints, if_not_exists: false, ..table.clone() }
}

fn create_table(table: &Table, constraints: &[&Constraint]) -> String {
    let constraints = sql_table(table, constraints).constraints;
    render::create_table(table, &constraints.iter().collect::<Vec<_>>())
}

fn constraint(k: &Constraint) -> String {
    match &k.kind {
        ConstraintKind::Check { expr } => render::constraint(&Constraint {
            kind: ConstraintKind::Check { expr: check_body(expr).to_owned() },
            ..k.clone()
        }),
        _ => render::constraint(k),
    }
}

/// The expression of a check as PostgreSQL's catalog prints it
/// (`CHECK ((qty > 0)) NOT VALID`), or as it was written.
fn check_body(expr: &str) -> &str {
    let mut text = expr.trim();
    text = text.strip_suffix("NOT VALID").map_or(text, str::trim_end);
    if let Some(inner) = text.strip_prefix("CHECK").map(str::trim_start) {
        text = inner;
    }
    // Only parentheses that wrap the whole expression.
    while let Some(inner) = crate::sql_text::enclosed(text) {
        text = inner.trim();
    }
    text
}

fn create_index(index: &Index) -> String {
    let index = Index { predicate: index.predicate.as_deref().map(|p| check_body(p).to_owned()), ..index.clone() };
    // A plain list of columns always has a DSL form.
    render::create_index(&Index { key: None, ..index }).unwrap_or_default()
}

fn sql_step(sql: &str) -> String {
    format!("sql {};", render::string(sql.trim().trim_end_matches(';').trim_end()))
}

/// The live schema of a SQLite database read through its own DDL: each
/// table's `CREATE TABLE` statement, as the raw SQL reader lowers it, keeps
/// the checks, constraint names and foreign keys that the pragmas lose.
/// Tables whose DDL it cannot read keep their introspected form.
pub fn sqlite_tables_from_ddl(schema: &mut Schema, ddl: &BTreeMap<String, String>) {
    for (name, sql) in ddl {
        let read = crate::raw_sql::read(sql, crate::raw_sql::Flavor::Sqlite);
        if let [statement] = read.as_slice()
            && let [Op::CreateTable(table)] = statement.ops.as_slice()
            && table.name == *name
        {
            schema.tables.insert(name.clone(), Table { if_not_exists: false, ..table.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsl::render::value;
    use crate::model::DefaultValue;

    #[test]
    fn catalog_defaults_become_dsl_values() {
        assert_eq!(value(&DefaultValue::Sql("'draft'::text".into()), &ColumnType::Text), "\"draft\"");
        assert_eq!(value(&DefaultValue::Sql("'it''s'::character varying".into()), &ColumnType::Varchar(9)), "\"it's\"");
        assert_eq!(value(&DefaultValue::Sql("0".into()), &ColumnType::I32), "0");
        assert_eq!(value(&DefaultValue::Sql("'-1'::integer".into()), &ColumnType::I32), "-1");
        assert_eq!(value(&DefaultValue::Sql("(-1)".into()), &ColumnType::I64), "-1");
        assert_eq!(value(&DefaultValue::Sql("true".into()), &ColumnType::Bool), "true");
        // SQLite's `BOOLEAN NOT NULL DEFAULT 0`, read from its DDL.
        assert_eq!(value(&DefaultValue::Int("0".into()), &ColumnType::Bool), "false");
        assert_eq!(value(&DefaultValue::Int("1".into()), &ColumnType::Bool), "true");
        assert_eq!(value(&DefaultValue::Sql("now()".into()), &ColumnType::TimestampTz), "now()");
        assert_eq!(value(&DefaultValue::Sql("CURRENT_TIMESTAMP".into()), &ColumnType::Timestamp), "now()");
        assert_eq!(value(&DefaultValue::Sql("lower('X')".into()), &ColumnType::Text), "sql(\"lower('X')\")");
    }

    #[test]
    fn checks_lose_the_catalogs_wrapping() {
        assert_eq!(check_body("CHECK ((qty > 0))"), "qty > 0");
        assert_eq!(check_body("CHECK ((a > 0) AND (b > 0)) NOT VALID"), "(a > 0) AND (b > 0)");
        assert_eq!(check_body("length(body) > 0"), "length(body) > 0");
    }
}
