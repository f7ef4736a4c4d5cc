//! Where in a migration a diagnostic points: a step, and a part of it.
//!
//! The model carries no spans; the DSL parser records a span for each
//! [`Location`] it reads, and the macro maps diagnostics back to tokens.

/// The forward steps or the `down { … }` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// The migration's forward steps.
    Up,
    /// The steps of a `down { … }` block.
    Down,
}

/// One part of one step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Forward steps or down block.
    pub section: Section,
    /// Index of the step in its section.
    pub step: usize,
    /// The part of the step.
    pub part: Part,
}

impl Location {
    /// A part of a forward step.
    pub fn up(step: usize, part: Part) -> Location {
        Location { section: Section::Up, step, part }
    }

    /// The same step, pointing at its keyword.
    pub fn op(&self) -> Location {
        Location { part: Part::Op, ..self.clone() }
    }
}

/// The parts of a step a diagnostic can point at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The operation's keyword (`add_column`, `create_index`, …).
    Op,
    /// The table the step works on.
    Table,
    /// The name the step gives (an index or constraint name).
    Name,
    /// The new name of a rename.
    NewName,
    /// A column's name.
    Column(String),
    /// A column's type.
    ColumnType(String),
    /// A column's default, or the value assigned to it by a data step.
    Default(String),
    /// The referenced table of a foreign key.
    RefTable,
    /// A modifier keyword such as `concurrently` or `batch`.
    Modifier(&'static str),
    /// The SQL text of a raw `sql` step.
    Sql,
    /// The n-th `#[allow(…)]` on the step.
    Allow(usize),
}
