//! `alter_table NAME { ITEM, … }`: one op per item.

use super::*;

impl Builder {
    pub(super) fn alter_item(&mut self, input: ParseStream, table: &Name, steps: &mut Vec<Step>) -> Result<()> {
        let kw = input.call(Ident::parse_any).map_err(|e| err(e.span(), format!("expected one of: {ALTER_ITEMS}")))?;
        let i = steps.len();
        self.mark(i, Part::Op, kw.span());
        self.mark(i, Part::Table, table.span);
        let t = table.text.clone();
        let op = match kw.to_string().as_str() {
            "add_column" => {
                let def = self.column(input, i, &t)?;
                let online = if peek_keyword(input, "not_valid") {
                    let s = keyword(input, "not_valid")?;
                    self.mark(i + 1, Part::Modifier("not_valid"), s);
                    true
                } else {
                    false
                };
                if let Some((c, span)) =
                    def.constraints.iter().find(|(c, _)| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
                {
                    let _ = c;
                    return Err(err(
                        *span,
                        "a primary key cannot be added with a column; add the column, then `add_constraint primary_key(…) concurrently`",
                    ));
                }
                let column_name = def.column.name.clone();
                steps.push(Step::new(Op::AddColumn { table: t.clone(), column: def.column }));
                for (constraint, span) in def.constraints {
                    let j = steps.len();
                    self.mark(j, Part::Op, span);
                    self.mark(j, Part::Name, span);
                    self.mark(j, Part::Table, table.span);
                    if let Some(s) = self.spans.spans.get(&self.at(i, Part::RefTable)).copied() {
                        self.mark(j, Part::RefTable, s);
                    }
                    self.mark(j, Part::Column(column_name.clone()), span);
                    let online = online
                        && matches!(constraint.kind, ConstraintKind::ForeignKey { .. } | ConstraintKind::Check { .. });
                    steps.push(Step::new(Op::AddConstraint { table: t.clone(), constraint, online }));
                }
                return Ok(());
            }
            "drop_column" => {
                let c = name(input, "column")?;
                self.mark(i, Part::Column(c.text.clone()), c.span);
                let [if_exists, cascade] = self.flags(input, i, ["if_exists", "cascade"])?;
                Op::DropColumn { table: t, column: c.text, if_exists, cascade }
            }
            "rename_column" => {
                let from = name(input, "column")?;
                input.parse::<Token![->]>().map_err(|e| err(e.span(), "expected `->`: `rename_column old -> new`"))?;
                let to = name(input, "column")?;
                self.mark(i, Part::Column(from.text.clone()), from.span);
                self.mark(i, Part::NewName, to.span);
                Op::RenameColumn { table: t, from: from.text, to: to.text }
            }
            "set_type" => {
                let c = name(input, "column")?;
                self.mark(i, Part::Column(c.text.clone()), c.span);
                input.parse::<Token![:]>()?;
                let (ty, nullable, span) = self.column_type(input)?;
                self.mark(i, Part::ColumnType(c.text.clone()), span);
                if nullable {
                    return Err(err(
                        span,
                        "`set_type` changes the type only; write the type without `Option<…>` and use `drop_not_null` / `set_not_null` for nullability",
                    ));
                }
                let using = if peek_keyword(input, "using") {
                    keyword(input, "using")?;
                    let u: LitStr = input.parse()?;
                    Some(u.value())
                } else {
                    None
                };
                Op::AlterColumnType { table: t, column: c.text, ty, using }
            }
            "set_not_null" | "drop_not_null" | "drop_default" => {
                let c = name(input, "column")?;
                self.mark(i, Part::Column(c.text.clone()), c.span);
                match kw.to_string().as_str() {
                    "set_not_null" => Op::SetNotNull { table: t, column: c.text },
                    "drop_not_null" => Op::DropNotNull { table: t, column: c.text },
                    _ => Op::DropDefault { table: t, column: c.text },
                }
            }
            "set_default" => {
                let c = name(input, "column")?;
                self.mark(i, Part::Column(c.text.clone()), c.span);
                input.parse::<Token![=]>()?;
                let (value, span) = value(input)?;
                self.mark(i, Part::Default(c.text.clone()), span);
                Op::SetDefault { table: t, column: c.text, default: value }
            }
            "add_constraint" if peeks_using_index(input) => {
                // `[NAME] primary_key|unique using index IDX`: PostgreSQL names
                // the constraint after the index when no name is written.
                let kind_word =
                    |input: ParseStream| peek_keyword(input, "primary_key") || peek_keyword(input, "unique");
                let explicit = if kind_word(input) { None } else { Some(name(input, "constraint")?) };
                let primary_key = peek_keyword(input, "primary_key");
                keyword(input, if primary_key { "primary_key" } else { "unique" })?;
                keyword(input, "using")?;
                keyword(input, "index").map_err(|e| {
                    err(
                        e.span(),
                        "expected `using index NAME`: `add_constraint users_pkey primary_key using index users_id_key`",
                    )
                })?;
                let index = name(input, "index")?;
                self.mark(i, Part::Modifier("index"), index.span);
                self.mark(i, Part::Name, explicit.as_ref().map_or(index.span, |n| n.span));
                Op::AttachIndex {
                    table: t,
                    name: explicit.map_or_else(|| index.text.clone(), |n| n.text),
                    index: index.text,
                    primary_key,
                }
            }
            "add_constraint" => {
                // An explicit name comes first unless the next word starts the constraint itself.
                let starts_kind =
                    ["primary_key", "unique", "check", "foreign_key"].iter().any(|k| peek_keyword(input, k))
                        && (input.peek2(syn::token::Paren));
                let mut checks = 0;
                let constraint_name = if starts_kind {
                    None
                } else {
                    let n = name(input, "constraint")?;
                    Some(n)
                };
                let (mut constraint, modifier) = self.table_constraint(input, i, &t, &mut checks)?;
                match constraint_name {
                    Some(n) => {
                        self.spans.spans.insert(self.at(i, Part::Name), n.span);
                        constraint.name = n.text;
                    }
                    None if matches!(constraint.kind, ConstraintKind::Check { .. }) => {
                        return Err(err(
                            kw.span(),
                            format!(
                                "name the check, so it can be told apart and dropped later: `add_constraint {t}_…_check check(\"…\")`"
                            ),
                        ));
                    }
                    None => {}
                }
                let online = match (modifier, &constraint.kind) {
                    (None, _) => false,
                    (Some(("not_valid", _)), ConstraintKind::Check { .. } | ConstraintKind::ForeignKey { .. }) => true,
                    (Some(("concurrently", _)), ConstraintKind::Unique { .. } | ConstraintKind::PrimaryKey { .. }) => {
                        true
                    }
                    (Some((m, span)), kind) => {
                        let fits = if m == "not_valid" {
                            "a check or foreign key"
                        } else {
                            "a unique constraint or primary key"
                        };
                        return Err(err(span, format!("`{m}` applies to {fits}, not to a {}", kind.describe())));
                    }
                };
                if let Some((m, span)) = modifier {
                    self.mark(i, Part::Modifier(if m == "not_valid" { "not_valid" } else { "concurrently" }), span);
                }
                // `not_valid validate_later`: added NOT VALID and left so; a
                // later migration's `validate_constraint` checks the old rows.
                if online && modifier.is_some_and(|(m, _)| m == "not_valid") && peek_keyword(input, "validate_later") {
                    let span = keyword(input, "validate_later")?;
                    self.mark(i, Part::Modifier("validate_later"), span);
                    constraint.not_valid = true;
                    Op::AddConstraint { table: t, constraint, online: false }
                } else {
                    Op::AddConstraint { table: t, constraint, online }
                }
            }
            "validate_constraint" => {
                let n = name(input, "constraint")?;
                self.mark(i, Part::Name, n.span);
                Op::ValidateConstraint { table: t, name: n.text }
            }
            "drop_constraint" => {
                let n = name(input, "constraint")?;
                self.mark(i, Part::Name, n.span);
                Op::DropConstraint { table: t, name: n.text }
            }
            other => {
                return Err(err(
                    kw.span(),
                    format!(
                        "unknown `alter_table` item `{other}`; {}expected one of: {ALTER_ITEMS}",
                        did_you_mean(other, ALTER_ITEMS).map(|w| format!("did you mean `{w}`? ")).unwrap_or_default()
                    ),
                ));
            }
        };
        steps.push(Step::new(op));
        Ok(())
    }
}

/// Whether an `add_constraint` item is `[NAME] primary_key|unique using
/// index …` (the constraint takes over an index built earlier).
fn peeks_using_index(input: ParseStream) -> bool {
    let fork = input.fork();
    let kind_word = |f: ParseStream| peek_keyword(f, "primary_key") || peek_keyword(f, "unique");
    if !kind_word(&fork) && fork.call(Ident::parse_any).is_err() {
        return false;
    }
    kind_word(&fork) && fork.call(Ident::parse_any).is_ok() && peek_keyword(&fork, "using")
}
