// migrations/postgresql/2023-01-31-222222_add_argon2/up.sql, down.sql
// expect: compiles
// why: nullable columns: catalog-only
schemaflow::migration! {
    alter_table users {
        add_column client_kdf_memory: Option<i32>,
        add_column client_kdf_parallelism: Option<i32>,
    }
}
