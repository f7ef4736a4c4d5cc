// migrations/postgresql/2021-03-15-163412_rename_send_key/up.sql, down.sql
// expect: rejected SF007
// why: renaming a column breaks the code that still uses `key` until every instance is redeployed
schemaflow::migration! {
    sql r###"ALTER TABLE sends RENAME COLUMN key TO akey;
"###;
}
