// migrations/postgresql/2022-03-02-210038_update_devices_primary_key/up.sql, down.sql
// expect: rejected SF016
// why: ADD PRIMARY KEY builds its unique index while `devices` is locked against reads and writes; build it CONCURRENTLY and add it USING INDEX
schemaflow::migration! {
    sql r###"-- First remove the previous primary key
ALTER TABLE devices DROP CONSTRAINT devices_pkey;
-- Add a new combined one
ALTER TABLE devices ADD PRIMARY KEY (uuid, user_uuid);
"###;
}
