// migrations/sqlite/2024-09-04-091351_use_device_type_for_mails/up.sql, down.sql
// expect: compiles
// why: a nullable column, or one with a constant default: SQLite adds it without touching the rows
schemaflow::migration! {
    sql r###"ALTER TABLE twofactor_incomplete ADD COLUMN device_type INTEGER NOT NULL DEFAULT 14; -- 14 = Unknown Browser
"###
        down r###"ALTER TABLE `twofactor_incomplete` DROP COLUMN `device_type`;
"###;
}
