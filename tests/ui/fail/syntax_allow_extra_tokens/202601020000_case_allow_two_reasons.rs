schemaflow::migration! {
    #[allow(blocking_index, "users has 200 rows", "and it is quiet at night")]
    create_index on users(created_at);
}

fn main() {}
