//! What changing a column's type costs on PostgreSQL and what it does to
//! the values: the facts rule SF011, the PostgreSQL lock lines and the plan
//! share, and the session time zone that decides the cost of a
//! `timestamp` ↔ `timestamptz` change.

use crate::model::{ColumnType, ConstraintKind, Op, Step};
use crate::schema::Schema;

/// What PostgreSQL does to a table whose column changes type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cost {
    /// Only the catalog changes: a brief ACCESS EXCLUSIVE lock.
    Catalog,
    /// The rows stay, but these indexes and constraints on the column are
    /// rebuilt or checked again while ACCESS EXCLUSIVE is held.
    Rebuilds(Vec<String>),
    /// Every row and every index is rewritten while ACCESS EXCLUSIVE is held.
    Rewrite,
}

/// Widenings: every old value fits the new type unchanged and PostgreSQL
/// changes only the catalog (longer `varchar`, `varchar` → `text`, more
/// `numeric` precision at the same scale), indexes included.
pub fn is_widening(old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType::*;
    match (old, new) {
        (Varchar(a), Varchar(b)) => b >= a,
        (Varchar(_), Text) => true,
        (Decimal { precision: p1, scale: s1 }, Decimal { precision: p2, scale: s2 }) => s1 == s2 && p2 >= p1,
        (a, b) => a == b,
    }
}

/// Type changes where some old values no longer fit or lose information.
/// With the session time zone at UTC, `timestamptz` → `timestamp` keeps
/// every instant's UTC wall-clock time, so it loses nothing.
pub fn is_narrowing(old: &ColumnType, new: &ColumnType, zone_is_utc: bool) -> bool {
    use ColumnType::*;
    let int_width = |t: &ColumnType| match t {
        I16 => Some(16),
        I32 => Some(32),
        I64 => Some(64),
        _ => None,
    };
    match (old, new) {
        (Varchar(a), Varchar(b)) => b < a,
        (Text, Varchar(_)) => true,
        (Decimal { precision: p1, scale: s1 }, Decimal { precision: p2, scale: s2 }) => p2 < p1 || s2 < s1,
        (F64, F32) | (F64 | F32 | Decimal { .. }, I16 | I32 | I64) => true,
        (TimestampTz, Timestamp) => !zone_is_utc,
        (TimestampTz | Timestamp, Date) => true,
        (a, b) => matches!((int_width(a), int_width(b)), (Some(x), Some(y)) if y < x),
    }
}

/// Whether the pair is `timestamp` ↔ `timestamptz`, which PostgreSQL 12+
/// changes without rewriting the rows when the session time zone is UTC
/// (the stored values are the same; only the indexes are rebuilt).
pub fn is_zone_change(old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType::*;
    matches!((old, new), (Timestamp, TimestampTz) | (TimestampTz, Timestamp))
}

/// What changing `table.column` from its type in `schema` to `new` costs
/// on PostgreSQL. `using` is the conversion as written (any expression but
/// the column itself makes PostgreSQL rewrite); `zone_is_utc` says the
/// session time zone is UTC when the statement runs.
pub fn postgres_cost(
    schema: &Schema,
    table: &str,
    column: &str,
    new: &ColumnType,
    using: Option<&str>,
    zone_is_utc: bool,
) -> Cost {
    let Some(old) = schema.table(table).and_then(|t| t.column(column)).map(|c| &c.ty) else {
        return Cost::Catalog;
    };
    if using.is_some_and(|u| !u.trim().trim_matches('"').eq_ignore_ascii_case(column)) {
        return Cost::Rewrite;
    }
    if is_widening(old, new) {
        return Cost::Catalog;
    }
    if !(is_zone_change(old, new) && zone_is_utc) {
        return Cost::Rewrite;
    }
    let indexes = schema
        .indexes_on(table)
        .filter(|i| {
            i.columns.iter().any(|c| c == column)
                || [&i.key, &i.predicate].into_iter().flatten().any(|sql| crate::sql_text::mentions(sql, column))
        })
        .map(|i| i.name.clone());
    let constraints = schema.table(table).into_iter().flat_map(|t| &t.constraints).filter_map(|k| {
        let on_column = match &k.kind {
            ConstraintKind::Check { expr } => crate::sql_text::mentions(expr, column),
            kind => kind.columns().iter().any(|c| c == column),
        };
        on_column.then(|| k.name.clone())
    });
    let referencing = schema.references_to(table).filter_map(|(_, k)| match &k.kind {
        ConstraintKind::ForeignKey { ref_columns, .. } if ref_columns.iter().any(|c| c == column) => {
            Some(k.name.clone())
        }
        _ => None,
    });
    let rebuilt: Vec<String> = indexes.chain(constraints).chain(referencing).collect();
    if rebuilt.is_empty() { Cost::Catalog } else { Cost::Rebuilds(rebuilt) }
}

/// Time zone names whose offset is always zero, so that PostgreSQL treats
/// `timestamp` and `timestamptz` as the same values.
const UTC_ZONES: &[&str] = &[
    "utc",
    "etc/utc",
    "uct",
    "etc/uct",
    "gmt",
    "etc/gmt",
    "gmt0",
    "etc/gmt0",
    "etc/gmt+0",
    "etc/gmt-0",
    "greenwich",
    "etc/greenwich",
    "universal",
    "etc/universal",
    "zulu",
    "etc/zulu",
];

/// Whether a time zone setting's value names UTC.
pub fn names_utc(value: &str) -> bool {
    UTC_ZONES.contains(&value.trim().trim_matches(|c| c == '\'' || c == '"').to_ascii_lowercase().as_str())
}

/// Whether the session time zone is UTC after the `earlier` steps of a
/// migration: the raw `SET [LOCAL] TIME ZONE` / `SET TimeZone` statements
/// among them decide, in order. A `SET LOCAL` ends with its transaction,
/// so a step that runs in a transaction of its own (a concurrent index, a
/// backfill, a validation) falls back to the session's setting; `RESET` and `DEFAULT`
/// fall back to the server's, which is not known.
pub fn zone_is_utc(earlier: &[Step]) -> bool {
    let mut session = false;
    let mut local: Option<bool> = None;
    for step in earlier {
        match &step.op {
            Op::Sql(statement) => {
                let Some(setting) = statement.setting.as_ref().filter(|s| s.is_time_zone()) else { continue };
                let utc = setting.value.as_deref().is_some_and(names_utc);
                if setting.local {
                    local = Some(utc);
                } else {
                    session = utc;
                    local = None;
                }
            }
            // Each runs in a transaction of its own on PostgreSQL (a DSL
            // `set_not_null` may validate in one).
            Op::CreateIndex(i) if i.concurrently => local = None,
            Op::DropIndex { concurrently: true, .. } | Op::Backfill(_) | Op::ValidateConstraint { .. } => local = None,
            Op::SetNotNull { .. } if step.raw.is_none() => local = None,
            _ => {}
        }
    }
    local.unwrap_or(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType::*;

    #[test]
    fn widenings_are_catalog_only_and_narrowings_lose_values() {
        assert!(is_widening(&Varchar(50), &Varchar(100)));
        assert!(is_widening(&Varchar(50), &Text));
        assert!(!is_widening(&Varchar(100), &Varchar(50)));
        assert!(is_narrowing(&Text, &Varchar(10), true));
        assert!(is_narrowing(&TimestampTz, &Timestamp, false));
        assert!(!is_narrowing(&TimestampTz, &Timestamp, true));
        assert!(is_narrowing(&I64, &I32, true));
    }

    #[test]
    fn utc_is_recognised_in_its_spellings() {
        for zone in ["'UTC'", "'Etc/UTC'", "utc", "'GMT'", "'Zulu'"] {
            assert!(names_utc(zone), "{zone}");
        }
        for zone in ["'Europe/London'", "'America/New_York'", "'+01'", "local"] {
            assert!(!names_utc(zone), "{zone}");
        }
    }
}
