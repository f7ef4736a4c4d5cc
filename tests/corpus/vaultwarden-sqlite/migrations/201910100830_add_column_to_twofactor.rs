// migrations/sqlite/2019-10-10-083032_add_column_to_twofactor/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE twofactor ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;
"###;
}
