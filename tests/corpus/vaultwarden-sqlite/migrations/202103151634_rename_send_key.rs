// migrations/sqlite/2021-03-15-163412_rename_send_key/up.sql, down.sql
// expect: rejected SF007
// why: renames a column the running code still uses
schemaflow::migration! {
    sql r###"ALTER TABLE sends RENAME COLUMN key TO akey;
"###;
}
