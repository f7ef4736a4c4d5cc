// A virtual generated column: PostgreSQL has them only since 18, and the
// test crate supports PostgreSQL 13.
schemaflow::migration! {
    create_table invoices {
        id: i64 primary_key identity,
        net: i64,
        vat: i64,
        gross: i64 generated("net + vat") virtual,
    }
}

fn main() {}
