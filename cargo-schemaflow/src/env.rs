//! Where the database URL comes from: `--database-url`, then the
//! `DATABASE_URL` environment variable, then a `.env` file (in the current
//! directory, the package's or the workspace root), then the default: a
//! SQLite file `schemaflow.db` in the package's directory.

use std::path::Path;

/// The database URL to use, and where it came from (for `-v`).
pub fn database_url(flag: Option<&str>, package_dir: &Path, workspace_root: &Path) -> (String, String) {
    if let Some(url) = flag {
        return (url.to_owned(), "--database-url".into());
    }
    if let Ok(url) = std::env::var("DATABASE_URL")
        && !url.is_empty()
    {
        return (url, "DATABASE_URL".into());
    }
    let candidates =
        [std::env::current_dir().unwrap_or_default(), package_dir.to_path_buf(), workspace_root.to_path_buf()];
    for dir in candidates {
        let file = dir.join(".env");
        if let Some(url) = std::fs::read_to_string(&file).ok().and_then(|text| from_dotenv(&text)) {
            return (url, file.display().to_string());
        }
    }
    (format!("sqlite://{}", package_dir.join("schemaflow.db").display()), "the default".into())
}

/// `DATABASE_URL` from the text of a `.env` file.
pub fn from_dotenv(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (key, value) = line.split_once('=')?;
        (key.trim() == "DATABASE_URL").then(|| value.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dotenv() {
        assert_eq!(from_dotenv("# c\nFOO=1\nexport DATABASE_URL=\"sqlite://x.db\"\n"), Some("sqlite://x.db".into()));
        assert_eq!(from_dotenv("FOO=1\n"), None);
    }
}
