// migrations/postgresql/2025-01-09-172300_add_manage/up.sql, down.sql
// expect: compiles
// why: constant defaults: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    alter_table users_collections {
        add_column manage: bool = false,
    }
    alter_table collections_groups {
        add_column manage: bool = false,
    }
}
