// A foreign key with the index that its referencing side needs: without
// `create_index on posts(author_id)` this file does not compile (SF021).
schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        author_id: i64 references users(id) on_delete cascade,
        title: Varchar<200>,
        body: String = "",
        published_at: Option<TimestampTz>,
        created_at: TimestampTz = now(),
    }
    create_index on posts(author_id);
    create_index posts_published_idx on posts(published_at) where "published_at IS NOT NULL";
}
