// migrations/postgresql/2023-09-10-133000_add_sso/up.sql, down.sql
// expect: compiles; advice SF030
// why: a new table; a timestamp without a time zone (advice)
schemaflow::migration! {
    create_table sso_nonce {
        nonce: sql("char(36)") primary_key,
        created_at: Timestamp = now(),
    }
}
