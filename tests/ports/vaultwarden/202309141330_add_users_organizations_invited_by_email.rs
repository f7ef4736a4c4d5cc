// migrations/postgresql/2023-09-14-133000_add_users_organizations_invited_by_email/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table users_organizations {
        add_column invited_by_email: Option<String>,
    }
}
