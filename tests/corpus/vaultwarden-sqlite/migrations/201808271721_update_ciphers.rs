// migrations/sqlite/2018-08-27-172114_update_ciphers/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE ciphers
    ADD COLUMN
    password_history TEXT;"###;
}
