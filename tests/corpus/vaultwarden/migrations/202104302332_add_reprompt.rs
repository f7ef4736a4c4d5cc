// migrations/postgresql/2021-04-30-233251_add_reprompt/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE ciphers
ADD COLUMN reprompt INTEGER;
"###;
}
