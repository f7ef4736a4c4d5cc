//! Snapshots of the SQL each dialect generates, one per kind of operation,
//! on a table that exists (the cases where the safe form matters).

use std::str::FromStr;

use super::*;
use crate::model::Migration;

fn parse(version: u64, src: &str) -> Migration {
    let tokens = proc_macro2::TokenStream::from_str(src).unwrap();
    match crate::dsl::parse_migration(tokens, version, "m") {
        Ok(p) => p.migration,
        Err(e) => panic!("{src}: {e}"),
    }
}

const HISTORY: &str = r#"
    create_table users {
        id: i64 primary_key identity,
        email: Varchar<200> unique,
        name: Option<String>,
        age: i32 = 0,
        created_at: TimestampTz = now(),
    }
    create_table posts { id: i64 primary_key identity, author_id: i64 references users(id) on_delete cascade, title: String }
    create_index on posts(author_id);
    create_index users_name_idx on users(name);
"#;

fn both(src: &str) -> String {
    let before = crate::schema::Schema::replay([&parse(1, HISTORY)]).unwrap();
    let m = parse(2, src);
    let mut out = format!("-- migration\n{}\n", src.trim());
    let mut after = before.clone();
    for s in &m.steps {
        after.apply(&s.op).unwrap();
    }
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        let up = plan_up(dialect, &before, &m, &Options::default()).unwrap();
        out.push_str(&format!("\n-- {} up\n{}", dialect.name(), render(dialect, &after, &up)));
        match plan_down(dialect, &before, &m, &Options::default()) {
            Ok(Ok(down)) => {
                out.push_str(&format!("\n-- {} down\n{}", dialect.name(), render(dialect, &after, &down)));
            }
            Ok(Err(e)) => out.push_str(&format!("\n-- {} down: {e}\n", dialect.name())),
            Err(reason) => out.push_str(&format!("\n-- {} down: irreversible: {reason}\n", dialect.name())),
        }
    }
    out
}

macro_rules! snapshot {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(both($src));
        }
    };
}

snapshot!(
    create_table,
    r#"create_table tags { id: i64 primary_key identity, label: Varchar<50> unique, weight: Decimal<5, 2> = 1.00, meta: Option<Json>, user_id: Option<i64> references users(id) on_delete set_null, check("weight >= 0") } create_index on tags(user_id);"#
);
snapshot!(add_column_constant_default, "alter_table users { add_column verified: bool = false }");
snapshot!(add_column_function_default, "alter_table users { add_column seen_at: TimestampTz = now() }");
snapshot!(drop_column, "#[allow(drop_column, \"unused\")] alter_table users { drop_column name }");
snapshot!(rename_column, "#[allow(rename_column, \"test\")] alter_table users { rename_column name -> full_name }");
snapshot!(alter_type_widen, "alter_table users { set_type email: String }");
snapshot!(
    alter_type_using,
    "#[allow(alter_column_type, \"small\")] alter_table users { set_type age: i64 using \"age::bigint\" } down { alter_table users { set_type age: i32 using \"age::integer\" } }"
);
snapshot!(alter_type_time_zone, "alter_table users { set_type created_at: Timestamp }");
snapshot!(set_not_null, "#[allow(set_not_null, \"backfilled\")] alter_table users { set_not_null name }");
snapshot!(set_and_drop_default, "alter_table users { set_default age = 18, drop_default created_at }");
snapshot!(create_index_concurrently, "create_index users_age_idx on users(age) where \"age > 0\" concurrently");
snapshot!(drop_index_concurrently, "drop_index users_name_idx concurrently");
snapshot!(
    add_foreign_key_not_valid,
    "alter_table posts { add_column editor_id: Option<i64> references users(id) not_valid } create_index on posts(editor_id) concurrently;"
);
snapshot!(add_check_not_valid, "alter_table users { add_constraint users_age_positive check(\"age >= 0\") not_valid }");
snapshot!(
    add_unique_concurrently,
    "#[allow(unique_on_existing_data, \"deduplicated\")] alter_table users { add_constraint unique(name) concurrently }"
);
snapshot!(
    backfill,
    "alter_table users { add_column score: Option<i32> } backfill users set score = sql(\"age * 2\") where \"score IS NULL\" batch 500 pause 20ms;"
);
snapshot!(
    backfill_with_a_rust_transform,
    "alter_table users { add_column first_name: Option<String>, add_column born: Option<i32> } backfill users with crate::people::split(name, age) -> (first_name, born) batch 250;"
);
snapshot!(
    copy_rows,
    r#"create_table people { id: i64 primary_key, email: Varchar<200>, display: Option<String> } copy_rows users into people (id, email, display = "coalesce(name, email)") where "age >= 18" batch 500 pause 20ms;"#
);
snapshot!(delete_rows, r#"delete_rows users where "age < 13" batch 500 pause 20ms; irreversible "COPPA""#);
snapshot!(
    expression_index,
    r#"create_index users_lower_email on users(sql("lower(email)"), created_at desc nulls last) unique concurrently"#
);
snapshot!(rename_and_drop_table, "create_table tmp { id: i64 primary_key } rename_table tmp -> tmp2; drop_table tmp2");
snapshot!(
    per_migration_timeouts,
    "lock_timeout 10s; statement_timeout 2min; alter_table users { add_column note: Option<String> }"
);
snapshot!(
    online_change_rename,
    "online_change users { rename email -> login: Varchar<200>, create_index users_login_key on (login) unique } batch 500"
);
snapshot!(
    online_change_type,
    r#"online_change users { add age_months: i64 = "CAST(age AS BIGINT) * 12" default 0, retire age = "CAST(age_months / 12 AS INTEGER)" }"#
);
snapshot!(
    online_change_with_rust_functions,
    "online_change users { add display_name: Option<String>, retire name, with people::display(name) -> display_name, with people::plain(display_name) -> name } batch 500"
);
snapshot!(online_rename_table, "rename_table posts -> articles online");
snapshot!(
    enum_type,
    r#"create_enum post_status { draft, published } alter_table posts { add_column status: Enum<post_status> = "draft", add_column slug: Option<Citext> }"#
);
snapshot!(
    enum_add_value,
    r#"create_enum mood { ok, sad } alter_table users { add_column mood: Enum<mood> = "ok" } alter_enum mood add_value "so so" after ok"#
);
snapshot!(
    generated_columns,
    r#"create_table invoices { id: i64 primary_key identity, net: i64, vat: i64, gross: i64 generated("net + vat") stored } alter_table users { add_column email_domain: Option<String> generated("substr(email, instr(email, '@') + 1)") virtual }"#
);
snapshot!(
    per_database_sql,
    r#"sql postgres "CREATE INDEX CONCURRENTLY users_name_search ON users USING gin (name gin_trgm_ops)" sqlite "CREATE INDEX users_name_search ON users (name)""#
);
snapshot!(
    replace_primary_key,
    "alter_table posts { drop_constraint posts_pkey, add_constraint posts_pkey primary_key(id, author_id) concurrently }"
);
snapshot!(drop_table_cascade, r#"#[allow(drop_table, "test")] drop_table users if_exists cascade"#);
snapshot!(
    array_column,
    r#"alter_table posts { add_column tags: Vec<String> = "{}", add_column scores: Option<Vec<i32>> }"#
);
snapshot!(
    if_not_exists,
    "create_table audit_log if_not_exists { id: i64 primary_key identity, note: String } create_index audit_log_note_idx on audit_log(note) if_not_exists; create_index users_age_idx on users(age) concurrently if_not_exists"
);
snapshot!(
    attach_index,
    "create_index posts_author_title_idx on posts(author_id, title) unique concurrently; alter_table posts { add_constraint posts_author_title_key unique using index posts_author_title_idx }"
);
snapshot!(
    drop_column_cascade,
    r#"sql "CREATE VIEW user_names AS SELECT id, name FROM users" down "DROP VIEW user_names";
    #[allow(drop_column, "test")] alter_table users { drop_column name cascade, drop_column nickname if_exists }"#
);
snapshot!(raw_sql, "sql \"CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18\" down \"DROP VIEW adults\"");

#[test]
fn concurrent_statements_split_the_transaction() {
    let before = crate::schema::Schema::replay([&parse(1, HISTORY)]).unwrap();
    let m = parse(
        2,
        "alter_table users { add_column v: bool = false } create_index on users(v) concurrently; alter_table users { add_column w: Option<i32> }",
    );
    let plan = plan_up(Dialect::Postgres, &before, &m, &Options::default()).unwrap();
    let kinds: Vec<&str> = plan
        .phases
        .iter()
        .map(|p| match p {
            Phase::Transaction(_) => "tx",
            Phase::Outside(_) => "outside",
            Phase::Backfill(_) => "backfill",
            Phase::Deploy(_) => "deploy",
        })
        .collect();
    assert_eq!(kinds, ["tx", "outside", "tx"]);
    let sqlite = plan_up(Dialect::Sqlite, &before, &m, &Options::default()).unwrap();
    assert!(sqlite.is_single_transaction(), "SQLite builds every index in the transaction");
}

#[test]
fn identifiers_and_literals_are_quoted() {
    assert_eq!(ident("we\"ird"), "\"we\"\"ird\"");
    assert_eq!(literal("it's"), "'it''s'");
}

/// The locks and placement PostgreSQL shows for one raw statement.
fn raw_statement_plan(sql: &str) -> Vec<(String, String)> {
    let before = crate::schema::Schema::replay([&parse(1, HISTORY)]).unwrap();
    let m = parse(2, &format!("sql {sql:?};"));
    let plan = plan_up(Dialect::Postgres, &before, &m, &Options::default()).unwrap();
    plan.phases
        .iter()
        .flat_map(|p| match p {
            Phase::Transaction(s) => s.iter().map(|s| ("tx", s)).collect::<Vec<_>>(),
            Phase::Outside(s) => vec![("outside", s)],
            Phase::Backfill(_) | Phase::Deploy(_) => vec![],
        })
        .map(|(place, s)| (format!("{place}: {}", s.sql), s.lock.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn raw_set_not_null_shows_the_scan_it_takes_not_the_online_form() {
    let plan = raw_statement_plan("ALTER TABLE users ALTER COLUMN name SET NOT NULL");
    assert_eq!(
        plan,
        [(
            "tx: ALTER TABLE users ALTER COLUMN name SET NOT NULL".to_owned(),
            "ACCESS EXCLUSIVE on \"users\" (scans the table)".to_owned()
        )]
    );
    // Proven by a validated CHECK, PostgreSQL 12+ skips the scan.
    let proven = raw_statement_plan(
        "ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL) NOT VALID; \
         ALTER TABLE users VALIDATE CONSTRAINT users_name_nn; \
         ALTER TABLE users ALTER COLUMN name SET NOT NULL",
    );
    assert_eq!(proven.len(), 3, "{proven:?}");
    assert_eq!(proven[2].1, "ACCESS EXCLUSIVE on \"users\" (brief)", "{proven:?}");
    assert!(proven[1].1.contains("SHARE UPDATE EXCLUSIVE"), "{proven:?}");
}

#[test]
fn raw_concurrent_index_runs_outside_the_transaction_with_its_lock() {
    let plan = raw_statement_plan("CREATE INDEX CONCURRENTLY users_age_idx ON users (age)");
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert!(plan[0].0.starts_with("outside: CREATE INDEX CONCURRENTLY"), "{plan:?}");
    assert!(plan[0].1.contains("SHARE UPDATE EXCLUSIVE"), "{plan:?}");
}

#[test]
fn raw_if_not_exists_on_what_exists_takes_at_most_a_brief_lock() {
    let index = raw_statement_plan("CREATE INDEX IF NOT EXISTS users_name_idx ON users (name)");
    assert_eq!(
        index,
        [(
            "tx: CREATE INDEX IF NOT EXISTS users_name_idx ON users (name)".to_owned(),
            "SHARE on \"users\" (brief: the index exists, nothing is built)".to_owned()
        )]
    );
    let concurrent = raw_statement_plan("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name)");
    assert!(concurrent[0].0.starts_with("outside: "), "still outside a transaction: {concurrent:?}");
    let table = raw_statement_plan("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY)");
    assert_eq!(table, [("tx: CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY)".to_owned(), String::new())]);
    // Absent, the index is built, and the plan says so.
    let absent = raw_statement_plan("CREATE INDEX IF NOT EXISTS users_age_idx ON users (age)");
    assert!(absent[0].1.contains("for the whole build"), "{absent:?}");
}
