// migrations/postgresql/2021-04-30-233251_add_reprompt/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table ciphers {
        add_column reprompt: Option<i32>,
    }
}
