// migrations/postgresql/2023-10-21-221242_add_cipher_key/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE ciphers
ADD COLUMN "key" TEXT;
"###;
}
