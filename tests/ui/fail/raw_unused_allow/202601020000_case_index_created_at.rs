schemaflow::migration! {
    #[allow(blocking_index, "users is small")]
    sql "CREATE INDEX CONCURRENTLY users_created_at_idx ON users (created_at)";
}

fn main() {}
