//! Differences between two schemas, each named in a sentence: used to check
//! that a `down` restores the schema, and by drift detection.

use crate::model::Index;
use crate::schema::Schema;

/// Every difference between `expected` and `actual`, as sentences such as
/// "column `users.email` is `String` here but `Varchar<200>` there". Empty
/// when the schemas are equal.
pub fn diff(expected: &Schema, actual: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (name, want) in &expected.tables {
        let Some(have) = actual.tables.get(name) else {
            out.push(format!("table `{name}` is missing"));
            continue;
        };
        for c in &want.columns {
            match have.column(&c.name) {
                None => out.push(format!("column `{name}.{}` is missing", c.name)),
                Some(h) => {
                    if h.ty != c.ty {
                        out.push(format!("column `{name}.{}` should be `{}` but is `{}`", c.name, c.ty, h.ty));
                    }
                    if h.nullable != c.nullable {
                        let state = |n: bool| if n { "nullable" } else { "NOT NULL" };
                        out.push(format!(
                            "column `{name}.{}` should be {} but is {}",
                            c.name,
                            state(c.nullable),
                            state(h.nullable)
                        ));
                    }
                    if h.default != c.default {
                        let show = |d: &Option<crate::model::DefaultValue>| {
                            d.as_ref().map_or("no default".to_owned(), |d| format!("default `{d}`"))
                        };
                        out.push(format!(
                            "column `{name}.{}` should have {} but has {}",
                            c.name,
                            show(&c.default),
                            show(&h.default)
                        ));
                    }
                }
            }
        }
        for c in &have.columns {
            if want.column(&c.name).is_none() {
                out.push(format!("column `{name}.{}` is unexpected", c.name));
            }
        }
        for k in &want.constraints {
            match have.constraint(&k.name) {
                None => out.push(format!("{} `{}` on `{name}` is missing", k.kind.describe(), k.name)),
                Some(h) if h.kind != k.kind => {
                    out.push(format!("{} `{}` on `{name}` has a different definition", k.kind.describe(), k.name));
                }
                Some(h) if h.not_valid != k.not_valid => {
                    let state = |not_valid: bool| if not_valid { "NOT VALID" } else { "validated" };
                    out.push(format!(
                        "{} `{}` on `{name}` should be {} but is {}",
                        k.kind.describe(),
                        k.name,
                        state(k.not_valid),
                        state(h.not_valid)
                    ));
                }
                Some(_) => {}
            }
        }
        for k in &have.constraints {
            if want.constraint(&k.name).is_none() {
                let state = if k.not_valid { " (NOT VALID: added but never validated)" } else { "" };
                out.push(format!("{} `{}` on `{name}` is unexpected{state}", k.kind.describe(), k.name));
            }
        }
    }
    for name in actual.tables.keys() {
        if !expected.tables.contains_key(name) {
            out.push(format!("table `{name}` is unexpected"));
        }
    }
    let shape = |i: &Index| Index { concurrently: false, ..i.clone() };
    for (name, want) in &expected.indexes {
        match actual.indexes.get(name) {
            None => out.push(format!("index `{name}` on `{}` is missing", want.table)),
            // An index over expressions (raw SQL) is known by its table and
            // uniqueness: catalogs print its expressions their own way.
            Some(have) if want.key.is_some() && (have.table != want.table || have.unique != want.unique) => {
                out.push(format!("index `{name}` on `{}` has a different definition", want.table));
            }
            Some(_) if want.key.is_some() => {}
            Some(have) if shape(have) != shape(want) => {
                out.push(format!("index `{name}` on `{}` has a different definition", want.table));
            }
            Some(_) => {}
        }
    }
    for (name, have) in &actual.indexes {
        if !expected.indexes.contains_key(name) {
            out.push(format!("index `{name}` on `{}` is unexpected", have.table));
        }
    }
    out
}
