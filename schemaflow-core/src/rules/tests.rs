//! Each rule's positive and negative case, on migrations written in the DSL.

use std::str::FromStr;

use proc_macro2::TokenStream;

use super::*;
use crate::dsl::parse_migration;

fn parse(version: u64, src: &str) -> Migration {
    let tokens = TokenStream::from_str(src).expect("test source lexes");
    match parse_migration(tokens, version, "test") {
        Ok(parsed) => parsed.migration,
        Err(e) => panic!("test source does not parse: {e}"),
    }
}

fn report_for(targets: &Targets, history: &[&str], src: &str) -> Report {
    let earlier: Vec<Migration> = history.iter().enumerate().map(|(i, s)| parse(i as u64 + 1, s)).collect();
    let before = match Schema::replay(&earlier) {
        Ok(schema) => schema,
        Err((v, e)) => panic!("history does not replay at {v}: {}", e.message),
    };
    check(&before, &parse(1000, src), targets)
}

fn codes_for(targets: &Targets, history: &[&str], src: &str) -> Vec<&'static str> {
    report_for(targets, history, src).diagnostics.iter().map(|d| d.rule.code).collect()
}

fn codes(history: &[&str], src: &str) -> Vec<&'static str> {
    codes_for(&Targets::default(), history, src)
}

const USERS: &str = "create_table users { id: i64 primary_key identity, email: String unique, name: Varchar<100>, age: Option<i32>, created_at: TimestampTz = now() }";
const POSTS: &str = "create_table posts { id: i64 primary_key, author_id: i64 references users(id), title: String } create_index on posts(author_id)";

/// Codes for a crate that targets PostgreSQL only: raw PostgreSQL SQL is
/// not SF036 there.
fn pg_codes(history: &[&str], src: &str) -> Vec<&'static str> {
    codes_for(&Targets { sqlite: false, ..Targets::default() }, history, src)
}

fn sqlite_only() -> Targets {
    Targets { sqlite: true, postgres: false, ..Targets::default() }
}

#[test]
fn clean_migration_has_no_diagnostics() {
    assert_eq!(codes(&[], USERS), Vec::<&str>::new());
    assert_eq!(codes(&[USERS], POSTS), Vec::<&str>::new());
}

#[test]
fn sf002_default_type_mismatch() {
    assert_eq!(codes(&[], "create_table t { id: i64 primary_key, flag: bool = \"no\" }"), ["SF002"]);
    assert_eq!(codes(&[USERS], "alter_table users { set_default age = 1.5 }"), ["SF002"]);
    assert_eq!(codes(&[USERS], "backfill users set name = \"x\"").len(), 1, "backfill of existing column needs a down");
    assert_eq!(
        codes(
            &[USERS],
            "backfill users set age = \"ten\" irreversible \"test\"".replace(" irreversible \"test\"", "").as_str()
        )
        .iter()
        .filter(|c| **c == "SF002")
        .count(),
        1
    );
    assert!(
        codes(&[], "create_table t { id: i64 primary_key, flag: bool = false, n: Decimal<4, 2> = 12.34 }").is_empty()
    );
}

#[test]
fn sf003_add_required_column() {
    assert_eq!(codes(&[USERS], "alter_table users { add_column verified: bool }"), ["SF003"]);
    assert!(codes(&[USERS], "alter_table users { add_column verified: bool = false }").is_empty());
    assert!(codes(&[USERS], "alter_table users { add_column verified: Option<bool> }").is_empty());
    // A table created in the same migration holds no rows yet.
    assert!(codes(&[], "create_table t { id: i64 primary_key } alter_table t { add_column v: bool }").is_empty());
}

#[test]
fn sf004_missing_down() {
    assert_eq!(pg_codes(&[USERS], "backfill users set age = 0"), ["SF004"]);
    assert!(pg_codes(&[USERS], "backfill users set age = 0; irreversible \"ages were unknown\"").is_empty());
    assert!(pg_codes(&[USERS], "alter_table users { add_column v: Option<i32> } backfill users set v = 1;").is_empty());
    // A view, a trigger, a function created in raw SQL are dropped on the way back.
    assert!(pg_codes(&[], "sql \"CREATE VIEW v AS SELECT 1\"").is_empty());
    assert_eq!(pg_codes(&[], "sql \"CREATE OR REPLACE VIEW v AS SELECT 1\""), ["SF004"]);
    assert_eq!(pg_codes(&[USERS], "sql \"COMMENT ON TABLE users IS 'people'\""), ["SF004"]);
    assert!(pg_codes(&[], "sql \"CREATE VIEW v AS SELECT 1\" down \"DROP VIEW v\"").is_empty());
    assert!(pg_codes(&[], "sql \"CREATE EXTENSION citext\" irreversible \"shared by other schemas\"").is_empty());
    assert_eq!(pg_codes(&[USERS], "alter_table users { set_type age: i64 using \"age::bigint\" }"), ["SF011", "SF004"]);
}

#[test]
fn sf005_sf006_sf028_schema_facts() {
    assert_eq!(codes(&[], "drop_table ghosts"), ["SF005"]);
    assert_eq!(codes(&[USERS], "alter_table users { drop_column ghost }"), ["SF005"]);
    assert_eq!(codes(&[USERS], "create_table users { id: i64 primary_key }"), ["SF006"]);
    assert_eq!(codes(&[USERS], "alter_table users { add_column email: Option<String> }"), ["SF006"]);
    assert_eq!(
        codes(&[USERS], "create_table p { id: i64 primary_key, n: Varchar<100> references users(name) }"),
        ["SF028"]
    );
    assert_eq!(codes(&[USERS, POSTS], "#[allow(drop_table, \"t\")] drop_table users"), ["SF028"]);
}

#[test]
fn a_foreign_key_to_a_table_created_later_in_the_migration_is_for_sqlite_only() {
    let forward = "create_table posts { id: i64 primary_key, author_id: i64 references people(id) }
                   create_table people { id: i64 primary_key }
                   create_index on posts(author_id)";
    assert!(codes_for(&sqlite_only(), &[], forward).is_empty(), "{:?}", codes_for(&sqlite_only(), &[], forward));
    let report = report_for(&Targets::default(), &[], forward);
    let [d] = &report.diagnostics[..] else { panic!("{:?}", report.diagnostics) };
    assert_eq!((d.rule.code, d.location.step), ("SF005", 0));
    assert!(d.message.contains("a later step creates it"), "{}", d.message);
    assert_eq!(d.help, "create `people` before the tables whose foreign keys reference it");

    // A key to a table no step creates breaks the first insert on SQLite.
    let never = "create_table posts { id: i64 primary_key, author_id: i64 references peple(id) }
                 create_index on posts(author_id)";
    let report = report_for(&sqlite_only(), &[USERS], never);
    let [d] = &report.diagnostics[..] else { panic!("{:?}", report.diagnostics) };
    assert_eq!((d.rule.code, d.location.step), ("SF005", 0));
    assert!(d.message.ends_with("when the migration ends"), "{}", d.message);
    // The referenced columns are checked once the table is there.
    let not_a_key = "create_table posts { id: i64 primary_key, author_id: i64 references people(age) }
                     create_table people { id: i64 primary_key, age: i32 }
                     create_index on posts(author_id)";
    assert_eq!(codes_for(&sqlite_only(), &[], not_a_key), ["SF028"]);
    // Written without columns, the key is to the table's primary key, as
    // SQLite reads it once the table exists.
    let raw = r#"sql "CREATE TABLE posts (id INTEGER NOT NULL PRIMARY KEY, author_id INTEGER REFERENCES people);
                     CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY);
                     CREATE INDEX posts_author_id_idx ON posts (author_id)""#;
    let report = report_for(&sqlite_only(), &[], raw);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let posts = report.schema_after.table("posts").expect("posts");
    assert!(
        posts.constraints.iter().any(|c| matches!(&c.kind,
            ConstraintKind::ForeignKey { ref_table, ref_columns, .. } if ref_table == "people" && ref_columns == &["id"])),
        "{:?}",
        posts.constraints
    );
}

#[test]
fn sf007_to_sf010_breaking_changes_on_existing_tables_only() {
    assert_eq!(codes(&[USERS], "alter_table users { rename_column name -> full_name }"), ["SF007"]);
    assert_eq!(codes(&[USERS], "rename_table users -> accounts"), ["SF008"]);
    assert_eq!(codes(&[USERS], "alter_table users { drop_column age }"), ["SF009"]);
    assert_eq!(codes(&[USERS], "drop_table users"), ["SF010"]);
    let fresh = "create_table t { id: i64 primary_key, a: Option<i32> } alter_table t { rename_column a -> b } rename_table t -> u; alter_table u { drop_column b } drop_table u";
    assert!(codes(&[], fresh).is_empty(), "{:?}", codes(&[], fresh));
}

#[test]
fn sf011_alter_column_type() {
    // Widening: its derived rollback narrows back (SF038).
    assert_eq!(codes(&[USERS], "alter_table users { set_type age: i64 }"), ["SF011", "SF038"]);
    let narrowing = report_for(&Targets::default(), &[USERS], "alter_table users { set_type name: Varchar<10> }");
    assert!(narrowing.diagnostics[0].message.contains("narrows"), "{}", narrowing.diagnostics[0].message);
    assert_eq!(codes(&[USERS], "alter_table users { set_type name: Varchar<200> }"), ["SF038"]);
    assert_eq!(codes(&[USERS], "alter_table users { set_type name: String }"), ["SF038"]);
}

#[test]
fn sf038_narrowing_rollback() {
    let report = report_for(&Targets::default(), &[USERS], "alter_table users { set_type name: String }");
    let d = &report.diagnostics[0];
    assert!(d.is_advice());
    assert_eq!(
        d.message,
        "the derived rollback changes `users.name` back from `String` to `Varchar<100>`, which fails once a value `Varchar<100>` cannot hold has been stored"
    );
    assert!(d.help.contains("down { alter_table users { set_type name: Varchar<100> using"), "{}", d.help);
    // A written way back, an irreversible one, or an acknowledgement: no advice.
    assert!(codes(&[USERS], "alter_table users { set_type name: String } irreversible \"names may grow\"").is_empty());
    assert!(
        codes(
            &[USERS],
            "#[allow(narrowing_rollback, \"no name is longer yet\")] alter_table users { set_type name: String }"
        )
        .is_empty()
    );
    // A table created in the same migration goes with the rollback.
    assert!(
        codes(&[], "create_table t { id: i64 primary_key, n: Varchar<5> } alter_table t { set_type n: String }")
            .is_empty()
    );
    // The narrowing itself is SF011's; its rollback widens.
    assert_eq!(codes(&[USERS], "alter_table users { set_type name: Varchar<10> }"), ["SF011"]);
}

const EVENTS: &str =
    "create_table events { id: i64 primary_key, at: Timestamp, seen: Timestamp } create_index on events(at)";

fn pg_message(history: &[&str], src: &str) -> String {
    let report = report_for(&Targets { sqlite: false, ..Targets::default() }, history, src);
    report.diagnostics.iter().map(|d| format!("{} {}\nhelp: {}", d.rule.code, d.message, d.help)).collect()
}

#[test]
fn sf011_timestamp_to_timestamptz_costs_what_the_session_time_zone_decides() {
    // The DSL changes the type under UTC: the rows are not rewritten.
    assert_eq!(pg_codes(&[EVENTS], "alter_table events { set_type seen: TimestampTz }"), Vec::<&str>::new());
    // An index on the column is still rebuilt under the lock.
    let indexed = pg_message(&[EVENTS], "alter_table events { set_type at: TimestampTz }");
    assert!(indexed.starts_with("SF011") && indexed.contains("rebuilds `events_at_idx`"), "{indexed}");
    assert!(indexed.contains("the rows are not rewritten") && indexed.contains("concurrently"), "{indexed}");

    // Raw SQL runs in whatever time zone the session has.
    let unknown = pg_message(&[EVENTS], r#"sql "ALTER TABLE events ALTER COLUMN seen TYPE timestamptz""#);
    assert!(unknown.contains("rewrites the table (the session time zone is not known to be UTC)"), "{unknown}");
    assert!(unknown.contains("SET LOCAL TimeZone = 'UTC'"), "{unknown}");
    for zone in ["SET LOCAL TIME ZONE 'UTC'", "SET timezone = 'Etc/UTC'", "SET TimeZone TO 'UTC'"] {
        let sql = format!(r#"sql "{zone}; ALTER TABLE events ALTER COLUMN seen TYPE timestamptz""#);
        assert_eq!(pg_codes(&[EVENTS], &sql), Vec::<&str>::new(), "{sql}");
    }
    // A SET in an earlier literal of the same migration counts too.
    let split = r#"sql "SET LOCAL TIME ZONE 'UTC'"; sql "ALTER TABLE events ALTER COLUMN seen TYPE timestamptz""#;
    assert_eq!(pg_codes(&[EVENTS], split), Vec::<&str>::new());
    for not_utc in [
        "SET TIME ZONE 'Europe/Berlin'",
        "SET TIME ZONE 'UTC'; RESET TimeZone",
        "SET LOCAL TimeZone = 'UTC'; SET LOCAL TimeZone TO DEFAULT",
        // The concurrent index commits, and the SET LOCAL ends with its transaction.
        "SET LOCAL TimeZone = 'UTC'; CREATE INDEX CONCURRENTLY events_id_idx ON events (id)",
    ] {
        let sql = format!(
            r#"sql "{not_utc}; ALTER TABLE events ALTER COLUMN seen TYPE timestamptz" down "DROP INDEX IF EXISTS events_id_idx; ALTER TABLE events ALTER COLUMN seen TYPE timestamp""#
        );
        assert!(pg_codes(&[EVENTS], &sql).contains(&"SF011"), "{sql}");
    }
    // A conversion expression makes PostgreSQL rewrite whatever the zone.
    let using = r#"sql "SET LOCAL TIME ZONE 'UTC'; ALTER TABLE events ALTER COLUMN seen TYPE timestamptz USING seen AT TIME ZONE 'UTC'" down "SET LOCAL TIME ZONE 'UTC'; ALTER TABLE events ALTER COLUMN seen TYPE timestamp""#;
    assert_eq!(pg_codes(&[EVENTS], using), ["SF011"]);
    // Back to `timestamp` under UTC loses nothing and rewrites nothing.
    let back = pg_codes(
        &[EVENTS, "alter_table events { set_type seen: TimestampTz }"],
        "alter_table events { set_type seen: Timestamp }",
    );
    assert!(!back.contains(&"SF011"), "{back:?}");
}

#[test]
fn sf012_set_not_null() {
    assert_eq!(codes(&[USERS], "alter_table users { set_not_null age }"), ["SF012"]);
    let already: Vec<&str> = Vec::new();
    assert_eq!(codes(&[USERS], "alter_table users { set_not_null email }"), already, "already NOT NULL: a no-op");
}

#[test]
fn sf013_sf014_blocking_index_only_on_postgres_and_existing_tables() {
    assert_eq!(codes(&[USERS], "create_index on users(name)"), ["SF013"]);
    assert!(codes(&[USERS], "create_index on users(name) concurrently").is_empty());
    assert!(codes_for(&sqlite_only(), &[USERS], "create_index on users(name)").is_empty());
    assert!(codes(&[], "create_table t { id: i64 primary_key, a: i64 } create_index on t(a)").is_empty());
    let with_index = [USERS, "create_index on users(name) concurrently"];
    assert_eq!(codes(&with_index, "drop_index users_name_idx"), ["SF014"]);
    assert!(codes(&with_index, "drop_index users_name_idx concurrently").is_empty());
}

#[test]
fn sf015_sf016_constraints_on_existing_tables() {
    let posts = "create_table posts { id: i64 primary_key, author_id: i64 } create_index on posts(author_id)";
    assert_eq!(
        codes(&[USERS, posts], "alter_table posts { add_constraint foreign_key(author_id) references users(id) }"),
        ["SF015"]
    );
    assert!(
        codes(
            &[USERS, posts],
            "alter_table posts { add_constraint foreign_key(author_id) references users(id) not_valid }"
        )
        .is_empty()
    );
    assert_eq!(codes(&[USERS], "alter_table users { add_constraint users_age_check check(\"age > 0\") }"), ["SF015"]);
    assert_eq!(codes(&[USERS], "alter_table users { add_constraint unique(name) }"), ["SF016", "SF031"]);
    assert_eq!(codes(&[USERS], "alter_table users { add_constraint unique(name) concurrently }"), ["SF031"]);
    assert_eq!(codes(&[USERS], "alter_table users { add_column handle: Option<String> unique }"), ["SF016"]);
}

#[test]
fn sf017_volatile_default() {
    assert_eq!(codes(&[USERS], "alter_table users { add_column token: Uuid = gen_random_uuid() }"), ["SF017"]);
    assert!(codes(&[USERS], "alter_table users { add_column seen_at: TimestampTz = now() }").is_empty());
    assert_eq!(codes(&[USERS], "alter_table users { add_column n: i64 identity }"), ["SF017", "SF033"]);
    let old_postgres = Targets { postgres_min_version: 10, ..Targets::default() };
    assert_eq!(codes_for(&old_postgres, &[USERS], "alter_table users { add_column v: bool = false }"), ["SF017"]);
    assert!(
        codes_for(&sqlite_only(), &[USERS], "alter_table users { add_column t: Uuid = gen_random_uuid() }").is_empty()
    );
}

#[test]
fn sf018_unbatched_backfill_in_raw_sql() {
    assert_eq!(pg_codes(&[USERS], "sql \"UPDATE users SET age = 0\" irreversible \"data\""), ["SF018"]);
    assert_eq!(pg_codes(&[USERS], "sql \"DELETE FROM users WHERE age IS NULL\" irreversible \"data\""), ["SF018"]);
    assert!(
        pg_codes(
            &[],
            "create_table t { id: i64 primary_key, a: i64 = 0 } sql \"UPDATE t SET a = 1\" down \"UPDATE t SET a = 0\""
        )
        .is_empty()
    );
}

#[test]
fn sf019_sf020_identifiers() {
    let long = "a".repeat(64);
    assert_eq!(codes(&[], &format!("create_table {long} {{ id: i64 primary_key }}")), ["SF019", "SF019"]);
    assert!(codes_for(&sqlite_only(), &[], &format!("create_table {long} {{ id: i64 primary_key }}")).is_empty());
    assert_eq!(codes(&[], "create_table user { id: i64 primary_key }"), ["SF020"]);
    assert_eq!(codes(&[USERS], "alter_table users { add_column order: Option<i32> }"), ["SF020"]);
}

#[test]
fn sf037_schemaflow_names() {
    assert_eq!(codes(&[], "create_table schemaflow_migrations { id: i64 primary_key }"), ["SF037"]);
    assert_eq!(codes(&[], "create_table _schemaflow_new_users { id: i64 primary_key }"), ["SF037"]);
    assert_eq!(pg_codes(&[USERS], "sql \"ALTER TABLE users RENAME TO Schemaflow_Backfills\""), ["SF008", "SF037"]);
    assert_eq!(codes(&[USERS], "create_index _schemaflow_idx on users(age)"), ["SF013", "SF037"]);
    assert!(codes(&[], "create_table schemaflow_settings { id: i64 primary_key }").is_empty());
}

#[test]
fn sf021_fk_without_index() {
    let unindexed = "create_table posts { id: i64 primary_key, author_id: i64 references users(id) }";
    assert_eq!(codes(&[USERS], unindexed), ["SF021"]);
    assert!(codes(&[USERS], POSTS).is_empty());
    let composite = "create_table posts { id: i64 primary_key, author_id: i64 references users(id), at: i64 } create_index on posts(author_id, at)";
    assert!(codes(&[USERS], composite).is_empty());
    let trailing = "create_table posts { id: i64 primary_key, author_id: i64 references users(id), at: i64 } create_index on posts(at, author_id)";
    assert_eq!(codes(&[USERS], trailing), ["SF021"], "an index that does not start with the key does not cover it");
    let partial = "create_table posts { id: i64 primary_key, author_id: i64 references users(id) } create_index on posts(author_id) where \"author_id > 0\"";
    assert_eq!(codes(&[USERS], partial), ["SF021"]);
}

#[test]
fn sf022_prefer_bigint_key() {
    assert_eq!(codes(&[], "create_table t { id: i32 primary_key }"), ["SF022"]);
    assert!(codes_for(&sqlite_only(), &[], "create_table t { id: i32 primary_key }").is_empty());
    assert!(
        codes(&[], "#[allow(prefer_bigint_key, \"a lookup table of 12 rows\")] create_table t { id: i16 primary_key }")
            .is_empty()
    );
}

#[test]
fn sf023_raw_sql_transaction_control() {
    assert_eq!(
        pg_codes(&[], "sql \"BEGIN; CREATE VIEW v AS SELECT 1; COMMIT\" down \"DROP VIEW v\""),
        ["SF023", "SF023"],
        "one error for each statement that controls the transaction"
    );
    for hidden in
        ["/* note */ COMMIT", "-- note\ncommit", "CoMmIt AND NO CHAIN", "end", "SAVEPOINT s", "start transaction"]
    {
        assert_eq!(pg_codes(&[], &format!("sql \"{hidden}\" irreversible \"x\"")), ["SF023"], "{hidden}");
    }
    // Statements that cannot run in a transaction are placed outside it, not refused.
    assert!(
        pg_codes(&[USERS], "sql \"CREATE INDEX CONCURRENTLY i ON users(name)\" down \"DROP INDEX CONCURRENTLY i\"")
            .is_empty()
    );
    assert!(pg_codes(&[], "sql \"CREATE VIEW v AS SELECT 'BEGIN'\" down \"DROP VIEW v\"").is_empty());
}

#[test]
fn sf025_drop_constraint() {
    assert_eq!(codes(&[USERS], "alter_table users { drop_constraint users_email_key }"), ["SF025"]);
    assert!(
        codes(&[], "create_table t { id: i64 primary_key, a: i64 unique } alter_table t { drop_constraint t_a_key }")
            .is_empty()
    );
}

#[test]
fn sf026_unused_allow() {
    assert_eq!(
        codes(&[USERS], "#[allow(blocking_index, \"tiny\")] create_index on users(name) concurrently"),
        ["SF026"]
    );
    assert!(codes(&[USERS], "#[allow(blocking_index, \"users has 200 rows\")] create_index on users(name)").is_empty());
    assert_eq!(
        codes(&[], "#[allow(no_such_object, \"x\")] drop_table ghosts"),
        ["SF005", "SF026"],
        "facts cannot be acknowledged"
    );
}

#[test]
fn allow_is_scoped_to_one_step_and_one_rule() {
    let src =
        "#[allow(blocking_index, \"users has 200 rows\")] create_index on users(name); create_index on users(age)";
    assert_eq!(codes(&[USERS], src), ["SF013"], "the second index is not acknowledged");
    let src = "#[allow(drop_column, \"unused since 1.2\")] alter_table users { rename_column name -> n }";
    assert_eq!(codes(&[USERS], src), ["SF007", "SF026"]);
}

#[test]
fn sf027_down_does_not_restore() {
    let wrong = "alter_table users { add_column v: Option<i32> } down { alter_table users { drop_column age } }";
    let report = report_for(&Targets::default(), &[USERS], wrong);
    assert_eq!(report.diagnostics.iter().map(|d| d.rule.code).collect::<Vec<_>>(), ["SF027"]);
    assert!(report.diagnostics[0].message.contains("users.age"), "{}", report.diagnostics[0].message);
    let right = "alter_table users { add_column v: Option<i32> } down { alter_table users { drop_column v } }";
    assert!(codes(&[USERS], right).is_empty());
    assert_eq!(
        codes(&[USERS], "alter_table users { add_column v: Option<i32> } down { drop_table ghosts }"),
        ["SF005"]
    );
}

#[test]
fn diagnostics_come_in_step_order_and_all_at_once() {
    let src = "alter_table users { add_column a: bool } create_index on users(name); rename_table users -> people";
    assert_eq!(codes(&[USERS], src), ["SF003", "SF013", "SF008"]);
}

#[test]
fn every_rule_has_a_unique_code_and_name_and_text() {
    let mut codes = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    for rule in CATALOGUE {
        assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
        assert!(names.insert(rule.name), "duplicate name {}", rule.name);
        assert!(rule.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{} is not kebab-case", rule.name);
        assert!(!rule.summary.is_empty() && !rule.why.is_empty());
        assert_eq!(find(&rule.allow_name()), Some(*rule));
        assert_eq!(find(rule.code), Some(*rule));
    }
}

#[test]
fn sf029_to_sf031_advice() {
    let report = report_for(&Targets::default(), &[USERS], "alter_table users { drop_not_null email }");
    assert_eq!(report.diagnostics.iter().map(|d| (d.rule.code, d.is_advice())).collect::<Vec<_>>(), [("SF029", true)]);
    assert_eq!(codes(&[], "create_table t { id: i64 primary_key, at: Timestamp }"), ["SF030"]);
    assert!(codes(&[], "create_table t { id: i64 primary_key, at: TimestampTz }").is_empty());
    assert_eq!(codes(&[USERS], "create_index on users(name) unique concurrently"), ["SF031"]);
    assert!(codes(&[], "create_table t { id: i64 primary_key, a: i64 } create_index on t(a) unique").is_empty());
    assert!(
        codes(&[USERS], "#[allow(unique_on_existing_data, \"names were deduplicated in 202601\")] create_index on users(name) unique concurrently")
            .is_empty()
    );
}

#[test]
fn sf032_sf033_keys() {
    assert_eq!(
        codes(&["create_table logs { line: String }"], "backfill logs set line = \"x\"; irreversible \"test\""),
        ["SF032"]
    );
    assert_eq!(codes(&[], "create_table t { id: i64 primary_key, n: i64 identity }"), ["SF033"]);
    assert_eq!(
        codes(&[], "#[allow(prefer_bigint_key, \"t\")] create_table t { id: i32 primary_key identity }"),
        ["SF033"]
    );
    assert!(
        codes_for(
            &Targets { sqlite: false, ..Targets::default() },
            &[],
            "create_table t { id: i64 primary_key, n: i64 identity }"
        )
        .is_empty()
    );
}

#[test]
fn checks_follow_renamed_and_dropped_columns() {
    let history = ["create_table items { id: i64 primary_key, qty: i32, check(\"qty > 0\") }"];
    let m = "#[allow(rename_column, \"t\")] alter_table items { rename_column qty -> amount }";
    let report = report_for(&Targets::default(), &history, m);
    let check = report.schema_after.table("items").unwrap().constraints.iter().find_map(|c| match &c.kind {
        crate::model::ConstraintKind::Check { expr } => Some(expr.clone()),
        _ => None,
    });
    assert_eq!(check.as_deref(), Some("amount > 0"));
    let m = "#[allow(drop_column, \"t\")] alter_table items { drop_column qty }";
    let report = report_for(&Targets::default(), &history, m);
    assert_eq!(report.schema_after.table("items").unwrap().constraints.len(), 1, "only the primary key is left");
}

#[test]
fn a_key_a_foreign_key_needs_cannot_be_dropped() {
    assert_eq!(
        codes(&[USERS, POSTS], "#[allow(drop_constraint, \"t\")] alter_table users { drop_constraint users_pkey }"),
        ["SF028"]
    );
}

#[test]
fn a_column_a_view_trigger_or_expression_index_uses_cannot_be_dropped() {
    let view = r#"sql "CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18""#;
    let drop_age = "#[allow(drop_column, \"t\")] alter_table users { drop_column age }";
    let report = report_for(&Targets::default(), &[USERS, view], drop_age);
    let drawn: Vec<_> = report.diagnostics.iter().map(|d| d.rule.code).collect();
    assert_eq!(drawn, ["SF028"]);
    let d = &report.diagnostics[0];
    assert!(d.message.contains("the view `adults` still uses column `users.age`"), "{}", d.message);
    assert!(d.help.contains("drop the view `adults` first"), "{}", d.help);
    // Columns the view does not read, and the view dropped first, are fine.
    assert!(codes_for_all(&[USERS, view], "#[allow(drop_column, \"t\")] alter_table users { drop_column name }"));
    let dropped_first = format!("sql \"DROP VIEW adults\" irreversible \"test\"; {drop_age}");
    assert_eq!(codes(&[USERS, view], &dropped_first), Vec::<&str>::new());
    // A table a view reads.
    assert_eq!(codes(&[USERS, view], "#[allow(drop_table, \"t\")] drop_table users"), ["SF028"]);

    // A trigger whose function names the column: a rename breaks it too (a
    // function's body does not follow a rename).
    let trigger = r#"sql "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := lower(NEW.name); RETURN NEW; END $$" down "DROP FUNCTION stamp()"; sql "CREATE TRIGGER users_stamp BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION stamp()""#;
    let rename = "#[allow(rename_column, \"t\")] alter_table users { rename_column name -> full_name }";
    assert!(pg_codes(&[USERS, trigger], rename).contains(&"SF028"), "{:?}", pg_codes(&[USERS, trigger], rename));
    let drop_name = "#[allow(drop_column, \"t\")] alter_table users { drop_column name }";
    assert!(pg_codes(&[USERS, trigger], drop_name).contains(&"SF028"));
    assert!(!pg_codes(&[USERS, trigger], drop_age).contains(&"SF028"), "the trigger does not use `age`");

    // An index over an expression of the column.
    let index = r#"sql "CREATE INDEX users_lower_email ON users (lower(email))""#;
    let drop_email = "#[allow(drop_column, \"t\")] alter_table users { drop_column email }";
    assert!(codes(&[USERS, index], drop_email).contains(&"SF028"), "{:?}", codes(&[USERS, index], drop_email));

    // The contract of an online change that retires a column a view reads.
    let retire = "online_change users { rename age -> age_years: Option<i32> }";
    assert!(codes(&[USERS, view], retire).contains(&"SF028"), "{:?}", codes(&[USERS, view], retire));
}

#[test]
fn sf041_a_contract_needs_a_deploy_after_its_expand() {
    let expand = r#"alter_table users { add_column age_years: Option<i32> } backfill users set age_years = sql("age")"#;
    let contract = "#[allow(drop_column, \"t\")] alter_table users { drop_column age }";
    // In the next migration, and in the same one.
    assert_eq!(codes(&[USERS, expand], contract), ["SF041"]);
    assert!(codes(&[USERS], &format!("{expand}; {contract}")).contains(&"SF041"));
    // With a deploy boundary in between, in either place.
    let waits = format!("deploy_boundary \"deploy the code that reads age_years\"; {contract}");
    assert_eq!(codes(&[USERS, expand], &waits), Vec::<&str>::new());
    assert_eq!(codes(&[USERS, expand, "deploy_boundary \"deployed\""], contract), Vec::<&str>::new());
    // A column nothing was copied from, and an acknowledged one.
    assert_eq!(
        codes(&[USERS, expand], "#[allow(drop_column, \"t\")] alter_table users { drop_column created_at }"),
        Vec::<&str>::new()
    );
    let acknowledged = "#[allow(drop_column, \"t\")] #[allow(contract_before_deploy, \"deployed 2026-11-02\")] alter_table users { drop_column age }";
    assert_eq!(codes(&[USERS, expand], acknowledged), Vec::<&str>::new());
    // A Rust transform reads its inputs too.
    let transform = "alter_table users { add_column decade: Option<i32> } backfill users with decade_of(age) -> decade";
    assert_eq!(codes(&[USERS, transform], contract), ["SF041"]);
}

#[test]
fn delete_rows_needs_a_key_and_says_it_cannot_be_undone() {
    let purge = r#"delete_rows users where "age IS NULL" batch 500"#;
    assert_eq!(codes(&[USERS], purge), ["SF004"], "the rows cannot come back");
    assert_eq!(
        codes(&[USERS], &format!(r#"{purge}; irreversible "unverified accounts are purged""#)),
        Vec::<&str>::new()
    );
    let no_key = "create_table events { at: TimestampTz, kind: String }";
    let purge_events = r#"delete_rows events where "kind = 'debug'"; irreversible "debug events""#;
    assert!(codes(&[no_key], purge_events).contains(&"SF032"), "{:?}", codes(&[no_key], purge_events));
    // A raw DELETE over a table in use points at it.
    let report =
        report_for(&Targets::default(), &[USERS], r#"sql "DELETE FROM users WHERE age IS NULL" irreversible "t""#);
    assert!(report.diagnostics.iter().any(|d| d.rule.code == "SF018" && d.help.contains("delete_rows users where")));
}

#[test]
fn copy_rows_is_checked_against_both_tables_and_needs_a_down_into_an_existing_one() {
    let archive = "create_table archive { id: i64 primary_key, email: String }";
    let copy = "copy_rows users into archive (id, email) batch 500";
    assert_eq!(codes(&[USERS, archive], copy), ["SF004"], "copies into an existing table cannot be told apart");
    let fresh = "create_table fresh { id: i64 primary_key, label: String } copy_rows users into fresh (id, label = \"upper(name)\")";
    assert_eq!(codes(&[USERS], fresh), Vec::<&str>::new(), "the copies go with the table on the way back");
    assert_eq!(codes(&[USERS, archive], "copy_rows users into archive (id, nickname); irreversible \"t\""), ["SF005"]);
    // A raw INSERT … SELECT into a table in use points at it.
    let report = report_for(
        &Targets::default(),
        &[USERS, archive],
        r#"sql "INSERT INTO archive (id, email) SELECT id, email FROM users" irreversible "t""#,
    );
    assert!(
        report.diagnostics.iter().any(|d| d.rule.code == "SF018" && d.help.contains("copy_rows source into archive"))
    );
}

#[test]
fn create_extension_is_postgres_only_and_stays_on_the_way_back() {
    assert_eq!(pg_codes(&[USERS], "create_extension citext"), Vec::<&str>::new());
    assert_eq!(pg_codes(&[USERS], r#"create_extension "uuid-ossp""#), Vec::<&str>::new());
    // A crate that also targets SQLite: SQLite has no extensions.
    assert_eq!(codes(&[USERS], "create_extension citext"), ["SF036"]);
}

#[test]
fn a_key_over_a_unique_keys_columns_is_unique_already() {
    // Replaced by a wider key: no duplicate can exist.
    let wider = "alter_table users { drop_constraint users_pkey, add_constraint users_pkey primary_key(id, email) concurrently }";
    assert_eq!(pg_codes(&[USERS], wider), Vec::<&str>::new());
    let also_email = "create_index users_email_name on users(email, name) unique concurrently";
    assert_eq!(pg_codes(&[USERS], also_email), Vec::<&str>::new(), "email is unique already");
    assert_eq!(pg_codes(&[USERS], "create_index users_name_key on users(name) unique concurrently"), ["SF031"]);
}

#[test]
fn expression_and_method_indexes() {
    let lower = r#"create_index users_lower_email on users(sql("lower(email)")) unique concurrently"#;
    assert_eq!(codes(&[USERS], lower), ["SF031"], "unique over rows already there: advice");
    let report = report_for(&Targets::default(), &[USERS], lower);
    let index = &report.schema_after.indexes["users_lower_email"];
    assert_eq!(index.key.as_deref(), Some("((lower(email)))"));
    assert_eq!(index.columns, ["email"], "the columns it uses, for the checks that follow");
    let ordered = "create_index on users(created_at desc nulls last, id) concurrently";
    assert_eq!(codes(&[USERS], ordered), Vec::<&str>::new());
    // A method, an operator class, `include`: PostgreSQL's only.
    let trigram = r#"create_index users_name_trgm on users(name gin_trgm_ops) using gin concurrently"#;
    assert_eq!(codes(&[USERS], trigram), ["SF036"]);
    assert_eq!(pg_codes(&[USERS], trigram), Vec::<&str>::new());
    assert_eq!(codes(&[USERS], "create_index on users(email) include (name) concurrently"), ["SF036"]);
    // The column an expression index uses cannot be dropped from under it.
    let drop_email = "#[allow(drop_column, \"t\")] alter_table users { drop_column email }";
    assert!(codes(&[USERS, lower], drop_email).contains(&"SF028"));
}

/// Whether `src` draws no SF028 after `history`.
fn codes_for_all(history: &[&str], src: &str) -> bool {
    !codes(history, src).contains(&"SF028")
}

#[test]
fn one_allow_covers_every_step_its_item_lowers_to() {
    let posts = "create_table posts { id: i64 primary_key, title: String } ";
    let src = "#[allow(constraint_without_not_valid, \"posts has 40 rows\")] alter_table posts { add_column author_id: Option<i64> references users(id) } create_index on posts(author_id) concurrently;";
    assert!(codes(&[USERS, posts], src).is_empty(), "{:?}", codes(&[USERS, posts], src));
    let src = "#[allow(drop_column, \"unused\")] alter_table users { drop_column age, add_column bio: Option<String> }";
    assert!(codes(&[USERS], src).is_empty());
}

#[test]
fn a_failed_create_table_does_not_cascade() {
    let src = "create_table p { id: i64 primary_key, n: Varchar<100> references users(name) } create_index on p(n)";
    assert_eq!(codes(&[USERS], src), ["SF028"]);
}

#[test]
fn raw_sql_forms_of_a_whole_table_change() {
    for sql in [
        "UPDATE ONLY users SET age = 0",
        "UPDATE public.users SET age = 0",
        "WITH x AS (SELECT 1) UPDATE users SET age = 0",
        "DELETE FROM ONLY users",
    ] {
        assert_eq!(pg_codes(&[USERS], &format!("sql \"{sql}\" irreversible \"data\"")), ["SF018"], "{sql}");
    }
    let trigger = "CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f()";
    assert!(pg_codes(&[USERS], &format!("sql \"{trigger}\" down \"DROP TRIGGER t ON users\"")).is_empty());
    let function = "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.age := 0; RETURN NEW; END $$ LANGUAGE plpgsql";
    assert!(
        pg_codes(&[USERS], &format!("sql \"{function}\" down \"DROP FUNCTION f()\"")).is_empty(),
        "a function body is not transaction control"
    );
}

#[test]
fn rules_about_live_tables_run_on_a_written_down() {
    let history = [USERS, "create_index users_age_idx on users(age) concurrently"];
    let blocking = "drop_index users_age_idx concurrently; down { create_index users_age_idx on users(age) }";
    let report = report_for(&Targets::default(), &history, blocking);
    let found: Vec<(&str, Section, usize)> =
        report.diagnostics.iter().map(|d| (d.rule.code, d.location.section, d.location.step)).collect();
    assert_eq!(found, [("SF013", Section::Down, 0)]);
    let acknowledged = "drop_index users_age_idx concurrently; down { #[allow(blocking_index, \"users has 20 rows\")] create_index users_age_idx on users(age) }";
    assert!(codes(&history, acknowledged).is_empty(), "{:?}", codes(&history, acknowledged));
    let required = "alter_table users { drop_column age } down { alter_table users { add_column age: i32 } }";
    assert!(codes(&[USERS], required).contains(&"SF003"), "a NOT NULL column without default fails on the rows");
}

#[test]
fn a_written_down_may_undo_renames_and_drop_what_the_migration_added() {
    let added = "alter_table users { add_column v: Option<i32> } down { alter_table users { drop_column v } }";
    assert!(codes(&[USERS], added).is_empty());
    let renamed = "#[allow(rename_column, \"no code reads name yet\")] alter_table users { rename_column name -> full_name } down { alter_table users { rename_column full_name -> name } }";
    assert!(codes(&[USERS], renamed).is_empty(), "{:?}", codes(&[USERS], renamed));
}

/// Safe real-world forms that the rules used to reject.
#[test]
fn safe_forms_are_not_rejected() {
    // SF012: a validated `CHECK (age IS NOT NULL)` has proved the data.
    let checked = "sql \"ALTER TABLE users ADD CONSTRAINT users_age_nn CHECK (age IS NOT NULL) NOT VALID; \
                   ALTER TABLE users VALIDATE CONSTRAINT users_age_nn\"";
    assert!(pg_codes(&[USERS, checked], "alter_table users { set_not_null age }").is_empty());
    // …but not while it is NOT VALID.
    let unchecked = "sql \"ALTER TABLE users ADD CONSTRAINT users_age_nn CHECK (age IS NOT NULL) NOT VALID\"";
    assert_eq!(pg_codes(&[USERS, unchecked], "alter_table users { set_not_null age }"), ["SF012"]);
    // SF025: the helper check of the NOT NULL pattern, dropped once the column is NOT NULL.
    let pattern = format!(
        "{checked}; sql \"ALTER TABLE users ALTER COLUMN age SET NOT NULL; ALTER TABLE users DROP CONSTRAINT users_age_nn\""
    );
    assert!(pg_codes(&[USERS], &pattern).is_empty(), "{:?}", pg_codes(&[USERS], &pattern));
    // SF025: a constraint dropped and added again under the same name.
    let replaced = "sql \"ALTER TABLE users DROP CONSTRAINT users_email_key; \
                    ALTER TABLE users ADD CONSTRAINT users_email_key CHECK (email <> '') NOT VALID\" irreversible \"test\"";
    assert!(pg_codes(&[USERS], replaced).is_empty(), "{:?}", pg_codes(&[USERS], replaced));
    // SF015: a raw foreign key added NOT VALID and validated later.
    let fk = "sql \"ALTER TABLE posts ADD CONSTRAINT posts_editor_fkey FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID\"";
    assert!(pg_codes(&[USERS, POSTS], fk).is_empty());
    // SF021 and SF022 are advice: shown as warnings, the build goes on.
    let advice = report_for(
        &Targets::default(),
        &[USERS],
        "create_table tags { id: i32 primary_key, user_id: i64 references users(id) }",
    );
    assert!(advice.diagnostics.iter().all(|d| d.is_advice()), "{:?}", advice.diagnostics);
    assert_eq!(advice.diagnostics.len(), 2);
    // What PostgreSQL accepts as a no-op replays as one, so real histories
    // (which do this) keep their later migrations checked.
    let no_ops = [
        "sql \"DROP TABLE IF EXISTS archives; DROP INDEX IF EXISTS archives_idx\"",
        "sql \"ALTER TABLE users ALTER COLUMN email SET NOT NULL\"",
        "sql \"ALTER TABLE users ALTER COLUMN age DROP NOT NULL\"",
        "sql \"ALTER TABLE users ALTER COLUMN age DROP DEFAULT\"",
        "sql \"ALTER TABLE users ALTER COLUMN name TYPE varchar(100)\"",
    ];
    for sql in no_ops {
        assert!(pg_codes(&[USERS], sql).is_empty(), "{sql}: {:?}", pg_codes(&[USERS], sql));
    }
    // DEFAULT NULL is no default, not a volatile expression.
    let null_default = "sql \"ALTER TABLE users ADD COLUMN verified_at timestamptz DEFAULT NULL\"";
    assert!(pg_codes(&[USERS], null_default).is_empty(), "{:?}", pg_codes(&[USERS], null_default));
}

#[test]
fn raw_sql_is_checked_like_the_dsl() {
    let cases = [
        ("CREATE INDEX users_age_idx ON users (age)", "SF013"),
        ("CREATE UNIQUE INDEX CONCURRENTLY users_age_idx ON users (age)", "SF031"),
        ("ALTER TABLE users ADD COLUMN verified boolean NOT NULL", "SF003"),
        ("ALTER TABLE users ALTER COLUMN age TYPE bigint", "SF011"),
        ("ALTER TABLE users ALTER COLUMN age SET NOT NULL", "SF012"),
        ("ALTER TABLE users RENAME COLUMN name TO full_name", "SF007"),
        ("ALTER TABLE users RENAME TO people", "SF008"),
        ("ALTER TABLE users DROP COLUMN age", "SF009"),
        ("ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0)", "SF015"),
        ("ALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (name)", "SF016"),
        ("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()", "SF017"),
        ("UPDATE users SET age = 0 WHERE age IS NULL", "SF018"),
        ("INSERT INTO users (email, name) SELECT email, name FROM users", "SF018"),
        ("DROP INDEX users_email_key_idx", "SF005"),
        ("ALTER TABLE ghosts ADD COLUMN a int", "SF005"),
        ("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", "SF035"),
        ("CREATE FROBNICATOR f", "SF034"),
    ];
    for (sql, code) in cases {
        let found = pg_codes(&[USERS], &format!("sql \"{sql}\" irreversible \"test\""));
        assert!(found.contains(&code), "{sql}: {found:?}");
    }
    // Raw DDL enters the replayed schema: a later migration can use what it created.
    let created = "sql \"CREATE TABLE tags (id bigint PRIMARY KEY, label text NOT NULL)\"";
    assert!(pg_codes(&[USERS, created], "create_index on tags(label) concurrently").is_empty());
    // A written `down` is checked too.
    let down = "sql \"CREATE INDEX CONCURRENTLY users_age_idx ON users (age)\" down \"DROP INDEX users_age_idx\"";
    assert_eq!(pg_codes(&[USERS], down), ["SF014"]);
}

#[test]
fn an_online_key_does_not_take_over_an_index_of_its_name() {
    let index = "create_index users_name_key on users(name) concurrently";
    let src = "alter_table users { add_constraint users_name_key unique(name) concurrently }";
    assert_eq!(codes(&[USERS, index], src), ["SF006"]);
    assert!(codes(&[USERS], src).iter().all(|c| *c != "SF006"));
}

#[test]
fn sf036_raw_sql_sqlite_cannot_run() {
    // A crate that targets SQLite too: the default.
    let not_portable = [
        "ALTER TABLE users ALTER COLUMN name TYPE text",
        "ALTER TABLE users ALTER COLUMN age SET DEFAULT 0",
        "ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0) NOT VALID",
        "CREATE INDEX CONCURRENTLY users_age_idx ON users (age)",
        "CREATE TABLE tags (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "COMMENT ON TABLE users IS 'people'",
    ];
    for sql in not_portable {
        let found = codes(&[USERS], &format!("sql \"{sql}\" irreversible \"test\""));
        assert!(found.contains(&"SF036"), "{sql}: {found:?}");
        assert!(!pg_codes(&[USERS], &format!("sql \"{sql}\" irreversible \"test\"")).contains(&"SF036"), "{sql}");
    }
    // What SQLite runs is not flagged, and neither is the DSL (it generates SQLite's form).
    for sql in [
        "CREATE TABLE tags (id integer PRIMARY KEY, label text NOT NULL)",
        "ALTER TABLE users ADD COLUMN bio text",
        "CREATE INDEX users_age_idx ON users (age)",
        "CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18",
    ] {
        let found = codes(&[], &format!("{USERS} sql \"{sql}\""));
        assert!(!found.contains(&"SF036"), "{sql}: {found:?}");
    }
    assert!(!codes(&[USERS], "alter_table users { set_type name: String }").contains(&"SF036"));
    // An expression index has no DSL form to offer.
    let expression = "sql \"CREATE INDEX CONCURRENTLY users_lower_email_idx ON users (lower(email))\"";
    let report = report_for(&Targets::default(), &[USERS], expression);
    let help = &report.diagnostics.iter().find(|d| d.rule.code == "SF036").expect("SF036").help;
    assert!(!help.contains("create_index"), "{help}");
    // Any action of an ALTER TABLE counts, reported once for the statement.
    let sf036 = |src: &str| codes(&[USERS], src).iter().filter(|c| **c == "SF036").count();
    let later_action = r#"#[allow(drop_column, "unused")] sql "ALTER TABLE users DROP COLUMN age, ADD COLUMN n bigserial" irreversible "test""#;
    assert_eq!(sf036(later_action), 1);
    let two = r#"sql "ALTER TABLE users ALTER COLUMN age SET DEFAULT 1, ALTER COLUMN age DROP DEFAULT""#;
    assert_eq!(sf036(two), 1);
    // A column whose name is a type word is not key generation.
    assert_eq!(sf036(r#"sql "ALTER TABLE users ADD COLUMN serial varchar(20)""#), 0);
}

#[test]
fn if_not_exists_on_what_exists_does_nothing_and_undoes_nothing() {
    let none: Vec<&str> = Vec::new();
    let existing_index = r#"sql "CREATE INDEX IF NOT EXISTS posts_author_id_idx ON posts (author_id)""#;
    assert_eq!(pg_codes(&[USERS, POSTS], existing_index), none);
    let existing_table = r#"sql "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY)""#;
    assert_eq!(pg_codes(&[USERS], existing_table), none);
    // Absent, it creates, with what creating implies.
    let absent = r#"sql "CREATE INDEX IF NOT EXISTS posts_title_idx ON posts (title)""#;
    assert_eq!(pg_codes(&[USERS, POSTS], absent), ["SF013"]);
    // A table it did not create is not new for the statements after it.
    let then_index = r#"sql "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY); CREATE INDEX users_name_idx ON users (name)""#;
    assert_eq!(pg_codes(&[USERS], then_index), ["SF013"]);

    // Its way back keeps what was there before.
    let before = Schema::replay(&[parse(1, USERS), parse(2, POSTS)]).unwrap();
    for src in [existing_index, existing_table] {
        match crate::rollback::derive(&before, &parse(3, src).steps) {
            crate::rollback::Derived::Steps(steps) => assert!(steps.is_empty(), "{src}: {steps:?}"),
            other => panic!("{src}: {other:?}"),
        }
    }
}

#[test]
fn a_misspelled_name_gets_the_name_it_was_meant_to_be() {
    for (src, hint) in [
        ("alter_table user { drop_column age }", Some("did you mean `users`?")),
        ("alter_table users { drop_column agee }", Some("did you mean `age`?")),
        ("alter_table users { rename_column emial -> mail }", Some("did you mean `email`?")),
        ("backfill posts set titel = \"x\"", Some("did you mean `title`?")),
        ("drop_index posts_autor_id_idx", Some("did you mean `posts_author_id_idx`?")),
        ("alter_table comments { drop_column age }", None),
    ] {
        let report = report_for(&Targets::default(), &[USERS, POSTS], src);
        let helps: Vec<&str> =
            report.diagnostics.iter().filter(|d| d.rule.code == "SF005").map(|d| d.help.as_str()).collect();
        assert_eq!(helps.len(), 1, "{src}: {:?}", report.diagnostics);
        match hint {
            Some(hint) => assert!(helps[0].starts_with(hint), "{src}: {helps:?}"),
            None => assert!(!helps[0].contains("did you mean"), "{src}: {helps:?}"),
        }
    }
}

#[test]
fn an_online_change_passes_where_its_plain_form_does_not() {
    // The plain rename breaks running code; the online one ships it across deploys.
    assert_eq!(codes(&[USERS], "alter_table users { rename_column name -> full_name }"), ["SF007"]);
    assert_eq!(codes(&[USERS], "online_change users { rename name -> full_name: Varchar<100> }"), Vec::<&str>::new());
    // A split into two columns and a merge back.
    assert_eq!(
        codes(
            &[USERS],
            r#"online_change users {
                add first_name: Option<String> = "split_part(name, ' ', 1)",
                add last_name: Option<String> = "split_part(name, ' ', 2)",
                retire name = "concat_ws(' ', first_name, last_name)",
            }"#
        ),
        Vec::<&str>::new()
    );
    // The drop of a retired column comes after the deploy boundary; the
    // same drop written plainly is SF009.
    assert_eq!(codes(&[USERS], "alter_table users { drop_column name }"), ["SF009", "SF004"]);
}

#[test]
fn sf039_online_change_loses_index() {
    let report = report_for(&Targets::default(), &[USERS], "online_change users { rename email -> mail: String }");
    let found: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.code).collect();
    assert_eq!(found, ["SF039"]);
    assert!(
        report.diagnostics[0].message.contains("unique constraint `users_email_key`"),
        "{}",
        report.diagnostics[0].message
    );
    assert_eq!(
        codes(
            &[USERS],
            "online_change users { rename email -> mail: String, create_index users_mail_key on (mail) unique }"
        ),
        Vec::<&str>::new()
    );
    // A plain index does not stand in for a unique one.
    assert_eq!(
        codes(&[USERS], "online_change users { rename email -> mail: String, create_index users_mail_idx on (mail) }"),
        ["SF039"]
    );
}

#[test]
fn sf040_online_change_shape() {
    // Narrower than the old column.
    assert_eq!(codes(&[USERS], "online_change users { rename name -> full_name: Varchar<50> }"), ["SF040"]);
    // NOT NULL over a nullable column.
    assert_eq!(codes(&[USERS], "online_change users { rename age -> years: i32 }"), ["SF040"]);
    assert_eq!(codes(&[USERS], "online_change users { rename age -> years: Option<i32> }"), Vec::<&str>::new());
}

#[test]
fn sf040_a_rename_keeps_the_default() {
    let posts = "create_table posts { id: i64 primary_key, body: String = \"\" }";
    assert_eq!(codes(&[posts], "online_change posts { rename body -> content: String }"), ["SF040"]);
    assert_eq!(
        codes(&[posts], "online_change posts { rename body -> content: String default \"\" }"),
        Vec::<&str>::new()
    );
}

#[test]
fn on_sqlite_a_referenced_table_may_go_before_the_keys_to_it_in_the_same_migration() {
    let history = [USERS, POSTS];
    // Tables dropped parent first, as SQLite runs it with foreign keys off.
    let both = "#[allow(drop_table, \"retired\")] drop_table users;
                #[allow(drop_table, \"retired\")] drop_table posts";
    assert!(codes_for(&sqlite_only(), &history, both).is_empty(), "{:?}", codes_for(&sqlite_only(), &history, both));
    assert_eq!(codes_for(&Targets::default(), &history, both), ["SF028"], "PostgreSQL refuses the first drop");
    // A key left pointing at nothing breaks every insert into posts.
    let report = report_for(&sqlite_only(), &history, "#[allow(drop_table, \"retired\")] drop_table users");
    let [d] = &report.diagnostics[..] else { panic!("{:?}", report.diagnostics) };
    assert_eq!((d.rule.code, d.location.step), ("SF028", 0));
    assert!(d.message.contains("still there when the migration ends"), "{}", d.message);
    // The rebuild SQLite's manual warns about: renaming the old table
    // takes the keys to it along, and dropping it leaves them dangling.
    let rebuild = r#"sql "ALTER TABLE users RENAME TO old_users;
        CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email TEXT NOT NULL);
        DROP TABLE old_users""#;
    let report = report_for(&sqlite_only(), &history, rebuild);
    let codes: Vec<_> = report.diagnostics.iter().map(|d| d.rule.code).collect();
    assert!(codes.contains(&"SF028"), "{:?}", report.diagnostics);
}

#[test]
fn a_sqlite_rebuild_by_copy_keeps_the_rows_and_loses_only_the_columns_it_leaves_out() {
    let history = [USERS];
    let rebuild = |columns: &str| {
        format!(
            r#"sql "CREATE TABLE users_new (id INTEGER NOT NULL PRIMARY KEY, email TEXT NOT NULL, name VARCHAR(100) NOT NULL{columns});
            INSERT INTO users_new SELECT id, email, name{columns_copy} FROM users;
            DROP TABLE users;
            ALTER TABLE users_new RENAME TO users"
            irreversible "the copy""#,
            columns_copy = if columns.is_empty() { "" } else { ", age, created_at" },
        )
    };
    let keeps_all = rebuild(", age INTEGER, created_at TIMESTAMPTZ NOT NULL");
    assert!(
        codes_for(&sqlite_only(), &history, &keeps_all).is_empty(),
        "{:?}",
        codes_for(&sqlite_only(), &history, &keeps_all)
    );
    // Leaving columns out drops them.
    let report = report_for(&sqlite_only(), &history, &rebuild(""));
    let dropped: Vec<_> = report.diagnostics.iter().map(|d| (d.rule.code, d.message.clone())).collect();
    assert_eq!(dropped.len(), 2, "{dropped:?}");
    assert!(
        dropped.iter().all(|(code, m)| *code == "SF009" && m.starts_with("rebuilding table `users` drops its column"))
    );
    // PostgreSQL changes a table in place; a copy there holds the lock
    // throughout and the drop is a drop.
    assert!(codes_for(&Targets::default(), &history, &keeps_all).contains(&"SF010"));
    // A copy that filters rows is no rebuild.
    let filtered = keeps_all.replace("FROM users;", "FROM users WHERE age > 0;");
    assert!(codes_for(&sqlite_only(), &history, &filtered).contains(&"SF010"));
    // The old table renamed away first, the name re-created and filled.
    let renamed_away = r#"sql "ALTER TABLE users RENAME TO old_users;
        CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email TEXT NOT NULL, name VARCHAR(100) NOT NULL, age INTEGER, created_at TIMESTAMPTZ NOT NULL);
        INSERT INTO users SELECT * FROM old_users;
        DROP TABLE old_users"
        irreversible "the copy""#;
    assert!(
        codes_for(&sqlite_only(), &history, renamed_away).is_empty(),
        "{:?}",
        codes_for(&sqlite_only(), &history, renamed_away)
    ); // A column left out is named with the table that keeps its name.
    let without_age =
        renamed_away.replace(", age INTEGER", "").replace("SELECT *", "SELECT id, email, name, created_at");
    let report = report_for(&sqlite_only(), &history, &without_age);
    let messages: Vec<_> = report.diagnostics.iter().map(|d| (d.rule.code, d.message.as_str())).collect();
    assert!(
        matches!(messages[..], [("SF009", m)] if m.starts_with("rebuilding table `users` drops its column `age`")),
        "{messages:?}"
    );
}
