schemaflow::migration! {
    create_table tags {
        id: i32 primary_key,
        label: String unique,
    }
}

fn main() {}
