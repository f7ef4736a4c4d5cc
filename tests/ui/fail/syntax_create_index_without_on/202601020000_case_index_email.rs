schemaflow::migration! {
    create_index users(email) concurrently;
}

fn main() {}
