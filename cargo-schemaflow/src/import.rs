//! `cargo schemaflow import DIR`: another tool's migrations as this
//! package's migration files (see [`schemaflow_core::import`]), with the
//! rules' verdict on each.

use std::path::Path;
use std::process::ExitCode;

use schemaflow_core::import;

use crate::discover::MigrationPackage;

/// Converts `dir`, checks every file against the ones before it, writes
/// them into the package (unless `dry_run`) and reports.
pub fn run(package: &MigrationPackage, dir: &Path, dry_run: bool, quiet: bool) -> Result<ExitCode, String> {
    let (tool, migrations) = import::read_dir(dir)?;
    if package.migrations.exists() {
        let existing = schemaflow_core::files::scan_dir(&package.migrations).map_err(|p| p.join("\n"))?;
        if !existing.is_empty() {
            return Err(format!(
                "`{}` already holds {} migrations: import into a package without any, so that the imported history comes first",
                package.migrations.display(),
                existing.len()
            ));
        }
    }
    let targets = schemaflow_core::dsl::targets_of(&package.migrations.join("x.rs"))?;
    let files = import::convert(tool, &migrations, &targets);
    // The verdicts replay the files in order, as the compiler will: in a
    // scratch copy of the package (its manifest, which the replay reads
    // the targets from, and the files), so that a dry run writes nothing.
    let scratch = std::env::temp_dir().join(format!("schemaflow-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let scratch_migrations = scratch.join("migrations");
    std::fs::create_dir_all(&scratch_migrations).map_err(|e| format!("cannot create `{}`: {e}", scratch.display()))?;
    std::fs::copy(package.dir.join("Cargo.toml"), scratch.join("Cargo.toml"))
        .map_err(|e| format!("cannot copy the package's Cargo.toml: {e}"))?;
    for f in &files {
        std::fs::write(scratch_migrations.join(&f.file_name), &f.text).map_err(|e| format!("cannot write: {e}"))?;
    }
    let verdicts = import::verdicts(&scratch_migrations, &files, &targets);
    let _ = std::fs::remove_dir_all(&scratch);
    if !dry_run {
        for f in &files {
            let (version, name) = schemaflow_core::files::parse_file_stem(f.file_name.trim_end_matches(".rs"))?;
            let created = crate::new::create_with(package, &name, version, &f.text)?;
            if !quiet {
                for note in created.notes {
                    println!("  {note}");
                }
            }
        }
    }
    let verb = if dry_run { "Would import" } else { "Imported" };
    println!(
        "{verb} {} {} migrations from {} into {}:",
        files.len(),
        tool.name(),
        dir.display(),
        package.migrations.display()
    );
    let rejected = verdicts.iter().filter(|v| matches!(v, import::Verdict::Rejected(_))).count();
    let unchecked = verdicts.iter().filter(|v| matches!(v, import::Verdict::Unchecked(_))).count();
    for (f, verdict) in files.iter().zip(&verdicts) {
        let notes = if f.notes.is_empty() { String::new() } else { format!(" ({})", f.notes.join("; ")) };
        match verdict {
            import::Verdict::Compiles => println!("  {}: compiles{notes}", f.file_name),
            import::Verdict::Unchecked(earlier) => {
                println!("  {}: not checked, `{earlier}` does not apply before it{notes}", f.file_name)
            }
            import::Verdict::Rejected(errors) => {
                println!("  {}: rejected{notes}", f.file_name);
                for error in errors {
                    // The first line: rule code, name and what is wrong.
                    println!("      {}", error.lines().next().unwrap_or_default());
                }
            }
        }
    }
    let checked = files.len() - unchecked;
    println!(
        "{} compile, {rejected} would be rejected{}{}",
        checked - rejected,
        if unchecked > 0 {
            format!(
                ", {unchecked} not checked (they come after a file that does not apply: fix that one, then `cargo build` checks them)"
            )
        } else {
            String::new()
        },
        if rejected > 0 {
            ": `cargo build` shows each rejection with its help; rewrite the step, or acknowledge the rule with a reason where it is safe"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}
