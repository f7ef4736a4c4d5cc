// migrations/postgresql/2021-07-01-203140_add_password_reset_keys/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE organizations
  ADD COLUMN private_key TEXT;

ALTER TABLE organizations
  ADD COLUMN public_key TEXT;
"###;
}
