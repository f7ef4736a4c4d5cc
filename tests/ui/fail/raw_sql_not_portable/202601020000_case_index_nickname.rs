schemaflow::migration! {
    // Safe on PostgreSQL; SQLite has no CONCURRENTLY.
    sql "CREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname)";
}

fn main() {}
