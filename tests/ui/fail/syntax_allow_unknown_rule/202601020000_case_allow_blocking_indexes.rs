schemaflow::migration! {
    #[allow(blocking_indexes, "users has 200 rows")]
    create_index on users(created_at);
}

fn main() {}
