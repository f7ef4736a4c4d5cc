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
        let (column_names, items, plain) = self.index_items(input)?;
        for c in &column_names {
            self.mark(i, Part::Column(c.text.clone()), c.span);
        }
        let columns = texts(&column_names);
        let mut index = Index {
            name: explicit.clone().unwrap_or_else(|| naming::index(&table.text, &columns)),
            table: table.text.clone(),
            columns,
            key: None,
            unique: false,
            predicate: None,
            concurrently: false,
            if_not_exists: false,
        };
        let (mut method, mut include) = (None, Vec::new());
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
                "if_not_exists" => {
                    index.if_not_exists = true;
                    self.mark(i, Part::Modifier("if_not_exists"), m.span());
                }
                "using" => {
                    input.call(Ident::parse_any)?;
                    let how = name(input, "index method")?;
                    if !matches!(how.text.as_str(), "btree" | "hash" | "gin" | "gist" | "spgist" | "brin") {
                        return Err(err(how.span, "expected an index method: btree, hash, gin, gist, spgist or brin"));
                    }
                    self.mark(i, Part::Modifier("using"), m.span());
                    method = Some(how.text);
                    continue;
                }
                "include" => {
                    input.call(Ident::parse_any)?;
                    self.mark(i, Part::Modifier("include"), m.span());
                    include = texts(&name_list(input, "column")?);
                    continue;
                }
                _ => break,
            }
            input.call(Ident::parse_any)?;
        }
        if plain && method.is_none() && include.is_empty() {
            return Ok(index);
        }
        // A key beyond a list of columns: read as the SQL it amounts to, by
        // the same reader as raw SQL (which names the columns it uses).
        let sql = format!(
            "CREATE INDEX {} ON {} {}({}){}",
            crate::dialect::ident(&index.name),
            crate::dialect::ident(&table.text),
            method.map(|m| format!("USING {m} ")).unwrap_or_default(),
            items.join(", "),
            if include.is_empty() {
                String::new()
            } else {
                format!(" INCLUDE ({})", crate::dialect::ident_list(&include))
            }
        );
        let read = crate::raw_sql::read(&sql, self.flavor);
        match read.first().and_then(|r| r.ops.first()) {
            Some(Op::CreateIndex(keyed)) if keyed.key.is_some() => {
                if explicit.is_none() {
                    index.name = naming::index(&table.text, &keyed.columns);
                }
                index.key = keyed.key.clone();
                index.columns = keyed.columns.clone();
                Ok(index)
            }
            _ => Err(err(table.span, format!("schemaflow cannot read the index key `{}`", items.join(", ")))),
        }
    }

    /// The parenthesized items of an index: columns, `sql("expression")`,
    /// each optionally with an operator class (`gin_trgm_ops`), `asc` or
    /// `desc`, `nulls first` or `nulls last`. Returns the columns named,
    /// each item as SQL, and whether the key is only a list of columns.
    fn index_items(&mut self, input: ParseStream) -> Result<(Vec<Name>, Vec<String>, bool)> {
        let content;
        let paren = parenthesized!(content in input);
        let (mut names, mut items, mut plain) = (Vec::new(), Vec::new(), true);
        while !content.is_empty() {
            let mut item = if peek_keyword(&content, "sql") && content.peek2(syn::token::Paren) {
                keyword(&content, "sql")?;
                let inner;
                parenthesized!(inner in content);
                let e: LitStr = inner.parse().map_err(|e| {
                    err(e.span(), "expected the expression as SQL in a string: `sql(\"lower(email)\")`")
                })?;
                plain = false;
                format!("({})", e.value())
            } else {
                let n = name(&content, "column")?;
                let sql = crate::dialect::ident(&n.text);
                names.push(n);
                sql
            };
            while let Ok(m) = content.fork().call(Ident::parse_any) {
                let word = m.to_string();
                match word.as_str() {
                    "asc" | "desc" => item.push_str(&format!(" {}", word.to_ascii_uppercase())),
                    "nulls" => {
                        content.call(Ident::parse_any)?;
                        let which = content.call(Ident::parse_any)?;
                        if which != "first" && which != "last" {
                            return Err(err(which.span(), "expected `nulls first` or `nulls last`"));
                        }
                        item.push_str(&format!(" NULLS {}", which.to_string().to_ascii_uppercase()));
                        plain = false;
                        continue;
                    }
                    ops if ops.ends_with("_ops") => item.push_str(&format!(" {ops}")),
                    _ => break,
                }
                plain = false;
                content.call(Ident::parse_any)?;
            }
            items.push(item);
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        if items.is_empty() {
            return Err(err(paren.span.join(), "expected at least one column or `sql(\"expression\")`"));
        }
        Ok((names, items, plain))
    }
}
