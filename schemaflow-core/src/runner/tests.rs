//! The runner on real SQLite databases: apply, record, roll back, detect
//! drift, keep data through table rebuilds, and fail without a trace.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::sqlite::SqliteBackend;
use super::*;

fn parse(version: u64, name: &str, src: &str) -> Migration {
    let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
    match crate::dsl::parse_migration(tokens, version, name) {
        Ok(p) => p.migration,
        Err(e) => panic!("{src}: {e}"),
    }
}

/// The blog example's migrations, read from their files. The compiled
/// example registers its transform through `migration!`; here the same
/// splitting is registered by hand, since the files are only parsed.
pub(super) fn blog() -> Vec<Migration> {
    use crate::transform::{FromValue, IntoValue, Value};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/blog/migrations");
    let mut migrations: Vec<Migration> =
        crate::files::scan_dir(&dir).unwrap().iter().map(|f| crate::dsl::load(&f.path).unwrap()).collect();
    for m in &mut migrations {
        m.transforms.register(
            "crate::names::split_display_name",
            std::sync::Arc::new(|row: Vec<Value>| {
                let name: Option<String> = FromValue::from_value(row.into_iter().next().unwrap_or(Value::Null))?;
                let (first, last) = match name.as_deref().and_then(|n| n.split_once(' ')) {
                    Some((f, l)) => (Some(f.to_owned()), Some(l.to_owned())),
                    None => (name, None),
                };
                Ok(vec![first.into_value(), last.into_value()])
            }),
        );
    }
    migrations
}

fn temp_db(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("schemaflow-runner-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn run_all(db: &mut SqliteBackend, migrations: &[Migration]) -> usize {
    run(db, migrations, None, &Options::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

fn count(db: &SqliteBackend, sql: &str) -> i64 {
    db.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_blog_applies_rolls_back_and_reapplies_without_drift() {
    let path = temp_db("blog");
    let mut db = SqliteBackend::open(&path).unwrap();
    let migrations = blog();
    assert_eq!(run_all(&mut db, &migrations), migrations.len());
    let s = status(&mut db, &migrations).unwrap();
    assert!(s.is_up_to_date(), "{:#?}", s);

    // The online change's way back stops at its deploy boundary.
    let options = Options::default();
    // (After the migration that follows it.)
    assert_eq!(rollback(&mut db, &migrations, RollbackTarget::To(0), &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(complete(&mut db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(
        rollback(&mut db, &migrations, RollbackTarget::To(0), &options, &mut |_| {}).unwrap(),
        migrations.len() - 2
    );
    assert!(db.introspect().unwrap().tables.is_empty());
    assert_eq!(run_all(&mut db, &migrations), migrations.len());
    assert!(status(&mut db, &migrations).unwrap().is_up_to_date());
    assert_eq!(run_all(&mut db, &migrations), 0, "nothing left to apply");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_table_rebuild_keeps_rows_indexes_triggers_views_with_their_triggers_and_foreign_keys() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let m1 = parse(
        1,
        "base",
        r#"
        create_table users { id: i64 primary_key identity, email: Varchar<50> unique, age: Option<i32> }
        create_table posts { id: i64 primary_key identity, author_id: i64 references users(id) on_delete cascade, title: String }
        create_index on posts(author_id);
        create_index users_age_idx on users(age) where "age > 0";
        sql "CREATE VIEW adults AS SELECT email FROM users WHERE age >= 18" down "DROP VIEW adults";
        sql "CREATE TABLE audit (email TEXT)" down "DROP TABLE audit";
        sql "CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit VALUES (new.email); END" down "DROP TRIGGER users_audit";
        sql "CREATE VIEW signups AS SELECT email FROM users" down "DROP VIEW signups";
        sql "CREATE TRIGGER signups_insert INSTEAD OF INSERT ON signups BEGIN INSERT INTO users (email) VALUES (new.email); END" down "DROP TRIGGER signups_insert";
    "#,
    );
    run_all(&mut db, std::slice::from_ref(&m1));
    db.connection()
        .execute_batch(
            "INSERT INTO users (email, age) VALUES ('a@x', 30), ('b@x', NULL), ('c@x', 12);
             INSERT INTO posts (author_id, title) VALUES (1, 'one'), (1, 'two'), (2, 'three');",
        )
        .unwrap();
    // Type change and SET NOT NULL both rebuild `users` on SQLite.
    let m2 = parse(
        2,
        "rebuild",
        r#"
        #[allow(alter_column_type, "test")] #[allow(set_not_null, "test")]
        alter_table users { set_type email: String, set_default age = 0 }
    "#,
    );
    run_all(&mut db, &[m1.clone(), m2.clone()]);
    assert_eq!(count(&db, "SELECT count(*) FROM users"), 3);
    assert_eq!(count(&db, "SELECT count(*) FROM posts"), 3);
    assert_eq!(count(&db, "SELECT count(*) FROM adults"), 1, "the view still works");
    db.connection().execute("INSERT INTO users (email) VALUES ('d@x')", []).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM audit"), 4, "the trigger survived (3 before + 1)");
    db.connection().execute("INSERT INTO signups (email) VALUES ('e@x')", []).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM users WHERE email = 'e@x'"), 1, "the view's own trigger survived");
    assert_eq!(count(&db, "SELECT age FROM users WHERE email = 'd@x'"), 0, "the new default applies");
    assert_eq!(count(&db, "SELECT count(*) FROM sqlite_master WHERE name = 'users_age_idx'"), 1);
    let fks = count(&db, "SELECT count(*) FROM pragma_foreign_key_list('posts')");
    assert_eq!(fks, 1, "the child's foreign key still points at users");
    // The table created in raw SQL is in the replayed schema too: no drift.
    assert_eq!(status(&mut db, &[m1, m2]).unwrap().drift, Vec::<String>::new());
}

#[test]
fn a_failed_migration_leaves_the_database_and_the_bookkeeping_as_they_were() {
    let path = temp_db("failure");
    let mut db = SqliteBackend::open(&path).unwrap();
    let m1 = parse(1, "base", "create_table users { id: i64 primary_key, age: Option<i32> }");
    run_all(&mut db, std::slice::from_ref(&m1));
    db.connection().execute_batch("INSERT INTO users VALUES (1, NULL), (2, 5)").unwrap();
    let before = std::fs::read(&path).unwrap();
    // Adding a NOT NULL default column is fine; SET NOT NULL fails on the NULL row.
    let m2 = parse(
        2,
        "strict",
        r#"
        alter_table users { add_column flag: bool = false }
        #[allow(set_not_null, "test")] alter_table users { set_not_null age }
    "#,
    );
    let err = run(&mut db, &[m1.clone(), m2.clone()], None, &Options::default(), &mut |_| {}).unwrap_err();
    let RunError::Migration { id, statement, message, completed, .. } = &err else { panic!("{err}") };
    assert_eq!(id, "2_strict");
    assert!(statement.as_deref().is_some_and(|s| s.contains("INSERT INTO")), "{err}");
    assert!(message.contains("NOT NULL"), "{err}");
    assert_eq!(*completed, 0);
    assert!(err.to_string().contains("the database is as it was before 2_strict"), "{err}");
    drop(db);
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is byte for byte as before");
    let mut db = SqliteBackend::open(&path).unwrap();
    assert_eq!(db.applied().unwrap().len(), 1);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_changed_or_unknown_applied_migration_is_refused_by_name() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let m1 = parse(1, "base", "create_table users { id: i64 primary_key }");
    run_all(&mut db, &[m1]);
    let changed = parse(1, "base", "create_table users { id: i64 primary_key, x: Option<i32> }");
    let err = run(&mut db, std::slice::from_ref(&changed), None, &Options::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("1_base was changed after it was applied"), "{err}");
    let s = status(&mut db, &[changed]).unwrap();
    assert!(matches!(s.migrations[0].state, State::Changed { .. }));
    let err = run(&mut db, &[], None, &Options::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("no migration file has that version"), "{err}");
    // Reformatting (the same model) changes nothing.
    let reformatted = parse(1, "base", "create_table   users {\n id : i64   primary_key , }");
    assert_eq!(run(&mut db, &[reformatted], None, &Options::default(), &mut |_| {}).unwrap(), 0);
}

#[test]
fn rollback_stops_at_an_irreversible_migration_with_its_reason() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let ms = vec![
        parse(1, "base", "create_table users { id: i64 primary_key }"),
        parse(2, "view", "sql \"CREATE VIEW v AS SELECT 1\" irreversible \"the view feeds a report\""),
        parse(3, "more", "create_table tags { id: i64 primary_key }"),
    ];
    run_all(&mut db, &ms);
    let err = rollback(&mut db, &ms, RollbackTarget::Steps(3), &Options::default(), &mut |_| {}).unwrap_err();
    assert_eq!(err, RunError::Irreversible { id: "2_view".into(), reason: "the view feeds a report".into() });
    assert_eq!(db.applied().unwrap().len(), 2, "3 was rolled back, 2 and 1 stay");
}

#[test]
fn drift_names_each_difference() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let ms = vec![parse(
        1,
        "base",
        "create_table users { id: i64 primary_key, email: Varchar<255>, age: i32 = 0 } create_index on users(age);",
    )];
    run_all(&mut db, &ms);
    db.connection()
        .execute_batch(
            "DROP INDEX users_age_idx; ALTER TABLE users ADD COLUMN extra TEXT; CREATE TABLE stray (x INT);
             ALTER TABLE users DROP COLUMN email; ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT ''",
        )
        .unwrap();
    let drift = status(&mut db, &ms).unwrap().drift;
    let has = |sentence: &str| drift.iter().any(|d| d == sentence);
    assert!(has("column `users.extra` exists in the database but not in migrations"), "{drift:?}");
    assert!(has("table `stray` exists in the database but not in migrations"), "{drift:?}");
    assert!(has("index `users_age_idx` on `users` exists in migrations but not in the database"), "{drift:?}");
    assert!(has("column `users.email`: type text in the database, varchar(255) in migrations"), "{drift:?}");
    assert!(has("column `users.email`: default '' in the database, no default in migrations"), "{drift:?}");
}

#[test]
fn a_backfill_updates_every_matching_row_in_batches() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let m1 = parse(1, "base", "create_table items { id: i64 primary_key, n: i64 }");
    run_all(&mut db, std::slice::from_ref(&m1));
    db.connection()
        .execute_batch("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2345) INSERT INTO items SELECT i, i FROM s")
        .unwrap();
    let m2 = parse(
        2,
        "fill",
        "alter_table items { add_column twice: Option<i64> } backfill items set twice = sql(\"n * 2\") where \"n % 2 = 0\" batch 100;",
    );
    run_all(&mut db, &[m1, m2]);
    assert_eq!(count(&db, "SELECT count(*) FROM items WHERE twice = n * 2"), 1172);
    assert_eq!(count(&db, "SELECT count(*) FROM items WHERE twice IS NULL"), 2345 - 1172);
}

fn split_name() -> crate::transform::TransformFn {
    use crate::transform::{FromValue, IntoValue, Value};
    std::sync::Arc::new(|row: Vec<Value>| {
        let name: Option<String> = FromValue::from_value(row.into_iter().next().unwrap_or(Value::Null))?;
        let (first, last) = match name.as_deref().and_then(|n| n.split_once(' ')) {
            Some((f, l)) => (Some(f.to_owned()), Some(l.to_owned())),
            None => (name, None),
        };
        Ok(vec![first.into_value(), last.into_value()])
    })
}

#[test]
fn a_typed_transform_splits_a_column_in_batches() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let m1 = parse(1, "base", "create_table people { id: i64 primary_key, name: Option<String> }");
    run_all(&mut db, std::slice::from_ref(&m1));
    db.connection()
        .execute_batch("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1234) INSERT INTO people SELECT i, 'Ada ' || i FROM s; UPDATE people SET name = NULL WHERE id = 7; UPDATE people SET name = 'Plato' WHERE id = 8")
        .unwrap();
    let mut m2 = parse(
        2,
        "split",
        "alter_table people { add_column first_name: Option<String>, add_column last_name: Option<String> } backfill people with crate::names::split(name) -> (first_name, last_name) batch 100;",
    );
    m2.transforms.register("crate::names::split", split_name());
    run_all(&mut db, &[m1, m2]);
    assert_eq!(
        count(&db, "SELECT count(*) FROM people WHERE first_name = 'Ada' AND last_name = CAST(id AS TEXT)"),
        1232
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM people WHERE id = 8 AND first_name = 'Plato' AND last_name IS NULL"),
        1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM people WHERE id = 7 AND first_name IS NULL"), 1);
}

#[test]
fn an_unregistered_transform_fails_with_its_name() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let m1 =
        parse(1, "base", "create_table people { id: i64 primary_key, name: Option<String>, first: Option<String> }");
    let m2 = parse(2, "split", "backfill people with split(name) -> first; irreversible \"test\"");
    let err = run(&mut db, &[m1, m2], None, &Options::default(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("`split` is not registered"), "{err}");
}

/// The plan of every migration after the first (version 2 on), default
/// options; `rows` stands for the live database's row counts.
fn plan_from_second(
    ms: &[Migration],
    dialect: Dialect,
    elsewhere: &[Dialect],
    mut rows: impl FnMut(&str) -> Option<u64>,
) -> crate::plan::PlanDocument {
    crate::plan::document(ms, Some(2), None, dialect, elsewhere, &Options::default(), &mut rows)
}

/// The example's plan is checked in (`examples/blog/docs/migration-plan.md`);
/// regenerating it must give the same text. `SCHEMAFLOW_UPDATE_PLAN=1`
/// rewrites it after an intended change.
#[test]
fn the_example_plan_is_current() {
    let doc = crate::plan::document(
        &blog(),
        None,
        None,
        crate::dialect::Dialect::Postgres,
        &[Dialect::Sqlite, Dialect::Postgres],
        &Options::default(),
        &mut |_| None,
    );
    let text = crate::plan::to_markdown(&doc);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/blog/docs/migration-plan.md");
    if std::env::var("SCHEMAFLOW_UPDATE_PLAN").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap();
    assert!(
        checked_in == text,
        "{} is out of date: regenerate it with SCHEMAFLOW_UPDATE_PLAN=1 cargo test -p schemaflow-core the_example_plan",
        path.display()
    );
    assert_eq!(doc.migrations.len(), blog().len());
    assert!(doc.migrations.iter().any(|m| m.kind == "data transformation"));
    assert!(doc.checklist.iter().any(|c| c.done.is_none()), "some items are left for a person");
}

#[test]
fn the_plan_says_when_a_migration_needs_a_quiet_period_and_why_it_breaks_old_code() {
    let ms = vec![
        parse(1, "base", "create_table users { id: i64 primary_key, email: String, age: Option<i32> }"),
        parse(
            2,
            "risky",
            "#[allow(alter_column_type, \"a small table\")] alter_table users { set_type age: i64 } #[allow(blocking_index, \"200 rows\")] create_index on users(email);",
        ),
    ];
    let doc = plan_from_second(&ms, Dialect::Postgres, &[], |_| Some(200));
    let m = &doc.migrations[0];
    assert!(m.needs_quiet_period);
    assert!(!m.backward_compatible && m.compatibility.contains("old type of `users.age`"), "{}", m.compatibility);
    assert!(m.locking.iter().any(|l| l.contains("rewrites the table")), "{:?}", m.locking);
    assert!(m.acknowledged.iter().any(|a| a.contains("a small table")));
    let window = doc.checklist.iter().find(|c| c.item.contains("downtime")).unwrap();
    assert_eq!(window.done, None, "a person must announce the window");
}

#[test]
fn the_plan_of_an_online_rename_says_what_each_app_version_may_do_in_each_phase() {
    let ms = vec![
        parse(1, "base", "create_table users { id: i64 primary_key, email: String }"),
        parse(2, "rename", "rename_table users -> accounts online"),
    ];
    let doc = plan_from_second(&ms, Dialect::Postgres, &[], |_| Some(200));
    let m = &doc.migrations[0];
    assert!(m.backward_compatible, "{}", m.compatibility);
    assert!(
        m.compatibility.starts_with("yes, phase by phase")
            && m.compatibility.contains("code that still queries `users` fails"),
        "{}",
        m.compatibility
    );
    let phases: Vec<_> = m.phases.iter().map(|p| p.phase.as_str()).collect();
    assert_eq!(phases.len(), 4, "{phases:?}");
    assert!(
        phases[0].contains("cargo schemaflow run") && phases[2].contains("cargo schemaflow complete"),
        "{phases:?}"
    );
    assert!(m.phases[0].old_code.contains("through the view to `accounts`"), "{:?}", m.phases[0]);
    assert!(m.phases[2].old_code.starts_with("must be gone") && m.phases[2].old_code.contains("`users`"));
    assert!(m.phases[3].new_code.starts_with("must be rolled back first"));
    let text = crate::plan::to_markdown(&doc);
    assert!(text.contains("| Phase | Code deployed before it | Code deployed for it |"), "{text}");
    // A migration without a boundary has no phases to tell apart.
    let plain = vec![ms[0].clone(), parse(2, "add", "alter_table users { add_column age: Option<i32> }")];
    let doc = plan_from_second(&plain, Dialect::Postgres, &[], |_| None);
    assert_eq!(doc.migrations.len(), 1);
    assert!(doc.migrations[0].phases.is_empty());
}

#[test]
fn the_plan_judges_a_derived_rollback_too() {
    let ms = vec![
        parse(1, "base", "create_table posts { id: i64 primary_key, title: Varchar<200> }"),
        parse(2, "widen", "alter_table posts { set_type title: String }"),
    ];
    let doc = plan_from_second(&ms, Dialect::Postgres, &[], |_| Some(200));
    let m = &doc.migrations[0];
    assert!(m.locking[0].starts_with("zero-downtime"), "a widening is catalog only: {:?}", m.locking);
    let crate::plan::Rollback::Sql { assessment, .. } = &m.rollback else { panic!("{:?}", m.rollback) };
    assert!(assessment[0].starts_with("needs a quiet period"), "narrowing back rewrites: {assessment:?}");
    assert!(
        assessment.iter().any(|a| a.contains("narrows `posts.title`") && a.contains("fails once")),
        "{assessment:?}"
    );
    // The SQL it runs, and no boilerplate in its locks.
    assert!(m.sql.contains("ALTER TABLE \"posts\" ALTER COLUMN \"title\" TYPE text"), "{}", m.sql);
    assert_eq!(m.locking.len(), 1, "{:?}", m.locking);
    assert_eq!(doc.lock_timeout_ms, Some(5000));
    let own = vec![ms[0].clone(), parse(2, "slow", "lock_timeout 1s; alter_table posts { set_type title: String }")];
    let doc = plan_from_second(&own, Dialect::Postgres, &[], |_| None);
    assert!(
        doc.migrations[0].locking.iter().any(|l| l.contains("at most 1000 ms") && l.contains("its own")),
        "{:?}",
        doc.migrations[0].locking
    );
}

#[test]
fn the_plan_names_what_goes_with_a_dropped_column() {
    let ms = vec![
        parse(
            1,
            "base",
            "create_table users { id: i64 primary_key, email: String unique, age: Option<i32> check(\"age > 0\") } \
             create_index on users(email); create_index adults on users(id) where \"age >= 18\";",
        ),
        parse(2, "drop_age", "#[allow(drop_column, \"unused since 2.0\")] alter_table users { drop_column age }"),
    ];
    let doc = plan_from_second(&ms, Dialect::Postgres, &[], |_| None);
    let change = &doc.migrations[0].changes[0];
    assert!(
        change.starts_with(
            "drops column `users.age` and its data; with it go index `adults`, check constraint `users_age_check`"
        ),
        "{change}"
    );
    assert!(!change.contains("users_email"), "{change}");
}

#[test]
fn the_plan_gives_each_statement_its_lock_and_how_long_it_holds_it() {
    let ms = vec![
        parse(1, "base", "create_table users { id: i64 primary_key, email: String, age: Option<i32> }"),
        parse(
            2,
            "change",
            "alter_table users { add_column note: Option<String> } \
             #[allow(alter_column_type, \"measured\")] alter_table users { set_type age: i64 } \
             create_index on users(email) concurrently;",
        ),
    ];
    let plan_with = |rows: u64| {
        plan_from_second(&ms, Dialect::Postgres, &[Dialect::Sqlite, Dialect::Postgres], |t| {
            (t == "users").then_some(rows)
        })
    };
    let doc = plan_with(5_000_000);
    let m = &doc.migrations[0];
    let find = |start: &str| {
        m.statements.iter().find(|s| s.statement.starts_with(start)).unwrap_or_else(|| panic!("{:?}", m.statements))
    };
    let add = find("ALTER TABLE \"users\" ADD COLUMN");
    assert_eq!(
        (add.mode.as_deref(), add.blocks, add.work.as_str()),
        (Some("ACCESS EXCLUSIVE"), "reads and writes", "brief")
    );
    assert_eq!((add.tables.clone(), add.rows, add.duration), (vec!["users".to_owned()], Some(5_000_000), "instant"));
    let retype = find("ALTER TABLE \"users\" ALTER COLUMN \"age\" TYPE");
    assert_eq!((retype.work.as_str(), retype.duration), ("rewrites the table", "minutes"));
    let index = find("CREATE INDEX CONCURRENTLY");
    assert_eq!(
        (index.mode.as_deref(), index.blocks, index.work.as_str(), index.duration),
        (Some("SHARE UPDATE EXCLUSIVE"), "other schema changes", "builds an index concurrently", "minutes")
    );
    assert_eq!(plan_with(300).migrations[0].statements.iter().map(|s| s.duration).max(), Some("instant"));
    // The crate's other database: its SQL too (SQLite rebuilds the table).
    assert!(m.sql_elsewhere["sqlite"].contains("CREATE TABLE \"_schemaflow_new_users\""), "{:?}", m.sql_elsewhere);
    let text = crate::plan::to_markdown(&doc);
    assert!(
        text.contains("| `ALTER TABLE \"users\" ALTER COLUMN \"age\" TYPE bigint` | ACCESS EXCLUSIVE on users | reads and writes | rewrites the table | 5,000,000 | minutes |"),
        "{text}"
    );
    assert!(text.contains("<details><summary>SQL on SQLite</summary>"), "{text}");
    // On SQLite the rebuild's copy of the rows is what takes time.
    let lite = plan_from_second(&ms, Dialect::Sqlite, &[], |_| Some(5_000_000));
    let statements = &lite.migrations[0].statements;
    let copy = statements.iter().find(|s| s.statement.starts_with("INSERT INTO \"_schemaflow_new_users\"")).unwrap();
    assert_eq!((copy.work.as_str(), copy.duration), ("copies every row (rebuild)", "minutes"));
    let add = statements.iter().find(|s| s.statement.starts_with("ALTER TABLE \"users\" ADD COLUMN")).unwrap();
    assert_eq!((add.tables.clone(), add.work.as_str(), add.duration), (vec!["users".to_owned()], "brief", "instant"));
    assert!(statements.iter().filter(|s| s.duration == "minutes").count() <= 2, "{statements:?}");
    // Without a database at hand, a scan's duration is unknown.
    let unknown = plan_from_second(&ms, Dialect::Postgres, &[], |_| None);
    assert_eq!(
        unknown.migrations[0].statements.iter().find(|s| s.work == "rewrites the table").map(|s| s.duration),
        Some("unknown")
    );
}

fn test_options() -> crate::testing::TestOptions {
    crate::testing::TestOptions { rows: 300, seed: 7, max_duration: None, generate: true }
}

#[test]
fn the_blog_passes_the_up_down_up_test_with_generated_data() {
    let path = temp_db("test_blog");
    let mut db = SqliteBackend::open(&path).unwrap();
    let report = crate::testing::test_migrations(&mut db, &blog(), &test_options());
    assert!(report.passed, "{}", crate::testing::summary(&report));
    assert_eq!(report.migrations.len(), blog().len());
    let verified = report.migrations.iter().find(|m| m.id.ends_with("add_user_verified")).unwrap();
    assert!(verified.rows > 0, "a migration on an existing table ran on generated rows");
    assert!(verified.down_ms.is_some() && verified.again_ms.is_some());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_down_that_loses_data_fails_the_test_naming_the_migration_and_the_data() {
    let mut db = SqliteBackend::in_memory().unwrap();
    let ms = vec![
        parse(1, "base", "create_table users { id: i64 primary_key, email: String, nick: Option<String> }"),
        // The way back drops and re-adds `nick` instead of `bio`: the schema
        // comes back, the nicknames do not.
        parse(
            2,
            "add_bio",
            "alter_table users { add_column bio: Option<String> } down { alter_table users { drop_column bio } #[allow(drop_column, \"test\")] alter_table users { drop_column nick } alter_table users { add_column nick: Option<String> } }",
        ),
    ];
    let report = crate::testing::test_migrations(&mut db, &ms, &test_options());
    assert!(!report.passed);
    let failed = report.migrations.iter().find(|m| m.failure.is_some()).unwrap();
    assert_eq!(failed.id, "2_add_bio");
    assert!(failed.failure.as_deref().unwrap().contains("`users.nick`"), "{:?}", failed.failure);
    let xml = crate::testing::junit(&report);
    assert!(xml.contains("<failure message=") && xml.contains("name=\"2_add_bio\""), "{xml}");
}

/// A backfill cut short at a batch, going forward and in a rollback: the
/// bookkeeping says how far it got, the command that would act on a wrong
/// state refuses, and finishing changes every row exactly once. Shared by
/// the SQLite and the PostgreSQL test.
pub(super) fn a_cut_short_backfill_leaves_a_true_state(db: &mut dyn ScratchDatabase) {
    let count = |db: &mut dyn ScratchDatabase, rows: &str| -> i64 {
        let sql = format!("SELECT {} FROM {rows}", db.text_of("count(*)"));
        db.query_text(&sql).unwrap()[0][0].as_deref().unwrap().parse().unwrap()
    };
    let state = |db: &mut dyn ScratchDatabase, migrations: &[Migration]| {
        let applied = db.applied().unwrap();
        compare(migrations, &applied)[1].state.clone()
    };
    let options = Options::default();
    let migrations = [
        parse(
            1,
            "base",
            "create_table items { id: i64 primary_key, touched: i64 } create_table gate { id: i64 primary_key, open: bool }",
        ),
        // Rows past 350 (650 on the way back) fail a NOT NULL until the gate opens.
        parse(
            2,
            "touch",
            r#"backfill items set touched = sql("CASE WHEN id > 350 AND NOT (SELECT open FROM gate) THEN NULL ELSE touched + 1 END") batch 100;
               down { backfill items set touched = sql("CASE WHEN id > 650 AND NOT (SELECT open FROM gate) THEN NULL ELSE touched - 1 END") batch 100 }"#,
        ),
    ];
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO items SELECT i, 0 FROM n;
         INSERT INTO gate VALUES (1, FALSE);",
    )
    .unwrap();

    let failed = run(db, &migrations, None, &options, &mut |_| {}).unwrap_err().to_string();
    assert!(!failed.contains("as it was before"), "three batches did commit: {failed}");
    assert!(failed.contains("the batches committed before the failure stay"), "{failed}");
    assert!(matches!(state(db, &migrations), State::Applying { phases_done: 0, .. }), "{:?}", state(db, &migrations));
    assert_eq!(count(db, "items WHERE touched = 1"), 300);
    // Rolling back the table under a half-done backfill would strand its progress.
    let refused = rollback(db, &migrations, RollbackTarget::To(0), &options, &mut |_| {}).unwrap_err();
    assert!(refused.to_string().contains("half-applied"), "{refused}");
    db.execute("UPDATE gate SET open = TRUE").unwrap();
    assert_eq!(run(db, &migrations, None, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(count(db, "items WHERE touched = 1"), 1000, "every row once");

    db.execute("UPDATE gate SET open = FALSE").unwrap();
    let failed = rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap_err().to_string();
    assert!(
        failed.contains("the rollback of 2_touch failed") && failed.contains("next `rollback` resumes"),
        "{failed}"
    );
    assert!(
        matches!(state(db, &migrations), State::RollingBack { phases_done: 0, .. }),
        "part of the data is reverted: {:?}",
        state(db, &migrations)
    );
    let refused = run(db, &migrations, None, &options, &mut |_| {}).unwrap_err();
    assert!(refused.to_string().contains("half rolled back"), "{refused}");
    db.execute("UPDATE gate SET open = TRUE").unwrap();
    assert_eq!(rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(count(db, "items WHERE touched = 0"), 1000, "every row reverted once");
    assert_eq!(count(db, "schemaflow_backfills"), 0, "no progress outlives the rollback");
    assert_eq!(run(db, &migrations, None, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(count(db, "items WHERE touched = 1"), 1000, "a new run starts at the first row");
}

#[test]
fn a_cut_short_backfill_leaves_a_true_state_on_sqlite() {
    let path = temp_db("cut_short");
    let mut db = SqliteBackend::open(&path).unwrap();
    a_cut_short_backfill_leaves_a_true_state(&mut db);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn two_runners_on_one_sqlite_file_apply_each_migration_and_each_batch_once() {
    let path = temp_db("two_runners");
    let setup = parse(1, "items", "create_table items { id: i64 primary_key, touched: i64 }");
    {
        let mut db = SqliteBackend::open(&path).unwrap();
        run_all(&mut db, std::slice::from_ref(&setup));
        db.connection()
            .execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO items SELECT i, 0 FROM n",
            )
            .unwrap();
    }
    let migrations = vec![
        setup,
        parse(2, "touch", "backfill items set touched = sql(\"touched + 1\") batch 100 pause 5ms;"),
        parse(3, "note", "alter_table items { add_column note: Option<String> }"),
    ];
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let runners: Vec<_> = (0..2)
        .map(|_| {
            let (path, migrations, start) = (path.clone(), migrations.clone(), start.clone());
            std::thread::spawn(move || {
                let mut db = SqliteBackend::open(&path).unwrap();
                start.wait();
                let mut waited = false;
                let applied = run(&mut db, &migrations, None, &Options::default(), &mut |e| {
                    waited |= matches!(e, Event::Waiting);
                })
                .unwrap();
                (applied, waited)
            })
        })
        .collect();
    let results: Vec<(usize, bool)> = runners.into_iter().map(|r| r.join().unwrap()).collect();
    assert_eq!(results.iter().map(|r| r.0).sum::<usize>(), 2, "each migration applied once: {results:?}");
    assert!(results.iter().any(|r| r.1), "one runner waited for the other: {results:?}");
    let db = SqliteBackend::open(&path).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM items WHERE touched = 1"), 3000, "every row changed once");
    let _ = std::fs::remove_file(&path);
}

/// A bookkeeping row schemaflow would not have written is refused by
/// version by every command, never taken for an applied migration. Shared
/// by the SQLite and the PostgreSQL test.
pub(super) fn a_bookkeeping_row_edited_by_hand_is_refused(db: &mut dyn ScratchDatabase) {
    let migrations = [parse(1, "items", "create_table items { id: i64 primary_key }")];
    let options = Options::default();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    for (edit, says) in [
        ("state = 'garbage'", "has the state `garbage`"),
        ("phases_done = -1", "counts -1 of"),
        ("phases_done = 5, phases_total = 2", "counts 5 of 2"),
    ] {
        db.execute(&format!("UPDATE schemaflow_migrations SET {edit}")).unwrap();
        let refused = [
            status(db, &migrations).map(|_| ()).unwrap_err(),
            run(db, &migrations, None, &options, &mut |_| {}).map(|_| ()).unwrap_err(),
            rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).map(|_| ()).unwrap_err(),
        ];
        for e in refused {
            let e = e.to_string();
            assert!(e.contains("version 1") && e.contains(says) && e.contains("by hand"), "{edit}: {e}");
        }
        db.execute("UPDATE schemaflow_migrations SET state = 'applied', phases_done = 1, phases_total = 1").unwrap();
    }
    assert!(status(db, &migrations).unwrap().is_up_to_date());
}

#[test]
fn a_bookkeeping_row_edited_by_hand_is_refused_on_sqlite() {
    let path = temp_db("edited_row");
    let mut db = SqliteBackend::open(&path).unwrap();
    a_bookkeeping_row_edited_by_hand_is_refused(&mut db);
    let _ = std::fs::remove_file(&path);
}

/// A request for the harness on the SQLite file at `path`, JSON output.
#[cfg(feature = "harness")]
fn harness_request(path: &Path, command: crate::harness::Command, databases: Vec<String>) -> crate::harness::Request {
    crate::harness::Request {
        command,
        database_url: format!("sqlite://{}", path.display()),
        format: crate::harness::Format::Json,
        color: false,
        quiet: false,
        verbose: false,
        schema: "public".into(),
        postgres_min_version: None,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        databases,
        namespace: String::new(),
    }
}

#[cfg(feature = "harness")]
#[test]
fn a_panicking_transform_fails_its_row_with_a_json_error_not_an_abort() {
    use crate::transform::Value;
    let path = temp_db("panicking_transform");
    let m1 =
        parse(1, "base", "create_table people { id: i64 primary_key, name: Option<String>, first: Option<String> }");
    let mut m2 = parse(2, "split", "backfill people with split(name) -> first batch 2; irreversible \"test\"");
    m2.transforms.register(
        "split",
        std::sync::Arc::new(|row: Vec<Value>| match row.first() {
            Some(Value::Text(t)) if t == "boom" => panic!("cannot split {t}"),
            _ => Ok(vec![Value::Text("ok".into())]),
        }),
    );
    {
        let mut db = SqliteBackend::open(&path).unwrap();
        run_all(&mut db, std::slice::from_ref(&m1));
        db.connection()
            .execute_batch("INSERT INTO people VALUES (1, 'a', NULL), (2, 'b', NULL), (3, 'boom', NULL)")
            .unwrap();
    }
    let request =
        harness_request(&path, crate::harness::Command::Run { to: None, dry_run: false, backup: None }, Vec::new());
    let mut out = Vec::new();
    let code = crate::harness::execute(&request, &[m1, m2], &mut out);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{text}");
    let error = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["event"] == "error")
        .unwrap_or_else(|| panic!("no error event in {text}"));
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("panicked: cannot split boom") && message.contains("key"), "{message}");
    let db = SqliteBackend::open(&path).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM people WHERE first = 'ok'"), 2, "the batch before the row stays");
    let _ = std::fs::remove_file(&path);
}

/// A copy of a database taken in the middle of a write transaction whose
/// pages already reached the file: the copy has a hot journal, as a
/// database does after a crash.
fn database_with_a_hot_journal(name: &str) -> PathBuf {
    let path = temp_db(name);
    let mut db = SqliteBackend::open(&path).unwrap();
    run_all(&mut db, &[parse(1, "items", "create_table items { id: i64 primary_key, note: String }")]);
    let conn = db.connection();
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
         INSERT INTO items SELECT i, printf('%0200d', i) FROM n;
         PRAGMA cache_size = 2; BEGIN; UPDATE items SET note = 'changed';",
    )
    .unwrap();
    let copy = temp_db(&format!("{name}_copy"));
    std::fs::copy(&path, &copy).unwrap();
    let journal = |p: &Path| PathBuf::from(format!("{}-journal", p.display()));
    std::fs::copy(journal(&path), journal(&copy)).unwrap();
    conn.execute_batch("ROLLBACK").unwrap();
    copy
}

#[cfg(feature = "harness")]
#[test]
fn status_after_a_crash_recovers_the_hot_journal() {
    let copy = database_with_a_hot_journal("hot_journal");
    let migrations = [parse(1, "items", "create_table items { id: i64 primary_key, note: String }")];
    let request = harness_request(&copy, crate::harness::Command::Status { check: true }, Vec::new());
    let mut out = Vec::new();
    let code = crate::harness::execute(&request, &migrations, &mut out);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out));
    let db = SqliteBackend::open(&copy).unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) FROM items WHERE note = 'changed'"),
        0,
        "the unfinished transaction is undone"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM items"), 5000);
}

#[cfg(feature = "harness")]
#[test]
fn a_database_the_crate_was_not_checked_for_is_refused() {
    let path = temp_db("wrong_target");
    let request = harness_request(
        &path,
        crate::harness::Command::Run { to: None, dry_run: false, backup: None },
        vec!["postgres".into()],
    );
    let migrations =
        [parse(1, "items", "sql \"CREATE TABLE items (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)\"")];
    let mut out = Vec::new();
    assert_eq!(crate::harness::execute(&request, &migrations, &mut out), 2);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("checked for postgres only"), "{text}");
    assert!(!path.exists(), "nothing was created");
}

/// Two crates migrate one database: each keeps its own history (the same
/// version in both), sees only its own tables in drift, rolls back only its
/// own, cannot create the other's table, and a renamed crate is told how to
/// keep its history. `open` opens the shared database for a namespace.
pub(super) fn two_crates_share_one_database(open: &mut dyn FnMut(&str) -> Box<dyn Backend>) {
    let accounts = vec![parse(
        202601010000,
        "users",
        "create_table users { id: i64 primary_key, email: String } create_index on users(email);",
    )];
    let billing = vec![
        parse(202601010000, "invoices", "create_table invoices { id: i64 primary_key, total: i64 }"),
        parse(202601020000, "lines", "create_table invoice_lines { id: i64 primary_key, invoice_id: i64 }"),
    ];
    let options = Options::default();
    let mut a = open("accounts");
    assert_eq!(run(a.as_mut(), &accounts, None, &options, &mut |_| {}).unwrap(), 1);
    let mut b = open("billing");
    assert_eq!(
        run(b.as_mut(), &billing, None, &options, &mut |_| {}).unwrap(),
        2,
        "its version 202601010000 is its own"
    );
    for (db, migrations) in [(&mut a, &accounts), (&mut b, &billing)] {
        let s = status(db.as_mut(), migrations).unwrap();
        assert!(s.is_up_to_date(), "{:?}", s);
        assert_eq!(db.applied().unwrap().len(), migrations.len());
    }
    assert_eq!(rollback(b.as_mut(), &billing, RollbackTarget::To(0), &options, &mut |_| {}).unwrap(), 2);
    let tables = a.introspect().unwrap().tables;
    assert!(tables.contains_key("users") && !tables.contains_key("invoices"), "{tables:?}");
    assert!(status(a.as_mut(), &accounts).unwrap().is_up_to_date(), "the other's rollback left it alone");
    assert_eq!(run(b.as_mut(), &billing, None, &options, &mut |_| {}).unwrap(), 2);

    let clash = [
        billing.clone(),
        vec![parse(202601030000, "users_again", "create_table users { id: i64 primary_key, name: String }")],
    ]
    .concat();
    let err = run(b.as_mut(), &clash, None, &options, &mut |_| {}).unwrap_err().to_string();
    assert!(err.contains("creates the table `users`") && err.contains("`accounts`"), "{err}");
    assert_eq!(b.applied().unwrap().len(), 2, "nothing of it ran");

    let mut renamed = open("accounts_v2");
    let err = run(renamed.as_mut(), &accounts, None, &options, &mut |_| {}).unwrap_err().to_string();
    assert!(err.contains("namespace = \"accounts\""), "{err}");
    assert!(renamed.applied().unwrap().is_empty());
}

#[test]
fn two_crates_share_one_sqlite_database() {
    let path = temp_db("shared");
    two_crates_share_one_database(&mut |namespace| {
        let mut db = SqliteBackend::open(&path).unwrap();
        db.set_namespace(namespace);
        Box::new(db)
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_bookkeeping_table_of_one_history_becomes_the_first_runners() {
    let path = temp_db("legacy_bookkeeping");
    let m1 = parse(1, "users", "create_table users { id: i64 primary_key, email: String }");
    let m2 = parse(2, "posts", "create_table posts { id: i64 primary_key }");
    {
        let db = SqliteBackend::open(&path).unwrap();
        db.connection()
            .execute_batch(
                "CREATE TABLE schemaflow_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
                   applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, state TEXT NOT NULL,
                   phases_done INTEGER NOT NULL, phases_total INTEGER NOT NULL);
                 CREATE TABLE schemaflow_backfills (version INTEGER NOT NULL, phase INTEGER NOT NULL, last_key TEXT NOT NULL,
                   rows_done INTEGER NOT NULL, rows_total INTEGER NOT NULL, PRIMARY KEY (version, phase));
                 CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email TEXT NOT NULL);",
            )
            .unwrap();
        db.connection()
            .execute(
                "INSERT INTO schemaflow_migrations VALUES (1, 'users', ?1, '2026-01-01 00:00:00', 3, 'applied', 1, 1)",
                [m1.checksum()],
            )
            .unwrap();
    }
    let mut reader = SqliteBackend::open_read_only(&path).unwrap().unwrap();
    reader.set_namespace("app");
    let s = status(&mut reader, &[m1.clone(), m2.clone()]).unwrap();
    assert!(matches!(s.migrations[0].state, State::Applied { .. }), "read as this crate's: {s:?}");
    assert!(s.drift.is_empty(), "{:?}", s.drift);
    drop(reader);
    let mut db = SqliteBackend::open(&path).unwrap();
    db.set_namespace("app");
    assert_eq!(run_all(&mut db, &[m1.clone(), m2.clone()]), 1, "only the new migration runs");
    assert_eq!(count(&db, "SELECT count(*) FROM schemaflow_migrations WHERE namespace = 'app'"), 2);
    let mut other = SqliteBackend::open(&path).unwrap();
    other.set_namespace("other");
    assert!(other.applied().unwrap().is_empty());
    std::fs::remove_file(&path).unwrap();
}
