// migrations/postgresql/2024-03-06-170000_add_sso_users/up.sql, down.sql
// expect: compiles; advice SF030
// why: a new table; its foreign key is its primary key; a timestamp without a time zone (advice)
schemaflow::migration! {
    create_table sso_users {
        user_uuid: sql("char(36)") primary_key references users(uuid),
        identifier: String unique,
        created_at: Timestamp = now(),
    }
}
