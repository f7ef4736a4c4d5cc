schemaflow::migration! {
    #[allow(blocking_index, "users is small")]
    create_index on users(created_at) concurrently;
}

fn main() {}
