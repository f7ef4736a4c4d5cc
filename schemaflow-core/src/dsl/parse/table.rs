//! `create_table`: columns with their modifiers, and table constraints
//! (also used by `alter_table`'s `add_column` and `add_constraint`).

use super::*;

pub(super) struct ColumnDef {
    pub(super) column: Column,
    pub(super) constraints: Vec<(Constraint, Span)>,
}

impl Builder {
    pub(super) fn create_table(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Table> {
        let table = name(input, "table")?;
        self.mark(i, Part::Op, kw);
        self.mark(i, Part::Table, table.span);
        let [if_not_exists] = self.flags(input, i, ["if_not_exists"])?;
        let content;
        let brace = braced!(content in input);
        let mut columns = Vec::new();
        let mut constraints = Vec::new();
        let mut checks = 0;
        while !content.is_empty() {
            let is_column = content.fork().call(Ident::parse_any).is_ok() && content.peek2(Token![:]);
            if is_column {
                let def = self.column(&content, i, &table.text)?;
                columns.push(def.column);
                constraints.extend(def.constraints.into_iter().map(|(c, _)| c));
            } else {
                let (constraint, modifier) = self.table_constraint(&content, i, &table.text, &mut checks)?;
                if let Some((m, span)) = modifier {
                    return Err(err(
                        span,
                        format!("`{m}` is for constraints added to an existing table with `add_constraint`"),
                    ));
                }
                constraints.push(constraint);
            }
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        if columns.is_empty() {
            return Err(err(brace.span.join(), format!("table `{}` has no columns", table.text)));
        }
        let pks = constraints.iter().filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. })).count();
        if pks > 1 {
            return Err(err(
                table.span,
                format!(
                    "table `{}` declares its primary key more than once; for a composite key write `primary_key(a, b)`",
                    table.text
                ),
            ));
        }
        Ok(Table { name: table.text, columns, constraints, if_not_exists })
    }

    /// `name: Type [= value] [attributes]`
    pub(super) fn column(&mut self, input: ParseStream, i: usize, table: &str) -> Result<ColumnDef> {
        let col = name(input, "column")?;
        self.mark(i, Part::Column(col.text.clone()), col.span);
        input
            .parse::<Token![:]>()
            .map_err(|e| err(e.span(), format!("expected `:` and the column's type: `{}: String`", col.text)))?;
        let (ty, nullable, ty_span) = self.column_type(input)?;
        self.mark(i, Part::ColumnType(col.text.clone()), ty_span);
        let mut column = Column {
            name: col.text.clone(),
            ty: ty.clone(),
            nullable,
            default: None,
            identity: false,
            generated: None,
        };
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            let (value, span) = value(input)?;
            self.mark(i, Part::Default(col.text.clone()), span);
            column.default = Some(value);
        }
        let mut constraints: Vec<(Constraint, Span)> = Vec::new();
        let cols = vec![col.text.clone()];
        loop {
            let Ok(attr) = input.fork().call(Ident::parse_any) else { break };
            let attr_text = attr.to_string();
            match attr_text.as_str() {
                "primary_key" => {
                    input.call(Ident::parse_any)?;
                    if nullable {
                        return Err(err(
                            attr.span(),
                            format!("primary key column `{}` cannot be `Option<…>`", col.text),
                        ));
                    }
                    constraints.push((
                        Constraint {
                            not_valid: false,
                            name: naming::primary_key(table),
                            kind: ConstraintKind::PrimaryKey { columns: cols.clone() },
                        },
                        attr.span(),
                    ));
                }
                "unique" => {
                    input.call(Ident::parse_any)?;
                    constraints.push((
                        Constraint {
                            not_valid: false,
                            name: naming::unique(table, &cols),
                            kind: ConstraintKind::Unique { columns: cols.clone() },
                        },
                        attr.span(),
                    ));
                }
                "identity" => {
                    input.call(Ident::parse_any)?;
                    if !ty.is_integer() {
                        return Err(err(attr.span(), format!("`identity` needs an integer column, not `{ty}`")));
                    }
                    if column.default.is_some() || column.generated.is_some() {
                        return Err(err(attr.span(), "an `identity` column takes no default and is not generated"));
                    }
                    if nullable {
                        return Err(err(attr.span(), "an `identity` column always has a value: drop the `Option<…>`"));
                    }
                    column.identity = true;
                    self.mark(i, Part::Default(col.text.clone()), attr.span());
                }
                "generated" => {
                    input.call(Ident::parse_any)?;
                    let content;
                    parenthesized!(content in input);
                    let expr: LitStr = content.parse().map_err(|e| {
                        err(e.span(), "expected the expression as a string: `generated(\"a || b\") stored`")
                    })?;
                    if expr.value().trim().is_empty() {
                        return Err(err(expr.span(), "the expression is empty"));
                    }
                    if column.default.is_some() || column.identity {
                        return Err(err(
                            attr.span(),
                            "a generated column takes no default and is no identity: its value is the expression",
                        ));
                    }
                    let stored = match input.fork().call(Ident::parse_any).map(|i| i.to_string()) {
                        Ok(k) if k == "stored" || k == "virtual" => {
                            input.call(Ident::parse_any)?;
                            k == "stored"
                        }
                        _ => {
                            return Err(err(
                                attr.span(),
                                "say how the value is kept: `generated(\"…\") stored` (computed when a row is written, kept in the table) or `virtual` (computed when read: SQLite, PostgreSQL 18+)",
                            ));
                        }
                    };
                    column.generated = Some(Generated { expr: expr.value(), stored });
                    self.mark(i, Part::Default(col.text.clone()), attr.span());
                }
                "check" => {
                    input.call(Ident::parse_any)?;
                    let content;
                    parenthesized!(content in input);
                    let expr: LitStr = content.parse()?;
                    constraints.push((
                        Constraint {
                            not_valid: false,
                            name: naming::check(table, Some(&col.text), 0),
                            kind: ConstraintKind::Check { expr: expr.value() },
                        },
                        attr.span(),
                    ));
                }
                "references" => {
                    input.call(Ident::parse_any)?;
                    let (kind, ref_span) = self.references(input, cols.clone())?;
                    self.mark(i, Part::RefTable, ref_span);
                    constraints.push((
                        Constraint { not_valid: false, name: naming::foreign_key(table, &cols), kind },
                        attr.span(),
                    ));
                }
                "not_valid" | "concurrently" => break,
                _ => {
                    let hint = did_you_mean(
                        &attr_text,
                        "primary_key, unique, identity, generated, check, references, not_valid, concurrently",
                    )
                    .map(|w| format!("did you mean `{w}`? "))
                    .unwrap_or_default();
                    return Err(err(
                        attr.span(),
                        format!(
                            "unknown column attribute `{attr_text}`; {hint}expected `primary_key`, `unique`, `identity`, `generated(\"…\") stored`, `check(\"…\")` or `references table(column)`"
                        ),
                    ));
                }
            }
        }
        Ok(ColumnDef { column, constraints })
    }

    /// `references table(cols) [on_delete ACTION] [on_update ACTION]`, after `references`.
    pub(super) fn references(&mut self, input: ParseStream, columns: Vec<String>) -> Result<(ConstraintKind, Span)> {
        let ref_table = name(input, "table")?;
        let ref_columns = name_list(input, "column")?;
        let (mut on_delete, mut on_update) = (FkAction::NoAction, FkAction::NoAction);
        while peek_keyword(input, "on_delete") || peek_keyword(input, "on_update") {
            let which = input.call(Ident::parse_any)?;
            let action = input.call(Ident::parse_any)?;
            let Some(a) = FkAction::ALL.into_iter().find(|a| action == a.keyword()) else {
                let known = FkAction::ALL.iter().map(|a| a.keyword()).collect::<Vec<&str>>().join(", ");
                let hint = did_you_mean(&action.to_string(), &known)
                    .map(|w| format!("did you mean `{w}`? "))
                    .unwrap_or_default();
                return Err(err(action.span(), format!("unknown action `{action}`; {hint}expected one of: {known}")));
            };
            if which == "on_delete" { on_delete = a } else { on_update = a }
        }
        Ok((
            ConstraintKind::ForeignKey {
                columns,
                ref_table: ref_table.text,
                ref_columns: texts(&ref_columns),
                on_delete,
                on_update,
            },
            ref_table.span,
        ))
    }

    /// `[constraint NAME] primary_key(…) | unique(…) | check("…") | foreign_key(…) references …`
    /// followed by an optional `not_valid` / `concurrently`, returned unchecked.
    pub(super) fn table_constraint(
        &mut self,
        input: ParseStream,
        i: usize,
        table: &str,
        checks: &mut usize,
    ) -> Result<(Constraint, Option<(&'static str, Span)>)> {
        let explicit = if peek_keyword(input, "constraint") {
            keyword(input, "constraint")?;
            let n = name(input, "constraint")?;
            self.mark(i, Part::Name, n.span);
            Some(n.text)
        } else {
            None
        };
        let kw = input.call(Ident::parse_any).map_err(|e| {
            err(e.span(), "expected a column (`name: Type`) or a constraint: primary_key(…), unique(…), check(\"…\"), foreign_key(…) references …")
        })?;
        self.mark(i, Part::Name, kw.span());
        let (default_name, kind) = match kw.to_string().as_str() {
            "primary_key" => {
                let cols = self.column_list(input, i)?;
                (naming::primary_key(table), ConstraintKind::PrimaryKey { columns: cols })
            }
            "unique" => {
                let cols = self.column_list(input, i)?;
                (naming::unique(table, &cols), ConstraintKind::Unique { columns: cols })
            }
            "check" => {
                let content;
                parenthesized!(content in input);
                let expr: LitStr = content.parse()?;
                let n = naming::check(table, None, *checks);
                *checks += 1;
                (n, ConstraintKind::Check { expr: expr.value() })
            }
            "foreign_key" => {
                let cols = self.column_list(input, i)?;
                keyword(input, "references")?;
                let (kind, ref_span) = self.references(input, cols.clone())?;
                self.mark(i, Part::RefTable, ref_span);
                (naming::foreign_key(table, &cols), kind)
            }
            other => {
                return Err(err(
                    kw.span(),
                    format!(
                        "expected a column (`{other}: Type`) or a constraint: primary_key(…), unique(…), check(\"…\"), foreign_key(…) references …"
                    ),
                ));
            }
        };
        let modifier = if peek_keyword(input, "not_valid") {
            Some(("not_valid", keyword(input, "not_valid")?))
        } else if peek_keyword(input, "concurrently") {
            Some(("concurrently", keyword(input, "concurrently")?))
        } else {
            None
        };
        Ok((Constraint { not_valid: false, name: explicit.unwrap_or(default_name), kind }, modifier))
    }

    /// `(a, b)`: column names, each marked for diagnostics.
    pub(super) fn column_list(&mut self, input: ParseStream, i: usize) -> Result<Vec<String>> {
        let names = name_list(input, "column")?;
        for n in &names {
            self.mark(i, Part::Column(n.text.clone()), n.span);
        }
        Ok(texts(&names))
    }
}
