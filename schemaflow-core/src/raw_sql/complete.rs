//! Whether a parsed statement says nothing more than the operations it is
//! read into: no storage parameter, collation, precision, `IF EXISTS` on an
//! `ALTER TABLE`, deferrable constraint or other clause the model does not
//! keep. Only such a statement can be written as a DSL step without losing
//! part of what it does (`cargo schemaflow import`).
//!
//! Each check compares the statement with the same statement stripped of
//! the parts the reader keeps: any other part left set means the reader
//! dropped it.

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption, CreateIndex, CreateTable, DataType,
    NullsDistinctOption, ObjectName, ObjectType, Statement, TableConstraint, UserDefinedTypeRepresentation,
};
use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// Whether `statement`'s operations say all it does.
pub fn complete(statement: &Statement) -> bool {
    match statement {
        Statement::CreateTable(t) => create_table(t),
        Statement::AlterTable(a) => alter_table(a),
        Statement::CreateIndex(i) => create_index(i),
        Statement::Drop { object_type, names, restrict, purge, temporary, table, cascade, .. } => {
            // CASCADE is modelled for a table, not for an index (it drops
            // the foreign keys that rely on that index).
            let cascade_kept = *object_type == ObjectType::Table || !cascade;
            matches!(object_type, ObjectType::Table | ObjectType::Index)
                && cascade_kept
                && !names.is_empty()
                && names.iter().all(plain)
                && !restrict
                && !purge
                && !temporary
                && table.is_none()
        }
        Statement::CreateType { name, representation: Some(UserDefinedTypeRepresentation::Enum { .. }) } => plain(name),
        Statement::AlterType(sqlparser::ast::AlterType {
            name,
            operation: sqlparser::ast::AlterTypeOperation::AddValue(_),
        }) => plain(name),
        _ => false,
    }
}

/// The first statement of `sql` as each dialect parses it.
fn reference(sql: &str) -> Vec<Statement> {
    [&PostgreSqlDialect {} as &dyn sqlparser::dialect::Dialect, &SQLiteDialect {}]
        .into_iter()
        .filter_map(|d| Parser::parse_sql(d, sql).ok()?.into_iter().next())
        .collect()
}

fn create_table(t: &CreateTable) -> bool {
    let mut stripped = t.clone();
    stripped.columns = Vec::new();
    stripped.constraints = Vec::new();
    stripped.if_not_exists = false;
    let same_shell = reference("CREATE TABLE t ()").into_iter().any(|r| match r {
        Statement::CreateTable(mut r) => {
            r.name = t.name.clone();
            r == stripped
        }
        _ => false,
    });
    same_shell && plain(&t.name) && t.columns.iter().all(column) && t.constraints.iter().all(table_constraint)
}

/// A column whose type maps without loss and whose options the model keeps.
fn column(def: &ColumnDef) -> bool {
    exact_type(&def.data_type)
        && def.options.iter().all(|o| match &o.option {
            ColumnOption::Null | ColumnOption::NotNull | ColumnOption::Default(_) => true,
            ColumnOption::PrimaryKey(pk) => primary_key(pk),
            ColumnOption::Unique(u) => unique(u),
            ColumnOption::ForeignKey(fk) => foreign_key(fk),
            ColumnOption::Check(c) => {
                o.name.is_some() && check(&sqlparser::ast::CheckConstraint { name: o.name.clone(), ..c.clone() })
            }
            ColumnOption::Generated { generation_expr: Some(_), sequence_options: None, .. } => true,
            _ => false,
        })
}

/// Whether the model's type for `ty` is the type the database creates for
/// it: no precision, time zone spelling or length the model drops.
fn exact_type(ty: &DataType) -> bool {
    match ty {
        DataType::Timestamp(precision, _) | DataType::Time(precision, _) => precision.is_none(),
        // A quoted type name keeps its case, which the model does not.
        DataType::Custom(name, _) => name.0.iter().all(|p| p.as_ident().is_none_or(|i| i.quote_style.is_none())),
        // `varchar` without a length is `text` in the model, not in the catalog.
        DataType::Varchar(None) | DataType::CharacterVarying(None) | DataType::CharVarying(None) => false,
        DataType::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(inner, size)) => {
            size.is_none() && exact_type(inner)
        }
        _ => true,
    }
}

fn table_constraint(c: &TableConstraint) -> bool {
    match c {
        TableConstraint::PrimaryKey(pk) => primary_key(pk),
        TableConstraint::Unique(u) => unique(u),
        TableConstraint::ForeignKey(fk) => foreign_key(fk),
        TableConstraint::Check(c) => check(c),
        TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) => u.characteristics.is_none(),
        _ => false,
    }
}

fn alter_table(a: &AlterTable) -> bool {
    let shell = plain(&a.name) && !a.if_exists && !a.only && a.location.is_none() && a.on_cluster.is_none();
    shell
        && a.operations.iter().all(|op| match op {
            AlterTableOperation::AddColumn { if_not_exists, column_def, column_position, .. } => {
                !if_not_exists && column_position.is_none() && column(column_def)
            }
            AlterTableOperation::DropColumn { drop_behavior, .. } => {
                !matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Restrict))
            }
            AlterTableOperation::RenameColumn { .. } | AlterTableOperation::ValidateConstraint { .. } => true,
            AlterTableOperation::RenameTable { .. } => true,
            AlterTableOperation::AlterColumn { op, .. } => match op {
                AlterColumnOperation::SetNotNull
                | AlterColumnOperation::DropNotNull
                | AlterColumnOperation::SetDefault { .. }
                | AlterColumnOperation::DropDefault => true,
                AlterColumnOperation::SetDataType { data_type, .. } => exact_type(data_type),
                _ => false,
            },
            AlterTableOperation::AddConstraint { constraint, .. } => table_constraint(constraint),
            AlterTableOperation::DropConstraint { if_exists, drop_behavior, .. } => {
                !if_exists && drop_behavior.is_none()
            }
            _ => false,
        })
}

fn create_index(i: &CreateIndex) -> bool {
    let mut stripped = i.clone();
    let same_shell = reference("CREATE INDEX i ON t (c)").into_iter().any(|r| match r {
        Statement::CreateIndex(r) => {
            stripped.name = r.name.clone();
            stripped.table_name = r.table_name.clone();
            stripped.using = r.using.clone();
            stripped.columns = r.columns.clone();
            stripped.unique = r.unique;
            stripped.concurrently = r.concurrently;
            stripped.if_not_exists = r.if_not_exists;
            stripped.include = r.include.clone();
            stripped.predicate = r.predicate.clone();
            r == stripped
        }
        _ => false,
    });
    // Without a name, PostgreSQL names it after the key: the model knows
    // that name for a plain list of columns only.
    let plain_key = i.using.is_none()
        && i.include.is_empty()
        && i.columns.iter().all(|c| {
            matches!(c.column.expr, sqlparser::ast::Expr::Identifier(_))
                && c.operator_class.is_none()
                && c.column.options.sort.is_none()
                && c.column.options.nulls_first.is_none()
        });
    (i.name.is_some() || plain_key)
        && same_shell
        && plain(&i.table_name)
        && i.name.as_ref().is_none_or(plain)
        && i.columns.iter().all(|c| c.column.with_fill.is_none())
}

fn primary_key(pk: &sqlparser::ast::PrimaryKeyConstraint) -> bool {
    pk.index_name.is_none()
        && pk.index_type.is_none()
        && pk.include.is_empty()
        && pk.index_options.is_empty()
        && pk.characteristics.is_none()
}

fn unique(u: &sqlparser::ast::UniqueConstraint) -> bool {
    u.index_name.is_none()
        && u.index_type.is_none()
        && u.include.is_empty()
        && u.index_options.is_empty()
        && u.characteristics.is_none()
        && u.nulls_distinct == NullsDistinctOption::None
}

/// A check with its own name: an unnamed one gets the name PostgreSQL
/// picks, which the model guesses and the DSL would write down.
fn check(c: &sqlparser::ast::CheckConstraint) -> bool {
    c.name.is_some() && !c.no_inherit && c.enforced.is_none()
}

fn foreign_key(fk: &sqlparser::ast::ForeignKeyConstraint) -> bool {
    fk.index_name.is_none() && fk.match_kind.is_none() && fk.characteristics.is_none() && plain(&fk.foreign_table)
}

/// A name without a schema: the model (and the DSL) names objects in the
/// connection's schema.
fn plain(name: &ObjectName) -> bool {
    name.0.len() == 1
}
