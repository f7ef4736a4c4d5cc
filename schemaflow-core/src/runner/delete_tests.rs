//! Data-shaped DSL steps on SQLite and PostgreSQL: `delete_rows` (the
//! matching rows go in batches with the progress recorded, the others stay,
//! and the way back is refused), `copy_rows` (the matching source rows
//! copied once each, in batches of the source's key; undone with a table
//! the migration created, refused into one it did not) and expression
//! indexes (built as written, enforced, and dropped on the way back).

use std::str::FromStr;

use super::*;

pub(super) fn parse(version: u64, name: &str, src: &str) -> Migration {
    parse_read_as(version, name, src, crate::raw_sql::Flavor::Postgres)
}

/// As [`parse`], reading raw SQL as `flavor` (SQLite's for a crate that
/// targets only SQLite).
fn parse_read_as(version: u64, name: &str, src: &str, flavor: crate::raw_sql::Flavor) -> Migration {
    let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
    match crate::dsl::parse_migration_for(tokens, version, name, flavor) {
        Ok(p) => p.migration,
        Err(e) => panic!("{src}: {e}"),
    }
}

fn count(db: &mut dyn ScratchDatabase, sql: &str) -> i64 {
    let rows = db.query_text(&format!("SELECT CAST(({sql}) AS TEXT)")).unwrap();
    rows[0][0].as_deref().and_then(|v| v.parse().ok()).unwrap()
}

fn deletes_in_batches(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(
            1,
            "sessions",
            "create_table sessions { id: i64 primary_key, expired: bool = false }
             create_table session_events { id: i64 primary_key, session_id: i64 references sessions(id) on_delete cascade }
             create_index on session_events(session_id);",
        ),
        parse(
            2,
            "purge_sessions",
            r#"delete_rows sessions where "expired" batch 10 pause 1ms; irreversible "expired sessions are not kept""#,
        ),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 95) INSERT INTO sessions (id, expired) SELECT i, i % 3 = 0 FROM s",
    )
    .unwrap();
    db.execute("INSERT INTO session_events (id, session_id) SELECT id, id FROM sessions").unwrap();
    let mut batches = Vec::new();
    run(db, &migrations, None, &options, &mut |e| {
        if let Event::Batch { batch, .. } = e {
            batches.push((batch.rows_done, batch.rows_total));
        }
    })
    .unwrap();
    assert_eq!(count(db, "SELECT count(*) FROM sessions WHERE expired"), 0);
    assert_eq!(count(db, "SELECT count(*) FROM sessions"), 95 - 31);
    // The foreign key's ON DELETE CASCADE applied, on SQLite too.
    assert_eq!(count(db, "SELECT count(*) FROM session_events"), 95 - 31);
    // Batches of 10 keys (of all rows): 10 batches, 31 rows deleted in all.
    assert_eq!(batches.len(), 10, "{batches:?}");
    assert_eq!(batches.last(), Some(&(31, 31)), "{batches:?}");
    let refused = rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {});
    assert!(refused.is_err_and(|e| e.to_string().contains("expired sessions are not kept")));
}

#[cfg(feature = "sqlite")]
#[test]
fn delete_rows_deletes_in_batches_on_sqlite() {
    deletes_in_batches(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn delete_rows_deletes_in_batches_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("delete_rows") else { return };
    deletes_in_batches(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap());
}

fn expression_index_is_built_and_enforced(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "users", "create_table users { id: i64 primary_key, email: String }"),
        parse(2, "lower_email", r#"create_index users_lower_email on users(sql("lower(email)")) unique concurrently"#),
    ];
    let options = Options::default();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO users (id, email) VALUES (1, 'Ada@example.com')").unwrap();
    assert!(
        db.execute("INSERT INTO users (id, email) VALUES (2, 'ada@EXAMPLE.com')").is_err(),
        "unique on lower(email)"
    );
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO users (id, email) VALUES (2, 'ada@EXAMPLE.com')").unwrap();
}

#[cfg(feature = "sqlite")]
#[test]
fn an_expression_index_is_built_and_enforced_on_sqlite() {
    expression_index_is_built_and_enforced(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn an_expression_index_is_built_and_enforced_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("expression_index") else { return };
    expression_index_is_built_and_enforced(
        &mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap(),
    );
}

fn copies_in_batches(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(
            1,
            "users",
            "create_table users { id: i64 primary_key, email: String, name: String, active: bool = true }",
        ),
        parse(
            2,
            "accounts",
            r#"create_table accounts { id: i64 primary_key, email: String, label: String }
               copy_rows users into accounts (id, email, label = "upper(name)") where "active" batch 10 pause 1ms;"#,
        ),
        parse(3, "archive", r#"create_table archive { id: i64 primary_key, email: String }"#),
        parse(4, "archive_all", r#"copy_rows users into archive (id, email)"#),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 95) INSERT INTO users (id, email, name, active) SELECT i, 'u' || i || '@x', 'n' || i, i % 3 <> 0 FROM s",
    )
    .unwrap();
    let mut batches = Vec::new();
    run(db, &migrations[..2], None, &options, &mut |e| {
        if let Event::Batch { batch, .. } = e {
            batches.push((batch.rows_done, batch.rows_total));
        }
    })
    .unwrap();
    assert_eq!(count(db, "SELECT count(*) FROM accounts"), 95 - 31, "the active users, once each");
    assert_eq!(count(db, "SELECT count(*) FROM accounts WHERE label = upper('n' || CAST(id AS TEXT))"), 64);
    assert_eq!(count(db, "SELECT count(*) FROM users"), 95, "the source is untouched");
    assert_eq!(batches.len(), 10, "batches of 10 source keys: {batches:?}");
    assert_eq!(batches.last().map(|b| b.0), Some(64), "{batches:?}");
    // The copy into a table created in the same migration goes with it.
    rollback(db, &migrations[..2], RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    assert!(db.query_text("SELECT count(*) FROM accounts").is_err(), "accounts is dropped");
    // Into a table that existed before, the way back is not derivable.
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert_eq!(count(db, "SELECT count(*) FROM archive"), 95);
    let refused = rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {});
    assert!(refused.is_err_and(|e| e.to_string().contains("inserts rows into `archive`")));
}

#[cfg(feature = "sqlite")]
#[test]
fn copy_rows_copies_in_batches_on_sqlite() {
    copies_in_batches(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn copy_rows_copies_in_batches_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("copy_rows") else { return };
    copies_in_batches(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap());
}

/// A wider primary key built online: its unique index built concurrently
/// in one migration, then the old key dropped and the index attached as
/// the key (`using index`) in the next; the rows stay, the new key is
/// enforced, nothing drifts, and the way back restores the old key.
fn key_attached_from_an_index(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(
            1,
            "devices",
            "create_table devices { uuid: Varchar<36> primary_key, user_uuid: Varchar<36>, name: String }",
        ),
        parse(
            2,
            "device_key_index",
            "create_index devices_uuid_user_idx on devices(uuid, user_uuid) unique concurrently",
        ),
        parse(
            3,
            "device_key",
            r#"#[allow(drop_constraint, "replaced by a wider key in the same step")]
            alter_table devices {
                drop_constraint devices_pkey,
                add_constraint devices_pkey primary_key using index devices_uuid_user_idx,
            }"#,
        ),
    ];
    let options = Options::default();
    run(db, &migrations[..2], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('a', 'u1', 'phone'), ('b', 'u1', 'laptop')")
        .unwrap();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert_eq!(count(db, "SELECT count(*) FROM devices"), 2);
    // The same device id for another user: the old key refused it, the new one takes it.
    db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('a', 'u2', 'phone')").unwrap();
    assert!(db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('a', 'u2', 'again')").is_err());
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    // Back to the old key: the row that only the wider key allows goes first.
    db.execute("DELETE FROM devices WHERE user_uuid = 'u2'").unwrap();
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    assert!(db.execute("INSERT INTO devices (uuid, user_uuid, name) VALUES ('a', 'u3', 'tablet')").is_err());
    let s = status(db, &migrations[..2]).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

#[cfg(feature = "sqlite")]
#[test]
fn a_key_is_attached_from_an_index_on_sqlite() {
    key_attached_from_an_index(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn a_key_is_attached_from_an_index_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("using_index") else { return };
    key_attached_from_an_index(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap());
}

/// A column added with an explicit `DEFAULT NULL` (as vaultwarden's SQL
/// does): the databases keep a NULL default, the model no default; status
/// finds no drift.
fn explicit_null_default_is_no_drift(db: &mut dyn ScratchDatabase) {
    let migrations = vec![parse(
        1,
        "users",
        r#"create_table users { id: i64 primary_key, email: String }
        sql "ALTER TABLE users ADD COLUMN email_new VARCHAR(255) DEFAULT NULL" down "ALTER TABLE users DROP COLUMN email_new";"#,
    )];
    run(db, &migrations, None, &Options::default(), &mut |_| {}).unwrap();
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

#[cfg(feature = "sqlite")]
#[test]
fn an_explicit_null_default_is_no_drift_on_sqlite() {
    explicit_null_default_is_no_drift(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn an_explicit_null_default_is_no_drift_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("null_default") else { return };
    explicit_null_default_is_no_drift(
        &mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap(),
    );
}

/// `drop_column … cascade`: the view that reads the column and the other
/// table's foreign key to it go with it (on SQLite, which has no CASCADE,
/// the view is dropped and the table rebuilt without the key); the way back
/// brings the column, its key, the foreign key and the view back.
/// `drop_column … if_exists` on a column that is not there does nothing.
fn column_dropped_with_cascade(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(
            1,
            "users",
            r#"create_table users { id: i64 primary_key, email: Option<Varchar<200>> unique, name: String }
            create_table invites { id: i64 primary_key, email: Varchar<200> references users(email) }
            create_index on invites(email);
            sql "CREATE VIEW user_emails AS SELECT id, email FROM users" down "DROP VIEW user_emails";"#,
        ),
        parse(
            2,
            "drop_email",
            r#"#[allow(drop_column, "test")] alter_table users { drop_column email cascade, drop_column nickname if_exists }"#,
        ),
    ];
    let options = Options::default();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert!(db.query_text("SELECT count(*) FROM user_emails").is_err(), "the view went with the column");
    // The foreign key went too (status compares the foreign keys).
    db.execute("INSERT INTO invites (id, email) VALUES (1, 'nobody@x')").unwrap();
    let s = status(db, &migrations).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    db.execute("DELETE FROM invites").unwrap();
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ada')").unwrap();
    assert_eq!(count(db, "SELECT count(*) FROM user_emails"), 1);
    // The foreign key, the unique key and the view are back: no drift
    // from the first migration's schema.
    let s = status(db, &migrations[..1]).unwrap();
    assert!(s.drift.is_empty(), "{:?}", s.drift);
}

#[cfg(feature = "sqlite")]
#[test]
fn drop_column_cascade_on_sqlite() {
    column_dropped_with_cascade(&mut crate::runner::sqlite::SqliteBackend::in_memory().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn drop_column_cascade_on_postgres() {
    let Some(db) = crate::runner::test_database::TestDatabase::create("drop_column_cascade") else { return };
    column_dropped_with_cascade(&mut crate::runner::postgres::PostgresBackend::connect(&db.url, "public").unwrap());
}

/// SQLite's own way to change a table, written by hand in raw SQL (as
/// diesel and sqlx projects do): a new table, every row copied, the old
/// one dropped and the new one renamed. The rows, and the foreign key of
/// another table to it, survive; the replay describes the database that
/// results, so `status` finds no drift.
#[test]
fn a_hand_written_sqlite_rebuild_keeps_rows_and_leaves_no_drift() {
    let mut db = crate::runner::sqlite::SqliteBackend::in_memory().unwrap();
    let migrations = vec![
        parse_read_as(
            1,
            "create",
            r#"sql "CREATE TABLE folders (uuid TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, colour TEXT);
                CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, folder_uuid TEXT NOT NULL REFERENCES folders (uuid));
                CREATE INDEX items_folder_uuid_idx ON items (folder_uuid)""#,
            crate::raw_sql::Flavor::Sqlite,
        ),
        parse_read_as(
            2,
            "rebuild_folders",
            r#"#[allow(drop_column, "no code reads the colour")]
               sql "CREATE TABLE new_folders (uuid TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL);
                INSERT INTO new_folders (uuid, name) SELECT uuid, name FROM folders;
                DROP TABLE folders;
                ALTER TABLE new_folders RENAME TO folders"
               irreversible "the colour is gone""#,
            crate::raw_sql::Flavor::Sqlite,
        ),
    ];
    let options = Options::default();
    run(&mut db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO folders (uuid, name, colour) VALUES ('a', 'A', 'red'), ('b', 'B', NULL)").unwrap();
    db.execute("INSERT INTO items (id, folder_uuid) VALUES (1, 'a'), (2, 'b')").unwrap();
    run(&mut db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert_eq!(count(&mut db, "SELECT count(*) FROM folders"), 2);
    assert_eq!(count(&mut db, "SELECT count(*) FROM items JOIN folders ON folders.uuid = items.folder_uuid"), 2);
    let drift = status(&mut db, &migrations).unwrap().drift;
    assert!(drift.is_empty(), "{drift:?}");
}
