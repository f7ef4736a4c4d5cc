schemaflow::migration! {
    create_table users {
        id: Option<i64> primary_key identity,
        email: String,
    }
}

fn main() {}
