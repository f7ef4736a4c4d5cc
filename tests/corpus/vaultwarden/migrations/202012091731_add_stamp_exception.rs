// migrations/postgresql/2020-12-09-173101_add_stamp_exception/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users ADD COLUMN stamp_exception TEXT DEFAULT NULL;"###;
}
