// migrations/postgresql/2022-03-02-210038_update_devices_primary_key/up.sql, down.sql
// expect: compiles
// why: with `concurrently` the new key's index is built online under another name, then one brief transaction swaps the keys: the table is never without one
schemaflow::migration! {
    alter_table devices {
        drop_constraint devices_pkey,
        add_constraint devices_pkey primary_key(uuid, user_uuid) concurrently,
    }
}
