// Two foreign keys, each covered by an index (one by the composite index
// that starts with it).
schemaflow::migration! {
    create_table comments {
        id: i64 primary_key identity,
        post_id: i64 references posts(id) on_delete cascade,
        author_id: Option<i64> references users(id) on_delete set_null,
        body: String,
        created_at: TimestampTz = now(),
    }
    create_index on comments(post_id, created_at);
    create_index on comments(author_id);
}
