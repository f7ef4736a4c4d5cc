schemaflow::migration! {
    create_table tags {
        id: i64 primary_key identity,
        label: String unique,
    }
}

fn main() {}
