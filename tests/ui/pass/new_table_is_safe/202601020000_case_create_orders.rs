// Every step here would be a hazard on a table in use; on a table created
// in this same migration none is, because it holds no rows yet.
schemaflow::migration! {
    create_table orders {
        id: i64 primary_key identity,
        customer_id: i64 references users(id),
        total: Decimal<10, 2>,
    }
    create_index on orders(customer_id);
    alter_table orders {
        add_column placed_at: TimestampTz,
        add_column reference: Varchar<32>,
        add_constraint unique(reference),
        add_constraint orders_total_check check("total >= 0"),
        rename_column total -> total_amount,
        set_type total_amount: Decimal<12, 2>,
    }
    create_index on orders(placed_at);
}

fn main() {
    assert_eq!(migration().steps.len(), 9);
}
