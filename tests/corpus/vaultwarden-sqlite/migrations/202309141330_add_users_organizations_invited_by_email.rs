// migrations/sqlite/2023-09-14-133000_add_users_organizations_invited_by_email/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE users_organizations ADD COLUMN invited_by_email TEXT DEFAULT NULL;
"###
        down r###"ALTER TABLE users_organizations DROP COLUMN invited_by_email;
"###;
}
