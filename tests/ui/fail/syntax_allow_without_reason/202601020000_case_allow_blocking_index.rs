schemaflow::migration! {
    #[allow(blocking_index)]
    create_index on users(created_at);
}

fn main() {}
