// migrations/postgresql/2024-09-04-091351_use_device_type_for_mails/up.sql, down.sql
// expect: compiles
// why: a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table twofactor_incomplete {
        add_column device_type: i32 = 14,
    }
}
