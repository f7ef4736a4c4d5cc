// migrations/2019-10-21-011237_add_default_sorts/up.sql, down.sql
// expect: compiles
// why: constant defaults: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table user_ {
        add_column default_sort_type: i16 = 0,
        add_column default_listing_type: i16 = 1,
    }
}
