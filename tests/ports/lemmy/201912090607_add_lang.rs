// migrations/2019-12-09-060754_add_lang/up.sql, down.sql
// expect: compiles
// why: a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table user_ {
        add_column lang: Varchar<20> = "browser",
    }
}
