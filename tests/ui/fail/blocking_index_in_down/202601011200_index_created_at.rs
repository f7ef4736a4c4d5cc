schemaflow::migration! {
    create_index users_created_at_idx on users(created_at) concurrently;
}
