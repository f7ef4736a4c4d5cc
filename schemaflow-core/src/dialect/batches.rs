//! The statements of one backfill batch, per database: what the runner's
//! batch engine runs and what `--dry-run` prints, from one place.
//!
//! A batch is a range of the primary key: after the last key done (`lower`,
//! absent for the first batch) up to the batch size-th key after it
//! (`upper`, absent for the last batch). On PostgreSQL keys travel as text
//! and are cast back to the key columns' types in the statements, so any
//! key works; SQL assignments over a one-column key take a single statement
//! that finds the upper key, updates the rows and records the progress.

use super::{Dialect, ident, postgres::column_type};
use crate::model::{Backfill, ColumnType, TransformSpec};
use crate::schema::Schema;

/// The statements of a backfill's batches on one database.
#[derive(Clone, Debug)]
pub struct BatchSql {
    dialect: Dialect,
    /// The table, quoted.
    table: String,
    /// The key columns (quoted) with their types.
    key: Vec<(String, ColumnType)>,
    /// The SQL assignments, `"col" = value`.
    sets: Vec<String>,
    /// ` AND (where)`, or nothing.
    predicate: String,
    transform: Option<TransformSpec>,
    /// The types of a transform's inputs, in order.
    input_types: Vec<ColumnType>,
    /// The types of a transform's outputs, in order.
    output_types: Vec<ColumnType>,
    /// `delete_rows`: a batch deletes its rows.
    deletes: bool,
    /// `copy_rows`: a batch inserts into this table (quoted), these
    /// columns (quoted), these values over the source row.
    copies: Option<(String, Vec<String>, Vec<String>)>,
}

/// [`BatchSql::record_progress`] on PostgreSQL.
const RECORD_PROGRESS: &str = "INSERT INTO schemaflow_backfills (version, phase, last_key, rows_done, rows_total, namespace) VALUES ($1, $2, $3, $4, $5, $6)
 ON CONFLICT (namespace, version, phase) DO UPDATE SET last_key = excluded.last_key, rows_done = excluded.rows_done, rows_total = excluded.rows_total";

impl BatchSql {
    /// The statements for `backfill` over its table as `schema` has it (the
    /// schema just before the step); an error when the table or its primary
    /// key is missing.
    pub fn new(dialect: Dialect, schema: &Schema, backfill: &Backfill) -> Result<BatchSql, String> {
        let table =
            schema.table(&backfill.table).ok_or_else(|| format!("table `{}` does not exist", backfill.table))?;
        let key = table
            .primary_key()
            .ok_or_else(|| format!("table `{}` has no primary key to batch on", backfill.table))?
            .iter()
            .map(|k| (ident(k), table.column(k).map_or(ColumnType::Text, |c| c.ty.clone())))
            .collect();
        let type_of = |c: &String| table.column(c).map_or(ColumnType::Text, |c| c.ty.clone());
        Ok(BatchSql {
            dialect,
            table: ident(&backfill.table),
            key,
            sets: backfill
                .assignments
                .iter()
                .map(|a| format!("{} = {}", ident(&a.column), dialect.value(&a.value)))
                .collect(),
            predicate: backfill.predicate.as_ref().map(|p| format!(" AND ({p})")).unwrap_or_default(),
            input_types: backfill
                .transform
                .as_ref()
                .map(|t| t.inputs.iter().map(type_of).collect())
                .unwrap_or_default(),
            output_types: backfill
                .transform
                .as_ref()
                .map(|t| t.outputs.iter().map(type_of).collect())
                .unwrap_or_default(),
            transform: backfill.transform.clone(),
            deletes: backfill.delete,
            copies: backfill.copy_into.as_ref().map(|target| {
                (
                    ident(target),
                    backfill.assignments.iter().map(|a| ident(&a.column)).collect(),
                    backfill.assignments.iter().map(|a| dialect.value(&a.value)).collect(),
                )
            }),
        })
    }

    /// The types of a transform's input columns, in order (none without a
    /// transform).
    pub fn input_types(&self) -> &[ColumnType] {
        &self.input_types
    }

    /// How many columns the key has.
    pub fn key_len(&self) -> usize {
        self.key.len()
    }

    /// Whether a batch is the single statement of [`BatchSql::one_statement`].
    pub fn is_one_statement(&self) -> bool {
        self.dialect == Dialect::Postgres && self.key.len() == 1 && self.transform.is_none()
    }

    fn param(&self, n: usize) -> String {
        match self.dialect {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite => format!("?{n}"),
        }
    }

    fn names(&self) -> String {
        self.key.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The key as a row value: `("a", "b")` (and `"a"` on SQLite).
    fn key_row(&self) -> String {
        match (self.dialect, self.key.as_slice()) {
            (Dialect::Sqlite, [(k, _)]) => k.clone(),
            _ => format!("({})", self.names()),
        }
    }

    /// A key as parameters from `from` on; on PostgreSQL each is cast from
    /// text to its column's type: `($1::text::bigint)`.
    fn key_params(&self, from: usize) -> String {
        let params: Vec<String> = self
            .key
            .iter()
            .enumerate()
            .map(|(i, (_, ty))| match self.dialect {
                Dialect::Postgres => format!("${}::text::{}", from + i, column_type(ty)),
                Dialect::Sqlite => format!("?{}", from + i),
            })
            .collect();
        match (self.dialect, params.as_slice()) {
            (Dialect::Sqlite, [one]) => one.clone(),
            _ => format!("({})", params.join(", ")),
        }
    }

    /// The key columns as selected: as text on PostgreSQL, aliased so that
    /// `ORDER BY` names the columns, not their text.
    fn selected_key(&self) -> String {
        match self.dialect {
            Dialect::Postgres => self
                .key
                .iter()
                .enumerate()
                .map(|(i, (k, _))| format!("{k}::text AS sf_key_{i}"))
                .collect::<Vec<_>>()
                .join(", "),
            Dialect::Sqlite => self.names(),
        }
    }

    /// The rows of a batch: after the lower key (the first parameters) when
    /// there is one, up to the upper key (the next ones) when there is one,
    /// and matching the step's `where`.
    pub fn range(&self, lower: bool, upper: bool) -> String {
        let mut conditions = vec![match self.dialect {
            Dialect::Postgres => "true".to_owned(),
            Dialect::Sqlite => "1".to_owned(),
        }];
        if lower {
            conditions.push(format!("{} > {}", self.key_row(), self.key_params(1)));
        }
        if upper {
            let from = if lower { self.key.len() + 1 } else { 1 };
            conditions.push(format!("{} <= {}", self.key_row(), self.key_params(from)));
        }
        format!("{}{}", conditions.join(" AND "), self.predicate)
    }

    /// Counts the rows still to change after the lower key, if any.
    pub fn count(&self, lower: bool) -> String {
        format!("SELECT count(*) FROM {} WHERE {}", self.table, self.range(lower, false))
    }

    /// Finds a batch's upper key: the key `offset` rows after the lower
    /// key (the parameter after it), or none when fewer rows are left.
    pub fn upper_key(&self, lower: bool) -> String {
        let (t, names, key) = (&self.table, self.names(), self.selected_key());
        let after = if lower { format!(" WHERE {} > {}", self.key_row(), self.key_params(1)) } else { String::new() };
        let offset = self.param(if lower { self.key.len() + 1 } else { 1 });
        match self.dialect {
            Dialect::Postgres => {
                format!("SELECT {key} FROM {t}{after} ORDER BY {names} OFFSET {offset}::bigint LIMIT 1")
            }
            Dialect::Sqlite => format!("SELECT {key} FROM {t}{after} ORDER BY {names} LIMIT 1 OFFSET {offset}"),
        }
    }

    /// The `UPDATE` of the SQL assignments over a batch's range, when there
    /// are any.
    pub fn update(&self, lower: bool, upper: bool) -> Option<String> {
        if self.deletes || self.copies.is_some() {
            return Some(format!("{} WHERE {}", self.change(), self.range(lower, upper)));
        }
        (!self.sets.is_empty())
            .then(|| format!("UPDATE {} SET {} WHERE {}", self.table, self.sets.join(", "), self.range(lower, upper)))
    }

    /// A transform's read of a batch's rows: the key, then its inputs (as
    /// text on PostgreSQL), in key order.
    pub fn read_inputs(&self, lower: bool, upper: bool) -> Option<String> {
        let spec = self.transform.as_ref()?;
        let inputs: Vec<String> = match self.dialect {
            Dialect::Postgres => {
                spec.inputs.iter().enumerate().map(|(i, c)| format!("{}::text AS sf_input_{i}", ident(c))).collect()
            }
            Dialect::Sqlite => spec.inputs.iter().map(|c| ident(c)).collect(),
        };
        Some(format!(
            "SELECT {}, {} FROM {} WHERE {} ORDER BY {}",
            self.selected_key(),
            inputs.join(", "),
            self.table,
            self.range(lower, upper),
            self.names()
        ))
    }

    /// A transform's write of the values it returned. On PostgreSQL one
    /// statement a batch: a text array per output and per key column,
    /// joined on the key. On SQLite (in-process, no round trips) one
    /// statement a row: the outputs, then the key.
    pub fn write_outputs(&self) -> Option<String> {
        let spec = self.transform.as_ref()?;
        let t = &self.table;
        Some(match self.dialect {
            Dialect::Postgres => {
                let columns: Vec<(String, ColumnType)> =
                    spec.outputs.iter().zip(&self.output_types).map(|(c, ty)| (ident(c), ty.clone())).collect();
                unnest_update(t, &columns, &self.key)
            }
            Dialect::Sqlite => {
                let sets: Vec<String> =
                    spec.outputs.iter().enumerate().map(|(i, c)| format!("{} = ?{}", ident(c), i + 1)).collect();
                format!(
                    "UPDATE {t} SET {} WHERE {} = {}",
                    sets.join(", "),
                    self.key_row(),
                    self.key_params(sets.len() + 1)
                )
            }
        })
    }

    /// PostgreSQL, SQL assignments over a one-column key: the whole batch in
    /// one statement. It finds the upper key (`OFFSET` the parameter after
    /// the lower key), updates the rows and records the progress (version,
    /// phase, rows done before, rows in all, namespace: the next five
    /// parameters),
    /// returning the last key (NULL for the last batch) and the rows done.
    /// COALESCE keeps the upper bound a plain value, so the UPDATE is an
    /// index range scan.
    pub fn one_statement(&self, lower: bool) -> Option<String> {
        if !self.is_one_statement() {
            return None;
        }
        let (t, (k, ty)) = (&self.table, &self.key[0]);
        let after = if lower { format!(" AND {k} > $1::text::{}", column_type(ty)) } else { String::new() };
        let first = if lower { 2 } else { 1 };
        let p = |i: usize| format!("${}", first + i);
        Some(format!(
            "WITH bound AS (
  SELECT {k} AS upper_key FROM {t} WHERE true{after} ORDER BY {k} OFFSET {offset}::bigint LIMIT 1
), changed AS (
  {change}
  WHERE true{after} AND {k} <= COALESCE((SELECT upper_key FROM bound), (SELECT max({k}) FROM {t})){predicate}
  RETURNING 1
)
INSERT INTO schemaflow_backfills (version, phase, last_key, rows_done, rows_total, namespace)
VALUES ({v}, {ph}, (SELECT ARRAY[upper_key::text] FROM bound), {done}::bigint + (SELECT count(*) FROM changed), {total}, {ns})
ON CONFLICT (namespace, version, phase) DO UPDATE SET last_key = excluded.last_key, rows_done = excluded.rows_done, rows_total = excluded.rows_total
RETURNING last_key, rows_done",
            offset = p(0),
            change = self.change(),
            predicate = self.predicate,
            v = p(1),
            ph = p(2),
            done = p(3),
            total = p(4),
            ns = p(5),
        ))
    }

    /// A batch's statement before its `WHERE`: the update, the delete, or
    /// the copy's `INSERT … SELECT … FROM` the source.
    fn change(&self) -> String {
        let t = &self.table;
        match &self.copies {
            Some((target, columns, values)) => {
                format!("INSERT INTO {target} ({}) SELECT {} FROM {t}", columns.join(", "), values.join(", "))
            }
            None if self.deletes => format!("DELETE FROM {t}"),
            None => format!("UPDATE {t} SET {}", self.sets.join(", ")),
        }
    }

    /// Records a batch's last key and the rows done in
    /// `schemaflow_backfills`: parameters version, phase, last key, rows
    /// done, rows in all, namespace.
    pub fn record_progress(&self) -> String {
        match self.dialect {
            Dialect::Postgres => RECORD_PROGRESS.to_owned(),
            Dialect::Sqlite => RECORD_PROGRESS.replace('$', "?"),
        }
    }

    /// What a batch in the middle of the table runs, in order, as the dry
    /// run prints it (each statement ends with `;`).
    pub fn describe(&self) -> String {
        if let Some(one) = self.one_statement(true) {
            return format!("{one};");
        }
        let mut out = vec![format!("{};", self.upper_key(true))];
        out.extend(self.update(true, true).map(|u| format!("{u};")));
        if let (Some(read), Some(write), Some(spec)) =
            (self.read_inputs(true, true), self.write_outputs(), self.transform.as_ref())
        {
            let per = match self.dialect {
                Dialect::Postgres => "the batch's values, in one statement",
                Dialect::Sqlite => "each row",
            };
            out.push(format!("{read};"));
            out.push(format!(
                "-- {}({}) -> ({}) on each row, in the runner; then, for {per}:",
                spec.function,
                spec.inputs.join(", "),
                spec.outputs.join(", ")
            ));
            out.push(format!("{write};"));
        }
        out.push(format!("{};", self.record_progress()));
        out.join("\n")
    }
}

/// PostgreSQL: one `UPDATE` of `columns` (quoted, with their types) over
/// many rows, the values passed as one text array per column and then per
/// key column, joined on the key: `$1` .. for the columns, then the key.
pub(crate) fn unnest_update(table: &str, columns: &[(String, ColumnType)], key: &[(String, ColumnType)]) -> String {
    let sets: Vec<String> =
        columns.iter().enumerate().map(|(i, (c, ty))| format!("{c} = v.o{i}::{}", column_type(ty))).collect();
    let names: Vec<String> =
        (0..columns.len()).map(|i| format!("o{i}")).chain((0..key.len()).map(|i| format!("k{i}"))).collect();
    let arrays: Vec<String> = (1..=names.len()).map(|i| format!("${i}::text[]")).collect();
    let matches: Vec<String> =
        key.iter().enumerate().map(|(i, (k, ty))| format!("{table}.{k} = v.k{i}::{}", column_type(ty))).collect();
    format!(
        "UPDATE {table} SET {} FROM unnest({}) AS v({}) WHERE {}",
        sets.join(", "),
        arrays.join(", "),
        names.join(", "),
        matches.join(" AND ")
    )
}
