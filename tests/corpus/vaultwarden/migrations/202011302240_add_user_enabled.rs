// migrations/postgresql/2020-11-30-224000_add_user_enabled/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT true;
"###;
}
