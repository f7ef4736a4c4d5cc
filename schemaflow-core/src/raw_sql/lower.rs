//! One parsed statement to model operations: the DDL the model replays
//! becomes the operation the DSL produces for it; the rest is classified
//! (see [`super::classify`]).

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption, CreateIndex, CreateTable, Expr,
    GeneratedAs, GeneratedExpressionMode, Ident, ObjectType, ReferentialAction, RenameTableNameKind, Statement,
    TableConstraint, UserDefinedTypeRepresentation,
};
use sqlparser::ast::{AlterType, AlterTypeAddValuePosition as AlterTypePosition, AlterTypeOperation};
use sqlparser::tokenizer::Token;

use super::classify::{self, object};
use super::types::{column_type, default, ident, object_name};
use super::{Flavor, split};
use crate::model::{Column, Constraint, ConstraintKind, DefaultValue, FkAction, Index, Op, RawClass, Table, naming};

/// The operations of one parsed statement.
pub fn lower(statement: &Statement, flavor: Flavor) -> Vec<Op> {
    match statement {
        Statement::CreateTable(t) => create_table(t, flavor),
        Statement::AlterTable(a) => alter_table(a, flavor),
        Statement::CreateIndex(i) => vec![create_index(i)],
        Statement::Drop { object_type: ObjectType::Table, names, if_exists, cascade, .. } => names
            .iter()
            .map(|n| Op::DropTable { table: object_name(n), if_exists: *if_exists, cascade: *cascade })
            .collect(),
        Statement::Drop { object_type: ObjectType::Index, names, if_exists, .. } => names
            .iter()
            .map(|n| Op::DropIndex { name: object_name(n), concurrently: false, if_exists: *if_exists })
            .collect(),
        Statement::CreateType { name, representation: Some(UserDefinedTypeRepresentation::Enum { labels }) } => {
            vec![Op::CreateEnum { name: object_name(name), values: labels.iter().map(|l| l.value.clone()).collect() }]
        }
        Statement::AlterType(AlterType { name, operation: AlterTypeOperation::AddValue(add) }) => {
            vec![Op::AddEnumValue {
                name: object_name(name),
                value: add.value.value.clone(),
                position: add.position.as_ref().map(|p| match p {
                    AlterTypePosition::Before(w) => (true, w.value.clone()),
                    AlterTypePosition::After(w) => (false, w.value.clone()),
                }),
            }]
        }
        other => vec![classify::classify(other)],
    }
}

/// Operations for a statement the parser does not read but whose effect
/// is known from its words: `DROP INDEX CONCURRENTLY [IF EXISTS] name`
/// (which the parser refuses), and `DO` blocks (anonymous code: not
/// analysed).
pub fn unparsed(text: &str) -> Option<Vec<Op>> {
    let tokens = split::tokens(text).ok()?;
    let words: Vec<&Token> = tokens.iter().map(|t| &t.token).filter(|t| !matches!(t, Token::Whitespace(_))).collect();
    let word = |i: usize| match words.get(i) {
        Some(Token::Word(w)) => Some(w.value.to_ascii_uppercase()),
        _ => None,
    };
    if word(0).as_deref() == Some("DO") {
        return Some(vec![object("DO", RawClass::Unanalysed, None, None)]);
    }
    if (word(0).as_deref(), word(1).as_deref(), word(2).as_deref())
        != (Some("DROP"), Some("INDEX"), Some("CONCURRENTLY"))
    {
        return None;
    }
    // The same statement without CONCURRENTLY, read by the parser.
    let without: String = tokens
        .iter()
        .filter(|t| !matches!(&t.token, Token::Word(w) if w.value.eq_ignore_ascii_case("concurrently")))
        .map(|t| t.token.to_string())
        .collect();
    let parsed = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, &without).ok()?;
    match parsed.as_slice() {
        [Statement::Drop { object_type: ObjectType::Index, names, if_exists, .. }] => Some(
            names
                .iter()
                .map(|n| Op::DropIndex { name: object_name(n), concurrently: true, if_exists: *if_exists })
                .collect(),
        ),
        _ => None,
    }
}

fn create_table(t: &CreateTable, flavor: Flavor) -> Vec<Op> {
    let name = object_name(&t.name);
    if t.query.is_some() || t.like.is_some() || t.clone.is_some() || t.columns.is_empty() {
        // CREATE TABLE … AS / LIKE: columns the model cannot know.
        return vec![object("CREATE TABLE AS", RawClass::Unanalysed, Some(name), None)];
    }
    let mut table =
        Table { name: name.clone(), columns: Vec::new(), constraints: Vec::new(), if_not_exists: t.if_not_exists };
    let mut checks = 0;
    for def in &t.columns {
        let (column, constraints) = column(&name, def, flavor, &mut checks);
        table.columns.push(column);
        table.constraints.extend(constraints);
    }
    for c in &t.constraints {
        if let Some(constraint) = table_constraint(&name, c, &mut checks) {
            table.constraints.push(constraint);
        }
    }
    // A primary key's columns are NOT NULL.
    let key: Vec<String> = table.primary_key().map(<[String]>::to_vec).unwrap_or_default();
    for c in table.columns.iter_mut().filter(|c| key.contains(&c.name)) {
        c.nullable = false;
    }
    if flavor == Flavor::Sqlite {
        // `INTEGER PRIMARY KEY` aliases the rowid, which SQLite fills in.
        if let [only] = key.as_slice()
            && let Some(c) = table.columns.iter_mut().find(|c| c.name == *only && c.ty == crate::model::ColumnType::I64)
        {
            c.identity = true;
        }
    }
    vec![Op::CreateTable(table)]
}

/// A column and the constraints written on it.
fn column(table: &str, def: &ColumnDef, flavor: Flavor, checks: &mut usize) -> (Column, Vec<Constraint>) {
    let name = ident(&def.name);
    let (ty, generated) = column_type(&def.data_type, flavor);
    let mut column =
        Column { name: name.clone(), ty, nullable: true, default: None, identity: generated, generated: None };
    let mut constraints = Vec::new();
    let one = || vec![name.clone()];
    for option in &def.options {
        let explicit = option.name.as_ref().map(ident);
        match &option.option {
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Null => column.nullable = true,
            ColumnOption::Default(expr) => column.default = default(expr),
            // `GENERATED ALWAYS AS (expr) [STORED | VIRTUAL]`: computed from
            // the row (PostgreSQL before 18 has only STORED; SQLite defaults
            // to VIRTUAL).
            ColumnOption::Generated { generation_expr: Some(expr), generation_expr_mode, .. } => {
                let stored = match generation_expr_mode {
                    Some(GeneratedExpressionMode::Stored) => true,
                    Some(GeneratedExpressionMode::Virtual) => false,
                    None => flavor == Flavor::Postgres,
                };
                column.generated = Some(crate::model::Generated { expr: expr.to_string(), stored });
            }
            ColumnOption::Generated { generated_as: GeneratedAs::Always | GeneratedAs::ByDefault, .. } => {
                column.identity = true;
            }
            ColumnOption::Identity(_) => column.identity = true,
            ColumnOption::PrimaryKey(_) => {
                column.nullable = false;
                constraints.push(Constraint::new(
                    explicit.unwrap_or_else(|| naming::primary_key(table)),
                    ConstraintKind::PrimaryKey { columns: one() },
                ));
            }
            ColumnOption::Unique(_) => constraints.push(Constraint::new(
                explicit.unwrap_or_else(|| naming::unique(table, &one())),
                ConstraintKind::Unique { columns: one() },
            )),
            ColumnOption::ForeignKey(fk) => constraints.push(Constraint::new(
                explicit.unwrap_or_else(|| naming::foreign_key(table, &one())),
                ConstraintKind::ForeignKey {
                    columns: one(),
                    ref_table: object_name(&fk.foreign_table),
                    ref_columns: fk.referred_columns.iter().map(ident).collect(),
                    on_delete: action(fk.on_delete),
                    on_update: action(fk.on_update),
                },
            )),
            ColumnOption::Check(check) => {
                *checks += 1;
                constraints.push(Constraint::new(
                    explicit.unwrap_or_else(|| naming::check(table, Some(&name), 0)),
                    ConstraintKind::Check { expr: check.expr.to_string() },
                ));
            }
            _ => {}
        }
    }
    // SQLite has no boolean values: `BOOLEAN DEFAULT 0` is how it writes
    // `false` (and how schemaflow writes it there).
    if flavor == Flavor::Sqlite
        && column.ty == crate::model::ColumnType::Bool
        && let Some(DefaultValue::Int(n)) = &column.default
        && let Some(b) = match n.as_str() {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        }
    {
        column.default = Some(DefaultValue::Bool(b));
    }
    (column, constraints)
}

fn table_constraint(table: &str, c: &TableConstraint, checks: &mut usize) -> Option<Constraint> {
    let names = |columns: &[Ident]| columns.iter().map(ident).collect::<Vec<_>>();
    Some(match c {
        TableConstraint::PrimaryKey(pk) => {
            let columns = index_columns(&pk.columns)?;
            Constraint::new(
                pk.name.as_ref().map(ident).unwrap_or_else(|| naming::primary_key(table)),
                ConstraintKind::PrimaryKey { columns },
            )
        }
        TableConstraint::Unique(u) => {
            let columns = index_columns(&u.columns)?;
            Constraint::new(
                u.name.as_ref().map(ident).unwrap_or_else(|| naming::unique(table, &columns)),
                ConstraintKind::Unique { columns },
            )
        }
        TableConstraint::ForeignKey(fk) => {
            let columns = names(&fk.columns);
            Constraint::new(
                fk.name.as_ref().map(ident).unwrap_or_else(|| naming::foreign_key(table, &columns)),
                ConstraintKind::ForeignKey {
                    columns,
                    ref_table: object_name(&fk.foreign_table),
                    ref_columns: names(&fk.referred_columns),
                    on_delete: action(fk.on_delete),
                    on_update: action(fk.on_update),
                },
            )
        }
        TableConstraint::Check(check) => {
            let name = check.name.as_ref().map(ident).unwrap_or_else(|| {
                let first = first_column(&check.expr);
                let n = *checks;
                *checks += 1;
                naming::check(table, first.as_deref(), if first.is_some() { 0 } else { n })
            });
            Constraint::new(name, ConstraintKind::Check { expr: check.expr.to_string() })
        }
        _ => return None,
    })
}

/// The plain column names of an index or key, or `None` when a part is an
/// expression.
fn index_columns(columns: &[sqlparser::ast::IndexColumn]) -> Option<Vec<String>> {
    columns
        .iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) if c.operator_class.is_none() => Some(ident(i)),
            _ => None,
        })
        .collect()
}

fn action(a: Option<ReferentialAction>) -> FkAction {
    match a {
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
        Some(ReferentialAction::NoAction) | None => FkAction::NoAction,
    }
}

/// The first column an expression names, as PostgreSQL picks it for the
/// name of a table-level check (`CHECK (qty > 0)` on `t` is `t_qty_check`).
fn first_column(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(i) => Some(ident(i)),
        Expr::CompoundIdentifier(parts) => parts.last().map(ident),
        Expr::BinaryOp { left, right, .. } => first_column(left).or_else(|| first_column(right)),
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr)
        | Expr::IsTrue(expr)
        | Expr::IsFalse(expr)
        | Expr::Cast { expr, .. } => first_column(expr),
        Expr::Between { expr, .. } | Expr::Like { expr, .. } | Expr::ILike { expr, .. } => first_column(expr),
        Expr::Function(f) => match &f.args {
            sqlparser::ast::FunctionArguments::List(list) => list.args.iter().find_map(|a| match a {
                sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(e)) => first_column(e),
                _ => None,
            }),
            _ => None,
        },
        _ => None,
    }
}

fn alter_table(a: &AlterTable, flavor: Flavor) -> Vec<Op> {
    let table = object_name(&a.name);
    let mut ops = Vec::new();
    let mut checks = 0;
    for operation in &a.operations {
        match operation {
            AlterTableOperation::AddColumn { column_def, .. } => {
                let (column, constraints) = column(&table, column_def, flavor, &mut checks);
                ops.push(Op::AddColumn { table: table.clone(), column });
                ops.extend(constraints.into_iter().map(|constraint| Op::AddConstraint {
                    table: table.clone(),
                    constraint,
                    online: false,
                }));
            }
            AlterTableOperation::DropColumn { column_names, if_exists, drop_behavior, .. } => {
                let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
                ops.extend(column_names.iter().map(|c| Op::DropColumn {
                    table: table.clone(),
                    column: ident(c),
                    if_exists: *if_exists,
                    cascade,
                }));
            }
            AlterTableOperation::RenameColumn { old_column_name, new_column_name } => ops.push(Op::RenameColumn {
                table: table.clone(),
                from: ident(old_column_name),
                to: ident(new_column_name),
            }),
            AlterTableOperation::RenameTable {
                table_name: RenameTableNameKind::To(to) | RenameTableNameKind::As(to),
            } => ops.push(Op::RenameTable { from: table.clone(), to: object_name(to) }),
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column = ident(column_name);
                let table = table.clone();
                ops.push(match op {
                    AlterColumnOperation::SetNotNull => Op::SetNotNull { table, column },
                    AlterColumnOperation::DropNotNull => Op::DropNotNull { table, column },
                    AlterColumnOperation::SetDefault { value: v } => match default(v) {
                        Some(default) => Op::SetDefault { table, column, default },
                        None => Op::DropDefault { table, column },
                    },
                    AlterColumnOperation::DropDefault => Op::DropDefault { table, column },
                    AlterColumnOperation::SetDataType { data_type, using, .. } => Op::AlterColumnType {
                        table,
                        column,
                        ty: column_type(data_type, flavor).0,
                        using: using.as_ref().map(ToString::to_string),
                    },
                    _ => object("ALTER TABLE", RawClass::Unanalysed, Some(table), None),
                });
            }
            AlterTableOperation::AddConstraint {
                constraint:
                    c @ (TableConstraint::PrimaryKeyUsingIndex(using) | TableConstraint::UniqueUsingIndex(using)),
                ..
            } => ops.push(Op::AttachIndex {
                table: table.clone(),
                // Without a name of its own, the constraint takes the index's.
                name: ident(using.name.as_ref().unwrap_or(&using.index_name)),
                index: ident(&using.index_name),
                primary_key: matches!(c, TableConstraint::PrimaryKeyUsingIndex(_)),
            }),
            AlterTableOperation::AddConstraint { constraint, not_valid } => {
                match table_constraint(&table, constraint, &mut checks) {
                    Some(mut constraint) => {
                        constraint.not_valid = *not_valid;
                        ops.push(Op::AddConstraint { table: table.clone(), constraint, online: false });
                    }
                    None => ops.push(object("ALTER TABLE", RawClass::Unanalysed, Some(table.clone()), None)),
                }
            }
            AlterTableOperation::DropConstraint { name, .. } => {
                ops.push(Op::DropConstraint { table: table.clone(), name: ident(name) });
            }
            AlterTableOperation::ValidateConstraint { name } => {
                ops.push(Op::ValidateConstraint { table: table.clone(), name: ident(name) });
            }
            AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableAlwaysTrigger { .. }
            | AlterTableOperation::EnableReplicaTrigger { .. }
            | AlterTableOperation::EnableRowLevelSecurity
            | AlterTableOperation::DisableRowLevelSecurity
            | AlterTableOperation::ForceRowLevelSecurity
            | AlterTableOperation::NoForceRowLevelSecurity
            | AlterTableOperation::ReplicaIdentity { .. } => {
                ops.push(object("ALTER TABLE", RawClass::Object, Some(table.clone()), None));
            }
            _ => ops.push(object("ALTER TABLE", RawClass::Unanalysed, Some(table.clone()), None)),
        }
    }
    ops
}

fn create_index(i: &CreateIndex) -> Op {
    let table = object_name(&i.table_name);
    let plain = index_columns(&i.columns).filter(|_| {
        i.using.is_none()
            && i.include.is_empty()
            && i.columns.iter().all(|c| c.column.options.sort.is_none() && c.column.options.nulls_first.is_none())
    });
    let (columns, key) = match plain {
        Some(columns) => (columns, None),
        None => {
            let mut used = Vec::new();
            for c in &i.columns {
                collect_columns(&c.column.expr, &mut used);
            }
            let key = i.columns.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            let key = match &i.using {
                Some(method) => format!("USING {method} ({key})"),
                None => format!("({key})"),
            };
            let key = if i.include.is_empty() {
                key
            } else {
                format!("{key} INCLUDE ({})", i.include.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
            };
            (used, Some(key))
        }
    };
    let name = match &i.name {
        Some(n) => object_name(n),
        None if key.is_none() => naming::index(&table, &columns),
        None => naming::index(&table, &[expression_word(&i.columns)]),
    };
    Op::CreateIndex(Index {
        name,
        table,
        columns,
        unique: i.unique,
        predicate: i.predicate.as_ref().map(ToString::to_string),
        key,
        concurrently: i.concurrently,
        if_not_exists: i.if_not_exists,
    })
}

/// The word PostgreSQL names an expression index after: the first
/// function called, or `expr`.
fn expression_word(columns: &[sqlparser::ast::IndexColumn]) -> String {
    columns
        .iter()
        .find_map(|c| match &c.column.expr {
            Expr::Identifier(i) => Some(ident(i)),
            Expr::Function(f) => Some(object_name(&f.name)),
            _ => None,
        })
        .unwrap_or_else(|| "expr".to_owned())
}

/// Every column an expression names, in order, once each.
fn collect_columns(expr: &Expr, out: &mut Vec<String>) {
    let mut push = |name: String| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    match expr {
        Expr::Identifier(i) => push(ident(i)),
        Expr::CompoundIdentifier(parts) => {
            if let Some(last) = parts.last() {
                push(ident(last));
            }
        }
        Expr::BinaryOp { left, right, .. } => {
            collect_columns(left, out);
            collect_columns(right, out);
        }
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr)
        | Expr::Cast { expr, .. }
        | Expr::Collate { expr, .. } => collect_columns(expr, out),
        Expr::Function(f) => {
            if let sqlparser::ast::FunctionArguments::List(list) = &f.args {
                for a in &list.args {
                    if let sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(e)) = a {
                        collect_columns(e, out);
                    }
                }
            }
        }
        _ => {}
    }
}
