schemaflow::migration! {
    create_table orders {
        id: i64 primary_key identity,
        customer_email: String references customers(email),
        total: Decimal<10, 2>,
    }
}

fn main() {}
