//! Raw SQL steps: `sql "…" (down "…" | irreversible "why")`, read by the
//! SQL parser into the same ops the DSL writes.

use super::*;

/// The steps of raw SQL statements read from one literal: the statement's
/// text on its first step, and each step's undo from `undo(index)`.
pub(super) fn raw_steps(read: Vec<crate::raw_sql::ReadStatement>, mut undo: impl FnMut(usize) -> Undo) -> Vec<Step> {
    let mut steps = Vec::new();
    for statement in read {
        for (j, op) in statement.ops.into_iter().enumerate() {
            let sql = if j == 0 { statement.sql.clone() } else { String::new() };
            let undo = undo(steps.len());
            steps.push(Step { raw: Some(RawSql { sql, undo }), ..Step::new(op) });
        }
    }
    steps
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
        let (up, up_span) = sql_literal(input, "expected the SQL as a string literal: `sql \"…\" down \"…\"`")?;
        let read = crate::raw_sql::read(&up, self.flavor);
        if read.is_empty() {
            return Err(err(up_span, "the SQL holds no statement"));
        }
        let (last_undo, down_span) = if peek_keyword(input, "down") {
            keyword(input, "down")?;
            let (down, down_span) = sql_literal(input, "expected the `down` SQL as a string literal")?;
            let down = crate::raw_sql::read(&down, self.flavor);
            if down.is_empty() {
                return Err(err(down_span, "the `down` SQL holds no statement"));
            }
            (Some(Undo::Written(raw_steps(down, |_| Undo::Derived))), Some(down_span))
        } else if peek_keyword(input, "irreversible") {
            let s = keyword(input, "irreversible")?;
            (Some(Undo::Irreversible(reason(input, s, "irreversible")?)), None)
        } else {
            (None, None)
        };
        let first = steps.len();
        let count = read.iter().map(|r| r.ops.len()).sum::<usize>();
        let mut last_undo = last_undo;
        steps.extend(raw_steps(read, |index| match &last_undo {
            None => Undo::Derived,
            Some(_) if index + 1 < count => Undo::WithLiteral,
            Some(_) => last_undo.take().unwrap_or(Undo::Derived),
        }));
        for i in first..steps.len() {
            self.mark(i, Part::Op, up_span);
            self.mark(i, Part::Sql, up_span);
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
