//! Migration files on disk: the `YYYYMMDDHHMM_description.rs` naming
//! scheme and the scan of a migrations directory.

use std::path::{Path, PathBuf};

/// A migration file found in a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationFile {
    /// `YYYYMMDDHHMM` as a number.
    pub version: u64,
    /// The description after the underscore.
    pub name: String,
    /// Full path of the file.
    pub path: PathBuf,
}

/// Splits a file stem such as `202611241530_add_user_verified` into its
/// version and description, or says what is wrong with it.
pub fn parse_file_stem(stem: &str) -> Result<(u64, String), String> {
    let expected = "migration files are named `YYYYMMDDHHMM_description.rs`, e.g. `202611241530_add_user_verified.rs`";
    let Some((stamp, name)) = stem.split_once('_') else {
        return Err(format!("`{stem}.rs` has no `_description`: {expected}"));
    };
    if stamp.len() != 12 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{stem}.rs` does not start with a 12-digit timestamp: {expected}"));
    }
    let field = |range: std::ops::Range<usize>| stamp[range].parse::<u32>().unwrap_or(0);
    let (month, day, hour, minute) = (field(4..6), field(6..8), field(8..10), field(10..12));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return Err(format!("`{stem}.rs`: `{stamp}` is not a valid date and time (YYYYMMDDHHMM)"));
    }
    if !is_snake_case(name) {
        return Err(format!(
            "`{stem}.rs`: the description `{name}` is not snake_case (lowercase letters, digits and single underscores, starting with a letter)"
        ));
    }
    let version = stamp.parse::<u64>().map_err(|e| format!("`{stem}.rs`: {e}"))?;
    Ok((version, name.to_owned()))
}

/// Whether `s` is snake_case: `[a-z][a-z0-9]*(_[a-z0-9]+)*`.
pub fn is_snake_case(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.split('_')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Lists the migration files of `dir` in version order. Files that do not
/// end in `.rs` are ignored; `.rs` files with a bad name, and two files with
/// the same version, are errors (all of them, each naming its file).
pub fn scan_dir(dir: &Path) -> Result<Vec<MigrationFile>, Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| vec![format!("cannot read migrations directory `{}`: {e}", dir.display())])?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(format!("cannot read migrations directory `{}`: {e}", dir.display()));
                continue;
            }
        };
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") || !path.is_file() {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            errors.push(format!("`{}`: the file name is not UTF-8", path.display()));
            continue;
        };
        match parse_file_stem(stem) {
            Ok((version, name)) => files.push(MigrationFile { version, name, path }),
            Err(e) => errors.push(e),
        }
    }
    files.sort_by(|a, b| a.version.cmp(&b.version).then_with(|| a.name.cmp(&b.name)));
    for pair in files.windows(2) {
        if pair[0].version == pair[1].version {
            errors.push(format!(
                "`{}_{}.rs` and `{}_{}.rs` have the same version {}: give one of them a later timestamp",
                pair[0].version, pair[0].name, pair[1].version, pair[1].name, pair[0].version
            ));
        }
    }
    if errors.is_empty() { Ok(files) } else { Err(errors) }
}

/// The minute after `version` (`YYYYMMDDHHMM`), across hours, days,
/// months and years.
pub fn next_minute(version: u64) -> u64 {
    let (date, hour, minute) = (version / 10_000, version / 100 % 100, version % 100);
    if minute < 59 {
        return version + 1;
    }
    if hour < 23 {
        return date * 10_000 + (hour + 1) * 100;
    }
    // The next day: a day past the month's end reads as the first of the next.
    let (year, month, day) = (date / 10_000, date / 100 % 100, date % 100);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let (year, month, day) = match (day < days, month < 12) {
        (true, _) => (year, month, day + 1),
        (false, true) => (year, month + 1, 1),
        (false, false) => (year + 1, 1, 1),
    };
    (year * 10_000 + month * 100 + day) * 10_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_names() {
        assert_eq!(
            parse_file_stem("202611241530_add_user_verified").unwrap(),
            (202611241530, "add_user_verified".into())
        );
        assert_eq!(parse_file_stem("202601010000_v2").unwrap().1, "v2");
    }

    #[test]
    fn rejects_bad_names() {
        for bad in [
            "20261124_add",
            "202611241530",
            "202611241530_AddUser",
            "202611241530_add__user",
            "202611241530_add-user",
            "202611241530_1st",
            "202613241530_add",
            "202611241560_add",
            "2026112415301_add",
            "x02611241530_add",
        ] {
            assert!(parse_file_stem(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn scan_reports_duplicates_and_bad_names_and_ignores_other_files() {
        let dir = std::env::temp_dir().join(format!("sf-scan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["202601010000_a.rs", "202601010000_b.rs", "202601020000_c.rs", "notes.md", "Bad.rs"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let errors = scan_dir(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("same version 202601010000")));
        assert!(errors.iter().any(|e| e.contains("Bad.rs")));
    }
}
