//! Online changes through their deploys, on SQLite and on PostgreSQL: the
//! expand stops `run` at its deploy boundary, the sync keeps the old and
//! the new shape in step whichever app version writes, `complete` runs the
//! contract, and a rollback from either side leaves the old app working.

use std::str::FromStr;

use super::*;

fn parse(version: u64, name: &str, src: &str) -> Migration {
    let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
    match crate::dsl::parse_migration(tokens, version, name) {
        Ok(p) => p.migration,
        Err(e) => panic!("{src}: {e}"),
    }
}

/// Users with names, renamed online to `full_name`, then a later migration.
fn rename_history() -> Vec<Migration> {
    vec![
        parse(1, "users", "create_table users { id: i64 primary_key, name: String }"),
        parse(2, "rename_name", "online_change users { rename name -> full_name: String } batch 100"),
        parse(3, "add_age", "alter_table users { add_column age: Option<i32> }"),
    ]
}

const ROWS: i64 = 450;

fn seed(db: &mut dyn ScratchDatabase) {
    let values: Vec<String> = (1..=ROWS).map(|i| format!("({i}, 'user {i}')")).collect();
    db.execute(&format!("INSERT INTO users (id, name) VALUES {}", values.join(", "))).unwrap();
}

fn one(db: &mut dyn ScratchDatabase, sql: &str) -> Option<String> {
    let rows = db.query_text(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().next().and_then(|r| r.into_iter().next()).flatten()
}

fn number(db: &mut dyn ScratchDatabase, sql: &str) -> i64 {
    one(db, sql).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{sql}: not a number"))
}

fn events(
    db: &mut dyn ScratchDatabase,
    f: impl FnOnce(&mut dyn ScratchDatabase, &mut dyn FnMut(Event)) -> Result<usize, RunError>,
) -> Vec<Event> {
    let mut seen = Vec::new();
    f(db, &mut |e| seen.push(e)).unwrap_or_else(|e| panic!("{e}"));
    seen
}

fn state_of(db: &mut dyn ScratchDatabase, migrations: &[Migration], version: u64) -> State {
    let s = status(db, migrations).unwrap();
    assert!(s.drift.is_empty(), "drift: {:?}", s.drift);
    s.migrations.into_iter().find(|m| m.version == version).map(|m| m.state).unwrap()
}

/// Writes as the old app (it knows `name`) and the new one (it knows
/// `full_name`) do while both run, and checks that each write reached the
/// other shape. New rows get ids from `base`; rows `base - 1000 + 1` and
/// `+ 2` are updated.
fn both_apps_write(db: &mut dyn ScratchDatabase, base: i64, postgres: bool) {
    let (a, b) = (base + 1, base + 2);
    let (old, new) = (base - 999, base - 998);
    db.execute(&format!("INSERT INTO users (id, name) VALUES ({a}, 'old insert')")).unwrap();
    db.execute(&format!("INSERT INTO users (id, full_name) VALUES ({b}, 'new insert')")).unwrap();
    db.execute(&format!("UPDATE users SET name = 'old update' WHERE id = {old}")).unwrap();
    db.execute(&format!("UPDATE users SET full_name = 'new update' WHERE id = {new}")).unwrap();
    assert_eq!(one(db, &format!("SELECT full_name FROM users WHERE id = {a}")).as_deref(), Some("old insert"));
    assert_eq!(one(db, &format!("SELECT name FROM users WHERE id = {b}")).as_deref(), Some("new insert"));
    assert_eq!(one(db, &format!("SELECT full_name FROM users WHERE id = {old}")).as_deref(), Some("old update"));
    assert_eq!(one(db, &format!("SELECT name FROM users WHERE id = {new}")).as_deref(), Some("new update"));
    assert_eq!(mismatched(db, postgres), 0);
}

/// Rows whose two shapes disagree.
fn mismatched(db: &mut dyn ScratchDatabase, postgres: bool) -> i64 {
    let differ = if postgres { "IS DISTINCT FROM" } else { "IS NOT" };
    number(db, &format!("SELECT CAST(count(*) AS TEXT) FROM users WHERE name {differ} full_name OR full_name IS NULL"))
}

/// The four-phase rename as a team ships it: expand, deploy, complete,
/// then the later migration.
fn rename_across_deploys(db: &mut dyn ScratchDatabase, postgres: bool) {
    let migrations = rename_history();
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    seed(db);

    // Expand: `run` stops at the boundary and the later migration waits.
    let seen = events(db, |db, on| run(db, &migrations, None, &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::Expanded { id, .. } if id.ends_with("rename_name"))), "{seen:?}");
    assert!(matches!(state_of(db, &migrations, 2), State::Expanded { .. }));
    assert_eq!(state_of(db, &migrations, 3), State::Pending);
    assert_eq!(
        number(db, "SELECT CAST(count(*) AS TEXT) FROM users WHERE full_name IS NULL"),
        0,
        "the backfill filled every row"
    );

    // Both app versions run side by side.
    assert_eq!(mismatched(db, postgres), 0);
    both_apps_write(db, 1000, postgres);

    // A second `run` waits for the deploy, and says so.
    let seen = events(db, |db, on| run(db, &migrations, None, &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::AwaitingComplete { .. })), "{seen:?}");
    assert_eq!(state_of(db, &migrations, 3), State::Pending);

    // Contract, once the new code is out everywhere; the later migration
    // runs with the next `run`.
    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert!(matches!(state_of(db, &migrations, 2), State::Applied { .. }));
    assert_eq!(state_of(db, &migrations, 3), State::Pending);
    assert!(db.query_text("SELECT name FROM users").is_err(), "the old column is gone");
    assert!(db.execute("INSERT INTO users (id) VALUES (2000)").is_err(), "full_name is NOT NULL");
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM users"), ROWS + 2);
    assert_eq!(one(db, "SELECT full_name FROM users WHERE id = 1002").as_deref(), Some("new insert"));
    assert_eq!(one(db, "SELECT full_name FROM users WHERE id = 2").as_deref(), Some("new update"));
    assert_eq!(run(db, &migrations, None, &options, &mut |_| {}).unwrap(), 1);

    // The way back: the later migration, then the rename in reverse, which
    // stops at its own boundary so the old code can be deployed first.
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    let seen = events(db, |db, on| rollback(db, &migrations, RollbackTarget::Steps(1), &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::RollbackWaiting { .. })), "{seen:?}");
    both_apps_write(db, 1100, postgres);
    // A plain `rollback` does not cross the boundary either.
    let seen = events(db, |db, on| rollback(db, &migrations, RollbackTarget::Steps(1), &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::RollbackWaiting { .. })), "{seen:?}");
    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
    assert!(db.query_text("SELECT full_name FROM users").is_err(), "the new column is gone");
    assert!(db.execute("INSERT INTO users (id) VALUES (2001)").is_err(), "name is NOT NULL again");
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 102").as_deref(), Some("new update"));
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 1102").as_deref(), Some("new insert"));
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM users"), ROWS + 4);

    // And forward again.
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert!(matches!(state_of(db, &migrations, 2), State::Expanded { .. }));
}

/// Rolling back an expanded change removes the new shape and the sync,
/// leaving the old data and the old app as they were.
fn rollback_of_an_expand(db: &mut dyn ScratchDatabase) {
    let migrations = rename_history();
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    seed(db);
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO users (id, full_name) VALUES (1002, 'new insert')").unwrap();
    assert_eq!(rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
    assert!(db.query_text("SELECT full_name FROM users").is_err());
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 1002").as_deref(), Some("new insert"));
    assert!(db.execute("INSERT INTO users (id) VALUES (2001)").is_err(), "name is NOT NULL again");
    db.execute("INSERT INTO users (id, name) VALUES (2002, 'old app')").unwrap();
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM users"), ROWS + 2);
    let refused = complete(db, &migrations, &options, &mut |_| {}).map_err(|e| e.to_string());
    assert!(refused.is_err_and(|e| e.contains("no migration is waiting")));
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use crate::runner::sqlite::SqliteBackend;

    #[test]
    fn a_rename_ships_across_deploys_on_sqlite() {
        let mut db = SqliteBackend::in_memory().unwrap();
        rename_across_deploys(&mut db, false);
    }

    #[test]
    fn rolling_back_an_expand_leaves_the_old_shape_on_sqlite() {
        let mut db = SqliteBackend::in_memory().unwrap();
        rollback_of_an_expand(&mut db);
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use crate::runner::postgres::PostgresBackend;
    use crate::runner::test_database::TestDatabase;

    #[test]
    fn a_rename_ships_across_deploys_on_postgres() {
        let Some(db) = TestDatabase::create("online_rename") else { return };
        let mut b = PostgresBackend::connect(&db.url, "public").unwrap();
        rename_across_deploys(&mut b, true);
    }

    #[test]
    fn rolling_back_an_expand_leaves_the_old_shape_on_postgres() {
        let Some(db) = TestDatabase::create("online_rollback") else { return };
        let mut b = PostgresBackend::connect(&db.url, "public").unwrap();
        rollback_of_an_expand(&mut b);
    }
}
