//! `cargo schemaflow new`: a new migration file from a template, and the
//! embedding set up in a package that has none yet.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use schemaflow_core::files;

use crate::discover::MigrationPackage;

/// The current UTC time as `YYYYMMDDHHMM`.
pub fn utc_version(now: SystemTime) -> u64 {
    let secs = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let minutes_of_day = (secs % 86_400) / 60;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (hour, minute) = (minutes_of_day / 60, minutes_of_day % 60);
    format!("{year:04}{month:02}{day:02}{hour:02}{minute:02}").parse().unwrap_or(0)
}

/// What `new` did.
pub struct Created {
    pub file: std::path::PathBuf,
    pub notes: Vec<String>,
}

/// Writes `migrations/<version>_<description>.rs` in `package`.
pub fn create(package: &MigrationPackage, description: &str, version: u64) -> Result<Created, String> {
    if !files::is_snake_case(description) {
        return Err(format!(
            "`{description}` is not a valid description: use lowercase words separated by single underscores, starting with a letter, e.g. `add_user_verified`"
        ));
    }
    let dir = &package.migrations;
    let mut notes = Vec::new();
    let existing =
        if dir.exists() { files::scan_dir(dir).map_err(|problems| problems.join("\n"))? } else { Vec::new() };
    if let Some(same) = existing.iter().find(|f| f.version == version) {
        return Err(format!(
            "a migration with version {version} already exists ({}_{}.rs); wait a minute so the new one gets a later timestamp",
            same.version, same.name
        ));
    }
    if let Some(newer) = existing.iter().find(|f| f.version > version) {
        return Err(format!(
            "migration {}_{}.rs has a later version than now ({version}); a new migration must come after every existing one (is the clock right?)",
            newer.version, newer.name
        ));
    }
    if existing.is_empty() {
        notes.extend(set_up_embedding(package)?);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = dir.join(format!("{version}_{description}.rs"));
    std::fs::write(&file, template(description)).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(Created { file, notes })
}

fn template(description: &str) -> String {
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

/// In a package without migrations: `embed_migrations!()` in its library
/// and the `build.rs` line that makes cargo see new files.
fn set_up_embedding(package: &MigrationPackage) -> Result<Vec<String>, String> {
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

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_utc_versions() {
        assert_eq!(utc_version(UNIX_EPOCH), 197001010000);
        // 2026-11-24 15:30:59 UTC
        assert_eq!(utc_version(UNIX_EPOCH + Duration::from_secs(1_795_534_259)), 202611241530);
        // 2024-02-29 23:59 UTC (leap day)
        assert_eq!(utc_version(UNIX_EPOCH + Duration::from_secs(1_709_251_140)), 202402292359);
    }
}
