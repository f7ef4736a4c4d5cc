// migrations/sqlite/2018-11-27-152651_add_att_key_columns/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE attachments
    ADD COLUMN
    key TEXT;"###;
}
