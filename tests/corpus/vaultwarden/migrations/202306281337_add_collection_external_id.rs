// migrations/postgresql/2023-06-28-133700_add_collection_external_id/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE collections ADD COLUMN external_id TEXT;
"###;
}
