//! Database URLs: which backend, where, and how to print one without its
//! password.

use std::path::PathBuf;

/// A parsed database URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path/to/file.db` (relative to the current directory) or
    /// `sqlite:///absolute/path.db`.
    Sqlite(PathBuf),
    /// `postgres://user:password@host:port/database` (or `postgresql://`).
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a URL, or says what is wrong with it (with the password redacted).
    pub fn parse(url: &str) -> Result<DatabaseUrl, String> {
        if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(format!("`{}` names no file: write `sqlite://path/to/file.db`", redact(url)));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        Err(format!(
            "`{}` is not a database URL schemaflow knows: use `sqlite://path/to/file.db` or `postgres://user@host/database`",
            redact(url)
        ))
    }
}

/// `url` with the password, if any, replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_owned() };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return redact_query(url);
    };
    let credentials = &authority[..at];
    let redacted = match credentials.split_once(':') {
        Some((user, _)) => format!("{user}:***"),
        None => credentials.to_owned(),
    };
    redact_query(&format!("{}{}{}", &url[..scheme_end + 3], redacted, &rest[at..]))
}

/// Also hides `password=` in a query string.
fn redact_query(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else { return url.to_owned() };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_and_postgres() {
        assert_eq!(DatabaseUrl::parse("sqlite://app.db").unwrap(), DatabaseUrl::Sqlite("app.db".into()));
        assert_eq!(DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(), DatabaseUrl::Sqlite("/tmp/x.db".into()));
        assert!(matches!(DatabaseUrl::parse("postgres://u@h/db"), Ok(DatabaseUrl::Postgres(_))));
        let err = DatabaseUrl::parse("mysql://root:hunter2@h/db").unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/prod"), "postgres://app:***@db:5432/prod");
        assert_eq!(redact("postgres://app@db/prod"), "postgres://app@db/prod");
        assert_eq!(redact("postgres://db/prod?user=a&password=x"), "postgres://db/prod?user=a&password=***");
        assert_eq!(redact("sqlite://app.db"), "sqlite://app.db");
    }
}
