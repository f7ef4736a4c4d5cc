schemaflow::migration! {
    create_table Users {
        id: i64 primary_key identity,
        email: String unique,
    }
}

fn main() {}
