// migrations/postgresql/2021-05-11-205202_add_hide_email/up.sql, down.sql
// expect: compiles
// why: a nullable column: catalog-only
schemaflow::migration! {
    alter_table sends {
        add_column hide_email: Option<bool>,
    }
}
