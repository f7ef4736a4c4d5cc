// migrations/sqlite/2026-04-25-120000_sso_auth_binding/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE sso_auth ADD COLUMN binding_hash TEXT;
"###
        down r###"ALTER TABLE sso_auth DROP COLUMN binding_hash;
"###;
}
