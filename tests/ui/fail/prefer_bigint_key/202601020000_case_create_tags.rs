schemaflow::migration! {
    create_table tags {
        id: i32 primary_key identity,
        label: String unique,
    }
}

fn main() {}
