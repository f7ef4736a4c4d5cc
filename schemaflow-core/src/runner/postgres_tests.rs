//! The runner on a real PostgreSQL server: each test makes its own
//! database and drops it afterwards.

use std::str::FromStr;
use std::time::Duration;

use super::postgres::PostgresBackend;
use super::test_database::TestDatabase;
use super::*;
use crate::model::ConstraintKind;

fn parse(version: u64, name: &str, src: &str) -> Migration {
    let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
    match crate::dsl::parse_migration(tokens, version, name) {
        Ok(p) => p.migration,
        Err(e) => panic!("{src}: {e}"),
    }
}

fn blog() -> Vec<Migration> {
    super::tests::blog()
}

fn backend(db: &TestDatabase) -> PostgresBackend {
    PostgresBackend::connect(&db.url, "public").unwrap()
}

fn run_all(b: &mut PostgresBackend, migrations: &[Migration]) -> Result<usize, RunError> {
    run(b, migrations, None, &Options::default(), &mut |_| {})
}

#[test]
fn the_blog_applies_rolls_back_and_reapplies_without_drift() {
    let Some(db) = TestDatabase::create("blog") else { return };
    let mut b = backend(&db);
    let migrations = blog();
    assert_eq!(run_all(&mut b, &migrations).unwrap(), migrations.len());
    let s = status(&mut b, &migrations).unwrap();
    assert!(s.is_up_to_date(), "{s:#?}");
    let options = Options::default();
    // The online change's way back stops at its deploy boundary.
    // (After the migration that follows it.)
    assert_eq!(rollback(&mut b, &migrations, RollbackTarget::To(0), &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(complete(&mut b, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(
        rollback(&mut b, &migrations, RollbackTarget::To(0), &options, &mut |_| {}).unwrap(),
        migrations.len() - 2
    );
    assert!(b.introspect().unwrap().tables.is_empty());
    assert_eq!(run_all(&mut b, &migrations).unwrap(), migrations.len());
    assert!(status(&mut b, &migrations).unwrap().is_up_to_date());
}

/// The shape of a schema both databases can report: tables, columns with
/// their types and nullability, keys, foreign keys and indexes; names of
/// constraints, checks and default texts left out.
fn shape(schema: &Schema) -> Schema {
    let mut out = schema.clone();
    for t in out.tables.values_mut() {
        t.constraints.retain(|c| !matches!(c.kind, ConstraintKind::Check { .. }));
        for c in &mut t.constraints {
            c.name = format!("{:?}", c.kind);
        }
        t.constraints.sort_by(|a, b| a.name.cmp(&b.name));
        for c in &mut t.columns {
            c.default = None;
            c.identity = false;
            // SQLite keeps an enum as text checked against its values.
            if matches!(c.ty, crate::model::ColumnType::Enum(_)) {
                c.ty = crate::model::ColumnType::Text;
            }
        }
    }
    for i in out.indexes.values_mut() {
        i.predicate = i.predicate.as_deref().map(postgres::normalize_sql);
    }
    out
}

#[test]
fn the_same_migrations_give_the_same_schema_on_sqlite_and_postgres() {
    let Some(db) = TestDatabase::create("equivalent") else { return };
    let migrations = blog();
    let mut pg = backend(&db);
    run_all(&mut pg, &migrations).unwrap();
    let mut lite = super::sqlite::SqliteBackend::in_memory().unwrap();
    run(&mut lite, &migrations, None, &Options::default(), &mut |_| {}).unwrap();
    let (pg_schema, lite_schema) = (shape(&pg.introspect().unwrap()), shape(&lite.introspect().unwrap()));
    assert_eq!(
        crate::diff::diff(&pg_schema, &lite_schema, &crate::diff::Words::drift(Dialect::Postgres)),
        Vec::<String>::new()
    );
    assert_eq!(pg_schema.tables.len(), 3);
}

#[test]
fn a_failed_validation_is_recorded_as_partial_and_resumed() {
    let Some(db) = TestDatabase::create("partial") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table items { id: i64 primary_key, qty: i32 }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client().batch_execute("INSERT INTO items VALUES (1, 5), (2, -1)").unwrap();
    let m2 =
        parse(2, "positive", "alter_table items { add_constraint items_qty_positive check(\"qty > 0\") not_valid }");
    let both = [m1.clone(), m2.clone()];
    let err = run_all(&mut b, &both).unwrap_err();
    let RunError::Migration { id, statement, message, completed, .. } = &err else { panic!("{err}") };
    assert_eq!(id, "2_positive");
    assert!(statement.as_deref().is_some_and(|s| s.contains("VALIDATE CONSTRAINT")), "{err}");
    assert_eq!(*completed, 1, "{message}");
    assert!(err.to_string().contains("1 of its 2 phases had completed"), "{err}");
    let s = status(&mut b, &both).unwrap();
    assert_eq!(
        s.migrations[1].state,
        State::Applying { phases_done: 1, phases_total: 2, rows_done: None, rows_remaining: None }
    );
    assert!(s.drift.iter().any(|d| d.contains("NOT VALID")), "{:?}", s.drift);
    // Rolling back a half-applied migration is refused until it is finished.
    assert!(rollback(&mut b, &both, RollbackTarget::Steps(1), &Options::default(), &mut |_| {}).is_err());

    b.client().batch_execute("UPDATE items SET qty = 1 WHERE qty <= 0").unwrap();
    assert_eq!(run_all(&mut b, &both).unwrap(), 1, "the run resumes at the VALIDATE");
    assert!(status(&mut b, &both).unwrap().is_up_to_date());
}

#[test]
fn a_failed_concurrent_index_is_dropped_and_rebuilt_by_the_next_run() {
    let Some(db) = TestDatabase::create("invalid_index") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table users { id: i64 primary_key, email: String }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client().batch_execute("INSERT INTO users VALUES (1, 'a@x'), (2, 'a@x')").unwrap();
    let m2 = parse(
        2,
        "unique_email",
        "#[allow(unique_on_existing_data, \"deduplicated\")] create_index users_email_key on users(email) unique concurrently",
    );
    let both = [m1.clone(), m2.clone()];
    let err = run_all(&mut b, &both).unwrap_err();
    assert!(err.to_string().contains("could not create unique index"), "{err}");
    let drift = status(&mut b, &both).unwrap().drift;
    assert!(drift.iter().any(|d| d.contains("`users_email_key` is INVALID")), "{drift:?}");

    b.client().batch_execute("UPDATE users SET email = 'b@x' WHERE id = 2").unwrap();
    assert_eq!(run_all(&mut b, &both).unwrap(), 1);
    let valid: bool = b
        .client()
        .query_one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_key'::regclass", &[])
        .unwrap()
        .get(0);
    assert!(valid, "the index was rebuilt, not kept INVALID");
    assert!(status(&mut b, &both).unwrap().is_up_to_date());
}

#[test]
fn a_lock_that_is_not_granted_times_out_and_is_retried() {
    let Some(db) = TestDatabase::create("lock_timeout") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table users { id: i64 primary_key }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    let m2 = parse(2, "flag", "alter_table users { add_column flag: bool = false }");

    // A long transaction holds a lock that ALTER TABLE must wait for.
    let url = db.url.clone();
    let (held, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
    let holder = std::thread::spawn(move || {
        let mut other = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        let mut tx = other.transaction().unwrap();
        tx.batch_execute("LOCK TABLE users IN ACCESS SHARE MODE").unwrap();
        held.0.send(()).unwrap();
        release.1.recv().unwrap();
        tx.commit().unwrap();
    });
    held.1.recv().unwrap();
    let options = Options {
        lock_timeout_ms: 100,
        lock_retries: 5,
        retry_pause: Duration::from_millis(100),
        ..Options::default()
    };
    let mut retries = 0;
    let release_after = release.0.clone();
    let applied = run(&mut b, &[m1, m2], None, &options, &mut |e| {
        if let Event::Retrying { .. } = e {
            retries += 1;
            if retries == 2 {
                release_after.send(()).unwrap();
            }
        }
    })
    .unwrap();
    holder.join().unwrap();
    assert_eq!(applied, 1);
    assert!(retries >= 2, "the ALTER waited at most lock_timeout, then was retried ({retries} retries)");
}

#[test]
fn the_advisory_lock_keeps_a_second_runner_waiting() {
    let Some(db) = TestDatabase::create("advisory") else { return };
    let mut first = backend(&db);
    let mut second = backend(&db);
    first.acquire_lock(&mut || {}).unwrap();
    let held_by_first = first.client().query_one("SELECT 1", &[]).is_ok();
    assert!(held_by_first);
    let url = db.url.clone();
    let waiter = std::thread::spawn(move || {
        let mut waited = false;
        let mut b = PostgresBackend::connect(&url, "public").unwrap();
        let m = parse(1, "base", "create_table users { id: i64 primary_key }");
        let n = run(&mut b, &[m], None, &Options::default(), &mut |e| waited |= e == Event::Waiting).unwrap();
        (waited, n)
    });
    std::thread::sleep(Duration::from_millis(300));
    let m = parse(1, "base", "create_table users { id: i64 primary_key }");
    // The run takes the lock it already holds and releases it at the end.
    assert_eq!(run(&mut first, &[m], None, &Options::default(), &mut |_| {}).unwrap(), 1);
    let (waited, n) = waiter.join().unwrap();
    assert!(waited, "the second runner said it was waiting");
    assert_eq!(n, 0, "and then found nothing left to apply");
    assert_eq!(second.applied().unwrap().len(), 1);
}

#[test]
fn migrations_apply_to_the_chosen_schema() {
    let Some(db) = TestDatabase::create("schema") else { return };
    let mut tenant = PostgresBackend::connect(&db.url, "tenant_a").unwrap();
    let m = parse(1, "base", "create_table users { id: i64 primary_key, email: String } create_index on users(email);");
    run(&mut tenant, std::slice::from_ref(&m), None, &Options::default(), &mut |_| {}).unwrap();
    assert!(status(&mut tenant, std::slice::from_ref(&m)).unwrap().is_up_to_date());
    let mut public = backend(&db);
    assert!(public.applied().unwrap().is_empty(), "the bookkeeping lives in tenant_a");
    assert!(public.introspect().unwrap().tables.is_empty());
    let n: i64 =
        public.client().query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'tenant_a'", &[]).unwrap().get(0);
    assert_eq!(n, 5, "users, schemaflow_migrations, schemaflow_backfills, schemaflow_objects and schemaflow_backups");
}

#[test]
fn a_backfill_changes_every_matching_row_once_in_batches() {
    let Some(db) = TestDatabase::create("backfill") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table items { id: i64 primary_key, n: i64 }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client().batch_execute("INSERT INTO items SELECT i, i FROM generate_series(1, 2345) i").unwrap();
    let m2 = parse(
        2,
        "fill",
        "alter_table items { add_column twice: Option<i64> } backfill items set twice = sql(\"n * 2\") where \"n % 2 = 0\" batch 100;",
    );
    run_all(&mut b, &[m1, m2]).unwrap();
    let row = b
        .client()
        .query_one(
            "SELECT count(*) FILTER (WHERE twice = n * 2), count(*) FILTER (WHERE twice IS NULL) FROM items",
            &[],
        )
        .unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (1172, 2345 - 1172));
    let setting: String = b.client().query_one("SHOW synchronous_commit", &[]).unwrap().get(0);
    assert_eq!(setting, "on", "the batches' relaxed commits end with the backfill");
}

#[test]
fn a_failed_backfill_resumes_after_its_last_batch_and_changes_each_row_once() {
    let Some(db) = TestDatabase::create("backfill_resume") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table items { id: i64 primary_key, touched: i64 }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client()
        .batch_execute(
            "INSERT INTO items SELECT i, 0 FROM generate_series(1, 1000) i;
             CREATE TABLE gate (open bool NOT NULL); INSERT INTO gate VALUES (false);",
        )
        .unwrap();
    // Rows past 350 fail (division by zero) until the gate opens.
    let m2 = parse(
        2,
        "touch",
        "backfill items set touched = sql(\"CASE WHEN id > 350 AND NOT (SELECT open FROM gate) THEN 1 / (id - id) ELSE touched + 1 END\") batch 100;",
    );
    let migrations = [m1, m2];
    let err = run_all(&mut b, &migrations).unwrap_err();
    assert!(err.to_string().contains("division by zero"), "{err}");
    let touched: i64 = b.client().query_one("SELECT count(*) FROM items WHERE touched = 1", &[]).unwrap().get(0);
    assert_eq!(touched, 300, "the three batches before the failing one stay");
    b.client().batch_execute("UPDATE gate SET open = true").unwrap();
    run_all(&mut b, &migrations).unwrap();
    let row = b.client().query_one("SELECT count(*) FILTER (WHERE touched = 1), count(*) FROM items", &[]).unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (1000, 1000), "every row changed once");
}

#[test]
fn a_failed_backfill_leaves_the_session_committing_durably() {
    use crate::transform::Value;
    let Some(db) = TestDatabase::create("backfill_fails") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table items { id: i64 primary_key, n: i64 }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client().batch_execute("INSERT INTO items SELECT i, i FROM generate_series(1, 300) i").unwrap();
    let mut m2 = parse(
        2,
        "fill",
        "alter_table items { add_column label: Option<String> } backfill items with label_of(n) -> label batch 100;",
    );
    m2.transforms.register(
        "label_of",
        std::sync::Arc::new(|row: Vec<Value>| match row.first() {
            Some(Value::Int(n)) if *n > 150 => Err(format!("no label for {n}")),
            _ => Ok(vec![Value::Text("ok".into())]),
        }),
    );
    let err = run_all(&mut b, &[m1, m2]).unwrap_err();
    assert!(err.to_string().contains("no label for 151"), "{err}");
    let setting: String = b.client().query_one("SHOW synchronous_commit", &[]).unwrap().get(0);
    assert_eq!(setting, "on");
    let done: i64 = b.client().query_one("SELECT count(*) FROM items WHERE label = 'ok'", &[]).unwrap().get(0);
    assert_eq!(done, 100, "the batch that committed before the failure stays");
}

#[test]
fn a_migration_sets_its_own_timeouts_for_itself_only() {
    let Some(db) = TestDatabase::create("timeouts") else { return };
    let mut b = backend(&db);
    let slow = parse(1, "slow", "statement_timeout 100ms; sql \"SELECT pg_sleep(1)\" down \"SELECT 1\"");
    let err = run_all(&mut b, std::slice::from_ref(&slow)).unwrap_err();
    assert!(err.to_string().contains("statement timeout"), "{err}");
    let patient = parse(1, "slow", "sql \"SELECT pg_sleep(0.3)\" down \"SELECT 1\"");
    assert_eq!(run_all(&mut b, &[patient]).unwrap(), 1, "the next migration runs without that timeout");
}

#[test]
fn a_typed_transform_runs_on_postgres() {
    use crate::transform::{FromValue, IntoValue, Value};
    let Some(db) = TestDatabase::create("transform") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table people { id: i64 primary_key, name: String, born: Option<Date> }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client()
        .batch_execute("INSERT INTO people SELECT i, 'Ada Lovelace', DATE '1815-12-10' FROM generate_series(1, 2500) i")
        .unwrap();
    let mut m2 = parse(
        2,
        "split",
        "alter_table people { add_column first_name: Option<String>, add_column born_year: Option<i32> } backfill people with split(name, born) -> (first_name, born_year) batch 1000;",
    );
    m2.transforms.register(
        "split",
        std::sync::Arc::new(|row: Vec<Value>| {
            let mut row = row.into_iter();
            let name: String = FromValue::from_value(row.next().unwrap_or(Value::Null))?;
            let born: Option<String> = FromValue::from_value(row.next().unwrap_or(Value::Null))?;
            let first = name.split(' ').next().map(str::to_owned);
            let year = born.and_then(|d| d[..4].parse::<i32>().ok());
            Ok(vec![first.into_value(), year.into_value()])
        }),
    );
    run_all(&mut b, &[m1, m2]).unwrap();
    let n: i64 = b
        .client()
        .query_one("SELECT count(*) FROM people WHERE first_name = 'Ada' AND born_year = 1815", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 2500);
}

#[test]
fn backfill_batches_follow_the_key_order_not_its_text() {
    let Some(db) = TestDatabase::create("batch_order") else { return };
    let mut b = backend(&db);
    let m1 = parse(1, "base", "create_table items { id: i64 primary_key, n: i64 }");
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client().batch_execute("INSERT INTO items SELECT i, i FROM generate_series(1, 5000) i").unwrap();
    let m2 = parse(
        2,
        "fill",
        "alter_table items { add_column twice: Option<i64> } backfill items set twice = sql(\"n * 2\") batch 100;",
    );
    let mut sizes = Vec::new();
    let mut previous = 0;
    run(&mut b, &[m1, m2], None, &Options::default(), &mut |e| {
        if let Event::Batch { batch, .. } = e {
            sizes.push(batch.rows_done - previous);
            previous = batch.rows_done;
        }
    })
    .unwrap();
    // Sorting ids as text (1, 10, 100, 1000, …) would make the first batch
    // run up to id 1099 instead of 100.
    assert_eq!(sizes.len(), 51, "{sizes:?}");
    assert!(sizes[..50].iter().all(|s| *s == 100), "{sizes:?}");
}

/// A table keyed on (text, integer), with 3,000 rows.
fn grades(db: &TestDatabase) -> (PostgresBackend, Migration) {
    let mut b = backend(db);
    let m1 = parse(
        1,
        "base",
        "create_table grades { school: String, student: i64, score: i32, primary_key(school, student) }",
    );
    run_all(&mut b, std::slice::from_ref(&m1)).unwrap();
    b.client()
        .batch_execute("INSERT INTO grades SELECT 'school ' || (i % 7), i, i % 100 FROM generate_series(1, 3000) i")
        .unwrap();
    (b, m1)
}

#[test]
fn a_backfill_batches_over_a_composite_text_key() {
    let Some(db) = TestDatabase::create("composite_key") else { return };
    let (mut b, m1) = grades(&db);
    let m2 = parse(
        2,
        "curve",
        "alter_table grades { add_column curved: Option<i32> } backfill grades set curved = sql(\"score + 5\") batch 250;",
    );
    run_all(&mut b, &[m1, m2]).unwrap();
    let n: i64 = b.client().query_one("SELECT count(*) FROM grades WHERE curved = score + 5", &[]).unwrap().get(0);
    assert_eq!(n, 3000);
}

#[test]
fn a_typed_transform_writes_back_over_a_composite_key() {
    use crate::transform::Value;
    let Some(db) = TestDatabase::create("composite_transform") else { return };
    let (mut b, m1) = grades(&db);
    let mut m2 = parse(
        2,
        "grade",
        "alter_table grades { add_column letter: Option<String>, add_column passed: Option<bool> } backfill grades with grade(score) -> (letter, passed) batch 250;",
    );
    m2.transforms.register(
        "grade",
        std::sync::Arc::new(|row: Vec<Value>| match row.first() {
            Some(Value::Int(score)) if *score >= 50 => Ok(vec![Value::Text("P".into()), Value::Bool(true)]),
            Some(Value::Int(_)) => Ok(vec![Value::Null, Value::Bool(false)]),
            other => Err(format!("no score: {other:?}")),
        }),
    );
    run_all(&mut b, &[m1, m2]).unwrap();
    let row = b
        .client()
        .query_one(
            "SELECT count(*) FILTER (WHERE score >= 50 AND letter = 'P' AND passed),
                    count(*) FILTER (WHERE score < 50 AND letter IS NULL AND NOT passed)
             FROM grades",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0) + row.get::<_, i64>(1), 3000);
    assert_eq!(row.get::<_, i64>(0), 1500);
}

#[test]
fn the_blog_passes_the_up_down_up_test_on_postgres() {
    let Some(db) = TestDatabase::create("test_command") else { return };
    let mut b = backend(&db);
    let options = crate::testing::TestOptions { rows: 300, seed: 7, max_duration: None, generate: true };
    let report = crate::testing::test_migrations(&mut b, &blog(), &options);
    assert!(report.passed, "{}", crate::testing::summary(&report));
}

#[test]
fn timestamp_becomes_timestamptz_without_a_rewrite_reading_values_as_utc() {
    let Some(db) = TestDatabase::create("time_zone") else { return };
    let mut b = backend(&db);
    let create = parse(
        1,
        "events",
        "create_table events { id: i64 primary_key, at: Timestamp, seen: Timestamp } create_index on events(at)",
    );
    run_all(&mut b, std::slice::from_ref(&create)).unwrap();
    // A server whose sessions default to another zone.
    b.client()
        .batch_execute(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'America/New_York'); END $$",
        )
        .unwrap();
    let mut b = backend(&db);
    b.client()
        .batch_execute(
            "INSERT INTO events SELECT i, '2024-01-01 10:00:00', '2024-01-01 10:00:00' FROM generate_series(1, 100) i",
        )
        .unwrap();
    let files = |b: &mut PostgresBackend| -> (u32, u32) {
        let row = b
            .client()
            .query_one("SELECT pg_relation_filenode('events')::oid, pg_relation_filenode('events_at_idx')::oid", &[])
            .unwrap();
        (row.get(0), row.get(1))
    };
    let (table, index) = files(&mut b);
    let change = parse(
        2,
        "tz",
        "#[allow(alter_column_type, \"test\")] alter_table events { set_type seen: TimestampTz, set_type at: TimestampTz }",
    );
    run_all(&mut b, &[create.clone(), change.clone()]).unwrap();
    let (table_after, index_after) = files(&mut b);
    assert_eq!(table, table_after, "the rows are not rewritten");
    assert_ne!(index, index_after, "the index on the column is rebuilt");
    // Values are read as UTC, whatever the server's zone.
    let epoch: f64 =
        b.client().query_one("SELECT extract(epoch FROM seen)::float8 FROM events WHERE id = 1", &[]).unwrap().get(0);
    assert_eq!(epoch, 1_704_103_200.0);
    // The session's own zone is back once the change is done.
    let zone: String = b.client().query_one("SHOW TimeZone", &[]).unwrap().get(0);
    assert_eq!(zone, "America/New_York");
    let options = Options::default();
    rollback(&mut b, &[create, change], RollbackTarget::To(1), &options, &mut |_| {}).unwrap();
    let (table_back, _) = files(&mut b);
    assert_eq!(table, table_back, "the rollback does not rewrite either");
    let text: String = b.client().query_one("SELECT seen::text FROM events WHERE id = 1", &[]).unwrap().get(0);
    assert_eq!(text, "2024-01-01 10:00:00");
}

#[test]
fn literals_keep_their_meaning_where_the_server_reads_backslashes_as_escapes() {
    let Some(db) = TestDatabase::create("escapes") else { return };
    let mut b = backend(&db);
    b.client()
        .batch_execute(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET standard_conforming_strings = off', current_database()); END $$",
        )
        .unwrap();
    let mut plain = db.connect();
    let setting: String = plain.query_one("SHOW standard_conforming_strings", &[]).unwrap().get(0);
    assert_eq!(setting, "off", "the database reads backslashes as escapes");
    let tricky = r"it\'s \\ done'); DROP TABLE keep; --";
    let migrations = [
        parse(1, "keep", "create_table keep { id: i64 primary_key }"),
        parse(
            2,
            "notes",
            &format!("create_table notes {{ id: i64 primary_key, body: String = {tricky:?}, note: Option<String> }}"),
        ),
        parse(
            3,
            "fill",
            &format!("backfill notes set note = {tricky:?}; down {{ backfill notes set note = sql(\"NULL\") }}"),
        ),
    ];
    let mut b = backend(&db);
    run_all(&mut b, &migrations[..2]).unwrap();
    b.client().batch_execute("INSERT INTO notes (id) VALUES (1)").unwrap();
    run_all(&mut b, &migrations).unwrap();
    let row = b.client().query_one("SELECT body, note FROM notes WHERE id = 1", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), tricky);
    assert_eq!(row.get::<_, String>(1), tricky);
    assert!(b.introspect().unwrap().tables.contains_key("keep"));
}

#[test]
fn a_cut_short_backfill_leaves_a_true_state_on_postgres() {
    let Some(db) = TestDatabase::create("cut_short") else { return };
    let mut b = backend(&db);
    super::tests::a_cut_short_backfill_leaves_a_true_state(&mut b);
}

#[test]
fn a_bookkeeping_row_edited_by_hand_is_refused_on_postgres() {
    let Some(db) = TestDatabase::create("edited_row") else { return };
    let mut b = backend(&db);
    super::tests::a_bookkeeping_row_edited_by_hand_is_refused(&mut b);
}

#[test]
fn two_crates_share_one_postgres_database() {
    let Some(db) = TestDatabase::create("shared") else { return };
    super::tests::two_crates_share_one_database(&mut |namespace| {
        let mut b = backend(&db);
        b.set_namespace(namespace);
        Box::new(b)
    });
}

#[test]
fn a_bookkeeping_table_of_one_history_becomes_the_first_runners() {
    let Some(db) = TestDatabase::create("legacy_bookkeeping") else { return };
    let m1 = parse(1, "users", "create_table users { id: i64 primary_key, email: String }");
    let m2 = parse(2, "posts", "create_table posts { id: i64 primary_key }");
    let mut raw = backend(&db);
    raw.client()
        .batch_execute(
            "CREATE TABLE schemaflow_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
               applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), duration_ms BIGINT NOT NULL, state TEXT NOT NULL,
               phases_done INTEGER NOT NULL, phases_total INTEGER NOT NULL);
             CREATE TABLE schemaflow_backfills (version BIGINT NOT NULL, phase INTEGER NOT NULL, last_key TEXT[],
               rows_done BIGINT NOT NULL, rows_total BIGINT NOT NULL, PRIMARY KEY (version, phase));
             CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email TEXT NOT NULL);",
        )
        .unwrap();
    raw.client()
        .execute(
            "INSERT INTO schemaflow_migrations (version, name, checksum, duration_ms, state, phases_done, phases_total)
             VALUES (1, 'users', $1, 3, 'applied', 1, 1)",
            &[&m1.checksum()],
        )
        .unwrap();
    let mut b = backend(&db);
    b.set_namespace("app");
    let s = status(&mut b, &[m1.clone(), m2.clone()]).unwrap();
    assert!(matches!(s.migrations[0].state, State::Applied { .. }), "read as this crate's: {s:?}");
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    assert_eq!(run_all(&mut b, &[m1.clone(), m2.clone()]).unwrap(), 1, "only the new migration runs");
    let n: i64 = raw
        .client()
        .query_one("SELECT count(*) FROM schemaflow_migrations WHERE namespace = 'app'", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
    let mut other = backend(&db);
    other.set_namespace("other");
    assert!(other.applied().unwrap().is_empty());
}

#[test]
fn the_plan_reads_row_counts_from_the_catalog_without_counting_a_large_table() {
    let Some(db) = TestDatabase::create("estimate") else { return };
    let mut b = backend(&db);
    b.client()
        .batch_execute(
            "CREATE TABLE items (id bigint PRIMARY KEY); INSERT INTO items SELECT g FROM generate_series(1, 5000) g",
        )
        .unwrap();
    // Never analysed and small: counted.
    assert_eq!(b.estimate_rows("items").unwrap(), Some(5000));
    b.client().batch_execute("ANALYZE items; INSERT INTO items SELECT g FROM generate_series(5001, 10000) g").unwrap();
    // Analysed at 5,000 rows, then doubled: the density times the pages there are now.
    let estimate = b.estimate_rows("items").unwrap().unwrap();
    assert!((9_000..=11_000).contains(&estimate), "{estimate}");
    assert_eq!(b.estimate_rows("missing").unwrap(), None);
}

#[test]
fn drift_names_a_trigger_left_using_a_dropped_column() {
    let Some(db) = TestDatabase::create("broken_trigger") else { return };
    let mut b = backend(&db);
    let base = parse(
        1,
        "base",
        "create_table users { id: i64 primary_key, name: String, full_name: Option<String> }
         sql \"CREATE FUNCTION users_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.full_name := coalesce(NEW.full_name, NEW.name); RETURN NEW; END $$\"
             down \"DROP FUNCTION users_sync()\";
         sql \"CREATE TRIGGER users_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_sync()\"
             down \"DROP TRIGGER users_sync ON users\";",
    );
    let contract = parse(
        2,
        "drop_name",
        "#[allow(drop_column, \"the code stopped using it\")] alter_table users { drop_column name }",
    );
    run_all(&mut b, std::slice::from_ref(&base)).unwrap();
    assert!(status(&mut b, std::slice::from_ref(&base)).unwrap().drift.is_empty());
    let both = [base, contract];
    run_all(&mut b, &both).unwrap();
    let drift = status(&mut b, &both).unwrap().drift;
    assert_eq!(
        drift,
        [
            "trigger `users_sync` on `users` runs `users_sync()`, which uses NEW.name: `users` has no such column, so every write the trigger fires on fails"
        ],
    );
    // It is real: the next write fails.
    let write = b.client().batch_execute("INSERT INTO users (id) VALUES (1)");
    assert!(write.is_err());
    // And `cargo schemaflow test` fails on the migration that breaks it.
    let Some(scratch) = TestDatabase::create("broken_trigger_test") else { return };
    let options = crate::testing::TestOptions { rows: 50, seed: 7, max_duration: None, generate: true };
    let report = crate::testing::test_migrations(&mut backend(&scratch), &both, &options);
    let summary = crate::testing::summary(&report);
    assert!(!report.passed && summary.contains("trigger `users_sync`"), "{summary}");
}

/// The check that travels with a one-statement phase raises exactly when
/// [`Progress::follows`] says the phase is no longer to do, for every
/// state a bookkeeping row can be in.
#[test]
fn the_raising_check_agrees_with_the_bookkeeping_rules() {
    let Some(db) = TestDatabase::create("raising_check") else { return };
    let mut b = backend(&db);
    run_all(&mut b, &[parse(1, "t", "create_table t { id: i64 primary_key }")]).unwrap();
    let mut client = db.connect();
    let rows: [Option<(&str, u32)>; 9] = [
        None,
        Some((APPLYING, 0)),
        Some((APPLYING, 1)),
        Some((APPLYING, 2)),
        Some((EXPANDED, 2)),
        Some((APPLIED, 3)),
        Some((ROLLING_BACK, 0)),
        Some((ROLLING_BACK, 1)),
        Some((ROLLING_BACK, 2)),
    ];
    for row in rows {
        client.batch_execute("DELETE FROM schemaflow_migrations WHERE version = 999").unwrap();
        if let Some((state, done)) = row {
            client
                .batch_execute(&format!(
                    "INSERT INTO schemaflow_migrations (version, name, checksum, applied_at, duration_ms, state, phases_done, phases_total, namespace)
                     VALUES (999, 'x', 'c', now(), 0, '{state}', {done}, 3, 'default')"
                ))
                .unwrap();
        }
        for direction in [Direction::Up, Direction::Down] {
            for phase in 0..3 {
                let progress = Progress {
                    namespace: "default".into(),
                    version: 999,
                    name: "x".into(),
                    checksum: "c".into(),
                    direction,
                    phase,
                    phases_total: 3,
                    started: std::time::Instant::now(),
                    at_boundary: false,
                };
                let raised =
                    client.batch_execute(&format!("BEGIN; {}", super::postgres::raising_check_sql(&progress))).is_err();
                client.batch_execute("ROLLBACK").unwrap();
                assert_eq!(!raised, progress.follows(row), "row {row:?}, {direction:?} phase {phase}");
            }
        }
    }
}

#[test]
fn create_extension_installs_it_and_the_way_back_leaves_it() {
    let Some(db) = TestDatabase::create("create_extension") else { return };
    let mut b = PostgresBackend::connect(&db.url, "public").unwrap();
    let migrations = vec![
        parse(1, "citext", "create_extension citext"),
        parse(2, "emails", "create_table emails { id: i64 primary_key, address: String }"),
    ];
    assert_eq!(run_all(&mut b, &migrations).unwrap(), 2);
    let installed = |b: &mut PostgresBackend| -> i64 {
        b.client().query_one("SELECT count(*) FROM pg_extension WHERE extname = 'citext'", &[]).unwrap().get(0)
    };
    assert_eq!(installed(&mut b), 1);
    // A second database that had it already: IF NOT EXISTS.
    let options = Options::default();
    assert_eq!(rollback(&mut b, &migrations, RollbackTarget::To(0), &options, &mut |_| {}).unwrap(), 2);
    assert_eq!(installed(&mut b), 1, "the way back leaves the extension");
    assert_eq!(run_all(&mut b, &migrations).unwrap(), 2, "and the next run finds it there");
}
