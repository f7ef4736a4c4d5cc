schemaflow::migration! {
    create_table users {
        id: i64 primary_key identity,
        email: String unique,
        name: String,
        deleted_at: Option<TimestampTz>,
        created_at: TimestampTz = now(),
    }
    create_index on users(name);
}
