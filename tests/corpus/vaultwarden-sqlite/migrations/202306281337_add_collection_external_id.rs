// migrations/sqlite/2023-06-28-133700_add_collection_external_id/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE collections ADD COLUMN external_id TEXT;
"###;
}
