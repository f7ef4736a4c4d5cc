schemaflow::migration! {
    create_table orders {
        id: i64 primary_key identity,
        total: Decimal<2, 10>,
    }
}

fn main() {}
