// migrations/postgresql/2021-07-01-203140_add_password_reset_keys/up.sql, down.sql
// expect: compiles
// why: nullable columns: catalog-only
schemaflow::migration! {
    alter_table organizations {
        add_column private_key: Option<String>,
        add_column public_key: Option<String>,
    }
}
