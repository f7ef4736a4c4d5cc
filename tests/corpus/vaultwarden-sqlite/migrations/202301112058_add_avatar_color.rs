// migrations/sqlite/2023-01-11-205851_add_avatar_color/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE users
ADD COLUMN avatar_color TEXT;
"###;
}
