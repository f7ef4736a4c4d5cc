// migrations/postgresql/2023-09-14-133000_add_users_organizations_invited_by_email/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users_organizations ADD COLUMN invited_by_email TEXT DEFAULT NULL;
"###
        down r###"ALTER TABLE users_organizations DROP COLUMN invited_by_email;
"###;
}
