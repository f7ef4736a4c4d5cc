// migrations/2019-10-15-181630_add_themes/up.sql, down.sql
// expect: compiles
// why: a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table user_ {
        add_column theme: Varchar<20> = "darkly",
    }
}
