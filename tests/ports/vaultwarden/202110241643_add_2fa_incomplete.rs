// migrations/postgresql/2021-10-24-164321_add_2fa_incomplete/up.sql, down.sql
// expect: compiles; advice SF030
// why: a new table; its key starts with the foreign key; a timestamp without a time zone (advice)
schemaflow::migration! {
    create_table twofactor_incomplete {
        user_uuid: Varchar<40> references users(uuid),
        device_uuid: Varchar<40>,
        device_name: String,
        login_time: Timestamp,
        ip_address: String,
        primary_key(user_uuid, device_uuid),
    }
}
