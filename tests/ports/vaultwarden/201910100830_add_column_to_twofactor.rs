// migrations/postgresql/2019-10-10-083032_add_column_to_twofactor/up.sql, down.sql
// expect: compiles
// why: a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table twofactor {
        add_column last_used: i32 = 0,
    }
}
