// migrations/2019-10-24-002614_create_password_reset_request/up.sql, down.sql
// expect: compiles; advice SF021 SF022 SF030
// why: a new table; its foreign key has no index, its key is 32-bit and its timestamp has no time zone (advice)
schemaflow::migration! {
    create_table password_reset_request {
        id: i32 primary_key identity,
        user_id: i32 references user_(id) on_delete cascade on_update cascade,
        token_encrypted: String,
        published: Timestamp = now(),
    }
}
