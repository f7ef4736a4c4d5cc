schemaflow::migration! {
    create_index on users(created_at) concurrently
    drop_index users_name_idx concurrently;
}

fn main() {}
