// migrations/sqlite/2018-09-19-144557_add_kdf_columns/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE users
    ADD COLUMN
    client_kdf_type INTEGER NOT NULL DEFAULT 0; -- PBKDF2

ALTER TABLE users
    ADD COLUMN
    client_kdf_iter INTEGER NOT NULL DEFAULT 100000;
"###;
}
