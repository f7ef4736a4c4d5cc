//! The postgres driver as the runner speaks it: its errors as
//! [`ExecError`]s (a lock timeout told apart), and column values as the
//! text PostgreSQL reads and writes.

use postgres::error::SqlState;

use super::ExecError;
use crate::model::ColumnType;
use crate::transform::Value;

pub(super) fn db_error(e: postgres::Error) -> ExecError {
    ExecError::Database(message(&e))
}

pub(super) fn message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut m = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                m.push_str(&format!(" ({detail})"));
            }
            m
        }
        None => e.to_string(),
    }
}

pub(super) fn statement_error(sql: &str, e: postgres::Error) -> ExecError {
    if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
        return ExecError::LockTimeout { sql: sql.to_owned(), message: message(&e) };
    }
    ExecError::Statement { sql: sql.to_owned(), message: message(&e) }
}

/// A value read as text (`col::text`) back into a value of its column's type.
pub(super) fn from_text(text: Option<String>, ty: ColumnType) -> Value {
    let Some(text) = text else { return Value::Null };
    match ty {
        ColumnType::Bool => Value::Bool(text == "t" || text == "true"),
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 => text.parse().map_or(Value::Text(text), Value::Int),
        ColumnType::F32 | ColumnType::F64 => text.parse().map_or(Value::Text(text), Value::Float),
        ColumnType::Bytes => {
            let hex = text.strip_prefix("\\x").unwrap_or(&text);
            let bytes =
                (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect();
            Value::Bytes(bytes)
        }
        _ => Value::Text(text),
    }
}

/// A value as the text PostgreSQL reads back with `$n::text::type`.
pub(super) fn to_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Text(t) => Some(t),
        Value::Bytes(b) => Some(format!("\\x{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())),
    }
}
