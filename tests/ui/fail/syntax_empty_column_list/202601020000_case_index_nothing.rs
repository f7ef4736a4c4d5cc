schemaflow::migration! {
    create_index on users() concurrently;
}

fn main() {}
