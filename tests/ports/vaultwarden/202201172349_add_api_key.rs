// migrations/postgresql/2022-01-17-234911_add_api_key/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table users {
        add_column api_key: Option<String>,
    }
}
