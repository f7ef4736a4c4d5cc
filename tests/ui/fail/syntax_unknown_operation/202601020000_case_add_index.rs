schemaflow::migration! {
    add_index on users(email) concurrently;
}

fn main() {}
