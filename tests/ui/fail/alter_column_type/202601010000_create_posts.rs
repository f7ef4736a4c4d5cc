schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        title: String,
        view_count: i32 = 0,
        published_at: Option<Timestamp>,
    }
    create_index on posts(published_at);
}
