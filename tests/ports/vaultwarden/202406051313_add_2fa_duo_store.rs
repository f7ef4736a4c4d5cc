// migrations/postgresql/2024-06-05-131359_add_2fa_duo_store/up.sql, down.sql
// expect: compiles
// why: a new table
schemaflow::migration! {
    create_table twofactor_duo_ctx {
        state: Varchar<64> primary_key,
        user_email: Varchar<255>,
        nonce: Varchar<64>,
        exp: i64,
    }
}
