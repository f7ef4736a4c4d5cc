schemaflow::migration! {
    create_table users_backup {
        id: i64 primary_key,
        name: String,
    }
}
