//! The body of an imported migration: each statement that maps one to one
//! onto DSL steps is written as those steps, the others stay raw `sql`.
//!
//! A statement becomes DSL only when the SQL reader says its operations
//! are all it does ([`crate::raw_sql::ReadStatement::complete`]: no storage
//! parameter, collation, precision… the model would drop), and when the DSL
//! written for it reads back as exactly those operations. The source's
//! down SQL is kept as `down { sql … }` unless the way back schemaflow
//! derives leaves the same schema and the down does nothing else.

use crate::dsl::render::{self, Rendered};
use crate::model::{Op, Step};
use crate::raw_sql::{self, Flavor};
use crate::rollback::{self, Derived};
use crate::schema::Schema;

/// A converted migration body.
pub struct Body {
    /// The steps, as DSL source indented for `migration! { … }`.
    pub text: String,
    /// What the conversion decided, for the report.
    pub notes: Vec<String>,
}

/// One piece of the body, before the pieces are joined.
enum Piece {
    /// Comment lines, then a DSL step or an `alter_table` item.
    Dsl { comments: Vec<String>, rendered: Rendered },
    /// Source text kept as it is, comments included.
    Raw(String),
}

/// The body for `up` (and `down`), applied to `schema`, which it advances
/// past the migration. `None` when no statement maps onto the DSL: the
/// migration stays one raw `sql` step.
///
/// `also_sqlite`: the crate targets SQLite as well while its SQL is read as
/// PostgreSQL's. Then a statement that SQLite reads with other generated
/// keys (`id INTEGER PRIMARY KEY` is SQLite's rowid, filled in by itself;
/// PostgreSQL's `integer` is not) stays raw: its DSL would lose that on
/// SQLite.
pub fn body(up: &str, down: Option<&str>, schema: &mut Schema, flavor: Flavor, also_sqlite: bool) -> Option<Body> {
    let before = schema.clone();
    let read = raw_sql::read(up, flavor);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut cursor = 0;
    let mut replay_ok = true;
    let (mut dsl, mut raw) = (0, 0);
    for statement in &read {
        // The source text from the end of the last statement to the end of
        // this one: the comments before it, and the statement.
        // (Not a copy of it in a `--` comment before it.)
        let found = up[cursor..].match_indices(statement.sql.as_str()).map(|(at, _)| at).find(|&at| {
            let line_start = up[..cursor + at].rfind('\n').map_or(0, |n| n + 1);
            !up[line_start..cursor + at].contains("--")
        });
        let (gap, text) = match found {
            Some(at) => {
                let gap = &up[cursor..cursor + at];
                let end = cursor + at + statement.sql.len();
                cursor = end;
                (gap, &up[end - statement.sql.len()..end])
            }
            None => ("", statement.sql.as_str()),
        };
        let resolved: Vec<Op> = statement.ops.iter().map(|op| schema.resolved(op)).collect();
        let same_keys = !also_sqlite
            || generated_keys(&statement.ops)
                .into_iter()
                .map(|(t, c)| (t.to_owned(), c.to_owned()))
                .eq(sqlite_generated_keys(&statement.sql));
        let rendered =
            (replay_ok && statement.complete && same_keys).then(|| as_dsl(&resolved, schema, flavor)).flatten();
        for op in &resolved {
            replay_ok &= schema.apply_for(op, flavor == Flavor::Postgres).is_ok();
        }
        match rendered {
            Some(rendered) => {
                dsl += 1;
                let comments = comment_lines(gap);
                let mut items = rendered.into_iter();
                if let Some(first) = items.next() {
                    pieces.push(Piece::Dsl { comments, rendered: first });
                }
                pieces.extend(items.map(|rendered| Piece::Dsl { comments: Vec::new(), rendered }));
            }
            None => {
                raw += 1;
                let gap = gap.trim_start_matches([';', '\n', '\r', ' ', '\t']);
                pieces.push(Piece::Raw(format!("{gap}{text}")));
            }
        }
    }
    if dsl == 0 {
        return None;
    }
    let mut text = join(&pieces);
    let mut notes = Vec::new();
    if raw > 0 {
        notes.push(format!("{dsl} statements as DSL steps, {raw} kept as raw SQL"));
    } else {
        notes.push(format!("{dsl} statements as DSL steps"));
    }
    if let Some(down) = down.filter(|d| super::has_statements(d)) {
        if derived_matches(&text, down, &before, schema, flavor) {
            notes
                .push("its down SQL leaves the schema the derived way back leaves: the way back is derived".to_owned());
        } else {
            text.push_str(&format!("    down {{\n        sql {};\n    }}\n", super::raw_literal(down)));
        }
    }
    Some(Body { text, notes })
}

/// The DSL for one statement's operations, if it reads back as them.
fn as_dsl(ops: &[Op], before: &Schema, flavor: Flavor) -> Option<Vec<Rendered>> {
    let mut rendered = Vec::new();
    let mut schema = before.clone();
    for op in ops {
        rendered.push(render::op(op, &schema)?);
        schema.apply_for(op, flavor == Flavor::Postgres).ok()?;
    }
    let steps = parse(
        &join(&rendered.iter().cloned().map(|r| Piece::Dsl { comments: Vec::new(), rendered: r }).collect::<Vec<_>>()),
        flavor,
    )?;
    let read_back: Vec<&Op> = steps.iter().map(|s| &s.op).collect();
    (read_back == ops.iter().collect::<Vec<_>>()).then_some(rendered)
}

/// The columns whose values the database generates, that `ops` create.
fn generated_keys(ops: &[Op]) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::CreateTable(t) => {
                out.extend(t.columns.iter().filter(|c| c.identity).map(|c| (t.name.as_str(), c.name.as_str())))
            }
            Op::AddColumn { table, column } if column.identity => out.push((table.as_str(), column.name.as_str())),
            _ => {}
        }
    }
    out
}

/// [`generated_keys`] of `sql` as SQLite reads it.
fn sqlite_generated_keys(sql: &str) -> Vec<(String, String)> {
    let ops: Vec<Op> = raw_sql::read(sql, Flavor::Sqlite).into_iter().flat_map(|s| s.ops).collect();
    generated_keys(&ops).into_iter().map(|(t, c)| (t.to_owned(), c.to_owned())).collect()
}

/// The steps of a migration body, as the DSL reads them.
fn parse(body: &str, flavor: Flavor) -> Option<Vec<Step>> {
    let tokens: proc_macro2::TokenStream = body.parse().ok()?;
    let parsed = crate::dsl::parse_migration_for(tokens, 1, "imported", flavor).ok()?;
    Some(parsed.migration.steps)
}

/// Whether the way back schemaflow derives for `body`, run after it, leaves
/// the schema that the source's `down` leaves, and the down does nothing
/// but change the schema.
fn derived_matches(body: &str, down: &str, before: &Schema, after: &Schema, flavor: Flavor) -> bool {
    let Some(steps) = parse(body, flavor) else { return false };
    let Derived::Steps(derived) = rollback::derive(before, &steps) else { return false };
    let mut by_derived = after.clone();
    if derived.iter().any(|s| by_derived.apply_for(&s.op, flavor == Flavor::Postgres).is_err()) {
        return false;
    }
    let mut by_source = after.clone();
    for statement in raw_sql::read(down, flavor) {
        // A clause the model does not keep (a precision, a storage
        // parameter) or a type conversion (`USING`) would be lost with it.
        if !statement.complete {
            return false;
        }
        for op in &statement.ops {
            let converts = matches!(op, Op::AlterColumnType { using: Some(_), .. });
            if converts || matches!(op, Op::Sql(_)) || by_source.apply_for(op, flavor == Flavor::Postgres).is_err() {
                return false;
            }
        }
    }
    by_derived == by_source
}

/// `--` comment lines of a gap between statements, as `//` lines.
fn comment_lines(gap: &str) -> Vec<String> {
    gap.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("--"))
        .map(|l| format!("//{}", if l.is_empty() || l.starts_with(' ') { l.to_owned() } else { format!(" {l}") }))
        .collect()
}

/// The pieces as a migration body, indented for `migration! { … }`:
/// consecutive `alter_table` items of the same table in one block,
/// consecutive raw statements in one `sql` (whose text is kept as it is).
fn join(pieces: &[Piece]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, depth: usize, text: &str| {
        for l in text.lines() {
            out.push_str(&format!("{}{l}\n", "    ".repeat(depth)));
        }
    };
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Raw(_) => {
                let mut sql = Vec::new();
                while let Some(Piece::Raw(text)) = pieces.get(i) {
                    sql.push(text.trim().trim_end_matches(';').to_owned());
                    i += 1;
                }
                out.push_str(&format!("    sql {};\n", super::raw_literal(&sql.join(";\n\n"))));
            }
            Piece::Dsl { comments, rendered: Rendered::Step(step) } => {
                for c in comments {
                    line(&mut out, 1, c);
                }
                line(&mut out, 1, step);
                i += 1;
            }
            Piece::Dsl { comments, rendered: Rendered::AlterItem { table, .. } } => {
                for c in comments {
                    line(&mut out, 1, c);
                }
                line(&mut out, 1, &format!("alter_table {table} {{"));
                let mut first = true;
                while let Some(Piece::Dsl { comments, rendered: Rendered::AlterItem { table: t, item } }) =
                    pieces.get(i)
                    && t == table
                {
                    if !first {
                        for c in comments {
                            line(&mut out, 2, c);
                        }
                    }
                    line(&mut out, 2, &format!("{item},"));
                    first = false;
                    i += 1;
                }
                line(&mut out, 1, "}");
            }
        }
    }
    out
}
