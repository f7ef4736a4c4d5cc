// migrations/sqlite/2021-04-30-233251_add_reprompt/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE ciphers
ADD COLUMN reprompt INTEGER;
"###;
}
