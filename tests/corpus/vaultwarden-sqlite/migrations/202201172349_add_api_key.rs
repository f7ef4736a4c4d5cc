// migrations/sqlite/2022-01-17-234911_add_api_key/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE users
ADD COLUMN api_key TEXT;
"###;
}
