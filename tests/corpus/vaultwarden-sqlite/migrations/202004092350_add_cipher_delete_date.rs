// migrations/sqlite/2020-04-09-235005_add_cipher_delete_date/up.sql, down.sql
// expect: compiles; advice SF030
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows; timestamps without a time zone (advice)
schemaflow::migration! {
    sql r###"ALTER TABLE ciphers
    ADD COLUMN
    deleted_at DATETIME;
"###;
}
