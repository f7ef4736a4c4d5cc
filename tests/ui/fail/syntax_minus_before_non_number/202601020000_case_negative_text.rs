schemaflow::migration! {
    create_table accounts {
        id: i64 primary_key identity,
        balance: Decimal<12, 2> = -"1.00",
    }
}

fn main() {}
