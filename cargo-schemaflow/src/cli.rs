//! The command line, following cargo's conventions (`-p`, `--manifest-path`,
//! `-q`, `-v`, `--color`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `cargo schemaflow`: cargo invokes `cargo-schemaflow schemaflow …`.
#[derive(Parser, Debug)]
#[command(name = "cargo", bin_name = "cargo")]
pub enum Cargo {
    /// Create, apply, roll back and inspect schemaflow migrations.
    Schemaflow(Cli),
}

/// Create, apply, roll back and inspect schemaflow migrations.
#[derive(Args, Debug)]
#[command(version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The package whose migrations to use (when the workspace has several).
    #[arg(short, long, global = true, value_name = "SPEC")]
    pub package: Option<String>,
    /// Path to Cargo.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more (the cargo build output).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Colour: auto, always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,
}

/// Which database a command works on (every command but `new`).
#[derive(Args, Debug, Clone)]
pub struct Database {
    /// The database: `sqlite://path.db` or `postgres://user@host/db`. Default:
    /// `DATABASE_URL` from the environment or a `.env` file, else
    /// `sqlite://schemaflow.db` in the package's directory.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// PostgreSQL: the schema to migrate; the bookkeeping table lives there too.
    #[arg(long, value_name = "NAME", default_value = "public")]
    pub schema: String,
}

/// When to colour the output.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// The forms `new --template` starts from.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// A new column filled in keyset batches, resumable; made required later.
    Backfill,
    /// Changes to a large, busy table that hold their locks briefly: an
    /// index built concurrently, a constraint added NOT VALID and validated.
    Online,
    /// Raw SQL, checked like the DSL, with its way back.
    Sql,
}

/// Output format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a new migration file, `migrations/YYYYMMDDHHMM_<description>.rs`.
    New {
        /// What the migration does, in snake_case (e.g. `add_user_verified`).
        description: String,
        /// Start from a worked form instead of an empty migration.
        #[arg(long, value_enum, value_name = "KIND")]
        template: Option<Template>,
        /// The table the template works on (default: `my_table`, to be replaced).
        #[arg(long, value_name = "NAME", requires = "template")]
        table: Option<String>,
        /// The column the template works on (default: `my_column`, to be replaced).
        #[arg(long, value_name = "NAME", requires = "template")]
        column: Option<String>,
    },
    /// Apply the pending migrations, in version order.
    Run {
        /// Print the SQL each pending migration would run, with its
        /// transactions, locks and table rebuilds; touch nothing.
        #[arg(long)]
        dry_run: bool,
        /// Stop after this version (YYYYMMDDHHMM).
        #[arg(long, value_name = "VERSION")]
        to: Option<u64>,
        /// Back the database up before the first pending migration runs
        /// (SQLite: online backup beside the file; PostgreSQL: pg_dump into
        /// the current directory); the path is printed and recorded.
        #[arg(long)]
        backup: bool,
        /// Write that backup to this file instead (implies --backup).
        #[arg(long, value_name = "FILE")]
        backup_to: Option<String>,
        #[command(flatten)]
        db: Database,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Show applied, pending, changed and unknown migrations, and drift.
    Status {
        /// Exit with 1 unless everything is applied and the schema matches.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        db: Database,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Test every migration on a scratch database: up, down, up, with
    /// generated rows, checking the schema and the data at each step.
    Test {
        /// Rows generated per table.
        #[arg(long, default_value_t = 2000)]
        rows: u64,
        /// Seed of the generated values.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Fail when a migration takes longer than this one way (e.g. `5s`, `500ms`).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_ms)]
        max_duration: Option<u64>,
        /// Also write the results as JUnit XML, one test case per migration.
        #[arg(long, value_name = "FILE")]
        junit: Option<String>,
        /// Test on a copy of this database (e.g. staging) instead of generated
        /// rows; the source is only read.
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        #[command(flatten)]
        db: Database,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Write the migration plan of the pending migrations (or of a range).
    Plan {
        /// First version of the range (YYYYMMDDHHMM).
        #[arg(long, value_name = "VERSION")]
        from: Option<u64>,
        /// Last version of the range.
        #[arg(long, value_name = "VERSION")]
        to: Option<u64>,
        /// Write the plan to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<String>,
        /// The database whose locks the plan describes (default: the URL's).
        #[arg(long = "for", value_name = "DATABASE", value_parser = ["postgres", "sqlite"])]
        dialect: Option<String>,
        #[command(flatten)]
        db: Database,
        /// Output format: Markdown for people, JSON for tools.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Adopt an existing database: write its schema as a baseline
    /// migration and record it as applied there.
    Init {
        /// The database to adopt: `sqlite://path.db` or `postgres://user@host/db`.
        #[arg(long, value_name = "URL")]
        from: String,
        /// PostgreSQL: the schema to adopt (the bookkeeping table goes there too).
        #[arg(long, value_name = "NAME", default_value = "public")]
        schema: String,
    },
    /// Convert a sqlx, diesel or refinery migrations directory into
    /// migration files, and report which ones the rules reject and why.
    Import {
        /// The directory the other tool's migrations are in.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Report what would be written, and the verdicts; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Record migrations as applied without running them, for a database
    /// already at those versions; refused when its schema differs.
    MarkApplied {
        /// The versions (YYYYMMDDHHMM).
        #[arg(required = true, value_name = "VERSION")]
        versions: Vec<u64>,
        /// Record them even when the database's schema differs from what they produce.
        #[arg(long)]
        accept_drift: bool,
        #[command(flatten)]
        db: Database,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Finish the online change waiting at its deploy boundary: run its
    /// contract once the new code is deployed everywhere (or finish a
    /// rollback that stopped at one).
    Complete {
        #[command(flatten)]
        db: Database,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Write a backup of the database and record it, so that `plan` ticks
    /// "backup taken" (SQLite: online backup; PostgreSQL: pg_dump).
    Backup {
        /// The file (default: beside a SQLite database; for PostgreSQL,
        /// `<database>.<time>.dump` in the current directory).
        #[arg(long, value_name = "FILE")]
        to: Option<String>,
        #[command(flatten)]
        db: Database,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Roll back the last migration, or more.
    Rollback {
        /// How many migrations to roll back.
        #[arg(long, value_name = "N", conflicts_with = "to")]
        steps: Option<usize>,
        /// Roll back every migration after this version (0: all of them).
        #[arg(long, value_name = "VERSION")]
        to: Option<u64>,
        #[command(flatten)]
        db: Database,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// `500ms`, `5s` or `2min`, in milliseconds.
fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| format!("`{text}` is not a duration such as 5s or 500ms"))?;
    match unit {
        "ms" => Ok(n),
        "s" | "" => Ok(n * 1000),
        "min" => Ok(n * 60_000),
        _ => Err(format!("`{text}`: use ms, s or min")),
    }
}
