//! The program `cargo schemaflow` builds around a crate's migrations: it
//! reads the request the CLI writes on its standard input, runs it
//! against the database with the embedded migrations, and prints the
//! result for people or, with `--format json`, for machines.
//!
//! Exit codes: 0 success; 1 a migration failed, the history is unsound, or
//! `status --check` found something not up to date; 2 the request or the
//! database URL is unusable; 130 stopped by Ctrl-C after a committed batch
//! (the next run resumes).

use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::database_url::{DatabaseUrl, redact};
use crate::dialect::{Dialect, Options};
use crate::model::Migration;
use crate::runner::{self, Backend, Event, RollbackTarget, RunError, State, Status};

/// The harness's exit code when the CLI that started it went away.
pub const EXIT_PARENT_GONE: i32 = 129;

/// What the CLI asks the harness to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The command.
    pub command: Command,
    /// The database, as a URL.
    pub database_url: String,
    /// Human or JSON output.
    pub format: Format,
    /// Colour the output.
    pub color: bool,
    /// Print only errors.
    pub quiet: bool,
    /// Print more detail.
    pub verbose: bool,
    /// PostgreSQL: the schema to migrate (and to keep the bookkeeping in).
    #[serde(default = "default_schema")]
    pub schema: String,
    /// The lowest PostgreSQL major version the crate supports
    /// (`postgres_min_version` in `[package.metadata.schemaflow]`).
    #[serde(default)]
    pub postgres_min_version: Option<u32>,
    /// PostgreSQL `lock_timeout` in milliseconds (`lock_timeout_ms` in
    /// `[package.metadata.schemaflow]`).
    #[serde(default)]
    pub lock_timeout_ms: Option<u64>,
    /// PostgreSQL `statement_timeout` in milliseconds (`statement_timeout_ms`
    /// in `[package.metadata.schemaflow]`).
    #[serde(default)]
    pub statement_timeout_ms: Option<u64>,
    /// The databases the crate's migrations are checked for (`databases`
    /// in `[package.metadata.schemaflow]`): `sqlite`, `postgres`; empty for
    /// both.
    #[serde(default)]
    pub databases: Vec<String>,
    /// Whose history to read and record in the database: the crate's name,
    /// or `namespace` in `[package.metadata.schemaflow]`.
    #[serde(default)]
    pub namespace: String,
}

fn default_schema() -> String {
    "public".to_owned()
}

/// The commands that touch the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Apply pending migrations, or print what would run.
    Run {
        /// The last version to apply (`YYYYMMDDHHMM`); `None`: every pending migration.
        to: Option<u64>,
        /// Print the SQL the pending migrations would run, without touching the database.
        dry_run: bool,
        /// Write a backup of the database before the first pending
        /// migration runs: to this path, or, when empty, to
        /// [`runner::backup::default_path`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backup: Option<String>,
    },
    /// Roll back applied migrations.
    Rollback {
        /// How many of the newest applied migrations to roll back (1 when neither this nor `to` is given).
        steps: Option<usize>,
        /// Roll back every applied migration newer than this version (`0`: all); overrides `steps`.
        to: Option<u64>,
    },
    /// Applied, pending, changed, unknown migrations and drift.
    Status {
        /// Exit with 1 unless everything is applied, unchanged and without drift.
        check: bool,
    },
    /// The migration plan of the pending migrations, or of a range; the
    /// lock analysis is for `dialect` (`postgres` or `sqlite`), by default
    /// the database's.
    Plan {
        /// The first version of the range (`YYYYMMDDHHMM`), inclusive.
        from: Option<u64>,
        /// The last version of the range, inclusive.
        to: Option<u64>,
        /// The file to write the plan to; `None`: standard output.
        output: Option<String>,
        /// `postgres` or `sqlite`: the database the lock analysis is for; `None`: the URL's.
        dialect: Option<String>,
    },
    /// Record migrations as applied without running them.
    MarkApplied {
        /// The versions to record.
        versions: Vec<u64>,
        /// Record them even when the live schema differs from what they produce.
        accept_drift: bool,
    },
    /// Finish the migration waiting at a deploy boundary (an online
    /// change's contract, or the rest of a rollback that stopped there).
    Complete,
    /// Write a backup of the database and record it.
    Backup {
        /// The file; empty: [`runner::backup::default_path`].
        path: String,
    },
    /// Read the live schema and write it as a baseline migration (printed,
    /// as JSON: `source`, `problems`, `histories`).
    Adopt,
    /// Up, down and up again on a scratch database with generated rows.
    Test {
        /// Rows generated per table.
        rows: u64,
        /// Seed of the generated values.
        seed: u64,
        /// A migration taking longer than this one way, in milliseconds, fails the test.
        max_duration_ms: Option<u64>,
        /// A file to also write the results to, as JUnit XML.
        junit: Option<String>,
        /// Test on a copy of this database instead of generated rows.
        #[serde(default)]
        from: Option<String>,
    },
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Lines for people.
    Human,
    /// One JSON document (or one JSON object per line for events).
    Json,
}

/// Runs the request the CLI writes on the first line of standard input
/// and exits with its code.
///
/// The request (database URL and password included) travels through that
/// pipe, never through the environment, where other processes of the same
/// user could read it. The CLI keeps the pipe open while it waits: its end
/// means the CLI is gone (killed, or its terminal closed), and the harness
/// then ends at once, as a killed run does, rather than migrate with nobody
/// watching.
pub fn main(migrations: Vec<Migration>) -> ! {
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line).map_err(|e| e.to_string()).and_then(|_| {
        serde_json::from_str::<Request>(&line).map_err(|e| format!("the request on standard input is not valid: {e}"))
    });
    let request = match read {
        Ok(request) => request,
        Err(e) => {
            eprintln!("error: {e}; this program is run by `cargo schemaflow`");
            std::process::exit(2);
        }
    };
    std::thread::spawn(|| {
        let mut rest = [0u8; 64];
        while std::io::stdin().read(&mut rest).is_ok_and(|n| n > 0) {}
        let _ = writeln!(std::io::stderr(), "error: cargo schemaflow is gone; stopping");
        std::process::exit(EXIT_PARENT_GONE);
    });
    // Ctrl-C: stop after the batch that is committing; a second one quits.
    let _ = ctrlc::set_handler(|| {
        if crate::runner::stop_requested() {
            std::process::exit(130);
        }
        eprintln!("stopping after the current batch (Ctrl-C again to quit at once)");
        crate::runner::request_stop();
    });
    let mut out = std::io::stdout();
    let code = execute(&request, &migrations, &mut out);
    let _ = out.flush();
    std::process::exit(code);
}

struct Printer<'a> {
    out: &'a mut dyn Write,
    request: &'a Request,
}

impl Printer<'_> {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.request.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    fn line(&mut self, text: &str) {
        if !self.request.quiet && self.request.format == Format::Human {
            let _ = writeln!(self.out, "{text}");
        }
    }

    fn json(&mut self, value: serde_json::Value) {
        if self.request.format == Format::Json {
            let _ = writeln!(self.out, "{value}");
        }
    }

    fn error(&self, e: &RunError) {
        let label = if self.request.color { "\x1b[1;31merror\x1b[0m" } else { "error" };
        eprintln!("{label}: {e}");
    }
}

/// Whether colour suits standard output (`--color auto`).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

fn ms(d: Duration) -> String {
    if d.as_millis() >= 1000 { format!("{:.2} s", d.as_secs_f64()) } else { format!("{} ms", d.as_millis()) }
}

/// Opens the backend a URL names.
#[cfg_attr(not(all(feature = "sqlite", feature = "postgres")), allow(unused_variables))]
fn open(url: &DatabaseUrl, request: &Request, read_only: bool) -> Result<Option<Box<dyn Backend>>, RunError> {
    let mut backend = open_backend(url, &request.schema, read_only)?;
    if let Some(backend) = &mut backend {
        backend.set_namespace(&request.namespace);
    }
    Ok(backend)
}

#[cfg_attr(not(all(feature = "sqlite", feature = "postgres")), allow(unused_variables))]
fn open_backend(url: &DatabaseUrl, schema: &str, read_only: bool) -> Result<Option<Box<dyn Backend>>, RunError> {
    match url {
        #[cfg(feature = "sqlite")]
        DatabaseUrl::Sqlite(path) => {
            use crate::runner::sqlite::SqliteBackend;
            if read_only {
                Ok(SqliteBackend::open_read_only(path)?.map(|b| Box::new(b) as Box<dyn Backend>))
            } else {
                Ok(Some(Box::new(SqliteBackend::open(path)?)))
            }
        }
        #[cfg(not(feature = "sqlite"))]
        DatabaseUrl::Sqlite(_) => Err(RunError::Database("this build of schemaflow has no SQLite support".into())),
        #[cfg(feature = "postgres")]
        DatabaseUrl::Postgres(url) => {
            Ok(Some(Box::new(crate::runner::postgres::PostgresBackend::connect(url, schema)?)))
        }
        #[cfg(not(feature = "postgres"))]
        DatabaseUrl::Postgres(_) => {
            Err(RunError::Database("this build of schemaflow has no PostgreSQL support".into()))
        }
    }
}

/// A PostgreSQL URL the driver cannot read (a port that is not a number,
/// an unknown option) is a bad URL like any other, refused before anything
/// connects.
fn check_url(text: &str, url: DatabaseUrl) -> Result<DatabaseUrl, String> {
    #[cfg(feature = "postgres")]
    if let DatabaseUrl::Postgres(_) = &url
        && let Err(e) = text.parse::<postgres::Config>()
    {
        return Err(format!("`{}` is not a PostgreSQL URL schemaflow can use: {e}", redact(text)));
    }
    let _ = text;
    Ok(url)
}

/// A database the crate's migrations were not checked for is refused: its
/// raw SQL was read, and its hazards judged, for the other database only.
fn check_target(text: &str, databases: &[String], url: DatabaseUrl) -> Result<DatabaseUrl, String> {
    let kind = match url {
        DatabaseUrl::Sqlite(_) => "sqlite",
        DatabaseUrl::Postgres(_) => "postgres",
    };
    if databases.is_empty() || databases.iter().any(|d| d == kind) {
        return Ok(url);
    }
    Err(format!(
        "`{}` is a {kind} database, but the migrations of this crate are checked for {} only (`databases` in [package.metadata.schemaflow]): add \"{kind}\" there, and the checks for it run when the crate builds",
        redact(text),
        databases.join(", ")
    ))
}

fn dialect_of(url: &DatabaseUrl) -> Dialect {
    match url {
        DatabaseUrl::Sqlite(_) => Dialect::Sqlite,
        DatabaseUrl::Postgres(_) => Dialect::Postgres,
    }
}

/// Runs one request and returns the exit code. Output goes to `out`,
/// errors to standard error.
pub fn execute(request: &Request, migrations: &[Migration], out: &mut dyn Write) -> i32 {
    let mut p = Printer { out, request };
    let url = match DatabaseUrl::parse(&request.database_url)
        .and_then(|url| check_url(&request.database_url, url))
        .and_then(|url| check_target(&request.database_url, &request.databases, url))
    {
        Ok(url) => url,
        Err(e) => {
            p.json(serde_json::json!({ "event": "error", "message": e }));
            p.error(&RunError::Database(e));
            return 2;
        }
    };
    let shown = redact(&request.database_url);
    let defaults = Options::default();
    let options = Options {
        postgres_version: request.postgres_min_version.unwrap_or(defaults.postgres_version),
        lock_timeout_ms: request.lock_timeout_ms.unwrap_or(defaults.lock_timeout_ms),
        statement_timeout_ms: request.statement_timeout_ms,
        ..defaults
    };
    if let Command::Run { to: Some(to), .. } | Command::Rollback { to: Some(to), .. } = &request.command
        && *to != 0
        && !migrations.iter().any(|m| m.version == *to)
    {
        p.error(&RunError::History(format!("no migration has version {to}")));
        return 2;
    }
    let result = match &request.command {
        Command::Run { to, dry_run: print_only, backup } => {
            let backup = backup.as_deref().map(|path| backup_path(&url, path));
            if *print_only {
                dry_run(&mut p, &url, migrations, *to, backup.as_deref(), &options)
            } else {
                run(&mut p, &url, &shown, migrations, *to, backup.as_deref(), &options)
            }
        }
        Command::Rollback { steps, to } => rollback(&mut p, &url, &shown, migrations, *steps, *to, &options),
        Command::Status { check } => status(&mut p, &url, &shown, migrations, *check),
        Command::MarkApplied { versions, accept_drift } => {
            mark_applied(&mut p, &url, &shown, migrations, versions, *accept_drift)
        }
        Command::Adopt => adopt(&mut p, &url, &shown, migrations),
        Command::Backup { path } => backup(&mut p, &url, &shown, &backup_path(&url, path)),
        Command::Complete => complete(&mut p, &url, &shown, migrations, &options),
        Command::Test { rows, seed, max_duration_ms, junit, from } => {
            let options = crate::testing::TestOptions {
                rows: *rows,
                seed: *seed,
                max_duration: max_duration_ms.map(Duration::from_millis),
                generate: from.is_none(),
            };
            let source = match from.as_deref().map(DatabaseUrl::parse) {
                Some(Ok(source)) => Some(source),
                Some(Err(e)) => {
                    p.error(&RunError::Database(e));
                    return 2;
                }
                None => None,
            };
            test(&mut p, &url, &shown, migrations, &options, junit.as_deref(), source.as_ref())
        }
        Command::Plan { from, to, output, dialect } => {
            let dialect = match dialect.as_deref() {
                Some("postgres") => Dialect::Postgres,
                Some("sqlite") => Dialect::Sqlite,
                Some(other) => {
                    p.error(&RunError::History(format!("unknown database `{other}`: use postgres or sqlite")));
                    return 2;
                }
                None => dialect_of(&url),
            };
            plan(&mut p, &url, migrations, *from, *to, output.as_deref(), dialect, &options)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            p.json(serde_json::json!({ "event": "error", "message": e.to_string() }));
            p.error(&e);
            if matches!(e, RunError::Interrupted { .. }) { 130 } else { 1 }
        }
    }
}

/// Prints the runner's events: one line per migration, and for a backfill
/// a progress bar on a terminal, a line every few seconds otherwise, or a
/// JSON event per batch.
fn event_printer<'a>(p: &'a mut Printer<'_>) -> impl FnMut(Event) + 'a {
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut last_line = Instant::now();
    let mut started = Instant::now();
    let terminal = std::io::stderr().is_terminal() && p.request.format == Format::Human && !p.request.quiet;
    move |event| match event {
        Event::Applied { id, duration } => {
            if let Some(b) = bar.take() {
                b.finish_and_clear();
            }
            let word = p.paint("32", "applied");
            p.line(&format!("  {word} {id} ({})", ms(duration)));
            p.json(
                serde_json::json!({ "event": "applied", "migration": id, "duration_ms": duration.as_millis() as u64 }),
            );
        }
        Event::RolledBack { id, duration } => {
            let word = p.paint("33", "rolled back");
            p.line(&format!("  {word} {id} ({})", ms(duration)));
            p.json(serde_json::json!({ "event": "rolled_back", "migration": id, "duration_ms": duration.as_millis() as u64 }));
        }
        Event::Marked { id } => {
            let word = p.paint("32", "recorded as applied");
            p.line(&format!("  {word} {id} (not run)"));
            p.json(serde_json::json!({ "event": "marked", "migration": id }));
        }
        Event::BackedUp { path, bytes, duration } => {
            let word = p.paint("32", "backed up");
            p.line(&format!("  {word} the database to {path} ({}, {})", size(bytes), ms(duration)));
            p.json(serde_json::json!({ "event": "backed_up", "path": path, "bytes": bytes, "duration_ms": duration.as_millis() as u64 }));
        }
        Event::Expanded { id, note } => {
            let head = format!("{} {id}: stopped at its deploy boundary", p.paint("36", "expanded"));
            let then = "`cargo schemaflow complete` runs its contract (`rollback` undoes the expand instead)";
            at_boundary(p, &head, &note, then);
            p.json(serde_json::json!({ "event": "expanded", "migration": id, "next": note }));
        }
        Event::AwaitingComplete { id, note, since } => {
            let head =
                format!("{} {id} is expanded (since {since} UTC) and waits for its contract", p.paint("36", "waiting"));
            at_boundary(p, &head, &note, "`cargo schemaflow complete`; nothing after it runs until then");
            p.json(serde_json::json!({ "event": "awaiting_complete", "migration": id, "next": note, "since": since }));
        }
        Event::BoundaryPassed { id, tables } if tables.is_empty() => {
            p.line(&format!(
                "  {id}: its deploy boundary is passed: nothing ran before it in this run, so the deploy it waits for went out since the last one"
            ));
            p.json(serde_json::json!({ "event": "boundary_passed", "migration": id, "tables": tables, "reason": "deployed_since_last_run" }));
        }
        Event::BoundaryPassed { id, tables } => {
            let named = tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
            p.line(&format!(
                "  {id}: its deploy boundary is passed at once: {named} was created in this run, so no running code uses the old shape"
            ));
            p.json(serde_json::json!({ "event": "boundary_passed", "migration": id, "tables": tables, "reason": "created_in_this_run" }));
        }
        Event::RollbackWaiting { id, note } => {
            let head = format!("{} {id}: stopped at its deploy boundary", p.paint("36", "rollback waiting"));
            at_boundary(p, &head, &note, "`cargo schemaflow complete` finishes the rollback");
            p.json(serde_json::json!({ "event": "rollback_waiting", "migration": id, "next": note }));
        }
        Event::Waiting => {
            p.line("  waiting: another schemaflow runner is migrating this database");
            p.json(serde_json::json!({ "event": "waiting" }));
        }
        Event::Retrying { id, attempt, pause } => {
            p.line(&format!("  {id}: a lock was not granted in time; retry {attempt} in {}", ms(pause)));
            p.json(serde_json::json!({ "event": "retrying", "migration": id, "attempt": attempt, "pause_ms": pause.as_millis() as u64 }));
        }
        Event::Skipped { id } => {
            p.line(&format!("  skipped {id}: another runner did it first"));
            p.json(serde_json::json!({ "event": "skipped", "migration": id }));
        }
        Event::Batch { id, batch } => {
            p.json(serde_json::json!({
                "event": "batch", "migration": id, "table": batch.table,
                "rows_done": batch.rows_done, "rows_total": batch.rows_total, "batch_ms": batch.took.as_millis() as u64,
            }));
            if terminal {
                let b = bar.get_or_insert_with(|| {
                    started = Instant::now();
                    let b = indicatif::ProgressBar::new(batch.rows_total);
                    let style = indicatif::ProgressStyle::with_template(
                        "  {msg} [{bar:30}] {human_pos}/{human_len} rows, {per_sec}, ETA {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> ");
                    b.set_style(style);
                    b.set_message(format!("backfill {}", batch.table));
                    b
                });
                b.set_length(batch.rows_total.max(batch.rows_done));
                b.set_position(batch.rows_done);
            } else if last_line.elapsed() >= Duration::from_secs(2) || batch.rows_done >= batch.rows_total {
                last_line = Instant::now();
                let percent = (batch.rows_done * 100).checked_div(batch.rows_total).unwrap_or(100);
                p.line(&format!(
                    "  backfill {}: {} of {} rows ({percent}%)",
                    batch.table, batch.rows_done, batch.rows_total
                ));
            }
        }
    }
}

/// The lines of a migration stopped at a deploy boundary: what happened,
/// what to deploy next, and the command that goes on afterwards.
fn at_boundary(p: &mut Printer, head: &str, next: &str, then: &str) {
    p.line(&format!("  {head}"));
    p.line(&format!("  next: {next}"));
    p.line(&format!("  then: {then}"));
}

/// Where a backup goes: `path`, or the default when it is empty; made
/// absolute, as it is recorded.
fn backup_path(url: &DatabaseUrl, path: &str) -> std::path::PathBuf {
    let path = match path {
        "" => runner::backup::default_path(url, std::time::SystemTime::now()),
        path => std::path::PathBuf::from(path),
    };
    std::path::absolute(&path).unwrap_or(path)
}

/// A file size for people: `812 bytes`, `3.4 MB`.
fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", bytes as f64 / 1e6),
        _ => format!("{:.1} GB", bytes as f64 / 1e9),
    }
}

fn run(
    p: &mut Printer,
    url: &DatabaseUrl,
    shown: &str,
    migrations: &[Migration],
    to: Option<u64>,
    backup: Option<&std::path::Path>,
    options: &Options,
) -> Result<i32, RunError> {
    let Some(mut backend) = open(url, p.request, false)? else { return Ok(2) };
    p.line(&format!("Applying migrations to {shown}"));
    let started = Instant::now();
    let applied = match backup {
        Some(dest) => runner::run_with_backup(backend.as_mut(), migrations, to, options, dest, &mut event_printer(p))?,
        None => runner::run(backend.as_mut(), migrations, to, options, &mut event_printer(p))?,
    };
    let summary = match applied {
        0 => "Nothing to apply: the database is up to date".to_owned(),
        1 => format!("1 migration applied in {}", ms(started.elapsed())),
        n => format!("{n} migrations applied in {}", ms(started.elapsed())),
    };
    p.line(&summary);
    p.json(
        serde_json::json!({ "event": "done", "applied": applied, "duration_ms": started.elapsed().as_millis() as u64 }),
    );
    Ok(0)
}

fn dry_run(
    p: &mut Printer,
    url: &DatabaseUrl,
    migrations: &[Migration],
    to: Option<u64>,
    backup: Option<&std::path::Path>,
    options: &Options,
) -> Result<i32, RunError> {
    // Read-only, and nothing is created when the database does not exist.
    let mut backend = open(url, p.request, true)?;
    let applied = match &mut backend {
        Some(backend) => backend.applied()?,
        None => Vec::new(),
    };
    let mut rows = |b: &crate::model::Backfill| {
        backend.as_mut().and_then(|db| db.count_rows(&b.table, b.predicate.as_deref()).ok().flatten())
    };
    let mut text = runner::dry_run(dialect_of(url), migrations, &applied, to, options, &mut rows)?;
    if let Some(dest) = backup {
        text = format!(
            "-- with --backup: before the first pending migration, the database is backed up to {}\n\n{text}",
            dest.display()
        );
    }
    if p.request.format == Format::Json {
        p.json(serde_json::json!({ "dry_run": text }));
    } else {
        let _ = write!(p.out, "{text}");
    }
    Ok(0)
}

fn backup(p: &mut Printer, url: &DatabaseUrl, shown: &str, dest: &std::path::Path) -> Result<i32, RunError> {
    let Some(mut backend) = open(url, p.request, false)? else { return Ok(2) };
    p.line(&format!("Backing up {shown}"));
    runner::backup(backend.as_mut(), dest, &mut event_printer(p))?;
    p.json(serde_json::json!({ "event": "done", "backup": dest.display().to_string() }));
    Ok(0)
}

fn rollback(
    p: &mut Printer,
    url: &DatabaseUrl,
    shown: &str,
    migrations: &[Migration],
    steps: Option<usize>,
    to: Option<u64>,
    options: &Options,
) -> Result<i32, RunError> {
    let target = match (steps, to) {
        (_, Some(v)) => RollbackTarget::To(v),
        (Some(n), None) => RollbackTarget::Steps(n),
        (None, None) => RollbackTarget::Steps(1),
    };
    let Some(mut backend) = open(url, p.request, false)? else { return Ok(2) };
    p.line(&format!("Rolling back migrations of {shown}"));
    let started = Instant::now();
    let count = runner::rollback(backend.as_mut(), migrations, target, options, &mut event_printer(p))?;
    let summary = match count {
        0 => "Nothing to roll back".to_owned(),
        1 => format!("1 migration rolled back in {}", ms(started.elapsed())),
        n => format!("{n} migrations rolled back in {}", ms(started.elapsed())),
    };
    p.line(&summary);
    p.json(serde_json::json!({ "event": "done", "rolled_back": count }));
    Ok(0)
}

fn complete(
    p: &mut Printer,
    url: &DatabaseUrl,
    shown: &str,
    migrations: &[Migration],
    options: &Options,
) -> Result<i32, RunError> {
    let Some(mut backend) = open(url, p.request, false)? else { return Ok(2) };
    p.line(&format!("Completing the change waiting at its deploy boundary in {shown}"));
    let started = Instant::now();
    let count = runner::complete(backend.as_mut(), migrations, options, &mut event_printer(p))?;
    p.line(&format!("Done in {}", ms(started.elapsed())));
    p.json(serde_json::json!({ "event": "done", "completed": count }));
    Ok(0)
}

fn mark_applied(
    p: &mut Printer,
    url: &DatabaseUrl,
    shown: &str,
    migrations: &[Migration],
    versions: &[u64],
    accept_drift: bool,
) -> Result<i32, RunError> {
    let Some(mut backend) = open(url, p.request, false)? else { return Ok(2) };
    p.line(&format!("Recording migrations as applied in {shown}"));
    let count = runner::mark_applied(backend.as_mut(), migrations, versions, accept_drift, &mut event_printer(p))?;
    p.line(&match count {
        0 => "Nothing recorded: they were applied already".to_owned(),
        1 => "1 migration recorded as applied".to_owned(),
        n => format!("{n} migrations recorded as applied"),
    });
    p.json(serde_json::json!({ "event": "done", "marked": count }));
    Ok(0)
}

/// `init --from`: the baseline migration of the live database, as JSON for
/// the CLI, which writes the file and then records it.
#[cfg(feature = "dsl")]
fn adopt(p: &mut Printer, url: &DatabaseUrl, shown: &str, migrations: &[Migration]) -> Result<i32, RunError> {
    let Some(mut backend) = open(url, p.request, true)? else {
        return Err(RunError::Database(format!("{shown} does not exist: there is nothing to adopt")));
    };
    if !migrations.is_empty() || !backend.applied()?.is_empty() {
        return Err(RunError::History(format!(
            "{shown} or this crate already has schemaflow migrations: a baseline starts a history; use `cargo schemaflow mark-applied VERSION…` to record migrations the database is already at"
        )));
    }
    let mut adoption = backend.adoption()?;
    if let Some(h) = adoption.histories.iter().find(|h| !h.failed.is_empty()) {
        return Err(RunError::History(format!(
            "{} recorded migration {} in `{}` as failed: the schema may be half-changed; finish or repair it with {} before adopting the database",
            h.tool,
            h.failed.join(", "),
            h.table,
            h.tool
        )));
    }
    crate::baseline::sqlite_tables_from_ddl(&mut adoption.schema, &adoption.table_ddl);
    let mut header = vec![
        format!("The baseline of {shown}: its schema as it was when schemaflow adopted it."),
        "`cargo schemaflow init` recorded it as applied there; on a new database it creates the same schema."
            .to_owned(),
    ];
    for h in &adoption.histories {
        header.push(format!(
            "Before, {} migrated it ({} migrations in `{}`, the last {}); that table stays, untouched.",
            h.tool,
            h.applied.len(),
            h.table,
            h.applied.last().map_or("none", String::as_str)
        ));
    }
    // The baseline is written for the database it was read from, unless the
    // crate names its databases: the CLI then names that one for the crate.
    let source = match url {
        DatabaseUrl::Sqlite(_) => "sqlite",
        DatabaseUrl::Postgres(_) => "postgres",
    };
    let databases: Vec<String> =
        if p.request.databases.is_empty() { vec![source.to_owned()] } else { p.request.databases.clone() };
    let mut targets = crate::config::Targets {
        sqlite: databases.iter().any(|d| d == "sqlite"),
        postgres: databases.iter().any(|d| d == "postgres"),
        ..Default::default()
    };
    if let Some(v) = p.request.postgres_min_version {
        targets.postgres_min_version = v;
    }
    let baseline = crate::baseline::generate(
        &adoption.schema,
        &adoption.raw,
        &adoption.table_ddl,
        dialect_of(url),
        &header,
        &targets,
    );
    p.json(serde_json::json!({
        "source": baseline.source,
        "problems": baseline.problems,
        "advice": baseline.advice,
        "histories": adoption.histories,
        "tables": adoption.schema.tables.len(),
        "databases": databases,
        "raw": adoption.raw.iter().map(|r| format!("{} {}", r.kind, r.name)).collect::<Vec<_>>(),
    }));
    Ok(0)
}

#[cfg(not(feature = "dsl"))]
fn adopt(_: &mut Printer, _: &DatabaseUrl, _: &str, _: &[Migration]) -> Result<i32, RunError> {
    Err(RunError::Database("this build of schemaflow cannot write a baseline (no `dsl` feature)".into()))
}

/// `test`: a scratch database (a temporary SQLite file, or a new database on
/// the PostgreSQL server the URL names), removed afterwards.
#[cfg_attr(not(all(feature = "sqlite", feature = "postgres")), allow(unused_variables, unreachable_code))]
#[allow(clippy::too_many_arguments)]
fn test(
    p: &mut Printer,
    url: &DatabaseUrl,
    shown: &str,
    migrations: &[Migration],
    options: &crate::testing::TestOptions,
    junit: Option<&str>,
    source: Option<&DatabaseUrl>,
) -> Result<i32, RunError> {
    // With a source, the scratch database is a copy of it (the source is
    // only read) and lives where the source does.
    let url = source.unwrap_or(url);
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let name = format!("schemaflow_test_{}_{}", std::process::id(), stamp % 1_000_000_000);
    let report = match url {
        #[cfg(feature = "sqlite")]
        DatabaseUrl::Sqlite(_) => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            if let Some(DatabaseUrl::Sqlite(original)) = source {
                std::fs::copy(original, &path)
                    .map_err(|e| RunError::Database(format!("cannot copy {}: {e}", original.display())))?;
            }
            let what = if source.is_some() { "a copy of the database" } else { "a scratch SQLite database" };
            p.line(&format!("Testing {} migrations on {what} ({})", migrations.len(), path.display()));
            let mut db = crate::runner::sqlite::SqliteBackend::open(&path)?;
            db.set_namespace(&p.request.namespace);
            let report = crate::testing::test_migrations(&mut db, migrations, options);
            drop(db);
            let _ = std::fs::remove_file(&path);
            report
        }
        #[cfg(feature = "postgres")]
        DatabaseUrl::Postgres(server) => {
            use crate::runner::postgres::PostgresBackend;
            let mut admin = PostgresBackend::connect(server, "public")?;
            // A copy of the source is made on the server from it as a template
            // (which needs the source to have no other connections).
            let template = match source {
                Some(DatabaseUrl::Postgres(source)) => {
                    let db = source.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default();
                    format!(" TEMPLATE {}", crate::dialect::ident(db))
                }
                _ => String::new(),
            };
            crate::testing::ScratchDatabase::execute(&mut admin, &format!("CREATE DATABASE \"{name}\"{template}"))
                .map_err(|e| RunError::Database(format!("cannot create the scratch database: {e}")))?;
            let scratch_url = match server.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => return Err(RunError::Database(format!("{shown} names no database"))),
            };
            p.line(&format!("Testing {} migrations on a scratch database `{name}` of {shown}", migrations.len()));
            let report = PostgresBackend::connect(&scratch_url, "public").map(|mut db| {
                db.set_namespace(&p.request.namespace);
                crate::testing::test_migrations(&mut db, migrations, options)
            });
            let _ = crate::testing::ScratchDatabase::execute(
                &mut admin,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            );
            report?
        }
        #[allow(unreachable_patterns)]
        _ => return Err(RunError::Database("this build has no backend for that database".into())),
    };
    if let Some(path) = junit {
        std::fs::write(path, crate::testing::junit(&report))
            .map_err(|e| RunError::Database(format!("cannot write {path}: {e}")))?;
    }
    let failed = report.migrations.iter().filter(|m| m.failure.is_some()).count();
    let passed = report.migrations.len() - failed;
    if p.request.format == Format::Json {
        p.json(serde_json::to_value(&report).unwrap_or_default());
    } else {
        let _ = write!(p.out, "{}", crate::testing::summary(&report));
        if let Some(line) = crate::testing::sweep_line(&report) {
            p.line(&line);
        }
        let untested = migrations.len().saturating_sub(report.migrations.len() + report.already_applied);
        let mut rest = String::new();
        if report.already_applied > 0 {
            rest.push_str(&format!(" ({} already in the copy)", report.already_applied));
        }
        if untested > 0 {
            rest.push_str(&format!(" ({untested} not reached)"));
        }
        p.line(&format!("{passed} passed, {failed} failed{rest}"));
    }
    Ok(if report.passed { 0 } else { 1 })
}

/// The plan document: of the pending migrations when neither `from` nor
/// `to` is given (all of them when the database cannot be read).
#[allow(clippy::too_many_arguments)]
fn plan(
    p: &mut Printer,
    url: &DatabaseUrl,
    migrations: &[Migration],
    from: Option<u64>,
    to: Option<u64>,
    output: Option<&str>,
    dialect: Dialect,
    options: &Options,
) -> Result<i32, RunError> {
    // The database is optional: it tells what is pending and how many rows
    // each backfill will change.
    let mut backend = open(url, p.request, true).ok().flatten();
    let applied = match &mut backend {
        Some(b) => b.applied()?,
        None => Vec::new(),
    };
    let (from, to) = match (from, to) {
        (None, None) => {
            let pending = migrations
                .iter()
                .filter(|m| !applied.iter().any(|a| a.version == m.version && a.state == runner::APPLIED))
                .map(|m| m.version)
                .min();
            // Nothing pending: an empty range.
            (Some(pending.unwrap_or(u64::MAX)), None)
        }
        range => range,
    };
    let mut rows = |table: &str| backend.as_mut().and_then(|b| b.estimate_rows(table).ok().flatten());
    let targets: Vec<Dialect> = [Dialect::Sqlite, Dialect::Postgres]
        .into_iter()
        .filter(|d| p.request.databases.is_empty() || p.request.databases.iter().any(|n| n == d.name()))
        .collect();
    let mut doc = crate::plan::document(migrations, from, to, dialect, &targets, options, &mut rows);
    // A backup recorded of the database as it was just before the first
    // migration of the plan (and still there) ticks the checklist.
    if let (Some(b), Some(first)) = (&mut backend, from.or_else(|| migrations.iter().map(|m| m.version).min())) {
        let head = applied.iter().filter(|a| a.state == runner::APPLIED && a.version < first).map(|a| a.version).max();
        let backups = b.backups().unwrap_or_default();
        if let Some(backup) =
            backups.iter().find(|k| k.head == head.unwrap_or(0) && std::path::Path::new(&k.path).exists())
        {
            crate::plan::note_backup(&mut doc, backup);
        }
    }
    let text = match p.request.format {
        Format::Json => serde_json::to_string_pretty(&doc).map_err(|e| RunError::Database(e.to_string()))? + "\n",
        Format::Human => crate::plan::to_markdown(&doc),
    };
    match output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| RunError::Database(format!("cannot write {path}: {e}")))?;
            p.line(&format!("Wrote the plan of {} migration(s) to {path}", doc.migrations.len()));
        }
        None => {
            let _ = write!(p.out, "{text}");
        }
    }
    Ok(0)
}

fn status(
    p: &mut Printer,
    url: &DatabaseUrl,
    shown: &str,
    migrations: &[Migration],
    check: bool,
) -> Result<i32, RunError> {
    let status = match open(url, p.request, true)? {
        Some(mut backend) => runner::status(backend.as_mut(), migrations)?,
        None => Status { migrations: runner::compare(migrations, &[]), drift: Vec::new() },
    };
    if p.request.format == Format::Json {
        let value = serde_json::json!({
            "database": shown,
            "up_to_date": status.is_up_to_date(),
            "migrations": status.migrations,
            "drift": status.drift,
        });
        p.json(value);
    } else {
        print_status(p, shown, &status);
    }
    Ok(if check && !status.is_up_to_date() { 1 } else { 0 })
}

/// How long ago a bookkeeping time (`YYYY-MM-DD HH:MM:SS`, UTC) was, for
/// people: `45 s`, `12 min`, `3 h 5 min`, `2 days 4 h`.
fn waited_since(at: &str, now: std::time::SystemTime) -> Option<String> {
    let number = |range: std::ops::Range<usize>| at.get(range).and_then(|t| t.parse::<i64>().ok());
    let (y, mo, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (h, mi, sec) = (number(11..13)?, number(14..16)?, number(17..19)?);
    // Days since 1970-01-01 of a proleptic Gregorian date.
    let (y2, m2) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = y2.div_euclid(400);
    let year_of_era = y2 - era * 400;
    let day_of_year = (153 * m2 + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let then = days * 86_400 + h * 3600 + mi * 60 + sec;
    let now = now.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
    let s = (now - then).max(0);
    Some(match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} days {} h", s / 86_400, s % 86_400 / 3600),
    })
}

fn print_status(p: &mut Printer, shown: &str, status: &Status) {
    p.line(&format!("Database: {shown}"));
    let width = status.migrations.iter().map(|m| m.name.len() + 13).max().unwrap_or(0);
    let mut counts = std::collections::BTreeMap::new();
    for m in &status.migrations {
        let id = format!("{}_{}", m.version, m.name);
        let (word, color, detail) = match &m.state {
            State::Applied { applied_at, duration_ms } => {
                ("applied", "32", format!("{applied_at} UTC, {duration_ms} ms"))
            }
            State::Pending => ("pending", "33", String::new()),
            State::Changed { .. } => ("changed", "31", "the file changed after it was applied".to_owned()),
            State::Unknown { applied_at } => {
                ("unknown", "31", format!("applied {applied_at} UTC, but no file has this version"))
            }
            State::Applying { phases_done, phases_total, rows_done, rows_remaining } => {
                let rows = match (rows_done, rows_remaining) {
                    (Some(done), Some(left)) => format!("; its backfill has changed {done} rows, about {left} remain"),
                    _ => String::new(),
                };
                let phases = if *phases_total > 0 {
                    format!("{phases_done} of {phases_total} phases applied")
                } else {
                    "under way".to_owned()
                };
                ("partial", "33", format!("{phases}{rows}; `run` resumes it"))
            }
            State::Expanded { expanded_at, next } => {
                let waited = waited_since(expanded_at, std::time::SystemTime::now())
                    .map(|w| format!(" ({w} ago)"))
                    .unwrap_or_default();
                (
                    "expanded",
                    "36",
                    format!(
                        "expanded {expanded_at} UTC{waited}, waiting for its contract: {next}; then `cargo schemaflow complete`"
                    ),
                )
            }
            State::RollingBack { phases_done, phases_total } => (
                "partial",
                "31",
                format!("{phases_done} of {phases_total} rollback phases done; `rollback` resumes it"),
            ),
        };
        *counts.entry(word).or_insert(0) += 1;
        let label = p.paint(color, &format!("{word:<8}"));
        p.line(format!("  {label} {id:<width$}  {detail}").trim_end());
    }
    if status.drift.is_empty() {
        p.line("Drift: none (the schema matches the applied migrations)");
    } else {
        p.line(&p.paint("31", &format!("Drift: {} difference(s) from the applied migrations", status.drift.len())));
        for d in &status.drift {
            p.line(&format!("  - {d}"));
        }
    }
    let summary: Vec<String> = counts.iter().map(|(w, n)| format!("{n} {w}")).collect();
    let verdict = if status.is_up_to_date() { "up to date" } else { "not up to date" };
    p.line(&format!(
        "Status: {verdict} ({})",
        if summary.is_empty() { "no migrations".into() } else { summary.join(", ") }
    ));
}
