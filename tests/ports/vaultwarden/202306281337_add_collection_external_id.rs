// migrations/postgresql/2023-06-28-133700_add_collection_external_id/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table collections {
        add_column external_id: Option<String>,
    }
}
