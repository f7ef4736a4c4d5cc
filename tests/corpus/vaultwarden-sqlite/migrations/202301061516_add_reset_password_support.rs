// migrations/sqlite/2023-01-06-151600_add_reset_password_support/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE users_organizations
ADD COLUMN reset_password_key TEXT;
"###;
}
