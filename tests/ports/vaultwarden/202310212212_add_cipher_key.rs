// migrations/postgresql/2023-10-21-221242_add_cipher_key/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table ciphers {
        add_column key: Option<String>,
    }
}
