// migrations/postgresql/2019-11-17-011009_add_email_verification/up.sql, down.sql
// expect: compiles; advice SF030
// why: nullable columns and a constant default: catalog-only; timestamps without a time zone (advice)
schemaflow::migration! {
    alter_table users {
        add_column verified_at: Option<Timestamp>,
        add_column last_verifying_at: Option<Timestamp>,
        add_column login_verify_count: i32 = 0,
        add_column email_new: Option<Varchar<255>>,
        add_column email_new_token: Option<Varchar<16>>,
    }
}
