// migrations/postgresql/2023-09-01-170620_update_auth_request_table/up.sql, down.sql
// expect: compiles; advice SF029
// why: DROP NOT NULL is catalog-only; code that assumes a value must cope with NULL (advice)
schemaflow::migration! {
    alter_table auth_requests {
        drop_not_null master_password_hash,
        drop_not_null enc_key,
    }
}
