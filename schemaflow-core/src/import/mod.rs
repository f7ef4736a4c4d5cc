//! `cargo schemaflow import DIR`: an existing sqlx, diesel or refinery
//! migrations directory as schemaflow migration files, and what the rules
//! say of each.
//!
//! Each source migration becomes one file, `YYYYMMDDHHMM_name.rs`, in the
//! source's order: its up SQL as a raw `sql` step (read by the same SQL
//! reader as any raw step, so the rules and the derived rollbacks apply to
//! it), its down SQL as the step's `down`. A version that is a timestamp
//! keeps its minute; a plain number (refinery's `V1`, sqlx's `0001`) or a
//! minute already taken gets the next free minute, so the order never
//! changes. The source version and file are named at the top of each file.

use std::path::{Path, PathBuf};

use crate::files::next_minute;
use crate::raw_sql::Flavor;

mod steps;

/// The tool a migrations directory was written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// sqlx: `<version>_<name>.sql`, or `.up.sql` and `.down.sql`.
    Sqlx,
    /// diesel: `<version>_<name>/up.sql`, `down.sql`, `metadata.toml`.
    Diesel,
    /// refinery: `V<n>__<name>.sql`.
    Refinery,
}

impl Tool {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Sqlx => "sqlx",
            Tool::Diesel => "diesel",
            Tool::Refinery => "refinery",
        }
    }
}

/// One migration of the source directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceMigration {
    /// Its version as written (`20220101123456`, `2019-02-26-152226`, `1`).
    pub version: String,
    /// Its name as written.
    pub name: String,
    /// The file (or directory) it came from, relative to the source.
    pub origin: String,
    /// The SQL that applies it.
    pub up: String,
    /// The SQL that undoes it, when the source has one.
    pub down: Option<String>,
    /// The source ran it outside a transaction.
    pub no_transaction: bool,
}

/// A schemaflow migration file made from a source migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedFile {
    /// `YYYYMMDDHHMM_name.rs`.
    pub file_name: String,
    /// Its text.
    pub text: String,
    /// The source migration.
    pub source: SourceMigration,
    /// What the conversion decided, for the report.
    pub notes: Vec<String>,
}

/// Reads a sqlx, diesel or refinery migrations directory, its migrations
/// in their order.
pub fn read_dir(dir: &Path) -> Result<(Tool, Vec<SourceMigration>), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()));
    let diesel: Vec<&PathBuf> = entries.iter().filter(|p| p.is_dir() && p.join("up.sql").is_file()).collect();
    if !diesel.is_empty() {
        let mut out = Vec::new();
        for d in diesel {
            let base = name_of(d);
            let (version, name) = base.split_once('_').unwrap_or((base.as_str(), ""));
            let down = d.join("down.sql");
            let metadata = d.join("metadata.toml");
            let no_transaction = metadata.is_file()
                && read(&metadata)?
                    .lines()
                    .any(|l| l.replace(' ', "").to_ascii_lowercase().starts_with("run_in_transaction=false"));
            out.push(SourceMigration {
                version: version.to_owned(),
                name: name.to_owned(),
                origin: format!("{base}/"),
                up: read(&d.join("up.sql"))?,
                down: if down.is_file() { Some(read(&down)?) } else { None },
                no_transaction,
            });
        }
        return Ok((Tool::Diesel, out));
    }
    let sql: Vec<&PathBuf> = entries.iter().filter(|p| p.is_file() && name_of(p).ends_with(".sql")).collect();
    if sql.is_empty() {
        return Err(format!(
            "`{}` holds no migrations: expected sqlx (`<version>_<name>.sql`), diesel (`<version>_<name>/up.sql`) or refinery (`V<n>__<name>.sql`) files",
            dir.display()
        ));
    }
    let refinery = sql.iter().all(|p| {
        let n = name_of(p);
        n.starts_with('V')
            && n[1..].split_once("__").is_some_and(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    });
    let mut out: Vec<SourceMigration> = Vec::new();
    for p in sql {
        let file = name_of(p);
        let stem = file.trim_end_matches(".sql");
        if refinery {
            let (version, name) = stem[1..].split_once("__").unwrap_or((stem, ""));
            let up = read(p)?;
            let no_transaction =
                first_comment_says(&up, "refinery:notransaction") || first_comment_says(&up, "refinery:no-transaction");
            out.push(SourceMigration {
                version: version.to_owned(),
                name: name.to_owned(),
                origin: file.clone(),
                up,
                down: None,
                no_transaction,
            });
            continue;
        }
        if stem.ends_with(".down") {
            continue;
        }
        let base = stem.trim_end_matches(".up");
        let (version, name) = base.split_once('_').unwrap_or((base, ""));
        let down_file = p.with_file_name(format!("{base}.down.sql"));
        let up = read(p)?;
        out.push(SourceMigration {
            version: version.to_owned(),
            name: name.to_owned(),
            origin: file.clone(),
            no_transaction: first_comment_says(&up, "no-transaction"),
            up,
            down: if stem.ends_with(".up") && down_file.is_file() { Some(read(&down_file)?) } else { None },
        });
    }
    // Both tools order by the numeric version.
    out.sort_by_key(|m| m.version.parse::<u64>().unwrap_or(u64::MAX));
    Ok((if refinery { Tool::Refinery } else { Tool::Sqlx }, out))
}

/// Whether the first line of `sql` is a comment saying `marker` (spaces
/// and case aside).
fn first_comment_says(sql: &str, marker: &str) -> bool {
    let first = sql.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    first.trim_start().starts_with("--")
        && first.trim_start_matches('-').replace(' ', "").to_ascii_lowercase().starts_with(marker)
}

/// The first version imported files get when the source's versions are
/// not timestamps.
const FIRST_MINUTE: u64 = 200_001_010_000;

/// A source version as `YYYYMMDDHHMM`, when it is a timestamp to the
/// minute or finer (`20220101123456`, `2019-02-26-152226`).
fn minute_of(version: &str) -> Option<u64> {
    let digits: String = version.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 12 || version.chars().any(|c| !c.is_ascii_digit() && c != '-' && c != '_') {
        return None;
    }
    let minute: u64 = digits[..12].parse().ok()?;
    let (month, day, hour, min) = (minute / 1_000_000 % 100, minute / 10_000 % 100, minute / 100 % 100, minute % 100);
    ((1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && min < 60 && minute >= FIRST_MINUTE)
        .then_some(minute)
}

/// A description in schemaflow's form: lowercase words and underscores,
/// starting with a letter.
fn description(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    match out.chars().next() {
        None => "imported".to_owned(),
        Some(c) if !c.is_ascii_alphabetic() => format!("m_{out}"),
        Some(_) => out,
    }
}

/// `text` as a Rust raw string literal that holds it exactly.
fn raw_literal(text: &str) -> String {
    crate::dsl::render::raw_string(&format!("\n{}\n", text.trim_matches('\n')))
}

/// Whether `sql` holds anything besides comments and blank space.
fn has_statements(sql: &str) -> bool {
    sql.lines().map(|l| l.split("--").next().unwrap_or_default().trim()).any(|l| !l.is_empty() && l != ";")
}

/// The schemaflow files for `migrations`, in order, for a crate that
/// targets `targets` (whose SQL is read as PostgreSQL's when it is one).
pub fn convert(tool: Tool, migrations: &[SourceMigration], targets: &crate::Targets) -> Vec<ImportedFile> {
    let flavor = Flavor::for_targets(targets);
    let also_sqlite = flavor == Flavor::Postgres && targets.sqlite;
    // The schema the migrations build, so that each statement is read
    // against the tables before it.
    let mut schema = crate::schema::Schema::new();
    let mut last: Option<u64> = None;
    let mut out = Vec::new();
    for m in migrations {
        let mut notes = Vec::new();
        let wanted = minute_of(&m.version);
        let version = match (wanted, last) {
            (Some(v), Some(l)) if v > l => v,
            (Some(v), None) => v,
            (_, Some(l)) => next_minute(l),
            (None, None) => FIRST_MINUTE,
        };
        if wanted != Some(version) {
            notes.push(format!("version `{}` is `{version}` here", m.version));
        }
        last = Some(version);
        let name = description(&m.name);
        let mut text = format!(
            "// Imported from {}: `{}` (version {}).\n",
            tool.name(),
            m.origin,
            if m.version.is_empty() { "none" } else { &m.version }
        );
        if m.no_transaction {
            text.push_str("// The source ran it outside a transaction: schemaflow runs the statements that must\n// (CREATE INDEX CONCURRENTLY and the like) outside one by itself.\n");
            notes.push("ran outside a transaction in the source".to_owned());
        }
        text.push_str("schemaflow::migration! {\n");
        // Read against the schema before it (which this advances past it).
        let converted = if has_statements(&m.up) {
            steps::body(&m.up, m.down.as_deref(), &mut schema, flavor, also_sqlite)
        } else {
            None
        };
        if let Some(body) = converted {
            text.push_str(&body.text);
            text.push_str("}\n");
            notes.extend(body.notes);
            if m.down.is_none() {
                notes.push("no down migration in the source: the way back is derived where it can be".to_owned());
            }
            out.push(ImportedFile { file_name: format!("{version}_{name}.rs"), text, source: m.clone(), notes });
            continue;
        }
        let up = if has_statements(&m.up) {
            m.up.clone()
        } else {
            notes.push("its up SQL holds no statement".to_owned());
            "SELECT 1".to_owned()
        };
        text.push_str(&format!("    sql {}", raw_literal(&up)));
        match &m.down {
            Some(down) if has_statements(down) => text.push_str(&format!("\n    down {}", raw_literal(down))),
            Some(_) => {
                notes.push("its down SQL holds no statement: the way back is derived where it can be".to_owned());
            }
            None => notes.push("no down migration in the source: the way back is derived where it can be".to_owned()),
        }
        text.push_str(";\n}\n");
        out.push(ImportedFile { file_name: format!("{version}_{name}.rs"), text, source: m.clone(), notes });
    }
    out
}

/// What the rules say of one imported file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It compiles: checked against the files before it, nothing rejected.
    Compiles,
    /// It does not compile: each error, with its rule code.
    Rejected(Vec<String>),
    /// An earlier file does not apply, so this one could not be checked
    /// against the schema before it (the compiler says the same): the
    /// name of that file.
    Unchecked(String),
}

impl Verdict {
    /// The errors that reject the file; none when it compiles or was not checked.
    pub fn errors(&self) -> &[String] {
        match self {
            Verdict::Rejected(errors) => errors,
            _ => &[],
        }
    }
}

/// What the rules say of each imported file, checked in order against the
/// files before it, as `migration!` checks it.
pub fn verdicts(dir: &Path, files: &[ImportedFile], targets: &crate::Targets) -> Vec<Verdict> {
    use std::str::FromStr;
    crate::dsl::clear_cache();
    files
        .iter()
        .map(|f| {
            let path = dir.join(&f.file_name);
            let Ok(tokens) = proc_macro2::TokenStream::from_str(&f.text) else {
                return Verdict::Rejected(vec!["the file does not lex as Rust".to_owned()]);
            };
            let Some(body) = crate::dsl::find_migration_body(tokens) else {
                return Verdict::Rejected(vec!["no `migration!` in the file".to_owned()]);
            };
            let invocation = crate::dsl::Invocation { file: Some(path), targets: targets.clone() };
            match crate::dsl::check_migration(body, &invocation) {
                Ok(checked) => match checked.warnings.iter().find_map(|(_, w)| crate::dsl::unchecked_because(w)) {
                    Some(earlier) => Verdict::Unchecked(earlier),
                    None => Verdict::Compiles,
                },
                Err(e) => Verdict::Rejected(e.into_iter().map(|e| e.to_string()).collect()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
