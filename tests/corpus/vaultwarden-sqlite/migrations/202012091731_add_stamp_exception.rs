// migrations/sqlite/2020-12-09-173101_add_stamp_exception/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE users ADD COLUMN stamp_exception TEXT DEFAULT NULL;"###;
}
