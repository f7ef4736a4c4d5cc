schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        author_id: i64 references users(id) on_delete cascade,
        title: String,
    }
}

fn main() {}
