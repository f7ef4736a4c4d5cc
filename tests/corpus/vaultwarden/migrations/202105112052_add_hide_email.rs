// migrations/postgresql/2021-05-11-205202_add_hide_email/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE sends
ADD COLUMN hide_email BOOLEAN;
"###;
}
