//! The rules of `online_change`: SF039 online-change-loses-index (the
//! contract drops what the retired columns carry, and nothing in the
//! change replaces it) and SF040 online-change-shape (a rename's new
//! column does not fit the values of the old one).

use super::{Diagnostic, Rule, StepContext};
use crate::location::Part;
use crate::model::{ConstraintKind, Op, Sync};

pub(super) const LOSES_INDEX: Rule = Rule {
    code: "SF039",
    name: "online-change-loses-index",
    summary: "an online change whose contract drops an index or constraint of a retired column that nothing replaces",
    why: "the contract drops the retired columns with everything built on them: queries that used the index turn into scans, and a unique or foreign key constraint stops being enforced, from the moment the contract commits",
    allowable: true,
    advice: false,
};

pub(super) const SHAPE: Rule = Rule {
    code: "SF040",
    name: "online-change-shape",
    summary: "an online rename whose new column does not fit the old column's values",
    why: "the backfill and the sync copy every value as it is: a narrower type fails on the first value that does not fit, and a NOT NULL new column fails the contract on the first row whose old value is NULL",
    allowable: false,
    advice: false,
};

/// `"name"`, as the rename form writes a column into an expression.
fn quoted(column: &str) -> String {
    crate::dialect::ident(column)
}

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    let Op::CreateSync(sync) = &cx.step.op else { return };
    loses_index(cx, sync, out);
    shape(cx, sync, out);
}

/// SF039: what the contract drops with the retired columns, against the
/// `create_index` items of the change.
fn loses_index(cx: &StepContext, sync: &Sync, out: &mut Vec<Diagnostic>) {
    let added: Vec<&str> = sync.added.iter().map(|c| c.column.as_str()).collect();
    let boundary = cx.rest.iter().position(|s| matches!(s.op, Op::DeployBoundary { .. })).unwrap_or(cx.rest.len());
    let (mut unique_built, mut plain_built) = (0usize, 0usize);
    for step in &cx.rest[..boundary] {
        if let Op::CreateIndex(i) = &step.op
            && i.table == sync.table
            && i.columns.iter().all(|c| added.contains(&c.as_str()))
        {
            if i.unique { unique_built += 1 } else { plain_built += 1 }
        }
    }
    let mut lost: Vec<String> = Vec::new();
    let (mut unique_needed, mut plain_needed) = (Vec::new(), Vec::new());
    let mut seen = std::collections::BTreeSet::new();
    for retired in &sync.retired {
        let (indexes, constraints) = cx.schema.dropped_with_column(&sync.table, &retired.column);
        for i in indexes {
            if seen.insert(i.name.clone()) {
                if i.unique {
                    unique_needed.push(format!("index `{}`", i.name))
                } else {
                    plain_needed.push(format!("index `{}`", i.name))
                }
            }
        }
        for k in constraints {
            if !seen.insert(k.name.clone()) {
                continue;
            }
            match &k.kind {
                ConstraintKind::Unique { .. } | ConstraintKind::PrimaryKey { .. } => {
                    unique_needed.push(format!("{} `{}`", k.kind.describe(), k.name))
                }
                _ => lost.push(format!("{} `{}`", k.kind.describe(), k.name)),
            }
        }
    }
    let unique_lost = unique_needed.len() > unique_built;
    if unique_lost {
        lost.extend(unique_needed);
    }
    if plain_needed.len() > plain_built {
        lost.extend(plain_needed);
    }
    if lost.is_empty() {
        return;
    }
    let first = sync.added.first().map(|c| c.column.as_str()).unwrap_or("new_column");
    let suggested = if unique_lost {
        format!("create_index {}_{first}_key on ({first}) unique", sync.table)
    } else {
        format!("create_index {}_{first}_idx on ({first})", sync.table)
    };
    out.push(Diagnostic::new(
        &LOSES_INDEX,
        cx.at(Part::Table),
        format!(
            "the contract of this online change drops {} of `{}` with the retired columns, and nothing in the change replaces it",
            lost.join(", "),
            sync.table
        ),
        format!(
            "build the new shape's index inside the change, during the expand and without blocking writes: `{suggested}`; a foreign key or check goes on the new column with `add_constraint … not_valid` in a later migration (acknowledge the gap until then with a reason)"
        ),
    ));
}

/// Whether the change's contract gives `column` a default.
fn has_default(cx: &StepContext, sync: &Sync, column: &str) -> bool {
    cx.rest
        .iter()
        .any(|s| matches!(&s.op, Op::SetDefault { table, column: c, .. } if *table == sync.table && c == column))
}

/// SF040: a rename (`rename old -> new: Type`) whose new column is
/// narrower, or NOT NULL over a nullable old column.
fn shape(cx: &StepContext, sync: &Sync, out: &mut Vec<Diagnostic>) {
    let Some(table) = cx.schema.table(&sync.table) else { return };
    for (added, retired) in sync.added.iter().zip(&sync.retired) {
        let is_rename = added.expr == quoted(&retired.column) && retired.expr == quoted(&added.column);
        if !is_rename {
            continue;
        }
        let (Some(old), Some(new)) = (table.column(&retired.column), table.column(&added.column)) else { continue };
        let declared_not_null = cx.rest.iter().any(
            |s| matches!(&s.op, Op::SetNotNull { table, column } if *table == sync.table && *column == added.column),
        );
        let at = cx.at(Part::Column(added.column.clone()));
        if old.ty != new.ty {
            out.push(Diagnostic::new(
                &SHAPE,
                at.clone(),
                format!(
                    "`{}.{}` is `{}`; a rename keeps the values as they are, so `{}` must be `{}` too",
                    sync.table, retired.column, old.ty, added.column, old.ty
                ),
                format!(
                    "write `rename {} -> {}: {}`, or change the type with `add {}: {} = \"<{} converted>\", retire {} = \"<{} converted back>\"`",
                    retired.column, added.column, old.ty, added.column, new.ty, retired.column, retired.column, added.column
                ),
            ));
        } else if old.default.is_some() && !has_default(cx, sync, &added.column) {
            let default = old.default.as_ref().map(ToString::to_string).unwrap_or_default();
            out.push(Diagnostic::new(
                &SHAPE,
                at,
                format!(
                    "`{}.{}` has the default `{default}` and `{}` would have none: after the contract, inserts that leave the column out fail or store NULL",
                    sync.table, retired.column, added.column
                ),
                format!(
                    "give the new column the same default: `rename {} -> {}: {} default {default}`",
                    retired.column,
                    added.column,
                    if old.nullable { format!("Option<{}>", old.ty) } else { old.ty.to_string() },
                ),
            ));
        } else if old.nullable && declared_not_null {
            out.push(Diagnostic::new(
                &SHAPE,
                at,
                format!(
                    "`{}.{}` is nullable, so `{}` would be NULL wherever it is, and the contract's NOT NULL fails on the first such row",
                    sync.table, retired.column, added.column
                ),
                format!(
                    "write `rename {} -> {}: Option<{}>`, or fill the NULLs first (`backfill {} set {} = … where \"{} IS NULL\"` in an earlier migration)",
                    retired.column, added.column, old.ty, sync.table, retired.column, retired.column
                ),
            ));
        }
    }
}
