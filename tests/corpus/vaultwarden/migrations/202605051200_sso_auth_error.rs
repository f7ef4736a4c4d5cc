// migrations/postgresql/2026-05-05-120000_sso_auth_error/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE sso_auth ADD COLUMN IF NOT EXISTS code_response_error TEXT;
"###
        down r###"ALTER TABLE sso_auth DROP COLUMN IF EXISTS code_response_error;
"###;
}
