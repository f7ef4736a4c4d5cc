//! SQL type names to the model's column types, and SQL defaults to the
//! model's values, so that a table created in raw SQL is the same table
//! the DSL would have created.

use sqlparser::ast::{
    ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, Expr, Ident, ObjectName, TimezoneInfo, UnaryOperator,
    Value,
};

use super::Flavor;
use crate::model::{ColumnType, DefaultFunction, DefaultValue};

/// A column's type, and whether the type itself generates its values
/// (`serial`, `bigserial`).
pub fn column_type(ty: &DataType, flavor: Flavor) -> (ColumnType, bool) {
    let sql = || ColumnType::Sql(ty.to_string().to_ascii_lowercase());
    let mapped = match ty {
        DataType::Bool | DataType::Boolean => ColumnType::Bool,
        DataType::SmallInt(_) | DataType::Int2(_) => ColumnType::I16,
        // SQLite's INTEGER is 64 bits (the rowid's type).
        DataType::Integer(_) if flavor == Flavor::Sqlite => ColumnType::I64,
        DataType::Int(_) | DataType::Int4(_) | DataType::Integer(_) => ColumnType::I32,
        DataType::BigInt(_) | DataType::Int8(_) => ColumnType::I64,
        DataType::Real | DataType::Float4 => ColumnType::F32,
        DataType::DoublePrecision | DataType::Float8 | DataType::Double(ExactNumberInfo::None) => ColumnType::F64,
        DataType::Numeric(ExactNumberInfo::PrecisionAndScale(p, s))
        | DataType::Decimal(ExactNumberInfo::PrecisionAndScale(p, s))
            if *s >= 0 =>
        {
            match (u32::try_from(*p), u32::try_from(*s)) {
                (Ok(precision), Ok(scale)) => ColumnType::Decimal { precision, scale },
                _ => sql(),
            }
        }
        DataType::Numeric(ExactNumberInfo::Precision(p)) | DataType::Decimal(ExactNumberInfo::Precision(p)) => {
            match u32::try_from(*p) {
                Ok(precision) => ColumnType::Decimal { precision, scale: 0 },
                Err(_) => sql(),
            }
        }
        DataType::Text => ColumnType::Text,
        // An unbounded varchar holds what text holds.
        DataType::Varchar(None) | DataType::CharacterVarying(None) | DataType::CharVarying(None) => ColumnType::Text,
        DataType::Varchar(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharacterVarying(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharVarying(Some(CharacterLength::IntegerLength { length, .. })) => match u32::try_from(*length) {
            Ok(n) => ColumnType::Varchar(n),
            Err(_) => sql(),
        },
        DataType::Bytea => ColumnType::Bytes,
        DataType::Blob(None) if flavor == Flavor::Sqlite => ColumnType::Bytes,
        DataType::Date => ColumnType::Date,
        DataType::Time(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => ColumnType::Time,
        DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => ColumnType::Timestamp,
        // SQLite's `DATETIME` (diesel's name) is a timestamp of numeric
        // affinity, as `TIMESTAMP` is there.
        DataType::Datetime(None) if flavor == Flavor::Sqlite => ColumnType::Timestamp,
        DataType::Timestamp(_, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz) => ColumnType::TimestampTz,
        DataType::Uuid => ColumnType::Uuid,
        DataType::JSONB => ColumnType::Json,
        DataType::Custom(name, modifiers) if modifiers.is_empty() => match object_name(name).as_str() {
            "serial" | "serial4" => return (ColumnType::I32, true),
            "bigserial" | "serial8" => return (ColumnType::I64, true),
            "smallserial" | "serial2" => return (ColumnType::I16, true),
            "timestamptz" => ColumnType::TimestampTz,
            "bool" => ColumnType::Bool,
            "citext" => ColumnType::Citext,
            _ => sql(),
        },
        // An array of a type the model names: `text[]`, `integer ARRAY`.
        DataType::Array(
            ArrayElemTypeDef::SquareBracket(element, _)
            | ArrayElemTypeDef::Qualified(element, _)
            | ArrayElemTypeDef::AngleBracket(element),
        ) if flavor == Flavor::Postgres => match column_type(element, flavor) {
            (ColumnType::Sql(_) | ColumnType::Array(_) | ColumnType::Bytes, _) | (_, true) => sql(),
            (inner, false) => ColumnType::Array(Box::new(inner)),
        },
        _ => sql(),
    };
    (mapped, false)
}

/// A name as the database resolves it: unquoted names fold to lower case.
pub fn ident(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_ascii_lowercase(),
    }
}

/// The last part of a possibly schema-qualified name (`public.users` is
/// `users`), folded like [`ident`].
pub fn object_name(name: &ObjectName) -> String {
    name.0.last().and_then(|part| part.as_ident()).map(ident).unwrap_or_else(|| name.to_string().to_ascii_lowercase())
}

/// A default expression as a model value: a literal (through any casts,
/// `'x'::text`), a known function, or SQL the model does not interpret.
pub fn value(expr: &Expr) -> DefaultValue {
    match expr {
        Expr::Nested(inner) => value(inner),
        Expr::Cast { expr: inner, .. } if literal(inner).is_some() => value(inner),
        Expr::UnaryOp { op: UnaryOperator::Minus, expr: inner } => match literal(inner) {
            Some(DefaultValue::Int(n)) => DefaultValue::Int(format!("-{n}")),
            Some(DefaultValue::Float(n)) => DefaultValue::Float(format!("-{n}")),
            _ => DefaultValue::Sql(expr.to_string()),
        },
        Expr::Function(f) if f.args.to_string() == "()" => match DefaultFunction::from_name(&object_name(&f.name)) {
            Some(func) if func != DefaultFunction::CurrentDate => DefaultValue::Function(func),
            _ => DefaultValue::Sql(expr.to_string()),
        },
        Expr::Function(f) if f.args.to_string().is_empty() => match object_name(&f.name).as_str() {
            "current_timestamp" => DefaultValue::Function(DefaultFunction::Now),
            "current_date" => DefaultValue::Function(DefaultFunction::CurrentDate),
            _ => DefaultValue::Sql(expr.to_string()),
        },
        _ => literal(expr).unwrap_or_else(|| DefaultValue::Sql(expr.to_string())),
    }
}

/// A column default: `DEFAULT NULL` (through any casts, `NULL::text`) is the
/// same as no default.
pub fn default(expr: &Expr) -> Option<DefaultValue> {
    match expr {
        Expr::Nested(inner) | Expr::Cast { expr: inner, .. } => default(inner).map(|_| value(expr)),
        Expr::Value(v) if matches!(v.value, Value::Null) => None,
        _ => Some(value(expr)),
    }
}

fn literal(expr: &Expr) -> Option<DefaultValue> {
    let Expr::Value(v) = expr else { return None };
    Some(match &v.value {
        Value::Boolean(b) => DefaultValue::Bool(*b),
        Value::Number(n, _) if n.contains(['.', 'e', 'E']) => DefaultValue::Float(n.clone()),
        Value::Number(n, _) => DefaultValue::Int(n.clone()),
        Value::SingleQuotedString(s) => DefaultValue::Text(s.clone()),
        _ => return None,
    })
}
