//! SF017 volatile-default: a column added to an existing table with a
//! default that makes PostgreSQL rewrite the table.

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::Op;

pub(super) const RULE: Rule = Rule {
    code: "SF017",
    name: "volatile-default",
    summary: "a column added to an existing table with a volatile default, an identity, or (before PostgreSQL 11) any default",
    why: "PostgreSQL computes the value for every existing row, rewriting the table and its indexes under an ACCESS EXCLUSIVE lock; only a constant or stable default (e.g. `now()`) is stored once, without a rewrite, and only since PostgreSQL 11",
    allowable: true,
    advice: false,
};

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::AddColumn { table, column } = &cx.step.op else { return };
    if !cx.targets.postgres || !cx.is_existing(table) {
        return;
    }
    let name = &column.name;
    let ty = &column.ty;
    let (what, help) = if column.identity {
        (
            "an identity".to_owned(),
            format!(
                "add `{name}: Option<{ty}>`, fill it with a batched `backfill`, then make it the key in a later migration"
            ),
        )
    } else if let Some(default) = column.default.as_ref().filter(|d| d.is_volatile()) {
        (
            format!("the volatile default `{default}`"),
            format!(
                "add it as `{name}: Option<{ty}>` without a default, `set_default {name} = {default}` for new rows, then `backfill {table} set {name} = {default}` in batches"
            ),
        )
    } else if let Some(default) = column.default.as_ref().filter(|_| cx.targets.postgres_min_version < 11) {
        (
            format!(
                "the default `{default}` (the crate supports PostgreSQL {}, which rewrites for any default)",
                cx.targets.postgres_min_version
            ),
            format!(
                "add it as `{name}: Option<{ty}>`, `set_default {name} = {default}`, then backfill in batches; or raise `postgres_min_version` to 11 or later"
            ),
        )
    } else {
        return;
    };
    out.push(Diagnostic::new(
        &RULE,
        cx.at(Part::Default(name.clone())),
        format!("column `{name}` is added to existing table `{table}` with {what}, which rewrites the table"),
        help,
    ));
}
