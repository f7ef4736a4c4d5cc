schemaflow::migration! {
    #[expect(blocking_index, "users has 200 rows")]
    create_index on users(created_at);
}

fn main() {}
