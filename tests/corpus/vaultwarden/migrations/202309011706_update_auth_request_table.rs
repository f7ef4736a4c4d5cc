// migrations/postgresql/2023-09-01-170620_update_auth_request_table/up.sql, down.sql
// expect: compiles; advice SF029
// why: DROP NOT NULL is catalog-only; code that assumes a value must cope with NULL (advice)
schemaflow::migration! {
    sql r###"ALTER TABLE auth_requests
ALTER COLUMN master_password_hash DROP NOT NULL;

ALTER TABLE auth_requests
ALTER COLUMN enc_key DROP NOT NULL;
"###;
}
