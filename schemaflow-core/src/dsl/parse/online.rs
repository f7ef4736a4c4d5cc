//! `online_change TABLE { … }`: a modification shipped across deploys,
//! lowered to its phases: expand (new columns, dual-write sync), backfill,
//! a deploy boundary, contract (sync and retired columns dropped, the new
//! columns made NOT NULL as declared).

use super::*;

/// The `add`, `retire`, `rename` and `create_index` items as read.
struct Item {
    added: Vec<(Name, ColumnType, bool, String, Option<DefaultValue>)>,
    retired: Vec<(Name, String)>,
    indexes: Vec<(Name, Vec<Name>, bool)>,
}

impl Builder {
    /// `rename_table old -> new online`, after `online`: the rename, the
    /// view that keeps the old name for the code still running, a deploy
    /// boundary, and the view's drop.
    pub(super) fn rename_table_online(
        &mut self,
        input: ParseStream,
        kw: Span,
        from: Name,
        to: Name,
        steps: &mut Vec<Step>,
    ) -> Result<()> {
        let online = keyword(input, "online")?;
        let (f, t) = (from.text.clone(), to.text.clone());
        let ops = [
            Op::RenameTable { from: f.clone(), to: t.clone() },
            Op::CreateCompatView { view: f.clone(), table: t.clone() },
            Op::DeployBoundary {
                note: format!(
                    "deploy the code that uses `{t}` instead of `{f}`, everywhere; until then the code still running reads and writes `{t}` through the view `{f}`"
                ),
            },
            Op::DropCompatView { view: f, table: t },
        ];
        for op in ops {
            let i = steps.len();
            self.mark(i, Part::Op, kw);
            self.mark(i, Part::Table, from.span);
            self.mark(i, Part::NewName, to.span);
            self.mark(i, Part::Modifier("online"), online);
            steps.push(Step::new(op));
        }
        Ok(())
    }

    /// Returns whether it ended with its `{ … }` block.
    pub(super) fn online_change(&mut self, input: ParseStream, steps: &mut Vec<Step>, kw: Span) -> Result<bool> {
        let table = name(input, "table")?;
        let content;
        braced!(content in input);
        let mut items = Item { added: Vec::new(), retired: Vec::new(), indexes: Vec::new() };
        while !content.is_empty() {
            self.online_item(&content, &mut items)?;
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        if items.added.is_empty() || items.retired.is_empty() {
            return Err(err(
                table.span,
                format!(
                    "`online_change {}` needs the new shape and the old one: `add new_column: Type = \"expression over the old columns\"` and `retire old_column = \"expression over the new columns\"` (or `rename old -> new: Type`)",
                    table.text
                ),
            ));
        }
        let (mut batch_size, mut pause_ms) = (DEFAULT_BATCH_SIZE, 0);
        let mut ended_with_block = true;
        loop {
            let Ok(m) = input.fork().call(Ident::parse_any) else { break };
            match m.to_string().as_str() {
                "batch" => {
                    input.call(Ident::parse_any)?;
                    let n: LitInt = input.parse()?;
                    batch_size = n.base10_parse()?;
                    ended_with_block = false;
                    if !(1..=100_000).contains(&batch_size) {
                        return Err(err(n.span(), "batch size must be between 1 and 100000 rows"));
                    }
                }
                "pause" => {
                    input.call(Ident::parse_any)?;
                    pause_ms = duration_ms(input)?;
                    ended_with_block = false;
                }
                _ => break,
            }
        }
        let t = table.text.clone();
        let sync_name = format!("{t}_{}_sync", items.added[0].0.text);
        let mark_all = |builder: &mut Builder, i: usize| {
            builder.mark(i, Part::Op, kw);
            builder.mark(i, Part::Table, table.span);
            for (n, ..) in &items.added {
                builder.mark(i, Part::Column(n.text.clone()), n.span);
            }
            for (n, _) in &items.retired {
                builder.mark(i, Part::Column(n.text.clone()), n.span);
            }
        };
        // Expand: the new columns, nullable until the contract.
        for (n, ty, ..) in &items.added {
            mark_all(self, steps.len());
            steps.push(Step::new(Op::AddColumn {
                table: t.clone(),
                column: Column { name: n.text.clone(), ty: ty.clone(), nullable: true, default: None, identity: false },
            }));
        }
        let sync = Sync {
            table: t.clone(),
            name: sync_name.clone(),
            added: items
                .added
                .iter()
                .map(|(n, _, _, e, _)| SyncedColumn { column: n.text.clone(), expr: e.clone() })
                .collect(),
            retired: items
                .retired
                .iter()
                .map(|(n, e)| SyncedColumn { column: n.text.clone(), expr: e.clone() })
                .collect(),
            defaults: Vec::new(),
        };
        mark_all(self, steps.len());
        steps.push(Step::new(Op::CreateSync(sync.clone())));
        mark_all(self, steps.len());
        steps.push(Step::new(Op::Backfill(sync.fill(&sync.added, batch_size, pause_ms))));
        // The new shape's indexes, built without blocking writes while
        // both app versions run.
        for (n, columns, unique) in &items.indexes {
            let i = steps.len();
            mark_all(self, i);
            self.mark(i, Part::Name, n.span);
            steps.push(Step::new(Op::CreateIndex(Index {
                name: n.text.clone(),
                table: t.clone(),
                columns: texts(columns),
                key: None,
                unique: *unique,
                predicate: None,
                concurrently: true,
                if_not_exists: false,
            })));
        }
        let names = |list: Vec<&str>| list.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        let new = names(items.added.iter().map(|(n, ..)| n.text.as_str()).collect());
        let old = names(items.retired.iter().map(|(n, _)| n.text.as_str()).collect());
        mark_all(self, steps.len());
        steps.push(Step::new(Op::DeployBoundary {
            note: format!(
                "deploy the code that reads and writes {new} of `{t}` instead of {old}, everywhere; until then both versions run side by side and the sync keeps the two shapes in step"
            ),
        }));
        // Contract.
        mark_all(self, steps.len());
        steps.push(Step::new(Op::DropSync { table: t.clone(), name: sync_name }));
        for (n, _) in &items.retired {
            mark_all(self, steps.len());
            steps.push(Step::new(Op::DropColumn { table: t.clone(), column: n.text.clone() }));
        }
        for (n, _, nullable, _, default) in &items.added {
            // The default only now: during the expand an insert that leaves
            // the new column NULL is how the sync knows the old app wrote it.
            if let Some(default) = default {
                mark_all(self, steps.len());
                steps.push(Step::new(Op::SetDefault {
                    table: t.clone(),
                    column: n.text.clone(),
                    default: default.clone(),
                }));
            }
            if !nullable {
                mark_all(self, steps.len());
                steps.push(Step::new(Op::SetNotNull { table: t.clone(), column: n.text.clone() }));
            }
        }
        Ok(ended_with_block)
    }

    fn online_item(&mut self, input: ParseStream, items: &mut Item) -> Result<()> {
        let kw = input.call(Ident::parse_any).map_err(|e| err(e.span(), ONLINE_ITEMS))?;
        match kw.to_string().as_str() {
            "add" => {
                let n = name(input, "column")?;
                input.parse::<Token![:]>()?;
                let (ty, nullable, _) = self.column_type(input)?;
                input.parse::<Token![=]>().map_err(|e| {
                    err(e.span(), "expected `= \"expression\"`: how the new column is computed from the old ones")
                })?;
                let e = expression(input)?;
                let default = default_value(input)?;
                items.added.push((n, ty, nullable, e, default));
            }
            "retire" => {
                let n = name(input, "column")?;
                input.parse::<Token![=]>().map_err(|e| {
                    err(e.span(), "expected `= \"expression\"`: how the old column is computed from the new ones")
                })?;
                let e = expression(input)?;
                items.retired.push((n, e));
            }
            "rename" => {
                let from = name(input, "column")?;
                input.parse::<Token![->]>().map_err(|e| err(e.span(), "expected `->`: `rename old -> new: Type`"))?;
                let to = name(input, "column")?;
                input.parse::<Token![:]>().map_err(|e| {
                    err(
                        e.span(),
                        "expected `: Type`, the column's type as it is now (`rename name -> full_name: String`)",
                    )
                })?;
                let (ty, nullable, _) = self.column_type(input)?;
                let (from_sql, to_sql) = (crate::dialect::ident(&from.text), crate::dialect::ident(&to.text));
                let default = default_value(input)?;
                items.added.push((to, ty, nullable, from_sql, default));
                items.retired.push((from, to_sql));
            }
            "create_index" => {
                let n = name(input, "index")?;
                keyword(input, "on").map_err(|e| {
                    err(e.span(), "expected `on (columns)`: `create_index users_full_name_key on (full_name) unique`")
                })?;
                let columns = name_list(input, "column")?;
                let unique = if peek_keyword(input, "unique") {
                    keyword(input, "unique")?;
                    true
                } else {
                    false
                };
                items.indexes.push((n, columns, unique));
            }
            other => return Err(err(kw.span(), format!("unknown item `{other}`; {ONLINE_ITEMS}"))),
        }
        Ok(())
    }
}

const ONLINE_ITEMS: &str =
    "expected `add column: Type = \"expression\"`, `retire column = \"expression\"` or `rename old -> new: Type`";

/// `default VALUE` after an `add` or `rename` item: the new column's
/// default, set by the contract.
fn default_value(input: ParseStream) -> Result<Option<DefaultValue>> {
    if !peek_keyword(input, "default") {
        return Ok(None);
    }
    keyword(input, "default")?;
    Ok(Some(value(input)?.0))
}

fn expression(input: ParseStream) -> Result<String> {
    let e: LitStr = input.parse().map_err(|e| err(e.span(), "expected a SQL expression in a string"))?;
    if e.value().trim().is_empty() {
        return Err(err(e.span(), "the expression is empty"));
    }
    Ok(e.value())
}
