// migrations/postgresql/2020-12-09-173101_add_stamp_exception/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table users {
        add_column stamp_exception: Option<String>,
    }
}
