// migrations/postgresql/2020-11-30-224000_add_user_enabled/up.sql, down.sql
// expect: compiles
// why: a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table users {
        add_column enabled: bool = true,
    }
}
