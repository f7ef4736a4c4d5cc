//! `create_index` and its modifiers.

use super::*;

impl Builder {
    pub(super) fn create_index(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Index> {
        self.mark(i, Part::Op, kw);
        let explicit = if peek_keyword(input, "on") {
            None
        } else {
            let n = name(input, "index")?;
            if matches!(n.text.as_str(), "unique" | "concurrently") {
                return Err(err(
                    n.span,
                    format!(
                        "`{}` goes after the columns: `create_index [name] on users(email) unique concurrently`",
                        n.text
                    ),
                ));
            }
            self.mark(i, Part::Name, n.span);
            Some(n.text)
        };
        keyword(input, "on")
            .map_err(|e| err(e.span(), "expected `on table(columns)`: `create_index [name] on users(email)`"))?;
        let table = name(input, "table")?;
        self.mark(i, Part::Table, table.span);
        let column_names = name_list(input, "column")?;
        for c in &column_names {
            self.mark(i, Part::Column(c.text.clone()), c.span);
        }
        let columns = texts(&column_names);
        let mut index = Index {
            name: explicit.unwrap_or_else(|| naming::index(&table.text, &columns)),
            table: table.text,
            columns,
            key: None,
            unique: false,
            predicate: None,
            concurrently: false,
            if_not_exists: false,
        };
        loop {
            if input.peek(Token![where]) {
                input.parse::<Token![where]>()?;
                let p: LitStr = input.parse().map_err(|e| {
                    err(e.span(), "expected the predicate as SQL in a string: `where \"deleted_at IS NULL\"`")
                })?;
                index.predicate = Some(p.value());
                continue;
            }
            let Ok(m) = input.fork().call(Ident::parse_any) else { break };
            match m.to_string().as_str() {
                "unique" => {
                    index.unique = true;
                    self.mark(i, Part::Modifier("unique"), m.span());
                }
                "concurrently" => {
                    index.concurrently = true;
                    self.mark(i, Part::Modifier("concurrently"), m.span());
                }
                _ => break,
            }
            input.call(Ident::parse_any)?;
        }
        Ok(index)
    }
}
