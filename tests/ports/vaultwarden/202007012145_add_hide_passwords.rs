// migrations/postgresql/2020-07-01-214531_add_hide_passwords/up.sql, down.sql
// expect: compiles
// why: a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table users_collections {
        add_column hide_passwords: bool = false,
    }
}
