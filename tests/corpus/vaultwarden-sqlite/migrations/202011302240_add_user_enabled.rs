// migrations/sqlite/2020-11-30-224000_add_user_enabled/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE users ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT 1;
"###;
}
