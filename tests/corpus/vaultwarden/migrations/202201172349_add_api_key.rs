// migrations/postgresql/2022-01-17-234911_add_api_key/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users
ADD COLUMN api_key TEXT;
"###;
}
