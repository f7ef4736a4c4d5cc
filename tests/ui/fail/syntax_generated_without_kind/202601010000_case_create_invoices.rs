// A generated column says whether it is stored or virtual.
schemaflow::migration! {
    create_table invoices {
        id: i64 primary_key identity,
        net: i64,
        gross: i64 generated("net * 2"),
    }
}

fn main() {}
