//! `cargo schemaflow`: finds the workspace's migrations (cargo metadata),
//! builds them into a small harness program (so every compile-time safety
//! check runs) and runs it against the database.

mod cli;
mod discover;
mod env;
mod harness;
mod import;
mod new;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use schemaflow_core::harness::{Command as Request, Format as RequestFormat};

use cli::{Cargo, Cli, Color, Command, Format};

fn main() -> ExitCode {
    let Cargo::Schemaflow(cli) = Cargo::parse();
    match execute(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            // 1: the migrations failed (here: did not compile); 2: the
            // command could not be carried out as given.
            ExitCode::from(if message == harness::BUILD_FAILED { 1 } else { 2 })
        }
    }
}

fn execute(cli: Cli) -> Result<ExitCode, String> {
    let global = &cli.global;
    let color = match global.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let workspace = discover::workspace(global.manifest_path.as_deref())?;
    let package = workspace.select(global.package.as_deref())?;
    let (command, db, format) = match cli.command {
        Command::New { description, template, table, column } => {
            let version = new::utc_version(std::time::SystemTime::now());
            let text = match template {
                None => new::template(&description),
                Some(kind) => new::scaffold(kind, &description, table.as_deref(), column.as_deref())?,
            };
            let created = new::create_with(package, &description, version, &text)?;
            if !global.quiet {
                println!("Created {}", created.file.display());
                for note in created.notes {
                    println!("  {note}");
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        Command::Run { dry_run, to, backup, backup_to, db, format } => {
            // A relative backup path is relative to where the command runs.
            let backup = match backup_to {
                Some(path) => Some(absolute(&path)),
                None => backup.then(String::new),
            };
            (Request::Run { to, dry_run, backup }, db, format)
        }
        Command::Status { check, db, format } => (Request::Status { check }, db, format),
        Command::Backup { to, db, format } => {
            (Request::Backup { path: to.as_deref().map(absolute).unwrap_or_default() }, db, format)
        }
        Command::Rollback { steps, to, db, format } => (Request::Rollback { steps, to }, db, format),
        Command::Complete { db, format } => (Request::Complete, db, format),
        Command::MarkApplied { versions, accept_drift, db, format } => {
            (Request::MarkApplied { versions, accept_drift }, db, format)
        }
        Command::Init { from, schema } => return init(&workspace, package, global, color, from, schema),
        Command::Import { dir, dry_run } => {
            let dir = std::path::PathBuf::from(absolute(&dir.display().to_string()));
            return import::run(package, &dir, dry_run, global.quiet);
        }
        Command::Test { rows, seed, max_duration, junit, from, db, format } => {
            let junit = junit.as_deref().map(absolute);
            (Request::Test { rows, seed, max_duration_ms: max_duration, junit, from }, db, format)
        }
        Command::Plan { from, to, output, dialect, db, format } => {
            // A relative output path is relative to where the command runs.
            let output = output.as_deref().map(absolute);
            (Request::Plan { from, to, output, dialect }, db, format)
        }
    };
    if !package.migrations.is_dir() {
        return Err(format!(
            "package `{}` has no migrations yet ({} does not exist); create one with `cargo schemaflow new <description>`",
            package.name,
            package.migrations.display()
        ));
    }
    let (database_url, source) = env::database_url(db.database_url.as_deref(), &package.dir, &workspace.root);
    if global.verbose {
        eprintln!("database: {} (from {source})", schemaflow_core::database_url::redact(&database_url));
    }
    let request = request_for(package, global, color, command, database_url, db.schema.clone(), format);
    let (code, _) = invoke(&workspace, package, global, color, &request, false)?;
    Ok(code)
}

/// The harness request for `command` on `database_url`.
fn request_for(
    package: &discover::MigrationPackage,
    global: &cli::Global,
    color: bool,
    command: Request,
    database_url: String,
    schema: String,
    format: Format,
) -> schemaflow_core::harness::Request {
    schemaflow_core::harness::Request {
        command,
        database_url,
        format: match format {
            Format::Human => RequestFormat::Human,
            Format::Json => RequestFormat::Json,
        },
        color,
        quiet: global.quiet,
        verbose: global.verbose,
        schema,
        postgres_min_version: package.postgres_min_version,
        lock_timeout_ms: package.lock_timeout_ms,
        statement_timeout_ms: package.statement_timeout_ms,
        databases: package.databases.clone(),
        namespace: package.namespace.clone(),
    }
}

/// A path given on the command line, made absolute against the directory
/// the command runs in (the harness runs elsewhere).
fn absolute(path: &str) -> String {
    if std::path::Path::new(path).is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir().unwrap_or_default().join(path).display().to_string()
    }
}

/// `init --from URL`: reads the live schema through the harness, writes it
/// as the crate's first migration, then records that migration as applied
/// there (which checks that the database is exactly what it produces).
fn init(
    workspace: &discover::Workspace,
    package: &discover::MigrationPackage,
    global: &cli::Global,
    color: bool,
    from: String,
    schema: String,
) -> Result<ExitCode, String> {
    let dir = &package.migrations;
    if dir.is_dir() && !schemaflow_core::files::scan_dir(dir).map_err(|p| p.join("\n"))?.is_empty() {
        return Err(format!(
            "package `{}` already has migrations in {}: a baseline starts a history; use `cargo schemaflow mark-applied VERSION…` to record the ones a database is already at",
            package.name,
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for note in new::set_up_embedding(package)? {
        if !global.quiet {
            println!("  {note}");
        }
    }
    let request = request_for(package, global, color, Request::Adopt, from.clone(), schema.clone(), Format::Json);
    let (code, out) = invoke(workspace, package, global, color, &request, true)?;
    let value: serde_json::Value = out
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok())
        .ok_or_else(|| format!("reading {} failed", schemaflow_core::database_url::redact(&from)))?;
    if code != ExitCode::SUCCESS {
        let message = value.get("message").and_then(|e| e.as_str()).unwrap_or("the harness failed");
        return Err(message.to_owned());
    }
    let source = value.get("source").and_then(|s| s.as_str()).ok_or("the harness returned no baseline")?;
    if package.databases.is_empty()
        && let Some(database) = value.get("databases").and_then(|d| d.get(0)).and_then(|d| d.as_str())
    {
        let note = new::name_databases(package, database)?;
        if !global.quiet {
            println!("  {note}");
        }
    }
    let version = new::utc_version(std::time::SystemTime::now());
    let created = new::create_with(package, "baseline", version, source)?;
    let version = schemaflow_core::files::parse_file_stem(
        &created.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
    )
    .map(|(v, _)| v)?;
    if !global.quiet {
        let tables = value.get("tables").and_then(|t| t.as_u64()).unwrap_or(0);
        println!("Wrote {} ({tables} tables)", created.file.display());
        for raw in value.get("raw").and_then(|r| r.as_array()).into_iter().flatten() {
            println!("  as raw SQL: {}", raw.as_str().unwrap_or_default());
        }
        for h in value.get("histories").and_then(|r| r.as_array()).into_iter().flatten() {
            let applied = h.get("applied").and_then(|a| a.as_array()).map_or(0, Vec::len);
            println!(
                "  found the history of {} ({applied} migrations in `{}`): the baseline stands for it",
                h.get("tool").and_then(|t| t.as_str()).unwrap_or_default(),
                h.get("table").and_then(|t| t.as_str()).unwrap_or_default()
            );
        }
    }
    if !global.quiet {
        for advice in value.get("advice").and_then(|a| a.as_array()).into_iter().flatten() {
            println!("  advice (acknowledged in the file): {}", advice.as_str().unwrap_or_default());
        }
    }
    let problems: Vec<&str> =
        value.get("problems").and_then(|p| p.as_array()).into_iter().flatten().filter_map(|p| p.as_str()).collect();
    if !problems.is_empty() {
        return Err(format!(
            "the baseline does not compile as written:\n  {}\nedit {}, then record it with `cargo schemaflow mark-applied {version} --database-url {}`",
            problems.join("\n  "),
            created.file.display(),
            schemaflow_core::database_url::redact(&from)
        ));
    }
    let mark = Request::MarkApplied { versions: vec![version], accept_drift: false };
    let request = request_for(package, global, color, mark, from, schema, Format::Human);
    let (code, _) = invoke(workspace, package, global, color, &request, false)?;
    Ok(code)
}

/// Builds the harness and runs `request` with it; with `capture`, its
/// standard output is returned instead of shown.
fn invoke(
    workspace: &discover::Workspace,
    package: &discover::MigrationPackage,
    global: &cli::Global,
    color: bool,
    request: &schemaflow_core::harness::Request,
    capture: bool,
) -> Result<(ExitCode, String), String> {
    let dir = harness::write(workspace, package)?;
    let exe = harness::build(workspace, package, &dir, global.verbose, global.quiet, color)?;
    let json = serde_json::to_string(&request).map_err(|e| e.to_string())?;
    // The request, password included, goes down a pipe, not into the
    // harness's environment. The pipe stays open until the harness ends: if
    // this process is killed, the harness sees it close and stops.
    let cannot_run = |e: std::io::Error| format!("cannot run {}: {e}", exe.display());
    let mut command = std::process::Command::new(&exe);
    command.stdin(std::process::Stdio::piped());
    if capture {
        command.stdout(std::process::Stdio::piped());
    }
    let mut child = command.spawn().map_err(cannot_run)?;
    let mut pipe = child.stdin.take().ok_or_else(|| format!("cannot run {}: no pipe to it", exe.display()))?;
    writeln!(pipe, "{json}").map_err(cannot_run)?;
    // Ctrl-C reaches the harness too (one process group), which stops after
    // the batch that is committing: wait for it rather than die first.
    let _ = ctrlc::set_handler(|| {});
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        std::io::Read::read_to_string(&mut stdout, &mut out).map_err(cannot_run)?;
    }
    let status = child.wait().map_err(cannot_run)?;
    drop(pipe);
    Ok((ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8), out))
}
