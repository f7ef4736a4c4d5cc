// migrations/postgresql/2023-01-11-205851_add_avatar_color/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table users {
        add_column avatar_color: Option<String>,
    }
}
