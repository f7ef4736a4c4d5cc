// migrations/postgresql/2023-01-06-151600_add_reset_password_support/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users_organizations
ADD COLUMN reset_password_key TEXT;
"###;
}
