schemaflow::migration! {
    create_table user {
        id: i64 primary_key identity,
        email: String unique,
    }
}

fn main() {}
