schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        tags: Vec<Option<String>>,
    }
}

fn main() {}
