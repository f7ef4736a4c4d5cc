schemaflow::migration! {
    create_table customers {
        id: i64 primary_key identity,
        email: String,
    }
}
