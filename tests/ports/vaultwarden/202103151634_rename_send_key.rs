// migrations/postgresql/2021-03-15-163412_rename_send_key/up.sql, down.sql
// expect: rejected SF007
// why: renaming a column breaks the code still running; an online rename or an acknowledgement says how
schemaflow::migration! {
    alter_table sends {
        rename_column key -> akey,
    }
}
