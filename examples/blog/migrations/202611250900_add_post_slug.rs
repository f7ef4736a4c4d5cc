// A nullable column on a table in use, filled in batches, then a unique
// index built without blocking writes.
schemaflow::migration! {
    alter_table posts {
        add_column slug: Option<Varchar<220>>,
    }
    backfill posts set slug = sql("'post-' || id") batch 1000;
    create_index posts_slug_key on posts(slug) unique concurrently;
}
