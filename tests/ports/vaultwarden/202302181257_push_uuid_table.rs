// migrations/postgresql/2023-02-18-125735_push_uuid_table/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table devices {
        add_column push_uuid: Option<String>,
    }
}
