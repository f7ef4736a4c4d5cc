// migrations/postgresql/2020-04-09-235005_add_cipher_delete_date/up.sql, down.sql
// expect: compiles; advice SF030
// why: a nullable column: catalog-only; a timestamp without a time zone (advice)
schemaflow::migration! {
    alter_table ciphers {
        add_column deleted_at: Option<Timestamp>,
    }
}
