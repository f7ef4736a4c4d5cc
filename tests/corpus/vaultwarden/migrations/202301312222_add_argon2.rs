// migrations/postgresql/2023-01-31-222222_add_argon2/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users
    ADD COLUMN
    client_kdf_memory INTEGER DEFAULT NULL;

ALTER TABLE users
    ADD COLUMN
    client_kdf_parallelism INTEGER DEFAULT NULL;
"###;
}
