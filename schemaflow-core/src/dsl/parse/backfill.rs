//! `backfill`: SQL assignments or a typed Rust transform, with its
//! filter, batch size and pause.

use super::*;

impl Builder {
    pub(super) fn backfill(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Backfill> {
        self.mark(i, Part::Op, kw);
        let table = name(input, "table")?;
        self.mark(i, Part::Table, table.span);
        let mut backfill = empty_step(table.text, false);
        if peek_keyword(input, "with") {
            // `with path::to::f(a, b) -> (c, d)`: a typed Rust transform.
            keyword(input, "with")?;
            let (function, with_span) = function_path(input)?;
            let inputs = self.column_list(input, i)?;
            input.parse::<Token![->]>().map_err(|e| {
                err(e.span(), "expected `->` and the columns the function returns: `-> (first_name, last_name)`")
            })?;
            let outputs = if input.peek(syn::token::Paren) {
                self.column_list(input, i)?
            } else {
                let c = name(input, "column")?;
                self.mark(i, Part::Column(c.text.clone()), c.span);
                vec![c.text]
            };
            self.mark(i, Part::Modifier("with"), with_span);
            backfill.transform = Some(TransformSpec { function, inputs, outputs });
        } else {
            keyword(input, "set").map_err(|e| {
                err(e.span(), "expected `set column = value, …` or `with path::to::function(columns) -> (columns)`")
            })?;
            loop {
                let c = name(input, "column")?;
                self.mark(i, Part::Column(c.text.clone()), c.span);
                input.parse::<Token![=]>()?;
                let (v, span) = value(input)?;
                self.mark(i, Part::Default(c.text.clone()), span);
                if backfill.assignments.iter().any(|a| a.column == c.text) {
                    return Err(err(c.span, format!("column `{}` is set twice", c.text)));
                }
                backfill.assignments.push(Assignment { column: c.text, value: v });
                if !input.peek(Token![,]) {
                    break;
                }
                input.parse::<Token![,]>()?;
            }
        }
        self.data_step_options(input, i, &mut backfill)?;
        Ok(backfill)
    }

    /// `delete_rows table where "predicate" [batch N] [pause T]`: the rows
    /// matching the predicate deleted in batches, as a backfill changes
    /// them.
    pub(super) fn delete_rows(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Backfill> {
        self.mark(i, Part::Op, kw);
        let table = name(input, "table")?;
        self.mark(i, Part::Table, table.span);
        if !input.peek(Token![where]) {
            return Err(err(
                table.span,
                "expected `where \"predicate\"`: the rows to delete (`where \"true\"` for all of them)",
            ));
        }
        let mut backfill = empty_step(table.text, true);
        self.data_step_options(input, i, &mut backfill)?;
        Ok(backfill)
    }

    /// `copy_rows source into target (a, b = "sql", …) [where "…"] [batch N]
    /// [pause D]`: each column of the target taken from the source column
    /// of the same name, or computed by an SQL expression over the source row.
    pub(super) fn copy_rows(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Backfill> {
        self.mark(i, Part::Op, kw);
        let source = name(input, "table")?;
        self.mark(i, Part::Table, source.span);
        if !peek_keyword(input, "into") {
            return Err(err(
                input.span(),
                "expected `into target (columns)`: `copy_rows users into accounts (id, email)`",
            ));
        }
        keyword(input, "into")?;
        let target = name(input, "table")?;
        self.mark(i, Part::RefTable, target.span);
        let content;
        let paren = parenthesized!(content in input);
        let mut backfill = empty_step(source.text, false);
        while !content.is_empty() {
            let column = name(&content, "column")?;
            self.mark(i, Part::Column(column.text.clone()), column.span);
            let value = if content.peek(Token![=]) {
                content.parse::<Token![=]>()?;
                let expr: LitStr = content
                    .parse()
                    .map_err(|e| err(e.span(), "expected the value as SQL over the source row, in a string"))?;
                self.mark(i, Part::Default(column.text.clone()), expr.span());
                DefaultValue::Sql(expr.value())
            } else {
                DefaultValue::Sql(crate::dialect::ident(&column.text))
            };
            if backfill.assignments.iter().any(|a| a.column == column.text) {
                return Err(err(column.span, format!("`{}` is listed twice", column.text)));
            }
            backfill.assignments.push(Assignment { column: column.text, value });
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        if backfill.assignments.is_empty() {
            return Err(err(paren.span.join(), "list the columns to copy"));
        }
        backfill.copy_into = Some(target.text);
        self.data_step_options(input, i, &mut backfill)?;
        Ok(backfill)
    }

    /// The `where`, `batch` and `pause` of a data step.
    fn data_step_options(&mut self, input: ParseStream, i: usize, backfill: &mut Backfill) -> Result<()> {
        loop {
            if input.peek(Token![where]) {
                input.parse::<Token![where]>()?;
                let p: LitStr = input.parse().map_err(|e| {
                    err(e.span(), "expected the predicate as SQL in a string: `where \"verified IS NULL\"`")
                })?;
                backfill.predicate = Some(p.value());
                continue;
            }
            let Ok(m) = input.fork().call(Ident::parse_any) else { break };
            match m.to_string().as_str() {
                "batch" => {
                    input.call(Ident::parse_any)?;
                    self.mark(i, Part::Modifier("batch"), m.span());
                    let n: LitInt = input.parse()?;
                    let size: u32 = n.base10_parse()?;
                    if !(1..=100_000).contains(&size) {
                        return Err(err(n.span(), "batch size must be between 1 and 100000 rows"));
                    }
                    backfill.batch_size = size;
                }
                "pause" => {
                    input.call(Ident::parse_any)?;
                    self.mark(i, Part::Modifier("pause"), m.span());
                    backfill.pause_ms = duration_ms(input)?;
                }
                _ => break,
            }
        }
        Ok(())
    }
}

/// A data step over `table` with nothing to do yet, the defaults set.
fn empty_step(table: String, delete: bool) -> Backfill {
    Backfill {
        table,
        assignments: Vec::new(),
        predicate: None,
        batch_size: DEFAULT_BATCH_SIZE,
        pause_ms: 0,
        transform: None,
        catch_up: None,
        delete,
        copy_into: None,
    }
}
