schemaflow::migration! {
    create_table posts {
        id: i64 primary_key identity,
        title: String,
        check("length(title) > 0") not_valid,
    }
}

fn main() {}
