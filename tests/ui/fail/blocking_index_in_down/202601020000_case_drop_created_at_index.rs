// The forward step is safe; its written way back is not: a rollback would
// build the index with every write to `users` blocked.
schemaflow::migration! {
    drop_index users_created_at_idx concurrently;

    down {
        create_index users_created_at_idx on users(created_at);
    }
}

fn main() {}
