// migrations/postgresql/2023-02-18-125735_push_uuid_table/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE devices ADD COLUMN push_uuid TEXT;"###;
}
