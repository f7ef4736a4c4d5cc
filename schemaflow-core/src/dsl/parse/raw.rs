//! Raw SQL steps: `sql "…" (down "…" | irreversible "why")`, read by the
//! SQL parser into the same ops the DSL writes.

use super::*;

/// The steps of raw SQL statements read from one literal: the statement's
/// text on its first step, and each step's undo from `undo(index)`.
pub(super) fn raw_steps(read: Vec<crate::raw_sql::ReadStatement>, undo: impl FnMut(usize) -> Undo) -> Vec<Step> {
    raw_steps_on(read, None, undo)
}

/// [`raw_steps`], for SQL that runs on `only_on` alone when set.
fn raw_steps_on(
    read: Vec<crate::raw_sql::ReadStatement>,
    only_on: Option<Database>,
    mut undo: impl FnMut(usize) -> Undo,
) -> Vec<Step> {
    let mut steps = Vec::new();
    for statement in read {
        for (j, op) in statement.ops.into_iter().enumerate() {
            let sql = if j == 0 { statement.sql.clone() } else { String::new() };
            let undo = undo(steps.len());
            steps.push(Step { raw: Some(RawSql { sql, undo, only_on }), ..Step::new(op) });
        }
    }
    steps
}

/// The steps of one `sql` literal: the last one holds the literal's written
/// `down` or `irreversible` (the others point to it); without one, each
/// step's way back is derived.
fn literal_steps(read: Vec<crate::raw_sql::ReadStatement>, only_on: Option<Database>, undo: Option<Undo>) -> Vec<Step> {
    let count = read.iter().map(|r| r.ops.len()).sum::<usize>();
    let mut undo = undo;
    raw_steps_on(read, only_on, |index| match &undo {
        None => Undo::Derived,
        Some(_) if index + 1 < count => Undo::WithLiteral,
        Some(_) => undo.take().unwrap_or(Undo::Derived),
    })
}

/// The statements of the other database's text of `sql postgres "…" sqlite
/// "…"`, each as one step that changes nothing the replay tracks: the
/// replay follows the crate's own database's text, which was checked to
/// do the same.
fn elsewhere_steps(read: Vec<crate::raw_sql::ReadStatement>, only_on: Database) -> Vec<Step> {
    read.into_iter()
        .map(|statement| {
            let op = match statement.ops.first() {
                Some(Op::Sql(raw)) => Op::Sql(raw.clone()),
                first => {
                    let outside = matches!(
                        first,
                        Some(
                            Op::CreateIndex(Index { concurrently: true, .. })
                                | Op::DropIndex { concurrently: true, .. }
                        )
                    );
                    Op::Sql(RawStatement {
                        kind: statement
                            .sql
                            .split_whitespace()
                            .take(2)
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_ascii_uppercase(),
                        class: if outside { RawClass::Outside } else { RawClass::Object },
                        table: first.and_then(Op::table).map(str::to_owned),
                        inverse: None,
                        setting: None,
                        object: None,
                        definition: None,
                        copied_from: None,
                    })
                }
            };
            Step {
                raw: Some(RawSql { sql: statement.sql, undo: Undo::Written(Vec::new()), only_on: Some(only_on) }),
                ..Step::new(op)
            }
        })
        .collect()
}

/// What a statement does to the schema, in words that do not depend on the
/// database's spelling (types, `CONCURRENTLY`, index methods): the two
/// texts of `sql postgres "…" sqlite "…"` must do the same.
fn effect(op: &Op) -> Option<String> {
    Some(match op {
        Op::CreateTable(t) => {
            let columns: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            format!("creates table `{}` ({})", t.name, columns.join(", "))
        }
        Op::DropTable { table, .. } => format!("drops table `{table}`"),
        Op::RenameTable { from, to } => format!("renames table `{from}` to `{to}`"),
        Op::AddColumn { table, column } => format!("adds column `{table}.{}`", column.name),
        Op::DropColumn { table, column, .. } => format!("drops column `{table}.{column}`"),
        Op::RenameColumn { table, from, to } => format!("renames column `{table}.{from}` to `{to}`"),
        Op::CreateIndex(i) => format!(
            "creates {}index `{}` on `{}` ({})",
            if i.unique { "unique " } else { "" },
            i.name,
            i.table,
            i.columns.join(", ")
        ),
        Op::DropIndex { name, .. } => format!("drops index `{name}`"),
        Op::AddConstraint { table, constraint, .. } => format!("adds constraint `{}` on `{table}`", constraint.name),
        Op::DropConstraint { table, name } => format!("drops constraint `{name}` on `{table}`"),
        _ => return None,
    })
}

/// A string literal's text and where it was written. One with no escape
/// and no carriage return is its source text between the quotes, taken as
/// it is (syn would unescape it character by character, twice); any other
/// is read by syn.
fn sql_literal(input: ParseStream, expected: &str) -> Result<(String, Span)> {
    let literal: proc_macro2::Literal = input.parse().map_err(|e| err(e.span(), expected))?;
    let span = literal.span();
    let source = literal.to_string();
    if let Some(inner) = source.strip_prefix('"').and_then(|s| s.strip_suffix('"'))
        && !inner.contains(['\\', '\r', '"'])
    {
        return Ok((inner.to_owned(), span));
    }
    match syn::Lit::new(literal) {
        syn::Lit::Str(s) => Ok((s.value(), span)),
        _ => Err(err(span, expected)),
    }
}

impl Builder {
    /// `sql "…" [down "…" | irreversible "why"]`: each statement read into
    /// the steps it amounts to (see [`crate::raw_sql`]), every one of them
    /// pointing at the literal.
    pub(super) fn raw_sql(&mut self, input: ParseStream, steps: &mut Vec<Step>) -> Result<()> {
        if peek_keyword(input, "postgres") || peek_keyword(input, "sqlite") {
            return self.raw_sql_per_database(input, steps);
        }
        let (up, up_span) = sql_literal(input, "expected the SQL as a string literal: `sql \"…\" down \"…\"`")?;
        let read = crate::raw_sql::read(&up, self.flavor);
        if read.is_empty() {
            return Err(err(up_span, "the SQL holds no statement"));
        }
        let (last_undo, down_span) = self.literal_undo(input, |builder, input, _| {
            let (down, down_span) = sql_literal(input, "expected the `down` SQL as a string literal")?;
            let down = crate::raw_sql::read(&down, builder.flavor);
            if down.is_empty() {
                return Err(err(down_span, "the `down` SQL holds no statement"));
            }
            Ok((raw_steps(down, |_| Undo::Derived), down_span))
        })?;
        let first = steps.len();
        steps.extend(literal_steps(read, None, last_undo));
        for i in first..steps.len() {
            self.mark(i, Part::Op, up_span);
            self.mark(i, Part::Sql, up_span);
            if let Some(d) = down_span {
                self.mark(i, Part::Modifier("down"), d);
            }
        }
        Ok(())
    }

    /// A literal's way back, after its SQL: `down …`, read by `read_down`
    /// (given the `down` keyword's span, it returns the steps and the span
    /// its diagnostics point at), `irreversible "why"`, or none (derived).
    fn literal_undo(
        &mut self,
        input: ParseStream,
        read_down: impl FnOnce(&mut Self, ParseStream, Span) -> Result<(Vec<Step>, Span)>,
    ) -> Result<(Option<Undo>, Option<Span>)> {
        if peek_keyword(input, "down") {
            let s = keyword(input, "down")?;
            let (down, span) = read_down(self, input, s)?;
            Ok((Some(Undo::Written(down)), Some(span)))
        } else if peek_keyword(input, "irreversible") {
            let s = keyword(input, "irreversible")?;
            Ok((Some(Undo::Irreversible(reason(input, s, "irreversible")?)), None))
        } else {
            Ok((None, None))
        }
    }

    /// `postgres "…" sqlite "…"` (either order), after `sql` or `down`: each
    /// database's text, read with its own grammar, and where each was written.
    fn per_database(&mut self, input: ParseStream, what: &str) -> Result<[(String, Span); 2]> {
        let mut texts: [Option<(String, Span)>; 2] = [None, None];
        for _ in 0..2 {
            let Ok(word) = input.fork().call(Ident::parse_any) else { break };
            let slot = match word.to_string().as_str() {
                "postgres" => 0,
                "sqlite" => 1,
                _ => break,
            };
            input.call(Ident::parse_any)?;
            if texts[slot].is_some() {
                return Err(err(word.span(), format!("`{word}` is given twice")));
            }
            texts[slot] = Some(sql_literal(input, &format!("expected the {word} SQL as a string literal"))?);
        }
        match texts {
            [Some(p), Some(s)] => Ok([p, s]),
            _ => Err(err(
                input.span(),
                format!("per-database SQL gives both texts: `{what} postgres \"…\" sqlite \"…\"`"),
            )),
        }
    }

    /// `sql postgres "…" sqlite "…" [down postgres "…" sqlite "…" |
    /// irreversible "why"]`: each database runs its own text. The crate's
    /// own database's text (PostgreSQL when it is a target) is what the
    /// replay, the rules and the derived way back follow; the other text
    /// must change the schema in the same way.
    fn raw_sql_per_database(&mut self, input: ParseStream, steps: &mut Vec<Step>) -> Result<()> {
        let [postgres, sqlite] = self.per_database(input, "sql")?;
        let (own, own_db, other, other_db, other_flavor) = match self.flavor {
            Flavor::Postgres => (postgres, Database::Postgres, sqlite, Database::Sqlite, Flavor::Sqlite),
            Flavor::Sqlite => (sqlite, Database::Sqlite, postgres, Database::Postgres, Flavor::Postgres),
        };
        let read = crate::raw_sql::read(&own.0, self.flavor);
        let read_other = crate::raw_sql::read(&other.0, other_flavor);
        if read.is_empty() || read_other.is_empty() {
            let span = if read.is_empty() { own.1 } else { other.1 };
            return Err(err(span, "the SQL holds no statement"));
        }
        let effects = |read: &[crate::raw_sql::ReadStatement]| -> Vec<String> {
            read.iter().flat_map(|r| r.ops.iter().filter_map(effect)).collect()
        };
        let (mine, theirs) = (effects(&read), effects(&read_other));
        if mine != theirs {
            let list = |e: &[String]| if e.is_empty() { "nothing".to_owned() } else { e.join("; ") };
            return Err(err(
                other.1,
                format!(
                    "the {} SQL does not change the schema as the {} SQL does: {} {}, {} {}; per-database SQL differs in how, not in what",
                    other_db.name(),
                    own_db.name(),
                    own_db.name(),
                    list(&mine),
                    other_db.name(),
                    list(&theirs)
                ),
            ));
        }
        let (down, down_span) = self.literal_undo(input, |builder, input, down_keyword| {
            let [postgres, sqlite] = builder.per_database(input, "down")?;
            let (own_down, other_down) = match own_db {
                Database::Postgres => (postgres, sqlite),
                Database::Sqlite => (sqlite, postgres),
            };
            let mut down =
                raw_steps_on(crate::raw_sql::read(&own_down.0, builder.flavor), Some(own_db), |_| Undo::Derived);
            down.extend(elsewhere_steps(crate::raw_sql::read(&other_down.0, other_flavor), other_db));
            Ok((down, down_keyword))
        })?;
        let first = steps.len();
        steps.extend(literal_steps(read, Some(own_db), down));
        let own_end = steps.len();
        steps.extend(elsewhere_steps(read_other, other_db));
        for i in first..steps.len() {
            let span = if i < own_end { own.1 } else { other.1 };
            self.mark(i, Part::Op, span);
            self.mark(i, Part::Sql, span);
            if let Some(d) = down_span {
                self.mark(i, Part::Modifier("down"), d);
            }
        }
        Ok(())
    }

    /// `create_extension name` (or `"uuid-ossp"`): `CREATE EXTENSION IF NOT
    /// EXISTS`, read as the raw statement it is (on a crate that targets
    /// SQLite it is not portable). The way back leaves the extension: the
    /// database may have had it before, and other objects may use it.
    pub(super) fn create_extension(&mut self, input: ParseStream, steps: &mut Vec<Step>, kw: Span) -> Result<()> {
        let (extension, span) = if input.peek(LitStr) {
            let s: LitStr = input.parse()?;
            (s.value(), s.span())
        } else {
            let n = name(input, "extension")?;
            (n.text, n.span)
        };
        if extension.trim().is_empty() {
            return Err(err(span, "the extension's name is empty"));
        }
        let sql = format!("CREATE EXTENSION IF NOT EXISTS {}", crate::dialect::ident(&extension));
        let first = steps.len();
        steps.extend(raw_steps(crate::raw_sql::read(&sql, self.flavor), |_| Undo::Written(Vec::new())));
        for i in first..steps.len() {
            self.mark(i, Part::Op, kw);
            self.mark(i, Part::Sql, span);
        }
        Ok(())
    }
}
