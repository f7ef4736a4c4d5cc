schemaflow::migration! {
    create_table sessions {
        id: Uuid = gen_random_uuid() primary_key,
        user_id: i64,
        expires_at: TimestampTz,
    }
}
