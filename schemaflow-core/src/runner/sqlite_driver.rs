//! The rusqlite driver's errors as the runner's [`ExecError`]s.

use super::ExecError;

pub(super) fn db_error(e: rusqlite::Error) -> ExecError {
    ExecError::Database(e.to_string())
}

pub(super) fn statement_error(sql: &str, e: rusqlite::Error) -> ExecError {
    ExecError::Statement { sql: sql.to_owned(), message: e.to_string() }
}
