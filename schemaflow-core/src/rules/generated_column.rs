//! SF042 stored-generated-column: a stored generated column added to a
//! table that exists. SF043 virtual-generated-column: a virtual generated
//! column on a crate that supports PostgreSQL before 18.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{Column, Op};

pub(super) const STORED: Rule = Rule {
    code: "SF042",
    name: "stored-generated-column",
    summary: "a stored generated column added to an existing table",
    why: "the database computes the value for every existing row when the column is added: PostgreSQL rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (no reads, no writes), and SQLite, which cannot add a stored column in place, rebuilds the table",
    allowable: true,
    advice: false,
};

pub(super) const VIRTUAL: Rule = Rule {
    code: "SF043",
    name: "virtual-generated-column",
    summary: "a virtual generated column, on a crate that supports PostgreSQL before 18",
    why: "PostgreSQL has virtual generated columns only since version 18; before that the statement fails when it runs",
    allowable: false,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let (table, columns): (&str, Vec<&Column>) = match &cx.step.op {
        Op::CreateTable(t) => (&t.name, t.columns.iter().collect()),
        Op::AddColumn { table, column } => (table, vec![column]),
        _ => return,
    };
    for c in columns {
        let Some(g) = &c.generated else { continue };
        if !g.stored && cx.targets.postgres && cx.targets.postgres_min_version < 18 {
            out.push(Diagnostic::new(
                &VIRTUAL,
                cx.at(Part::Default(c.name.clone())),
                format!(
                    "`{}` is a virtual generated column, and the crate supports PostgreSQL {}",
                    c.name, cx.targets.postgres_min_version
                ),
                "write it `stored`; or, if every server runs PostgreSQL 18 or later, say so in Cargo.toml: `[package.metadata.schemaflow] postgres_min_version = 18`",
            ));
        }
        if g.stored && matches!(cx.step.op, Op::AddColumn { .. }) && cx.is_existing(table) {
            let ty = &c.ty;
            out.push(Diagnostic::new(
                &STORED,
                cx.at(Part::Default(c.name.clone())),
                format!("stored generated column `{}` is added to existing table `{table}`, which rewrites it", c.name),
                format!(
                    "add `{name}: Option<{ty}>` as a plain column, fill it with a batched `backfill {table} set {name} = sql(\"{expr}\")` and keep it current with a trigger; or make it `virtual` (computed when read, no rewrite: SQLite, PostgreSQL 18+)",
                    name = c.name,
                    expr = g.expr.replace('"', "\\\""),
                ),
            ));
        }
    }
}
