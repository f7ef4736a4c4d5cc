// migrations/sqlite/2021-05-11-205202_add_hide_email/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE sends
ADD COLUMN hide_email BOOLEAN;
"###;
}
