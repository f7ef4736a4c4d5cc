schemaflow::migration! {
    create_index on users(created_at);
}

fn main() {}
