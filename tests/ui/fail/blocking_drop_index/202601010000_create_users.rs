schemaflow::migration! {
    create_table users {
        id: i64 primary_key identity,
        email: String unique,
        created_at: TimestampTz = now(),
    }
    create_index on users(created_at);
}
