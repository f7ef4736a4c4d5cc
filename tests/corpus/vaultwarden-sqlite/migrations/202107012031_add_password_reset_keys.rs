// migrations/sqlite/2021-07-01-203140_add_password_reset_keys/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE organizations
  ADD COLUMN private_key TEXT;

ALTER TABLE organizations
  ADD COLUMN public_key TEXT;
"###;
}
