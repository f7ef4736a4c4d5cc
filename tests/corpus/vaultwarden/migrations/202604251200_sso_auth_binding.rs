// migrations/postgresql/2026-04-25-120000_sso_auth_binding/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE sso_auth ADD COLUMN binding_hash TEXT;
"###
        down r###"ALTER TABLE sso_auth DROP COLUMN binding_hash;
"###;
}
