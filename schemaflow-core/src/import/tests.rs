//! Importing sqlx, diesel and refinery directories: the files, their
//! versions and order, and what the rules say of them; an imported history
//! applies and rolls back.

use std::path::{Path, PathBuf};

use super::*;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("schemaflow-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes the files into `into` and returns each one's verdict.
fn import_into(source: &Path, into: &Path, targets: &crate::Targets) -> (Tool, Vec<ImportedFile>, Vec<Verdict>) {
    let (tool, migrations) = read_dir(source).unwrap();
    let files = convert(tool, &migrations, targets);
    for f in &files {
        std::fs::write(into.join(&f.file_name), &f.text).unwrap();
    }
    let verdicts = verdicts(into, &files, targets);
    (tool, files, verdicts)
}

#[test]
fn a_sqlx_directory_keeps_its_order_and_its_down_migrations() {
    let source = dir("sqlx");
    write(
        &source,
        "20220301101500_create_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE UNIQUE INDEX users_email ON users (email);",
    );
    write(&source, "20220301101500_create_users.down.sql", "DROP TABLE users;");
    write(&source, "20220301101530_add_name.up.sql", "ALTER TABLE users ADD COLUMN name TEXT;");
    write(&source, "20220301101530_add_name.down.sql", "ALTER TABLE users DROP COLUMN name;");
    write(&source, "20220415090000_drop_email.up.sql", "-- no-transaction\nALTER TABLE users DROP COLUMN email;");
    let into = dir("sqlx-into");
    let (tool, files, verdicts) = import_into(&source, &into, &crate::Targets::default());
    assert_eq!(tool, Tool::Sqlx);
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    // Two migrations in one minute: the second takes the next.
    assert_eq!(names, ["202203011015_create_users.rs", "202203011016_add_name.rs", "202204150900_drop_email.rs"]);
    assert!(files[1].notes.iter().any(|n| n.contains("`20220301101530` is `202203011016`")), "{:?}", files[1].notes);
    // Statements that map one to one are DSL steps; the down that does
    // what the derived way back does is left to it.
    // (`id INTEGER PRIMARY KEY` is SQLite's rowid, which the DSL's `i32`
    // would not be: it stays as written in a crate that targets SQLite.)
    assert!(files[0].text.contains("    sql r#\"\nCREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)\n\"#;\n    create_index users_email on users(email) unique;\n"), "{}", files[0].text);
    assert!(!files[0].text.contains("down"), "{}", files[0].text);
    assert!(files[0].notes.iter().any(|n| n.contains("the way back is derived")), "{:?}", files[0].notes);
    assert!(
        files[1].text.contains("    alter_table users {\n        add_column name: Option<String>,\n    }\n"),
        "{}",
        files[1].text
    );
    assert!(files[2].notes.iter().any(|n| n.contains("outside a transaction")));
    assert_eq!(verdicts[0], Verdict::Compiles);
    assert_eq!(verdicts[1], Verdict::Compiles);
    // Dropping a column of a table in use: rejected, with its rule code.
    assert!(verdicts[2].errors().iter().any(|v| v.contains("SF009")), "{:?}", verdicts[2]);

    // The imported history applies and rolls back.
    let migrations: Vec<_> = files[..2].iter().map(|f| crate::dsl::load(&into.join(&f.file_name)).unwrap()).collect();
    let mut db = crate::runner::sqlite::SqliteBackend::in_memory().unwrap();
    let options = crate::dialect::Options::default();
    assert_eq!(crate::runner::run(&mut db, &migrations, None, &options, &mut |_| {}).unwrap(), 2);
    db.connection().execute_batch("INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ada')").unwrap();
    let back = crate::runner::RollbackTarget::Steps(2);
    assert_eq!(crate::runner::rollback(&mut db, &migrations, back, &options, &mut |_| {}).unwrap(), 2);
    let left: i64 =
        db.connection().query_row("SELECT count(*) FROM sqlite_master WHERE name = 'users'", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_diesel_directory_with_its_setup_migration_and_metadata() {
    let source = dir("diesel");
    write(&source, "00000000000000_diesel_initial_setup/up.sql", "-- This file was automatically created by Diesel\n");
    write(&source, "00000000000000_diesel_initial_setup/down.sql", "-- nothing\n");
    write(
        &source,
        "2019-02-26-152226_create_posts/up.sql",
        "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, title TEXT NOT NULL);",
    );
    write(&source, "2019-02-26-152226_create_posts/down.sql", "DROP TABLE posts;");
    write(&source, "2019-03-01-080000_index_titles/up.sql", "CREATE INDEX CONCURRENTLY posts_title ON posts (title);");
    write(&source, "2019-03-01-080000_index_titles/down.sql", "DROP INDEX posts_title;");
    write(&source, "2019-03-01-080000_index_titles/metadata.toml", "run_in_transaction = false\n");
    let into = dir("diesel-into");
    // A PostgreSQL project: `BIGSERIAL` is fine there.
    let postgres = crate::Targets { sqlite: false, ..crate::Targets::default() };
    let (tool, files, verdicts) = import_into(&source, &into, &postgres);
    assert_eq!(tool, Tool::Diesel);
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(
        names,
        ["200001010000_diesel_initial_setup.rs", "201902261522_create_posts.rs", "201903010800_index_titles.rs"]
    );
    assert!(files[0].notes.iter().any(|n| n.contains("holds no statement")), "{:?}", files[0].notes);
    assert!(files[2].notes.iter().any(|n| n.contains("outside a transaction")));
    assert!(files[1].text.starts_with("// Imported from diesel: `2019-02-26-152226_create_posts/`"));
    assert!(verdicts[0] == Verdict::Compiles && verdicts[1] == Verdict::Compiles, "{verdicts:?}");
    // The source's way back dropped the index with a lock; the derived one,
    // which leaves the same schema, drops it concurrently.
    assert!(files[2].text.contains("create_index posts_title on posts(title) concurrently;"), "{}", files[2].text);
    assert!(!files[2].text.contains("down"), "{}", files[2].text);
    assert_eq!(verdicts[2], Verdict::Compiles);
    assert!(files[1].text.contains("id: i64 primary_key identity,"), "{}", files[1].text);
}

#[test]
fn a_refinery_directory_gets_minutes_in_its_order() {
    let source = dir("refinery");
    write(&source, "V1__initial.sql", "CREATE TABLE items (id BIGINT PRIMARY KEY, label TEXT);");
    write(&source, "V2__add_price.sql", "ALTER TABLE items ADD COLUMN price INTEGER NOT NULL;");
    write(&source, "V10__label_index.sql", "CREATE INDEX items_label ON items (label);");
    let into = dir("refinery-into");
    let (tool, files, verdicts) = import_into(&source, &into, &crate::Targets::default());
    assert_eq!(tool, Tool::Refinery);
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(names, ["200001010000_initial.rs", "200001010001_add_price.rs", "200001010002_label_index.rs"]);
    assert_eq!(verdicts[0], Verdict::Compiles);
    // A NOT NULL column without a default on a table in use; an index
    // built while writes wait.
    assert!(verdicts[1].errors().iter().any(|v| v.contains("SF003")), "{:?}", verdicts[1]);
    assert!(verdicts[2].errors().iter().any(|v| v.contains("SF013")), "{:?}", verdicts[2]);
}

/// A statement with a clause the model does not keep stays raw SQL, as
/// written, between the DSL steps of the others; comments stay; a down
/// that does more than the derived way back is kept.
#[test]
fn what_the_dsl_cannot_say_stays_raw_sql() {
    let source = dir("partial");
    write(
        &source,
        "2020-01-01-000000_create_events/up.sql",
        "-- Events, kept a year.\nCREATE TABLE events (id BIGSERIAL PRIMARY KEY, at TIMESTAMP(3) NOT NULL);\n\
         CREATE TABLE kinds (id INT PRIMARY KEY, label TEXT COLLATE \"C\" NOT NULL);\n\
         CREATE TABLE tags (id INT PRIMARY KEY, label TEXT NOT NULL) WITH (fillfactor = 70);\n\
         -- Looked up by label.\nCREATE INDEX tags_label ON tags (label);\n\
         ALTER TABLE IF EXISTS kinds ADD COLUMN note TEXT;\n\
         ALTER TABLE kinds ADD COLUMN rank INT NOT NULL DEFAULT 0, ADD CONSTRAINT kinds_rank_check CHECK (rank >= 0);\n",
    );
    write(
        &source,
        "2020-01-01-000000_create_events/down.sql",
        "INSERT INTO audit (what) VALUES ('rollback');\nDROP TABLE tags;\nDROP TABLE kinds;\nDROP TABLE events;\n",
    );
    let into = dir("partial-into");
    let postgres = crate::Targets { sqlite: false, ..crate::Targets::default() };
    let (_, files, verdicts) = import_into(&source, &into, &postgres);
    let text = &files[0].text;
    // A precision, a collation, a storage parameter and `IF EXISTS` on an
    // ALTER TABLE: each statement stays as it was written.
    for raw in [
        "CREATE TABLE events (id BIGSERIAL PRIMARY KEY, at TIMESTAMP(3) NOT NULL)",
        "CREATE TABLE kinds (id INT PRIMARY KEY, label TEXT COLLATE \"C\" NOT NULL)",
        "CREATE TABLE tags (id INT PRIMARY KEY, label TEXT NOT NULL) WITH (fillfactor = 70)",
        "ALTER TABLE IF EXISTS kinds ADD COLUMN note TEXT",
    ] {
        assert!(text.contains(raw), "{raw}\n{text}");
    }
    assert!(text.contains("-- Events, kept a year."), "{text}");
    assert!(text.contains("    // Looked up by label.\n    create_index tags_label on tags(label);\n"), "{text}");
    assert!(
        text.contains("    alter_table kinds {\n        add_column rank: i32 = 0,\n        add_constraint kinds_rank_check check(\"rank >= 0\"),\n    }\n"),
        "{text}"
    );
    // The down writes a row: kept, as the source wrote it.
    assert!(text.contains("    down {\n        sql r#\"\nINSERT INTO audit"), "{text}");
    assert!(
        files[0].notes.iter().any(|n| n.contains("2 statements as DSL steps, 4 kept as raw SQL")),
        "{:?}",
        files[0].notes
    );
    // The rules read both forms alike: the index on a table created in the
    // same migration is fine.
    assert!(verdicts[0].errors().iter().all(|v| !v.contains("SF013")), "{verdicts:?}");
}

/// After a file that does not apply, the report says the later ones were
/// not checked rather than that they compile.
#[test]
fn files_after_one_that_does_not_apply_are_not_called_compiling() {
    let source = dir("broken");
    // PostgreSQL refuses a reference to a table a later migration creates.
    write(
        &source,
        "V1__initial.sql",
        "CREATE TABLE items (id BIGINT PRIMARY KEY, box_id BIGINT REFERENCES boxes (id));",
    );
    write(&source, "V2__boxes.sql", "CREATE TABLE boxes (id BIGINT PRIMARY KEY);");
    let into = dir("broken-into");
    let (_, files, verdicts) = import_into(&source, &into, &crate::Targets::default());
    assert!(verdicts[0].errors().iter().any(|v| v.contains("SF005")), "{verdicts:?}");
    assert_eq!(verdicts[1], Verdict::Unchecked(files[0].file_name.clone()));
}

/// A down with a conversion (`USING`) or a clause the model does not keep
/// is kept, even where the derived way back leaves the same schema; a
/// statement quoted in a comment before it is not taken for it.
#[test]
fn a_down_that_says_more_than_the_model_is_kept() {
    let source = dir("using");
    write(&source, "2020-01-01-000000_create/up.sql", "CREATE TABLE t (id bigint PRIMARY KEY, n integer NOT NULL);");
    write(&source, "2020-01-01-000000_create/down.sql", "DROP TABLE t;");
    write(
        &source,
        "2020-01-02-000000_widen/up.sql",
        "-- was: CREATE INDEX t_n ON t (n)\nALTER TABLE t ALTER COLUMN n TYPE text;\nCREATE INDEX t_n ON t (n);",
    );
    write(
        &source,
        "2020-01-02-000000_widen/down.sql",
        "DROP INDEX t_n;\nALTER TABLE t ALTER COLUMN n TYPE integer USING n::integer;",
    );
    let into = dir("using-into");
    let postgres = crate::Targets { sqlite: false, ..crate::Targets::default() };
    let (_, files, _) = import_into(&source, &into, &postgres);
    let text = &files[1].text;
    assert!(text.contains("    down {\n        sql r#\"\nDROP INDEX t_n;\nALTER TABLE t ALTER COLUMN n TYPE integer USING n::integer;\n"), "{text}");
    assert!(text.contains("    // was: CREATE INDEX t_n ON t (n)\n    alter_table t {\n        set_type n: String,\n    }\n    create_index t_n on t(n);\n"), "{text}");
}

#[test]
fn names_and_literals_survive_what_sources_hold() {
    assert_eq!(description("CreateUsers-Table"), "createusers_table");
    assert_eq!(description("2fa tokens"), "m_2fa_tokens");
    assert_eq!(description(""), "imported");
    assert_eq!(raw_literal("SELECT '\"#'"), "r##\"\nSELECT '\"#'\n\"##");
    assert_eq!(next_minute(202402282359), 202402290000);
    assert_eq!(minute_of("2019-02-26-152226"), Some(201902261522));
    assert_eq!(minute_of("1"), None);
    assert_eq!(minute_of("00000000000000"), None);
}
