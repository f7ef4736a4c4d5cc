//! The schema a history of migrations produces, and how one operation
//! changes it.
//!
//! [`Schema::apply`] is the single replay used everywhere: the macro replays
//! earlier migrations to check a new one, rollback derivation reads the
//! state before each step, and drift detection compares the live database
//! with the replayed result. It refuses operations that do not fit the
//! schema (a missing table, a duplicate column) with a [`SchemaError`] that
//! names the offending part of the operation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::location::Part;
use crate::model::{Backfill, Column, ColumnType, Constraint, ConstraintKind, Index, Migration, Op, Sync, Table};

/// Tables and indexes at one point of the history.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
    /// Indexes by name (index names are unique across the schema).
    pub indexes: BTreeMap<String, Index>,
    /// The dual-write syncs of online changes under way, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub syncs: BTreeMap<String, Sync>,
    /// The views online table renames under way keep under a table's old
    /// name, by that name, with the table they show.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub compat_views: BTreeMap<String, String>,
    /// Views, triggers and functions created in raw SQL, by name: the
    /// replay does not model them, but knows which columns their text uses.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dependents: BTreeMap<String, Dependent>,
    /// Columns a backfill copied into another column (the expand of a
    /// hand-written expand/contract), as `(table, from, into)`, until a
    /// deploy boundary: dropping `from` before one is the contract running
    /// in the same deploy as its expand.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub copies: std::collections::BTreeSet<(String, String, String)>,
    /// Enum types by name, with their values in sort order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enums: BTreeMap<String, Vec<String>>,
}

/// A view, trigger or function created in raw SQL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependent {
    /// `view`, `trigger` or `function`.
    pub kind: String,
    /// The table a trigger is on.
    pub table: Option<String>,
    /// The statement that created it.
    pub definition: String,
}

/// A change that what raw SQL created may still rely on (see
/// [`Schema::users_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// A drop.
    Drop,
    /// A rename.
    Rename,
}

/// Why an operation does not fit the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// What went wrong.
    pub kind: SchemaErrorKind,
    /// A sentence for the user, e.g. "table `users` does not exist".
    pub message: String,
    /// The part of the operation to point at.
    pub part: Part,
    /// A name that exists and is close to a missing one ("did you mean").
    pub suggestion: Option<String>,
    /// The safe way, when it is more particular than the rule's.
    pub help: Option<String>,
}

impl SchemaError {
    /// A foreign key still referencing `table` when the migration ends,
    /// after a step dropped that table.
    pub fn dangling(table: &str, constraint: &str, child: &str) -> SchemaError {
        broken(
            Part::Table,
            format!(
                "table `{table}` is dropped while foreign key `{constraint}` of table `{child}` references it, and the key is still there when the migration ends"
            ),
        )
        .helping(format!(
            "drop that constraint (or table `{child}`) in this migration too, or drop `{table}` with `cascade`"
        ))
    }

    /// The same error, suggesting the candidate closest to `name`.
    fn suggesting<'a>(mut self, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> SchemaError {
        self.suggestion = crate::spelling::closest(name, candidates).map(str::to_owned);
        self
    }

    /// The same error, with its own safe way.
    fn helping(mut self, help: String) -> SchemaError {
        self.help = Some(help);
        self
    }
}

/// The classes of [`SchemaError`], each reported by its own rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaErrorKind {
    /// A table, column, index or constraint the operation needs is missing.
    Missing,
    /// The operation creates something that is already there, or changes
    /// something to the state it is already in.
    Exists,
    /// A reference that cannot hold: a foreign key to columns that are not
    /// unique, a drop that other objects depend on.
    BrokenReference,
}

fn missing(part: Part, message: String) -> SchemaError {
    SchemaError { kind: SchemaErrorKind::Missing, message, part, suggestion: None, help: None }
}

fn exists(part: Part, message: String) -> SchemaError {
    SchemaError { kind: SchemaErrorKind::Exists, message, part, suggestion: None, help: None }
}

fn broken(part: Part, message: String) -> SchemaError {
    SchemaError { kind: SchemaErrorKind::BrokenReference, message, part, suggestion: None, help: None }
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Leaves out the tables and indexes named in `foreign` (another
    /// namespace's, in a database several crates share), with the indexes
    /// on those tables.
    pub fn forget(&mut self, foreign: &std::collections::BTreeMap<String, String>) {
        if foreign.is_empty() {
            return;
        }
        self.tables.retain(|name, _| !foreign.contains_key(name));
        self.indexes.retain(|name, i| !foreign.contains_key(name) && !foreign.contains_key(&i.table));
    }

    /// Whether `op` does nothing here because of its `IF [NOT] EXISTS`:
    /// dropping what is absent, creating a table or index whose name is
    /// taken. PostgreSQL and SQLite accept it with a notice, and nothing
    /// about it needs checking, locking or undoing.
    pub fn leaves_unchanged(&self, op: &Op) -> bool {
        match op {
            Op::DropTable { table, if_exists: true, .. } => self.table(table).is_none(),
            Op::DropIndex { name, if_exists: true, .. } => !self.indexes.contains_key(name),
            Op::CreateTable(t) => t.if_not_exists && self.tables.contains_key(&t.name),
            Op::CreateIndex(i) => i.if_not_exists && self.indexes.contains_key(&i.name),
            Op::DropEnum { name, if_exists: true } => !self.enums.contains_key(name),
            Op::DropColumn { table, column, if_exists: true, .. } => {
                self.table(table).is_some_and(|t| t.column(column).is_none())
            }
            _ => false,
        }
    }

    /// Replays `migrations` in order from an empty schema, stopping at the
    /// first step that does not fit (with its migration's version).
    pub fn replay<'a>(migrations: impl IntoIterator<Item = &'a Migration>) -> Result<Schema, (u64, SchemaError)> {
        let mut schema = Schema::new();
        for m in migrations {
            for step in &m.steps {
                schema.apply(&step.op).map_err(|e| (m.version, e))?;
            }
        }
        Ok(schema)
    }

    /// The table called `name`, if any.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The indexes on `table`.
    pub fn indexes_on<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Index> + 'a {
        self.indexes.values().filter(move |i| i.table == table)
    }

    /// Foreign keys in other tables (or the same one) that reference `table`,
    /// as (referencing table, constraint).
    pub fn references_to<'a>(&'a self, table: &'a str) -> impl Iterator<Item = (&'a Table, &'a Constraint)> + 'a {
        self.tables.values().flat_map(move |t| {
            t.constraints.iter().filter_map(move |c| match &c.kind {
                ConstraintKind::ForeignKey { ref_table, .. } if ref_table == table => Some((t, c)),
                _ => None,
            })
        })
    }

    /// Foreign keys of other tables that reference `table` (a table's key
    /// to itself left out), as (referencing table, constraint).
    pub fn references_from_others<'a>(
        &'a self,
        table: &'a str,
    ) -> impl Iterator<Item = (&'a Table, &'a Constraint)> + 'a {
        self.references_to(table).filter(move |(t, _)| t.name != table)
    }

    fn table_or_err(&self, name: &str) -> Result<&Table, SchemaError> {
        self.tables.get(name).ok_or_else(|| self.no_table(Part::Table, name))
    }

    fn no_table(&self, part: Part, name: &str) -> SchemaError {
        missing(part, format!("table `{name}` does not exist")).suggesting(name, self.tables.keys().map(String::as_str))
    }

    fn table_mut_or_err(&mut self, name: &str) -> Result<&mut Table, SchemaError> {
        if !self.tables.contains_key(name) {
            return Err(self.no_table(Part::Table, name));
        }
        self.tables.get_mut(name).ok_or_else(|| missing(Part::Table, format!("table `{name}` does not exist")))
    }

    /// Applies one operation, or says why it does not fit. On error the
    /// schema is unchanged.
    pub fn apply(&mut self, op: &Op) -> Result<(), SchemaError> {
        if self.leaves_unchanged(op) {
            return Ok(());
        }
        match op {
            Op::CreateTable(table) => {
                let mut table = Table { if_not_exists: false, ..table.clone() };
                for c in &mut table.columns {
                    c.ty = self.resolve_type(&c.name, &c.ty)?;
                }
                self.create_table(&table)
            }
            Op::DropTable { table, cascade, .. } => {
                self.check_not_synced(table, None, "drop")?;
                if *cascade {
                    self.table_or_err(table)?;
                    self.drop_dependents_of(table, None);
                }
                self.check_unused(table, None, Use::Drop)?;
                self.drop_table(table)?;
                // Its triggers go with it.
                self.dependents.retain(|_, d| d.table.as_deref() != Some(table));
                self.copies.retain(|(t, ..)| t != table);
                Ok(())
            }
            Op::RenameTable { from, to } => {
                self.check_not_synced(from, None, "rename")?;
                self.rename_table(from, to)?;
                for d in self.dependents.values_mut().filter(|d| d.table.as_deref() == Some(from)) {
                    d.table = Some(to.clone());
                }
                Ok(())
            }
            Op::AddColumn { table, column } => {
                let column = Column { ty: self.resolve_type(&column.name, &column.ty)?, ..column.clone() };
                self.add_column(table, &column)
            }
            Op::DropColumn { table, column, cascade, .. } => {
                if *cascade {
                    require_column(self.table_or_err(table)?, column)?;
                    self.drop_dependents_of(table, Some(column));
                }
                let user = self.table(table).and_then(|t| {
                    t.columns.iter().find(|c| {
                        c.name != *column
                            && c.generated.as_ref().is_some_and(|g| crate::sql_text::mentions(&g.expr, column))
                    })
                });
                if let Some(user) = user {
                    return Err(broken(
                        Part::Column(column.clone()),
                        format!("generated column `{table}.{}` is computed from `{column}`", user.name),
                    )
                    .helping(format!("drop `{}` first, in this migration or an earlier one", user.name)));
                }
                self.check_not_synced(table, Some(column), "drop")?;
                self.check_unused(table, Some(column), Use::Drop)?;
                self.drop_column(table, column)?;
                self.copies.retain(|(t, from, into)| !(t == table && (from == column || into == column)));
                Ok(())
            }
            Op::RenameColumn { table, from, to } => {
                self.check_not_synced(table, Some(from), "rename")?;
                self.check_unused(table, Some(from), Use::Rename)?;
                self.rename_column(table, from, to)
            }
            Op::AlterColumnType { table, column, ty, .. } => {
                self.check_not_synced(table, Some(column), "change")?;
                // A change to the type the column already has is a no-op
                // that PostgreSQL accepts (no rewrite, no check).
                let ty = self.resolve_type(column, ty)?;
                let c = self.column_mut(table, column)?;
                c.ty = ty;
                Ok(())
            }
            Op::SetNotNull { table, column } => {
                // Already so: a no-op PostgreSQL accepts.
                let c = self.column_mut(table, column)?;
                c.nullable = false;
                Ok(())
            }
            Op::DropNotNull { table, column } => {
                // Already so: a no-op PostgreSQL accepts.
                let c = self.column_mut(table, column)?;
                c.nullable = true;
                Ok(())
            }
            Op::SetDefault { table, column, default } => {
                let c = self.column_mut(table, column)?;
                c.default = Some(default.clone());
                Ok(())
            }
            Op::DropDefault { table, column } => {
                // No default to drop: a no-op PostgreSQL accepts.
                let c = self.column_mut(table, column)?;
                c.default = None;
                Ok(())
            }
            Op::CreateIndex(index) => self.create_index(&Index { if_not_exists: false, ..index.clone() }),
            Op::DropIndex { name, .. } => self.drop_index(name),
            Op::AddConstraint { table, constraint, online } => self.add_constraint(table, constraint, *online),
            Op::DropConstraint { table, name } => self.drop_constraint(table, name),
            Op::Backfill(backfill) => {
                self.check_backfill(backfill)?;
                self.record_copies(backfill);
                Ok(())
            }
            Op::ValidateConstraint { table, name } => self.validate_constraint(table, name),
            Op::AttachIndex { table, name, index, primary_key } => self.attach_index(table, name, index, *primary_key),
            // Raw statements outside the model change no table it replays;
            // the views, triggers and functions they create are kept by name.
            Op::Sql(statement) => {
                // `DROP TYPE` of an enum (raw SQL cannot tell an enum from
                // another type; PostgreSQL refuses it while a column uses it).
                // With CASCADE it is unanalysed (SF035): the columns go too.
                if statement.kind == "DROP TYPE"
                    && statement.class == crate::model::RawClass::Object
                    && let Some(name) = &statement.object
                    && self.enums.contains_key(name)
                {
                    // As `drop_enum`: refused while a column has the type.
                    self.apply(&Op::DropEnum { name: name.clone(), if_exists: false })?;
                } else if statement.kind == "DROP TYPE"
                    && let Some(name) = &statement.object
                {
                    self.enums.remove(name);
                }
                self.record_dependent(statement);
                Ok(())
            }
            Op::CreateSync(sync) => self.create_sync(sync),
            Op::CatchUp(c) => match self.syncs.get(&c.sync) {
                Some(s) if s.table == c.table && s.functions.is_some() => Ok(()),
                _ => Err(missing(
                    Part::Name,
                    format!("no online change `{}` with functions is under way on `{}`", c.sync, c.table),
                )),
            },
            Op::DropSync { table, name } => match self.syncs.get(name) {
                Some(s) if s.table == *table => {
                    self.syncs.remove(name);
                    Ok(())
                }
                _ => Err(missing(Part::Name, format!("no online change `{name}` is under way on `{table}`"))),
            },
            Op::CreateCompatView { view, table } => {
                self.table_mut_or_err(table)?;
                if self.tables.contains_key(view) || self.compat_views.contains_key(view) {
                    return Err(exists(Part::Table, format!("`{view}` already exists")));
                }
                self.compat_views.insert(view.clone(), table.clone());
                Ok(())
            }
            Op::DropCompatView { view, table } => match self.compat_views.get(view) {
                Some(t) if t == table => {
                    self.compat_views.remove(view);
                    Ok(())
                }
                _ => Err(missing(Part::Table, format!("no online rename keeps a view `{view}` over `{table}`"))),
            },
            Op::CreateEnum { name, values } => {
                if self.enums.contains_key(name) {
                    return Err(exists(Part::Name, format!("enum `{name}` already exists")));
                }
                if let Some(twice) = values.iter().enumerate().find(|(i, v)| values[..*i].contains(v)) {
                    return Err(exists(Part::Name, format!("enum `{name}` lists `{}` twice", twice.1)));
                }
                self.enums.insert(name.clone(), values.clone());
                Ok(())
            }
            Op::AddEnumValue { name, value, position } => {
                let Some(values) = self.enums.get(name) else {
                    return Err(self.no_enum(Part::Name, name));
                };
                if values.contains(value) {
                    return Err(exists(Part::Column(value.clone()), format!("enum `{name}` already has `{value}`")));
                }
                let at = match position {
                    None => values.len(),
                    Some((before, neighbour)) => match values.iter().position(|v| v == neighbour) {
                        Some(i) if *before => i,
                        Some(i) => i + 1,
                        None => {
                            return Err(missing(
                                Part::Column(neighbour.clone()),
                                format!("enum `{name}` has no value `{neighbour}`"),
                            )
                            .suggesting(neighbour, values.iter().map(String::as_str)));
                        }
                    },
                };
                if let Some(values) = self.enums.get_mut(name) {
                    values.insert(at, value.clone());
                }
                Ok(())
            }
            Op::DropEnum { name, .. } => {
                if !self.enums.contains_key(name) {
                    return Err(self.no_enum(Part::Name, name));
                }
                let user = self.tables.values().find_map(|t| {
                    t.columns.iter().find(|c| c.ty.enum_name() == Some(name)).map(|c| format!("{}.{}", t.name, c.name))
                });
                if let Some(user) = user {
                    return Err(broken(Part::Name, format!("enum `{name}` is the type of `{user}`"))
                        .helping(format!("drop or retype `{user}` first, in this migration or an earlier one")));
                }
                self.enums.remove(name);
                Ok(())
            }
            Op::DeployBoundary { .. } => {
                // The code deployed after it knows the new shape.
                self.copies.clear();
                Ok(())
            }
        }
    }

    fn no_enum(&self, part: Part, name: &str) -> SchemaError {
        missing(part, format!("enum `{name}` does not exist")).suggesting(name, self.enums.keys().map(String::as_str))
    }

    /// A column's type as the schema knows it: `Enum<name>` must name an
    /// enum declared earlier, and a type raw SQL named that is an enum's
    /// name (or an array of one) is that enum.
    fn resolve_type(&self, column: &str, ty: &ColumnType) -> Result<ColumnType, SchemaError> {
        match ty {
            ColumnType::Enum(name) if !self.enums.contains_key(name) => Err(self
                .no_enum(Part::ColumnType(column.to_owned()), name)
                .helping(format!("declare it first: `create_enum {name} {{ … }};`"))),
            ColumnType::Array(inner) => Ok(ColumnType::Array(Box::new(self.resolve_type(column, inner)?))),
            ColumnType::Sql(sql) => {
                let name = sql.trim_matches('"');
                if self.enums.contains_key(name) {
                    Ok(ColumnType::Enum(name.to_owned()))
                } else if let Some(element) = sql.strip_suffix("[]") {
                    match self.resolve_type(column, &ColumnType::Sql(element.to_owned()))? {
                        ColumnType::Enum(e) => Ok(ColumnType::Array(Box::new(ColumnType::Enum(e)))),
                        _ => Ok(ty.clone()),
                    }
                } else {
                    Ok(ty.clone())
                }
            }
            _ => Ok(ty.clone()),
        }
    }

    /// Remembers the columns `backfill` reads to fill other columns.
    fn record_copies(&mut self, backfill: &Backfill) {
        if backfill.copy_into.is_some() {
            return;
        }
        let Some(table) = self.tables.get(&backfill.table) else { return };
        let mut found = Vec::new();
        for a in &backfill.assignments {
            if let crate::model::DefaultValue::Sql(expr) = &a.value {
                for c in table.columns.iter().filter(|c| c.name != a.column) {
                    if crate::sql_text::mentions(expr, &c.name) {
                        found.push((c.name.clone(), a.column.clone()));
                    }
                }
            }
        }
        if let Some(t) = &backfill.transform {
            for input in &t.inputs {
                found.extend(t.outputs.iter().filter(|o| *o != input).map(|o| (input.clone(), o.clone())));
            }
        }
        for (from, into) in found {
            self.copies.insert((backfill.table.clone(), from, into));
        }
    }

    /// The column a backfill since the last deploy boundary copied
    /// `table.column` into, if any.
    pub fn copied_into(&self, table: &str, column: &str) -> Option<&str> {
        self.copies.iter().find(|(t, from, _)| t == table && from == column).map(|(_, _, into)| into.as_str())
    }

    /// The sync of an online change on `table` that reads or writes `column`.
    pub fn sync_involving(&self, table: &str, column: &str) -> Option<&Sync> {
        self.syncs.values().find(|s| s.table == table && s.involves(column))
    }

    /// A sync needs its table, its columns (added ones included) and a
    /// name of its own; its retired columns become nullable and lose their
    /// defaults (the sync records them).
    fn create_sync(&mut self, sync: &Sync) -> Result<(), SchemaError> {
        if self.syncs.contains_key(&sync.name) {
            return Err(exists(Part::Name, format!("an online change `{}` is already under way", sync.name)));
        }
        let t = self.table_mut_or_err(&sync.table)?;
        if sync.functions.is_some() && t.primary_key().is_none() {
            return Err(broken(
                Part::Table,
                format!(
                    "`{}` has no primary key: an online change with Rust functions logs the key of each row written, to run the functions on it later",
                    sync.table
                ),
            ));
        }
        for c in sync.added.iter().chain(&sync.retired) {
            require_column(t, &c.column)?;
        }
        let mut recorded = sync.clone();
        for c in &sync.retired {
            if let Some(column) = t.columns.iter_mut().find(|x| x.name == c.column) {
                column.nullable = true;
                if let Some(default) = column.default.take()
                    && !recorded.defaults.iter().any(|(name, _)| *name == c.column)
                {
                    recorded.defaults.push((c.column.clone(), default));
                }
            }
        }
        self.syncs.insert(sync.name.clone(), recorded);
        Ok(())
    }

    /// Refuses a change to a column (or its table) that an online change
    /// under way keeps in sync: its triggers would break.
    fn check_not_synced(&self, table: &str, column: Option<&str>, what: &str) -> Result<(), SchemaError> {
        let sync = match column {
            Some(c) => self.sync_involving(table, c),
            None => self.syncs.values().find(|s| s.table == table),
        };
        match (sync, column) {
            (Some(s), Some(c)) => Err(broken(
                Part::Column(c.to_owned()),
                format!(
                    "column `{table}.{c}` is kept in sync by the online change `{}` under way; {what} it only through that change's contract (after its deploy boundary)",
                    s.name
                ),
            )),
            (Some(s), None) => Err(broken(
                Part::Table,
                format!(
                    "table `{table}` has the online change `{}` under way; {what} it only after that change's contract",
                    s.name
                ),
            )),
            (None, _) => match self.compat_views.iter().find(|(_, t)| *t == table) {
                // The view selects every column as the rename found them.
                Some((view, _)) => Err(broken(
                    column.map_or(Part::Table, |c| Part::Column(c.to_owned())),
                    format!(
                        "`{table}` was renamed online and the view `{view}` keeps its old name for the code still running; {what} {} only after that rename's contract (after its deploy boundary)",
                        column.map_or_else(|| "it".to_owned(), |c| format!("`{c}`")),
                    ),
                )),
                None => Ok(()),
            },
        }
    }

    /// Keeps the view, trigger or function a raw statement creates, or
    /// forgets the one it drops.
    fn record_dependent(&mut self, statement: &crate::model::RawStatement) {
        let Some(name) = &statement.object else { return };
        let kind = match statement.kind.as_str() {
            "CREATE VIEW" | "CREATE MATERIALIZED VIEW" => "view",
            "CREATE TRIGGER" => "trigger",
            "CREATE FUNCTION" => "function",
            "DROP VIEW" | "DROP MATERIALIZED VIEW" | "DROP TRIGGER" | "DROP FUNCTION" => {
                self.dependents.remove(name);
                return;
            }
            _ => return,
        };
        if let Some(definition) = &statement.definition {
            let dependent =
                Dependent { kind: kind.to_owned(), table: statement.table.clone(), definition: definition.clone() };
            self.dependents.insert(name.clone(), dependent);
        }
    }

    /// What still uses `table` (or its `column`) in a way `change` would
    /// break: a view that reads it (a drop), a trigger
    /// whose code names the column (a drop, or a rename: a function's body
    /// is text that does not follow it), an expression index over it (a
    /// drop, which takes the index with it).
    pub fn users_of(&self, table: &str, column: Option<&str>, change: Use) -> Option<String> {
        use crate::sql_text::mentions_in_code as uses;
        for (name, d) in &self.dependents {
            match (d.kind.as_str(), column) {
                ("view", _)
                    if change != Use::Rename
                        && uses(&d.definition, table)
                        && column.is_none_or(|c| uses(&d.definition, c)) =>
                {
                    return Some(format!("the view `{name}`"));
                }
                ("trigger", Some(c)) if d.table.as_deref() == Some(table) => {
                    // Its code: the trigger, and the functions it calls.
                    let functions =
                        self.dependents.iter().filter(|(f, other)| other.kind == "function" && uses(&d.definition, f));
                    let in_function = functions.clone().any(|(_, f)| uses(&f.definition, c));
                    // SQLite rewrites a trigger's own body on a rename.
                    if in_function || (change == Use::Drop && uses(&d.definition, c)) {
                        return Some(format!("the trigger `{name}`"));
                    }
                }
                _ => {}
            }
        }
        let c = column.filter(|_| change == Use::Drop)?;
        self.indexes_on(table)
            .find(|i| i.key.as_deref().is_some_and(|key| crate::sql_text::mentions(key, c)))
            .map(|i| format!("the expression index `{}`", i.name))
    }

    /// Refuses a change to `table` (or its `column`) that something raw SQL
    /// created still uses (see [`Schema::users_of`]).
    fn check_unused(&self, table: &str, column: Option<&str>, change: Use) -> Result<(), SchemaError> {
        let Some(user) = self.users_of(table, column, change) else { return Ok(()) };
        let (what, part) = match column {
            Some(c) => (format!("column `{table}.{c}`"), Part::Column(c.to_owned())),
            None => (format!("table `{table}`"), Part::Table),
        };
        let verb = match change {
            Use::Drop => "dropping",
            Use::Rename => "renaming",
        };
        Err(broken(part, format!("{user} still uses {what}: {verb} it would leave {user} broken, or be refused"))
            .helping(format!(
                "drop {user} first, in this migration (`sql \"DROP …\"` before this step), and create it again after without {what} if it is still needed"
            )))
    }

    /// Refuses `name` for a table while an online rename keeps a view by
    /// that name.
    fn check_not_a_view(&self, name: &str, part: Part) -> Result<(), SchemaError> {
        match self.compat_views.get(name) {
            Some(table) => Err(exists(
                part,
                format!(
                    "`{name}` is the view that keeps the old name of `{table}` while its online rename is under way"
                ),
            )),
            None => Ok(()),
        }
    }

    /// A table goes, with its indexes; refused while another table's foreign key references it.
    /// What `DROP TABLE table CASCADE` drops with it, described: the
    /// foreign keys of other tables that reference it, the views that read
    /// it.
    ///
    /// With `column`, what `DROP COLUMN column CASCADE` drops beyond the
    /// column's own indexes and constraints: the other tables' foreign keys
    /// to a key that holds it, the views that read it.
    pub fn cascade_of(&self, table: &str, column: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = self
            .cascaded_references(table, column)
            .map(|(t, k)| format!("foreign key `{}` of `{}`", k.name, t.name))
            .collect();
        out.extend(self.views_reading(table, column).into_iter().map(|v| format!("view `{v}`")));
        out
    }

    /// The foreign keys of other tables that `CASCADE` drops with `table`
    /// (with `column`: those whose referenced columns include it).
    pub fn cascaded_references<'a>(
        &'a self,
        table: &'a str,
        column: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Table, &'a Constraint)> + 'a {
        self.references_from_others(table).filter(move |(_, k)| match (&k.kind, column) {
            (ConstraintKind::ForeignKey { ref_columns, .. }, Some(c)) => ref_columns.iter().any(|r| r == c),
            _ => true,
        })
    }

    /// The views raw SQL created that read `table` (with `column`: that
    /// also name the column).
    pub fn views_reading(&self, table: &str, column: Option<&str>) -> Vec<String> {
        self.dependents
            .iter()
            .filter(|(_, d)| {
                d.kind == "view"
                    && crate::sql_text::mentions_in_code(&d.definition, table)
                    && column.is_none_or(|c| crate::sql_text::mentions_in_code(&d.definition, c))
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Removes what `CASCADE` drops with `table` or its `column` (see
    /// [`Schema::cascade_of`]).
    fn drop_dependents_of(&mut self, table: &str, column: Option<&str>) {
        for v in self.views_reading(table, column) {
            self.dependents.remove(&v);
        }
        let dropped: Vec<(String, String)> =
            self.cascaded_references(table, column).map(|(t, k)| (t.name.clone(), k.name.clone())).collect();
        for (other, name) in dropped {
            if let Some(t) = self.tables.get_mut(&other) {
                t.constraints.retain(|k| k.name != name);
            }
        }
    }

    /// A table goes with its indexes. Other tables' foreign keys to it are
    /// left pointing at nothing, as SQLite leaves them (see
    /// [`Schema::referenced_drop`] for PostgreSQL's refusal).
    fn drop_table(&mut self, table: &str) -> Result<(), SchemaError> {
        self.table_or_err(table)?;
        self.tables.remove(table);
        self.indexes.retain(|_, i| i.table != *table);
        Ok(())
    }

    /// A table takes a new name; its indexes and the foreign keys to it follow.
    fn rename_table(&mut self, from: &str, to: &str) -> Result<(), SchemaError> {
        self.table_or_err(from)?;
        self.check_not_a_view(to, Part::NewName)?;
        if self.tables.contains_key(to) {
            return Err(exists(Part::NewName, format!("table `{to}` already exists")));
        }
        let mut table =
            self.tables.remove(from).ok_or_else(|| missing(Part::Table, format!("table `{from}` does not exist")))?;
        table.name = to.to_owned();
        self.tables.insert(to.to_owned(), table);
        for index in self.indexes.values_mut().filter(|i| i.table == *from) {
            index.table = to.to_owned();
        }
        for t in self.tables.values_mut() {
            for c in &mut t.constraints {
                if let ConstraintKind::ForeignKey { ref_table, .. } = &mut c.kind
                    && ref_table == from
                {
                    *ref_table = to.to_owned();
                }
            }
        }
        Ok(())
    }

    /// A column is added at the end of its table.
    fn add_column(&mut self, table: &str, column: &Column) -> Result<(), SchemaError> {
        let t = self.table_mut_or_err(table)?;
        if t.column(&column.name).is_some() {
            return Err(exists(
                Part::Column(column.name.to_owned()),
                format!("column `{table}.{}` already exists", column.name),
            ));
        }
        t.columns.push(column.to_owned());
        Ok(())
    }

    /// A column goes, with the constraints and indexes that involve it (as in PostgreSQL); refused while a foreign key references it.
    fn drop_column(&mut self, table: &str, column: &str) -> Result<(), SchemaError> {
        let t = self.table_or_err(table)?;
        require_column(t, column)?;
        let referencing = self.references_to(table).find(|(child, fk)| {
            child.name != *table
                && matches!(&fk.kind, ConstraintKind::ForeignKey { ref_columns, .. } if ref_columns.iter().any(|c| c == column))
        });
        if let Some((child, fk)) = referencing {
            return Err(broken(
                Part::Column(column.to_owned()),
                format!(
                    "column `{table}.{column}` is referenced by foreign key `{}` of table `{}`; drop that constraint first",
                    fk.name, child.name
                ),
            ));
        }
        let t = self.table_mut_or_err(table)?;
        t.columns.retain(|c| c.name != *column);
        // Like PostgreSQL, dropping a column drops the constraints and
        // indexes that involve it, checks and partial indexes included.
        t.constraints.retain(|c| !constraint_uses(c, column));
        self.indexes.retain(|_, i| !(i.table == *table && index_uses(i, column)));
        Ok(())
    }

    /// What dropping `table.column` drops with it: the indexes and the
    /// constraints (checks included) that use the column.
    pub fn dropped_with_column(&self, table: &str, column: &str) -> (Vec<&Index>, Vec<&Constraint>) {
        let indexes = self.indexes.values().filter(|i| i.table == table && index_uses(i, column)).collect();
        let constraints = self
            .table(table)
            .map(|t| t.constraints.iter().filter(|c| constraint_uses(c, column)).collect())
            .unwrap_or_default();
        (indexes, constraints)
    }

    /// A column takes a new name; constraints, index columns and predicates, and foreign keys to it follow.
    fn rename_column(&mut self, table: &str, from: &str, to: &str) -> Result<(), SchemaError> {
        let t = self.table_or_err(table)?;
        require_column(t, from)?;
        if t.column(to).is_some() {
            return Err(exists(Part::NewName, format!("column `{table}.{to}` already exists")));
        }
        let t = self.table_mut_or_err(table)?;
        if let Some(c) = t.column_mut(from) {
            c.name = to.to_owned();
        }
        // A generated column's expression follows the rename, as the
        // database's parsed expression does.
        for c in &mut t.columns {
            if let Some(g) = &mut c.generated {
                g.expr = crate::sql_text::rename(&g.expr, from, to);
            }
        }
        for c in &mut t.constraints {
            match &mut c.kind {
                ConstraintKind::Check { expr } => *expr = crate::sql_text::rename(expr, from, to),
                kind => {
                    if let Some(columns) = constraint_columns_mut(kind) {
                        rename_in(columns, from, to);
                    }
                }
            }
        }
        for index in self.indexes.values_mut().filter(|i| i.table == *table) {
            if let Some(p) = &mut index.predicate {
                *p = crate::sql_text::rename(p, from, to);
            }
        }
        for index in self.indexes.values_mut().filter(|i| i.table == *table) {
            rename_in(&mut index.columns, from, to);
        }
        for t in self.tables.values_mut() {
            for c in &mut t.constraints {
                if let ConstraintKind::ForeignKey { ref_table, ref_columns, .. } = &mut c.kind
                    && ref_table == table
                {
                    rename_in(ref_columns, from, to);
                }
            }
        }
        Ok(())
    }

    /// An index is added on existing columns.
    fn create_index(&mut self, index: &Index) -> Result<(), SchemaError> {
        let t = self.table_or_err(&index.table)?;
        for column in &index.columns {
            require_column(t, column)?;
        }
        if self.indexes.contains_key(&index.name) {
            return Err(exists(Part::Name, format!("index `{}` already exists", index.name)));
        }
        self.indexes.insert(index.name.to_owned(), index.clone());
        Ok(())
    }

    /// An index goes; refused while it is the unique key a foreign key references.
    fn drop_index(&mut self, name: &str) -> Result<(), SchemaError> {
        let Some(index) = self.indexes.get(name) else {
            return Err(missing(Part::Name, format!("index `{name}` does not exist"))
                .suggesting(name, self.indexes.keys().map(String::as_str)));
        };
        if index.unique && index.predicate.is_none() {
            let mut without = self.clone();
            without.indexes.remove(name);
            let needed = without.table(&index.table).and_then(|t| {
                self.references_to(&index.table).find(|(_, fk)| match &fk.kind {
                    ConstraintKind::ForeignKey { ref_columns, .. } => {
                        same_set(ref_columns, &index.columns) && !is_unique_key(&without, t, ref_columns)
                    }
                    _ => false,
                })
            });
            if let Some((child, fk)) = needed {
                return Err(broken(
                    Part::Name,
                    format!(
                        "unique index `{name}` is the key that foreign key `{}` of table `{}` references; drop that foreign key first",
                        fk.name, child.name
                    ),
                ));
            }
        }
        self.indexes.remove(name);
        Ok(())
    }

    /// A constraint is added, its references resolved.
    fn add_constraint(&mut self, table: &str, constraint: &Constraint, online: bool) -> Result<(), SchemaError> {
        let constraint = &self.resolve_references(constraint);
        let t = self.table_or_err(table)?;
        self.check_constraint(t, constraint)?;
        // Built online, a unique key or primary key is attached to an
        // index of its own name: one that is there already would be
        // taken over (and dropped by a rollback).
        let keyed = matches!(constraint.kind, ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. });
        if online && keyed && self.indexes.contains_key(&constraint.name) {
            return Err(exists(
                Part::Name,
                format!(
                    "index `{}` already exists; the {} is built from a new index of its name: give it another name",
                    constraint.name,
                    constraint.kind.describe()
                ),
            ));
        }
        if t.constraint(&constraint.name).is_some() {
            return Err(exists(Part::Name, format!("constraint `{}` already exists on `{table}`", constraint.name)));
        }
        if matches!(constraint.kind, ConstraintKind::PrimaryKey { .. }) && t.primary_key().is_some() {
            return Err(exists(Part::Name, format!("table `{table}` already has a primary key")));
        }
        self.table_mut_or_err(table)?.constraints.push(constraint.clone());
        Ok(())
    }

    /// A unique index becomes a primary key or unique constraint
    /// (`ADD CONSTRAINT … USING INDEX`): PostgreSQL takes it over as it is,
    /// so it must be a plain, complete unique index on the table, and a
    /// primary key's columns must already be NOT NULL (PostgreSQL would
    /// otherwise set them so, scanning the table under its strongest lock).
    fn attach_index(&mut self, table: &str, name: &str, index: &str, primary_key: bool) -> Result<(), SchemaError> {
        let t = self.table_or_err(table)?;
        let Some(i) = self.indexes.get(index) else {
            return Err(missing(Part::Modifier("index"), format!("index `{index}` does not exist"))
                .suggesting(index, self.indexes.keys().map(String::as_str)));
        };
        let kind = if primary_key { "primary key" } else { "unique constraint" };
        if i.table != table {
            return Err(broken(
                Part::Modifier("index"),
                format!("index `{index}` is on `{}`, not on `{table}`", i.table),
            ));
        }
        let unfit = if !i.unique {
            Some("is not unique")
        } else if i.predicate.is_some() {
            Some("is partial")
        } else if i.key.is_some() {
            Some("has an expression, an ordering, a method or included columns")
        } else {
            None
        };
        if let Some(why) = unfit {
            return Err(broken(
                Part::Modifier("index"),
                format!("index `{index}` {why}: a {kind} can only take over a plain unique index"),
            )
            .helping(format!("build `create_index … on {table}(columns) unique concurrently` and attach that one")));
        }
        if primary_key && let Some(c) = i.columns.iter().filter_map(|c| t.column(c)).find(|c| c.nullable) {
            return Err(broken(
                Part::Modifier("index"),
                format!("column `{table}.{}` is nullable: PostgreSQL would set it NOT NULL while it holds the table's strongest lock, scanning every row", c.name),
            )
            .helping(format!("make `{}` NOT NULL first (`set_not_null`, through a check added `not_valid`), then attach the index", c.name)));
        }
        let columns = i.columns.clone();
        let constraint = Constraint::new(
            name.to_owned(),
            if primary_key { ConstraintKind::PrimaryKey { columns } } else { ConstraintKind::Unique { columns } },
        );
        if name != index && self.indexes.contains_key(name) {
            return Err(exists(
                Part::Name,
                format!("index `{name}` already exists: PostgreSQL renames `{index}` to the constraint's name"),
            ));
        }
        self.add_constraint(table, &constraint, false)?;
        self.indexes.remove(index);
        Ok(())
    }

    /// A constraint goes; refused while it is the key a foreign key references.
    fn drop_constraint(&mut self, table: &str, name: &str) -> Result<(), SchemaError> {
        let t = self.table_or_err(table)?;
        let Some(constraint) = t.constraint(name) else {
            return Err(missing(Part::Name, format!("constraint `{name}` does not exist on `{table}`"))
                .suggesting(name, t.constraints.iter().map(|c| c.name.as_str())));
        };
        if let ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } = &constraint.kind {
            let mut without = t.clone();
            without.constraints.retain(|c| c.name != *name);
            let needed = self.references_to(table).find(|(_, fk)| match &fk.kind {
                ConstraintKind::ForeignKey { ref_columns, .. } => {
                    same_set(ref_columns, columns) && !is_unique_key(self, &without, ref_columns)
                }
                _ => false,
            });
            if let Some((child, fk)) = needed {
                return Err(broken(
                    Part::Name,
                    format!(
                        "`{name}` is the key that foreign key `{}` of table `{}` references; drop that foreign key first",
                        fk.name, child.name
                    ),
                ));
            }
        }
        self.table_mut_or_err(table)?.constraints.retain(|c| c.name != *name);
        Ok(())
    }

    /// A backfill changes no schema; its columns must exist.
    fn check_backfill(&mut self, backfill: &Backfill) -> Result<(), SchemaError> {
        let source = self.table_or_err(&backfill.table)?;
        // `copy_rows` writes the target's columns, from the source's rows.
        let t = match &backfill.copy_into {
            Some(target) => {
                if target == &backfill.table {
                    return Err(broken(Part::RefTable, format!("`copy_rows` copies `{target}` into itself")));
                }
                self.tables.get(target).ok_or_else(|| self.no_table(Part::RefTable, target))?
            }
            None => source,
        };
        for a in &backfill.assignments {
            require_column(t, &a.column)?;
        }
        for written in backfill.written_columns() {
            if t.column(written).is_some_and(|c| c.generated.is_some()) {
                return Err(broken(
                    Part::Column(written.to_owned()),
                    format!(
                        "`{}.{written}` is a generated column: the database computes it, nothing writes it",
                        t.name
                    ),
                ));
            }
        }
        if let Some(transform) = &backfill.transform {
            for c in transform.inputs.iter().chain(&transform.outputs) {
                require_column(t, c)?;
            }
        }
        Ok(())
    }

    /// A NOT VALID constraint becomes valid.
    fn validate_constraint(&mut self, table: &str, name: &str) -> Result<(), SchemaError> {
        let t = self.table_mut_or_err(table)?;
        let known: Vec<String> = t.constraints.iter().map(|c| c.name.clone()).collect();
        let Some(constraint) = t.constraints.iter_mut().find(|c| c.name == *name) else {
            return Err(missing(Part::Name, format!("constraint `{name}` does not exist on `{table}`"))
                .suggesting(name, known.iter().map(String::as_str)));
        };
        constraint.not_valid = false;
        Ok(())
    }

    fn column_mut(&mut self, table: &str, column: &str) -> Result<&mut crate::model::Column, SchemaError> {
        let t = self.table_or_err(table)?;
        require_column(t, column)?;
        let t = self.table_mut_or_err(table)?;
        t.column_mut(column).ok_or_else(|| {
            missing(Part::Column(column.to_owned()), format!("column `{table}.{column}` does not exist"))
        })
    }

    /// A foreign key written without its referenced columns (raw SQL's
    /// `REFERENCES users`) references the primary key of that table.
    fn resolve_references(&self, constraint: &Constraint) -> Constraint {
        let mut constraint = constraint.clone();
        if let ConstraintKind::ForeignKey { ref_table, ref_columns, .. } = &mut constraint.kind
            && ref_columns.is_empty()
            && let Some(key) = self.tables.get(ref_table.as_str()).and_then(Table::primary_key)
        {
            *ref_columns = key.to_vec();
        }
        constraint
    }

    /// `table` with each foreign key written without its referenced
    /// columns resolved to the referenced table's primary key (its own,
    /// for a key to itself).
    fn resolve_table_references(&self, table: &Table) -> Table {
        let mut resolved = table.clone();
        for c in &mut resolved.constraints {
            if let ConstraintKind::ForeignKey { ref_table, ref_columns, .. } = &mut c.kind
                && ref_columns.is_empty()
            {
                let key = if *ref_table == table.name {
                    table.primary_key().map(<[String]>::to_vec)
                } else {
                    self.tables.get(ref_table.as_str()).and_then(Table::primary_key).map(<[String]>::to_vec)
                };
                *ref_columns = key.unwrap_or_default();
            }
        }
        resolved
    }

    /// `op` as this schema resolves it: a foreign key written without its
    /// referenced columns (`REFERENCES users`) names the primary key's.
    pub fn resolved(&self, op: &Op) -> Op {
        match op {
            Op::CreateTable(t) => Op::CreateTable(self.resolve_table_references(t)),
            Op::AddConstraint { table, constraint, online } => Op::AddConstraint {
                table: table.clone(),
                constraint: self.resolve_references(constraint),
                online: *online,
            },
            other => other.clone(),
        }
    }

    fn create_table(&mut self, table: &Table) -> Result<(), SchemaError> {
        self.check_not_a_view(&table.name, Part::Table)?;
        let resolved = self.resolve_table_references(table);
        let table = &resolved;
        if self.tables.contains_key(&table.name) {
            return Err(exists(Part::Table, format!("table `{}` already exists", table.name)));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &table.columns {
            if !seen.insert(c.name.as_str()) {
                return Err(exists(Part::Column(c.name.clone()), format!("column `{}` is declared twice", c.name)));
            }
        }
        let mut names = std::collections::HashSet::new();
        let mut primary_keys = 0;
        for constraint in &table.constraints {
            self.check_constraint(table, constraint)?;
            if !names.insert(constraint.name.as_str()) {
                return Err(exists(Part::Name, format!("constraint `{}` is declared twice", constraint.name)));
            }
            if let ConstraintKind::PrimaryKey { columns } = &constraint.kind {
                if let Some(c) = columns.iter().find(|c| table.column(c).is_some_and(|c| c.nullable)) {
                    return Err(broken(
                        Part::Column(c.clone()),
                        format!("primary key column `{c}` is `Option<…>`; a key column is NOT NULL"),
                    ));
                }
                primary_keys += 1;
                if primary_keys > 1 {
                    return Err(exists(
                        Part::Name,
                        format!("table `{}` declares more than one primary key", table.name),
                    ));
                }
            }
        }
        self.tables.insert(table.name.clone(), table.clone());
        self.resolve_forward_references(&table.name);
        Ok(())
    }

    /// Foreign keys written before `created` existed and without their
    /// referenced columns name its primary key, as they do once it exists.
    fn resolve_forward_references(&mut self, created: &str) {
        let Some(key) = self.tables.get(created).and_then(Table::primary_key).map(<[String]>::to_vec) else {
            return;
        };
        for table in self.tables.values_mut() {
            for c in &mut table.constraints {
                if let ConstraintKind::ForeignKey { ref_table, ref_columns, .. } = &mut c.kind
                    && ref_table == created
                    && ref_columns.is_empty()
                {
                    ref_columns.clone_from(&key);
                }
            }
        }
    }

    /// The foreign key `op` declares to a table that does not exist yet,
    /// as the error PostgreSQL gives it. [`Schema::apply`] accepts such a
    /// key, as SQLite does: the table may be created later in the same
    /// migration, and [`Schema::foreign_key_problem`] checks it then.
    /// Returns the missing table's name with the error.
    pub fn forward_reference(&self, op: &Op) -> Option<(String, SchemaError)> {
        let (table, constraints) = op.declared_constraints()?;
        constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::ForeignKey { ref_table, .. }
                if ref_table != table && !self.tables.contains_key(ref_table.as_str()) =>
            {
                Some((ref_table.clone(), self.no_referenced_table(ref_table, "")))
            }
            _ => None,
        })
    }

    /// [`Schema::apply`] as the databases run `op`. With `postgres`
    /// (PostgreSQL among them) as PostgreSQL runs it: a foreign key's
    /// table must exist when the key is created, and a table cannot go
    /// while another table's foreign key references it (a statement its
    /// `IF [NOT] EXISTS` makes a no-op checks nothing). SQLite checks keys
    /// when rows change, so [`Schema::apply`] keeps a key to a missing
    /// table as it is (the rules report one left so at a migration's end).
    pub fn apply_for(&mut self, op: &Op, postgres: bool) -> Result<(), SchemaError> {
        if postgres
            && !self.leaves_unchanged(op)
            && let Some(e) = self.forward_reference(op).map(|(_, e)| e).or_else(|| self.referenced_drop(op))
        {
            return Err(e);
        }
        self.apply(op)
    }

    /// Replays a whole migration's steps with [`Schema::apply_for`].
    pub fn apply_migration(&mut self, migration: &Migration, postgres: bool) -> Result<(), SchemaError> {
        migration.steps.iter().try_for_each(|step| self.apply_for(&step.op, postgres))
    }

    /// The refusal PostgreSQL gives `op` when it drops a table another
    /// table's foreign key references, without `cascade`. [`Schema::apply`]
    /// accepts the drop, as SQLite does (the key must be gone by the time
    /// the migration ends: [`Schema::dangling_references`]).
    pub fn referenced_drop(&self, op: &Op) -> Option<SchemaError> {
        let Op::DropTable { table, cascade: false, .. } = op else { return None };
        let (child, fk) = self.references_from_others(table).next()?;
        Some(broken(
            Part::Table,
            format!(
                "table `{table}` is referenced by foreign key `{}` of table `{}`; drop that constraint first (or drop the table with `cascade`)",
                fk.name, child.name
            ),
        ))
    }

    /// A foreign key to `table`, which no step of the migration created.
    pub fn missing_at_end(&self, table: &str) -> SchemaError {
        self.no_referenced_table(table, " when the migration ends")
    }

    /// "referenced table `t` does not exist", then `when`, with the
    /// closest table name as a suggestion.
    fn no_referenced_table(&self, table: &str, when: &str) -> SchemaError {
        missing(Part::RefTable, format!("referenced table `{table}` does not exist{when}"))
            .suggesting(table, self.tables.keys().map(String::as_str))
    }

    /// The foreign keys whose referenced table does not exist, as
    /// `(table, constraint, referenced table)`.
    pub fn dangling_references(&self) -> std::collections::BTreeSet<(String, String, String)> {
        let mut dangling = std::collections::BTreeSet::new();
        for t in self.tables.values() {
            for c in &t.constraints {
                if let ConstraintKind::ForeignKey { ref_table, .. } = &c.kind
                    && *ref_table != t.name
                    && !self.tables.contains_key(ref_table.as_str())
                {
                    dangling.insert((t.name.clone(), c.name.clone(), ref_table.clone()));
                }
            }
        }
        dangling
    }

    /// What is wrong with foreign key `constraint` of `table` now: its
    /// referenced table or columns missing, or not a key. `None` when it
    /// is sound, or when there is no such foreign key any more.
    pub fn foreign_key_problem(&self, table: &str, constraint: &str) -> Option<SchemaError> {
        let t = self.tables.get(table)?;
        let c = t.constraints.iter().find(|c| c.name == constraint)?;
        let ConstraintKind::ForeignKey { ref_table, .. } = &c.kind else { return None };
        if *ref_table != t.name && !self.tables.contains_key(ref_table.as_str()) {
            return Some(self.no_referenced_table(ref_table, ""));
        }
        self.check_constraint(t, c).err()
    }

    /// Checks that a constraint's columns exist and, for a foreign key, that
    /// its target exists and is a primary key or unique.
    fn check_constraint(&self, table: &Table, constraint: &Constraint) -> Result<(), SchemaError> {
        for column in constraint.kind.columns() {
            require_column(table, column)?;
        }
        if let ConstraintKind::ForeignKey { columns, ref_table, ref_columns, .. } = &constraint.kind {
            let target = if *ref_table == table.name {
                table
            } else {
                match self.tables.get(ref_table) {
                    Some(target) => target,
                    // A table created later: checked when the migration
                    // ends (see `forward_reference`).
                    None => return Ok(()),
                }
            };
            for column in ref_columns {
                if target.column(column).is_none() {
                    return Err(missing(
                        Part::RefTable,
                        format!("referenced column `{ref_table}.{column}` does not exist"),
                    )
                    .suggesting(column, target.columns.iter().map(|c| c.name.as_str())));
                }
            }
            if columns.len() != ref_columns.len() {
                return Err(broken(
                    Part::RefTable,
                    format!(
                        "foreign key `{}` has {} column(s) but references {}",
                        constraint.name,
                        columns.len(),
                        ref_columns.len()
                    ),
                ));
            }
            if !is_unique_key(self, target, ref_columns) {
                return Err(broken(
                    Part::RefTable,
                    format!(
                        "`{ref_table}({})` is not a primary key or unique, so a foreign key cannot reference it",
                        ref_columns.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Whether `columns` of `table` are exactly its primary key, a unique
/// constraint, or a full (non-partial) unique index.
pub fn is_unique_key(schema: &Schema, table: &Table, columns: &[String]) -> bool {
    let same = |cols: &[String]| cols.len() == columns.len() && cols.iter().all(|c| columns.contains(c));
    table.constraints.iter().any(|c| match &c.kind {
        ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => same(columns),
        _ => false,
    }) || schema.indexes_on(&table.name).any(|i| i.unique && i.predicate.is_none() && same(&i.columns))
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|c| b.contains(c))
}

/// Whether an index has `column` among its columns or in its predicate.
fn index_uses(index: &Index, column: &str) -> bool {
    index.columns.iter().any(|c| c == column)
        || index.predicate.as_ref().is_some_and(|p| crate::sql_text::mentions(p, column))
}

/// Whether a constraint names `column` (a check, in its expression).
fn constraint_uses(constraint: &Constraint, column: &str) -> bool {
    match &constraint.kind {
        ConstraintKind::Check { expr } => crate::sql_text::mentions(expr, column),
        kind => kind.columns().iter().any(|c| c == column),
    }
}

fn require_column(table: &Table, column: &str) -> Result<(), SchemaError> {
    if table.column(column).is_none() {
        return Err(missing(
            Part::Column(column.to_owned()),
            format!("column `{}.{column}` does not exist", table.name),
        )
        .suggesting(column, table.columns.iter().map(|c| c.name.as_str())));
    }
    Ok(())
}

fn constraint_columns_mut(kind: &mut ConstraintKind) -> Option<&mut Vec<String>> {
    match kind {
        ConstraintKind::PrimaryKey { columns }
        | ConstraintKind::Unique { columns }
        | ConstraintKind::ForeignKey { columns, .. } => Some(columns),
        // A check's SQL is opaque to the model.
        ConstraintKind::Check { .. } => None,
    }
}

fn rename_in(columns: &mut [String], from: &str, to: &str) {
    for c in columns.iter_mut().filter(|c| *c == from) {
        *c = to.to_owned();
    }
}
