schemaflow::migration! {
    create_table users {
        id: i64 = 1 primary_key identity,
        email: String,
    }
}

fn main() {}
