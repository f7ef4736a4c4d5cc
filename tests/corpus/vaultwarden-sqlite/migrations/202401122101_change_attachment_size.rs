// migrations/sqlite/2024-01-12-210182_change_attachment_size/up.sql, down.sql; the up.sql holds only a comment, so `SELECT 1` keeps the version
// expect: compiles
// why: nothing to do on SQLite (the source's up.sql is a comment)
schemaflow::migration! {
    sql r###"-- Integer size in SQLite is already i64, so we don't need to do anything
SELECT 1"###;
}
