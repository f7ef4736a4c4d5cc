//! `cargo schemaflow new`: a new migration file from a template, and the
//! embedding set up in a package that has none yet.

use std::path::Path;
use std::time::SystemTime;

use schemaflow_core::files::{self, next_minute};

use crate::cli::Template;
use crate::discover::MigrationPackage;

/// The current UTC time as `YYYYMMDDHHMM`.
pub fn utc_version(now: SystemTime) -> u64 {
    // `YYYYMMDDTHHMMSSZ` without the `T`, the seconds and the `Z`.
    let stamp = schemaflow_core::runner::backup::utc_stamp(now);
    format!("{}{}", &stamp[..8], &stamp[9..13]).parse().unwrap_or(0)
}

/// What `new` did.
pub struct Created {
    pub file: std::path::PathBuf,
    pub notes: Vec<String>,
}

/// Writes `migrations/<version>_<description>.rs` in `package`, holding
/// `text`.
pub fn create_with(package: &MigrationPackage, description: &str, version: u64, text: &str) -> Result<Created, String> {
    if !files::is_snake_case(description) {
        return Err(format!(
            "`{description}` is not a valid description: use lowercase words separated by single underscores, starting with a letter, e.g. `add_user_verified`"
        ));
    }
    let dir = &package.migrations;
    let mut notes = Vec::new();
    let existing =
        if dir.exists() { files::scan_dir(dir).map_err(|problems| problems.join("\n"))? } else { Vec::new() };
    // A new migration comes after every existing one: when this minute is
    // taken, or an existing version is later (a second file this minute, a
    // teammate's clock ahead), it takes the minute after the newest.
    let mut version = version;
    if let Some(newest) = existing.iter().map(|f| f.version).max().filter(|newest| *newest >= version) {
        let next = next_minute(newest);
        notes.push(format!(
            "version {version} (now) is not after the newest migration, {newest}: the new one takes {next}, so that it runs after every existing one"
        ));
        version = next;
    }
    if existing.is_empty() {
        notes.extend(set_up_embedding(package)?);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = dir.join(format!("{version}_{description}.rs"));
    std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(Created { file, notes })
}

/// An empty migration with a few forms in its comment.
pub fn template(description: &str) -> String {
    format!(
        "// {description}
//
// Write the change inside the block; `cargo schemaflow run --dry-run` shows
// the SQL it becomes. A few forms (the guide lists them all):
//     create_table things {{ id: i64 primary_key identity, name: String }}
//     alter_table things {{ add_column note: Option<String> }}
//     create_index on things(name) concurrently;
schemaflow::migration! {{
}}
"
    )
}

/// A migration that starts from a worked form, on `table` and `column`
/// (placeholders to replace when not given).
pub fn scaffold(
    kind: Template,
    description: &str,
    table: Option<&str>,
    column: Option<&str>,
) -> Result<String, String> {
    for name in [table, column].into_iter().flatten() {
        if !files::is_snake_case(name) {
            return Err(format!(
                "`{name}` is not a table or column name schemaflow accepts: use lowercase snake_case, e.g. `users`"
            ));
        }
    }
    let table = table.unwrap_or("my_table");
    let column = column.unwrap_or("my_column");
    Ok(match kind {
        Template::Backfill => format!(
            "// {description}
//
// A new column filled in the rows already there, without one long UPDATE:
// the backfill runs in keyset batches of 1000 rows, one short transaction
// each, with a pause between them, and resumes where it stopped. Its way
// back is derived (the column goes).
//
// Once the application writes `{column}` on every insert, a later
// migration can make it required, which then scans but does not rewrite:
//     alter_table {table} {{ set_not_null {column} }}
schemaflow::migration! {{
    alter_table {table} {{
        add_column {column}: Option<String>,
    }}
    // The value for each existing row: a literal, `sql(\"…\")` over the
    // row's columns, or `with function(inputs) -> outputs` in Rust.
    backfill {table} set {column} = \"\" batch 1000 pause 100ms;
}}
"
        ),
        Template::Online => format!(
            "// {description}
//
// Changes to a large table in use, each holding its lock only briefly on
// PostgreSQL (SQLite has one writer and builds in place):
// - the index is built with CREATE INDEX CONCURRENTLY, outside the
//   transaction, while writes go on;
// - the check is added NOT VALID (new rows are checked at once), then
//   validated in a transaction of its own, which scans without blocking
//   writes.
// `cargo schemaflow plan` shows each statement's lock.
schemaflow::migration! {{
    create_index on {table}({column}) concurrently;
    alter_table {table} {{
        add_constraint {table}_{column}_present check(\"{column} IS NOT NULL\") not_valid,
    }}
}}
"
        ),
        Template::Sql => format!(
            "// {description}
//
// Raw SQL is read and checked like the DSL: the same rules, on the
// statements it holds. Its way back is the `down` SQL; where none can be
// written, say why with `irreversible \"…\"` instead. For a crate that
// targets several databases the SQL must run on each.
schemaflow::migration! {{
    sql \"CREATE VIEW {table}_{column}_counts AS SELECT {column}, count(*) AS total FROM {table} GROUP BY {column}\"
        down \"DROP VIEW {table}_{column}_counts\";
}}
"
        ),
    })
}

/// In a package without migrations: `embed_migrations!()` in its library
/// and the `build.rs` line that makes cargo see new files.
pub fn set_up_embedding(package: &MigrationPackage) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let lib = package.dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap_or_default();
    if !text.contains("embed_migrations!") {
        let addition =
            "\n// The migrations in migrations/, checked when this crate compiles.\nschemaflow::embed_migrations!();\n";
        let new_text = if text.is_empty() {
            addition.trim_start().to_owned()
        } else {
            format!("{}{addition}", text.trim_end_matches('\n').to_owned() + "\n")
        };
        write(&lib, &new_text)?;
        notes.push(format!("added `schemaflow::embed_migrations!();` to {}", lib.display()));
    }
    let build = package.dir.join("build.rs");
    let line = "println!(\"cargo:rerun-if-changed=migrations\");";
    match std::fs::read_to_string(&build) {
        Err(_) => {
            write(
                &build,
                &format!(
                    "// Rebuild when a migration file is added, changed or removed.\nfn main() {{\n    {line}\n}}\n"
                ),
            )?;
            notes.push(format!("created {} so that new migration files are picked up", build.display()));
        }
        Ok(text) if !text.contains("rerun-if-changed=migrations") => {
            notes.push(format!(
                "add `{line}` to the main of {} so that new migration files are picked up",
                build.display()
            ));
        }
        Ok(_) => {}
    }
    Ok(notes)
}

/// Names `database` as the one the crate's migrations are checked for
/// (`databases` in `[package.metadata.schemaflow]`): a baseline read from
/// it uses its types and statements.
pub fn name_databases(package: &MigrationPackage, database: &str) -> Result<String, String> {
    let manifest = package.dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let line = format!("databases = [\"{database}\"]");
    let section = "[package.metadata.schemaflow]";
    let new_text = match text.find(section) {
        Some(at) => {
            let end = at + section.len();
            format!("{}\n{line}{}", &text[..end], &text[end..])
        }
        None => format!("{}\n\n{section}\n{line}\n", text.trim_end()),
    };
    write(&manifest, &new_text)?;
    Ok(format!("set `{line}` in {}: the baseline is written for the database it was read from", manifest.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats_utc_versions() {
        assert_eq!(utc_version(UNIX_EPOCH), 197001010000);
        // 2026-11-24 15:30:59 UTC
        assert_eq!(utc_version(UNIX_EPOCH + Duration::from_secs(1_795_534_259)), 202611241530);
        // 2024-02-29 23:59 UTC (leap day)
        assert_eq!(utc_version(UNIX_EPOCH + Duration::from_secs(1_709_251_140)), 202402292359);
    }

    #[test]
    fn the_next_minute_rolls_over_hours_days_months_and_years() {
        assert_eq!(next_minute(202611241530), 202611241531);
        assert_eq!(next_minute(202611241559), 202611241600);
        assert_eq!(next_minute(202402292359), 202403010000);
        assert_eq!(next_minute(202312312359), 202401010000);
        assert_eq!(next_minute(202302282359), 202303010000);
    }
}
