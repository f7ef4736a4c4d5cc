schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        view_count: i32 = 0i32,
    }
}

fn main() {}
