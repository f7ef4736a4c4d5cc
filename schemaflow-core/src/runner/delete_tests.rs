//! `delete_rows` on SQLite and PostgreSQL: the matching rows go in batches
//! with the progress recorded, the others stay, and the way back is
//! refused (the rows cannot be brought back).

use std::str::FromStr;

use super::*;

fn parse(version: u64, name: &str, src: &str) -> Migration {
    let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
    match crate::dsl::parse_migration(tokens, version, name) {
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
