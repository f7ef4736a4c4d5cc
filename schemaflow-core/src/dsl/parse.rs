//! Tokens to model: the grammar of the `migration!` DSL.
//!
//! One direction only: tokens in, [`Migration`] plus a [`SpanMap`] out.
//! Every error is a `syn::Error` at the offending token; errors are gathered
//! (a malformed step is skipped up to the next `;`) so one build shows them
//! all. The grammar, one line per construct:
//!
//! ```text
//! create_table NAME { COLUMN, … , [constraint NAME] CONSTRAINT, … }
//!     COLUMN     = name: Type [= value] [primary_key] [identity] [unique] [check("sql")]
//!                  [references table(col) [on_delete ACTION] [on_update ACTION]]
//!     CONSTRAINT = primary_key(a, …) | unique(a, …) | check("sql")
//!                  | foreign_key(a, …) references table(b, …) [on_delete ACTION] [on_update ACTION]
//! drop_table NAME
//! rename_table OLD -> NEW
//! alter_table NAME { ITEM, … }
//!     ITEM = add_column COLUMN [not_valid] | drop_column c | rename_column a -> b
//!          | set_type c: Type [using "sql"] | set_not_null c | drop_not_null c
//!          | set_default c = value | drop_default c | drop_constraint NAME
//!          | add_constraint [NAME] CONSTRAINT [not_valid | concurrently]   (a check needs its NAME)
//! create_index [NAME] on table(a, …) [unique] [where "sql"] [concurrently]
//! drop_index NAME [concurrently]
//! backfill table set a = value, … [where "sql"] [batch N] [pause 100ms]
//! backfill table with path::to::f(a, …) -> (b, …) [where "sql"] [batch N] [pause 100ms]
//! sql "…" (down "…" | irreversible "why")
//! down { STEP … }            irreversible "why"
//! lock_timeout 10s           statement_timeout 2min      (PostgreSQL, this migration only)
//! #[allow(rule_name, "reason")] before any step
//! value = true | 42 | -1.5 | "text" | now() | current_date() | gen_random_uuid() | random()
//!       | clock_timestamp() | sql("expression")
//! ACTION = no_action | restrict | cascade | set_null | set_default
//! ```
//! Steps are separated by `;` (optional after a `{ … }` block).

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitInt, LitStr, Token, braced, parenthesized};

use crate::location::{Location, Part, Section};
use crate::model::*;
use crate::raw_sql::Flavor;
use crate::rules;

/// The steps of raw SQL statements read from one literal: the statement's
/// text on its first step, and each step's undo from `undo(index)`.
fn raw_steps(read: Vec<crate::raw_sql::ReadStatement>, mut undo: impl FnMut(usize) -> Undo) -> Vec<Step> {
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

/// Spans of the parts of a migration, for mapping diagnostics to tokens.
#[derive(Clone, Debug, Default)]
pub struct SpanMap {
    spans: HashMap<Location, Span>,
}

impl SpanMap {
    fn insert(&mut self, location: Location, span: Span) {
        self.spans.entry(location).or_insert(span);
    }

    /// The span of `location`, falling back to its step's keyword, then to `fallback`.
    pub fn get(&self, location: &Location, fallback: Span) -> Span {
        self.spans.get(location).or_else(|| self.spans.get(&location.op())).copied().unwrap_or(fallback)
    }
}

/// A parsed migration and the spans of its parts.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The model.
    pub migration: Migration,
    /// Where each part was written.
    pub spans: SpanMap,
}

/// Parses the body of a `migration! { … }` invocation, reading raw SQL
/// as PostgreSQL does.
pub fn parse_migration(tokens: TokenStream, version: u64, name: &str) -> syn::Result<Parsed> {
    parse_migration_for(tokens, version, name, Flavor::Postgres)
}

/// Parses the body of a `migration! { … }` invocation, reading raw SQL
/// with `flavor`.
pub fn parse_migration_for(tokens: TokenStream, version: u64, name: &str, flavor: Flavor) -> syn::Result<Parsed> {
    let mut builder = Builder { flavor, ..Builder::default() };
    let mut migration = Migration {
        version,
        name: name.to_owned(),
        steps: Vec::new(),
        down: Down::Derived,
        settings: Settings::default(),
        transforms: Default::default(),
    };
    let result = (|input: ParseStream| builder.top_level(input, &mut migration)).parse2(tokens);
    // After an error inside a `{ … }` or `( … )`, the tokens left in that
    // group make syn add "unexpected token" at the end: noise next to the
    // real error, so it is only reported when it is the only one.
    if let Err(e) = result
        && builder.errors.is_empty()
    {
        builder.errors.push(e);
    }
    match combine(builder.errors) {
        Some(error) => Err(error),
        None => Ok(Parsed { migration, spans: builder.spans }),
    }
}

/// Folds errors into one `syn::Error` that reports each of them.
pub fn combine(errors: Vec<syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    })
}

type Result<T> = syn::Result<T>;

/// A name and where it was written.
#[derive(Clone)]
struct Name {
    text: String,
    span: Span,
}

#[derive(Default)]
struct Builder {
    /// How raw SQL is read.
    flavor: Flavor,
    spans: SpanMap,
    errors: Vec<syn::Error>,
    section: Option<Section>,
    /// The number of `#[allow]`s read so far, to give each its id.
    allows_read: usize,
}

const OPERATIONS: &str =
    "create_table, drop_table, rename_table, alter_table, create_index, drop_index, backfill, sql, down, irreversible";
const ALTER_ITEMS: &str = "add_column, drop_column, rename_column, set_type, set_not_null, drop_not_null, set_default, drop_default, add_constraint, drop_constraint";

fn err(span: Span, message: impl std::fmt::Display) -> syn::Error {
    syn::Error::new(span, message)
}

fn peek_keyword(input: ParseStream, keyword: &str) -> bool {
    input.fork().call(Ident::parse_any).is_ok_and(|i| i == keyword)
}

fn keyword(input: ParseStream, keyword: &str) -> Result<Span> {
    let ident = input.call(Ident::parse_any).map_err(|e| err(e.span(), format!("expected `{keyword}`")))?;
    if ident != keyword {
        return Err(err(ident.span(), format!("expected `{keyword}`, found `{ident}`")));
    }
    Ok(ident.span())
}

/// A lowercase SQL name: `[a-z_][a-z0-9_]*`, raw identifiers allowed (`r#type`).
fn name(input: ParseStream, what: &str) -> Result<Name> {
    let ident = input.call(Ident::parse_any).map_err(|e| err(e.span(), format!("expected {what} name")))?;
    let text = ident.to_string();
    let text = text.strip_prefix("r#").unwrap_or(&text).to_owned();
    let valid = text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return Err(err(
            ident.span(),
            format!(
                "{what} name `{text}` must be lowercase snake_case ASCII: PostgreSQL folds unquoted names to lowercase, so any other spelling must be quoted in every query"
            ),
        ));
    }
    Ok(Name { text, span: ident.span() })
}

fn name_list(input: ParseStream, what: &str) -> Result<Vec<Name>> {
    let content;
    let paren = parenthesized!(content in input);
    let mut list = Vec::new();
    while !content.is_empty() {
        list.push(name(&content, what)?);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    if list.is_empty() {
        return Err(err(paren.span.join(), format!("expected at least one {what} name")));
    }
    Ok(list)
}

fn texts(names: &[Name]) -> Vec<String> {
    names.iter().map(|n| n.text.clone()).collect()
}

/// Top-level operation keywords, where parsing resumes after an error.
const RESUME_AT: &[&str] = &[
    "create_table",
    "drop_table",
    "rename_table",
    "alter_table",
    "create_index",
    "drop_index",
    "backfill",
    "sql",
    "down",
    "irreversible",
];

/// Error recovery: skips the rest of a malformed step, up to and including
/// the next `;`, or up to the next operation keyword (not a call such as
/// `sql(…)`), so that the steps after it are still checked.
fn skip_step(input: ParseStream, progressed: bool) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        // Without progress, resuming at the current keyword would loop.
        let mut first = !progressed;
        while let Some((tt, next)) = rest.token_tree() {
            match &tt {
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ';' => return Ok(((), next)),
                proc_macro2::TokenTree::Ident(i) if !first && RESUME_AT.iter().any(|k| i == k) => {
                    let next_group = match next.token_tree() {
                        Some((proc_macro2::TokenTree::Group(g), _)) => Some(g.delimiter()),
                        _ => None,
                    };
                    // `sql("…")` is a value and a step's own `down "…"` is not
                    // a block: only resume at a real step.
                    let resumes = if i == "down" {
                        next_group == Some(proc_macro2::Delimiter::Brace)
                    } else {
                        next_group != Some(proc_macro2::Delimiter::Parenthesis)
                    };
                    if resumes {
                        return Ok(((), rest));
                    }
                }
                _ => {}
            }
            first = false;
            rest = next;
        }
        Ok(((), rest))
    });
}

struct PendingAllow {
    allow: Allow,
    span: Span,
}

impl Builder {
    fn at(&self, step: usize, part: Part) -> Location {
        Location { section: self.section.unwrap_or(Section::Up), step, part }
    }

    fn mark(&mut self, step: usize, part: Part, span: Span) {
        let location = self.at(step, part);
        self.spans.insert(location, span);
    }

    fn top_level(&mut self, input: ParseStream, migration: &mut Migration) -> Result<()> {
        self.section = Some(Section::Up);
        let mut down_span: Option<Span> = None;
        while !input.is_empty() {
            let start = input.cursor();
            let outcome = (|| -> Result<bool> {
                let allows = self.allows(input)?;
                if peek_keyword(input, "down") {
                    let span = keyword(input, "down")?;
                    if let Some(a) = allows.first() {
                        return Err(err(a.span, "`#[allow]` belongs on the steps inside `down { … }`"));
                    }
                    if down_span.is_some() || !matches!(migration.down, Down::Derived) {
                        return Err(err(span, "a migration has at most one `down { … }` or `irreversible`"));
                    }
                    down_span = Some(span);
                    self.spans.insert(rules::DOWN_KEYWORD, span);
                    let content;
                    braced!(content in input);
                    self.section = Some(Section::Down);
                    let mut steps = Vec::new();
                    let result = self.steps_in(&content, &mut steps);
                    self.section = Some(Section::Up);
                    result?;
                    migration.down = Down::Explicit(steps);
                    return Ok(true);
                }
                if peek_keyword(input, "lock_timeout") || peek_keyword(input, "statement_timeout") {
                    let kw = input.call(Ident::parse_any)?;
                    if let Some(a) = allows.first() {
                        return Err(err(a.span, format!("`#[allow]` belongs on a step, not on `{kw}`")));
                    }
                    let ms = duration_ms(input)?;
                    let slot = if kw == "lock_timeout" {
                        &mut migration.settings.lock_timeout_ms
                    } else {
                        &mut migration.settings.statement_timeout_ms
                    };
                    if slot.replace(ms).is_some() {
                        return Err(err(kw.span(), format!("`{kw}` is set twice")));
                    }
                    return Ok(false);
                }
                if peek_keyword(input, "irreversible") {
                    let span = keyword(input, "irreversible")?;
                    if let Some(a) = allows.first() {
                        return Err(err(a.span, "`#[allow]` belongs on a step, not on `irreversible`"));
                    }
                    let reason = reason(input, span, "irreversible")?;
                    if down_span.is_some() || !matches!(migration.down, Down::Derived) {
                        return Err(err(span, "a migration has at most one `down { … }` or `irreversible`"));
                    }
                    down_span = Some(span);
                    self.spans.insert(rules::DOWN_KEYWORD, span);
                    migration.down = Down::Irreversible(reason);
                    return Ok(false);
                }
                self.step(input, &mut migration.steps, allows)
            })();
            match outcome {
                Ok(ended_with_block) => self.separator(input, ended_with_block)?,
                Err(e) => {
                    self.errors.push(e);
                    skip_step(input, input.cursor() != start);
                }
            }
        }
        Ok(())
    }

    /// Steps of a `down { … }` block.
    fn steps_in(&mut self, input: ParseStream, steps: &mut Vec<Step>) -> Result<()> {
        while !input.is_empty() {
            let start = input.cursor();
            let outcome = (|| -> Result<bool> {
                let allows = self.allows(input)?;
                self.step(input, steps, allows)
            })();
            match outcome {
                Ok(ended_with_block) => self.separator(input, ended_with_block)?,
                Err(e) => {
                    self.errors.push(e);
                    skip_step(input, input.cursor() != start);
                }
            }
        }
        Ok(())
    }

    fn separator(&mut self, input: ParseStream, ended_with_block: bool) -> Result<()> {
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
        } else if !input.is_empty() && !ended_with_block {
            return Err(err(input.span(), "expected `;` between steps"));
        }
        Ok(())
    }

    /// `#[allow(rule_name, "reason")]*`
    fn allows(&mut self, input: ParseStream) -> Result<Vec<PendingAllow>> {
        let mut out = Vec::new();
        while input.peek(Token![#]) {
            input.parse::<Token![#]>()?;
            let content;
            syn::bracketed!(content in input);
            let attr = content.call(Ident::parse_any)?;
            if attr == "doc" {
                // A `///` comment on a step: documentation for the reader.
                let _ = content.parse::<TokenStream>()?;
                continue;
            }
            if attr != "allow" {
                return Err(err(
                    attr.span(),
                    format!("unknown attribute `{attr}`; the DSL knows `#[allow(rule_name, \"reason\")]`"),
                ));
            }
            let args;
            let paren = parenthesized!(args in content);
            let rule_ident = args.call(Ident::parse_any).map_err(|e| {
                err(e.span(), "expected a rule name, e.g. `#[allow(blocking_index, \"table has 200 rows\")]`")
            })?;
            let Some(rule) = rules::find(&rule_ident.to_string()) else {
                let known: Vec<String> =
                    rules::CATALOGUE.iter().filter(|r| r.allowable).map(|r| r.allow_name()).collect();
                return Err(err(
                    rule_ident.span(),
                    format!("unknown rule `{rule_ident}`; rules that can be acknowledged: {}", known.join(", ")),
                ));
            };
            if !args.peek(Token![,]) {
                return Err(err(
                    paren.span.join(),
                    format!(
                        "`#[allow({})]` needs a reason: `#[allow({}, \"why it is safe here\")]`",
                        rule_ident, rule_ident
                    ),
                ));
            }
            args.parse::<Token![,]>()?;
            let reason: LitStr = args.parse().map_err(|e| err(e.span(), "expected the reason as a string literal"))?;
            if reason.value().trim().is_empty() {
                return Err(err(reason.span(), "the reason must say why the hazard does not apply here"));
            }
            if !args.is_empty() {
                return Err(err(args.span(), "unexpected tokens after the reason"));
            }
            self.allows_read += 1;
            out.push(PendingAllow {
                allow: Allow { rule: rule.name.to_owned(), reason: reason.value(), id: self.allows_read },
                span: rule_ident.span(),
            });
        }
        Ok(out)
    }

    /// Parses one step (which may lower to several model steps) and pushes
    /// it with its acknowledgements. Returns whether it ended with a `{ … }` block.
    fn step(&mut self, input: ParseStream, steps: &mut Vec<Step>, allows: Vec<PendingAllow>) -> Result<bool> {
        let kw =
            input.call(Ident::parse_any).map_err(|e| err(e.span(), format!("expected an operation: {OPERATIONS}")))?;
        let first = steps.len();
        let kw_text = kw.to_string();
        let span = kw.span();
        let ended_with_block = match kw_text.as_str() {
            "create_table" => {
                let table = self.create_table(input, steps.len(), span)?;
                steps.push(Step::new(Op::CreateTable(table)));
                true
            }
            "drop_table" => {
                let t = name(input, "table")?;
                self.mark(steps.len(), Part::Op, span);
                self.mark(steps.len(), Part::Table, t.span);
                steps.push(Step::new(Op::DropTable { table: t.text, if_exists: false }));
                false
            }
            "rename_table" => {
                let from = name(input, "table")?;
                input.parse::<Token![->]>().map_err(|e| err(e.span(), "expected `->`: `rename_table old -> new`"))?;
                let to = name(input, "table")?;
                let i = steps.len();
                self.mark(i, Part::Op, span);
                self.mark(i, Part::Table, from.span);
                self.mark(i, Part::NewName, to.span);
                steps.push(Step::new(Op::RenameTable { from: from.text, to: to.text }));
                false
            }
            "alter_table" => {
                let table = name(input, "table")?;
                let content;
                braced!(content in input);
                let mut item_allows = Vec::new();
                while !content.is_empty() {
                    let allows = self.allows(&content)?;
                    let start = steps.len();
                    self.alter_item(&content, &table, steps)?;
                    item_allows.push((start, steps.len(), allows));
                    if content.is_empty() {
                        break;
                    }
                    content.parse::<Token![,]>()?;
                }
                if steps.len() == first {
                    return Err(err(
                        table.span,
                        format!("`alter_table {}` is empty; expected {ALTER_ITEMS}", table.text),
                    ));
                }
                for (start, end, allows) in item_allows {
                    self.attach(&mut steps[start..end], start, &allows);
                }
                true
            }
            "create_index" => {
                let index = self.create_index(input, steps.len(), span)?;
                steps.push(Step::new(Op::CreateIndex(index)));
                false
            }
            "drop_index" => {
                let n = name(input, "index")?;
                let i = steps.len();
                self.mark(i, Part::Op, span);
                self.mark(i, Part::Name, n.span);
                let concurrently = if peek_keyword(input, "concurrently") {
                    let s = keyword(input, "concurrently")?;
                    self.mark(i, Part::Modifier("concurrently"), s);
                    true
                } else {
                    false
                };
                steps.push(Step::new(Op::DropIndex { name: n.text, concurrently, if_exists: false }));
                false
            }
            "backfill" => {
                let backfill = self.backfill(input, steps.len(), span)?;
                steps.push(Step::new(Op::Backfill(backfill)));
                false
            }
            "sql" => {
                self.raw_sql(input, steps)?;
                false
            }
            "add_column" | "drop_column" | "rename_column" | "set_type" | "set_not_null" | "drop_not_null"
            | "set_default" | "drop_default" | "add_constraint" | "drop_constraint" => {
                return Err(err(span, format!("`{kw_text}` goes inside `alter_table name {{ … }}`")));
            }
            _ => return Err(err(span, format!("unknown operation `{kw_text}`; expected one of: {OPERATIONS}"))),
        };
        if first == steps.len() {
            return Ok(ended_with_block);
        }
        // An allow before a step (or before an `alter_table` block) applies
        // to every model step it lowers to.
        let end = steps.len();
        self.attach(&mut steps[first..end], first, &allows);
        Ok(ended_with_block)
    }

    fn attach(&mut self, steps: &mut [Step], first: usize, allows: &[PendingAllow]) {
        for (offset, step) in steps.iter_mut().enumerate() {
            for a in allows {
                let k = step.allows.len();
                self.mark(first + offset, Part::Allow(k), a.span);
                step.allows.push(a.allow.clone());
            }
        }
    }

    /// `sql "…" [down "…" | irreversible "why"]`: each statement read into
    /// the steps it amounts to (see [`crate::raw_sql`]), every one of them
    /// pointing at the literal.
    fn raw_sql(&mut self, input: ParseStream, steps: &mut Vec<Step>) -> Result<()> {
        let up: LitStr =
            input.parse().map_err(|e| err(e.span(), "expected the SQL as a string literal: `sql \"…\" down \"…\"`"))?;
        let read = crate::raw_sql::read(&up.value(), self.flavor);
        if read.is_empty() {
            return Err(err(up.span(), "the SQL holds no statement"));
        }
        let (last_undo, down_span) = if peek_keyword(input, "down") {
            keyword(input, "down")?;
            let d: LitStr = input.parse()?;
            let down = crate::raw_sql::read(&d.value(), self.flavor);
            if down.is_empty() {
                return Err(err(d.span(), "the `down` SQL holds no statement"));
            }
            (Some(Undo::Written(raw_steps(down, |_| Undo::Derived))), Some(d.span()))
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
            self.mark(i, Part::Op, up.span());
            self.mark(i, Part::Sql, up.span());
            if let Some(d) = down_span {
                self.mark(i, Part::Modifier("down"), d);
            }
        }
        Ok(())
    }

    fn create_table(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Table> {
        let table = name(input, "table")?;
        self.mark(i, Part::Op, kw);
        self.mark(i, Part::Table, table.span);
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
        Ok(Table { name: table.text, columns, constraints })
    }

    /// `name: Type [= value] [attributes]`
    fn column(&mut self, input: ParseStream, i: usize, table: &str) -> Result<ColumnDef> {
        let col = name(input, "column")?;
        self.mark(i, Part::Column(col.text.clone()), col.span);
        input
            .parse::<Token![:]>()
            .map_err(|e| err(e.span(), format!("expected `:` and the column's type: `{}: String`", col.text)))?;
        let (ty, nullable, ty_span) = self.column_type(input)?;
        self.mark(i, Part::ColumnType(col.text.clone()), ty_span);
        let mut column = Column { name: col.text.clone(), ty: ty.clone(), nullable, default: None, identity: false };
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
                    if column.default.is_some() {
                        return Err(err(attr.span(), "an `identity` column takes no default"));
                    }
                    if nullable {
                        return Err(err(attr.span(), "an `identity` column always has a value: drop the `Option<…>`"));
                    }
                    column.identity = true;
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
                    return Err(err(
                        attr.span(),
                        format!(
                            "unknown column attribute `{attr_text}`; expected `primary_key`, `unique`, `identity`, `check(\"…\")` or `references table(column)`"
                        ),
                    ));
                }
            }
        }
        Ok(ColumnDef { column, constraints })
    }

    /// `references table(cols) [on_delete ACTION] [on_update ACTION]`, after `references`.
    fn references(&mut self, input: ParseStream, columns: Vec<String>) -> Result<(ConstraintKind, Span)> {
        let ref_table = name(input, "table")?;
        let ref_columns = name_list(input, "column")?;
        let (mut on_delete, mut on_update) = (FkAction::NoAction, FkAction::NoAction);
        while peek_keyword(input, "on_delete") || peek_keyword(input, "on_update") {
            let which = input.call(Ident::parse_any)?;
            let action = input.call(Ident::parse_any)?;
            let Some(a) = FkAction::ALL.into_iter().find(|a| action == a.keyword()) else {
                let known: Vec<&str> = FkAction::ALL.iter().map(|a| a.keyword()).collect();
                return Err(err(
                    action.span(),
                    format!("unknown action `{action}`; expected one of: {}", known.join(", ")),
                ));
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
    fn table_constraint(
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
    fn column_list(&mut self, input: ParseStream, i: usize) -> Result<Vec<String>> {
        let names = name_list(input, "column")?;
        for n in &names {
            self.mark(i, Part::Column(n.text.clone()), n.span);
        }
        Ok(texts(&names))
    }

    fn alter_item(&mut self, input: ParseStream, table: &Name, steps: &mut Vec<Step>) -> Result<()> {
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
                Op::DropColumn { table: t, column: c.text }
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
                Op::AddConstraint { table: t, constraint, online }
            }
            "drop_constraint" => {
                let n = name(input, "constraint")?;
                self.mark(i, Part::Name, n.span);
                Op::DropConstraint { table: t, name: n.text }
            }
            other => {
                return Err(err(
                    kw.span(),
                    format!("unknown `alter_table` item `{other}`; expected one of: {ALTER_ITEMS}"),
                ));
            }
        };
        steps.push(Step::new(op));
        Ok(())
    }

    fn create_index(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Index> {
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

    fn backfill(&mut self, input: ParseStream, i: usize, kw: Span) -> Result<Backfill> {
        self.mark(i, Part::Op, kw);
        let table = name(input, "table")?;
        self.mark(i, Part::Table, table.span);
        let mut backfill = Backfill {
            table: table.text,
            assignments: Vec::new(),
            predicate: None,
            batch_size: DEFAULT_BATCH_SIZE,
            pause_ms: 0,
            transform: None,
        };
        if peek_keyword(input, "with") {
            // `with path::to::f(a, b) -> (c, d)`: a typed Rust transform.
            keyword(input, "with")?;
            let first = input.call(Ident::parse_any)?;
            let with_span = first.span();
            let mut path = vec![first.to_string()];
            while input.peek(Token![::]) {
                input.parse::<Token![::]>()?;
                path.push(input.call(Ident::parse_any)?.to_string());
            }
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
            backfill.transform = Some(TransformSpec { function: path.join("::"), inputs, outputs });
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
        Ok(backfill)
    }

    /// A column type: `bool`, `i64`, `Option<T>`, `Decimal<P, S>`, `Varchar<N>`, `Vec<u8>`, …
    fn column_type(&mut self, input: ParseStream) -> Result<(ColumnType, bool, Span)> {
        let ident = input
            .call(Ident::parse_any)
            .map_err(|e| err(e.span(), "expected a column type, e.g. `i64`, `String`, `Option<bool>`"))?;
        let span = ident.span();
        let text = ident.to_string();
        let ty = match text.as_str() {
            "Option" => {
                input.parse::<Token![<]>()?;
                let (inner, nullable, inner_span) = self.column_type(input)?;
                input.parse::<Token![>]>()?;
                if nullable {
                    return Err(err(inner_span, "`Option<Option<…>>` is not a column type"));
                }
                return Ok((inner, true, span));
            }
            "bool" => ColumnType::Bool,
            "i16" => ColumnType::I16,
            "i32" => ColumnType::I32,
            "i64" => ColumnType::I64,
            "f32" => ColumnType::F32,
            "f64" => ColumnType::F64,
            "String" => ColumnType::Text,
            "Date" => ColumnType::Date,
            "Time" => ColumnType::Time,
            "Timestamp" => ColumnType::Timestamp,
            "TimestampTz" => ColumnType::TimestampTz,
            "Uuid" => ColumnType::Uuid,
            "Json" => ColumnType::Json,
            "Decimal" => {
                input.parse::<Token![<]>()?;
                let p: LitInt = input.parse()?;
                input.parse::<Token![,]>()?;
                let s: LitInt = input.parse()?;
                input.parse::<Token![>]>()?;
                let (precision, scale): (u32, u32) = (p.base10_parse()?, s.base10_parse()?);
                if !(1..=1000).contains(&precision) {
                    return Err(err(p.span(), "decimal precision must be between 1 and 1000"));
                }
                if scale > precision {
                    return Err(err(s.span(), format!("decimal scale {scale} exceeds its precision {precision}")));
                }
                ColumnType::Decimal { precision, scale }
            }
            "Varchar" => {
                input.parse::<Token![<]>()?;
                let n: LitInt = input.parse()?;
                input.parse::<Token![>]>()?;
                let len: u32 = n.base10_parse()?;
                if !(1..=10_485_760).contains(&len) {
                    return Err(err(n.span(), "varchar length must be between 1 and 10485760"));
                }
                ColumnType::Varchar(len)
            }
            "Vec" => {
                input.parse::<Token![<]>()?;
                let inner = input.call(Ident::parse_any)?;
                input.parse::<Token![>]>()?;
                if inner != "u8" {
                    return Err(err(
                        inner.span(),
                        format!("`Vec<{inner}>` is not a column type; `Vec<u8>` is (bytes); store lists as `Json`"),
                    ));
                }
                ColumnType::Bytes
            }
            _ => {
                // Skip generic arguments so the error stays on the name.
                if input.peek(Token![<]) {
                    let _ = input.step(|cursor| {
                        let mut depth = 0i32;
                        let mut rest = *cursor;
                        while let Some((tt, next)) = rest.token_tree() {
                            if let proc_macro2::TokenTree::Punct(p) = &tt {
                                match p.as_char() {
                                    '<' => depth += 1,
                                    '>' => {
                                        depth -= 1;
                                        if depth == 0 {
                                            return Ok(((), next));
                                        }
                                    }
                                    _ => {}
                                }
                            }
                            rest = next;
                        }
                        Ok(((), rest))
                    });
                }
                let rule = &rules::parse::UNKNOWN_TYPE;
                let suggestion = suggest_type(&text);
                self.errors.push(err(
                    span,
                    format!(
                        "[{} {}] unknown column type `{text}`\n  = why: {}\n  = help: {suggestion}the column types are bool, i16, i32, i64, f32, f64, Decimal<P, S>, String, Varchar<N>, Vec<u8>, Date, Time, Timestamp, TimestampTz, Uuid, Json, and Option<T> for a nullable column",
                        rule.code, rule.name, rule.why
                    ),
                ));
                ColumnType::Text
            }
        };
        Ok((ty, false, span))
    }
}

struct ColumnDef {
    column: Column,
    constraints: Vec<(Constraint, Span)>,
}

/// A duration literal: `500ms`, `5s` or `2min`, in milliseconds.
fn duration_ms(input: ParseStream) -> Result<u64> {
    let n: LitInt = input.parse().map_err(|e| err(e.span(), "expected a duration: `500ms`, `5s` or `2min`"))?;
    let amount: u64 = n.base10_parse()?;
    match n.suffix() {
        "ms" => Ok(amount),
        "s" => Ok(amount.saturating_mul(1000)),
        "min" => Ok(amount.saturating_mul(60_000)),
        _ => Err(err(n.span(), "write the duration with its unit: `500ms`, `5s` or `2min`")),
    }
}

fn reason(input: ParseStream, span: Span, what: &str) -> Result<String> {
    let r: LitStr = input
        .parse()
        .map_err(|_| err(span, format!("`{what}` needs a reason: `{what} \"why there is no way back\"`")))?;
    if r.value().trim().is_empty() {
        return Err(err(r.span(), "the reason must say why"));
    }
    Ok(r.value())
}

fn suggest_type(name: &str) -> &'static str {
    match name {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i128" | "u128" | "isize" => {
            "databases have no unsigned or 8/128-bit integers: use `i16`, `i32` or `i64`; "
        }
        "str" | "Text" | "text" | "char" | "Char" => "for text write `String` (or `Varchar<N>`); ",
        "Integer" | "int" | "Int" | "integer" | "bigint" | "BigInt" => "write the Rust name: `i32` or `i64`; ",
        "DateTime" | "OffsetDateTime" => "for a point in time write `TimestampTz`; ",
        "NaiveDateTime" | "PrimitiveDateTime" => "write `Timestamp` (or better `TimestampTz`); ",
        "NaiveDate" => "write `Date`; ",
        "NaiveTime" => "write `Time`; ",
        "Value" | "JsonValue" | "Jsonb" | "jsonb" => "write `Json` (stored as jsonb on PostgreSQL); ",
        "UUID" | "uuid" => "write `Uuid`; ",
        "Bytes" | "Blob" | "bytea" => "write `Vec<u8>`; ",
        "Numeric" | "BigDecimal" | "decimal" => "write `Decimal<P, S>`, e.g. `Decimal<10, 2>`; ",
        "Bool" | "boolean" | "Boolean" => "write `bool`; ",
        _ => "",
    }
}

/// A value: a literal, a known function call, or `sql("…")`.
fn value(input: ParseStream) -> Result<(DefaultValue, Span)> {
    let span = input.span();
    if input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        let (v, _) = value(input)?;
        return match v {
            DefaultValue::Int(s) => Ok((DefaultValue::Int(format!("-{s}")), span)),
            DefaultValue::Float(s) => Ok((DefaultValue::Float(format!("-{s}")), span)),
            _ => Err(err(span, "`-` goes before a number")),
        };
    }
    if input.peek(syn::LitBool) {
        let b: syn::LitBool = input.parse()?;
        return Ok((DefaultValue::Bool(b.value), span));
    }
    if input.peek(LitInt) {
        let n: LitInt = input.parse()?;
        if !n.suffix().is_empty() {
            return Err(err(n.span(), format!("write the number without a suffix (`{}`)", n.base10_digits())));
        }
        return Ok((DefaultValue::Int(n.base10_digits().to_owned()), span));
    }
    if input.peek(syn::LitFloat) {
        let n: syn::LitFloat = input.parse()?;
        if !n.suffix().is_empty() {
            return Err(err(n.span(), format!("write the number without a suffix (`{}`)", n.base10_digits())));
        }
        return Ok((DefaultValue::Float(n.base10_digits().to_owned()), span));
    }
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        return Ok((DefaultValue::Text(s.value()), span));
    }
    let ident = input.call(Ident::parse_any).map_err(|e| {
        err(
            e.span(),
            "expected a value: a literal (`false`, `0`, `\"text\"`), a function (`now()`) or `sql(\"expression\")`",
        )
    })?;
    if matches!(ident.to_string().as_str(), "None" | "null" | "NULL" | "Null") {
        return Err(err(
            ident.span(),
            "a nullable column already defaults to NULL: leave out `= …` (and use `drop_default` to remove a default)",
        ));
    }
    if !input.peek(syn::token::Paren) {
        return Err(err(
            ident.span(),
            format!(
                "`{ident}` is not a value: write a literal (`false`, `0`, `\"text\"`), a function (`now()`) or `sql(\"expression\")`"
            ),
        ));
    }
    let content;
    parenthesized!(content in input);
    let text = ident.to_string();
    if text == "sql" {
        let s: LitStr = content.parse().map_err(|e| err(e.span(), "expected `sql(\"expression\")`"))?;
        if s.value().trim().is_empty() {
            return Err(err(s.span(), "the SQL expression is empty"));
        }
        return Ok((DefaultValue::Sql(s.value()), span));
    }
    if !content.is_empty() {
        return Err(err(content.span(), "default functions take no arguments"));
    }
    match DefaultFunction::from_name(&text) {
        Some(f) => Ok((DefaultValue::Function(f), span)),
        None => {
            let known: Vec<String> = DefaultFunction::ALL.iter().map(|f| format!("{}()", f.name())).collect();
            Err(err(
                ident.span(),
                format!(
                    "unknown function `{text}()`; known: {}; for anything else write `sql(\"{text}()\")`",
                    known.join(", ")
                ),
            ))
        }
    }
}
