//! The migration as data: what the `migration!` DSL lowers to, what the
//! rules check, what the dialects turn into SQL and what the runner applies.
//!
//! The model is plain data. It carries no spans and no database handles, so
//! the macro, the CLI and the tests all share it.

use serde::{Deserialize, Serialize};

/// One migration: a version taken from its file name, the steps it applies
/// and how it is undone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// `YYYYMMDDHHMM` from the file name, e.g. `202611241530`.
    pub version: u64,
    /// The snake_case description from the file name, e.g. `add_user_verified`.
    pub name: String,
    /// The forward steps, in the order they are written.
    pub steps: Vec<Step>,
    /// How the migration is rolled back.
    pub down: Down,
    /// Timeouts for this migration, overriding the crate's.
    #[serde(default, skip_serializing_if = "Settings::is_empty")]
    pub settings: Settings,
    /// The compiled functions of its `with …` backfills (set by the
    /// `migration!` expansion; not part of the data).
    #[serde(skip)]
    pub transforms: crate::transform::Transforms,
}

/// Per-migration settings (`lock_timeout 10s;`, `statement_timeout 2min;`).
/// They change how the migration runs, not what it does, so they are not
/// part of its checksum.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// PostgreSQL `lock_timeout`, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_timeout_ms: Option<u64>,
    /// PostgreSQL `statement_timeout`, in milliseconds (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_timeout_ms: Option<u64>,
}

impl Settings {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.lock_timeout_ms.is_none() && self.statement_timeout_ms.is_none()
    }
}

/// One operation together with the rules acknowledged for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// What the step does.
    pub op: Op,
    /// Rules this step acknowledges, each with the author's reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allows: Vec<Allow>,
    /// Set when the step was read from a raw `sql "…"` literal: the
    /// statement that runs, and how the literal is undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<RawSql>,
}

/// The origin of a step read from raw SQL. The step's [`Op`] says what the
/// statement does (for replay, rules, locks and the plan); the statement
/// itself is what runs, as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawSql {
    /// The statement as written, without its `;`. Empty on the second and
    /// later steps of a statement that does several things at once
    /// (`ALTER TABLE t ADD …, ADD …`): they run with the first.
    pub sql: String,
    /// How the literal the statement belongs to is undone.
    pub undo: Undo,
    /// Written for one database only (`sql postgres "…" sqlite "…"`): the
    /// other database's plan leaves the step out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_on: Option<Database>,
}

/// A database schemaflow runs migrations on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Database {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Database {
    /// The name users write: `sqlite` or `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Database::Sqlite => "sqlite",
            Database::Postgres => "postgres",
        }
    }
}

impl RawSql {
    /// Whether this step runs with the step before it (the same statement).
    pub fn continues_statement(&self) -> bool {
        self.sql.is_empty()
    }
}

/// How the steps of one `sql "…"` literal are undone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Undo {
    /// No `down` was written: each step's inverse is derived from its
    /// operation, as for the DSL.
    Derived,
    /// Undone by the written `down` held by a later step of the same literal.
    WithLiteral,
    /// The literal's `down "…"`, read into steps. It is held by the
    /// literal's last step and undoes all of its steps.
    Written(Vec<Step>),
    /// `irreversible "why"`, held by the literal's last step.
    Irreversible(String),
}

/// The acknowledgement of one rule for one step, with the reason kept for the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allow {
    /// The rule's kebab-case name, e.g. `blocking-index`.
    pub rule: String,
    /// Why the hazard does not apply here, in the author's words.
    pub reason: String,
    /// Identifies the written `#[allow]`: one written before an item that
    /// lowers to several steps (an `alter_table` block, a column with an
    /// inline constraint) is copied to each, with the same id, and counts
    /// as used when any of them needs it.
    #[serde(default)]
    pub id: usize,
}

/// How a migration is rolled back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Down {
    /// Each step's inverse, derived from the replayed schema (see [`crate::rollback`]).
    Derived,
    /// A `down { … }` block written by the author, run instead of the derived inverse.
    Explicit(Vec<Step>),
    /// The migration cannot be undone; the reason is shown when a rollback reaches it.
    Irreversible(String),
}

/// One schema or data operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// `create_table name { … }`.
    CreateTable(Table),
    /// `drop_table name`.
    DropTable {
        /// The table to drop.
        table: String,
        /// `IF EXISTS`: a table that is not there is no error.
        if_exists: bool,
        /// `CASCADE`: the foreign keys of other tables that reference it
        /// and the views that read it go with it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        cascade: bool,
    },
    /// `rename_table from -> to`.
    RenameTable {
        /// The table's current name.
        from: String,
        /// Its new name.
        to: String,
    },
    /// `add_column name: Type [= default]` inside `alter_table`.
    AddColumn {
        /// The table the column is added to.
        table: String,
        /// The new column: name, type, nullability, default.
        column: Column,
    },
    /// `drop_column name` inside `alter_table`.
    DropColumn {
        /// The table the column belongs to.
        table: String,
        /// The name of the column to drop.
        column: String,
        /// `IF EXISTS`: a column that is not there is no error.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        if_exists: bool,
        /// `CASCADE`: the views that read the column and the other tables'
        /// foreign keys to a key that holds it go with it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        cascade: bool,
    },
    /// `rename_column from -> to` inside `alter_table`.
    RenameColumn {
        /// The table the column belongs to.
        table: String,
        /// The column's current name.
        from: String,
        /// Its new name.
        to: String,
    },
    /// `set_type name: Type [using "expr"]` inside `alter_table`.
    AlterColumnType {
        /// The table the column belongs to.
        table: String,
        /// The name of the column whose type changes.
        column: String,
        /// The column's new type.
        ty: ColumnType,
        /// SQL expression converting the old value, e.g. `"age::bigint"`.
        using: Option<String>,
    },
    /// `set_not_null name` inside `alter_table`.
    SetNotNull {
        /// The table the column belongs to.
        table: String,
        /// The name of the column made `NOT NULL`.
        column: String,
    },
    /// `drop_not_null name` inside `alter_table`.
    DropNotNull {
        /// The table the column belongs to.
        table: String,
        /// The name of the column made nullable.
        column: String,
    },
    /// `set_default name = value` inside `alter_table`.
    SetDefault {
        /// The table the column belongs to.
        table: String,
        /// The name of the column whose default is set.
        column: String,
        /// The new default.
        default: DefaultValue,
    },
    /// `drop_default name` inside `alter_table`.
    DropDefault {
        /// The table the column belongs to.
        table: String,
        /// The name of the column whose default is dropped.
        column: String,
    },
    /// `create_index [name] on table(columns) [unique] [where "…"] [concurrently]`.
    CreateIndex(Index),
    /// `drop_index name [concurrently]`.
    DropIndex {
        /// The name of the index to drop.
        name: String,
        /// Dropped with `DROP INDEX CONCURRENTLY` on PostgreSQL.
        concurrently: bool,
        /// `IF EXISTS`: an index that is not there is no error.
        if_exists: bool,
    },
    /// `add_constraint [name] unique(…) | check("…") | foreign_key(…) references …`.
    AddConstraint {
        /// The table the constraint is added to.
        table: String,
        /// The constraint: its name and kind.
        constraint: Constraint,
        /// Add it without blocking: a unique constraint is built from an index
        /// created concurrently, a check or foreign key is added `NOT VALID`
        /// and validated in a later transaction.
        online: bool,
    },
    /// `drop_constraint name` inside `alter_table`.
    DropConstraint {
        /// The table the constraint belongs to.
        table: String,
        /// The name of the constraint to drop.
        name: String,
    },
    /// `backfill table set col = value, … [where "…"] [batch N] [pause Nms]`.
    Backfill(Backfill),
    /// `ALTER TABLE … VALIDATE CONSTRAINT name` (raw SQL): checks the rows
    /// against a constraint added `NOT VALID`.
    ValidateConstraint {
        /// The table the constraint belongs to.
        table: String,
        /// The constraint's name.
        name: String,
    },
    /// `add_constraint [NAME] primary_key using index IDX` (or `unique`):
    /// a unique index built earlier, concurrently, becomes the table's
    /// primary key or a unique constraint without building anything.
    /// PostgreSQL renames the index to the constraint's name.
    AttachIndex {
        /// The table.
        table: String,
        /// The constraint's name (the index's, when none is written).
        name: String,
        /// The unique index it takes over.
        index: String,
        /// A primary key; else a unique constraint.
        primary_key: bool,
    },
    /// A raw SQL statement that changes no table the model replays
    /// (a function, a view, a trigger, a data change…), classified by what
    /// it does. The statement itself is in the step's [`RawSql`].
    Sql(RawStatement),
    /// The expand of an `online_change`: triggers that keep the new
    /// columns and the retired ones in step, whichever an app version
    /// writes. The retired columns become nullable, so that the new app
    /// version can insert without them.
    CreateSync(Sync),
    /// The catch-up of a sync with Rust functions.
    CatchUp(CatchUp),
    /// The contract of an `online_change` drops its sync first.
    DropSync {
        /// The table the sync is on.
        table: String,
        /// The sync's name.
        name: String,
    },
    /// The expand of an online table rename (`rename_table a -> b online`),
    /// right after the rename: a view under the old name over the renamed
    /// table, which the code still running reads and writes through.
    CreateCompatView {
        /// The view: the table's old name.
        view: String,
        /// The table: its new name.
        table: String,
    },
    /// The contract of an online table rename: drops that view.
    DropCompatView {
        /// The view: the table's old name.
        view: String,
        /// The table: its new name.
        table: String,
    },
    /// `create_enum name { a, b, … }`: an enum type with its values in order.
    CreateEnum {
        /// The type's name.
        name: String,
        /// Its values, in their sort order.
        values: Vec<String>,
    },
    /// `alter_enum name add_value "v" [before | after "w"]`.
    AddEnumValue {
        /// The enum type.
        name: String,
        /// The new value.
        value: String,
        /// Where it sorts: `Some((true, w))` before `w`, `Some((false, w))`
        /// after it, `None` last.
        position: Option<(bool, String)>,
    },
    /// `drop_enum name`.
    DropEnum {
        /// The enum type.
        name: String,
        /// `IF EXISTS`: a type that is not there is no error.
        if_exists: bool,
    },
    /// A deploy boundary: `run` stops after the steps before it and
    /// records the migration as expanded; `complete` runs the rest once the
    /// new code is deployed everywhere.
    DeployBoundary {
        /// What to deploy before the rest runs.
        note: String,
    },
}

/// Dual-write between two shapes of a table (see [`Op::CreateSync`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sync {
    /// The table.
    pub table: String,
    /// The name of its trigger (and, on PostgreSQL, of its function).
    pub name: String,
    /// The new shape: each column with the SQL expression that computes
    /// it from the retired columns (written by the old app version).
    pub added: Vec<SyncedColumn>,
    /// The old shape: each retired column with the SQL expression that
    /// computes it from the added columns (written by the new app version).
    pub retired: Vec<SyncedColumn>,
    /// The defaults the retired columns had, recorded by the replay when
    /// the sync is created: while it runs the columns have none (a default
    /// would hide which app wrote a row), and an insert that leaves both
    /// shapes empty gets them from the sync instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defaults: Vec<(String, DefaultValue)>,
    /// Rust functions that compute each side instead of SQL expressions
    /// (the columns' `expr` are then empty). A function cannot run in a
    /// trigger: the trigger logs which side each write changed, and the
    /// catch-up ([`Op::CatchUp`]) runs the functions on the logged rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functions: Option<SyncFunctions>,
}

/// The two Rust functions of a [`Sync`]: the new shape from the old one,
/// and back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncFunctions {
    /// Computes the added columns from the retired ones.
    pub forward: TransformSpec,
    /// Computes the retired columns from the added ones.
    pub back: TransformSpec,
}

/// Which shape of a [`Sync`] a write changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncSide {
    /// The retired columns (the old app version's).
    Old,
    /// The added columns (the new app version's).
    New,
}

impl SyncSide {
    /// How the change log spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncSide::Old => "old",
            SyncSide::New => "new",
        }
    }
}

/// The catch-up of a sync with Rust functions: runs them, in batches, on
/// the rows its change log lists, each with the function for the side
/// its last write changed; the log entries go in the same transaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatchUp {
    /// The table.
    pub table: String,
    /// The sync's name.
    pub sync: String,
    /// First log every row whose other side is still empty as a write of
    /// this side (the fill of a side just added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_from: Option<SyncSide>,
    /// Rows per batch, each batch its own transaction.
    pub batch_size: u32,
    /// Pause between batches, in milliseconds.
    pub pause_ms: u64,
}

/// One column of a [`Sync`] and how its value is computed from the other shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedColumn {
    /// The column.
    pub column: String,
    /// A SQL expression over the other shape's columns.
    pub expr: String,
}

impl Sync {
    /// Whether the sync reads or writes `column`.
    pub fn involves(&self, column: &str) -> bool {
        self.added.iter().chain(&self.retired).any(|c| c.column == column)
    }

    /// The batched backfill that computes one side (`self.added` forward,
    /// `self.retired` on the way back) from the other, on the rows where
    /// any of its columns is still NULL.
    pub fn fill(&self, side: &[SyncedColumn], batch_size: u32, pause_ms: u64) -> Backfill {
        let unfilled: Vec<String> =
            side.iter().map(|c| format!("{} IS NULL", crate::dialect::ident(&c.column))).collect();
        Backfill {
            table: self.table.clone(),
            assignments: side
                .iter()
                .map(|c| Assignment { column: c.column.clone(), value: DefaultValue::Sql(c.expr.clone()) })
                .collect(),
            predicate: Some(unfilled.join(" OR ")),
            batch_size,
            pause_ms,
            transform: None,
            catch_up: None,
            delete: false,
            copy_into: None,
        }
    }

    /// The change log's table: the keys of the rows written since the
    /// sync began, and which side each write changed.
    pub fn log_table(&self) -> String {
        format!("{}_changes", self.name)
    }

    /// The catch-up as a data step the runner runs in batches, over
    /// `table` as it is when the step runs (both sides there).
    pub fn catch_up(&self, step: &CatchUp, table: &Table) -> Backfill {
        let typed = |c: &String| table.column(c).map(|col| (c.clone(), col.ty.clone()));
        let key = table.primary_key().unwrap_or_default().iter().filter_map(typed).collect();
        let types = self.retired.iter().chain(&self.added).filter_map(|c| typed(&c.column)).collect();
        Backfill {
            table: self.table.clone(),
            assignments: Vec::new(),
            predicate: None,
            batch_size: step.batch_size,
            pause_ms: step.pause_ms,
            transform: None,
            catch_up: Some(Box::new(CatchUpRun { sync: self.clone(), fill_from: step.fill_from, key, types })),
            delete: false,
            copy_into: None,
        }
    }
}

/// What a raw statement outside the replayed model does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawStatement {
    /// What it is, in SQL words: `CREATE FUNCTION`, `UPDATE`, `COMMENT`, …
    pub kind: String,
    /// How the rules, the runner and the plan treat it.
    pub class: RawClass,
    /// The table it changes or attaches to, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The statement that undoes it, when that can be derived
    /// (`DROP VIEW v` for `CREATE VIEW v …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverse: Option<String>,
    /// The session setting it changes, for `SET` and `RESET`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<SessionSetting>,
    /// The view, trigger or function it creates or drops, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// For a view, trigger or function it creates: the statement, whose
    /// words tell which columns the object uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// For an `INSERT … SELECT` that copies every row of one table (no
    /// filter, join or grouping): that table. A table rebuild copies so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copied_from: Option<String>,
}

/// A session setting changed by raw SQL: `SET [LOCAL] name = value`,
/// `SET TIME ZONE value`, `RESET name`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSetting {
    /// The setting's name, lower case (`timezone` for `SET TIME ZONE`).
    pub name: String,
    /// The value as written; `None` for `RESET` and `DEFAULT` (the
    /// server's value, not known here).
    pub value: Option<String>,
    /// `SET LOCAL`: only until the end of the transaction.
    pub local: bool,
}

impl SessionSetting {
    /// Whether it sets the time zone.
    pub fn is_time_zone(&self) -> bool {
        self.name == "timezone"
    }
}

/// The classes of raw statement outside the replayed model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RawClass {
    /// Creates, replaces, alters or drops an object that holds no rows
    /// (function, view, trigger, type, extension, sequence, schema,
    /// comment, grant): a brief lock, no rows read or changed.
    Object,
    /// Changes rows of [`RawStatement::table`] in one statement (`UPDATE`,
    /// `DELETE`, `INSERT … SELECT`, `MERGE`, `TRUNCATE`).
    Data,
    /// Inserts the rows it lists (`INSERT … VALUES`).
    InsertValues,
    /// Reads, or sets the session (`SELECT`, `SET`, `ANALYZE`).
    Session,
    /// Controls the transaction schemaflow owns (`BEGIN`, `COMMIT`,
    /// `ROLLBACK`, `SAVEPOINT`…): rule SF023.
    TransactionControl,
    /// Must run outside a transaction (`VACUUM`, `REINDEX … CONCURRENTLY`).
    Outside,
    /// Read, but its effect on tables is not modelled (`ALTER TABLE … SET
    /// UNLOGGED`, `CLUSTER`, `LOCK`, a `DO` block…): rule SF035.
    Unanalysed,
    /// The parser could not read it (the reason): rule SF034.
    Unreadable(String),
}

/// A table as created, and as the replayed schema knows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// Primary key, unique, check and foreign key constraints.
    pub constraints: Vec<Constraint>,
    /// `CREATE TABLE IF NOT EXISTS` (raw SQL): nothing happens when a
    /// table of this name exists. Never set in a replayed schema.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub if_not_exists: bool,
}

/// Whether a check's SQL is `column IS NOT NULL` (any case, quotes or
/// parentheses).
pub fn is_not_null_check(expr: &str, column: &str) -> bool {
    let normal: String = expr
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '"'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    normal == format!("{} is not null", column.to_ascii_lowercase())
}

impl Table {
    /// Whether `column` is known to hold no NULL: it is NOT NULL, or a
    /// validated `CHECK (column IS NOT NULL)` proves it (PostgreSQL 12+ then
    /// sets NOT NULL without scanning the table).
    pub fn proves_not_null(&self, column: &str) -> bool {
        self.column(column).is_some_and(|c| !c.nullable)
            || self.constraints.iter().any(|k| {
                !k.not_valid && matches!(&k.kind, ConstraintKind::Check { expr } if is_not_null_check(expr, column))
            })
    }

    /// The column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column called `name`, mutably.
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// The primary key's columns, if the table has one.
    pub fn primary_key(&self) -> Option<&[String]> {
        self.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns } => Some(columns.as_slice()),
            _ => None,
        })
    }

    /// The constraint called `name`, if any.
    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.name == name)
    }
}

/// A column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Its type.
    pub ty: ColumnType,
    /// `Option<T>` in the DSL.
    pub nullable: bool,
    /// Its default, if any.
    pub default: Option<DefaultValue>,
    /// Values are generated by the database (`identity`: `GENERATED BY DEFAULT
    /// AS IDENTITY` on PostgreSQL, the rowid alias on SQLite).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub identity: bool,
    /// The column's value is computed from the others (`GENERATED ALWAYS
    /// AS (expr)`): no default, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
}

/// How a generated column is computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The SQL expression over the row's other columns.
    pub expr: String,
    /// `STORED` (computed on write, kept in the table) or `VIRTUAL`
    /// (computed on read: SQLite, PostgreSQL 18+).
    pub stored: bool,
}

/// The column types the DSL knows, named as in Rust.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ColumnType {
    /// `bool`
    Bool,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `Decimal<P, S>`: `precision` digits in all, `scale` of them after the point.
    Decimal {
        /// Total number of significant digits.
        precision: u32,
        /// Number of digits after the decimal point.
        scale: u32,
    },
    /// `String` (unbounded text).
    Text,
    /// `Varchar<N>`: text of at most `N` characters.
    Varchar(u32),
    /// `Vec<u8>`
    Bytes,
    /// `Date`
    Date,
    /// `Time`
    Time,
    /// `Timestamp` (without time zone).
    Timestamp,
    /// `TimestampTz`
    TimestampTz,
    /// `Uuid`
    Uuid,
    /// `Json` (`jsonb` on PostgreSQL).
    Json,
    /// `Citext`: text compared without regard to case (PostgreSQL's
    /// `citext` extension; `TEXT COLLATE NOCASE` on SQLite).
    Citext,
    /// `Vec<T>`: an array of `T` (PostgreSQL only).
    Array(Box<ColumnType>),
    /// `Enum<name>`: one of the values of an enum declared with
    /// `create_enum` (a PostgreSQL enum type; on SQLite text checked
    /// against the values).
    Enum(String),
    /// A type the DSL has no name for, as raw SQL wrote it, lowercased
    /// (`text[]`, `citext`, `inet`, `numeric`): passed to the database as it is.
    Sql(String),
}

impl ColumnType {
    /// Whether the type is one of the integer types.
    pub fn is_integer(&self) -> bool {
        matches!(self, ColumnType::I16 | ColumnType::I32 | ColumnType::I64)
    }

    /// Whether the type holds text.
    pub fn is_text(&self) -> bool {
        matches!(self, ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Citext)
    }

    /// The enum type this column type names, itself or as an array's
    /// element.
    pub fn enum_name(&self) -> Option<&str> {
        match self {
            ColumnType::Enum(name) => Some(name),
            ColumnType::Array(inner) => inner.enum_name(),
            _ => None,
        }
    }
}

impl std::fmt::Display for ColumnType {
    /// The type as written in the DSL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnType::Bool => f.write_str("bool"),
            ColumnType::I16 => f.write_str("i16"),
            ColumnType::I32 => f.write_str("i32"),
            ColumnType::I64 => f.write_str("i64"),
            ColumnType::F32 => f.write_str("f32"),
            ColumnType::F64 => f.write_str("f64"),
            ColumnType::Decimal { precision, scale } => write!(f, "Decimal<{precision}, {scale}>"),
            ColumnType::Text => f.write_str("String"),
            ColumnType::Varchar(n) => write!(f, "Varchar<{n}>"),
            ColumnType::Bytes => f.write_str("Vec<u8>"),
            ColumnType::Date => f.write_str("Date"),
            ColumnType::Time => f.write_str("Time"),
            ColumnType::Timestamp => f.write_str("Timestamp"),
            ColumnType::TimestampTz => f.write_str("TimestampTz"),
            ColumnType::Uuid => f.write_str("Uuid"),
            ColumnType::Json => f.write_str("Json"),
            ColumnType::Citext => f.write_str("Citext"),
            ColumnType::Array(inner) => write!(f, "Vec<{inner}>"),
            ColumnType::Enum(name) => write!(f, "Enum<{name}>"),
            ColumnType::Sql(sql) => write!(f, "sql({sql:?})"),
        }
    }
}

/// A column default or a value in a data step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DefaultValue {
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal, kept as written (sign included).
    Int(String),
    /// A decimal or float literal, kept as written so no precision is lost.
    Float(String),
    /// A string literal.
    Text(String),
    /// A known SQL function, e.g. `now()`.
    Function(DefaultFunction),
    /// `sql("…")`: an SQL expression the model does not interpret.
    Sql(String),
}

/// Functions the DSL accepts as defaults, with the volatility PostgreSQL gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DefaultFunction {
    /// `now()`: the transaction's start time (stable).
    Now,
    /// `current_date()`: the transaction's date (stable).
    CurrentDate,
    /// `gen_random_uuid()`: a random UUID v4 (volatile).
    GenRandomUuid,
    /// `random()`: a random `f64` in [0, 1) (volatile).
    Random,
    /// `clock_timestamp()`: the wall-clock time at each call (volatile).
    ClockTimestamp,
}

impl DefaultFunction {
    /// Every function, for lookups and help texts.
    pub const ALL: [DefaultFunction; 5] = [
        DefaultFunction::Now,
        DefaultFunction::CurrentDate,
        DefaultFunction::GenRandomUuid,
        DefaultFunction::Random,
        DefaultFunction::ClockTimestamp,
    ];

    /// The name as written in the DSL, without the parentheses.
    pub fn name(self) -> &'static str {
        match self {
            DefaultFunction::Now => "now",
            DefaultFunction::CurrentDate => "current_date",
            DefaultFunction::GenRandomUuid => "gen_random_uuid",
            DefaultFunction::Random => "random",
            DefaultFunction::ClockTimestamp => "clock_timestamp",
        }
    }

    /// The function called `name`, if the DSL knows it.
    pub fn from_name(name: &str) -> Option<DefaultFunction> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether each call can return a different value within one statement,
    /// which makes `ADD COLUMN … DEFAULT` rewrite the table on PostgreSQL.
    pub fn is_volatile(self) -> bool {
        matches!(self, DefaultFunction::GenRandomUuid | DefaultFunction::Random | DefaultFunction::ClockTimestamp)
    }

    /// The column types the function's result fits.
    pub fn fits(self, ty: &ColumnType) -> bool {
        match self {
            DefaultFunction::Now | DefaultFunction::ClockTimestamp => {
                matches!(ty, ColumnType::Timestamp | ColumnType::TimestampTz)
            }
            DefaultFunction::CurrentDate => *ty == ColumnType::Date,
            DefaultFunction::GenRandomUuid => *ty == ColumnType::Uuid,
            DefaultFunction::Random => matches!(ty, ColumnType::F32 | ColumnType::F64),
        }
    }
}

impl DefaultValue {
    /// Whether the value may differ per row (a volatile function, or SQL the
    /// model cannot see into, which counts as volatile).
    pub fn is_volatile(&self) -> bool {
        match self {
            DefaultValue::Function(f) => f.is_volatile(),
            DefaultValue::Sql(_) => true,
            _ => false,
        }
    }
}

impl std::fmt::Display for DefaultValue {
    /// The value as written in the DSL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DefaultValue::Bool(b) => write!(f, "{b}"),
            DefaultValue::Int(s) | DefaultValue::Float(s) => f.write_str(s),
            DefaultValue::Text(s) => write!(f, "{s:?}"),
            DefaultValue::Function(func) => write!(f, "{}()", func.name()),
            DefaultValue::Sql(s) => write!(f, "sql({s:?})"),
        }
    }
}

/// An index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// Index name (unique in the schema).
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// Indexed columns, in order.
    pub columns: Vec<String>,
    /// `unique`.
    pub unique: bool,
    /// Partial index predicate (`where "…"`), as SQL.
    pub predicate: Option<String>,
    /// The index's key as raw SQL wrote it, when it is more than a list of
    /// columns (`USING gin (lower(name) gin_trgm_ops)`); `columns` then
    /// names the columns it uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Built with `CREATE INDEX CONCURRENTLY` on PostgreSQL.
    pub concurrently: bool,
    /// `CREATE INDEX IF NOT EXISTS` (raw SQL): nothing happens when an
    /// index of this name exists. Never set in a replayed schema.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub if_not_exists: bool,
}

/// A named table constraint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    /// Constraint name.
    pub name: String,
    /// What it constrains.
    pub kind: ConstraintKind,
    /// Added `NOT VALID` and not validated yet: new rows are checked, the
    /// rows that were there are not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_valid: bool,
}

impl Constraint {
    /// A validated constraint.
    pub fn new(name: impl Into<String>, kind: ConstraintKind) -> Constraint {
        Constraint { name: name.into(), kind, not_valid: false }
    }
}

/// The kinds of table constraint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConstraintKind {
    /// `primary_key(a, b)` or a column's `primary_key`.
    PrimaryKey {
        /// The key's columns, in order.
        columns: Vec<String>,
    },
    /// `unique(a, b)` or a column's `unique`.
    Unique {
        /// The columns whose values, together, must be unique.
        columns: Vec<String>,
    },
    /// `check("sql")`.
    Check {
        /// The SQL boolean expression every row must satisfy.
        expr: String,
    },
    /// `foreign_key(a) references table(b)` or a column's `references table(b)`.
    ForeignKey {
        /// The referencing columns of this table, in order.
        columns: Vec<String>,
        /// The referenced table.
        ref_table: String,
        /// The referenced columns, matched to `columns` by position.
        ref_columns: Vec<String>,
        /// What happens to referencing rows when the referenced row is deleted.
        on_delete: FkAction,
        /// What happens to referencing rows when the referenced key is updated.
        on_update: FkAction,
    },
}

impl ConstraintKind {
    /// The table columns the constraint names (none for a check).
    pub fn columns(&self) -> &[String] {
        match self {
            ConstraintKind::PrimaryKey { columns }
            | ConstraintKind::Unique { columns }
            | ConstraintKind::ForeignKey { columns, .. } => columns,
            ConstraintKind::Check { .. } => &[],
        }
    }

    /// A short word for messages: `primary key`, `unique`, `check`, `foreign key`.
    pub fn describe(&self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey { .. } => "primary key",
            ConstraintKind::Unique { .. } => "unique constraint",
            ConstraintKind::Check { .. } => "check constraint",
            ConstraintKind::ForeignKey { .. } => "foreign key",
        }
    }
}

/// What a foreign key does when the referenced row is deleted or updated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FkAction {
    /// `no_action` (the default).
    #[default]
    NoAction,
    /// `restrict`
    Restrict,
    /// `cascade`
    Cascade,
    /// `set_null`
    SetNull,
    /// `set_default`
    SetDefault,
}

impl FkAction {
    /// Every action, for lookups and help texts.
    pub const ALL: [FkAction; 5] =
        [FkAction::NoAction, FkAction::Restrict, FkAction::Cascade, FkAction::SetNull, FkAction::SetDefault];

    /// The DSL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            FkAction::NoAction => "no_action",
            FkAction::Restrict => "restrict",
            FkAction::Cascade => "cascade",
            FkAction::SetNull => "set_null",
            FkAction::SetDefault => "set_default",
        }
    }

    /// The SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A data step: rows of a table changed in batches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backfill {
    /// The table whose rows change.
    pub table: String,
    /// `column = value` assignments.
    pub assignments: Vec<Assignment>,
    /// Only rows matching this SQL predicate change.
    pub predicate: Option<String>,
    /// Rows per batch, each batch its own transaction.
    pub batch_size: u32,
    /// Pause between batches, in milliseconds.
    pub pause_ms: u64,
    /// A Rust function computing new values from each row, instead of
    /// (or besides) SQL assignments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<TransformSpec>,
    /// Set for the catch-up of a sync with Rust functions ([`Op::CatchUp`]
    /// as the runner sees it): the rows come from the sync's change log,
    /// not from a range of keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catch_up: Option<Box<CatchUpRun>>,
    /// `delete_rows`: the batches delete the rows matching the predicate
    /// instead of changing them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
    /// `copy_rows`: the batches insert into this table, one row per source
    /// row in the range, its columns the assignments' (each value an SQL
    /// expression over the source row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_into: Option<String>,
}

/// What the runner needs to catch a sync up: its definition, and whether
/// to log the rows of an empty side first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatchUpRun {
    /// The sync, as the replay recorded it.
    pub sync: Sync,
    /// See [`CatchUp::fill_from`].
    pub fill_from: Option<SyncSide>,
    /// The table's primary key columns, with their types.
    pub key: Vec<(String, ColumnType)>,
    /// The types of the sync's columns (both sides), by name.
    pub types: Vec<(String, ColumnType)>,
}

/// `with path::to::function(input, …) -> (output, …)` in a backfill: the
/// function gets each row's input columns as typed Rust values and returns
/// the new values of the output columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformSpec {
    /// The function's path, as written (`crate::names::split_name`).
    pub function: String,
    /// The columns passed to it, in order.
    pub inputs: Vec<String>,
    /// The columns it returns, in order.
    pub outputs: Vec<String>,
}

impl Backfill {
    /// The table whose rows the step writes: the source's own, or the
    /// table `copy_rows` copies into.
    pub fn written_table(&self) -> &str {
        self.copy_into.as_deref().unwrap_or(&self.table)
    }

    /// The DSL keyword of the step: `backfill`, `delete_rows` or `copy_rows`.
    pub fn keyword_of(&self) -> &'static str {
        match (self.delete, &self.copy_into) {
            (true, _) => "delete_rows",
            (false, Some(_)) => "copy_rows",
            (false, None) => "backfill",
        }
    }

    /// Every column the step writes (of [`Backfill::written_table`]).
    pub fn written_columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.assignments.iter().map(|a| a.column.as_str()).collect();
        if let Some(t) = &self.transform {
            out.extend(t.outputs.iter().map(String::as_str));
        }
        out
    }
}

/// Default rows per backfill batch.
pub const DEFAULT_BATCH_SIZE: u32 = 1000;

/// One `column = value` of a backfill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// The column set.
    pub column: String,
    /// Its new value: a literal or `sql("…")`.
    pub value: DefaultValue,
}

impl Op {
    /// The table and the constraints a `create_table` or `add_constraint`
    /// declares; `None` for the other operations.
    pub fn declared_constraints(&self) -> Option<(&str, &[Constraint])> {
        match self {
            Op::CreateTable(t) => Some((&t.name, &t.constraints)),
            Op::AddConstraint { table, constraint, .. } => Some((table, std::slice::from_ref(constraint))),
            _ => None,
        }
    }

    /// The DSL keyword that starts this operation.
    pub fn keyword(&self) -> &'static str {
        match self {
            Op::CreateTable(_) => "create_table",
            Op::DropTable { .. } => "drop_table",
            Op::RenameTable { .. } => "rename_table",
            Op::AddColumn { .. } => "add_column",
            Op::DropColumn { .. } => "drop_column",
            Op::RenameColumn { .. } => "rename_column",
            Op::AlterColumnType { .. } => "set_type",
            Op::SetNotNull { .. } => "set_not_null",
            Op::DropNotNull { .. } => "drop_not_null",
            Op::SetDefault { .. } => "set_default",
            Op::DropDefault { .. } => "drop_default",
            Op::CreateIndex(_) => "create_index",
            Op::DropIndex { .. } => "drop_index",
            Op::AddConstraint { .. } => "add_constraint",
            Op::DropConstraint { .. } => "drop_constraint",
            Op::ValidateConstraint { .. } => "validate_constraint",
            Op::AttachIndex { .. } => "add_constraint",
            Op::Backfill(b) => b.keyword_of(),
            Op::Sql { .. } => "sql",
            Op::CreateSync(_) | Op::CatchUp(_) => "online_change",
            Op::DropSync { .. } => "online_change",
            Op::CreateCompatView { .. } | Op::DropCompatView { .. } => "rename_table",
            Op::DeployBoundary { .. } => "online_change",
            Op::CreateEnum { .. } => "create_enum",
            Op::AddEnumValue { .. } => "alter_enum",
            Op::DropEnum { .. } => "drop_enum",
        }
    }

    /// The table the operation works on, when it works on one.
    pub fn table(&self) -> Option<&str> {
        match self {
            Op::CreateTable(t) => Some(&t.name),
            Op::DropTable { table, .. }
            | Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumnType { table, .. }
            | Op::SetNotNull { table, .. }
            | Op::DropNotNull { table, .. }
            | Op::SetDefault { table, .. }
            | Op::DropDefault { table, .. }
            | Op::AddConstraint { table, .. }
            | Op::DropConstraint { table, .. }
            | Op::ValidateConstraint { table, .. }
            | Op::AttachIndex { table, .. } => Some(table),
            Op::RenameTable { from, .. } => Some(from),
            Op::CreateIndex(i) => Some(&i.table),
            Op::Backfill(b) => Some(&b.table),
            Op::Sql(s) => s.table.as_deref(),
            Op::CreateSync(sync) => Some(&sync.table),
            Op::CatchUp(c) => Some(&c.table),
            Op::DropSync { table, .. } => Some(table),
            Op::CreateCompatView { table, .. } | Op::DropCompatView { table, .. } => Some(table),
            Op::DropIndex { .. }
            | Op::DeployBoundary { .. }
            | Op::CreateEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::DropEnum { .. } => None,
        }
    }
}

impl Step {
    /// Whether this step keeps `table`'s old name as a view for the code
    /// still running: it follows the rename of an online table rename.
    pub fn keeps_old_name_of(&self, table: &str) -> bool {
        matches!(&self.op, Op::CreateCompatView { view, .. } if view == table)
    }

    /// A step with no acknowledged rules.
    pub fn new(op: Op) -> Step {
        Step { op, allows: Vec::new(), raw: None }
    }

    /// Whether the step was written as raw SQL.
    pub fn is_raw(&self) -> bool {
        self.raw.is_some()
    }
}

/// Generated names, following PostgreSQL's own conventions so that the names
/// schemaflow picks are the ones a DBA expects (`users_email_key`, …).
pub mod naming {
    /// `{table}_{columns}_idx`.
    pub fn index(table: &str, columns: &[String]) -> String {
        format!("{table}_{}_idx", columns.join("_"))
    }
    /// `{table}_pkey`.
    pub fn primary_key(table: &str) -> String {
        format!("{table}_pkey")
    }
    /// `{table}_{columns}_key`.
    pub fn unique(table: &str, columns: &[String]) -> String {
        format!("{table}_{}_key", columns.join("_"))
    }
    /// `{table}_{columns}_fkey`.
    pub fn foreign_key(table: &str, columns: &[String]) -> String {
        format!("{table}_{}_fkey", columns.join("_"))
    }
    /// `{table}_{column}_check`, or `{table}_check{n}` for a table-level check.
    pub fn check(table: &str, column: Option<&str>, ordinal: usize) -> String {
        match column {
            Some(c) => format!("{table}_{c}_check"),
            None if ordinal == 0 => format!("{table}_check"),
            None => format!("{table}_check{ordinal}"),
        }
    }
}

impl Migration {
    /// Rebuilds a migration from the JSON that `migration!` embeds. The text
    /// comes from the macro itself, so failure is a bug in schemaflow.
    pub fn from_embedded(json: &str) -> Migration {
        match serde_json::from_str(json) {
            Ok(m) => m,
            Err(e) => panic!("schemaflow: an embedded migration does not decode ({e}); rebuild the crate"),
        }
    }

    /// The SHA-256 of what the migration does: its operations (for raw SQL,
    /// the statements as written) and its way back, in the model's
    /// canonical encoding. Formatting of the DSL, and the wording of
    /// acknowledgement and irreversibility reasons, do not change it.
    pub fn checksum(&self) -> String {
        use sha2::Digest;
        fn ops(steps: &[Step]) -> Vec<serde_json::Value> {
            steps.iter().map(canonical_step).collect()
        }
        fn canonical_step(step: &Step) -> serde_json::Value {
            match &step.raw {
                None => serde_json::json!(step.op),
                Some(raw) => {
                    let undo = match &raw.undo {
                        Undo::Derived => serde_json::json!("derived"),
                        Undo::WithLiteral => serde_json::json!("with-literal"),
                        Undo::Written(steps) => serde_json::json!({ "written": ops(steps) }),
                        Undo::Irreversible(_) => serde_json::json!("irreversible"),
                    };
                    serde_json::json!({ "raw": raw.sql, "undo": undo })
                }
            }
        }
        let down = match &self.down {
            Down::Derived => serde_json::json!("derived"),
            Down::Explicit(steps) => serde_json::json!({ "explicit": ops(steps) }),
            Down::Irreversible(_) => serde_json::json!("irreversible"),
        };
        let canonical = serde_json::json!({ "ops": ops(&self.steps), "down": down });
        let digest = sha2::Sha256::digest(canonical.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `YYYYMMDDHHMM_name`, as in the file name.
    pub fn id(&self) -> String {
        format!("{}_{}", self.version, self.name)
    }
}
