// migrations/postgresql/2019-10-10-083032_add_column_to_twofactor/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE twofactor ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;"###;
}
