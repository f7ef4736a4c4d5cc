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

/// A table renamed online: `users` becomes `accounts`, and while both app
/// versions run the old one reads and writes through the view `users`.
fn table_rename_across_deploys(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "users", "create_table users { id: i64 primary_key, name: String, active: bool = true }"),
        parse(2, "rename_users", "rename_table users -> accounts online"),
        parse(3, "add_age", "alter_table accounts { add_column age: Option<i32> }"),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    seed(db);
    let seen = events(db, |db, on| run(db, &migrations, None, &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::Expanded { id, .. } if id.ends_with("rename_users"))), "{seen:?}");
    assert!(matches!(state_of(db, &migrations, 2), State::Expanded { .. }));
    assert_eq!(state_of(db, &migrations, 3), State::Pending);

    // The old app, through the view; the new one, on the table.
    db.execute("INSERT INTO users (id, name) VALUES (1001, 'old insert')").unwrap();
    db.execute("UPDATE users SET name = 'old update' WHERE id = 1").unwrap();
    db.execute("DELETE FROM users WHERE id = 2").unwrap();
    db.execute("INSERT INTO accounts (id, name) VALUES (1002, 'new insert')").unwrap();
    db.execute("UPDATE accounts SET name = 'new update' WHERE id = 3").unwrap();
    let active = "CASE WHEN active THEN 'yes' ELSE 'no' END";
    assert_eq!(one(db, "SELECT name FROM accounts WHERE id = 1001").as_deref(), Some("old insert"));
    assert_eq!(
        one(db, &format!("SELECT {active} FROM accounts WHERE id = 1001")).as_deref(),
        Some("yes"),
        "the default"
    );
    assert_eq!(one(db, "SELECT name FROM accounts WHERE id = 1").as_deref(), Some("old update"));
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 1002").as_deref(), Some("new insert"));
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 3").as_deref(), Some("new update"));
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM accounts"), ROWS + 1);
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM users"), ROWS + 1);

    // Contract: the view goes; the later migration runs with the next `run`.
    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert!(matches!(state_of(db, &migrations, 2), State::Applied { .. }));
    assert!(db.query_text("SELECT name FROM users").is_err(), "the old name is gone");
    assert_eq!(run(db, &migrations, None, &options, &mut |_| {}).unwrap(), 1);

    // The way back: the old name comes back as a view first, so that the
    // previous code can be deployed, and `complete` renames the table back.
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    let seen = events(db, |db, on| rollback(db, &migrations, RollbackTarget::Steps(1), &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::RollbackWaiting { .. })), "{seen:?}");
    db.execute("INSERT INTO users (id, name) VALUES (1003, 'old again')").unwrap();
    db.execute("INSERT INTO accounts (id, name) VALUES (1004, 'new again')").unwrap();
    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
    assert!(db.query_text("SELECT name FROM accounts").is_err(), "the new name is gone");
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 1003").as_deref(), Some("old again"));
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 1004").as_deref(), Some("new again"));
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM users"), ROWS + 3);

    // Forward again, and back from the expand: the view goes and the table
    // gets its old name back, rows and all.
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert!(matches!(state_of(db, &migrations, 2), State::Expanded { .. }));
    db.execute("INSERT INTO accounts (id, name) VALUES (1005, 'new during')").unwrap();
    assert_eq!(rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
    assert!(db.query_text("SELECT name FROM accounts").is_err());
    assert_eq!(one(db, "SELECT name FROM users WHERE id = 1005").as_deref(), Some("new during"));
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM users"), ROWS + 4);
}

/// The four-phase rename written by hand across migrations: the contract
/// starts with a `deploy_boundary`, so one `run` stops between the expand
/// and the contract, and a later `run` (the deploy went out in between)
/// goes straight on.
fn hand_written_contract_waits_for_its_deploy(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "users", "create_table users { id: i64 primary_key, name: Option<String> }"),
        parse(
            2,
            "add_full_name",
            r#"alter_table users { add_column full_name: Option<String> } backfill users set full_name = sql("name")"#,
        ),
        parse(
            3,
            "drop_name",
            r#"deploy_boundary "deploy the code that reads full_name, everywhere";
            #[allow(drop_column, "no code reads name since 2.0")] alter_table users { drop_column name }"#,
        ),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    seed(db);
    // One run with both: it stops at the contract's boundary.
    let seen = events(db, |db, on| run(db, &migrations, None, &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::Expanded { id, .. } if id.ends_with("drop_name"))), "{seen:?}");
    assert!(matches!(state_of(db, &migrations, 3), State::Expanded { .. }));
    assert!(db.query_text("SELECT name FROM users").is_ok(), "the old column is still there");
    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert!(db.query_text("SELECT name FROM users").is_err());

    // The expand in one run, the contract in a later one: nothing to wait for.
    // The way back adds the column again (empty: its data went with the
    // drop); the boundary is then last, with nothing after it to wait for.
    let seen = events(db, |db, on| rollback(db, &migrations, RollbackTarget::Steps(1), &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::RolledBack { .. })), "{seen:?}");
    assert_eq!(state_of(db, &migrations, 3), State::Pending);
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
    run(db, &migrations, Some(2), &options, &mut |_| {}).unwrap();
    let seen = events(db, |db, on| run(db, &migrations, None, &options, on));
    assert!(
        seen.iter().any(
            |e| matches!(e, Event::BoundaryPassed { id, tables } if id.ends_with("drop_name") && tables.is_empty())
        ),
        "{seen:?}"
    );
    assert!(matches!(state_of(db, &migrations, 3), State::Applied { .. }));
}

/// `people.name` split into `first_name` and `last_name` by Rust
/// functions (as a crate's `names::split` and `names::join` would).
const RUST_SPLIT: &str = r#"online_change people {
    add first_name: String,
    add last_name: Option<String>,
    retire name,
    with names::split(name) -> (first_name, last_name),
    with names::join(first_name, last_name) -> name,
} batch 2"#;

/// The migration with `names::split` and `names::join` registered, as the
/// `migration!` expansion registers them.
fn with_name_functions(mut m: Migration) -> Migration {
    use crate::transform::{FromValue, IntoValue, Value};
    m.transforms.register(
        "names::split",
        std::sync::Arc::new(|row: Vec<Value>| {
            let name = String::from_value(row.into_iter().next().unwrap_or(Value::Null))?;
            let (first, last) = match name.split_once(' ') {
                Some((first, last)) => (first.to_owned(), Some(last.to_owned())),
                None => (name, None),
            };
            Ok(vec![first.into_value(), last.into_value()])
        }),
    );
    m.transforms.register(
        "names::join",
        std::sync::Arc::new(|row: Vec<Value>| {
            let mut row = row.into_iter();
            let first = String::from_value(row.next().unwrap_or(Value::Null))?;
            let last = Option::<String>::from_value(row.next().unwrap_or(Value::Null))?;
            Ok(vec![last.map_or(first.clone(), |last| format!("{first} {last}")).into_value()])
        }),
    );
    m
}

/// The split by Rust functions through its deploys: the triggers log
/// each app's writes, the catch-up runs the functions on them (the fill at
/// the expand, the rest at `complete`, the last few under the contract's
/// lock), and the way back does the same in reverse.
fn rust_split_across_deploys(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "people", "create_table people { id: i64 primary_key, name: String }"),
        with_name_functions(parse(2, "split_name", RUST_SPLIT)),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO people (id, name) VALUES (1, 'Ada Lovelace'), (2, 'Plato'), (3, 'Grace Hopper')").unwrap();
    let seen = events(db, |db, on| run(db, &migrations, None, &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::Expanded { .. })), "{seen:?}");
    let parts = |db: &mut dyn ScratchDatabase, id: i64| {
        (
            one(db, &format!("SELECT first_name FROM people WHERE id = {id}")),
            one(db, &format!("SELECT last_name FROM people WHERE id = {id}")),
        )
    };
    assert_eq!(parts(db, 1), (Some("Ada".into()), Some("Lovelace".into())), "the fill ran the function");
    assert_eq!(parts(db, 2), (Some("Plato".into()), None));
    let logged = "SELECT CAST(count(*) AS TEXT) FROM people_first_name_sync_changes";
    assert_eq!(number(db, logged), 0, "the fill's own writes are not logged");

    // Both apps write; each write is logged, for the catch-up.
    db.execute("INSERT INTO people (id, name) VALUES (4, 'Alan Turing')").unwrap();
    db.execute("UPDATE people SET name = 'Ada King' WHERE id = 1").unwrap();
    db.execute("INSERT INTO people (id, first_name, last_name) VALUES (5, 'Edsger', 'Dijkstra')").unwrap();
    db.execute("UPDATE people SET last_name = 'of Athens' WHERE id = 2").unwrap();
    assert_eq!(number(db, logged), 4);
    assert_eq!(parts(db, 4), (None, None), "the other shape lags until the catch-up");
    assert!(matches!(state_of(db, &migrations, 2), State::Expanded { .. }), "no drift from the log table");
    // A `run` while the migration waits catches up, and still waits.
    let seen = events(db, |db, on| run(db, &migrations, None, &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::AwaitingComplete { .. })), "{seen:?}");
    assert!(seen.iter().any(|e| matches!(e, Event::Batch { .. })), "{seen:?}");
    assert_eq!(parts(db, 4), (Some("Alan".into()), Some("Turing".into())));
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 5").as_deref(), Some("Edsger Dijkstra"));
    assert_eq!(number(db, logged), 0);
    // Writes after it are caught up by `complete`, the last one winning.
    db.execute("UPDATE people SET last_name = 'Hopper-Murray' WHERE id = 3").unwrap();
    db.execute("UPDATE people SET name = 'Grace Brewster Hopper' WHERE id = 3").unwrap();
    db.execute("UPDATE people SET name = 'Alan Mathison Turing' WHERE id = 4").unwrap();
    assert_eq!(number(db, logged), 3);

    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(parts(db, 4), (Some("Alan".into()), Some("Mathison Turing".into())));
    assert_eq!(parts(db, 1), (Some("Ada".into()), Some("King".into())));
    assert_eq!(parts(db, 5), (Some("Edsger".into()), Some("Dijkstra".into())));
    assert_eq!(parts(db, 2), (Some("Plato".into()), Some("of Athens".into())));
    assert_eq!(parts(db, 3), (Some("Grace".into()), Some("Brewster Hopper".into())), "the last write wins");
    assert!(db.query_text("SELECT name FROM people").is_err());
    assert!(db.query_text("SELECT seq FROM people_first_name_sync_changes").is_err(), "the log is gone");
    assert!(db.execute("INSERT INTO people (id, last_name) VALUES (6, 'x')").is_err(), "first_name is NOT NULL");

    // The way back: `name` comes back, computed by `names::join`.
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 5").as_deref(), Some("Edsger Dijkstra"));
    db.execute("INSERT INTO people (id, first_name) VALUES (7, 'Barbara')").unwrap();
    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 2").as_deref(), Some("Plato of Athens"));
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 7").as_deref(), Some("Barbara"));
    assert!(db.query_text("SELECT first_name FROM people").is_err());

    // Forward again, and back from the expand: a write of the new app not
    // caught up yet reaches `name` before the new columns go.
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO people (id, first_name, last_name) VALUES (8, 'Barbara', 'Liskov')").unwrap();
    assert_eq!(rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 8").as_deref(), Some("Barbara Liskov"));
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM people"), 7);
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

    struct Sqlite(rusqlite::Connection);

    impl AppConnection for Sqlite {
        fn write(&mut self, sql: &str) -> Result<(), String> {
            self.0.execute_batch(sql).map_err(|e| e.to_string())
        }
        fn read(&mut self, sql: &str) -> Result<Option<String>, String> {
            self.0.query_row(sql, [], |r| r.get::<_, Option<String>>(0)).map_err(|e| e.to_string())
        }
    }

    /// A file both app connections open, like a deployed app's.
    fn under_load(name: &str, load: UnderLoad, ending: Ending) {
        let path = std::env::temp_dir().join(format!("schemaflow-online-{name}-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut db = SqliteBackend::open(&path).unwrap();
        let connect = || -> Box<dyn AppConnection> {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
            Box::new(Sqlite(conn))
        };
        change_under_load(&mut db, &connect, &load, ending);
        drop(db);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn both_app_versions_write_through_a_rename_on_sqlite() {
        under_load("rename", rename_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_rename_on_sqlite() {
        under_load("rename-back", rename_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_type_change_on_sqlite() {
        under_load("type", type_change_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_type_change_on_sqlite() {
        under_load("type-back", type_change_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_table_rename_on_sqlite() {
        under_load("table", table_rename_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_table_rename_on_sqlite() {
        under_load("table-back", table_rename_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_split_by_rust_functions_on_sqlite() {
        under_load("rust-split", rust_split_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_split_by_rust_functions_on_sqlite() {
        under_load("rust-split-back", rust_split_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_split_on_sqlite() {
        under_load("split", split_load(SPLIT_SQLITE), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_split_on_sqlite() {
        under_load("split-back", split_load(SPLIT_SQLITE), Ending::RollBack);
    }

    #[test]
    fn a_renamed_column_keeps_its_default_on_sqlite() {
        let mut db = SqliteBackend::in_memory().unwrap();
        rename_with_default(&mut db);
    }

    #[test]
    fn a_rollback_waits_at_its_boundary_and_completes_on_sqlite() {
        rollback_waits_at_its_own_databases_boundary(&mut SqliteBackend::in_memory().unwrap());
    }

    #[test]
    fn a_type_change_ships_across_deploys_on_sqlite() {
        type_change_across_deploys(&mut SqliteBackend::in_memory().unwrap());
    }

    #[test]
    fn a_split_ships_across_deploys_on_sqlite() {
        split_across_deploys(&mut SqliteBackend::in_memory().unwrap(), SPLIT_SQLITE);
    }

    #[test]
    fn a_split_by_rust_functions_ships_across_deploys_on_sqlite() {
        rust_split_across_deploys(&mut SqliteBackend::in_memory().unwrap());
    }

    #[test]
    fn a_hand_written_contract_waits_for_its_deploy_on_sqlite() {
        hand_written_contract_waits_for_its_deploy(&mut SqliteBackend::in_memory().unwrap());
    }

    #[test]
    fn a_table_rename_ships_across_deploys_on_sqlite() {
        table_rename_across_deploys(&mut SqliteBackend::in_memory().unwrap());
    }

    #[test]
    fn the_test_command_goes_through_the_boundaries_on_sqlite() {
        let mut db = SqliteBackend::in_memory().unwrap();
        the_test_command_passes(&mut db);
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

    struct Postgres(::postgres::Client);

    impl AppConnection for Postgres {
        fn write(&mut self, sql: &str) -> Result<(), String> {
            self.0.batch_execute(sql).map_err(|e| e.to_string())
        }
        fn read(&mut self, sql: &str) -> Result<Option<String>, String> {
            self.0.query_one(sql, &[]).map(|r| r.get::<_, Option<String>>(0)).map_err(|e| e.to_string())
        }
    }

    /// Both app versions on connections of their own.
    fn under_load(name: &str, load: UnderLoad, ending: Ending) {
        let Some(db) = TestDatabase::create(name) else { return };
        let mut b = PostgresBackend::connect(&db.url, "public").unwrap();
        let url = db.url.clone();
        let connect = move || -> Box<dyn AppConnection> {
            Box::new(Postgres(::postgres::Client::connect(&url, ::postgres::NoTls).unwrap()))
        };
        change_under_load(&mut b, &connect, &load, ending);
    }

    #[test]
    fn both_app_versions_write_through_a_rename_on_postgres() {
        under_load("online_load", rename_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_rename_on_postgres() {
        under_load("online_load_back", rename_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_type_change_on_postgres() {
        under_load("online_load_type", type_change_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_type_change_on_postgres() {
        under_load("online_load_type_back", type_change_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_table_rename_on_postgres() {
        under_load("online_load_table", table_rename_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_table_rename_on_postgres() {
        under_load("online_load_table_back", table_rename_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_split_by_rust_functions_on_postgres() {
        under_load("online_load_rust_split", rust_split_load(), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_split_by_rust_functions_on_postgres() {
        under_load("online_load_rust_split_back", rust_split_load(), Ending::RollBack);
    }

    #[test]
    fn both_app_versions_write_through_a_split_on_postgres() {
        under_load("online_load_split", split_load(SPLIT_POSTGRES), Ending::Complete);
    }

    #[test]
    fn the_old_app_writes_through_a_rolled_back_split_on_postgres() {
        under_load("online_load_split_back", split_load(SPLIT_POSTGRES), Ending::RollBack);
    }

    #[test]
    fn a_renamed_column_keeps_its_default_on_postgres() {
        let Some(db) = TestDatabase::create("online_default") else { return };
        let mut b = PostgresBackend::connect(&db.url, "public").unwrap();
        rename_with_default(&mut b);
    }

    #[test]
    fn a_rollback_waits_at_its_boundary_and_completes_on_postgres() {
        let Some(db) = TestDatabase::create("online_rollback_wait") else { return };
        rollback_waits_at_its_own_databases_boundary(&mut PostgresBackend::connect(&db.url, "public").unwrap());
    }

    #[test]
    fn a_type_change_ships_across_deploys_on_postgres() {
        let Some(db) = TestDatabase::create("online_type") else { return };
        type_change_across_deploys(&mut PostgresBackend::connect(&db.url, "public").unwrap());
    }

    #[test]
    fn a_split_ships_across_deploys_on_postgres() {
        let Some(db) = TestDatabase::create("online_split") else { return };
        split_across_deploys(&mut PostgresBackend::connect(&db.url, "public").unwrap(), SPLIT_POSTGRES);
    }

    #[test]
    fn a_split_by_rust_functions_ships_across_deploys_on_postgres() {
        let Some(db) = TestDatabase::create("online_rust_split") else { return };
        rust_split_across_deploys(&mut PostgresBackend::connect(&db.url, "public").unwrap());
    }

    #[test]
    fn a_hand_written_contract_waits_for_its_deploy_on_postgres() {
        let Some(db) = TestDatabase::create("online_hand_written") else { return };
        hand_written_contract_waits_for_its_deploy(&mut PostgresBackend::connect(&db.url, "public").unwrap());
    }

    #[test]
    fn a_table_rename_ships_across_deploys_on_postgres() {
        let Some(db) = TestDatabase::create("online_table_rename") else { return };
        table_rename_across_deploys(&mut PostgresBackend::connect(&db.url, "public").unwrap());
    }

    #[test]
    fn the_test_command_goes_through_the_boundaries_on_postgres() {
        let Some(db) = TestDatabase::create("online_test_command") else { return };
        let mut b = PostgresBackend::connect(&db.url, "public").unwrap();
        the_test_command_passes(&mut b);
    }
}

/// `cargo schemaflow test` goes through each boundary as if every deploy
/// went out at once: forward, back and forward again, data kept.
fn the_test_command_passes(db: &mut dyn ScratchDatabase) {
    let options = crate::testing::TestOptions { rows: 300, seed: 7, max_duration: None, generate: true };
    let mut history = rename_history();
    history.push(parse(4, "rename_users", "rename_table users -> accounts online"));
    let report = crate::testing::test_migrations(db, &history, &options);
    assert!(report.passed, "{}", crate::testing::summary(&report));
}

/// A connection an app version writes through.
trait AppConnection: Send {
    /// Runs one statement; the error as text.
    fn write(&mut self, sql: &str) -> Result<(), String>;
    /// The first column of the first row, as text.
    fn read(&mut self, sql: &str) -> Result<Option<String>, String>;
}

/// What one app version did while the migration ran.
#[derive(Debug, Default)]
struct Writes {
    /// Statements that failed.
    errors: Vec<String>,
    /// Reads of the other shape, right after a write, that did not show it.
    mismatches: Vec<String>,
    /// The last value written to each row.
    last: std::collections::BTreeMap<i64, String>,
}

/// How the test steers an app version: stop it, turn its read-back check
/// on or off, and see how many writes it has finished.
#[derive(Clone)]
struct Controls {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    check: std::sync::Arc<std::sync::atomic::AtomicBool>,
    done: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Controls {
    fn new(check: bool) -> Controls {
        Controls {
            stop: Default::default(),
            check: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(check)),
            done: Default::default(),
        }
    }

    /// Waits until the app has made `n` more writes (a loaded machine may
    /// schedule its thread late), for at most a minute.
    fn wait_for_writes(&self, n: i64) {
        use std::sync::atomic::Ordering;
        let target = self.done.load(Ordering::SeqCst) + n;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while self.done.load(Ordering::SeqCst) < target && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    /// Turns the read-back check off, and waits until a write under way
    /// (which may still read back) has finished.
    fn stop_checking(&self) {
        use std::sync::atomic::Ordering;
        self.check.store(false, Ordering::SeqCst);
        let seen = self.done.load(Ordering::SeqCst);
        while self.done.load(Ordering::SeqCst) < seen + 2 && !self.stop.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// How one app version writes a change's table, and reads the other shape.
#[derive(Clone, Copy)]
struct Writer {
    /// An insert of row `id` as the `k`th write: its SQL and the value it
    /// stands for, as text both shapes can be read as.
    insert: fn(i64, i64) -> (String, String),
    /// An update of row `id` as the `k`th write, likewise.
    update: fn(i64, i64) -> (String, String),
    /// The other shape of a row, read as that text.
    other: &'static str,
    /// The table (or view) the other shape is read from.
    reads: &'static str,
}

/// An online change with both app versions writing through its phases.
struct UnderLoad {
    /// The table, and the change.
    migrations: Vec<Migration>,
    /// Fills the table with 3,000 rows.
    seed: &'static str,
    /// The value an untouched row stands for, over its `id`.
    seeded: &'static str,
    old: Writer,
    new: Writer,
    /// The other shape catches up later (Rust functions), not at once:
    /// the apps do not read it back right after writing.
    lags: bool,
}

/// Whether the new app's deploy goes through (the contract follows) or is
/// rolled back (and the migration with it).
#[derive(Clone, Copy, PartialEq)]
enum Ending {
    Complete,
    RollBack,
}

/// One app version writing in a loop until told to stop: it inserts rows
/// of its own (ids from `first_id`) and updates rows `rows` in turn; once
/// `check` is set, it reads the other shape back after each write and
/// expects the value it wrote there.
fn app(
    mut conn: Box<dyn AppConnection>,
    writer: Writer,
    first_id: i64,
    rows: std::ops::RangeInclusive<i64>,
    controls: &Controls,
) -> std::thread::JoinHandle<Writes> {
    use std::sync::atomic::Ordering;
    let Controls { stop, check, done } = controls.clone();
    std::thread::spawn(move || {
        let mut writes = Writes::default();
        let span = rows.end() - rows.start() + 1;
        let mut k = 0i64;
        while !stop.load(Ordering::SeqCst) {
            let (id, (sql, value)) = if k % 2 == 0 {
                let id = first_id + k;
                (id, (writer.insert)(id, k))
            } else {
                let id = rows.start() + (k % span);
                (id, (writer.update)(id, k))
            };
            // Whether the other shape exists now, decided before the write.
            let checking = check.load(Ordering::SeqCst);
            match conn.write(&sql) {
                Ok(()) => {
                    writes.last.insert(id, value.clone());
                    if checking {
                        match conn.read(&format!("SELECT {} FROM {} WHERE id = {id}", writer.other, writer.reads)) {
                            Ok(Some(seen)) if seen == value => {}
                            seen => writes
                                .mismatches
                                .push(format!("row {id}: wrote {value:?}, the other shape is {seen:?}")),
                        }
                    }
                }
                Err(e) => writes.errors.push(format!("{sql}: {e}")),
            }
            k += 1;
            done.store(k, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        writes
    })
}

/// The change through its deploys with both app versions writing: the old
/// app during the expand and until its deploy is replaced, the new app
/// from the expand on and through the contract. Or, with
/// [`Ending::RollBack`], the new deploy is taken back and the migration
/// rolled back while the old app writes. No write fails, every write
/// reaches the other shape at once, and no row is lost or differs.
fn change_under_load(
    db: &mut dyn ScratchDatabase,
    connect: &dyn Fn() -> Box<dyn AppConnection>,
    load: &UnderLoad,
    ending: Ending,
) {
    use std::sync::atomic::Ordering;
    let migrations = &load.migrations;
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute(load.seed).unwrap();
    let (old_app, new_app) = (Controls::new(false), Controls::new(!load.lags));
    let old_writer = app(connect(), load.old, 100_000, 1..=1000, &old_app);

    // Expand, with the old app writing.
    let seen = events(db, |db, on| run(db, migrations, None, &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::Expanded { .. })), "{seen:?}");
    old_app.check.store(!load.lags, Ordering::SeqCst);
    // The new version deploys: both write.
    let new_writer = app(connect(), load.new, 200_000, 1001..=2000, &new_app);
    std::thread::sleep(std::time::Duration::from_millis(400));
    old_app.wait_for_writes(25);
    new_app.wait_for_writes(25);
    let (old, new) = match ending {
        Ending::Complete => {
            // The old version is gone: the contract, with the new app
            // writing (it no longer reads the old shape back).
            old_app.stop.store(true, Ordering::SeqCst);
            let old = old_writer.join().unwrap();
            new_app.stop_checking();
            assert_eq!(complete(db, migrations, &options, &mut |_| {}).unwrap(), 1);
            std::thread::sleep(std::time::Duration::from_millis(200));
            new_app.wait_for_writes(10);
            new_app.stop.store(true, Ordering::SeqCst);
            (old, new_writer.join().unwrap())
        }
        Ending::RollBack => {
            // The new version is taken back, then the migration, with the
            // old app writing throughout.
            new_app.stop.store(true, Ordering::SeqCst);
            let new = new_writer.join().unwrap();
            old_app.stop_checking();
            rollback(db, migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
            assert_eq!(state_of(db, migrations, 2), State::Pending);
            std::thread::sleep(std::time::Duration::from_millis(200));
            old_app.wait_for_writes(10);
            old_app.stop.store(true, Ordering::SeqCst);
            (old_writer.join().unwrap(), new)
        }
    };
    // The shape that is left, read as text.
    let (settled, table) = match ending {
        Ending::Complete => (load.old.other, load.old.reads),
        Ending::RollBack => (load.new.other, load.new.reads),
    };
    for (who, writes) in [("old app", &old), ("new app", &new)] {
        assert!(
            writes.errors.is_empty(),
            "{who}: {} failed writes: {:?}",
            writes.errors.len(),
            &writes.errors[..writes.errors.len().min(3)]
        );
        assert!(writes.mismatches.is_empty(), "{who}: {:?}", &writes.mismatches[..writes.mismatches.len().min(3)]);
        assert!(writes.last.len() > 20, "{who} wrote only {} rows", writes.last.len());
    }
    // Each row ends with the last value written to it, by either app.
    let mut last = old.last.clone();
    last.extend(new.last.iter().map(|(id, v)| (*id, v.clone())));
    for (id, value) in &last {
        assert_eq!(
            one(db, &format!("SELECT {settled} FROM {table} WHERE id = {id}")).as_ref(),
            Some(value),
            "row {id}"
        );
    }
    let inserted = |w: &Writes, from: i64| w.last.keys().filter(|id| **id >= from).count() as i64;
    assert_eq!(
        number(db, &format!("SELECT CAST(count(*) AS TEXT) FROM {table}")),
        3000 + inserted(&old, 100_000) + inserted(&new, 200_000)
    );
    // Rows neither app touched keep their value.
    let touched = last.keys().filter(|id| **id <= 3000).count() as i64;
    let untouched = number(
        db,
        &format!("SELECT CAST(count(*) AS TEXT) FROM {table} WHERE id <= 3000 AND {settled} = {}", load.seeded),
    );
    assert_eq!(untouched, 3000 - touched);
}

/// `users.name` renamed to `full_name`.
fn rename_load() -> UnderLoad {
    UnderLoad {
        migrations: vec![
            parse(1, "users", "create_table users { id: i64 primary_key, name: String }"),
            parse(2, "rename_name", "online_change users { rename name -> full_name: String } batch 200 pause 5ms"),
        ],
        seed: "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) INSERT INTO users (id, name) SELECT i, 'user ' || i FROM s",
        seeded: "'user ' || id",
        lags: false,
        old: Writer {
            insert: |id, k| (format!("INSERT INTO users (id, name) VALUES ({id}, 'old {k}')"), format!("old {k}")),
            update: |id, k| (format!("UPDATE users SET name = 'old {k}' WHERE id = {id}"), format!("old {k}")),
            other: "full_name",
            reads: "users",
        },
        new: Writer {
            insert: |id, k| (format!("INSERT INTO users (id, full_name) VALUES ({id}, 'new {k}')"), format!("new {k}")),
            update: |id, k| (format!("UPDATE users SET full_name = 'new {k}' WHERE id = {id}"), format!("new {k}")),
            other: "name",
            reads: "users",
        },
    }
}

/// `orders.total` (whole units, `i32`) becomes `total_cents` (`i64`).
fn type_change_load() -> UnderLoad {
    UnderLoad {
        migrations: vec![
            parse(1, "orders", "create_table orders { id: i64 primary_key, total: i32 }"),
            parse(2, "total_in_cents", TOTAL_IN_CENTS),
        ],
        seed: "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) INSERT INTO orders (id, total) SELECT i, i FROM s",
        seeded: "CAST(id * 100 AS TEXT)",
        lags: false,
        old: Writer {
            insert: |id, k| (format!("INSERT INTO orders (id, total) VALUES ({id}, {k})"), (k * 100).to_string()),
            update: |id, k| (format!("UPDATE orders SET total = {k} WHERE id = {id}"), (k * 100).to_string()),
            other: "CAST(total_cents AS TEXT)",
            reads: "orders",
        },
        new: Writer {
            insert: |id, k| {
                (format!("INSERT INTO orders (id, total_cents) VALUES ({id}, {})", k * 100), (k * 100).to_string())
            },
            update: |id, k| {
                (format!("UPDATE orders SET total_cents = {} WHERE id = {id}", k * 100), (k * 100).to_string())
            },
            other: "CAST(CAST(total AS BIGINT) * 100 AS TEXT)",
            reads: "orders",
        },
    }
}

/// `people.name` split into `first_name` and `last_name`.
fn split_load(change: &str) -> UnderLoad {
    UnderLoad {
        migrations: vec![
            parse(1, "people", "create_table people { id: i64 primary_key, name: String }"),
            parse(2, "split_name", change),
        ],
        seed: "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) INSERT INTO people (id, name) SELECT i, 'user ' || i FROM s",
        seeded: "'user ' || id",
        lags: false,
        old: Writer {
            insert: |id, k| (format!("INSERT INTO people (id, name) VALUES ({id}, 'Old {k}')"), format!("Old {k}")),
            update: |id, k| (format!("UPDATE people SET name = 'Old {k}' WHERE id = {id}"), format!("Old {k}")),
            other: "first_name || ' ' || last_name",
            reads: "people",
        },
        new: Writer {
            insert: |id, k| {
                (
                    format!("INSERT INTO people (id, first_name, last_name) VALUES ({id}, 'New', '{k}')"),
                    format!("New {k}"),
                )
            },
            update: |id, k| {
                (format!("UPDATE people SET first_name = 'New', last_name = '{k}' WHERE id = {id}"), format!("New {k}"))
            },
            other: "name",
            reads: "people",
        },
    }
}

/// The split by Rust functions: each app's writes reach the other shape
/// with the catch-up, not at once.
fn rust_split_load() -> UnderLoad {
    let mut load = split_load(&RUST_SPLIT.replace("batch 2", "batch 200 pause 5ms"));
    load.migrations[1] = with_name_functions(load.migrations[1].clone());
    load.lags = true;
    load
}

/// `users` renamed to `accounts`: the old app uses the old name (a view
/// during the change), the new app the new one.
fn table_rename_load() -> UnderLoad {
    UnderLoad {
        migrations: vec![
            parse(1, "users", "create_table users { id: i64 primary_key, name: String }"),
            parse(2, "rename_users", "rename_table users -> accounts online"),
        ],
        seed: "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) INSERT INTO users (id, name) SELECT i, 'user ' || i FROM s",
        seeded: "'user ' || id",
        lags: false,
        old: Writer {
            insert: |id, k| (format!("INSERT INTO users (id, name) VALUES ({id}, 'old {k}')"), format!("old {k}")),
            update: |id, k| (format!("UPDATE users SET name = 'old {k}' WHERE id = {id}"), format!("old {k}")),
            other: "name",
            reads: "accounts",
        },
        new: Writer {
            insert: |id, k| (format!("INSERT INTO accounts (id, name) VALUES ({id}, 'new {k}')"), format!("new {k}")),
            update: |id, k| (format!("UPDATE accounts SET name = 'new {k}' WHERE id = {id}"), format!("new {k}")),
            other: "name",
            reads: "users",
        },
    }
}

/// A renamed column with a default: an insert by either app that leaves
/// the column out gets the default in both shapes, and the way back
/// brings back the values, not the default.
fn rename_with_default(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "posts", "create_table posts { id: i64 primary_key, body: String = \"\" }"),
        parse(2, "rename_body", "online_change posts { rename body -> content: String default \"\" }"),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO posts (id, body) VALUES (1, 'first'), (2, 'second')").unwrap();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert!(matches!(state_of(db, &migrations, 2), State::Expanded { .. }));
    db.execute("INSERT INTO posts (id) VALUES (3)").unwrap();
    db.execute("INSERT INTO posts (id, content) VALUES (4, 'new app')").unwrap();
    db.execute("INSERT INTO posts (id, body) VALUES (5, 'old app')").unwrap();
    for (id, value) in [(1, "first"), (3, ""), (4, "new app"), (5, "old app")] {
        assert_eq!(one(db, &format!("SELECT body FROM posts WHERE id = {id}")).as_deref(), Some(value), "body {id}");
        assert_eq!(
            one(db, &format!("SELECT content FROM posts WHERE id = {id}")).as_deref(),
            Some(value),
            "content {id}"
        );
    }
    complete(db, &migrations, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO posts (id) VALUES (6)").unwrap();
    assert_eq!(one(db, "SELECT content FROM posts WHERE id = 6").as_deref(), Some(""));
    // The way back: to the boundary, then the rest.
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO posts (id, content) VALUES (7, 'still new')").unwrap();
    complete(db, &migrations, &options, &mut |_| {}).unwrap();
    for (id, value) in [(1, "first"), (4, "new app"), (6, ""), (7, "still new")] {
        assert_eq!(one(db, &format!("SELECT body FROM posts WHERE id = {id}")).as_deref(), Some(value), "body {id}");
    }
    db.execute("INSERT INTO posts (id) VALUES (8)").unwrap();
    assert_eq!(one(db, "SELECT body FROM posts WHERE id = 8").as_deref(), Some(""), "the default is back");
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
}

/// A type change shipped online: `orders.total` (whole units, `i32`)
/// becomes `total_cents` (`i64`), each side computed from the other.
fn type_change_across_deploys(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "orders", "create_table orders { id: i64 primary_key, total: i32 }"),
        parse(2, "total_in_cents", TOTAL_IN_CENTS),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO orders (id, total) VALUES (1, 12), (2, 30)").unwrap();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    assert_eq!(one(db, "SELECT CAST(total_cents AS TEXT) FROM orders WHERE id = 1").as_deref(), Some("1200"));
    db.execute("INSERT INTO orders (id, total) VALUES (3, 5)").unwrap();
    db.execute("INSERT INTO orders (id, total_cents) VALUES (4, 700)").unwrap();
    db.execute("UPDATE orders SET total_cents = 4100 WHERE id = 2").unwrap();
    db.execute("UPDATE orders SET total = 13 WHERE id = 1").unwrap();
    let both = |db: &mut dyn ScratchDatabase, id: i64| {
        let total = one(db, &format!("SELECT CAST(total AS TEXT) FROM orders WHERE id = {id}"));
        let cents = one(db, &format!("SELECT CAST(total_cents AS TEXT) FROM orders WHERE id = {id}"));
        (total.unwrap_or_default(), cents.unwrap_or_default())
    };
    assert_eq!(both(db, 1), ("13".to_owned(), "1300".to_owned()));
    assert_eq!(both(db, 2), ("41".to_owned(), "4100".to_owned()));
    assert_eq!(both(db, 3), ("5".to_owned(), "500".to_owned()));
    assert_eq!(both(db, 4), ("7".to_owned(), "700".to_owned()));
    complete(db, &migrations, &options, &mut |_| {}).unwrap();
    assert!(db.query_text("SELECT total FROM orders").is_err());
    assert_eq!(number(db, "SELECT CAST(sum(total_cents) AS TEXT) FROM orders"), 1300 + 4100 + 500 + 700);
}

/// A split of `name` into `first_name` and `last_name`, with the merge
/// back for the old app, in each database's SQL.
fn split_across_deploys(db: &mut dyn ScratchDatabase, change: &str) {
    let migrations = vec![
        parse(1, "people", "create_table people { id: i64 primary_key, name: String }"),
        parse(2, "split_name", change),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    db.execute("INSERT INTO people (id, name) VALUES (1, 'Ada Lovelace'), (2, 'Plato')").unwrap();
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    let parts = |db: &mut dyn ScratchDatabase, id: i64| {
        (
            one(db, &format!("SELECT first_name FROM people WHERE id = {id}")),
            one(db, &format!("SELECT last_name FROM people WHERE id = {id}")),
        )
    };
    assert_eq!(parts(db, 1), (Some("Ada".into()), Some("Lovelace".into())));
    assert_eq!(parts(db, 2), (Some("Plato".into()), None));
    // The old app writes names, the new one parts.
    db.execute("INSERT INTO people (id, name) VALUES (3, 'Grace Hopper')").unwrap();
    db.execute("INSERT INTO people (id, first_name, last_name) VALUES (4, 'Alan', 'Turing')").unwrap();
    db.execute("UPDATE people SET last_name = 'King' WHERE id = 1").unwrap();
    db.execute("UPDATE people SET name = 'Plato of Athens' WHERE id = 2").unwrap();
    assert_eq!(parts(db, 3), (Some("Grace".into()), Some("Hopper".into())));
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 4").as_deref(), Some("Alan Turing"));
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 1").as_deref(), Some("Ada King"));
    assert_eq!(parts(db, 2), (Some("Plato".into()), Some("of Athens".into())));
    complete(db, &migrations, &options, &mut |_| {}).unwrap();
    assert!(db.query_text("SELECT name FROM people").is_err());
    // And back: the names come back from the parts.
    rollback(db, &migrations, RollbackTarget::Steps(1), &options, &mut |_| {}).unwrap();
    complete(db, &migrations, &options, &mut |_| {}).unwrap();
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 4").as_deref(), Some("Alan Turing"));
    assert_eq!(one(db, "SELECT name FROM people WHERE id = 2").as_deref(), Some("Plato of Athens"));
    assert!(db.query_text("SELECT first_name FROM people").is_err());
}

const TOTAL_IN_CENTS: &str = r#"online_change orders {
    add total_cents: i64 = "CAST(total AS BIGINT) * 100",
    retire total = "CAST(total_cents / 100 AS INTEGER)",
} batch 500"#;

const SPLIT_POSTGRES: &str = r#"online_change people {
    add first_name: Option<String> = "split_part(name, ' ', 1)",
    add last_name: Option<String> = "nullif(substr(name, strpos(name, ' ') + 1), name)",
    retire name = "concat_ws(' ', first_name, last_name)",
}"#;

const SPLIT_SQLITE: &str = r#"online_change people {
    add first_name: Option<String> = "CASE WHEN instr(name, ' ') > 0 THEN substr(name, 1, instr(name, ' ') - 1) ELSE name END",
    add last_name: Option<String> = "CASE WHEN instr(name, ' ') > 0 THEN substr(name, instr(name, ' ') + 1) END",
    retire name = "concat_ws(' ', first_name, last_name)",
}"#;

/// The way back from a completed change whose migration also builds an
/// index concurrently: on PostgreSQL the rollback drops it outside a
/// transaction (a phase of its own), on SQLite inside one, so the phase
/// the rollback waits at differs per database; `complete` finds it on each.
fn rollback_waits_at_its_own_databases_boundary(db: &mut dyn ScratchDatabase) {
    let migrations = vec![
        parse(1, "users", "create_table users { id: i64 primary_key, name: String }"),
        parse(
            2,
            "rename_name",
            "online_change users { rename name -> full_name: String } create_index users_full_name_idx on users(full_name) concurrently",
        ),
    ];
    let options = Options::default();
    run(db, &migrations[..1], None, &options, &mut |_| {}).unwrap();
    seed(db);
    run(db, &migrations, None, &options, &mut |_| {}).unwrap();
    complete(db, &migrations, &options, &mut |_| {}).unwrap();
    let seen = events(db, |db, on| rollback(db, &migrations, RollbackTarget::Steps(1), &options, on));
    assert!(seen.iter().any(|e| matches!(e, Event::RollbackWaiting { .. })), "{seen:?}");
    assert_eq!(complete(db, &migrations, &options, &mut |_| {}).unwrap(), 1);
    assert_eq!(state_of(db, &migrations, 2), State::Pending);
    assert_eq!(number(db, "SELECT CAST(count(*) AS TEXT) FROM users WHERE name = 'user ' || id"), ROWS);
}
