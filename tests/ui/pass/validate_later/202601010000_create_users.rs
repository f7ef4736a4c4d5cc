schemaflow::migration! {
    create_table users {
        id: i64 primary_key identity,
        name: String,
    }
}
