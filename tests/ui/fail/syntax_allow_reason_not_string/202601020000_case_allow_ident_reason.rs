schemaflow::migration! {
    #[allow(blocking_index, small_table)]
    create_index on users(created_at);
}

fn main() {}
