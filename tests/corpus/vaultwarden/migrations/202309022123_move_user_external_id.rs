// migrations/postgresql/2023-09-02-212336_move_user_external_id/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users_organizations
ADD COLUMN external_id TEXT;
"###;
}
