schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        author_id: Option<i64> references users(id) on_delete nullify,
    }
}

fn main() {}
