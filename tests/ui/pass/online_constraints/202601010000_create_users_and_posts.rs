schemaflow::migration! {
    create_table users {
        id: i64 primary_key identity,
        email: String unique,
    }
    create_table posts {
        id: i64 primary_key identity,
        author_id: i64,
        title: String,
        slug: String,
    }
    create_index on posts(author_id);
}
