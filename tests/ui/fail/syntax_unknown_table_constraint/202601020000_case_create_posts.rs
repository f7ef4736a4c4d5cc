schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        title: String,
        index(title),
    }
}

fn main() {}
