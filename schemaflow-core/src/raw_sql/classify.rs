//! Statements outside the replayed model, classified by what they do to
//! a live database: an object with no rows, a data change, the session,
//! transaction control, or something not analysed.

use sqlparser::ast::{
    ContextModifier, CreateFunction, Expr, FromTable, ObjectType, Reset, Set, SetExpr, Statement, TableFactor,
    TableObject, TableWithJoins, Value,
};

use super::types::object_name;
use crate::model::{Op, RawClass, RawStatement, SessionSetting};

/// A classified statement.
pub fn object(kind: &str, class: RawClass, table: Option<String>, inverse: Option<String>) -> Op {
    Op::Sql(RawStatement {
        kind: kind.to_owned(),
        class,
        table,
        inverse,
        setting: None,
        object: None,
        definition: None,
        copied_from: None,
    })
}

/// The same statement, naming the object it creates or drops.
fn named(op: Op, name: Option<String>) -> Op {
    match op {
        Op::Sql(s) => Op::Sql(RawStatement { object: name, ..s }),
        other => other,
    }
}

/// The class of a statement that is not replayed.
pub fn classify(statement: &Statement) -> Op {
    use RawClass::*;
    match statement {
        Statement::CreateView(v) => {
            let what = if v.materialized { "MATERIALIZED VIEW" } else { "VIEW" };
            let name = v.name.to_string();
            let inverse = (!v.or_replace && !v.or_alter).then(|| format!("DROP {what} {name}"));
            // A materialized view is filled by running its query.
            let class = if v.materialized { Unanalysed } else { Object };
            named(object(&format!("CREATE {what}"), class, None, inverse), Some(object_name(&v.name)))
        }
        Statement::CreateFunction(f) => {
            named(object("CREATE FUNCTION", Object, None, drop_function(f)), Some(object_name(&f.name)))
        }
        Statement::CreateTrigger(t) => {
            let table = object_name(&t.table_name);
            let inverse = (!t.or_replace).then(|| format!("DROP TRIGGER {} ON {}", t.name, t.table_name));
            named(object("CREATE TRIGGER", Object, Some(table), inverse), Some(object_name(&t.name)))
        }
        Statement::DropTrigger(t) => named(
            object("DROP TRIGGER", Object, t.table_name.as_ref().map(object_name), None),
            Some(object_name(&t.trigger_name)),
        ),
        Statement::CreateExtension(e) => {
            let inverse = (!e.if_not_exists).then(|| format!("DROP EXTENSION {}", e.name));
            object("CREATE EXTENSION", Object, None, inverse)
        }
        Statement::CreateType { name, .. } => object("CREATE TYPE", Object, None, Some(format!("DROP TYPE {name}"))),
        Statement::CreateSequence { name, if_not_exists, .. } => {
            object("CREATE SEQUENCE", Object, None, (!if_not_exists).then(|| format!("DROP SEQUENCE {name}")))
        }
        Statement::CreateSchema { schema_name, if_not_exists, .. } => {
            object("CREATE SCHEMA", Object, None, (!if_not_exists).then(|| format!("DROP SCHEMA {schema_name}")))
        }
        Statement::CreateDomain(_) => object("CREATE DOMAIN", Object, None, None),
        Statement::CreateRole(_) => object("CREATE ROLE", Object, None, None),
        Statement::CreatePolicy(_) => object("CREATE POLICY", Object, None, None),
        Statement::Drop { object_type, names, cascade, .. } => {
            let class = match object_type {
                // Dropping these loses what they held.
                ObjectType::Schema | ObjectType::Database | ObjectType::MaterializedView => Unanalysed,
                // CASCADE drops what uses a type (the columns of that type)
                // or a sequence (the defaults that take its values): an
                // effect on tables the model does not follow.
                ObjectType::Type | ObjectType::Sequence if *cascade => Unanalysed,
                _ => Object,
            };
            named(object(&format!("DROP {object_type}"), class, None, None), names.first().map(object_name))
        }
        // CASCADE drops the triggers that call the function and the
        // defaults and checks that use it.
        Statement::DropFunction(d) => {
            let class = if cascades(d.drop_behavior) { Unanalysed } else { Object };
            named(object("DROP FUNCTION", class, None, None), d.func_desc.first().map(|f| object_name(&f.name)))
        }
        // CASCADE drops the columns of the extension's types (`citext`).
        Statement::DropExtension(e) => {
            let cascade = matches!(e.cascade_or_restrict, Some(sqlparser::ast::ReferentialAction::Cascade));
            object("DROP EXTENSION", if cascade { Unanalysed } else { Object }, None, None)
        }
        // CASCADE drops the columns of that domain.
        Statement::DropDomain(d) => {
            object("DROP DOMAIN", if cascades(d.drop_behavior) { Unanalysed } else { Object }, None, None)
        }
        Statement::DropPolicy(_) => object("DROP POLICY", Object, None, None),
        Statement::AlterType(_) => object("ALTER TYPE", Object, None, None),
        Statement::AlterFunction(_) => object("ALTER FUNCTION", Object, None, None),
        Statement::AlterView(_) => object("ALTER VIEW", Object, None, None),
        Statement::AlterRole { .. } => object("ALTER ROLE", Object, None, None),
        Statement::AlterSchema(_) => object("ALTER SCHEMA", Object, None, None),
        Statement::AlterIndex { .. } => object("ALTER INDEX", Object, None, None),
        Statement::Comment { .. } => object("COMMENT", Object, None, None),
        Statement::Grant(_) => object("GRANT", Object, None, None),
        Statement::Revoke(_) => object("REVOKE", Object, None, None),
        Statement::AlterDefaultPrivileges(_) => object("ALTER DEFAULT PRIVILEGES", Object, None, None),
        Statement::Update(u) => object("UPDATE", Data, Some(relation(&u.table)), None),
        Statement::Delete(d) => {
            let from = match &d.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            object("DELETE", Data, from.first().map(relation), None)
        }
        Statement::Insert(i) => {
            let table = match &i.table {
                TableObject::TableName(name) => Some(object_name(name)),
                _ => None,
            };
            let values = i.source.as_ref().is_none_or(|q| matches!(q.body.as_ref(), SetExpr::Values(_)));
            if values {
                object("INSERT", InsertValues, table, None)
            } else {
                match (object("INSERT … SELECT", Data, table, None), i.source.as_deref().and_then(whole_table)) {
                    (Op::Sql(s), Some(from)) => Op::Sql(RawStatement { copied_from: Some(from), ..s }),
                    (op, _) => op,
                }
            }
        }
        Statement::Merge(m) => object("MERGE", Data, Some(factor(&m.table)), None),
        Statement::Truncate(t) => object("TRUNCATE", Data, t.table_names.first().map(|t| object_name(&t.name)), None),
        // `WITH … UPDATE …` and friends: the data change inside.
        Statement::Query(q) => match q.body.as_ref() {
            SetExpr::Update(inner) | SetExpr::Delete(inner) | SetExpr::Insert(inner) | SetExpr::Merge(inner) => {
                classify(inner)
            }
            _ => object("SELECT", Session, None, None),
        },
        Statement::Set(set) => {
            let local = matches!(set, Set::SingleAssignment { scope: Some(ContextModifier::Local), .. })
                || matches!(set, Set::SetTimeZone { local: true, .. });
            let kind = if local { "SET LOCAL" } else { "SET" };
            session(kind, setting(set))
        }
        Statement::Reset(r) => session(
            "RESET",
            match &r.reset {
                Reset::ConfigurationParameter(name) => {
                    Some(SessionSetting { name: name.to_string().to_ascii_lowercase(), value: None, local: false })
                }
                Reset::ALL => Some(SessionSetting { name: "timezone".into(), value: None, local: false }),
                Reset::SessionAuthorization => None,
            },
        ),
        Statement::Analyze(_) => object("ANALYZE", Session, None, None),
        Statement::StartTransaction { .. } => object("BEGIN", TransactionControl, None, None),
        Statement::Commit { .. } => object("COMMIT", TransactionControl, None, None),
        Statement::Rollback { .. } => object("ROLLBACK", TransactionControl, None, None),
        Statement::Savepoint { .. } => object("SAVEPOINT", TransactionControl, None, None),
        Statement::ReleaseSavepoint { .. } => object("RELEASE SAVEPOINT", TransactionControl, None, None),
        Statement::Vacuum(_) => object("VACUUM", Outside, None, None),
        Statement::Lock(_) | Statement::LockTables { .. } => object("LOCK", Unanalysed, None, None),
        Statement::RefreshMaterializedView(_) => object("REFRESH MATERIALIZED VIEW", Unanalysed, None, None),
        Statement::CreateTable(_) => object("CREATE TABLE", Unanalysed, None, None),
        other => {
            let text = other.to_string();
            let kind = super::split::leading_words(&text, 2).join(" ");
            object(&kind, Unanalysed, None, None)
        }
    }
}

/// A statement that changes the session, with the setting it changes.
fn session(kind: &str, setting: Option<SessionSetting>) -> Op {
    Op::Sql(RawStatement {
        kind: kind.to_owned(),
        class: RawClass::Session,
        table: None,
        inverse: None,
        setting,
        object: None,
        definition: None,
        copied_from: None,
    })
}

/// The setting a `SET` changes, when it names one setting.
fn setting(set: &Set) -> Option<SessionSetting> {
    let value = |values: &[Expr]| match values {
        [Expr::Identifier(word)] if word.value.eq_ignore_ascii_case("default") => None,
        [Expr::Value(v)] => Some(match &v.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
            other => other.to_string(),
        }),
        [other] => Some(other.to_string()),
        _ => None,
    };
    match set {
        Set::SingleAssignment { scope, variable, values, .. } => Some(SessionSetting {
            name: variable.to_string().trim_matches('"').to_ascii_lowercase(),
            value: value(values),
            local: matches!(scope, Some(ContextModifier::Local)),
        }),
        Set::SetTimeZone { local, value: v } => {
            Some(SessionSetting { name: "timezone".into(), value: value(std::slice::from_ref(v)), local: *local })
        }
        _ => None,
    }
}

/// `DROP FUNCTION name(types)` for a function that did not exist before
/// (`CREATE FUNCTION` without `OR REPLACE`).
fn drop_function(f: &CreateFunction) -> Option<String> {
    if f.or_replace || f.or_alter {
        return None;
    }
    let types: Vec<String> = f.args.iter().flatten().map(|a| a.data_type.to_string()).collect();
    Some(format!("DROP FUNCTION {}({})", f.name, types.join(", ")))
}

/// The table a query reads every row of: `SELECT … FROM t` with no
/// filter, join, grouping, `DISTINCT` or limit.
fn whole_table(query: &sqlparser::ast::Query) -> Option<String> {
    let SetExpr::Select(select) = query.body.as_ref() else { return None };
    let [from] = select.from.as_slice() else { return None };
    let plain = query.with.is_none()
        && query.limit_clause.is_none()
        && query.fetch.is_none()
        && select.selection.is_none()
        && select.having.is_none()
        && select.distinct.is_none()
        && from.joins.is_empty()
        && matches!(&select.group_by, sqlparser::ast::GroupByExpr::Expressions(e, m) if e.is_empty() && m.is_empty());
    match &from.relation {
        TableFactor::Table { name, .. } if plain => Some(object_name(name)),
        _ => None,
    }
}

fn relation(t: &TableWithJoins) -> String {
    factor(&t.relation)
}

fn factor(f: &TableFactor) -> String {
    match f {
        TableFactor::Table { name, .. } => object_name(name),
        other => other.to_string(),
    }
}

fn cascades(behavior: Option<sqlparser::ast::DropBehavior>) -> bool {
    matches!(behavior, Some(sqlparser::ast::DropBehavior::Cascade))
}
