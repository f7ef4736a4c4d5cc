schemaflow::migration! {
    create_table orders {
        id: i64 primary_key identity,
        number: i64 identity,
    }
}

fn main() {}
