//! Raw SQL read into the model: each statement of a `sql "…"` literal is
//! parsed by a real SQL parser (`sqlparser`) and becomes the operation the
//! DSL would have produced for it (create table, add column, create index,
//! add or validate a constraint, …), or a [`RawStatement`] that says what
//! it does (a function, a data change, transaction control, …). A
//! statement the parser cannot read is kept as [`RawClass::Unreadable`],
//! which a rule rejects: nothing is trusted blindly.
//!
//! [`split`] cuts the text into statements with the parser's own tokenizer
//! (so quotes, comments and dollar-quoted bodies are handled as the
//! database does), [`lower`] turns one parsed statement into operations,
//! and [`classify`] names what is not replayed.

mod classify;
mod complete;
mod lower;
mod split;
mod types;

pub use split::split;

use sqlparser::dialect::{Dialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use crate::config::Targets;
use crate::model::{Op, RawClass, RawStatement};

/// How raw SQL is read: which database's grammar and type names come first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flavor {
    /// PostgreSQL's grammar and types (`integer` is `i32`).
    #[default]
    Postgres,
    /// SQLite's (`INTEGER` is `i64`, the rowid's type).
    Sqlite,
}

impl Flavor {
    /// PostgreSQL when it is a target, else SQLite.
    pub fn for_targets(targets: &Targets) -> Flavor {
        if targets.postgres { Flavor::Postgres } else { Flavor::Sqlite }
    }

    fn dialects(self) -> [&'static dyn Dialect; 2] {
        match self {
            Flavor::Postgres => [&PostgreSqlDialect {}, &SQLiteDialect {}],
            Flavor::Sqlite => [&SQLiteDialect {}, &PostgreSqlDialect {}],
        }
    }
}

/// One statement of a literal, read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadStatement {
    /// The statement as written, without its `;`.
    pub sql: String,
    /// What it does, as model operations: one for most statements, several
    /// for `ALTER TABLE … ADD …, ADD …`, never none.
    pub ops: Vec<Op>,
    /// The operations say all the statement does: it has no clause the
    /// model does not keep (a storage parameter, a collation, a precision,
    /// `IF EXISTS` on an `ALTER TABLE`, …), so the DSL steps of its
    /// operations do the same.
    pub complete: bool,
}

/// Reads every statement of `sql`. Never fails: what cannot be read is a
/// statement of class [`RawClass::Unreadable`].
pub fn read(sql: &str, flavor: Flavor) -> Vec<ReadStatement> {
    let pieces = match split::pieces(sql) {
        Ok(pieces) => pieces,
        Err(why) => {
            return vec![ReadStatement {
                sql: sql.trim().to_owned(),
                ops: vec![unreadable("SQL", why)],
                complete: false,
            }];
        }
    };
    pieces.into_iter().map(|piece| read_statement(piece, flavor)).collect()
}

fn read_statement(piece: split::Piece, flavor: Flavor) -> ReadStatement {
    let split::Piece { text, tokens } = piece;
    // The splitter read the statement with PostgreSQL's tokenizer: its
    // tokens serve that dialect's parser as they are.
    let mut postgres_tokens = Some(tokens);
    let mut first_error = None;
    for dialect in flavor.dialects() {
        let parser = match postgres_tokens.take_if(|_| dialect.is::<PostgreSqlDialect>()) {
            Some(tokens) => Ok(Parser::new(dialect).with_tokens_with_locations(tokens)),
            None => Parser::new(dialect).try_with_sql(&text),
        };
        match parser.and_then(|mut p| p.parse_statements()) {
            Ok(parsed) if parsed.len() == 1 => {
                let mut ops = lower::lower(&parsed[0], flavor);
                // A view, trigger or function keeps its text: which columns
                // it uses is read off it when a later step drops one.
                for op in &mut ops {
                    if let Op::Sql(s) = op
                        && s.object.is_some()
                        && s.kind.starts_with("CREATE ")
                    {
                        s.definition = Some(text.clone());
                    }
                }
                let complete = complete::complete(&parsed[0]);
                return ReadStatement { sql: text, ops, complete };
            }
            Ok(parsed) => {
                first_error.get_or_insert(format!("expected one statement, read {}", parsed.len()));
            }
            Err(e) => {
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    let ops = match lower::unparsed(&text) {
        Some(ops) => ops,
        None => {
            let words = split::leading_words(&text, 2).join(" ");
            vec![unreadable(&words, first_error.unwrap_or_default())]
        }
    };
    // `DROP INDEX CONCURRENTLY` is read from its words, all of them.
    let complete = ops.iter().all(|op| matches!(op, Op::DropIndex { .. }));
    ReadStatement { sql: text, ops, complete }
}

fn unreadable(kind: &str, why: String) -> Op {
    Op::Sql(RawStatement {
        kind: kind.to_ascii_uppercase(),
        class: RawClass::Unreadable(why.trim_start_matches("sql parser error: ").to_owned()),
        table: None,
        inverse: None,
        setting: None,
        object: None,
        definition: None,
        copied_from: None,
    })
}

#[cfg(test)]
mod tests;
