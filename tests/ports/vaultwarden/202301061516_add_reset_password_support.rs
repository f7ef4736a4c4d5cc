// migrations/postgresql/2023-01-06-151600_add_reset_password_support/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table users_organizations {
        add_column reset_password_key: Option<String>,
    }
}
