schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        title: String,
        view_count: i32 = 0,
    }
}
