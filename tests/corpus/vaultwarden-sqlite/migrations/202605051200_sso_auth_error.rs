// migrations/sqlite/2026-05-05-120000_sso_auth_error/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE sso_auth ADD COLUMN code_response_error TEXT;
"###
        down r###"ALTER TABLE sso_auth DROP COLUMN code_response_error;
"###;
}
