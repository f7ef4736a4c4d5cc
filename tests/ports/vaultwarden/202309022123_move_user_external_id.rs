// migrations/postgresql/2023-09-02-212336_move_user_external_id/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table users_organizations {
        add_column external_id: Option<String>,
    }
}
