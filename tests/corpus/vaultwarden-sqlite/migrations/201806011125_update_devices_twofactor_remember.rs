// migrations/sqlite/2018-06-01-112529_update_devices_twofactor_remember/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE devices
    ADD COLUMN
    twofactor_remember TEXT;"###;
}
