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

/// `text` (a database URL, or what was given as one) with every password
/// replaced by `***`: the one in a URL's user information (also when it
/// holds `/`, `:` or `@`, or the URL has one slash or none after its
/// scheme), and every `password=` value, in a query string or a
/// `key=value` connection string (quoted or not). Every message, output
/// format and log line that shows a database goes through it.
pub fn redact(text: &str) -> String {
    redact_parameters(&redact_user_info(text))
}

/// URL schemes whose `scheme:` prefix is never a user name.
const SCHEMES: &[&str] = &["postgres", "postgresql", "sqlite", "mysql", "mariadb"];

/// The password of `user:password@` hidden: everything between the first
/// `:` after the scheme and the last `@` before the query string.
fn redact_user_info(text: &str) -> String {
    let query = text.find('?').unwrap_or(text.len());
    let Some(at) = text[..query].rfind('@') else { return text.to_owned() };
    // Where the user information starts: after `scheme:` and its slashes.
    let start = match text.find(':') {
        Some(colon) => {
            let scheme = &text[..colon];
            let slashes = text[colon + 1..].bytes().take_while(|b| *b == b'/').count();
            let is_scheme = !scheme.is_empty()
                && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
                && (slashes > 0 || SCHEMES.iter().any(|k| scheme.eq_ignore_ascii_case(k)));
            if is_scheme && colon < at { colon + 1 + slashes } else { 0 }
        }
        None => 0,
    };
    match text[start..at].find(':') {
        Some(colon) => format!("{}:***{}", &text[..start + colon], &text[at..]),
        None => text.to_owned(),
    }
}

/// Every `password=value` (any case, spaces around `=` allowed) hidden; a
/// value ends at a space or `&`, or at its closing quote when quoted.
fn redact_parameters(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("password") {
        let key_end = from + found + "password".len();
        from = key_end;
        let after_key = text[key_end..].len() - text[key_end..].trim_start().len();
        let Some(value) = text[key_end + after_key..].strip_prefix('=') else { continue };
        let value_start = text.len() - value.trim_start().len();
        let rest = &text[value_start..];
        let value_len = match rest.strip_prefix('\'') {
            Some(quoted) => {
                let mut end = None;
                let mut escaped = false;
                for (i, c) in quoted.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '\'' if !escaped => {
                            end = Some(i + 2);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                end.unwrap_or(rest.len())
            }
            None => rest.find(|c: char| c.is_whitespace() || c == '&').unwrap_or(rest.len()),
        };
        out.push_str(&text[last..value_start]);
        out.push_str("***");
        last = value_start + value_len;
        from = last;
    }
    out.push_str(&text[last..]);
    out
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
        assert_eq!(redact("host=db password='a b' dbname=x"), "host=db password=*** dbname=x");
    }

    #[test]
    fn no_url_shape_shows_its_password() {
        let shapes = [
            "postgres://app:S3cret@db:5432/prod",
            "postgresql://app:S3cret@db/prod?sslmode=require",
            "postgres://app:pa/S3cret@db/prod",
            "postgres://app:p@S3cret@db/prod",
            "postgres://app:S3cret:x@db/prod",
            "postgres:/app:S3cret@db/prod",
            "postgres:app:S3cret@db/prod",
            "postgres://app:S3cret@/prod?host=/var/run/postgresql",
            "app:S3cret@db/prod",
            "postgres://db/prod?user=app&password=S3cret",
            "postgres://db/prod?user=app&PASSWORD=S3cret&sslmode=disable",
            "host=db user=app password=S3cret dbname=prod",
            "host=db user=app password = S3cret dbname=prod",
            "host=db password='S3cret with spaces' dbname=prod",
            "host=db password='S3cret \\' quoted' dbname=prod",
            "mysql://root:S3cret@db/prod",
        ];
        for url in shapes {
            let shown = redact(url);
            assert!(!shown.contains("S3cret"), "{url} → {shown}");
            let refused = DatabaseUrl::parse(url).err().unwrap_or_default();
            assert!(!refused.contains("S3cret"), "{url} → {refused}");
        }
        // What is not a password stays readable.
        assert_eq!(redact("postgres://app:***@db/prod"), "postgres://app:***@db/prod");
        assert_eq!(redact("host=db dbname=prod"), "host=db dbname=prod");
    }
}
