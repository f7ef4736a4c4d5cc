// migrations/postgresql/2022-03-02-210038_update_devices_primary_key/up.sql, down.sql
// expect: rejected SF016
// why: a new primary key on a table in use builds its unique index under an ACCESS EXCLUSIVE lock (no reads, no writes)
schemaflow::migration! {
    alter_table devices {
        drop_constraint devices_pkey,
        add_constraint devices_pkey primary_key(uuid, user_uuid),
    }
}
