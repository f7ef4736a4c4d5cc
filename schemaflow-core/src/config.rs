//! The databases a crate's migrations are written for.
//!
//! Read from `[package.metadata.schemaflow]` in the crate's `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.schemaflow]
//! databases = ["sqlite", "postgres"]   # default: both
//! postgres_min_version = 13            # default: 13
//! ```
//!
//! The rules follow these targets: a PostgreSQL lock hazard is not reported
//! for a crate that only targets SQLite, and a constant default is only a
//! table rewrite before PostgreSQL 11.

/// Target databases and the lowest PostgreSQL major version supported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// Migrations run on SQLite.
    pub sqlite: bool,
    /// Migrations run on PostgreSQL.
    pub postgres: bool,
    /// The lowest PostgreSQL major version the migrations must be safe on.
    pub postgres_min_version: u32,
}

/// The lowest PostgreSQL major version assumed when none is configured.
pub const DEFAULT_POSTGRES_MIN_VERSION: u32 = 13;

impl Default for Targets {
    fn default() -> Targets {
        Targets { sqlite: true, postgres: true, postgres_min_version: DEFAULT_POSTGRES_MIN_VERSION }
    }
}

impl Targets {
    /// Reads `[package.metadata.schemaflow]` from the text of a `Cargo.toml`.
    /// A missing table gives the defaults; a malformed one an error that
    /// names the key.
    pub fn from_cargo_toml(text: &str) -> Result<Targets, String> {
        let mut targets = Targets::default();
        let mut in_section = false;
        for (number, raw) in text.lines().enumerate() {
            let line = strip_comment(raw).trim();
            if line.starts_with('[') {
                in_section = line == "[package.metadata.schemaflow]";
                continue;
            }
            if !in_section || line.is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!("Cargo.toml line {}: expected `key = value`", number + 1));
            };
            let (key, value) = (key.trim(), value.trim());
            match key {
                "databases" => {
                    let list = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).ok_or_else(|| {
                        format!(
                            "Cargo.toml line {}: `databases` must be a list such as [\"sqlite\", \"postgres\"]",
                            number + 1
                        )
                    })?;
                    targets.sqlite = false;
                    targets.postgres = false;
                    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        match item.trim_matches('"') {
                            "sqlite" => targets.sqlite = true,
                            "postgres" | "postgresql" => targets.postgres = true,
                            other => {
                                return Err(format!(
                                    "Cargo.toml line {}: unknown database `{other}` (known: \"sqlite\", \"postgres\")",
                                    number + 1
                                ));
                            }
                        }
                    }
                    if !targets.sqlite && !targets.postgres {
                        return Err(format!("Cargo.toml line {}: `databases` names no database", number + 1));
                    }
                }
                "postgres_min_version" => {
                    targets.postgres_min_version = value.parse().map_err(|_| {
                        format!(
                            "Cargo.toml line {}: `postgres_min_version` must be a major version such as 13",
                            number + 1
                        )
                    })?;
                }
                _ => {} // other keys belong to the CLI (e.g. `database_url`)
            }
        }
        Ok(targets)
    }
}

fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (i, ch) in line.char_indices() {
        match ch {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_section() {
        assert_eq!(Targets::from_cargo_toml("[package]\nname = \"x\"\n").unwrap(), Targets::default());
    }

    #[test]
    fn reads_databases_and_version() {
        let t = Targets::from_cargo_toml(
            "[package]\nname='x'\n[package.metadata.schemaflow]\ndatabases = [\"sqlite\"] # only\npostgres_min_version = 10\n[dependencies]\ndatabases = 3\n",
        )
        .unwrap();
        assert!(t.sqlite && !t.postgres);
        assert_eq!(t.postgres_min_version, 10);
    }

    #[test]
    fn rejects_unknown_database() {
        let err = Targets::from_cargo_toml("[package.metadata.schemaflow]\ndatabases = [\"oracle\"]\n").unwrap_err();
        assert!(err.contains("oracle"), "{err}");
    }
}
