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
//! drop_table NAME [if_exists] [cascade]
//! rename_table OLD -> NEW
//! alter_table NAME { ITEM, … }
//!     ITEM = add_column COLUMN [not_valid] | drop_column c | rename_column a -> b
//!          | set_type c: Type [using "sql"] | set_not_null c | drop_not_null c
//!          | set_default c = value | drop_default c | drop_constraint NAME
//!          | add_constraint [NAME] CONSTRAINT [not_valid [validate_later] | concurrently]   (a check needs its NAME)
//!          | validate_constraint NAME
//! create_index [NAME] on table(a, …) [unique] [where "sql"] [concurrently]
//! drop_index NAME [concurrently] [if_exists]
//! create_enum NAME { value, "value", … }    alter_enum NAME add_value V [before W | after W]
//! drop_enum NAME
//! backfill table set a = value, … [where "sql"] [batch N] [pause 100ms]
//! backfill table with path::to::f(a, …) -> (b, …) [where "sql"] [batch N] [pause 100ms]
//! delete_rows table where "sql" [batch N] [pause 100ms]
//! copy_rows source into target (a, b = "sql", …) [where "sql"] [batch N] [pause 100ms]
//! sql "…" (down "…" | irreversible "why")
//! online_change table { ITEM, … } [batch N] [pause 100ms]
//!     ITEM = add c: Type = "sql over the retired columns" [default VALUE]
//!          | retire c = "sql over the added columns" | rename old -> new: Type [default VALUE]
//!          | create_index NAME on (a, …) [unique]
//! down { STEP … }            irreversible "why"
//! lock_timeout 10s           statement_timeout 2min      (PostgreSQL, this migration only)
//! #[allow(rule_name, "reason")] before any step
//! value = true | 42 | -1.5 | "text" | now() | current_date() | gen_random_uuid() | random()
//!       | clock_timestamp() | sql("expression")
//! ACTION = no_action | restrict | cascade | set_null | set_default
//! ```
//! Steps are separated by `;` (optional after a `{ … }` block).
//!
//! This module reads the steps and the one-line ones (`drop_table`,
//! `rename_table`, `drop_index`, settings, `#[allow]`); each larger construct
//! has its own module: [`table`] (`create_table`, columns, constraints),
//! [`alter`], [`index`], [`backfill`], [`raw`] (`sql "…"`), [`types`] (column
//! types and values), and [`tokens`] (shared helpers and error recovery).

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitInt, LitStr, Token, braced, parenthesized};

use crate::location::{Location, Part, Section};
use crate::model::*;
use crate::raw_sql::Flavor;
use crate::rules;
use tokens::*;
use types::value;

mod alter;
mod backfill;
mod enums;
mod index;
mod online;
mod raw;
mod table;
mod tokens;
mod types;

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

const OPERATIONS: &str = "create_table, drop_table, rename_table, alter_table, create_index, drop_index, create_enum, alter_enum, drop_enum, create_extension, backfill, delete_rows, copy_rows, sql, online_change, deploy_boundary, down, irreversible";
const ALTER_ITEMS: &str = "add_column, drop_column, rename_column, set_type, set_not_null, drop_not_null, set_default, drop_default, add_constraint, drop_constraint, validate_constraint";

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
        self.each_step(input, |builder, input, allows| builder.top_level_step(input, allows, migration, &mut down_span))
    }

    /// One top-level item: a step, the migration's `down { … }` or
    /// `irreversible`, or a setting.
    fn top_level_step(
        &mut self,
        input: ParseStream,
        allows: Vec<PendingAllow>,
        migration: &mut Migration,
        down_span: &mut Option<Span>,
    ) -> Result<bool> {
        if peek_keyword(input, "down") {
            let span = keyword(input, "down")?;
            if let Some(a) = allows.first() {
                return Err(err(a.span, "`#[allow]` belongs on the steps inside `down { … }`"));
            }
            if down_span.is_some() || !matches!(migration.down, Down::Derived) {
                return Err(err(span, "a migration has at most one `down { … }` or `irreversible`"));
            }
            *down_span = Some(span);
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
            let at = input.span();
            let ms = duration_ms(input)?;
            if ms == 0 {
                // PostgreSQL reads 0 as "no limit".
                return Err(err(
                    at,
                    format!(
                        "`{kw} 0` means no limit at all in PostgreSQL: a statement would wait (or run) forever; write how long, e.g. `{kw} {}`",
                        if kw == "lock_timeout" { "5s" } else { "10min" }
                    ),
                ));
            }
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
            *down_span = Some(span);
            self.spans.insert(rules::DOWN_KEYWORD, span);
            migration.down = Down::Irreversible(reason);
            return Ok(false);
        }
        self.step(input, &mut migration.steps, allows)
    }

    /// Steps of a `down { … }` block.
    fn steps_in(&mut self, input: ParseStream, steps: &mut Vec<Step>) -> Result<()> {
        self.each_step(input, |builder, input, allows| builder.step(input, steps, allows))
    }

    /// Reads items with `read` (after their `#[allow]`s) up to the end of
    /// `input`; a malformed one is recorded and skipped, so the rest are
    /// still checked.
    fn each_step(
        &mut self,
        input: ParseStream,
        mut read: impl FnMut(&mut Self, ParseStream, Vec<PendingAllow>) -> Result<bool>,
    ) -> Result<()> {
        while !input.is_empty() {
            let start = input.cursor();
            let outcome = self.allows(input).and_then(|allows| read(self, input, allows));
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
                let known = known.join(", ");
                let hint = did_you_mean(&rule_ident.to_string(), &known)
                    .map(|w| format!("did you mean `{w}`? "))
                    .unwrap_or_default();
                return Err(err(
                    rule_ident.span(),
                    format!("unknown rule `{rule_ident}`; {hint}rules that can be acknowledged: {known}"),
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
                let i = steps.len();
                self.mark(i, Part::Op, span);
                self.mark(i, Part::Table, t.span);
                let [if_exists, cascade] = self.flags(input, i, ["if_exists", "cascade"])?;
                steps.push(Step::new(Op::DropTable { table: t.text, if_exists, cascade }));
                false
            }
            "deploy_boundary" => {
                // Hand-written expand/contract across migrations: `run`
                // stops here until `cargo schemaflow complete`.
                let note: LitStr = input.parse().map_err(|e| {
                    err(e.span(), "expected what to deploy before the rest runs, as a string: `deploy_boundary \"deploy the code that reads `full_name`, everywhere\"`")
                })?;
                if note.value().trim().is_empty() {
                    return Err(err(note.span(), "say what to deploy before the rest runs"));
                }
                self.mark(steps.len(), Part::Op, span);
                steps
                    .push(Step::new(Op::DeployBoundary { note: note.value().trim().trim_end_matches('.').to_owned() }));
                false
            }
            "rename_table" => {
                let from = name(input, "table")?;
                input.parse::<Token![->]>().map_err(|e| err(e.span(), "expected `->`: `rename_table old -> new`"))?;
                let to = name(input, "table")?;
                if !peek_keyword(input, "online") {
                    let i = steps.len();
                    self.mark(i, Part::Op, span);
                    self.mark(i, Part::Table, from.span);
                    self.mark(i, Part::NewName, to.span);
                    steps.push(Step::new(Op::RenameTable { from: from.text, to: to.text }));
                } else {
                    // Across deploys: the old name stays as a view until
                    // the code that uses it is gone.
                    self.rename_table_online(input, span, from, to, steps)?;
                }
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
                let [concurrently, if_exists] = self.flags(input, i, ["concurrently", "if_exists"])?;
                steps.push(Step::new(Op::DropIndex { name: n.text, concurrently, if_exists }));
                false
            }
            "backfill" => {
                let backfill = self.backfill(input, steps.len(), span)?;
                steps.push(Step::new(Op::Backfill(backfill)));
                false
            }
            "delete_rows" => {
                let delete = self.delete_rows(input, steps.len(), span)?;
                steps.push(Step::new(Op::Backfill(delete)));
                false
            }
            "copy_rows" => {
                let copy = self.copy_rows(input, steps.len(), span)?;
                steps.push(Step::new(Op::Backfill(copy)));
                false
            }
            "sql" => {
                self.raw_sql(input, steps)?;
                false
            }
            "create_extension" => {
                self.create_extension(input, steps, span)?;
                false
            }
            "create_enum" => {
                self.create_enum(input, steps, span)?;
                true
            }
            "alter_enum" => {
                self.alter_enum(input, steps, span)?;
                false
            }
            "drop_enum" => {
                self.drop_enum(input, steps, span)?;
                false
            }
            "online_change" => self.online_change(input, steps, span)?,
            "add_column"
            | "drop_column"
            | "rename_column"
            | "set_type"
            | "set_not_null"
            | "drop_not_null"
            | "set_default"
            | "drop_default"
            | "add_constraint"
            | "drop_constraint"
            | "validate_constraint" => {
                return Err(err(span, format!("`{kw_text}` goes inside `alter_table name {{ … }}`")));
            }
            _ => {
                let hint =
                    did_you_mean(&kw_text, OPERATIONS).map(|w| format!("did you mean `{w}`? ")).unwrap_or_default();
                return Err(err(span, format!("unknown operation `{kw_text}`; {hint}expected one of: {OPERATIONS}")));
            }
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

    /// Which of the modifier keywords `words` follow, in any order, each at
    /// most once; each is marked on step `i`.
    fn flags<const N: usize>(&mut self, input: ParseStream, i: usize, words: [&'static str; N]) -> Result<[bool; N]> {
        let mut seen = [false; N];
        while let Some(k) = (0..N).find(|&k| !seen[k] && peek_keyword(input, words[k])) {
            let span = keyword(input, words[k])?;
            self.mark(i, Part::Modifier(words[k]), span);
            seen[k] = true;
        }
        Ok(seen)
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
}
