//! Differences between two schemas, each named in a sentence: used to check
//! that a `down` restores the schema, and by drift detection.
//!
//! Each sentence names the object first and then what each side holds,
//! e.g. "column `users.email`: type text in the database, varchar(255) in
//! migrations"; [`Words`] says how the two sides and the types are called.

use crate::dialect::Dialect;
use crate::model::{ColumnType, ConstraintKind, DefaultValue, Index};
use crate::schema::Schema;

/// How the sentences name the two schemas, their types and their values.
pub struct Words<'a> {
    /// The schema that should be, e.g. "in migrations".
    pub expected: &'a str,
    /// The schema that is, e.g. "in the database".
    pub actual: &'a str,
    /// Types and defaults in a database's SQL (drift) or, when `None`, as
    /// the DSL writes them (a migration's own checks).
    pub dialect: Option<Dialect>,
}

impl Words<'_> {
    /// Drift: the replayed migrations against the live database.
    pub fn drift(dialect: Dialect) -> Words<'static> {
        Words { expected: "in migrations", actual: "in the database", dialect: Some(dialect) }
    }

    fn ty(&self, ty: &ColumnType) -> String {
        match self.dialect {
            Some(d) => d.column_type(ty).to_ascii_lowercase(),
            None => format!("`{ty}`"),
        }
    }

    fn default(&self, value: &Option<DefaultValue>) -> String {
        match (value, self.dialect) {
            (None, _) => "no default".to_owned(),
            (Some(v), Some(d)) => {
                let sql = d.value(v);
                // SQLite writes an expression default in parentheses.
                format!("default {}", crate::sql_text::enclosed(&sql).unwrap_or(&sql))
            }
            (Some(v), None) => format!("default `{v}`"),
        }
    }

    /// "`what`: {have} {actual}, {want} {expected}", or a shorter sentence
    /// when the object is on one side only.
    fn differs(&self, what: &str, want: &str, have: &str) -> String {
        format!("{what}: {have} {}, {want} {}", self.actual, self.expected)
    }

    fn missing(&self, what: &str) -> String {
        format!("{what} exists {} but not {}", self.expected, self.actual)
    }

    fn unexpected(&self, what: &str) -> String {
        format!("{what} exists {} but not {}", self.actual, self.expected)
    }
}

/// A constraint's definition in words, to tell two apart.
fn constraint_shape(kind: &ConstraintKind) -> String {
    match kind {
        ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => {
            format!("on ({})", columns.join(", "))
        }
        ConstraintKind::Check { expr } if expr.is_empty() => "a check".to_owned(),
        ConstraintKind::Check { expr } => format!("check ({expr})"),
        ConstraintKind::ForeignKey { columns, ref_table, ref_columns, on_delete, on_update } => format!(
            "({}) references {ref_table}({}) on delete {} on update {}",
            columns.join(", "),
            ref_columns.join(", "),
            on_delete.keyword(),
            on_update.keyword()
        ),
    }
}

/// An index's definition in words, to tell two apart.
fn index_shape(index: &Index) -> String {
    let mut out = String::new();
    if index.unique {
        out.push_str("unique ");
    }
    match &index.key {
        Some(key) => out.push_str(key),
        None => out.push_str(&format!("({})", index.columns.join(", "))),
    }
    if let Some(p) = &index.predicate {
        out.push_str(&format!(" where {p}"));
    }
    out
}

/// Every difference between `expected` and `actual`, as sentences (see the
/// module's comment). Empty when the schemas are equal.
pub fn diff(expected: &Schema, actual: &Schema, words: &Words) -> Vec<String> {
    let mut out = Vec::new();
    for (name, want) in &expected.tables {
        let Some(have) = actual.tables.get(name) else {
            out.push(words.missing(&format!("table `{name}`")));
            continue;
        };
        for c in &want.columns {
            let what = format!("column `{name}.{}`", c.name);
            let Some(h) = have.column(&c.name) else {
                out.push(words.missing(&what));
                continue;
            };
            if h.ty != c.ty {
                out.push(words.differs(&what, &words.ty(&c.ty), &format!("type {}", words.ty(&h.ty))));
            }
            if h.nullable != c.nullable {
                let state = |n: bool| if n { "nullable" } else { "NOT NULL" };
                out.push(words.differs(&what, state(c.nullable), state(h.nullable)));
            }
            if h.default != c.default {
                out.push(words.differs(&what, &words.default(&c.default), &words.default(&h.default)));
            }
        }
        for c in &have.columns {
            if want.column(&c.name).is_none() {
                out.push(words.unexpected(&format!("column `{name}.{}`", c.name)));
            }
        }
        for k in &want.constraints {
            let what = format!("{} `{}` on `{name}`", k.kind.describe(), k.name);
            match have.constraint(&k.name) {
                None => out.push(words.missing(&what)),
                Some(h) if h.kind != k.kind => {
                    out.push(words.differs(&what, &constraint_shape(&k.kind), &constraint_shape(&h.kind)));
                }
                Some(h) if h.not_valid != k.not_valid => {
                    let state = |not_valid: bool| if not_valid { "NOT VALID" } else { "validated" };
                    out.push(words.differs(&what, state(k.not_valid), state(h.not_valid)));
                }
                Some(_) => {}
            }
        }
        for k in &have.constraints {
            if want.constraint(&k.name).is_none() {
                let state = if k.not_valid { " (NOT VALID: added but never validated)" } else { "" };
                out.push(words.unexpected(&format!("{} `{}` on `{name}`", k.kind.describe(), k.name)) + state);
            }
        }
    }
    // The change logs of online changes with Rust functions under way are
    // the syncs' own tables, not the schema's.
    let logs: Vec<String> = expected.syncs.values().filter(|s| s.functions.is_some()).map(|s| s.log_table()).collect();
    for name in actual.tables.keys() {
        if !expected.tables.contains_key(name) && !logs.contains(name) {
            out.push(words.unexpected(&format!("table `{name}`")));
        }
    }
    let shape = |i: &Index| Index { concurrently: false, ..i.clone() };
    for (name, want) in &expected.indexes {
        let what = format!("index `{name}` on `{}`", want.table);
        match actual.indexes.get(name) {
            None => out.push(words.missing(&what)),
            // An index over expressions (raw SQL) is known by its table and
            // uniqueness: catalogs print its expressions their own way.
            Some(have) if want.key.is_some() && (have.table != want.table || have.unique != want.unique) => {
                out.push(words.differs(
                    &what,
                    &index_shape(want),
                    &format!("{} on `{}`", index_shape(have), have.table),
                ));
            }
            Some(_) if want.key.is_some() => {}
            Some(have) if shape(have) != shape(want) => {
                let have_text = if have.table == want.table {
                    index_shape(have)
                } else {
                    format!("{} on `{}`", index_shape(have), have.table)
                };
                out.push(words.differs(&what, &index_shape(want), &have_text));
            }
            Some(_) => {}
        }
    }
    for (name, have) in &actual.indexes {
        if !expected.indexes.contains_key(name) && !logs.contains(&have.table) {
            out.push(words.unexpected(&format!("index `{name}` on `{}`", have.table)));
        }
    }
    out
}
