schemaflow::migration! {
    create_table devices {
        id: i64 primary_key identity,
        token: String,
    }
    create_index devices_token_idx on devices(token);
}
