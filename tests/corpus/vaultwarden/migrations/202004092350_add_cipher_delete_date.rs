// migrations/postgresql/2020-04-09-235005_add_cipher_delete_date/up.sql, down.sql
// expect: compiles; advice SF030
// why: a nullable column: catalog-only
schemaflow::migration! {
    sql r###"ALTER TABLE ciphers
    ADD COLUMN
    deleted_at TIMESTAMP;
"###;
}
