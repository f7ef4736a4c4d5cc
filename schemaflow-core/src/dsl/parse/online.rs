//! `online_change TABLE { … }`: a modification shipped across deploys,
//! lowered to its phases: expand (new columns, dual-write sync), backfill,
//! a deploy boundary, contract (sync and retired columns dropped, the new
//! columns made NOT NULL as declared).

use super::*;

/// An `add` (or the new side of a `rename`): the column, its type, whether
/// it is nullable, its expression over the old columns (`None` when a
/// `with` function computes it) and its default.
type Added = (Name, ColumnType, bool, Option<String>, Option<DefaultValue>);

/// The `add`, `retire`, `rename`, `with` and `create_index` items as read
/// (a column's expression is `None` when a `with` function computes it).
struct Item {
    added: Vec<Added>,
    retired: Vec<(Name, Option<String>)>,
    indexes: Vec<(Name, Vec<Name>, bool)>,
    functions: Vec<(Span, TransformSpec)>,
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
        let mut items = Item { added: Vec::new(), retired: Vec::new(), indexes: Vec::new(), functions: Vec::new() };
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
        let functions = sync_functions(&items)?;
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
        let functions_at = functions.as_ref().map(|(forward, back, _)| (*forward, *back));
        let mark_all = |builder: &mut Builder, i: usize| {
            builder.mark(i, Part::Op, kw);
            builder.mark(i, Part::Table, table.span);
            for (n, ..) in &items.added {
                builder.mark(i, Part::Column(n.text.clone()), n.span);
            }
            for (n, _) in &items.retired {
                builder.mark(i, Part::Column(n.text.clone()), n.span);
            }
            if let Some((forward, back)) = functions_at {
                builder.mark(i, Part::Modifier("with"), forward);
                builder.mark(i, Part::Modifier("with back"), back);
            }
        };
        // Expand: the new columns, nullable until the contract.
        for (n, ty, ..) in &items.added {
            mark_all(self, steps.len());
            steps.push(Step::new(Op::AddColumn {
                table: t.clone(),
                column: Column {
                    name: n.text.clone(),
                    ty: ty.clone(),
                    nullable: true,
                    default: None,
                    identity: false,
                    generated: None,
                },
            }));
        }
        let sync = Sync {
            table: t.clone(),
            name: sync_name.clone(),
            added: items
                .added
                .iter()
                .map(|(n, _, _, e, _)| SyncedColumn { column: n.text.clone(), expr: e.clone().unwrap_or_default() })
                .collect(),
            retired: items
                .retired
                .iter()
                .map(|(n, e)| SyncedColumn { column: n.text.clone(), expr: e.clone().unwrap_or_default() })
                .collect(),
            defaults: Vec::new(),
            functions: functions.map(|(_, _, f)| f),
        };
        let catch_up = |fill_from| {
            Op::CatchUp(CatchUp { table: t.clone(), sync: sync_name.clone(), fill_from, batch_size, pause_ms })
        };
        let with_functions = sync.functions.is_some();
        mark_all(self, steps.len());
        steps.push(Step::new(Op::CreateSync(sync.clone())));
        mark_all(self, steps.len());
        if with_functions {
            // The fill is a catch-up of every row, as if the old app had
            // just written it.
            steps.push(Step::new(catch_up(Some(SyncSide::Old))));
        } else {
            steps.push(Step::new(Op::Backfill(sync.fill(&sync.added, batch_size, pause_ms))));
        }
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
        let in_step = if with_functions {
            "each write reaches the other shape with the next catch-up (`cargo schemaflow run` runs one)"
        } else {
            "the sync keeps the two shapes in step"
        };
        steps.push(Step::new(Op::DeployBoundary {
            note: format!(
                "deploy the code that reads and writes {new} of `{t}` instead of {old}, everywhere; until then both versions run side by side and {in_step}"
            ),
        }));
        // Contract: with functions, the rows written since the expand are
        // caught up first, in batches, while both versions may still write
        // (the drop of the sync catches up the last few under its lock).
        if with_functions {
            mark_all(self, steps.len());
            steps.push(Step::new(catch_up(None)));
        }
        mark_all(self, steps.len());
        steps.push(Step::new(Op::DropSync { table: t.clone(), name: sync_name.clone() }));
        for (n, _) in &items.retired {
            mark_all(self, steps.len());
            steps.push(Step::new(Op::DropColumn {
                table: t.clone(),
                column: n.text.clone(),
                if_exists: false,
                cascade: false,
            }));
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
                let e = optional_expression(input)?;
                let default = default_value(input)?;
                items.added.push((n, ty, nullable, e, default));
            }
            "retire" => {
                let n = name(input, "column")?;
                let e = optional_expression(input)?;
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
                items.added.push((to, ty, nullable, Some(from_sql), default));
                items.retired.push((from, Some(to_sql)));
            }
            "with" => {
                // `with path::to::f(inputs) -> (outputs)`: a Rust function
                // that computes one side from the other.
                let (function, span) = function_path(input)?;
                let inputs = texts(&name_list(input, "column")?);
                input.parse::<Token![->]>().map_err(|e| {
                    err(e.span(), "expected `->` and the columns the function returns: `-> (first_name, last_name)`")
                })?;
                let outputs = if input.peek(syn::token::Paren) {
                    texts(&name_list(input, "column")?)
                } else {
                    vec![name(input, "column")?.text]
                };
                items.functions.push((span, TransformSpec { function, inputs, outputs }));
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

const ONLINE_ITEMS: &str = "expected `add column: Type = \"expression\"`, `retire column = \"expression\"`, `rename old -> new: Type`, `with path::to::function(columns) -> (columns)` or `create_index name on (columns)`";

/// `default VALUE` after an `add` or `rename` item: the new column's
/// default, set by the contract.
fn default_value(input: ParseStream) -> Result<Option<DefaultValue>> {
    if !peek_keyword(input, "default") {
        return Ok(None);
    }
    keyword(input, "default")?;
    Ok(Some(value(input)?.0))
}

/// `= "expression"` after an `add` or `retire` item, if written.
fn optional_expression(input: ParseStream) -> Result<Option<String>> {
    if !input.peek(Token![=]) {
        return Ok(None);
    }
    input.parse::<Token![=]>()?;
    expression(input).map(Some)
}

/// The change's Rust functions (with where each is written: forward,
/// back), or `None` when SQL expressions compute both sides. Each side is
/// computed one way or the other, never both.
fn sync_functions(items: &Item) -> Result<Option<(Span, Span, SyncFunctions)>> {
    let added: Vec<&str> = items.added.iter().map(|(n, ..)| n.text.as_str()).collect();
    let retired: Vec<&str> = items.retired.iter().map(|(n, _)| n.text.as_str()).collect();
    let same = |columns: &[String], side: &[&str]| {
        columns.len() == side.len() && side.iter().all(|c| columns.iter().any(|o| o == c))
    };
    let within = |columns: &[String], side: &[&str]| columns.iter().all(|c| side.contains(&c.as_str()));
    if items.functions.is_empty() {
        let added = items.added.iter().map(|(n, .., e, _)| (n, e, "old"));
        let retired = items.retired.iter().map(|(n, e)| (n, e, "new"));
        if let Some((n, _, over)) = added.chain(retired).find(|(_, e, _)| e.is_none()) {
            return Err(err(
                n.span,
                format!(
                    "`{}` needs `= \"expression over the {over} columns\"`, or a `with` function that returns it",
                    n.text
                ),
            ));
        }
        return Ok(None);
    }
    let written: Vec<&Name> = items
        .added
        .iter()
        .filter(|(.., e, _)| e.is_some())
        .map(|(n, ..)| n)
        .chain(items.retired.iter().filter(|(_, e)| e.is_some()).map(|(n, _)| n))
        .collect();
    if let Some(n) = written.first() {
        return Err(err(
            n.span,
            format!(
                "with `with` functions, both sides are computed by them: drop the expression of `{}` (a `rename` is SQL too; write `add` and `retire` instead)",
                n.text
            ),
        ));
    }
    let (mut forward, mut back) = (None, None);
    for (span, f) in &items.functions {
        if same(&f.outputs, &added) && within(&f.inputs, &retired) && forward.is_none() {
            forward = Some((*span, f.clone()));
        } else if same(&f.outputs, &retired) && within(&f.inputs, &added) && back.is_none() {
            back = Some((*span, f.clone()));
        } else {
            return Err(err(
                *span,
                format!(
                    "`{}` must compute the new columns ({}) from old ones, or the old columns ({}) from new ones, once each",
                    f.function,
                    added.join(", "),
                    retired.join(", ")
                ),
            ));
        }
    }
    match (forward, back) {
        (Some((fs, forward)), Some((bs, back))) => Ok(Some((fs, bs, SyncFunctions { forward, back }))),
        (Some((span, _)), None) | (None, Some((span, _))) => Err(err(
            span,
            "an online change with Rust functions needs both: one computing the new columns from the old ones (for the old app's writes) and one computing the old columns from the new ones (for the new app's writes)",
        )),
        (None, None) => Ok(None),
    }
}

fn expression(input: ParseStream) -> Result<String> {
    let e: LitStr = input.parse().map_err(|e| err(e.span(), "expected a SQL expression in a string"))?;
    if e.value().trim().is_empty() {
        return Err(err(e.span(), "the expression is empty"));
    }
    Ok(e.value())
}
