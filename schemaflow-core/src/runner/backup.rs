//! `run --backup`: where a backup goes unless told, the checks on its file,
//! and the `pg_dump` call. The backends take the backup itself
//! ([`super::Backend::backup`]) and record it.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
use std::path::Path;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

#[cfg(any(feature = "sqlite", feature = "postgres"))]
use super::ExecError;
use crate::database_url::DatabaseUrl;

/// `now` in UTC as `YYYYMMDDTHHMMSSZ`, for file names that sort by time.
pub fn utc_stamp(now: SystemTime) -> String {
    let secs = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let second_of_day = secs % 86_400;
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
    let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
    format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
}

/// Where `run --backup` writes unless given a path: beside a SQLite file
/// (`app.db` → `app.db.20261204T081500Z.backup`); for PostgreSQL, in the
/// current directory, named after the database (`shop.20261204T081500Z.dump`,
/// a `pg_dump --format=custom` archive for `pg_restore`).
pub fn default_path(url: &DatabaseUrl, now: SystemTime) -> PathBuf {
    let stamp = utc_stamp(now);
    match url {
        DatabaseUrl::Sqlite(path) => {
            let mut name = path.as_os_str().to_owned();
            name.push(format!(".{stamp}.backup"));
            PathBuf::from(name)
        }
        DatabaseUrl::Postgres(text) => {
            let database = text
                .split('?')
                .next()
                .and_then(|base| base.rsplit_once('/'))
                .map(|(_, db)| db)
                .filter(|db| !db.is_empty() && !db.contains('@') && !db.contains(':'))
                .unwrap_or("postgres");
            PathBuf::from(format!("{database}.{stamp}.dump"))
        }
    }
}

/// Creates `dest` (and its directory), refusing to overwrite an existing
/// file: a backup never replaces another.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn create_new(dest: &Path) -> Result<std::fs::File, ExecError> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| cannot_write(dest, e))?;
    }
    std::fs::OpenOptions::new().write(true).create_new(true).open(dest).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            ExecError::Database(format!(
                "the backup file {} exists already; a backup never overwrites another: choose another path",
                dest.display()
            ))
        } else {
            cannot_write(dest, e)
        }
    })
}

/// The error of a backup file that cannot be written.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn cannot_write(dest: &Path, e: impl std::fmt::Display) -> ExecError {
    ExecError::Database(format!("cannot write the backup {}: {e}", dest.display()))
}

/// The `pg_dump` to run: `SCHEMAFLOW_PG_DUMP`, else the one on `PATH`.
#[cfg(feature = "postgres")]
fn pg_dump_program() -> std::ffi::OsString {
    std::env::var_os("SCHEMAFLOW_PG_DUMP").unwrap_or_else(|| "pg_dump".into())
}

/// Dumps the database at `url` to `dest` with `pg_dump --format=custom`
/// (restore with `pg_restore --clean --dbname=…`); a failed dump leaves no
/// file behind.
#[cfg(feature = "postgres")]
pub(crate) fn pg_dump(url: &str, dest: &Path) -> Result<(), ExecError> {
    create_new(dest)?;
    let program = pg_dump_program();
    let output = std::process::Command::new(&program)
        .arg("--format=custom")
        .arg("--no-password")
        .arg(format!("--file={}", dest.display()))
        .arg(format!("--dbname={url}"))
        .stdin(std::process::Stdio::null())
        .output();
    let failure = match output {
        Ok(out) if out.status.success() => return Ok(()),
        Ok(out) => format!(
            "{} failed ({}): {}",
            program.to_string_lossy(),
            out.status,
            crate::database_url::redact(String::from_utf8_lossy(&out.stderr).trim())
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
            "{} was not found: install the PostgreSQL client tools of the server's major version or newer, or set SCHEMAFLOW_PG_DUMP to its path; or take your provider's snapshot and run without --backup",
            program.to_string_lossy()
        ),
        Err(e) => format!("cannot run {}: {e}", program.to_string_lossy()),
    };
    let _ = std::fs::remove_file(dest);
    Err(ExecError::Database(format!("the backup was not taken, so nothing ran: {failure}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_are_named_by_database_and_utc_time() {
        let at = UNIX_EPOCH + std::time::Duration::from_secs(1_796_372_100); // 2026-12-04 08:15:00 UTC
        assert_eq!(utc_stamp(at), "20261204T081500Z");
        assert_eq!(
            default_path(&DatabaseUrl::Sqlite("data/app.db".into()), at),
            PathBuf::from("data/app.db.20261204T081500Z.backup")
        );
        assert_eq!(
            default_path(&DatabaseUrl::Postgres("postgres://u:p@db.internal:5432/shop?sslmode=require".into()), at),
            PathBuf::from("shop.20261204T081500Z.dump")
        );
        assert_eq!(
            default_path(&DatabaseUrl::Postgres("postgres://u@host".into()), at),
            PathBuf::from("postgres.20261204T081500Z.dump")
        );
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn a_backup_never_overwrites_another() {
        let dir = std::env::temp_dir().join(format!("schemaflow-backup-{}", std::process::id()));
        let dest = dir.join("nested/app.backup");
        create_new(&dest).unwrap();
        let e = create_new(&dest).unwrap_err();
        assert!(matches!(&e, ExecError::Database(m) if m.contains("exists already")), "{e:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
