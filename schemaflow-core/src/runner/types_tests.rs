//! The DSL's richer column types on SQLite and PostgreSQL: enums (declared
//! once, used as a column type, a value added later), `Citext` and arrays,
//! each created, enforced, free of drift, and through the way back and
//! forward again.

use super::delete_tests::parse;
use super::*;

fn text(db: &mut dyn ScratchDatabase, sql: &str) -> String {
    let rows = db.query_text(sql).unwrap();
    rows[0][0].clone().unwrap_or_default()
}

fn enums_and_citext(db: &mut dyn ScratchDatabase, mut migrations: Vec<Migration>) {
    migrations.push(parse(
        2,
        "posts",
        r#"create_enum post_status { draft, published, "on hold" }
           create_table posts { id: i64 primary_key, status: Enum<post_status> = "draft", title: Citext unique }"#,
    ));
    migrations.push(parse(3, "archived", r#"alter_enum post_status add_value archived after published"#));
    let options = Options::default();
    let first = migrations.len() - 1;
    run(db, &migrations[..first], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO posts (id, title) VALUES (1, 'Hello')").unwrap();
    db.execute("INSERT INTO posts (id, status, title) VALUES (2, 'on hold', 'Other')").unwrap();
    assert_eq!(text(db, "SELECT CAST(status AS TEXT) FROM posts WHERE id = 1"), "draft", "the enum default");
    assert!(db.execute("INSERT INTO posts (id, status, title) VALUES (3, 'bogus', 'x')").is_err(), "not a value");
    assert!(db.execute("INSERT INTO posts (id, status, title) VALUES (3, 'archived', 'x')").is_err(), "not yet");
    // Citext: compared and unique without regard to case.
    assert_eq!(text(db, "SELECT CAST(count(*) AS TEXT) FROM posts WHERE title = 'HELLO'"), "1");
    assert!(db.execute("INSERT INTO posts (id, title) VALUES (4, 'hello')").is_err(), "unique ignoring case");

    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO posts (id, status, title) VALUES (3, 'archived', 'x')").unwrap();
    assert!(db.execute("INSERT INTO posts (id, status, title) VALUES (5, 'bogus', 'y')").is_err(), "still checked");
    assert_eq!(text(db, "SELECT CAST(count(*) AS TEXT) FROM posts"), "3", "rows kept through the change");
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);

    // The way back leaves the value (PostgreSQL cannot remove one), then
    // drops the table and the type; forward again works.
    rollback(db, &migrations, RollbackTarget::Steps(2), &options, &mut |_| {}).unwrap();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO posts (id, status, title) VALUES (1, 'archived', 'again')").unwrap();
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

#[cfg(feature = "sqlite")]
#[test]
fn enums_and_citext_work_on_sqlite() {
    enums_and_citext(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap(), Vec::new());
}

#[cfg(feature = "postgres")]
#[test]
fn enums_and_citext_work_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("enum_types") else { return };
    let mut backend = crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap();
    enums_and_citext(&mut backend, vec![parse(1, "citext", "create_extension citext")]);
    let kind = text(&mut backend, "SELECT typtype::text FROM pg_type WHERE typname = 'post_status'");
    assert_eq!(kind, "e", "a real enum type");
    let labels = text(
        &mut backend,
        "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE typname = 'post_status'",
    );
    assert_eq!(labels, "draft,published,archived,on hold");
}

#[cfg(feature = "postgres")]
#[test]
fn arrays_work_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("array_types") else { return };
    let db = &mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap();
    let migrations = vec![
        parse(1, "posts", "create_table posts { id: i64 primary_key, tags: Vec<String> = \"{}\" }"),
        parse(2, "scores", "alter_table posts { add_column scores: Option<Vec<i32>> }"),
        parse(3, "tags_index", "create_index posts_tags on posts(tags) using gin concurrently"),
    ];
    let options = Options::default();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO posts (id, tags, scores) VALUES (1, '{rust,sql}', '{1,2}')").unwrap();
    db.execute("INSERT INTO posts (id) VALUES (2)").unwrap();
    assert_eq!(text(db, "SELECT CAST(count(*) AS TEXT) FROM posts WHERE tags @> '{rust}'"), "1");
    assert_eq!(
        text(db, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attname = 'scores'"),
        "integer[]"
    );
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    rollback(db, &migrations, RollbackTarget::Steps(2), &options, &mut |_| {}).unwrap();
    let s = status(db, &migrations[..1]).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

fn generated_columns(db: &mut dyn ScratchDatabase, stored_only: bool) {
    let mut migrations = vec![parse(
        1,
        "invoices",
        r#"create_table invoices {
               id: i64 primary_key,
               net: i64,
               vat: i64,
               gross: i64 generated("net + vat") stored,
           }"#,
    )];
    if !stored_only {
        migrations.push(parse(
            2,
            "label",
            r#"alter_table invoices { add_column label: Option<String> generated("'#' || id") virtual }"#,
        ));
    }
    let options = Options::default();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO invoices (id, net, vat) VALUES (1, 100, 20)").unwrap();
    assert_eq!(text(db, "SELECT CAST(gross AS TEXT) FROM invoices"), "120", "computed on write");
    assert!(db.execute("INSERT INTO invoices (id, net, vat, gross) VALUES (2, 1, 1, 5)").is_err(), "not writable");
    if !stored_only {
        assert_eq!(text(db, "SELECT label FROM invoices"), "#1", "computed on read");
    }
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    // A rebuild keeps the generated column computing (and copies no value into it).
    let more = parse(3, "vat_default", "alter_table invoices { set_default vat = 0 }");
    migrations.push(more);
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO invoices (id, net) VALUES (3, 10)").unwrap();
    assert_eq!(text(db, "SELECT CAST(gross AS TEXT) FROM invoices WHERE id = 3"), "10");
    assert_eq!(text(db, "SELECT CAST(gross AS TEXT) FROM invoices WHERE id = 1"), "120", "kept through the rebuild");
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    rollback(db, &migrations, RollbackTarget::To(0), &options, &mut |_| {}).unwrap();
}

#[cfg(feature = "sqlite")]
#[test]
fn generated_columns_work_on_sqlite() {
    generated_columns(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap(), false);
}

#[cfg(feature = "postgres")]
#[test]
fn generated_columns_work_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("generated_columns") else { return };
    // PostgreSQL before 18 has stored generated columns only.
    generated_columns(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap(), true);
}

fn per_database_sql(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "docs", "create_table docs { id: i64 primary_key, body: String }"),
        parse(
            2,
            "body_index",
            r#"sql postgres "CREATE INDEX CONCURRENTLY docs_body_idx ON docs USING hash (body)"
                   sqlite "CREATE INDEX docs_body_idx ON docs (body)""#,
        ),
        parse(
            3,
            "body_view",
            r#"sql postgres "CREATE VIEW doc_lengths AS SELECT id, char_length(body) AS n FROM docs"
                   sqlite "CREATE VIEW doc_lengths AS SELECT id, length(body) AS n FROM docs"
               down postgres "DROP VIEW doc_lengths" sqlite "DROP VIEW IF EXISTS doc_lengths""#,
        ),
    ];
    let options = Options::default();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO docs (id, body) VALUES (1, 'héllo')").unwrap();
    assert_eq!(text(db, "SELECT CAST(n AS TEXT) FROM doc_lengths"), "5", "each database ran its own text");
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    rollback(db, &migrations, RollbackTarget::To(1), &options, &mut |_| {}).unwrap();
    assert!(db.execute("SELECT * FROM doc_lengths").is_err(), "the view is gone");
    let s = status(db, &migrations[..1]).unwrap();
    assert!(s.drift.is_empty(), "the index is gone: {:?}", s.drift);
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
}

#[cfg(feature = "sqlite")]
#[test]
fn per_database_sql_runs_each_text_on_its_database_on_sqlite() {
    per_database_sql(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn per_database_sql_runs_each_text_on_its_database_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("per_database_sql") else { return };
    per_database_sql(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap());
}

fn drop_table_cascade(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(
            1,
            "base",
            r#"create_table authors { id: i64 primary_key, name: String }
               create_table books { id: i64 primary_key, author_id: Option<i64> references authors(id), title: String }
               create_index on books(author_id);
               sql "CREATE VIEW author_names AS SELECT name FROM authors""#,
        ),
        parse(2, "drop_authors", "drop_table authors if_exists cascade"),
    ];
    // The plan names what CASCADE takes with the table.
    let doc =
        crate::plan::document(&migrations, Some(2), None, Dialect::Postgres, &[], &Options::default(), &mut |_| None);
    let markdown = crate::plan::to_markdown(&doc);
    assert!(
        markdown.contains("CASCADE drops with it foreign key `books_author_id_fkey` of `books`, view `author_names`"),
        "{markdown}"
    );
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO authors (id, name) VALUES (1, 'Ada')").unwrap();
    db.execute("INSERT INTO books (id, author_id, title) VALUES (1, 1, 'Notes')").unwrap();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert!(db.execute("SELECT * FROM author_names").is_err(), "the view went with the table");
    assert_eq!(text(db, "SELECT title FROM books"), "Notes", "the referencing rows stay");
    db.execute("INSERT INTO books (id, author_id, title) VALUES (2, 99, 'Orphan')").unwrap();
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "the foreign key is gone: {:?}", s.drift);
    // The way back brings the table (empty), the foreign key and the view back.
    db.execute("DELETE FROM books WHERE id = 2").unwrap();
    db.execute("UPDATE books SET author_id = NULL").unwrap();
    rollback(db, &migrations, RollbackTarget::To(1), &options, &mut |_| {}).unwrap();
    db.execute("SELECT * FROM author_names").unwrap();
    // The foreign key is back: drift would name it missing.
    let s = status(db, &migrations[..1]).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

#[cfg(feature = "sqlite")]
#[test]
fn drop_table_cascade_drops_what_depends_on_it_on_sqlite() {
    drop_table_cascade(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn drop_table_cascade_drops_what_depends_on_it_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("drop_cascade") else { return };
    drop_table_cascade(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap());
}

/// A primary key replaced online on PostgreSQL: the new key's index is
/// built concurrently, then the keys swap in one brief transaction; the
/// way back swaps them again. On SQLite, the table rebuild.
fn replace_primary_key(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(
            1,
            "devices",
            "create_table devices { uuid: Varchar<40> primary_key, user_uuid: Varchar<40>, name: String }",
        ),
        parse(
            2,
            "devices_key",
            "alter_table devices { drop_constraint devices_pkey, add_constraint devices_pkey primary_key(uuid, user_uuid) concurrently }",
        ),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('d1', 'u1', 'phone'), ('d2', 'u1', 'laptop')")
        .unwrap();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('d1', 'u2', 'shared')").unwrap();
    assert!(
        db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('d1', 'u2', 'again')").is_err(),
        "the new key"
    );
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    db.execute("DELETE FROM devices WHERE user_uuid = 'u2'").unwrap();
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    assert!(db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('d1', 'u3', 'x')").is_err(), "the old key");
    let s = status(db, &migrations[..1]).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

#[cfg(feature = "sqlite")]
#[test]
fn a_primary_key_is_replaced_on_sqlite() {
    replace_primary_key(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn a_primary_key_is_replaced_online_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("replace_key") else { return };
    replace_primary_key(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap());
}

/// A check added NOT VALID in one migration and validated in a later one:
/// new rows are checked at once, old rows when it is validated, and the
/// plan says what is left unvalidated in between.
fn validated_later(db: &mut dyn ScratchDatabase, dirty: bool) {
    let migrations = vec![
        parse(1, "orders", "create_table orders { id: i64 primary_key, amount: i64 }"),
        parse(
            2,
            "amount_check",
            r#"alter_table orders { add_constraint orders_amount_positive check("amount >= 0") not_valid validate_later }"#,
        ),
        parse(
            3,
            "fix_amounts",
            r#"backfill orders set amount = 0 where "amount < 0"; irreversible "negative amounts were errors""#,
        ),
        parse(4, "validate_amount", "alter_table orders { validate_constraint orders_amount_positive }"),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO orders (id, amount) VALUES (1, 10)").unwrap();
    if dirty {
        db.execute("INSERT INTO orders (id, amount) VALUES (2, -5)").unwrap();
    }
    run(db, &migrations[..2], None, &options, &mut |_| {}).unwrap();
    assert!(db.execute("INSERT INTO orders (id, amount) VALUES (3, -1)").is_err(), "new rows are checked at once");
    let s = status(db, &migrations[..2]).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    let plan = |ms: &[Migration]| {
        let doc = crate::plan::document(ms, None, None, Dialect::Postgres, &[], &Options::default(), &mut |_| None);
        crate::plan::to_markdown(&doc)
    };
    assert!(plan(&migrations[..2]).contains("left NOT VALID: `orders_amount_positive` on `orders`"));
    assert!(plan(&migrations).contains("none is left NOT VALID"));
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

#[cfg(feature = "sqlite")]
#[test]
fn a_check_validated_in_a_later_migration_on_sqlite() {
    // SQLite checks a constraint when it is added: no old row may break it.
    validated_later(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap(), false);
}

#[cfg(feature = "postgres")]
#[test]
fn a_check_validated_in_a_later_migration_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("validate_later") else { return };
    validated_later(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap(), true);
}
