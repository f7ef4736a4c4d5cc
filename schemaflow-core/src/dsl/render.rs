//! Model operations written back as DSL source: the steps of a baseline
//! (`cargo schemaflow init --from`) and of an imported migration
//! (`cargo schemaflow import`). What is written here is read back by the
//! DSL parser by its callers, which keep raw SQL wherever the two differ.

use sqlparser::ast::{Expr, Statement};

use crate::schema::Schema;

use crate::model::{
    Column, ColumnType, Constraint, ConstraintKind, DefaultFunction, DefaultValue, FkAction, Index, Op, Table,
};

/// One operation as DSL source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rendered {
    /// A step of its own (`create_table …`, `create_index …;`).
    Step(String),
    /// An item of `alter_table TABLE { … }`.
    AlterItem {
        /// The table.
        table: String,
        /// The item, without its comma.
        item: String,
    },
}

/// `op` as DSL source, or `None` when the DSL has no form for it.
pub fn op(op: &Op, before: &Schema) -> Option<Rendered> {
    let item = |table: &str, item: String| Some(Rendered::AlterItem { table: table.to_owned(), item });
    match op {
        Op::CreateTable(t) => Some(Rendered::Step(create_table(t, &t.constraints.iter().collect::<Vec<_>>()))),
        Op::DropTable { table, if_exists, cascade } => Some(Rendered::Step(format!(
            "drop_table {table}{}{};",
            flag(*if_exists, "if_exists"),
            flag(*cascade, "cascade")
        ))),
        Op::RenameTable { from, to } => Some(Rendered::Step(format!("rename_table {from} -> {to};"))),
        Op::CreateIndex(i) => create_index(i).map(Rendered::Step),
        Op::DropIndex { name, concurrently, if_exists } => Some(Rendered::Step(format!(
            "drop_index {name}{}{};",
            flag(*concurrently, "concurrently"),
            flag(*if_exists, "if_exists")
        ))),
        Op::CreateEnum { name, values } => Some(Rendered::Step(format!(
            "create_enum {name} {{ {} }}",
            values.iter().map(|v| string(v)).collect::<Vec<_>>().join(", ")
        ))),
        Op::AddEnumValue { name, value, position } => Some(Rendered::Step(format!(
            "alter_enum {name} add_value {}{};",
            string(value),
            match position {
                Some((true, other)) => format!(" before {}", string(other)),
                Some((false, other)) => format!(" after {}", string(other)),
                None => String::new(),
            }
        ))),
        Op::AddColumn { table, column: c } => item(table, format!("add_column {}", column(c, false))),
        Op::DropColumn { table, column, if_exists, cascade } => {
            item(table, format!("drop_column {column}{}{}", flag(*if_exists, "if_exists"), flag(*cascade, "cascade")))
        }
        Op::RenameColumn { table, from, to } => item(table, format!("rename_column {from} -> {to}")),
        Op::AlterColumnType { table, column, ty, using } => item(
            table,
            format!(
                "set_type {column}: {ty}{}",
                using.as_ref().map(|u| format!(" using {}", string(u))).unwrap_or_default()
            ),
        ),
        Op::SetNotNull { table, column } => item(table, format!("set_not_null {column}")),
        Op::DropNotNull { table, column } => item(table, format!("drop_not_null {column}")),
        Op::SetDefault { table, column, default } => {
            // A value is written for the column's type (`now()` for a timestamp).
            let ty = before.table(table).and_then(|t| t.column(column)).map(|c| c.ty.clone())?;
            item(table, format!("set_default {column} = {}", value(default, &ty)))
        }
        Op::DropDefault { table, column } => item(table, format!("drop_default {column}")),
        Op::AddConstraint { table, constraint: k, online: false } => {
            let not_valid = if k.not_valid { " not_valid validate_later" } else { "" };
            item(table, format!("add_constraint {} {}{not_valid}", k.name, constraint_body(k)))
        }
        Op::DropConstraint { table, name } => item(table, format!("drop_constraint {name}")),
        Op::AttachIndex { table, name, index, primary_key } => item(
            table,
            format!(
                "add_constraint {name} {} using index {index}",
                if *primary_key { "primary_key" } else { "unique" }
            ),
        ),
        Op::ValidateConstraint { table, name } => item(table, format!("validate_constraint {name}")),
        _ => None,
    }
}

fn flag(on: bool, word: &str) -> String {
    if on { format!(" {word}") } else { String::new() }
}

/// `create_table` of `table` with the `constraints` created with it: a
/// single-column primary key under its generated name on its column, the
/// others as named table constraints.
pub fn create_table(table: &Table, constraints: &[&Constraint]) -> String {
    let pk_default = format!("{}_pkey", table.name);
    // On its column only when it comes first, so that the constraints
    // keep their order.
    let inline_pk = constraints.first().and_then(|k| match &k.kind {
        ConstraintKind::PrimaryKey { columns } if columns.len() == 1 && k.name == pk_default => {
            Some(columns[0].as_str())
        }
        _ => None,
    });
    let mut lines: Vec<String> = table.columns.iter().map(|c| column(c, inline_pk == Some(c.name.as_str()))).collect();
    for k in constraints {
        if matches!(k.kind, ConstraintKind::PrimaryKey { .. }) && inline_pk.is_some() {
            continue;
        }
        lines.push(constraint(k));
    }
    let mut out = format!("create_table {}{} {{\n", table.name, flag(table.if_not_exists, "if_not_exists"));
    for line in lines {
        out.push_str(&format!("    {line},\n"));
    }
    out.push('}');
    out
}

/// A column as `create_table` and `add_column` write it, without the
/// constraints on it (those are table constraints).
pub fn column(c: &Column, primary_key: bool) -> String {
    let ty = if c.nullable { format!("Option<{}>", c.ty) } else { c.ty.to_string() };
    let mut out = format!("{}: {ty}", c.name);
    if let Some(default) = c.default.as_ref().filter(|_| !c.identity) {
        out.push_str(&format!(" = {}", value(default, &c.ty)));
    }
    if let Some(g) = &c.generated {
        out.push_str(&format!(" generated({}) {}", string(&g.expr), if g.stored { "stored" } else { "virtual" }));
    }
    if primary_key {
        out.push_str(" primary_key");
    }
    if c.identity {
        out.push_str(" identity");
    }
    out
}

/// `constraint NAME body`.
pub fn constraint(k: &Constraint) -> String {
    format!("constraint {} {}", k.name, constraint_body(k))
}

/// `unique(a, b)`, `check("…")`, `foreign_key(a) references t(b) …`.
pub fn constraint_body(k: &Constraint) -> String {
    let list = |columns: &[String]| columns.join(", ");
    match &k.kind {
        ConstraintKind::PrimaryKey { columns } => format!("primary_key({})", list(columns)),
        ConstraintKind::Unique { columns } => format!("unique({})", list(columns)),
        ConstraintKind::Check { expr } => format!("check({})", string(expr)),
        ConstraintKind::ForeignKey { columns, ref_table, ref_columns, on_delete, on_update } => {
            let mut out = format!("foreign_key({}) references {ref_table}({})", list(columns), list(ref_columns));
            if *on_delete != FkAction::NoAction {
                out.push_str(&format!(" on_delete {}", on_delete.keyword()));
            }
            if *on_update != FkAction::NoAction {
                out.push_str(&format!(" on_update {}", on_update.keyword()));
            }
            out
        }
    }
}

/// `create_index …;`, its key's items written back from the key's SQL
/// (`sql("lower(email)")`, operator classes, ordering, method, `include`).
pub fn create_index(index: &Index) -> Option<String> {
    let mut out = format!("create_index {} on {}", index.name, index.table);
    match &index.key {
        None => out.push_str(&format!("({})", index.columns.join(", "))),
        Some(key) => {
            let sql = format!("CREATE INDEX i ON t {key}");
            let parsed = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::PostgreSqlDialect {}, &sql).ok()?;
            let [Statement::CreateIndex(i)] = parsed.as_slice() else { return None };
            let mut items = Vec::new();
            for c in &i.columns {
                let mut item = match &c.column.expr {
                    Expr::Identifier(name) if name.quote_style.is_none() => name.value.to_ascii_lowercase(),
                    other => format!("sql({})", string(&other.to_string())),
                };
                if let Some(class) = &c.operator_class {
                    item.push_str(&format!(" {class}"));
                }
                match c.column.options.sort {
                    Some(sqlparser::ast::OrderBySort::Asc) => item.push_str(" asc"),
                    Some(sqlparser::ast::OrderBySort::Desc) => item.push_str(" desc"),
                    Some(_) => return None,
                    None => {}
                }
                match c.column.options.nulls_first {
                    Some(true) => item.push_str(" nulls first"),
                    Some(false) => item.push_str(" nulls last"),
                    None => {}
                }
                items.push(item);
            }
            out.push_str(&format!("({})", items.join(", ")));
            if let Some(method) = &i.using {
                out.push_str(&format!(" using {}", method.to_string().to_ascii_lowercase()));
            }
            if !i.include.is_empty() {
                let names: Vec<String> = i.include.iter().map(|n| n.value.to_ascii_lowercase()).collect();
                out.push_str(&format!(" include ({})", names.join(", ")));
            }
        }
    }
    if index.unique {
        out.push_str(" unique");
    }
    if let Some(predicate) = &index.predicate {
        out.push_str(&format!(" where {}", string(predicate)));
    }
    out.push_str(&flag(index.concurrently, "concurrently"));
    out.push_str(&flag(index.if_not_exists, "if_not_exists"));
    out.push(';');
    Some(out)
}

/// A Rust string literal of `text`: raw when it holds quotes.
pub fn string(text: &str) -> String {
    if !text.contains('"') {
        return format!("{text:?}");
    }
    raw_string(text)
}

/// A Rust raw string literal that holds `text` exactly, with as many `#`
/// as it needs.
pub fn raw_string(text: &str) -> String {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let h = "#".repeat(hashes);
    format!("r{h}\"{text}\"{h}")
}

/// A default as the DSL writes it: a literal or a known function where the
/// SQL is one (`'draft'::text`, `0`, `now()`), else `sql("…")`.
pub fn value(default: &DefaultValue, ty: &ColumnType) -> String {
    let sql = match default {
        DefaultValue::Bool(b) => return b.to_string(),
        // SQLite has no boolean: `BOOLEAN DEFAULT 0` stores an integer.
        DefaultValue::Int(s) if *ty == ColumnType::Bool && (s == "0" || s == "1") => return (s == "1").to_string(),
        DefaultValue::Int(s) | DefaultValue::Float(s) => return s.clone(),
        DefaultValue::Text(s) => return string(s),
        DefaultValue::Function(f) if fits(*f, ty) => return format!("{}()", f.name()),
        // Read from SQLite's DDL (`TEXT DEFAULT CURRENT_TIMESTAMP`): its SQL, as SQLite has it.
        DefaultValue::Function(_) => return format!("sql({})", string(&crate::dialect::sqlite::value(default))),
        DefaultValue::Sql(sql) => sql.trim(),
    };
    let bare = strip_cast(sql);
    let is_integer = |s: &str| {
        let digits = s.strip_prefix('-').unwrap_or(s);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    let unquoted =
        bare.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).filter(|s| !s.contains('\'') || s.contains("''"));
    match ty {
        ColumnType::Bool if matches!(bare.to_ascii_lowercase().as_str(), "true" | "false" | "1" | "0") => {
            return (matches!(bare.to_ascii_lowercase().as_str(), "true" | "1")).to_string();
        }
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 if is_integer(bare.trim_matches('\'')) => {
            return bare.trim_matches('\'').to_owned();
        }
        ColumnType::Text | ColumnType::Varchar(_) => {
            if let Some(text) = unquoted {
                return string(&text.replace("''", "'"));
            }
        }
        _ => {}
    }
    let lower = bare.to_ascii_lowercase();
    let function = match lower.as_str() {
        "now()" | "current_timestamp" if matches!(ty, ColumnType::Timestamp | ColumnType::TimestampTz) => {
            Some(DefaultFunction::Now)
        }
        "current_date" if *ty == ColumnType::Date => Some(DefaultFunction::CurrentDate),
        "gen_random_uuid()" if *ty == ColumnType::Uuid => Some(DefaultFunction::GenRandomUuid),
        _ => None,
    };
    match function {
        Some(f) => format!("{}()", f.name()),
        None => format!("sql({})", string(sql)),
    }
}

/// Whether the DSL accepts `f` as a default of a column of type `ty`.
fn fits(f: DefaultFunction, ty: &ColumnType) -> bool {
    match f {
        DefaultFunction::Now | DefaultFunction::ClockTimestamp => {
            matches!(ty, ColumnType::Timestamp | ColumnType::TimestampTz)
        }
        DefaultFunction::CurrentDate => *ty == ColumnType::Date,
        DefaultFunction::GenRandomUuid => *ty == ColumnType::Uuid,
        DefaultFunction::Random => matches!(ty, ColumnType::F32 | ColumnType::F64),
    }
}

/// `'x'::text` → `'x'`, `(-1)` → `-1`: PostgreSQL's stored form of a literal.
fn strip_cast(sql: &str) -> &str {
    let mut text = sql.trim();
    while let Some(inner) = crate::sql_text::enclosed(text) {
        text = inner.trim();
    }
    if text.starts_with('\'')
        && let Some(end) = text.rfind("'::")
        && !text[end + 3..].contains('\'')
    {
        return &text[..=end];
    }
    text
}
