//! `cargo schemaflow`: finds the workspace's migrations (cargo metadata),
//! builds them into a small harness program (so every compile-time safety
//! check runs) and runs it against the database.

mod cli;
mod discover;
mod env;
mod harness;
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
        Command::New { description } => {
            let version = new::utc_version(std::time::SystemTime::now());
            let created = new::create(package, &description, version)?;
            if !global.quiet {
                println!("Created {}", created.file.display());
                for note in created.notes {
                    println!("  {note}");
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        Command::Run { dry_run, to, db, format } => (Request::Run { to, dry_run }, db, format),
        Command::Status { check, db, format } => (Request::Status { check }, db, format),
        Command::Rollback { steps, to, db, format } => (Request::Rollback { steps, to }, db, format),
        Command::Test { rows, seed, max_duration, junit, from, db, format } => {
            let junit = junit.map(|o| {
                let path = std::path::Path::new(&o);
                if path.is_absolute() {
                    o
                } else {
                    std::env::current_dir().unwrap_or_default().join(path).display().to_string()
                }
            });
            (Request::Test { rows, seed, max_duration_ms: max_duration, junit, from }, db, format)
        }
        Command::Plan { from, to, output, dialect, db, format } => {
            // A relative output path is relative to where the command runs.
            let output = output.map(|o| {
                let path = std::path::Path::new(&o);
                if path.is_absolute() {
                    o
                } else {
                    std::env::current_dir().unwrap_or_default().join(path).display().to_string()
                }
            });
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
    let dir = harness::write(&workspace, package)?;
    let exe = harness::build(&workspace, package, &dir, global.verbose, global.quiet, color)?;
    let request = schemaflow_core::harness::Request {
        command,
        database_url,
        format: match format {
            Format::Human => RequestFormat::Human,
            Format::Json => RequestFormat::Json,
        },
        color,
        quiet: global.quiet,
        verbose: global.verbose,
        schema: db.schema.clone(),
        postgres_min_version: package.postgres_min_version,
        lock_timeout_ms: package.lock_timeout_ms,
        statement_timeout_ms: package.statement_timeout_ms,
        databases: package.databases.clone(),
        namespace: package.namespace.clone(),
    };
    let json = serde_json::to_string(&request).map_err(|e| e.to_string())?;
    // The request, password included, goes down a pipe, not into the
    // harness's environment. The pipe stays open until the harness ends: if
    // this process is killed, the harness sees it close and stops.
    let cannot_run = |e: std::io::Error| format!("cannot run {}: {e}", exe.display());
    let mut child = std::process::Command::new(&exe).stdin(std::process::Stdio::piped()).spawn().map_err(cannot_run)?;
    let mut pipe = child.stdin.take().ok_or_else(|| format!("cannot run {}: no pipe to it", exe.display()))?;
    writeln!(pipe, "{json}").map_err(cannot_run)?;
    // Ctrl-C reaches the harness too (one process group), which stops after
    // the batch that is committing: wait for it rather than die first.
    let _ = ctrlc::set_handler(|| {});
    let status = child.wait().map_err(cannot_run)?;
    drop(pipe);
    Ok(ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8))
}
