// migrations/postgresql/2023-01-11-205851_add_avatar_color/up.sql, down.sql
// expect: compiles
// why: columns that are nullable or have a constant default: catalog-only on PostgreSQL 11+
schemaflow::migration! {
    sql r###"ALTER TABLE users
ADD COLUMN avatar_color TEXT;
"###;
}
