// migrations/sqlite/2023-02-18-125735_push_uuid_table/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE devices ADD COLUMN push_uuid TEXT;"###;
}
