// migrations/sqlite/2023-10-21-221242_add_cipher_key/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE ciphers
ADD COLUMN "key" TEXT;
"###;
}
