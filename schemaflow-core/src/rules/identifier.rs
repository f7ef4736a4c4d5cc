//! SF019 identifier-too-long, SF020 reserved-identifier and SF037
//! schemaflow-name: the names a migration gives to tables, columns,
//! indexes and constraints.

use super::{Diagnostic, Rule, StepContext};
use crate::dialect::postgres::MAX_IDENTIFIER_BYTES;
use crate::location::Part;
use crate::model::{Constraint, Op};

pub(super) const TOO_LONG: Rule = Rule {
    code: "SF019",
    name: "identifier-too-long",
    summary: "a name longer than 63 bytes (PostgreSQL), including generated index and constraint names",
    why: "PostgreSQL silently truncates identifiers to 63 bytes, so two long names can collide and the name in the database is not the one the migrations use",
    allowable: false,
    advice: false,
};

pub(super) const RESERVED: Rule = Rule {
    code: "SF020",
    name: "reserved-identifier",
    summary: "a table or column named with an SQL reserved word (`user`, `order`, `group`, …)",
    why: "schemaflow quotes every name, but every hand-written query, view, report and tool must quote it too, and the first one that forgets fails with a syntax error",
    allowable: true,
    advice: false,
};

pub(super) const OWN_NAME: Rule = Rule {
    code: "SF037",
    name: "schemaflow-name",
    summary: "a table, index or constraint named like schemaflow's own (`schemaflow_migrations`, `schemaflow_backfills`, `_schemaflow_…`)",
    why: "schemaflow keeps its bookkeeping in those tables and names the temporary tables of a SQLite rebuild `_schemaflow_new_…`: a migration that takes such a name collides with them, or corrupts the record of what is applied",
    allowable: false,
    advice: false,
};

/// Whether schemaflow uses `name` (any case) for its own tables.
pub fn is_own_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "schemaflow_migrations" || lower == "schemaflow_backfills" || lower.starts_with("_schemaflow_")
}

/// Words reserved in PostgreSQL (reserved, or reserved with exceptions, in
/// its key-word appendix) or in SQLite, that users pick as names.
pub const RESERVED_WORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

fn constraint_names(constraints: &[Constraint]) -> impl Iterator<Item = &str> {
    constraints.iter().map(|c| c.name.as_str())
}

pub(super) fn check(cx: &StepContext, out: &mut Vec<Diagnostic>) {
    // (name, part to point at, whether the reserved-word rule applies)
    let mut names: Vec<(&str, Part, bool)> = Vec::new();
    match &cx.step.op {
        Op::CreateTable(t) => {
            names.push((&t.name, Part::Table, true));
            for c in &t.columns {
                names.push((&c.name, Part::Column(c.name.clone()), true));
            }
            names.extend(constraint_names(&t.constraints).map(|n| (n, Part::Table, false)));
        }
        Op::RenameTable { to, .. } => names.push((to, Part::NewName, true)),
        Op::AddColumn { column, .. } => names.push((&column.name, Part::Column(column.name.clone()), true)),
        Op::RenameColumn { to, .. } => names.push((to, Part::NewName, true)),
        Op::CreateIndex(i) => names.push((&i.name, Part::Name, false)),
        Op::AddConstraint { constraint, .. } => names.push((&constraint.name, Part::Name, false)),
        Op::AttachIndex { name, .. } => names.push((name, Part::Name, false)),
        _ => {}
    }
    for (name, part, check_reserved) in names {
        // Tables, indexes and constraints; not columns, and not the names
        // generated from a table's (reported with the table).
        let own_applies = !matches!(part, Part::Column(_)) && (check_reserved || part != Part::Table);
        if own_applies && is_own_name(name) {
            out.push(Diagnostic::new(
                &OWN_NAME,
                cx.at(part.clone()),
                format!("`{name}` is a name schemaflow uses for its own tables"),
                "choose another name; other names starting with `schemaflow_` (`schemaflow_settings`) are free",
            ));
        }
        if cx.targets.postgres && name.len() > MAX_IDENTIFIER_BYTES {
            out.push(Diagnostic::new(
                &TOO_LONG,
                cx.at(part.clone()),
                format!("`{name}` is {} bytes long; PostgreSQL keeps only the first {MAX_IDENTIFIER_BYTES}", name.len()),
                "choose a shorter name; for a generated index or constraint name, give an explicit one (`create_index short_name on …`, `add_constraint short_name …`)",
            ));
        }
        if check_reserved && RESERVED_WORDS.contains(&name.to_ascii_lowercase().as_str()) {
            out.push(Diagnostic::new(
                &RESERVED,
                cx.at(part),
                format!("`{name}` is an SQL reserved word"),
                format!("choose another name (e.g. `{name}s`, `app_{name}`, or a more specific word)"),
            ));
        }
    }
}
